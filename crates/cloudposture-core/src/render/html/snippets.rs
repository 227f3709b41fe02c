//! Remediation snippets written once per rule.
//!
//! A rule's snippets differ between its findings by the resource's id, region and
//! account and little else (`aws ec2 create-flow-logs --resource-ids vpc-… --region …`),
//! the id also in the forms that names in templates take (`sg_0d9…`, `Acl0c1a…`: the
//! part after the kind's prefix).
//! Each snippet is cut into text and those values; the snippets that are the same but
//! for them are one template, written once in the rule's section with the values as
//! placeholders. A finding names the templates it uses and carries its values, which
//! the page's script fills in to show and copy the finding's own snippet. A snippet
//! that is the same for every finding is a template without placeholders.

use crate::finding::{Finding, SnippetKind};

/// What a placeholder stands for: a value every finding carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Placeholder {
    /// The resource id (`vpc-0abc`).
    Id,
    /// The resource id after its kind's prefix (`0abc` of `vpc-0abc`), as resource
    /// names in CloudFormation and Terraform spell it (`Acl0abc`, `vpc_0abc`).
    IdSuffix,
    /// The resource's region.
    Region,
    /// The resource's account.
    Account,
}

impl Placeholder {
    /// The `data-` attribute name of the value on a finding, and the placeholder's name.
    pub(super) fn name(self) -> &'static str {
        match self {
            Placeholder::Id => "id",
            Placeholder::IdSuffix => "id-suffix",
            Placeholder::Region => "region",
            Placeholder::Account => "account",
        }
    }

    /// Every placeholder.
    pub(super) const ALL: [Placeholder; 4] = [
        Placeholder::Id,
        Placeholder::IdSuffix,
        Placeholder::Region,
        Placeholder::Account,
    ];

    /// The value for `f`, if it has one.
    pub(super) fn value(self, f: &Finding) -> Option<&str> {
        let r = &f.resource;
        let value = match self {
            Placeholder::Id => Some(r.id.as_str()),
            // Short suffixes (`a` of `x-a`) would cut ordinary words.
            Placeholder::IdSuffix => {
                r.id.split_once('-')
                    .map(|(_, rest)| rest)
                    .filter(|rest| rest.len() >= 8)
            }
            Placeholder::Region => r.region.as_deref(),
            Placeholder::Account => r.account.as_deref(),
        };
        value.filter(|v| !v.is_empty() && *v != crate::rule::SCOPE_WIDE_ID)
    }
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Piece {
    /// Text as it is.
    Text(String),
    /// The finding's value.
    Value(Placeholder),
}

/// A snippet with the values of the findings that use it taken out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Template {
    /// The snippet's kind.
    pub kind: SnippetKind,
    /// Its title (`AWS CLI`).
    pub title: String,
    /// The content, cut at the values.
    pub pieces: Vec<Piece>,
    /// How many findings use it.
    pub uses: usize,
}

impl Template {
    /// The snippet of a finding whose values are `value`.
    #[cfg(test)]
    pub(super) fn fill<'v>(&self, value: impl Fn(Placeholder) -> &'v str) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.as_str(),
                Piece::Value(v) => value(*v),
            })
            .collect()
    }
}

/// The templates of one rule's findings, and for each finding (by its index among
/// them) the templates its snippets are, in the snippets' order.
#[derive(Debug, Default)]
pub(super) struct RuleSnippets {
    /// Templates, in order of first use.
    pub templates: Vec<Template>,
    /// Per finding, the indices in `templates` of its snippets.
    pub of_finding: Vec<Vec<usize>>,
}

impl RuleSnippets {
    /// The templates of `findings` (all of one rule).
    pub(super) fn of(findings: &[&Finding]) -> RuleSnippets {
        let mut out = RuleSnippets::default();
        for f in findings {
            let mut used = Vec::new();
            for s in f.remediation().map(|r| r.snippets.as_slice()).unwrap_or_default() {
                let pieces = cut(&s.content, f);
                let found = out
                    .templates
                    .iter()
                    .position(|t| t.kind == s.kind && t.title == s.title && t.pieces == pieces);
                let i = match found {
                    Some(i) => i,
                    None => {
                        out.templates.push(Template {
                            kind: s.kind,
                            title: s.title.clone(),
                            pieces,
                            uses: 0,
                        });
                        out.templates.len() - 1
                    }
                };
                out.templates[i].uses += 1;
                used.push(i);
            }
            out.of_finding.push(used);
        }
        out
    }
}

