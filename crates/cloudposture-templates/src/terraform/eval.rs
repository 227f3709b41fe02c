//! Evaluating Terraform expressions as far as a module alone tells: literals, variables
//! (defaults and variable files), locals, references to resources (`aws_vpc.x.id`,
//! `aws_vpc.x[0].id`, `aws_vpc.x["a"].id`, `count.index`, `each.key`), conditionals,
//! string templates and a few functions (`try`, `can`, `tolist`, `toset`, `lookup`…).
//! A resource's id is its address (`module.net.aws_vpc.this` in a child module); a
//! module's output is its expression evaluated in the child (see [`super::modules`]);
//! what is known only at plan or apply time (a data source, another attribute of a
//! resource, the output of a remote module not downloaded) is [`EvalError::Unknown`], with why.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use hcl::expr::{BinaryOperator, Expression, ObjectKey, Operation, TraversalOperator, UnaryOperator};
use hcl::template::Element;
use serde_json::{Map, Value};

use super::modules::Calls;
use functions::function;

mod functions;

/// Why an expression has no value here.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EvalError {
    /// Known only when Terraform runs (or not evaluated by this release).
    Unknown(String),
    /// An error Terraform itself would raise (a missing key, an index out of range);
    /// `try` falls back on these only.
    Invalid(String),
}

impl EvalError {
    /// The reason, for people.
    pub fn reason(&self) -> &str {
        match self {
            EvalError::Unknown(r) | EvalError::Invalid(r) => r,
        }
    }
}

type Eval = Result<Value, EvalError>;

pub(super) fn unknown(reason: impl Into<String>) -> EvalError {
    EvalError::Unknown(reason.into())
}

pub(super) fn invalid(reason: impl Into<String>) -> EvalError {
    EvalError::Invalid(reason.into())
}

/// How many instances a resource block declares.
#[derive(Debug, Clone)]
pub(crate) enum Expansion {
    /// Neither `count` nor `for_each`.
    One,
    /// `count = N`.
    Count(usize),
    /// `for_each`: each key with its value.
    Keys(Vec<(String, Value)>),
    /// `count` or `for_each` could not be resolved.
    Unknown(String),
}

/// `count.index` or `each` of the instance being read, and the iterators of the
/// `dynamic` blocks around the expression.
#[derive(Debug, Clone, Default)]
pub(crate) struct Frame {
    pub count_index: Option<usize>,
    pub each: Option<(String, Value)>,
    /// Innermost last: the iterator's name (`ingress`, or its `iterator`), key, value.
    pub iterators: Vec<(String, Value, Value)>,
}

/// What expressions of a module can refer to.
#[derive(Debug, Default)]
pub(crate) struct Module {
    /// By name: the value, or why there is none.
    pub variables: HashMap<String, Result<Value, String>>,
    pub locals: HashMap<String, Expression>,
    /// By type, then name.
    pub resources: HashMap<String, HashMap<String, Expansion>>,
    /// What comes before the addresses of its resources: `module.net.` in a child
    /// module, empty in a root module.
    pub prefix: String,
    /// Its module calls, and the children built so far.
    pub calls: Calls,
    cache: RefCell<HashMap<String, Eval>>,
    evaluating: RefCell<HashSet<String>>,
}

impl Module {
    /// The value of `expr` for the instance `frame`.
    pub fn eval(&self, expr: &Expression, frame: &Frame) -> Eval {
        match expr {
            Expression::Null => Ok(Value::Null),
            Expression::Bool(b) => Ok(Value::Bool(*b)),
            Expression::Number(n) => Ok(number(n.as_f64().unwrap_or_default())),
            Expression::String(s) => Ok(Value::String(s.clone())),
            Expression::Array(items) => items
                .iter()
                .map(|e| self.eval(e, frame))
                .collect::<Result<_, _>>()
                .map(Value::Array),
            Expression::Object(object) => {
                let mut map = Map::new();
                for (key, value) in object {
                    let key = match key {
                        ObjectKey::Identifier(id) => id.to_string(),
                        ObjectKey::Expression(e) => as_string(&self.eval(e, frame)?)?,
                        _ => return Err(unknown("this object key is not evaluated")),
                    };
                    map.insert(key, self.eval(value, frame)?);
                }
                Ok(Value::Object(map))
            }
            Expression::TemplateExpr(template) => {
                let template = hcl::Template::from_expr(template).map_err(|e| invalid(e.to_string()))?;
                let elements = template.elements();
                if let [Element::Interpolation(only)] = elements {
                    return self.eval(&only.expr, frame);
                }
                let mut out = String::new();
                for element in elements {
                    match element {
                        Element::Literal(s) => out.push_str(s),
                        Element::Interpolation(i) => out.push_str(&as_string(&self.eval(&i.expr, frame)?)?),
                        Element::Directive(_) => {
                            return Err(unknown("template directives are not evaluated"));
                        }
                    }
                }
                Ok(Value::String(out))
            }
            Expression::Variable(name) => self.traverse(name.as_str(), &[], frame),
            Expression::Traversal(traversal) => match &traversal.expr {
                Expression::Variable(root) => self.traverse(root.as_str(), &traversal.operators, frame),
                other => {
                    let value = self.eval(other, frame)?;
                    self.apply(value, &traversal.operators, frame)
                }
            },
            Expression::FuncCall(call) => self.call(call.name.name.as_str(), &call.args, frame),
            Expression::Parenthesis(inner) => self.eval(inner, frame),
            Expression::Conditional(c) => match self.eval(&c.cond_expr, frame)? {
                Value::Bool(true) => self.eval(&c.true_expr, frame),
                Value::Bool(false) => self.eval(&c.false_expr, frame),
                other => Err(invalid(format!("condition `{other}` is not true or false"))),
            },
            Expression::Operation(op) => self.operation(op, frame),
            Expression::ForExpr(_) => Err(unknown("`for` expressions are not evaluated")),
            _ => Err(unknown("this expression is not evaluated")),
        }
    }

