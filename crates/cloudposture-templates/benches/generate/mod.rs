//! A directory of templates to measure loading with (issue 15: 1,000 Terraform files
//! and 1,000 CloudFormation templates): `terraform/dNN/` holds 100 modules of 10 `.tf`
//! files, `cloudformation/` 1,000 YAML templates. Each file declares a VPC and a
//! security group; every other one a flow log of its VPC; one in three groups opens SSH
//! to the world.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// Terraform modules (directories), `.tf` files per module, CloudFormation templates.
pub const MODULES: usize = 100;
pub const FILES_PER_MODULE: usize = 10;
pub const TEMPLATES: usize = 1_000;

/// Writes the templates under `root` (created if missing).
pub fn generate(root: &Path) -> io::Result<()> {
    for d in 0..MODULES {
        let dir = root.join(format!("terraform/d{d:02}"));
        fs::create_dir_all(&dir)?;
        for i in 0..FILES_PER_MODULE {
            fs::write(dir.join(format!("network{i}.tf")), terraform(d, i))?;
        }
    }
    let dir = root.join("cloudformation");
    fs::create_dir_all(&dir)?;
    for t in 0..TEMPLATES {
        fs::write(dir.join(format!("stack{t:04}.yaml")), cloudformation(t))?;
    }
    Ok(())
}

fn port(n: usize) -> u16 {
    if n.is_multiple_of(3) { 22 } else { 443 }
}

fn terraform(d: usize, i: usize) -> String {
    let mut text = format!(
        r#"resource "aws_vpc" "v{i}" {{
  cidr_block           = "10.{i}.0.0/16"
  enable_dns_hostnames = true
  tags = {{
    Name = "d{d}-v{i}"
  }}
}}

resource "aws_security_group" "web{i}" {{
  name        = "web-{d}-{i}"
  description = "web servers"
  vpc_id      = aws_vpc.v{i}.id

  ingress {{
    from_port   = {port}
    to_port     = {port}
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}
"#,
        port = port(d + i)
    );
    if i.is_multiple_of(2) {
        let _ = write!(
            text,
            r#"
resource "aws_flow_log" "v{i}" {{
  vpc_id               = aws_vpc.v{i}.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs-{d}"
}}
"#
        );
    }
    text
}

fn cloudformation(t: usize) -> String {
    let mut text = format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
Description: network {t}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.{octet}.0.0/16
      Tags:
        - Key: Name
          Value: stack-{t}
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web servers
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: {port}
          ToPort: {port}
          CidrIp: 0.0.0.0/0
"#,
        octet = t % 256,
        port = port(t)
    );
    if t.is_multiple_of(2) {
        text.push_str(
            r#"  FlowLog:
    Type: AWS::EC2::FlowLog
    Properties:
      ResourceId: !Ref Vpc
      ResourceType: VPC
      TrafficType: ALL
      LogDestinationType: s3
      LogDestination: !Sub "arn:aws:s3:::flow-logs-${AWS::AccountId}"
"#,
        );
    }
    text
}
