//! kmsc: compile AWS KMS key policies written in Terraform.
#![warn(clippy::print_stdout, clippy::print_stderr)]
// The only `unsafe` code is the global allocator (`alloc`), which forwards to mimalloc.
#![deny(unsafe_code)]

pub mod access;
pub mod align;
#[allow(unsafe_code)]
pub mod alloc;
pub mod analysis;
pub mod compile;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod eval;
pub mod facts;
pub mod fileset;
pub mod golden;
pub mod json;
pub mod members;
pub mod module;
pub mod number;
pub mod overrides;
pub mod parse_guard;
pub mod policy;
pub mod render;
pub mod resources;
pub mod rules;
pub mod semantics;
pub mod source;
pub mod tf_json;
pub mod value;
pub mod vars;
