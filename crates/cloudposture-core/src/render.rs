//! Report renderers: every output format is a small function over [`crate::Report`].
//!
//! Each writer streams to any [`std::io::Write`] and writes nothing but the format, so
//! that embedders can send a report to a file, a socket or memory. Terminal output
//! (tables, colour) is the CLI's job, not core's.
//!
//! | function | format |
//! |---|---|
//! | [`write_json`] | the report itself, stable field names (`schema_version` 1) |
//! | [`write_csv`] | one row per finding, RFC 4180 |
//! | [`write_junit`] | JUnit XML: one test suite per rule, one test case per finding |
//! | [`write_ocsf`] | OCSF 1.3 Compliance Finding events (`class_uid` 2003), a JSON array |
//! | [`write_asff`] | AWS Security Hub findings (ASFF), a JSON array |
//! | [`write_html`] | one self-contained HTML page for people, with compliance tables ([`crate::Coverage`]) |
//! | [`write_sarif`] | SARIF 2.1.0 for GitHub code scanning, template scans only ([`sarif_applies`]) |
//!
//! ```
//! # use cloudposture_core::*;
//! # fn demo(report: &Report) -> std::io::Result<()> {
//! let mut out = Vec::new();
//! cloudposture_core::render::write_csv(report, &mut out)?;
//! # Ok(()) }
//! ```

mod asff;
mod csv;
mod html;
mod json;
mod junit;
mod ocsf;
mod sarif;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

pub use asff::{asff_severity_label, asff_status, write_asff};
pub use csv::{CSV_COLUMNS, write_csv};
pub use html::write_html;
pub use json::write_json;
pub use junit::write_junit;
pub use ocsf::{OCSF_VERSION, write_ocsf};
pub use sarif::{
    FINGERPRINT_KEY, SARIF_VERSION, SRCROOT, file_uri, fingerprint, sarif_applies, sarif_level,
    security_severity, write_sarif,
};

use crate::error::ParseEnumError;
use crate::finding::Finding;
use crate::metadata::RuleMetadata;
use crate::report::Report;

/// The machine-readable output formats that core renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// [`write_json`].
    Json,
    /// [`write_csv`].
    Csv,
    /// [`write_junit`].
    Junit,
    /// [`write_ocsf`].
    Ocsf,
    /// [`write_asff`].
    Asff,
    /// [`write_html`]. [`Format::write`] writes it without compliance tables: call
    /// [`write_html`] with the [`crate::Coverage`] of the standard versions to show.
    Html,
    /// [`write_sarif`]: template scans only; other reports are refused
    /// ([`sarif_applies`]).
    Sarif,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 7] = [
        Format::Json,
        Format::Csv,
        Format::Junit,
        Format::Ocsf,
        Format::Asff,
        Format::Html,
        Format::Sarif,
    ];

    /// The name used by `--format`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Junit => "junit",
            Format::Ocsf => "ocsf",
            Format::Asff => "asff",
            Format::Html => "html",
            Format::Sarif => "sarif",
        }
    }

    /// Renders `report` in this format.
    pub fn write(self, report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match self {
            Format::Json => write_json(report, out),
            Format::Csv => write_csv(report, out),
            Format::Junit => write_junit(report, out),
            Format::Ocsf => write_ocsf(report, out),
            Format::Asff => write_asff(report, out),
            Format::Html => write_html(report, &[], out),
            Format::Sarif => write_sarif(report, out),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseEnumError::new("format", s, Format::ALL.map(Format::as_str)))
    }
}

