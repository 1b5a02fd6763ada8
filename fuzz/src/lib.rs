//! The code of the fuzz targets, shared with `tests/fuzz_regressions.rs` (which includes
//! this file with `#[path]`), so that a crashing input found by `cargo fuzz` is replayed by
//! plain `cargo test` through exactly the same calls.
//!
//! Every function takes the raw bytes of one input, panics on a broken property (a panic
//! anywhere in the library, output that differs between two runs, a canonical form that
//! is not a fixed point) and returns nothing.

use std::path::PathBuf;

use kmsc::compile::{Compilation, Options, compile_sources, compile_sources_with_tfvars};
use kmsc::emit::canonical::canonical;
use kmsc::json;
use kmsc::policy::lower::lower;
use kmsc::render::{Format, render};
use kmsc::vars::CliVar;

/// Inputs up to this size are compiled twice to check that the output is the same bytes.
const DETERMINISM_MAX_LEN: usize = 2048;

/// Everything a compilation shows a user: each policy's address, canonical form and
/// Terraform string, and the diagnostics rendered for people (with and without color), as
/// JSON and as GitHub commands. SARIF is left out: its fixed part (the documentation of
/// every rule) costs more than the whole compilation and would slow fuzzing tenfold.
pub fn outputs(c: &Compilation) -> String {
    let mut out = String::new();
    for p in &c.policies {
        out.push_str(&p.address);
        out.push('\n');
        out.push_str(p.canonical.as_deref().unwrap_or("-"));
        out.push('\n');
        out.push_str(p.terraform.as_deref().unwrap_or("-"));
        out.push('\n');
    }
    for format in [Format::Human, Format::Json, Format::Github] {
        out.push_str(&render(&c.sources, &c.diagnostics, format, false));
    }
    out.push_str(&render(&c.sources, &c.diagnostics, Format::Human, true));
    out
}

/// `hcl_text`: the bytes as one `main.tf`, through the whole pipeline; every canonical
/// policy produced is a fixed point of decode, lower, canonical.
pub fn hcl_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The parser guard's scan runs only on big texts in the pipeline: here on every input.
    let (work, biggest) = kmsc::parse_guard::object_work(text);
    if let Some((offset, members)) = biggest {
        assert_eq!(text.as_bytes().get(offset), Some(&b'{'), "the biggest object does not start at a `{{`");
        assert!(work >= members * members, "the biggest object is not counted in the sum");
    }
    let compile = || compile_sources(vec![(PathBuf::from("main.tf"), text.to_string())], &Options::default());
    let c = compile();
    for canonical in c.policies.iter().filter_map(|p| p.canonical.as_deref()) {
        assert_canonical_fixed_point(canonical, "aws");
    }
    let run = || outputs(&compile());
    let first = outputs(&c);
    if data.len() <= DETERMINISM_MAX_LEN {
        assert_eq!(first, run(), "two compilations of the same main.tf differ");
    }
}

/// The module the `values` target gives its variables to: every variable ends up in a key
/// policy, through conversions, `for` expressions, conditionals and `jsonencode`.
pub const VALUES_MODULE: &str = r#"variable "account" {
  type    = string
  default = "111122223333"
}

variable "admins" {
  type    = list(string)
  default = ["arn:aws:iam::111122223333:role/admin"]
}

variable "services" {
  type    = set(string)
  default = ["logs.amazonaws.com"]
}

variable "conditions" {
  type    = map(map(list(string)))
  default = {}
}

variable "extra" {
  type = object({
    sid     = string
    effect  = optional(string, "Allow")
    actions = optional(list(string), ["kms:Decrypt"])
    n       = optional(number, 1)
  })
  default = { sid = "Extra" }
}

variable "enabled" {
  type    = bool
  default = true
}

variable "statements" {
  type    = any
  default = []
}

variable "policy_json" {
  type    = string
  default = ""
}

variable "untyped" {
  default = null
}

