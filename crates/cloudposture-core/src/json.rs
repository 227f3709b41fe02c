//! A small JSON writer for evidence that is written on a hot path.
//!
//! [`crate::Evidence::new`] takes any `Serialize` value and is the easy way. A rule that
//! judges a million resources can instead write its evidence with
//! [`crate::Evidence::object`]: the same JSON, built by closures so that it is valid by
//! construction (every key and string escaped, every object and array closed), without
//! serde's per-field machinery. It writes into a buffer kept by the thread, and the
//! finding keeps a copy of exactly the right size. Member names are escaped like any
//! string, but a name given as a literal is checked when compiling (the writer is
//! inlined), so that each member costs little more than copying its value.
//!
//! ```
//! use cloudposture_core::Evidence;
//!
//! let evidence = Evidence::object(|o| {
//!     o.str("id", "fl-1")
//!         .opt_str("delivery_error", None)
//!         .bool("counted", true)
//!         .array("reasons", |a| {
//!             a.str("not_active");
//!         });
//! });
//! assert_eq!(evidence.as_json(), r#"{"id":"fl-1","counted":true,"reasons":["not_active"]}"#);
//! ```

use serde::Serialize;

/// Writes `s` as a JSON string: quoted, with `"`, `\` and control characters escaped
/// (the same escapes as `serde_json`).
#[inline(always)]
pub fn push_json_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    push_escaped(out, s);
    out.push('"');
}

/// `s` escaped for the inside of a JSON string. Most strings (ids, ARNs, statuses) need
/// no escape: they are found so eight bytes at a time, and copied.
#[inline(always)]
fn push_escaped(out: &mut String, s: &str) {
    if needs_escape(s.as_bytes()) {
        push_escaped_slow(out, s);
    } else {
        out.push_str(s);
    }
}

#[cold]
#[inline(never)]
fn push_escaped_slow(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// Whether any byte must be escaped (`"`, `\` or a control character), eight bytes at a
/// time with the classic word tricks: a byte is zero in `v` exactly when
/// `(v - 0x01…01) & !v & 0x80…80` is non-zero, and a byte is below `n` (≤ 128) exactly
/// when `(v - n·0x01…01) & !v & 0x80…80` is.
#[inline(always)]
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    let below = |v: u64, n: u64| v.wrapping_sub(ONES * n) & !v & HIGH;
    let special = |word: &[u8]| {
        let mut v = [0; 8];
        v.copy_from_slice(word);
        let v = u64::from_le_bytes(v);
        below(v, 0x20) | below(v ^ (ONES * u64::from(b'"')), 1) | below(v ^ (ONES * u64::from(b'\\')), 1)
    };
    if bytes.len() < 8 {
        return bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
    }
    let mut found = 0;
    for word in bytes.chunks_exact(8) {
        found |= special(word);
    }
    // The last bytes as one more word, overlapping the one before.
    found |= special(&bytes[bytes.len() - 8..]);
    found != 0
}

