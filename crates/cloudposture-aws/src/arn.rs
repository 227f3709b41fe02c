//! ARNs of AWS resources.

/// The AWS partition of a region: `aws`, `aws-cn` or `aws-us-gov`.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// `arn:PARTITION:ec2:REGION:ACCOUNT:TYPE/ID`.
pub fn ec2_arn(region: &str, account: &str, resource_type: &str, id: &str) -> String {
    format!(
        "arn:{}:ec2:{region}:{account}:{resource_type}/{id}",
        partition_of(region)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_name_the_partition_of_the_region() {
        assert_eq!(
            ec2_arn("us-gov-west-1", "123456789012", "vpc", "vpc-0abc"),
            "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:vpc/vpc-0abc"
        );
        assert_eq!(
            ec2_arn("cn-north-1", "123456789012", "subnet", "subnet-1"),
            "arn:aws-cn:ec2:cn-north-1:123456789012:subnet/subnet-1"
        );
        assert_eq!(partition_of("eu-west-1"), "aws");
    }
}
