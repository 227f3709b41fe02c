//! SDK errors → [`CollectError`], classified by the AWS error code or the transport failure.

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;

use cloudposture_core::{CollectError, ErrorClass};

use super::IncompleteAnswer;

/// Codes of a missing permission.
const ACCESS_DENIED: &[&str] = &["UnauthorizedOperation", "UnauthorizedAccess", "AccessDenied"];

/// Codes of credentials a region does not accept: an opt-in region that is not enabled
/// answers `AuthFailure` (EC2) or `InvalidClientTokenId` / `UnrecognizedClientException`.
const REGION_NOT_ENABLED: &[&str] = &[
    "AuthFailure",
    "OptInRequired",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
];

/// Codes of throttling (the SDK's retry classifier knows the same ones).
const THROTTLED: &[&str] = &[
    "RequestLimitExceeded",
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "SlowDown",
    "BandwidthLimitExceeded",
    "EC2ThrottledException",
    "PriorRequestNotComplete",
];

/// The class of an AWS error code (and HTTP status, for codes that do not say).
pub(crate) fn class_of_code(code: Option<&str>, status: Option<u16>) -> ErrorClass {
    match code {
        Some(c) if ACCESS_DENIED.contains(&c) || c.starts_with("AccessDenied") => ErrorClass::AccessDenied,
        Some(c) if REGION_NOT_ENABLED.contains(&c) => ErrorClass::RegionNotEnabled,
        Some(c) if THROTTLED.contains(&c) => ErrorClass::Throttled,
        _ if status == Some(429) => ErrorClass::Throttled,
        _ => ErrorClass::Other,
    }
}

