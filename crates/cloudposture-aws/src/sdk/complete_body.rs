//! A 2xx answer whose XML document is cut short is an error of the call, never a shorter
//! list.
//!
//! The SDK's XML decoder (aws-smithy-xml 0.64) stops quietly where its input ends: a
//! DescribeVpcs answer cut in half (with a matching Content-Length, so the transport sees
//! nothing wrong) deserializes as half the VPCs and no next token. Every EC2 (ec2 query
//! protocol) and STS (awsQuery) answer is one XML document whose root element is named
//! after the operation (`DescribeVpcsResponse`), so an answer is complete when its last tag
//! closes its root element. [`CompleteAnswer`] checks that on every attempt of every call
//! of the clients [`SdkCollector`](super::SdkCollector) builds, and turns a 2xx answer that
//! is not complete into a response error, which the SDK's retry strategy takes as transient:
//! the call is retried up to the configured attempts, then fails with [`IncompleteAnswer`].

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextMut;
use aws_smithy_runtime_api::client::orchestrator::OrchestratorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Why a 2xx answer is not a complete XML document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IncompleteAnswer {
    /// No body at all.
    #[error("the answer was empty: no XML document")]
    Empty,
    /// The body does not begin with an XML element (an HTML page, plain text…).
    #[error("the answer was not an XML document: {}, starting \"{start}\"", bytes(*.len))]
    NotXml {
        /// Body length in bytes.
        len: usize,
        /// Its first characters, control characters replaced by spaces.
        start: String,
    },
    /// The document ends before its root element is closed.
    #[error("the answer was cut short: {}, {}", bytes(*.len), missing(.root))]
    CutShort {
        /// Body length in bytes.
        len: usize,
        /// Name of the root element (as far as the body has it); empty when the body
        /// ends before the root element begins.
        root: String,
    },
}

/// What a cut answer lacks.
fn missing(root: &str) -> String {
    if root.is_empty() {
        "no root element".to_string()
    } else {
        format!("no closing </{root}>")
    }
}

/// `2,048 bytes`.
fn bytes(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out + if n == 1 { " byte" } else { " bytes" }
}

/// Checks that `body` is one complete XML document: after a byte-order mark, an XML
/// declaration, comments and whitespace, a root start tag `<NAME …>` whose end tag
/// `</NAME>` is the body's last tag, or a self-closing root `<NAME …/>` with nothing after.
pub(crate) fn check(body: &[u8]) -> Result<(), IncompleteAnswer> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.trim_ascii().is_empty() {
        return Err(IncompleteAnswer::Empty);
    }
    let cut = |root: &[u8]| IncompleteAnswer::CutShort {
        len: body.len(),
        root: String::from_utf8_lossy(root).into_owned(),
    };
    let mut rest = body.trim_ascii_start();
    // The prolog: `<?xml …?>` and comments.
    while let Some(end) = [(&b"<?"[..], &b"?>"[..]), (b"<!--", b"-->")]
        .iter()
        .find(|(open, _)| rest.starts_with(open))
        .map(|(_, close)| find(rest, close).map(|at| at + close.len()))
    {
        rest = rest
            .get(end.ok_or_else(|| cut(b""))?..)
            .unwrap_or_default()
            .trim_ascii_start();
    }
    if rest.is_empty() {
        return Err(cut(b""));
    }
    let name_starts = rest.strip_prefix(b"<").filter(|r| {
        r.first()
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_' || b >= 0x80)
    });
    let Some(after_lt) = name_starts else {
        let start: String = String::from_utf8_lossy(&body[..body.len().min(40)])
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        return Err(IncompleteAnswer::NotXml {
            len: body.len(),
            start: start.trim().to_string(),
        });
    };
    let name_len = after_lt
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
        .unwrap_or(after_lt.len());
    let name = &after_lt[..name_len];
    // The end of the root start tag (`>` outside quoted attribute values).
    let mut quote = None;
    let tag_end = after_lt[name_len..].iter().position(|&b| match quote {
        Some(q) if b == q => {
            quote = None;
            false
        }
        Some(_) => false,
        None if b == b'"' || b == b'\'' => {
            quote = Some(b);
            false
        }
        None => b == b'>',
    });
    let Some(tag_end) = tag_end.map(|at| name_len + at) else {
        return Err(cut(name));
    };
    let content = &after_lt[tag_end + 1..];
    if after_lt[tag_end - 1] == b'/' {
        return if content.trim_ascii().is_empty() {
            Ok(())
        } else {
            Err(cut(name))
        };
    }
    // `</NAME>` (or `</NAME >`) as the last tag.
    let closing = content
        .trim_ascii_end()
        .strip_suffix(b">")
        .map(<[u8]>::trim_ascii_end)
        .and_then(|c| c.strip_suffix(name))
        .is_some_and(|c| c.ends_with(b"</"));
    if closing { Ok(()) } else { Err(cut(name)) }
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The interceptor that fails an attempt whose 2xx answer is not a complete XML document
/// (see the module documentation). Answers of other statuses, attempts without a buffered
/// answer and attempts that already failed in transport are left as they are.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CompleteAnswer;

