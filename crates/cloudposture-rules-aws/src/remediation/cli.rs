//! AWS CLI commands as data.

use cloudposture_core::{Snippet, SnippetKind};

/// A command line: program, subcommand words and `--flag value` arguments, quoted for a
/// POSIX shell only when written.
///
/// ```
/// use cloudposture_rules_aws::remediation::CliCommand;
///
/// let cmd = CliCommand::aws("ec2", "create-flow-logs")
///     .arg("--region", "eu-west-1")
///     .opt_arg("--deliver-logs-permission-arn", None::<String>);
/// assert_eq!(cmd.to_multiline(), "aws ec2 create-flow-logs \\\n  --region eu-west-1\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliCommand {
    words: Vec<String>,
    args: Vec<(String, String)>,
}

impl CliCommand {
    /// `program` and its subcommand words, e.g. `["aws", "cloudformation", "deploy"]`.
    pub fn new<S: Into<String>>(words: impl IntoIterator<Item = S>) -> Self {
        CliCommand {
            words: words.into_iter().map(Into::into).collect(),
            args: Vec::new(),
        }
    }

    /// `aws SERVICE OPERATION`.
    pub fn aws(service: &str, operation: &str) -> Self {
        CliCommand::new(["aws", service, operation])
    }

    /// Adds `flag value`.
    pub fn arg(mut self, flag: impl Into<String>, value: impl Into<String>) -> Self {
        self.args.push((flag.into(), value.into()));
        self
    }

    /// Adds `flag value` when there is a value.
    pub fn opt_arg(self, flag: impl Into<String>, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(value) => self.arg(flag, value),
            None => self,
        }
    }

    /// The arguments, as the program receives them.
    pub fn argv(&self) -> Vec<&str> {
        let pairs = self.args.iter().flat_map(|(f, v)| [f.as_str(), v.as_str()]);
        self.words.iter().map(String::as_str).chain(pairs).collect()
    }

    /// The command on one line, each word quoted as the shell needs.
    pub fn to_line(&self) -> String {
        shell_words::join(self.argv())
    }

    /// The command with one `--flag value` per line (continued with `\`), ending in a
    /// newline: how a remediation shows it.
    pub fn to_multiline(&self) -> String {
        let mut out = shell_words::join(&self.words);
        for (flag, value) in &self.args {
            out.push_str(" \\\n  ");
            out.push_str(&shell_words::quote(flag));
            out.push(' ');
            out.push_str(&shell_words::quote(value));
        }
        out.push('\n');
        out
    }

    /// The command as a [`SnippetKind::Cli`] snippet (multi-line).
    pub fn snippet(&self, title: impl Into<String>) -> Snippet {
        Snippet {
            kind: SnippetKind::Cli,
            title: title.into(),
            content: self.to_multiline(),
        }
    }
}
