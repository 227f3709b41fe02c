//! `cloudposture`: check an AWS account against security best-practice rules.
//!
//! The binary holds no rule logic: it parses arguments, loads the configuration,
//! asks the engine for a plan, collects (or loads a snapshot), renders the report and
//! turns it into an exit code. One module per subcommand under [`commands`]; every
//! command writes to injected writers ([`Terminal`]) so that its output is tested in
//! memory.

mod cli;
mod commands;
mod config_file;
mod exit;
mod logging;
mod output;
mod progress;
mod source;
mod style;
mod table;
mod terminal;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::exit::{CliError, Exit};
use crate::terminal::Terminal;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits 2 (0 for --help and --version).
    let cli = Cli::parse();
    logging::init(&cli.global);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // Not locked for the whole run: the progress bar's ticker thread and the tracing
    // subscriber on the runtime's threads write to stderr too, and would wait forever.
    let mut err = std::io::stderr();
    let mut term = Terminal {
        stdout_is_terminal: std::io::stdout().is_terminal(),
        stderr_is_terminal: std::io::stderr().is_terminal(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        columns: terminal::columns_from_env(),
        out: &mut out,
        err: &mut err,
    };
    let exit = match run(&cli, &mut term) {
        Ok(exit) => exit,
        Err(e) => {
            // A closed pipe (`cloudposture … | head`) is not worth a message.
            let broken_pipe = e.error.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if !broken_pipe {
                let _ = writeln!(term.err, "error: {e}");
            }
            e.exit
        }
    };
    let _ = term.out.flush();
    exit.into()
}

/// Runs one command.
fn run(cli: &Cli, term: &mut Terminal<'_>) -> Result<Exit, CliError> {
    match &cli.command {
        Command::Scan(args) => commands::scan::run(args, &cli.global, term),
        Command::Collect(args) => commands::collect::run(args, &cli.global, term),
        Command::Fix(args) => commands::fix::run(args, &cli.global, term),
        Command::Rules(cmd) => commands::rules::run(cmd, &cli.global, term),
        Command::Merge(args) => commands::merge::run(args, &cli.global, term),
        Command::IamPolicy(args) => commands::iam_policy::run(args, &cli.global, term),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut command, "cloudposture", &mut *term.out);
            Ok(Exit::Ok)
        }
    }
}
