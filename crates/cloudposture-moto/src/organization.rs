//! Seeding moto with an organization: the management account (moto's own
//! [`ACCOUNT_ID`](crate::ACCOUNT_ID)), member accounts, clients acting in a member (moto
//! grants any `sts:AssumeRole` into `arn:aws:iam::MEMBER:role/ANY`), and closed accounts.

use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region};

use super::{MotoServer, dummy_credentials, error_text};

impl MotoServer {
    /// Creates an organization (all features) with the caller as management account and
    /// one member account per name; returns the members' ids, in the order of `names`.
    ///
    /// # Panics
    ///
    /// When moto refuses (e.g. an organization exists already).
    pub async fn create_organization(&self, names: &[&str]) -> Vec<String> {
        let client = self.organizations_client();
        client
            .create_organization()
            .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateOrganization: {}", error_text(&e)));
        let mut ids = Vec::new();
        for name in names {
            let out = client
                .create_account()
                .account_name(*name)
                .email(format!("{name}@example.invalid"))
                .send()
                .await
                .unwrap_or_else(|e| panic!("CreateAccount `{name}`: {}", error_text(&e)));
            let id = out
                .create_account_status
                .and_then(|s| s.account_id)
                .unwrap_or_else(|| panic!("CreateAccount `{name}` returned no account id"));
            ids.push(id);
        }
        ids
    }

    /// Closes `account` (its state becomes `SUSPENDED`).
    ///
    /// # Panics
    ///
    /// When moto refuses.
    pub async fn close_account(&self, account: &str) {
        self.organizations_client()
            .close_account()
            .account_id(account)
            .send()
            .await
            .unwrap_or_else(|e| panic!("CloseAccount `{account}`: {}", error_text(&e)));
    }

    /// An EC2 client of `region` whose credentials act in `account` (assumed through
    /// `role/seeding`, which moto grants).
    ///
    /// # Panics
    ///
    /// When moto refuses the AssumeRole.
    pub async fn member_ec2_client(&self, account: &str, region: &str) -> aws_sdk_ec2::Client {
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .credentials_provider(dummy_credentials())
                .endpoint_url(self.endpoint_url())
                .build(),
        );
        let out = sts
            .assume_role()
            .role_arn(format!("arn:aws:iam::{account}:role/seeding"))
            .role_session_name("seeding")
            .send()
            .await
            .unwrap_or_else(|e| panic!("AssumeRole into `{account}`: {}", error_text(&e)));
        let c = out
            .credentials
            .unwrap_or_else(|| panic!("AssumeRole into `{account}` returned no credentials"));
        let credentials = Credentials::new(
            c.access_key_id,
            c.secret_access_key,
            Some(c.session_token),
            None,
            "moto-member",
        );
        aws_sdk_ec2::Client::from_conf(
            aws_sdk_ec2::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new(region.to_string()))
                .credentials_provider(credentials)
                .endpoint_url(self.endpoint_url())
                .build(),
        )
    }

    /// Creates a VPC with `cidr` and a `Name` tag in `account` (through
    /// [`MotoServer::member_ec2_client`]); returns its id.
    ///
    /// # Panics
    ///
    /// When moto refuses.
    pub async fn create_member_vpc(&self, account: &str, region: &str, cidr: &str, name: &str) -> String {
        let tags = aws_sdk_ec2::types::TagSpecification::builder()
            .resource_type(aws_sdk_ec2::types::ResourceType::Vpc)
            .tags(aws_sdk_ec2::types::Tag::builder().key("Name").value(name).build())
            .build();
        let out = self
            .member_ec2_client(account, region)
            .await
            .create_vpc()
            .cidr_block(cidr)
            .tag_specifications(tags)
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateVpc in `{account}`: {}", error_text(&e)));
        out.vpc
            .and_then(|v| v.vpc_id)
            .unwrap_or_else(|| panic!("CreateVpc in `{account}` returned no VPC id"))
    }

    fn organizations_client(&self) -> aws_sdk_organizations::Client {
        aws_sdk_organizations::Client::from_conf(
            aws_sdk_organizations::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .credentials_provider(dummy_credentials())
                .endpoint_url(self.endpoint_url())
                .build(),
        )
    }
}
