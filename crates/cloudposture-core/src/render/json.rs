//! `--format json`: the report itself.

use std::io;

use crate::report::Report;

/// Writes `report` as pretty JSON (the stable field names of [`Report`]) and a newline.
pub fn write_json(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    super::write_pretty_json(report, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_the_stable_top_level_and_finding_fields() {
        let mut out = Vec::new();
        write_json(&super::super::fixtures::report(), &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        for key in ["schema_version", "tool", "scan", "summary", "findings"] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        assert_eq!(v["tool"]["name"], "cloudposture");
        assert_eq!(v["scan"]["source"], "snapshot");
        assert_eq!(v["scan"]["regions"][0]["status"], "error");
        assert_eq!(v["summary"]["muted"], 1);
        assert_eq!(v["summary"]["fail"], 1);
        assert_eq!(v["summary"]["by_risk"]["low"]["pass"], 1);
        assert_eq!(v["summary"]["by_control"][0]["standard"], "cis");
        let f = &v["findings"][1];
        for key in [
            "rule_id",
            "title",
            "status",
            "risk",
            "resource",
            "message",
            "evidence",
            "controls",
            "remediation",
            "muted_reason",
        ] {
            assert!(f.get(key).is_some(), "finding is missing {key}");
        }
        assert_eq!(f["resource"]["kind"], "aws.ec2.vpc");
        assert_eq!(
            v["findings"][4]["muted_reason"],
            "sandbox VPCs are rebuilt every night"
        );
        assert!(out.ends_with(b"}\n"));
    }
}