/// The chain of `error` and its sources, each as its `Display` text, joined with `: `;
/// a source whose text its parent already shows is left out. (The SDK's own
/// `DisplayErrorContext` appends the `Debug` text of the whole error, which no user
/// should read.)
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = next {
        let text = e.to_string();
        if !text.is_empty() && !parts.last().is_some_and(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// Why a connection could not be made, in words: the innermost I/O error's kind
/// (`connection refused`, `host unreachable`…), else the innermost error's text.
fn connect_reason(error: &(dyn std::error::Error + 'static)) -> String {
    let mut innermost = error;
    let mut io_kind = None;
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = next {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            io_kind = Some(io.kind());
        }
        innermost = e;
        next = e.source();
    }
    use std::io::ErrorKind;
    match io_kind {
        Some(ErrorKind::ConnectionRefused) => "connection refused".into(),
        Some(ErrorKind::ConnectionReset) => "connection reset".into(),
        Some(ErrorKind::ConnectionAborted) => "connection aborted".into(),
        Some(ErrorKind::HostUnreachable) => "host unreachable".into(),
        Some(ErrorKind::NetworkUnreachable) => "network unreachable".into(),
        Some(ErrorKind::TimedOut) => "connect timed out".into(),
        _ => innermost.to_string(),
    }
}

/// Whether a failure before the request was sent is about credentials (none found, an
/// unknown profile, a provider that failed).
fn is_credentials_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    let text = chain(error).to_ascii_lowercase();
    text.contains("credential") || text.contains("profile")
}

/// What the credential providers said, on one line, without the SDK's wrapping
/// (`dispatch failure: other: …`) or the list of every provider tried.
fn credentials_reason(error: &(dyn std::error::Error + 'static)) -> String {
    let text = chain(error);
    let text = text.strip_prefix("dispatch failure: ").unwrap_or(&text);
    let text = text.strip_prefix("other: ").unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    let first = first.split(". Attempted").next().unwrap_or_default();
    first.trim_end_matches(['.', ':', ' ']).to_string()
}

/// The AWS error code and message of an `sts:AssumeRole` that STS refused, when `error`
/// is a credentials failure of an assumed role (`AssumeRoleProvider`, or a profile's
/// `role_arn`): the SDK's own text of it ends in the `Debug` form of the error.
pub(crate) fn assume_role_refusal(error: &(dyn std::error::Error + 'static)) -> Option<(String, String)> {
    use aws_sdk_sts::operation::assume_role::AssumeRoleError;
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(refused) = e.downcast_ref::<SdkError<AssumeRoleError, HttpResponse>>()
            && let SdkError::ServiceError(_) = refused
        {
            let code = refused.code().unwrap_or("refused").to_string();
            return Some((code, refused.message().unwrap_or_default().to_string()));
        }
        next = e.source();
    }
    None
}

/// The [`IncompleteAnswer`] among the sources of `error`, if any.
fn incomplete_answer<'e>(error: &'e (dyn std::error::Error + 'static)) -> Option<&'e IncompleteAnswer> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(problem) = e.downcast_ref::<IncompleteAnswer>() {
            return Some(problem);
        }
        next = e.source();
    }
    None
}

/// Turns a failed SDK call of `operation` into a [`CollectError`].
///
/// `api_calls` is the number of calls the operation made, the failed one included (a
/// listing that failed on its third page made 3). Service errors keep the AWS code and
/// message; transport failures say in words what happened (`connection refused`,
/// `HTTP 500 from the endpoint (not an AWS error answer)`, `the answer was cut short: …`),
/// never the `Debug` text of the SDK's error or the raw response.
pub fn classify<E>(operation: &str, error: &SdkError<E, HttpResponse>, api_calls: u64) -> CollectError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let (class, code, message) = match error {
        SdkError::TimeoutError(_) => (
            ErrorClass::Timeout,
            None,
            "no answer within the operation timeout".into(),
        ),
        SdkError::DispatchFailure(failure) => {
            let source: &(dyn std::error::Error + 'static) = error;
            if failure.is_timeout() {
                (ErrorClass::Timeout, None, "no answer within the timeout".into())
            } else if failure.is_io() {
                (ErrorClass::Unreachable, None, connect_reason(source))
            } else if let Some((code, message)) = assume_role_refusal(source) {
                // Credentials that cannot be had: no call of the account can be made.
                let message = format!("sts:AssumeRole was refused: {message}");
                (ErrorClass::NoCredentials, Some(code), message)
            } else if is_credentials_failure(source) {
                (ErrorClass::NoCredentials, None, credentials_reason(source))
            } else {
                (ErrorClass::Other, None, chain(source))
            }
        }
        SdkError::ServiceError(service) => {
            let code = error.code().map(str::to_string);
            let status = service.raw().status().as_u16();
            let class = class_of_code(code.as_deref(), Some(status));
            let message = match error.message() {
                Some(m) if !m.is_empty() => m.to_string(),
                _ if code.is_some() => String::new(),
                _ => format!("HTTP {status} from the endpoint (not an AWS error answer)"),
            };
            (class, code, message)
        }
        SdkError::ResponseError(response) => {
            let status = response.raw().status().as_u16();
            let class = class_of_code(None, Some(status));
            let message = match incomplete_answer(error) {
                Some(problem) => problem.to_string(),
                None => format!("HTTP {status} from the endpoint, an answer that could not be read as AWS's"),
            };
            (class, None, message)
        }
        _ => {
            let source: &(dyn std::error::Error + 'static) = error;
            let class = if is_credentials_failure(source) {
                ErrorClass::NoCredentials
            } else {
                class_of_code(error.code(), None)
            };
            (class, error.code().map(str::to_string), chain(source))
        }
    };
    CollectError {
        operation: operation.to_string(),
        class,
        code,
        message,
        api_calls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_classified() {
        let cases = [
            ("UnauthorizedOperation", ErrorClass::AccessDenied),
            ("AccessDenied", ErrorClass::AccessDenied),
            ("AccessDeniedException", ErrorClass::AccessDenied),
            ("AuthFailure", ErrorClass::RegionNotEnabled),
            ("OptInRequired", ErrorClass::RegionNotEnabled),
            ("UnrecognizedClientException", ErrorClass::RegionNotEnabled),
            ("InvalidClientTokenId", ErrorClass::RegionNotEnabled),
            ("RequestLimitExceeded", ErrorClass::Throttled),
            ("Throttling", ErrorClass::Throttled),
            ("ThrottlingException", ErrorClass::Throttled),
            ("InternalError", ErrorClass::Other),
            ("InvalidParameterValue", ErrorClass::Other),
        ];
        for (code, class) in cases {
            assert_eq!(class_of_code(Some(code), Some(400)), class, "{code}");
        }
        assert_eq!(class_of_code(None, Some(429)), ErrorClass::Throttled);
        assert_eq!(class_of_code(None, Some(500)), ErrorClass::Other);
    }
}
