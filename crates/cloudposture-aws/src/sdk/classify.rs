//! SDK errors → [`CollectError`], classified by the AWS error code or the transport failure.

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;

use cloudposture_core::{CollectError, ErrorClass};

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

/// Turns a failed SDK call of `operation` into a [`CollectError`].
///
/// `api_calls` is the number of calls the operation made, the failed one included (a
/// listing that failed on its third page made 3). Service errors keep the AWS code and
/// message; transport failures keep the whole error chain as the message.
pub fn classify<E>(operation: &str, error: &SdkError<E, HttpResponse>, api_calls: u64) -> CollectError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let chain = || DisplayErrorContext(error).to_string();
    let (class, code, message) = match error {
        SdkError::TimeoutError(_) => (ErrorClass::Timeout, None, chain()),
        SdkError::DispatchFailure(failure) => {
            let class = if failure.is_timeout() || failure.is_io() {
                ErrorClass::Timeout
            } else {
                ErrorClass::Other
            };
            (class, None, chain())
        }
        SdkError::ServiceError(service) => {
            let code = error.code().map(str::to_string);
            let status = service.raw().status().as_u16();
            let class = class_of_code(code.as_deref(), Some(status));
            let message = match error.message() {
                Some(m) if !m.is_empty() => m.to_string(),
                _ if code.is_some() => String::new(),
                _ => format!("HTTP status {status}: {}", chain()),
            };
            (class, code, message)
        }
        _ => (
            class_of_code(error.code(), None),
            error.code().map(str::to_string),
            chain(),
        ),
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
