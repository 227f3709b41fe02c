//! The resource kinds of the AWS provider: one file each, registered below.
//!
//! A kind's file holds everything about it: the model (plain serde data, never SDK
//! types), its [`Kind`] declaration (name, words, IAM action,
//! CloudFormation and Security Hub type names), its ARN, and with the `sdk` feature its
//! listing (the one page loop of [`crate::sdk`], at the maximum page size) and the
//! conversion from the SDK's types. Adding a kind is one file and one line in
//! `builtin_kinds!` below; collection, the inventory, snapshots and mocks need nothing
//! else. A crate outside this one adds kinds the same way, with its own lister
//! (see `examples/custom_kind.rs`).

/// `Resource` for an EC2 model with `id`, `region`, `owner_id` (a `String`) and `tags`
/// fields: its ARN is `arn:PARTITION:ec2:REGION:OWNER:ARN_TYPE/ID` and its account the owner.
macro_rules! ec2_resource {
    ($model:ty, $kind:ty, $arn_type:literal) => {
        impl cloudposture_core::Resource for $model {
            fn kind(&self) -> &'static str {
                <$kind as cloudposture_core::Kind>::INFO.name
            }
            fn id(&self) -> &str {
                &self.id
            }
            fn arn(&self) -> Option<String> {
                Some(crate::arn::ec2_arn(
                    &self.region,
                    &self.owner_id,
                    $arn_type,
                    &self.id,
                ))
            }
            fn account(&self) -> Option<&str> {
                Some(&self.owner_id)
            }
            fn region(&self) -> Option<&str> {
                Some(&self.region)
            }
            fn tags(&self) -> &cloudposture_core::Tags {
                &self.tags
            }
        }
    };
}

mod flow_log;
mod instance;
mod network_acl;
mod network_interface;
mod security_group;
mod subnet;
mod vpc;

pub use flow_log::{DestinationType, FlowLog, FlowLogResourceType, FlowLogs, TrafficType, flow_log_targets};
pub use instance::{Instance, Instances, LISTED_INSTANCE_STATES, MetadataOptions};
pub use network_acl::{AclEntry, NetworkAcl, NetworkAcls, PortRange};
pub use network_interface::{NetworkInterface, NetworkInterfaces};
pub use security_group::{GroupPair, IpRange, Permission, SecurityGroup, SecurityGroups};
pub use subnet::{Subnet, Subnets};
pub use vpc::{Vpc, Vpcs};

#[cfg(feature = "sdk")]
pub(crate) use flow_log::sdk::convert as convert_flow_log;
#[cfg(feature = "sdk")]
pub(crate) use security_group::sdk::convert_permission;

use cloudposture_core::{Kind, KindRegistry};

/// Declares the built-in kinds once: the kind registry (for snapshots) and the SDK
/// listers (for live scans) both come from this list. `after [..]` names the kinds a
/// lookup needs listed first in the same region.
macro_rules! builtin_kinds {
    ($($kind:ident $(after [$($after:ident),+])?),+ $(,)?) => {
        /// Every kind this provider knows, for reading snapshots.
        pub fn registry() -> KindRegistry {
            let mut kinds = KindRegistry::new();
            $(kinds.register::<$kind>();)+
            kinds
        }

        /// A collector's listers for every built-in kind, over the SDK.
        #[cfg(feature = "sdk")]
        pub fn sdk_listers(sdk: &crate::sdk::SdkCollector) -> crate::Listers {
            crate::Listers::new()
                $(.add_after::<$kind>(sdk.clone(), &[$($(<$after as Kind>::INFO.name),+)?]))+
        }
    };
}

builtin_kinds! {
    Vpcs,
    FlowLogs,
    Subnets after [FlowLogs],
    NetworkInterfaces after [FlowLogs],
    SecurityGroups,
    NetworkAcls,
    Instances,
}

/// The kind names, as constants (e.g. for `CollectOptions::new`).
pub const VPC: &str = Vpcs::INFO.name;
/// See [`FlowLogs`].
pub const FLOW_LOG: &str = FlowLogs::INFO.name;
/// See [`Subnets`].
pub const SUBNET: &str = Subnets::INFO.name;
/// See [`NetworkInterfaces`].
pub const NETWORK_INTERFACE: &str = NetworkInterfaces::INFO.name;
/// See [`SecurityGroups`].
pub const SECURITY_GROUP: &str = SecurityGroups::INFO.name;
/// See [`NetworkAcls`].
pub const NETWORK_ACL: &str = NetworkAcls::INFO.name;
/// See [`Instances`].
pub const INSTANCE: &str = Instances::INFO.name;
