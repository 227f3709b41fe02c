//! The AWS rules of cloudposture, one file per rule.
//!
//! Every rule here is a plug-in: it uses only the public API of `cloudposture-core`
//! (the [`Rule`] trait, metadata, settings, findings) and of `cloudposture-aws` (the
//! collected [`Inventory`]). A rule crate outside this workspace is written the same way.
//!
//! ```
//! use cloudposture_core::{Config, Plan, Selection};
//!
//! let registry = cloudposture_rules_aws::registry()?;
//! let plan = Plan::new(&registry, &Selection::rules(["VPC"]), &Config::default())?;
//! // The collector fetches exactly the kinds the selected rules need.
//! assert!(plan.required_kinds().contains("aws.ec2.flow-log"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use cloudposture_aws::Inventory;
use cloudposture_core::{Registry, RegistryError, Rule};

pub mod vpc;

pub use vpc::vpc_001_flow_logs_enabled::{VPC_001, VpcFlowLogsEnabled};

/// Every AWS rule of this crate, in id order.
pub fn all_rules() -> Vec<Box<dyn Rule<Inventory>>> {
    vec![Box::new(VpcFlowLogsEnabled)]
}

/// Adds every rule of [`all_rules`] to `registry`.
///
/// Fails when a rule's id is already registered (e.g. a custom rule reusing `VPC-001`).
pub fn register_all(registry: &mut Registry<Inventory>) -> Result<(), RegistryError> {
    for rule in all_rules() {
        registry.register_boxed(rule)?;
    }
    Ok(())
}

/// A registry holding every rule of this crate.
pub fn registry() -> Result<Registry<Inventory>, RegistryError> {
    let mut registry = Registry::new();
    register_all(&mut registry)?;
    Ok(registry)
}
