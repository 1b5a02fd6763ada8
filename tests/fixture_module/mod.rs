//! Helpers shared by the tests that compile in-memory modules and run kmsc in
//! `tests/fixtures` (`overrides.rs`, `tf_json.rs`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kmsc::compile::{Compilation, Options, compile_sources};
use kmsc::diagnostic::Severity;

/// `kmsc ARGS` run in `tests/fixtures`, without colour.
pub fn kmsc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kmsc"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
        .env("NO_COLOR", "1")
        .output()
        .expect("kmsc runs")
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

/// Compiles `(path, text)` files as one module with the default options.
pub fn compile(files: &[(&str, &str)]) -> Compilation {
    compile_sources(files.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect(), &Options::default())
}

/// `CODE: message` of every error.
pub fn errors(c: &Compilation) -> Vec<String> {
    c.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

/// The string Terraform computes for `policy` of `address`.
pub fn terraform(c: &Compilation, address: &str) -> String {
    let p = c.policies.iter().find(|p| p.address == address).unwrap_or_else(|| panic!("no {address}: {:?}", errors(c)));
    p.terraform.clone().unwrap_or_else(|| panic!("{address} is unknown: {:?}", errors(c)))
}