    fn traverse(&self, root: &str, ops: &[TraversalOperator], frame: &Frame) -> Eval {
        let (first, rest) = match ops.split_first() {
            Some((TraversalOperator::GetAttr(name), rest)) => (name.as_str(), rest),
            _ => return Err(unknown(format!("`{root}` used as a whole is not evaluated"))),
        };
        if let Some((_, key, value)) = frame.iterators.iter().rev().find(|(name, ..)| name == root) {
            return match first {
                "key" => self.apply(key.clone(), rest, frame),
                "value" => self.apply(value.clone(), rest, frame),
                other => Err(invalid(format!(
                    "`{root}.{other}`: an iterator has `key` and `value`"
                ))),
            };
        }
        match root {
            "var" => match self.variables.get(first) {
                None => Err(invalid(format!("variable `{first}` is not declared"))),
                Some(Err(reason)) => Err(unknown(reason.clone())),
                Some(Ok(value)) => self.apply(value.clone(), rest, frame),
            },
            "local" => {
                let value = self.local(first)?;
                self.apply(value, rest, frame)
            }
            "count" if first == "index" => match frame.count_index {
                Some(i) => self.apply(Value::from(i), rest, frame),
                None => Err(invalid("`count.index` in a resource without `count`")),
            },
            "each" => match (&frame.each, first) {
                (Some((key, _)), "key") => self.apply(Value::from(key.as_str()), rest, frame),
                (Some((_, value)), "value") => self.apply(value.clone(), rest, frame),
                _ => Err(invalid(format!(
                    "`each.{first}` in a resource without `for_each`"
                ))),
            },
            "data" => {
                let name = match rest.first() {
                    Some(TraversalOperator::GetAttr(name)) => format!("data.{first}.{name}"),
                    _ => format!("data.{first}"),
                };
                Err(unknown(format!(
                    "`{name}` is a data source, read only at plan time"
                )))
            }
            "module" => self.module_output(first, rest, frame),
            "path" | "terraform" | "self" => Err(unknown(format!("`{root}.{first}` is not evaluated"))),
            kind => {
                let expansion = self
                    .resources
                    .get(kind)
                    .and_then(|r| r.get(first))
                    .ok_or_else(|| {
                        invalid(format!(
                            "`{}{kind}.{first}` is not declared in the module",
                            self.prefix
                        ))
                    })?;
                let address = format!("{}{kind}.{first}", self.prefix);
                match (expansion, rest.split_first()) {
                    (Expansion::One, _) => resource_attribute(&address, rest),
                    (Expansion::Unknown(reason), _) => Err(unknown(reason.clone())),
                    (Expansion::Count(n), Some((index, rest))) => {
                        let i = self.index(index, frame)?;
                        let i = i.as_u64().filter(|i| (*i as usize) < *n).ok_or_else(|| {
                            invalid(format!("`{address}[{i}]` is out of range (count = {n})"))
                        })?;
                        resource_attribute(&format!("{address}[{i}]"), rest)
                    }
                    (Expansion::Keys(keys), Some((index, rest))) => {
                        let key = as_string(&self.index(index, frame)?)?;
                        if !keys.iter().any(|(k, _)| *k == key) {
                            return Err(invalid(format!("`{address}` has no instance `{key}`")));
                        }
                        resource_attribute(&format!("{address}[\"{key}\"]"), rest)
                    }
                    _ => Err(unknown(format!(
                        "`{address}` as a whole (all its instances) is not evaluated"
                    ))),
                }
            }
        }
    }

    pub(super) fn index(&self, op: &TraversalOperator, frame: &Frame) -> Eval {
        match op {
            TraversalOperator::Index(e) => self.eval(e, frame),
            TraversalOperator::LegacyIndex(i) => Ok(Value::from(*i)),
            _ => Err(unknown("splat expressions are not evaluated")),
        }
    }

