//! Rules of the EC2 service: security groups and instances.

pub mod admin_ports;
pub mod ec2_001_002_world_open_admin_ports;
pub mod ec2_003_default_security_group;
pub mod ec2_004_imdsv2;
mod fix_target;
#[cfg(test)]
mod test_support;
