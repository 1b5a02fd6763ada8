//! Terraform expression evaluation.

pub mod convert;
pub mod functions;