/// Serializes `value` as pretty JSON followed by a newline.
fn write_pretty_json(value: &impl serde::Serialize, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use std::io::Write as _;
    // serde_json writes in many small pieces; gathered here, they reach `out` (a trait
    // object, called once per piece otherwise) in large blocks.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// What a writer makes once for each rule of a report (the text that depends on the
/// rule only, such as its controls as a standard spells them: a rule serves up to
/// twenty or so), to share between the rule's findings.
struct PerRule<P>(Vec<(&'static str, P)>);

impl<P> PerRule<P> {
    fn new(report: &Report, make: impl Fn(&'static RuleMetadata) -> P) -> Self {
        let mut rules: Vec<(&'static str, P)> = Vec::new();
        for f in &report.findings {
            if !rules.iter().any(|(id, _)| *id == f.rule.id) {
                rules.push((f.rule.id, make(f.rule)));
            }
        }
        PerRule(rules)
    }

    /// What was made for `rule`.
    fn get(&self, rule: &RuleMetadata) -> Option<&P> {
        self.0.iter().find(|(id, _)| *id == rule.id).map(|(_, p)| p)
    }
}

/// Writes the record `record` makes of each finding of `report` as one pretty JSON
/// array, a record at a time: however many findings, the writer holds one record.
/// `record` gets the finding and what `rules` made for its rule.
fn write_pretty_json_records<'r, P, R: serde::Serialize>(
    report: &'r Report,
    rules: &'r PerRule<P>,
    record: impl Fn(&'r Finding, &'r P) -> R,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    struct Records<'r, P, F> {
        findings: &'r [Finding],
        rules: &'r PerRule<P>,
        record: F,
    }
    impl<'r, P, R: serde::Serialize, F: Fn(&'r Finding, &'r P) -> R> serde::Serialize for Records<'r, P, F> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq;
            let mut seq = serializer.serialize_seq(Some(self.findings.len()))?;
            for f in self.findings {
                // Every rule of the findings is in `rules`, which was made from them.
                let parts = self
                    .rules
                    .get(f.rule)
                    .ok_or_else(|| serde::ser::Error::custom(format!("no entry for rule {}", f.rule.id)))?;
                seq.serialize_element(&(self.record)(f, parts))?;
            }
            seq.end()
        }
    }
    let records = Records {
        findings: &report.findings,
        rules,
        record,
    };
    write_pretty_json(&records, out)
}

/// Cuts `text` to at most `max` characters, ending in `…` when cut.
fn truncate_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The AWS partition of a region (`aws`, `aws-cn`, `aws-us-gov`).
fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// A finding id that stays the same across scans of the same resource by the same rule.
///
/// Without an ARN, the id is qualified by what tells it apart: the account read and the
/// region (a region-wide error `*` of one account is not another's), or the template file.
fn finding_uid(f: &crate::finding::Finding) -> String {
    let r = &f.resource;
    let account = f.scanned_account.as_deref().or(r.account.as_deref());
    match (r.arn(), &r.region, account, &r.location) {
        (Some(arn), ..) => format!("cloudposture/{}/{arn}", f.rule.id),
        (None, Some(region), Some(account), _) => {
            format!("cloudposture/{}/{account}/{region}/{}", f.rule.id, r.id)
        }
        (None, Some(region), None, _) => format!("cloudposture/{}/{region}/{}", f.rule.id, r.id),
        (None, None, _, Some(location)) => format!("cloudposture/{}/{}/{}", f.rule.id, location.file, r.id),
        (None, None, ..) => format!("cloudposture/{}/{}", f.rule.id, r.id),
    }
}

/// The account whose credentials read the finding's resource: the finding's
/// `scanned_account` (its scope's account; in a multi-account scan each account is read
/// with its own credentials), else the report's caller account, which is not the
/// resource's owner when the resource is shared (a VPC shared through AWS RAM). The owner
/// stands in only when the scanned account is unknown (the caller identity could not be
/// read).
fn scanned_account<'r>(report: &'r Report, f: &'r Finding) -> Option<&'r str> {
    f.scanned_account
        .as_deref()
        .or(report.scan.account.as_deref())
        .or(f.resource.account.as_deref())
}

/// Whether the finding stands for every resource of its kind in its scope (the one
/// `error` finding of a scope whose resources could not be listed).
fn is_scope_wide(f: &Finding) -> bool {
    f.resource.id == crate::rule::SCOPE_WIDE_ID
}

/// The resource as people name it: its `Name` tag or id, or for a scope-wide finding
/// the resources it stands for (`all VPCs in eu-west-1`) rather than its id `*`.
fn resource_name(f: &Finding) -> Cow<'_, str> {
    let r = &f.resource;
    if is_scope_wide(f) {
        return Cow::Owned(match &r.region {
            Some(region) => format!("all {} in {region}", f.kind.plural),
            None => format!("all {}", f.kind.plural),
        });
    }
    Cow::Borrowed(r.tags.get("Name").unwrap_or(r.id.as_str()))
}

