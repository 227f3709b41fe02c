//! The server as the CLI's black-box tests use it: environment for a child process, and
//! seeding helpers seen from another AWS client (boto3, which ships with moto).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::process::Command;

use cloudposture_moto::{ACCOUNT_ID, AWS_ENV_TO_REMOVE, MotoServer};

/// Runs `script` in python3 with the server's environment and returns its stdout.
fn python(moto: &MotoServer, script: &str) -> String {
    let mut command = Command::new("python3");
    command.args(["-c", script]);
    for name in AWS_ENV_TO_REMOVE {
        command.env_remove(name);
    }
    let out = command.envs(moto.env()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[tokio::test]
async fn a_child_process_with_the_env_reaches_the_server_and_sees_the_seeds() {
    let moto = MotoServer::shared();
    let vpc = moto
        .create_vpc("sa-east-1", "10.70.0.0/16", &[("Name", "seeded")])
        .await;
    moto.create_bucket("cloudposture-moto-env").await;
    moto.create_log_group("sa-east-1", "seeded-group").await;

    let account = python(
        moto,
        "import boto3; print(boto3.client('sts').get_caller_identity()['Account'])",
    );
    assert_eq!(account, ACCOUNT_ID);
    let vpcs = python(
        moto,
        "import boto3\n\
         vpcs = boto3.client('ec2', region_name='sa-east-1').describe_vpcs()['Vpcs']\n\
         print(' '.join(sorted(v['VpcId'] for v in vpcs if not v['IsDefault'])))",
    );
    assert_eq!(vpcs, vpc);
    let buckets = python(
        moto,
        "import boto3; print(' '.join(b['Name'] for b in boto3.client('s3').list_buckets()['Buckets']))",
    );
    assert!(
        buckets.split(' ').any(|b| b == "cloudposture-moto-env"),
        "{buckets}"
    );
    let groups = python(
        moto,
        "import boto3\n\
         groups = boto3.client('logs', region_name='sa-east-1').describe_log_groups()['logGroups']\n\
         print(' '.join(g['logGroupName'] for g in groups))",
    );
    assert_eq!(groups, "seeded-group");
}

#[tokio::test]
async fn an_s3_flow_log_to_a_missing_bucket_is_a_clear_panic() {
    let moto = MotoServer::shared();
    let vpc = moto.create_vpc("us-east-2", "10.71.0.0/16", &[]).await;
    let moto_ref: &'static MotoServer = moto;
    let result = tokio::spawn(async move {
        moto_ref
            .create_flow_log_s3("us-east-2", &vpc, "VPC", "cloudposture-no-such-bucket", "ALL")
            .await
    })
    .await;
    let panic = result.unwrap_err().into_panic();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("CreateFlowLogs") && message.contains("failed"),
        "{message}"
    );
}