impl Intercept for CompleteAnswer {
    fn name(&self) -> &'static str {
        "CompleteAnswer"
    }

    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(response) = context.response() else {
            return Ok(());
        };
        if !response.status().is_success() {
            return Ok(());
        }
        // Only a deserialized answer (its output, or the error its decoder found); a
        // transport failure or timeout already says what happened, and is retried.
        if matches!(context.output_or_error(), Some(Err(e)) if !e.is_operation_error()) {
            return Ok(());
        }
        let Some(body) = response.body().bytes() else {
            return Ok(());
        };
        if let Err(problem) = check(body) {
            // A response error: the SDK's `TransientErrorClassifier` retries it.
            context
                .inner_mut()
                .set_output_or_error(Err(OrchestratorError::response(Box::new(problem))));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VPCS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
        <DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n\
        <requestId>r-1</requestId><vpcSet><item><vpcId>vpc-1</vpcId></item></vpcSet>\n\
        </DescribeVpcsResponse>\n";

    #[test]
    fn complete_documents_pass() {
        check(VPCS.as_bytes()).unwrap();
        check(b"<A/>").unwrap();
        check(b"\xEF\xBB\xBF<!-- c --><A x='>'>text</A >\r\n").unwrap();
        check(b"<DescribeFlowLogsResponse xmlns=\"x\"/>\n").unwrap();
    }

    #[test]
    fn every_cut_of_a_document_is_cut_short() {
        for at in 1..VPCS.trim_end().len() {
            let result = check(&VPCS.as_bytes()[..at]);
            assert!(result.is_err(), "cut at {at} passed: {:?}", &VPCS[..at]);
        }
    }

    #[test]
    fn problems_read_as_one_line() {
        let cut = check(&VPCS.as_bytes()[..120]).unwrap_err();
        assert_eq!(
            cut.to_string(),
            "the answer was cut short: 120 bytes, no closing </DescribeVpcsResponse>"
        );
        assert_eq!(check(b"  \n").unwrap_err(), IncompleteAnswer::Empty);
        assert_eq!(
            check(b"<?xml version=\"1.0\"?>\n").unwrap_err().to_string(),
            "the answer was cut short: 22 bytes, no root element"
        );
        assert_eq!(
            check(b"<!DOCTYPE html>\n<html>gone</html>")
                .unwrap_err()
                .to_string(),
            "the answer was not an XML document: 33 bytes, starting \"<!DOCTYPE html> <html>gone</html>\""
        );
        assert_eq!(bytes(2048), "2,048 bytes");
        assert_eq!(bytes(1_234_567), "1,234,567 bytes");
        assert_eq!(bytes(999), "999 bytes");
    }
}