    pub(super) fn apply(&self, mut value: Value, ops: &[TraversalOperator], frame: &Frame) -> Eval {
        for op in ops {
            value = match op {
                TraversalOperator::GetAttr(name) => value
                    .get(name.as_str())
                    .cloned()
                    .ok_or_else(|| invalid(format!("no attribute `{name}`")))?,
                other => {
                    let index = self.index(other, frame)?;
                    match (&value, &index) {
                        (Value::Array(items), Value::Number(n)) => n
                            .as_u64()
                            .and_then(|i| items.get(i as usize))
                            .cloned()
                            .ok_or_else(|| invalid(format!("index {n} is out of range")))?,
                        (Value::Object(map), Value::String(k)) => map
                            .get(k)
                            .cloned()
                            .ok_or_else(|| invalid(format!("no key `{k}`")))?,
                        _ => return Err(invalid(format!("`{value}` cannot be indexed by `{index}`"))),
                    }
                }
            };
        }
        Ok(value)
    }

    fn local(&self, name: &str) -> Eval {
        if let Some(done) = self.cache.borrow().get(name) {
            return done.clone();
        }
        let expr = self
            .locals
            .get(name)
            .ok_or_else(|| invalid(format!("local `{name}` is not declared")))?;
        if !self.evaluating.borrow_mut().insert(name.to_string()) {
            return Err(invalid(format!("local `{name}` refers to itself")));
        }
        let value = self.eval(expr, &Frame::default());
        self.evaluating.borrow_mut().remove(name);
        self.cache.borrow_mut().insert(name.to_string(), value.clone());
        value
    }

    fn call(&self, name: &str, args: &[Expression], frame: &Frame) -> Eval {
        match name {
            "try" => {
                for arg in args {
                    match self.eval(arg, frame) {
                        Err(EvalError::Invalid(_)) => continue,
                        done => return done,
                    }
                }
                Err(invalid("no argument of `try` could be evaluated"))
            }
            "can" => match args.first().map(|a| self.eval(a, frame)) {
                Some(Ok(_)) => Ok(Value::Bool(true)),
                Some(Err(EvalError::Invalid(_))) => Ok(Value::Bool(false)),
                Some(Err(e)) => Err(e),
                None => Err(invalid("`can` needs an argument")),
            },
            _ => {
                let values = args
                    .iter()
                    .map(|a| self.eval(a, frame))
                    .collect::<Result<Vec<_>, _>>()?;
                function(name, values)
            }
        }
    }

    fn operation(&self, op: &Operation, frame: &Frame) -> Eval {
        match op {
            Operation::Unary(u) => match (u.operator, self.eval(&u.expr, frame)?) {
                (UnaryOperator::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
                (UnaryOperator::Neg, Value::Number(n)) => Ok(number(-n.as_f64().unwrap_or_default())),
                (_, v) => Err(invalid(format!("`{v}` does not take the operator"))),
            },
            Operation::Binary(b) => {
                let (l, r) = (self.eval(&b.lhs_expr, frame)?, self.eval(&b.rhs_expr, frame)?);
                let num = |v: &Value| v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok()));
                match b.operator {
                    BinaryOperator::Eq => Ok(Value::Bool(l == r)),
                    BinaryOperator::NotEq => Ok(Value::Bool(l != r)),
                    BinaryOperator::And | BinaryOperator::Or => match (l.as_bool(), r.as_bool()) {
                        (Some(a), Some(c)) => Ok(Value::Bool(if b.operator == BinaryOperator::And {
                            a && c
                        } else {
                            a || c
                        })),
                        _ => Err(invalid("`&&` and `||` take true or false")),
                    },
                    operator => {
                        let (Some(a), Some(c)) = (num(&l), num(&r)) else {
                            return Err(invalid(format!("`{l}` and `{r}` are not numbers")));
                        };
                        Ok(match operator {
                            BinaryOperator::Plus => number(a + c),
                            BinaryOperator::Minus => number(a - c),
                            BinaryOperator::Mul => number(a * c),
                            BinaryOperator::Div => number(a / c),
                            BinaryOperator::Mod => number(a % c),
                            BinaryOperator::Less => Value::Bool(a < c),
                            BinaryOperator::LessEq => Value::Bool(a <= c),
                            BinaryOperator::Greater => Value::Bool(a > c),
                            _ => Value::Bool(a >= c),
                        })
                    }
                }
            }
        }
    }
}

/// `address` followed by `.attr`: its id is its address; the ids of the defaults AWS
/// creates with a VPC are `address.default_…_id`; anything else is known after apply.
fn resource_attribute(address: &str, ops: &[TraversalOperator]) -> Eval {
    match ops.first() {
        Some(TraversalOperator::GetAttr(attr)) => match attr.as_str() {
            "id" if ops.len() == 1 => Ok(Value::from(address)),
            "default_security_group_id" | "default_network_acl_id" | "default_route_table_id"
                if ops.len() == 1 =>
            {
                Ok(Value::from(format!("{address}.{attr}")))
            }
            other => Err(unknown(format!("`{address}.{other}` is known only after apply"))),
        },
        _ => Err(unknown(format!("`{address}` as a whole is not evaluated"))),
    }
}

/// A number as JSON: whole numbers as integers.
fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Value::from(f as i64)
    } else {
        Value::from(f)
    }
}

/// A value as text, as Terraform converts it in a string.
pub(crate) fn as_string(value: &Value) -> Result<String, EvalError> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(invalid(format!("`{other}` is not a string"))),
    }
}