/// `content` cut at each occurrence of `f`'s values; the longest value wins where two
/// start at the same place. Joining the pieces with the values gives `content` back.
fn cut(content: &str, f: &Finding) -> Vec<Piece> {
    let mut values: Vec<(Placeholder, &str)> = Placeholder::ALL
        .into_iter()
        .filter_map(|p| p.value(f).map(|v| (p, v)))
        .collect();
    values.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
    let mut pieces = Vec::new();
    let mut rest = content;
    loop {
        let next = values
            .iter()
            .filter_map(|&(p, v)| rest.find(v).map(|at| (at, p, v.len())))
            // The earliest; of those starting together, the first (longest) value.
            .min_by_key(|&(at, _, _)| at);
        let Some((at, placeholder, len)) = next else {
            break;
        };
        if at > 0 {
            pieces.push(Piece::Text(rest[..at].to_string()));
        }
        pieces.push(Piece::Value(placeholder));
        rest = &rest[at + len..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_string()));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Remediation, Snippet};
    use crate::render::fixtures;

    fn with_snippets(mut f: Finding, snippets: &[(&str, String)]) -> Finding {
        f.remediation = Some(Box::new(Remediation {
            summary: "Create a VPC flow log".into(),
            snippets: snippets
                .iter()
                .map(|(title, content)| Snippet {
                    kind: SnippetKind::Cli,
                    title: title.to_string(),
                    content: content.clone(),
                })
                .collect(),
        }));
        f
    }

    #[test]
    fn snippets_that_differ_only_by_the_resources_values_are_one_template() {
        let report = fixtures::report();
        let findings: Vec<Finding> = report.findings[..4]
            .iter()
            .map(|f| {
                let r = &f.resource;
                let cli = format!(
                    "aws ec2 create-flow-logs --resource-ids {} --region {} \\\n  --deliver-logs-permission-arn arn:aws:iam::{}:role/Flow",
                    r.id,
                    r.region_str(),
                    r.account_str()
                );
                with_snippets(f.clone(), &[("AWS CLI", cli), ("Same for all", "aws ec2 describe-flow-logs".into())])
            })
            .collect();
        let refs: Vec<&Finding> = findings.iter().collect();
        let snippets = RuleSnippets::of(&refs);
        assert_eq!(snippets.templates.len(), 2, "{:#?}", snippets.templates);
        assert_eq!(snippets.templates[0].uses, 4);
        assert_eq!(
            snippets.templates[1].pieces,
            [Piece::Text("aws ec2 describe-flow-logs".into())]
        );
        assert!(snippets.of_finding.iter().all(|used| used == &[0, 1]));
        for f in &findings {
            let original = &f.remediation().unwrap().snippets[0].content;
            let filled = snippets.templates[0].fill(|p| p.value(f).unwrap());
            assert_eq!(&filled, original);
        }
    }

    #[test]
    fn names_made_of_the_ids_suffix_are_placeholders_too() {
        let report = fixtures::report();
        let snippet = |f: &Finding| {
            let suffix = f.resource.id.split_once('-').unwrap().1.to_string();
            let terraform = format!(
                "resource \"aws_flow_log\" \"vpc_{suffix}\" {{\n  vpc_id = \"{}\"\n}}\n# Flow{suffix}",
                f.resource.id
            );
            with_snippets(f.clone(), &[("Terraform", terraform)])
        };
        let mut a = report.findings[0].clone();
        a.resource.id = "vpc-0a9000000000000a1".into();
        let mut b = report.findings[1].clone();
        b.resource.id = "vpc-0e1a00000000000b2".into();
        let (a, b) = (snippet(&a), snippet(&b));
        let snippets = RuleSnippets::of(&[&a, &b]);
        assert_eq!(snippets.templates.len(), 1, "{:#?}", snippets.templates);
        assert!(
            snippets.templates[0]
                .pieces
                .contains(&Piece::Value(Placeholder::IdSuffix))
        );
        for f in [&a, &b] {
            let filled = snippets.templates[0].fill(|p| p.value(f).unwrap());
            assert_eq!(filled, f.remediation().unwrap().snippets[0].content);
        }
    }

    #[test]
    fn a_snippet_that_differs_by_more_than_the_values_is_a_template_of_its_own() {
        let report = fixtures::report();
        let a = with_snippets(
            report.findings[0].clone(),
            &[("AWS CLI", "tag vpc-0pass --key A".into())],
        );
        let b = with_snippets(
            report.findings[1].clone(),
            &[("AWS CLI", "tag vpc-0fail --key B".into())],
        );
        let snippets = RuleSnippets::of(&[&a, &b]);
        assert_eq!(snippets.templates.len(), 2);
        assert_eq!(snippets.of_finding, [vec![0], vec![1]]);
    }

    #[test]
    fn cutting_and_filling_give_the_content_back_whatever_it_holds() {
        let f = &fixtures::report().findings[1];
        for content in [
            "",
            "vpc-0fail",
            "vpc-0failvpc-0fail eu-west-1123456789012",
            "no values here",
            "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0fail\n",
        ] {
            let template = Template {
                kind: SnippetKind::Cli,
                title: String::new(),
                pieces: cut(content, f),
                uses: 1,
            };
            assert_eq!(template.fill(|p| p.value(f).unwrap()), content);
        }
        let scope_wide = &fixtures::report().findings[5];
        assert_eq!(
            Placeholder::Id.value(scope_wide),
            None,
            "`*` is never a placeholder"
        );
    }
}