/// A JSON object being written: add members, in order. Made by
/// [`crate::Evidence::object`], [`JsonObject::object`] and [`JsonArray::object`].
pub struct JsonObject<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> JsonObject<'a> {
    /// Writes the object that `members` fills into `out`.
    pub(crate) fn write(out: &'a mut String, members: impl FnOnce(&mut JsonObject<'_>)) {
        out.push('{');
        let mut object = JsonObject { out, empty: true };
        members(&mut object);
        object.out.push('}');
    }

    #[inline(always)]
    fn key(&mut self, key: &str) -> &mut String {
        self.out.reserve(key.len() + 4);
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        self.out.push('"');
        // Names are nearly always literals: inlined, this check is then decided when
        // compiling.
        if needs_escape(key.as_bytes()) {
            push_escaped_slow(self.out, key);
        } else {
            self.out.push_str(key);
        }
        self.out.push_str("\":");
        self.out
    }

    /// `"key": "value"`.
    #[inline]
    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        push_json_str(self.key(key), value);
        self
    }

    /// `"key": "value"`, or nothing when `value` is `None`.
    #[inline]
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.str(key, value);
        }
        self
    }

    /// `"key": "<parts, one after another>"`: one string from several pieces, without
    /// joining them first (e.g. `["log group ", name]`).
    #[inline]
    pub fn str_concat(&mut self, key: &str, parts: &[&str]) -> &mut Self {
        let out = self.key(key);
        out.push('"');
        for part in parts {
            push_escaped(out, part);
        }
        out.push('"');
        self
    }

    /// `"key": true` or `false`.
    #[inline]
    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key).push_str(if value { "true" } else { "false" });
        self
    }

    /// `"key": <integer>`.
    pub fn i64(&mut self, key: &str, value: i64) -> &mut Self {
        use std::fmt::Write as _;
        let _ = write!(self.key(key), "{value}");
        self
    }

    /// `"key": null`.
    pub fn null(&mut self, key: &str) -> &mut Self {
        self.key(key).push_str("null");
        self
    }

    /// `"key": {…}`, filled by `members`.
    pub fn object(&mut self, key: &str, members: impl FnOnce(&mut JsonObject<'_>)) -> &mut Self {
        JsonObject::write(self.key(key), members);
        self
    }

    /// `"key": […]`, filled by `items`.
    pub fn array(&mut self, key: &str, items: impl FnOnce(&mut JsonArray<'_>)) -> &mut Self {
        JsonArray::write(self.key(key), items);
        self
    }

    /// `"key": <value as serde_json writes it>`, for the odd value that has a
    /// `Serialize` implementation and is not worth writing by hand. A value that
    /// cannot be written as JSON (a map with non-string keys) is written as `null`.
    pub fn serialized(&mut self, key: &str, value: &impl Serialize) -> &mut Self {
        push_serialized(self.key(key), value);
        self
    }
}

/// A JSON array being written: add items, in order.
pub struct JsonArray<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> JsonArray<'a> {
    fn write(out: &'a mut String, items: impl FnOnce(&mut JsonArray<'_>)) {
        out.push('[');
        let mut array = JsonArray { out, empty: true };
        items(&mut array);
        array.out.push(']');
    }

    #[inline]
    fn next(&mut self) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        self.out
    }

    /// A string.
    pub fn str(&mut self, value: &str) -> &mut Self {
        push_json_str(self.next(), value);
        self
    }

    /// An object, filled by `members`.
    pub fn object(&mut self, members: impl FnOnce(&mut JsonObject<'_>)) -> &mut Self {
        JsonObject::write(self.next(), members);
        self
    }

    /// A value as serde_json writes it (`null` if it cannot be written as JSON).
    pub fn serialized(&mut self, value: &impl Serialize) -> &mut Self {
        push_serialized(self.next(), value);
        self
    }
}

fn push_serialized(out: &mut String, value: &impl Serialize) {
    match serde_json::to_string(value) {
        Ok(json) => out.push_str(&json),
        Err(_) => out.push_str("null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn object(members: impl FnOnce(&mut JsonObject<'_>)) -> String {
        let mut out = String::new();
        JsonObject::write(&mut out, members);
        out
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let nasty = [
            "plain-id",
            "",
            "quote \" and backslash \\",
            "new\nline, tab\t, cr\r, bell\u{7}, nul\u{0}, esc\u{1b}, \u{8}\u{c}",
            "unicode é ✓ and DEL \u{7f}",
        ];
        for s in nasty {
            let mut out = String::new();
            push_json_str(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap(), "escaping {s:?}");
            let back: String = serde_json::from_str(&out).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn every_byte_that_needs_escaping_is_found_at_every_position() {
        for len in 1..=24 {
            for pos in 0..len {
                for b in 0u8..=0x7f {
                    let mut bytes = vec![b'a'; len];
                    bytes[pos] = b;
                    let special = b < 0x20 || b == b'"' || b == b'\\';
                    assert_eq!(needs_escape(&bytes), special, "byte {b:#x} at {pos} of {len}");
                }
            }
        }
        // Bytes of multi-byte characters never need it.
        assert!(!needs_escape("é✓ arn:aws:s3:::bucket/prefix".as_bytes()));
    }

    #[test]
    fn objects_and_arrays_are_valid_json_with_members_in_order() {
        let json = object(|o| {
            o.str("id", "fl-1")
                .opt_str("missing", None)
                .opt_str("present", Some("x"))
                .str_concat("destination", &["log group ", "a\"b"])
                .bool("yes", true)
                .bool("no", false)
                .i64("n", -42)
                .null("nothing")
                .object("empty", |_| {})
                .array("list", |a| {
                    a.str("a").object(|o| {
                        o.str("k", "v");
                    });
                    a.serialized(&BTreeMap::from([("m", 1)]));
                })
                .array("none", |_| {})
                .serialized("bad", &BTreeMap::from([((1, 2), 3)]))
                .str("key \"quoted\"", "v");
        });
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(
            value,
            serde_json::json!({
                "id": "fl-1",
                "present": "x",
                "destination": "log group a\"b",
                "yes": true,
                "no": false,
                "n": -42,
                "nothing": null,
                "empty": {},
                "list": ["a", {"k": "v"}, {"m": 1}],
                "none": [],
                "bad": null,
                "key \"quoted\"": "v",
            })
        );
        assert!(json.starts_with(r#"{"id":"fl-1","present":"x","#), "{json}");
    }
}