locals {
  root = "arn:aws:iam::${var.account}:root"
  admin_statements = [for i, a in var.admins : {
    Sid       = "Admin${i}"
    Effect    = "Allow"
    Principal = { AWS = a }
    Action    = "kms:*"
    Resource  = "*"
  }]
}

resource "aws_kms_key" "k" {
  count = var.enabled ? 1 : 0
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(local.admin_statements, [
      {
        Sid       = "Root"
        Effect    = "Allow"
        Principal = { AWS = local.root }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = var.extra.sid
        Effect    = var.extra.effect
        Principal = { Service = var.services }
        Action    = var.extra.actions
        Resource  = "*"
        Condition = merge(var.conditions, { NumericLessThan = { "kms:x" = tostring(var.extra.n) } })
      },
    ], var.statements, var.untyped == null ? [] : [var.untyped])
  })
}

resource "aws_kms_key" "raw" {
  policy = var.policy_json == "" ? null : var.policy_json
}
"#;

/// Variables of [`VALUES_MODULE`] set from the whole input with `--var NAME=TEXT`.
const CLI_VARIABLES: &[&str] = &["statements", "conditions", "extra", "policy_json"];

/// `values`: the bytes as JSON (`json::decode`, re-encoded), as `terraform.tfvars`, as
/// `terraform.tfvars.json` (when they are JSON) and as the value of a `--var`, beside
/// [`VALUES_MODULE`].
pub fn values(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let decoded = json::decode(text);
    if let Ok(v) = &decoded {
        // `jsonencode` of a decoded document is a fixed point of decode-then-encode.
        if let Ok(encoded) = json::encode(v) {
            let again = json::decode(&encoded).expect("jsonencode output is JSON");
            assert_eq!(json::encode(&again).as_deref(), Ok(encoded.as_str()), "jsonencode(jsondecode(x)) changed");
        }
    }
    let module = || vec![(PathBuf::from("main.tf"), VALUES_MODULE.to_string())];
    let mut files = vec!["terraform.tfvars"];
    // Text that is not JSON only gets a syntax error as `.tfvars.json`: one input in eight.
    if decoded.is_ok() || data.len().is_multiple_of(8) {
        files.push("terraform.tfvars.json");
    }
    for name in files {
        let run = || {
            outputs(&compile_sources_with_tfvars(
                module(),
                vec![(PathBuf::from(name), text.to_string())],
                &Options::default(),
            ))
        };
        let first = run();
        if data.len() <= DETERMINISM_MAX_LEN / 4 {
            assert_eq!(first, run(), "two compilations with the same `{name}` differ");
        }
    }
    // One `--var`, the variable chosen by the input's length (so every one gets its turn).
    let name = CLI_VARIABLES[data.len() % CLI_VARIABLES.len()];
    let options = Options {
        cli_vars: vec![CliVar::Var { name: name.to_string(), value: text.to_string() }],
        ..Options::default()
    };
    outputs(&compile_sources(module(), &options));
}

/// `canonical_roundtrip`: the bytes as a JSON policy, lowered and made canonical; the
/// canonical text, decoded, lowered and made canonical again, is the same bytes.
pub fn canonical_roundtrip(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(value) = json::decode(text) else { return };
    let (Some(policy), _) = lower(&value, "aws_kms_key.fuzz") else { return };
    for partition in ["aws", "aws-cn"] {
        assert_canonical_fixed_point(&canonical(&policy, partition), partition);
    }
}

/// Canonical text, decoded, lowered and made canonical again, is the same bytes.
fn assert_canonical_fixed_point(first: &str, partition: &str) {
    let decoded = json::decode(first).unwrap_or_else(|e| panic!("canonical output is not JSON ({e}):\n{first}"));
    let (again, diags) = lower(&decoded, "aws_kms_key.fuzz");
    let again = again.unwrap_or_else(|| panic!("canonical output does not lower ({diags:?}):\n{first}"));
    let second = canonical(&again, partition);
    assert_eq!(first, second, "the canonical form is not a fixed point");
}
