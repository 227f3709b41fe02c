//! cloudposture: cloud security-posture rules for AWS.
pub use cloudposture_aws as aws;
pub use cloudposture_core as core;
pub use cloudposture_rules_aws as rules;
