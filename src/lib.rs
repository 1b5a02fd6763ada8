//! kmsc: compile AWS KMS key policies written in Terraform.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod diagnostic;
pub mod eval;
pub mod number;
pub mod source;
pub mod value;
