//! One module per subcommand.

pub mod collect;
pub mod deliver;
pub mod fix;
pub mod iam_policy;
pub mod merge;
pub mod rules;
pub mod scan;

use anyhow::Context;
use cloudposture_core::Registry;

/// Every built-in rule.
pub fn registry() -> anyhow::Result<Registry> {
    cloudposture_rules_aws::registry().context("the built-in rules could not be registered")
}
