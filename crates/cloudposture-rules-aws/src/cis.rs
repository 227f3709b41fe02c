//! A catalog of the CIS Amazon Web Services Foundations Benchmark, as data: for every
//! version that rules here map (v1.2.0, v1.4.0, v1.5.0, v2.0.0, v3.0.0, v4.0.0, v5.0.0),
//! the sections (number and title) and every control (id and title) of the Logging and
//! the Networking sections, the sections the rules of this crate check. The other
//! sections are known by title only (`controls_listed: false`): a compliance summary
//! names them as not checked, and cannot tell which of their controls go unchecked.
//!
//! Ids and titles follow the benchmark documents as the open-source compliance mappings
//! of Steampipe (`turbot/steampipe-mod-aws-compliance`, `cis_v*/section_*.sp`) and
//! Prowler (`prowler/compliance/aws/cis_*_aws.json`) reproduce them (a trailing full
//! stop dropped). Titles that several versions share are written once below.

use cloudposture_core::{Catalog, CatalogControl, CatalogSection, Standard};

/// The CIS AWS Foundations Benchmark: sections of every version, and the controls of
/// Logging and Networking.
pub static CIS_AWS_FOUNDATIONS: Catalog = Catalog {
    sections: SECTIONS,
    controls: CONTROLS,
};

const fn section(
    version: &'static str,
    number: &'static str,
    title: &'static str,
    controls_listed: bool,
) -> CatalogSection {
    CatalogSection {
        standard: Standard::CisAwsFoundations,
        version,
        number,
        title,
        controls_listed,
    }
}

const fn control(
    version: &'static str,
    section: &'static str,
    id: &'static str,
    title: &'static str,
) -> CatalogControl {
    CatalogControl {
        standard: Standard::CisAwsFoundations,
        version,
        section,
        id,
        title,
    }
}

const CLOUDTRAIL_ALL_REGIONS: &str = "Ensure CloudTrail is enabled in all regions";
const LOG_FILE_VALIDATION: &str = "Ensure CloudTrail log file validation is enabled";
const TRAIL_BUCKET_NOT_PUBLIC: &str =
    "Ensure the S3 bucket used to store CloudTrail logs is not publicly accessible";
const TRAIL_TO_CLOUDWATCH: &str = "Ensure CloudTrail trails are integrated with CloudWatch Logs";
const CONFIG_ALL_REGIONS: &str = "Ensure AWS Config is enabled in all regions";
const TRAIL_BUCKET_ACCESS_LOGGING: &str =
    "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket";
const TRAIL_KMS: &str = "Ensure CloudTrail logs are encrypted at rest using KMS CMKs";
const FLOW_LOGGING: &str = "Ensure VPC flow logging is enabled in all VPCs";
const NACL_ADMIN_PORTS: &str =
    "Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports";
const SG_ADMIN_PORTS_IPV4: &str =
    "Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports";
const SG_ADMIN_PORTS_IPV6: &str =
    "Ensure no security groups allow ingress from ::/0 to remote server administration ports";
const DEFAULT_SG_CLOSED: &str = "Ensure the default security group of every VPC restricts all traffic";
const PEERING_LEAST_ACCESS: &str = "Ensure routing tables for VPC peering are \"least access\"";

static SECTIONS: &[CatalogSection] = &[
    section("v1.2.0", "1", "Identity and Access Management", false),
    section("v1.2.0", "2", "Logging", true),
    section("v1.2.0", "3", "Monitoring", false),
    section("v1.2.0", "4", "Networking", true),
    section("v1.4.0", "1", "Identity and Access Management", false),
    section("v1.4.0", "2", "Storage", false),
    section("v1.4.0", "3", "Logging", true),
    section("v1.4.0", "4", "Monitoring", false),
    section("v1.4.0", "5", "Networking", true),
    section("v1.5.0", "1", "Identity and Access Management", false),
    section("v1.5.0", "2", "Storage", false),
    section("v1.5.0", "3", "Logging", true),
    section("v1.5.0", "4", "Monitoring", false),
    section("v1.5.0", "5", "Networking", true),
    section("v2.0.0", "1", "Identity and Access Management", false),
    section("v2.0.0", "2", "Storage", false),
    section("v2.0.0", "3", "Logging", true),
    section("v2.0.0", "4", "Monitoring", false),
    section("v2.0.0", "5", "Networking", true),
    section("v3.0.0", "1", "Identity and Access Management", false),
    section("v3.0.0", "2", "Storage", false),
    section("v3.0.0", "3", "Logging", true),
    section("v3.0.0", "4", "Monitoring", false),
    section("v3.0.0", "5", "Networking", true),
    section("v4.0.0", "1", "Identity and Access Management", false),
    section("v4.0.0", "2", "Storage", false),
    section("v4.0.0", "3", "Logging", true),
    section("v4.0.0", "4", "Monitoring", false),
    section("v4.0.0", "5", "Networking", true),
    section("v5.0.0", "1", "Identity and Access Management", false),
    section("v5.0.0", "2", "Storage", false),
    section("v5.0.0", "3", "Logging", true),
    section("v5.0.0", "4", "Monitoring", false),
    section("v5.0.0", "5", "Networking", true),
];

