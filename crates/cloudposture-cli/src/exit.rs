//! Exit codes and the error type that carries one.

use std::fmt;

/// What the process exit code says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Complete, nothing failing at or above the threshold.
    Ok = 0,
    /// At least one failing finding at or above the threshold.
    Failing = 1,
    /// Bad usage or input: nothing evaluated.
    Usage = 2,
    /// Something could not be evaluated, and nothing failing at or above the threshold.
    Incomplete = 3,
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e as u8)
    }
}

/// An error that ends the run, with the exit code it ends it with.
///
/// Any error converts into one with [`Exit::Usage`]; [`CliError::incomplete`] marks the
/// failures of the environment (the account could not be read at all).
pub struct CliError {
    /// The exit code.
    pub exit: Exit,
    /// What went wrong, with its causes.
    pub error: anyhow::Error,
}

impl CliError {
    /// Nothing could be evaluated because the account could not be read.
    pub fn incomplete(error: impl Into<anyhow::Error>) -> Self {
        CliError {
            exit: Exit::Incomplete,
            error: error.into(),
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(error: anyhow::Error) -> Self {
        CliError {
            exit: Exit::Usage,
            error,
        }
    }
}

impl fmt::Debug for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} (exit {})", self.error, self.exit as u8)
    }
}

impl fmt::Display for CliError {
    /// The chain on one line, `outer: inner: root`, leaving out a cause that the message
    /// before it already quotes (errors that print their source themselves).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = String::new();
        for cause in self.error.chain() {
            let text = cause.to_string();
            if line.contains(&text) {
                continue;
            }
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
        f.write_str(&line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_already_quoted_are_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let e: CliError = anyhow::Error::new(io)
            .context("snapshot `a.json`: no such file")
            .into();
        assert_eq!(e.to_string(), "snapshot `a.json`: no such file");
        let e: CliError = anyhow::anyhow!("root").context("middle").context("top").into();
        assert_eq!(e.to_string(), "top: middle: root");
        assert_eq!(e.exit, Exit::Usage);
    }
}
