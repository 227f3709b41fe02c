//! `aws_launch_template` and the `aws_instance`s launched from it (see
//! [`crate::launch_templates`]).

use cloudposture_aws::MetadataOptions;
use cloudposture_core::Location;
use hcl::expr::{Expression, Traversal, TraversalOperator};
use hcl::template::Element;
use hcl::{Identifier, Template};

use super::Attrs;
use crate::declared::{Declared, FromTemplate, LaunchTemplate, TemplateRef};
use crate::models;

/// A `metadata_options` block, AWS's defaults for what it (or its absence) leaves out.
pub(super) fn metadata_options(block: Option<&Attrs<'_>>) -> Result<MetadataOptions, String> {
    let (tokens, endpoint, hops) = match block {
        Some(o) => (
            o.str("http_tokens")?,
            o.str("http_endpoint")?,
            o.int("http_put_response_hop_limit")?,
        ),
        None => (None, None, None),
    };
    Ok(models::metadata_options(tokens, endpoint, hops))
}

/// Records the launch template `id`, declared at `location`.
pub(super) fn declare(
    a: &Attrs<'_>,
    id: &str,
    location: &Location,
    unit: &mut Declared,
) -> Result<(), String> {
    let options = metadata_options(a.blocks("metadata_options")?.first())?;
    unit.launch_templates.push(LaunchTemplate {
        id: id.to_string(),
        name: a.str("name").ok().flatten(),
        options,
        instance_type: a.str("instance_type").ok().flatten(),
        location: location.clone(),
    });
    Ok(())
}

/// Records that the instance `id` takes the metadata options of its
/// `launch_template { id | name }`, if it has one.
pub(super) fn from_template(a: &Attrs<'_>, id: &str, unit: &mut Declared) -> Result<(), String> {
    let Some(block) = a.blocks("launch_template")?.into_iter().next() else {
        return Ok(());
    };
    let template = match (block.str("id")?, name_as_id(&block)) {
        (Some(id), _) => TemplateRef::Id(id),
        (None, Some(as_id)) => TemplateRef::Id(as_id?),
        (None, None) => match block.str("name")? {
            Some(name) => TemplateRef::Name(name),
            None => return Err(format!("{}: launch_template names no id or name", a.place)),
        },
    };
    unit.from_templates.push(FromTemplate {
        instance_id: id.to_string(),
        template,
        source: a.place.to_string(),
    });
    Ok(())
}

/// `name = aws_launch_template.x.name` (or `"${…}"`) names the template by address:
/// its id, although the name itself may be known only after apply.
fn name_as_id(block: &Attrs<'_>) -> Option<Result<String, String>> {
    let mut expr = block.expr("name")?.clone();
    if let Expression::TemplateExpr(t) = &expr
        && let Ok(template) = Template::from_expr(t)
        && let [Element::Interpolation(only)] = template.elements()
    {
        expr = only.expr.clone();
    }
    let Expression::Traversal(traversal) = expr else {
        return None;
    };
    let names_template =
        matches!(&traversal.expr, Expression::Variable(v) if v.as_str() == "aws_launch_template");
    let mut operators = traversal.operators.clone();
    let last = operators.pop();
    if !names_template || !matches!(&last, Some(TraversalOperator::GetAttr(n)) if n.as_str() == "name") {
        return None;
    }
    operators.push(TraversalOperator::GetAttr(Identifier::unchecked("id")));
    let as_id = Expression::Traversal(Box::new(Traversal::new(traversal.expr, operators)));
    Some(
        block
            .module
            .eval(&as_id, &block.frame)
            .map_err(|e| {
                format!(
                    "{}: {}launch_template name cannot be resolved ({})",
                    block.place,
                    block.path,
                    e.reason()
                )
            })
            .and_then(|v| crate::terraform::eval::as_string(&v).map_err(|e| e.reason().to_string())),
    )
}