static CONTROLS: &[CatalogControl] = &[
    // v1.2.0
    control("v1.2.0", "2", "2.1", CLOUDTRAIL_ALL_REGIONS),
    control("v1.2.0", "2", "2.2", LOG_FILE_VALIDATION),
    control("v1.2.0", "2", "2.3", TRAIL_BUCKET_NOT_PUBLIC),
    control("v1.2.0", "2", "2.4", TRAIL_TO_CLOUDWATCH),
    control("v1.2.0", "2", "2.5", CONFIG_ALL_REGIONS),
    control("v1.2.0", "2", "2.6", TRAIL_BUCKET_ACCESS_LOGGING),
    control("v1.2.0", "2", "2.7", TRAIL_KMS),
    control(
        "v1.2.0",
        "2",
        "2.8",
        "Ensure rotation for customer created CMKs is enabled",
    ),
    control("v1.2.0", "2", "2.9", FLOW_LOGGING),
    control(
        "v1.2.0",
        "4",
        "4.1",
        "Ensure no security groups allow ingress from 0.0.0.0/0 to port 22",
    ),
    control(
        "v1.2.0",
        "4",
        "4.2",
        "Ensure no security groups allow ingress from 0.0.0.0/0 to port 3389",
    ),
    control("v1.2.0", "4", "4.3", DEFAULT_SG_CLOSED),
    control("v1.2.0", "4", "4.4", PEERING_LEAST_ACCESS),
    // v1.4.0
    control("v1.4.0", "3", "3.1", CLOUDTRAIL_ALL_REGIONS),
    control("v1.4.0", "3", "3.2", LOG_FILE_VALIDATION),
    control("v1.4.0", "3", "3.3", TRAIL_BUCKET_NOT_PUBLIC),
    control("v1.4.0", "3", "3.4", TRAIL_TO_CLOUDWATCH),
    control("v1.4.0", "3", "3.5", CONFIG_ALL_REGIONS),
    control("v1.4.0", "3", "3.6", TRAIL_BUCKET_ACCESS_LOGGING),
    control("v1.4.0", "3", "3.7", TRAIL_KMS),
    control(
        "v1.4.0",
        "3",
        "3.8",
        "Ensure rotation for customer created CMKs is enabled",
    ),
    control("v1.4.0", "3", "3.9", FLOW_LOGGING),
    control(
        "v1.4.0",
        "3",
        "3.10",
        "Ensure that Object-level logging for write events is enabled for S3 bucket",
    ),
    control(
        "v1.4.0",
        "3",
        "3.11",
        "Ensure that Object-level logging for read events is enabled for S3 bucket",
    ),
    control("v1.4.0", "5", "5.1", NACL_ADMIN_PORTS),
    control("v1.4.0", "5", "5.2", SG_ADMIN_PORTS_IPV4),
    control("v1.4.0", "5", "5.3", DEFAULT_SG_CLOSED),
    control("v1.4.0", "5", "5.4", PEERING_LEAST_ACCESS),
    // v1.5.0
    control("v1.5.0", "3", "3.1", CLOUDTRAIL_ALL_REGIONS),
    control("v1.5.0", "3", "3.2", LOG_FILE_VALIDATION),
    control("v1.5.0", "3", "3.3", TRAIL_BUCKET_NOT_PUBLIC),
    control("v1.5.0", "3", "3.4", TRAIL_TO_CLOUDWATCH),
    control("v1.5.0", "3", "3.5", CONFIG_ALL_REGIONS),
    control("v1.5.0", "3", "3.6", TRAIL_BUCKET_ACCESS_LOGGING),
    control("v1.5.0", "3", "3.7", TRAIL_KMS),
    control(
        "v1.5.0",
        "3",
        "3.8",
        "Ensure rotation for customer created symmetric CMKs is enabled",
    ),
    control("v1.5.0", "3", "3.9", FLOW_LOGGING),
    control(
        "v1.5.0",
        "3",
        "3.10",
        "Ensure that Object-level logging for write events is enabled for S3 bucket",
    ),
    control(
        "v1.5.0",
        "3",
        "3.11",
        "Ensure that Object-level logging for read events is enabled for S3 bucket",
    ),
    control("v1.5.0", "5", "5.1", NACL_ADMIN_PORTS),
    control("v1.5.0", "5", "5.2", SG_ADMIN_PORTS_IPV4),
    control("v1.5.0", "5", "5.3", SG_ADMIN_PORTS_IPV6),
    control("v1.5.0", "5", "5.4", DEFAULT_SG_CLOSED),
    control("v1.5.0", "5", "5.5", PEERING_LEAST_ACCESS),
    // v2.0.0
    control("v2.0.0", "3", "3.1", CLOUDTRAIL_ALL_REGIONS),
    control("v2.0.0", "3", "3.2", LOG_FILE_VALIDATION),
    control("v2.0.0", "3", "3.3", TRAIL_BUCKET_NOT_PUBLIC),
    control("v2.0.0", "3", "3.4", TRAIL_TO_CLOUDWATCH),
    control("v2.0.0", "3", "3.5", CONFIG_ALL_REGIONS),
    control("v2.0.0", "3", "3.6", TRAIL_BUCKET_ACCESS_LOGGING),
    control("v2.0.0", "3", "3.7", TRAIL_KMS),
    control(
        "v2.0.0",
        "3",
        "3.8",
        "Ensure rotation for customer created symmetric CMKs is enabled",
    ),
    control("v2.0.0", "3", "3.9", FLOW_LOGGING),
    control(
        "v2.0.0",
        "3",
        "3.10",
        "Ensure that Object-level logging for write events is enabled for S3 bucket",
    ),
    control(
        "v2.0.0",
        "3",
        "3.11",
        "Ensure that Object-level logging for read events is enabled for S3 bucket",
    ),
    control("v2.0.0", "5", "5.1", NACL_ADMIN_PORTS),
    control("v2.0.0", "5", "5.2", SG_ADMIN_PORTS_IPV4),
    control("v2.0.0", "5", "5.3", SG_ADMIN_PORTS_IPV6),
    control("v2.0.0", "5", "5.4", DEFAULT_SG_CLOSED),
    control("v2.0.0", "5", "5.5", PEERING_LEAST_ACCESS),
    control(
        "v2.0.0",
        "5",
        "5.6",
        "Ensure that EC2 Metadata Service only allows IMDSv2",
    ),
    // v3.0.0
    control("v3.0.0", "3", "3.1", CLOUDTRAIL_ALL_REGIONS),
    control("v3.0.0", "3", "3.2", LOG_FILE_VALIDATION),
    control("v3.0.0", "3", "3.3", CONFIG_ALL_REGIONS),
    control("v3.0.0", "3", "3.4", TRAIL_BUCKET_ACCESS_LOGGING),
    control("v3.0.0", "3", "3.5", TRAIL_KMS),
    control(
        "v3.0.0",
        "3",
        "3.6",
        "Ensure rotation for customer-created symmetric CMKs is enabled",
    ),
    control("v3.0.0", "3", "3.7", FLOW_LOGGING),
    control(
        "v3.0.0",
        "3",
        "3.8",
        "Ensure that Object-level logging for write events is enabled for S3 bucket",
    ),
    control(
        "v3.0.0",
        "3",
        "3.9",
        "Ensure that Object-level logging for read events is enabled for S3 bucket",
    ),
    control("v3.0.0", "5", "5.1", NACL_ADMIN_PORTS),
    control("v3.0.0", "5", "5.2", SG_ADMIN_PORTS_IPV4),
    control("v3.0.0", "5", "5.3", SG_ADMIN_PORTS_IPV6),
    control("v3.0.0", "5", "5.4", DEFAULT_SG_CLOSED),
    control("v3.0.0", "5", "5.5", PEERING_LEAST_ACCESS),
    control(
        "v3.0.0",
        "5",
        "5.6",
        "Ensure that EC2 Metadata Service only allows IMDSv2",
    ),
    // v4.0.0
    control("v4.0.0", "3", "3.1", CLOUDTRAIL_ALL_REGIONS),
    control("v4.0.0", "3", "3.2", LOG_FILE_VALIDATION),
    control("v4.0.0", "3", "3.3", CONFIG_ALL_REGIONS),
    control(
        "v4.0.0",
        "3",
        "3.4",
        "Ensure that server access logging is enabled on the CloudTrail S3 bucket",
    ),
    control("v4.0.0", "3", "3.5", TRAIL_KMS),
    control(
        "v4.0.0",
        "3",
        "3.6",
        "Ensure rotation for customer-created symmetric CMKs is enabled",
    ),
    control("v4.0.0", "3", "3.7", FLOW_LOGGING),
    control(
        "v4.0.0",
        "3",
        "3.8",
        "Ensure that Object-level logging for write events is enabled for S3 buckets",
    ),
    control(
        "v4.0.0",
        "3",
        "3.9",
        "Ensure that Object-level logging for read events is enabled for S3 buckets",
    ),
    control(
        "v4.0.0",
        "5",
        "5.1.1",
        "Ensure EBS Volume Encryption is Enabled in all Regions",
    ),
    control(
        "v4.0.0",
        "5",
        "5.1.2",
        "Ensure CIFS access is restricted to trusted networks to prevent unauthorized access",
    ),
    control("v4.0.0", "5", "5.2", NACL_ADMIN_PORTS),
    control("v4.0.0", "5", "5.3", SG_ADMIN_PORTS_IPV4),
    control("v4.0.0", "5", "5.4", SG_ADMIN_PORTS_IPV6),
    control("v4.0.0", "5", "5.5", DEFAULT_SG_CLOSED),
    control("v4.0.0", "5", "5.6", PEERING_LEAST_ACCESS),
    control(
        "v4.0.0",
        "5",
        "5.7",
        "Ensure that the EC2 Metadata Service only allows IMDSv2",
    ),
    // v5.0.0
    control("v5.0.0", "3", "3.1", CLOUDTRAIL_ALL_REGIONS),
    control("v5.0.0", "3", "3.2", LOG_FILE_VALIDATION),
    control("v5.0.0", "3", "3.3", CONFIG_ALL_REGIONS),
    control(
        "v5.0.0",
        "3",
        "3.4",
        "Ensure that server access logging is enabled on the CloudTrail S3 bucket",
    ),
    control("v5.0.0", "3", "3.5", TRAIL_KMS),
    control(
        "v5.0.0",
        "3",
        "3.6",
        "Ensure rotation for customer-created symmetric CMKs is enabled",
    ),
    control("v5.0.0", "3", "3.7", FLOW_LOGGING),
    control(
        "v5.0.0",
        "3",
        "3.8",
        "Ensure that Object-level logging for write events is enabled for S3 buckets",
    ),
    control(
        "v5.0.0",
        "3",
        "3.9",
        "Ensure that Object-level logging for read events is enabled for S3 buckets",
    ),
    control(
        "v5.0.0",
        "5",
        "5.1.1",
        "Ensure EBS Volume Encryption is Enabled in all Regions",
    ),
    control(
        "v5.0.0",
        "5",
        "5.1.2",
        "Ensure CIFS access is restricted to trusted networks to prevent unauthorized access",
    ),
    control("v5.0.0", "5", "5.2", NACL_ADMIN_PORTS),
    control("v5.0.0", "5", "5.3", SG_ADMIN_PORTS_IPV4),
    control("v5.0.0", "5", "5.4", SG_ADMIN_PORTS_IPV6),
    control("v5.0.0", "5", "5.5", DEFAULT_SG_CLOSED),
    control("v5.0.0", "5", "5.6", PEERING_LEAST_ACCESS),
    control(
        "v5.0.0",
        "5",
        "5.7",
        "Ensure that the EC2 Metadata Service only allows IMDSv2",
    ),
];

#[cfg(test)]
mod tests;
