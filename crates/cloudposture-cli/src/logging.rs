//! `-v` / `-q`: diagnostics on stderr through `tracing`.

use tracing_subscriber::EnvFilter;

use crate::cli::GlobalArgs;

/// Installs the subscriber. `RUST_LOG`, when set, wins over `-v`.
///
/// Without `-v` only warnings of cloudposture itself are shown (the AWS SDK's own
/// warnings would be noise: its failures reach the report as region errors).
pub fn init(global: &GlobalArgs) {
    let ours = "cloudposture=LEVEL,cloudposture_cli=LEVEL,cloudposture_aws=LEVEL,cloudposture_core=LEVEL,cloudposture_rules_aws=LEVEL";
    let directives = match (global.quiet, global.verbose) {
        (true, _) => "off".to_string(),
        (false, 0) => ours.replace("LEVEL", "warn"),
        (false, 1) => ours.replace("LEVEL", "info"),
        (false, 2) => format!("warn,{}", ours.replace("LEVEL", "debug")),
        (false, _) => "debug,cloudposture_cli=trace,cloudposture_aws=trace".to_string(),
    };
    let filter = match std::env::var("RUST_LOG") {
        Ok(env) if !env.trim().is_empty() => {
            EnvFilter::try_new(env).unwrap_or_else(|_| EnvFilter::new(&directives))
        }
        _ => EnvFilter::new(&directives),
    };
    // A second init (tests) fails harmlessly.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(global.verbose >= 2)
        .try_init();
}
