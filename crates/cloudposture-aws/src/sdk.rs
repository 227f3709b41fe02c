//! The aws-sdk-ec2 backed collector (filled in next).
