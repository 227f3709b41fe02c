//! Escaping for each place untrusted text lands in the page. Tag values, names,
//! messages and evidence come from the scanned account, where anyone who can tag a
//! resource writes them: they must stay text.

use std::fmt::{self, Display, Write as _};

/// `text` escaped for HTML text (element content): `&`, `<` and `>` become character
/// references, so the text can open no tag. Quotes are text there and stay as they
/// are (evidence is JSON, full of them).
pub(super) struct Text<'a>(pub &'a str);

impl Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        escape(self.0, &['&', '<', '>'], f)
    }
}

/// `text` escaped for a double- or single-quoted attribute value (and text):
/// `&`, `<`, `>`, `"` and `'` become character references, so the text can neither
/// open a tag nor end the attribute it is in.
pub(super) struct Html<'a>(pub &'a str);

impl Display for Html<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        escape(self.0, &['&', '<', '>', '"', '\''], f)
    }
}

/// Writes `text` with each of `special` (all ASCII) as its character reference.
fn escape(text: &str, special: &[char], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut rest = text;
    while let Some(i) = rest.find(special) {
        f.write_str(&rest[..i])?;
        f.write_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        })?;
        rest = &rest[i + 1..];
    }
    f.write_str(rest)
}

/// An id for an HTML `id` attribute and a `#fragment`: letters, digits and `-`
/// kept, anything else written as `_XX` (its UTF-8 bytes in hex), so that distinct
/// inputs give distinct ids.
pub(super) fn fragment(parts: &[&str]) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str("--");
        }
        for b in part.bytes() {
            match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => out.push(b as char),
                b => {
                    let _ = write!(out, "_{b:02x}");
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_every_character_that_could_open_a_tag_or_end_an_attribute() {
        assert_eq!(
            Html(r#""><script>alert('1')</script> & co"#).to_string(),
            "&quot;&gt;&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt; &amp; co"
        );
        assert_eq!(Html("plain vpc-0abc ✓").to_string(), "plain vpc-0abc ✓");
    }

    #[test]
    fn text_escapes_what_could_open_a_tag_and_keeps_quotes() {
        assert_eq!(
            Text(r#""><script>alert('1')</script> & {"a": 1}"#).to_string(),
            r#""&gt;&lt;script&gt;alert('1')&lt;/script&gt; &amp; {"a": 1}"#
        );
    }

    #[test]
    fn fragments_keep_plain_ids_and_tell_others_apart() {
        assert_eq!(
            fragment(&["VPC-001", "123456789012", "eu-west-1"]),
            "VPC-001--123456789012--eu-west-1"
        );
        assert_ne!(fragment(&["a b"]), fragment(&["a_b"]));
        assert_eq!(fragment(&["\"><x"]), "_22_3e_3cx");
    }
}
