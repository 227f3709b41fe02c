//! Rules of the VPC service (the EC2 API's VPC resources).

pub mod vpc_001_flow_logs_enabled;
pub mod vpc_002_acl_admin_ports;
