//! Lines of declarations: where a CloudFormation logical id is declared (YAML or JSON),
//! where a Terraform JSON block is, and the line of a byte offset (for HCL's spans).

use std::collections::BTreeMap;

/// The 1-based line of byte `offset` in `text`.
pub(crate) fn line_of_offset(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let newlines = text.as_bytes()[..end].iter().filter(|b| **b == b'\n').count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// The line of each key of the top-level `Resources` mapping of a YAML template: the
/// keys indented as its first child is.
pub(crate) fn yaml_resource_lines(text: &str) -> BTreeMap<String, u32> {
    let mut lines = BTreeMap::new();
    let mut inside = false;
    let mut indent: Option<usize> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let content = raw.trim_end();
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let depth = content.len() - trimmed.len();
        if depth == 0 {
            inside = key_of(trimmed).as_deref() == Some("Resources");
            indent = None;
            continue;
        }
        if !inside {
            continue;
        }
        let child = *indent.get_or_insert(depth);
        if depth == child
            && let Some(key) = key_of(trimmed)
        {
            lines.insert(key, line);
        }
    }
    lines
}

/// The key of a `key: value` line, unquoted.
fn key_of(line: &str) -> Option<String> {
    let (key, _) = line.split_once(':')?;
    let key = key.trim();
    let key = key
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
        .unwrap_or(key);
    (!key.is_empty()).then(|| key.to_string())
}

/// The line of the key `"id"` of a JSON template: its first occurrence as a key after
/// the `"Resources"` key.
pub(crate) fn json_key_line(text: &str, id: &str) -> Option<u32> {
    let start = find_key(text, "Resources", 0)?;
    let at = find_key(text, id, start + 1)?;
    Some(line_of_offset(text, at))
}

/// The line of the last key of `path` in a JSON text, each key found (as a key, after
/// the one before it): `["resource", "aws_vpc", "main"]` is the line of `"main"`.
pub(crate) fn json_path_line(text: &str, path: &[&str]) -> Option<u32> {
    let mut at = None;
    for key in path {
        at = Some(find_key(text, key, at.map_or(0, |a| a + 1))?);
    }
    at.map(|a| line_of_offset(text, a))
}

/// The offset of `"key"` followed by `:` (a key, not a value), from `from`.
fn find_key(text: &str, key: &str, from: usize) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    let mut pos = from;
    while let Some(found) = text.get(pos..)?.find(&quoted) {
        let at = pos + found;
        let rest = text[at + quoted.len()..].trim_start();
        if rest.starts_with(':') {
            return Some(at);
        }
        pos = at + quoted.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_keys_of_resources_only() {
        let text = "Parameters:\n  Vpc:\n    Type: String\nResources:\n  # c\n  VPC:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: x\n  'Log':\n    Type: y\nOutputs:\n  Other: 1\n";
        let lines = yaml_resource_lines(text);
        assert_eq!(lines.get("VPC"), Some(&6));
        assert_eq!(lines.get("Log"), Some(&10));
        assert_eq!(lines.get("Other"), None);
        assert_eq!(lines.get("Properties"), None);
    }

    #[test]
    fn json_key_after_resources() {
        let text = "{\n \"Outputs\": {\"VPC\": 1},\n \"Resources\": {\n  \"X\": {\"Ref\": \"VPC\"},\n  \"VPC\" : {}\n }\n}";
        assert_eq!(json_key_line(text, "VPC"), Some(5));
        assert_eq!(line_of_offset("a\nb\nc", 4), 3);
    }
}
