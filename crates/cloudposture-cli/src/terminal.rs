//! The writers a command prints to, and what it knows about them.

use std::io::Write;

use crate::cli::{ColorChoice, GlobalArgs};

/// Where output goes. Injected so that commands are tested in memory.
pub struct Terminal<'a> {
    /// Reports and other results.
    pub out: &'a mut dyn Write,
    /// Progress, hints and errors.
    pub err: &'a mut dyn Write,
    /// Whether `out` is a terminal (colour, table width).
    pub stdout_is_terminal: bool,
    /// Whether `err` is a terminal (progress bars).
    pub stderr_is_terminal: bool,
    /// `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
    /// Width to lay tables out in.
    pub columns: usize,
}

impl Terminal<'_> {
    /// Whether stdout gets colour.
    pub fn color(&self, global: &GlobalArgs) -> bool {
        match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => self.stdout_is_terminal && !self.no_color,
        }
    }

    /// Writes a line on stderr unless `--quiet`. Errors writing it are ignored: a hint
    /// that cannot be shown must not fail a scan.
    pub fn note(&mut self, global: &GlobalArgs, line: impl std::fmt::Display) {
        if !global.quiet {
            let _ = writeln!(self.err, "{line}");
        }
    }
}

/// The width tables are laid out in: `COLUMNS` when set and sensible, else 100.
pub fn columns_from_env() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| (40..=400).contains(c))
        .unwrap_or(100)
}

#[cfg(test)]
pub(crate) mod testing {
    //! An in-memory terminal for command tests.

    use super::Terminal;

    /// Captured stdout and stderr.
    #[derive(Default)]
    pub struct Captured {
        pub out: Vec<u8>,
        pub err: Vec<u8>,
    }

    impl Captured {
        /// A terminal writing into `self`, not a tty, 100 columns.
        pub fn terminal(&mut self) -> Terminal<'_> {
            Terminal {
                out: &mut self.out,
                err: &mut self.err,
                stdout_is_terminal: false,
                stderr_is_terminal: false,
                no_color: false,
                columns: 100,
            }
        }

        pub fn stdout(&self) -> String {
            String::from_utf8_lossy(&self.out).into_owned()
        }

        pub fn stderr(&self) -> String {
            String::from_utf8_lossy(&self.err).into_owned()
        }
    }
}
