//! The parameters of the fixes for security groups and instances: revoking
//! permissions (`ec2:RevokeSecurityGroupIngress` / `ec2:RevokeSecurityGroupEgress`) and
//! requiring IMDSv2 (`ec2:ModifyInstanceMetadataOptions`).

use serde::{Deserialize, Serialize};

use crate::kinds::Permission;

/// The operation of actions that revoke permissions of one security group: one
/// RevokeSecurityGroupIngress call for `ingress` and one RevokeSecurityGroupEgress call
/// for `egress` (each only when not empty). Parameters: [`RevokePermissionsParams`].
pub const REVOKE_SECURITY_GROUP_RULES: &str = "ec2:RevokeSecurityGroupRules";

/// The operation of actions that require IMDSv2 on one instance
/// (ModifyInstanceMetadataOptions with `HttpTokens=required`). Parameters:
/// [`RequireImdsV2Params`].
pub const MODIFY_INSTANCE_METADATA_OPTIONS: &str = "ec2:ModifyInstanceMetadataOptions";

/// Revoke exactly these permissions of a security group, as they were listed (a
/// permission names only the ranges, prefix lists and groups to revoke; the group's
/// other rules stay).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokePermissionsParams {
    /// The group's region.
    pub region: String,
    /// `sg-…`.
    pub group_id: String,
    /// Inbound permissions to revoke.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<Permission>,
    /// Outbound permissions to revoke.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<Permission>,
}

/// Require IMDSv2 on an instance (`HttpTokens=required`, endpoint left as it is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequireImdsV2Params {
    /// The instance's region.
    pub region: String,
    /// `i-…`.
    pub instance_id: String,
}
