//! Rules of the VPC service (the EC2 API's VPC resources).

pub mod vpc_001_flow_logs_enabled;
