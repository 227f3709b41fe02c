//! The settings of VPC-002, typed: read once from the `[rules.VPC-002]` table.

use cloudposture_core::RuleSettings;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ec2::admin_ports::AdminPorts;

/// Settings of VPC-002.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AclAdminPortSettings {
    /// Remote administration ports that no network ACL may let in from 0.0.0.0/0 or ::/0:
    /// for each port, world range and protocol (TCP, UDP), the first inbound entry that
    /// matches decides, and an allow fails the ACL. At least one port, each from 0 to 65535.
    #[schemars(with = "Vec<u16>")]
    pub ports: AdminPorts,
    /// Whether each VPC's default network ACL is judged. CIS counts it (true, the
    /// default): a default ACL as AWS creates it (entry 100 allows all inbound traffic)
    /// fails. AWS Security Hub EC2.21 leaves default ACLs out (false): they are skipped.
    pub include_default_acls: bool,
}

impl Default for AclAdminPortSettings {
    fn default() -> Self {
        AclAdminPortSettings {
            ports: AdminPorts::default(),
            include_default_acls: true,
        }
    }
}

// Every check is in `AdminPorts`, when it is read.
impl RuleSettings for AclAdminPortSettings {}
