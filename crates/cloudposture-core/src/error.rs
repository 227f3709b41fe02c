//! Errors shared by the core modules.

use thiserror::Error;

/// A word that is not one of an enumeration's names (risk level, standard, status…).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown {what} `{value}`; expected one of: {}", .allowed.join(", "))]
pub struct ParseEnumError {
    what: &'static str,
    value: String,
    allowed: Vec<&'static str>,
}

impl ParseEnumError {
    pub(crate) fn new(
        what: &'static str,
        value: &str,
        allowed: impl IntoIterator<Item = &'static str>,
    ) -> Self {
        ParseEnumError {
            what,
            value: value.to_string(),
            allowed: allowed.into_iter().collect(),
        }
    }
}
