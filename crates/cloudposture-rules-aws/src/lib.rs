//! The AWS rules of cloudposture, one file or folder per rule, and the remediation
//! toolkit they share.
//!
//! Every rule here is a plug-in: it uses only the public API of `cloudposture-core`
//! (the [`Rule`](cloudposture_core::Rule) trait, metadata, typed settings, findings) and
//! of `cloudposture-aws` (its resource kinds). A rule crate outside this workspace is
//! written the same way.
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

use cloudposture_core::{AnyRule, Registry, RegistryError, erase};

pub mod cis;
pub mod ec2;
pub mod remediation;
pub mod vpc;

pub use ec2::ec2_001_002_world_open_admin_ports::{EC2_001, EC2_002, SecurityGroupAdminPorts};
pub use ec2::ec2_003_default_security_group::{DefaultSecurityGroupRestrictsAll, EC2_003};
pub use ec2::ec2_004_imdsv2::{EC2_004, InstancesRequireImdsV2};
pub use vpc::vpc_001_flow_logs_enabled::{VPC_001, VpcFlowLogsEnabled};
pub use vpc::vpc_002_acl_admin_ports::{NetworkAclAdminPorts, VPC_002};

/// Every AWS rule of this crate, in id order.
pub fn all_rules() -> Vec<Box<dyn AnyRule>> {
    vec![
        erase(SecurityGroupAdminPorts::IPV4),
        erase(SecurityGroupAdminPorts::IPV6),
        erase(DefaultSecurityGroupRestrictsAll),
        erase(InstancesRequireImdsV2),
        erase(VpcFlowLogsEnabled),
        erase(NetworkAclAdminPorts),
    ]
}

/// Adds every rule of [`all_rules`] to `registry`, and the catalog of the CIS AWS
/// Foundations Benchmark ([`cis::CIS_AWS_FOUNDATIONS`]) that compliance summaries read.
///
/// Fails when a rule's id is already registered (e.g. a custom rule reusing `VPC-001`).
pub fn register_all(registry: &mut Registry) -> Result<(), RegistryError> {
    for rule in all_rules() {
        registry.register_boxed(rule)?;
    }
    registry.add_catalog(&cis::CIS_AWS_FOUNDATIONS);
    Ok(())
}

/// A registry holding every rule of this crate.
pub fn registry() -> Result<Registry, RegistryError> {
    let mut registry = Registry::new();
    register_all(&mut registry)?;
    Ok(registry)
}
