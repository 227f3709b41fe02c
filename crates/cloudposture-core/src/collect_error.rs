//! Errors of collection, classified so that reports and exit codes can say what went wrong.
//!
//! Providers turn their API failures into a [`CollectError`]; the inventory keeps it
//! for the kind and scope it hit, and the engine turns it into `error` findings.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What kind of failure an AWS call ended in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorClass {
    /// Access denied / unauthorized operation: the credentials lack a permission.
    AccessDenied,
    /// Auth failure or opt-in region not enabled for the account.
    RegionNotEnabled,
    /// Throttled, still after the configured retries.
    Throttled,
    /// Timed out.
    Timeout,
    /// Could not connect to the endpoint (refused, unreachable, no such host).
    Unreachable,
    /// No usable credentials: none found, an unknown profile, a provider that failed.
    NoCredentials,
    /// Anything else.
    Other,
}

impl ErrorClass {
    /// Words for people.
    pub fn describe(self) -> &'static str {
        match self {
            ErrorClass::AccessDenied => "access denied",
            ErrorClass::RegionNotEnabled => "authentication failed or region not enabled",
            ErrorClass::Throttled => "throttled after retries",
            ErrorClass::Timeout => "timed out",
            ErrorClass::Unreachable => "could not connect",
            ErrorClass::NoCredentials => "found no usable AWS credentials",
            ErrorClass::Other => "failed",
        }
    }
}

/// An AWS call that failed, with the AWS error code and message kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Error)]
#[error("{operation} {}{}", .class.describe(), detail(.code.as_deref(), .message))]
pub struct CollectError {
    /// API operation, e.g. `DescribeVpcs`.
    pub operation: String,
    /// Classification.
    pub class: ErrorClass,
    /// AWS error code, e.g. `UnauthorizedOperation`.
    pub code: Option<String>,
    /// AWS error message, or the transport error.
    pub message: String,
    /// API calls made by the operation before it failed (pages, not retries).
    #[serde(default)]
    pub api_calls: u64,
}

fn detail(code: Option<&str>, message: &str) -> String {
    match (code, message.is_empty()) {
        (Some(c), false) => format!(" ({c}: {message})"),
        (Some(c), true) => format!(" ({c})"),
        (None, false) => format!(" ({message})"),
        (None, true) => String::new(),
    }
}

impl CollectError {
    /// A new error.
    pub fn new(
        operation: impl Into<String>,
        class: ErrorClass,
        code: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        CollectError {
            operation: operation.into(),
            class,
            code,
            message: message.into(),
            api_calls: 1,
        }
    }

    /// The same error, counting `calls` made before it by the same listing (e.g. the
    /// chunks of ids already looked up).
    pub fn after(mut self, calls: u64) -> Self {
        self.api_calls += calls;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_keeps_operation_class_code_and_aws_message() {
        let e = CollectError::new(
            "DescribeVpcs",
            ErrorClass::AccessDenied,
            Some("UnauthorizedOperation".into()),
            "You are not authorized to perform this operation.",
        );
        assert_eq!(
            e.to_string(),
            "DescribeVpcs access denied (UnauthorizedOperation: You are not authorized to perform this operation.)"
        );
    }
}
