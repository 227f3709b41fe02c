//! Rules of the EC2 service: security groups and instances.