/// The kind of a finding's resource as its provider declared it, when the finding is
/// about a resource of its rule's kind (as every finding the engine writes is).
fn kind_of(f: &Finding) -> Option<&'static crate::KindInfo> {
    (f.resource.kind == f.kind.name).then_some(f.kind)
}

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compliance::{Control, Standard};

    static OTHER: RuleMetadata = RuleMetadata {
        id: "VPC-009",
        title: "Another rule",
        controls: &[Control::new(Standard::Apra, "CPS 234", "36")],
        ..fixtures::RULE
    };

    /// The fixture report with the findings of two rules interleaved.
    fn two_rules() -> Report {
        let mut report = fixtures::report();
        for f in report.findings.iter_mut().skip(1).step_by(2) {
            f.rule = &OTHER;
        }
        report
    }

    #[test]
    fn asff_and_ocsf_records_carry_their_own_rules_text() {
        let report = two_rules();
        let mut asff = Vec::new();
        write_asff(&report, &mut asff).unwrap();
        let asff: Vec<serde_json::Value> = serde_json::from_slice(&asff).unwrap();
        let mut ocsf = Vec::new();
        write_ocsf(&report, &mut ocsf).unwrap();
        let ocsf: Vec<serde_json::Value> = serde_json::from_slice(&ocsf).unwrap();
        assert_eq!(asff.len(), report.findings.len());
        assert_eq!(ocsf.len(), report.findings.len());
        for (i, f) in report.findings.iter().enumerate() {
            let id = f.rule.id;
            assert_eq!(asff[i]["GeneratorId"], format!("cloudposture/{id}"), "{i}");
            let title = format!("{id} {}", f.rule.title);
            if is_scope_wide(f) {
                assert_eq!(asff[i]["Title"], format!("{title}: all VPCs in sa-east-1"), "{i}");
            } else {
                assert_eq!(asff[i]["Title"], title, "{i}");
            }
            assert_eq!(ocsf[i]["compliance"]["control"], id, "{i}");
            let requirements = ocsf[i]["compliance"]["requirements"].as_array().unwrap();
            assert_eq!(requirements.len(), f.rule.controls.len(), "{i}");
            let apra = asff[i]["Compliance"]["RelatedRequirements"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r.as_str().is_some_and(|r| r.starts_with("APRA")));
            assert_eq!(apra, id == "VPC-009", "{i}: {}", asff[i]["Compliance"]);
        }
    }

    #[test]
    fn junit_has_a_suite_per_rule_in_order_of_first_appearance() {
        let mut xml = Vec::new();
        write_junit(&two_rules(), &mut xml).unwrap();
        let junit = quick_junit::Report::deserialize_from_str(std::str::from_utf8(&xml).unwrap()).unwrap();
        let suites: Vec<(&str, usize, usize)> = junit
            .test_suites
            .iter()
            .map(|s| (&*s.name, s.tests, s.failures))
            .collect();
        assert_eq!(
            suites,
            [
                ("VPC-001 VPC Flow Logs Enabled", 3, 0),
                ("VPC-009 Another rule", 3, 1)
            ]
        );
        let cases = |i: usize| -> Vec<&str> {
            junit.test_suites[i]
                .test_cases
                .iter()
                .map(|c| c.name.split(' ').next().unwrap())
                .collect()
        };
        assert_eq!(
            cases(0),
            [
                "eu-west-1/vpc-0pass",
                "ap-southeast-2/vpc-0err",
                "eu-west-1/vpc-0muted"
            ]
        );
        assert_eq!(
            cases(1),
            ["eu-west-1/vpc-0fail", "us-east-1/vpc-0shared", "sa-east-1/*"]
        );
    }

    /// The fixture report in every machine-readable format except JSON (whose fields
    /// the `json` tests read), as recorded in `render/testdata`: CSV and JUnit byte for
    /// byte, ASFF and OCSF as JSON trees.
    #[test]
    fn formats_write_the_fixture_report_as_recorded() {
        for (format, name, recorded) in [
            (
                Format::Csv,
                "report.csv",
                include_str!("render/testdata/report.csv"),
            ),
            (
                Format::Junit,
                "report.junit.xml",
                include_str!("render/testdata/report.junit.xml"),
            ),
            (
                Format::Ocsf,
                "report.ocsf.json",
                include_str!("render/testdata/report.ocsf.json"),
            ),
            (
                Format::Asff,
                "report.asff.json",
                include_str!("render/testdata/report.asff.json"),
            ),
        ] {
            let mut out = Vec::new();
            format.write(&fixtures::report(), &mut out).unwrap();
            fixtures::assert_as_recorded(name, std::str::from_utf8(&out).unwrap(), recorded);
        }
    }
}
