//! The settings of EC2-001 and EC2-002, typed: read once from the `[rules.EC2-001]` or
//! `[rules.EC2-002]` table.

use cloudposture_core::RuleSettings;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ec2::admin_ports::AdminPorts;

/// Settings of EC2-001 and EC2-002 (each rule has its own table).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AdminPortSettings {
    /// Remote administration ports that no security group may open to the world: a
    /// permission of protocol all (-1), or TCP or UDP with a port range that contains one of
    /// them, from 0.0.0.0/0 (EC2-001) or ::/0 (EC2-002), fails the group. At least one port,
    /// each from 0 to 65535.
    #[schemars(with = "Vec<u16>")]
    pub ports: AdminPorts,
}

// Every check is in `AdminPorts`, when it is read.
impl RuleSettings for AdminPortSettings {}
