//! KMS903 `alias-invalid-character`.
//!
//! What it does: reports a character other than letters, digits, `/`, `_` and `-` after
//! `alias/` in an alias `name` (or `name_prefix`).
//!
//! Why is this bad: KMS alias names allow only `A-Za-z0-9/_-`; the provider rejects any
//! other character (a space, a dot, a colon) at plan time.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_alias" "app" {
//!   name          = "alias/app.prod" # `.` is not allowed
//!   target_key_id = aws_kms_key.app.key_id
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};
use crate::value::Part;

use super::{alias_names, display, span_in_literal, string_parts};

const PREFIX: &str = "alias/";

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS903",
        severity: Severity::Error,
        summary: "alias name contains a character that is not allowed",
        explanation: "After `alias/`, an alias name may contain only letters, digits, `/`, `_` and `-`.\n\nWhy it matters: the provider rejects the name at plan time.\n\nExample:\n    name = \"alias/app.prod\"\nFix:\n    name = \"alias/app-prod\"",
    },
    name: "alias-invalid-character",
    check,
};

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-')
}

fn describe(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        '`' => "a backtick".to_string(),
        c if c.is_control() || c.is_whitespace() => format!("the character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for alias in a.aliases {
        for (arg, v) in alias_names(alias) {
            let Some(parts) = string_parts(v) else {
                continue;
            };
            // Only after a known `alias/` (KMS901 reports the rest), or after unknown text.
            let mut offset = 0;
            let mut found = None;
            for (i, part) in parts.iter().enumerate() {
                let Part::Known(s) = part else { continue };
                let skip = if i == 0 {
                    if !s.starts_with(PREFIX) {
                        break;
                    }
                    PREFIX.len()
                } else {
                    0
                };
                if let Some((at, c)) = s[skip..].char_indices().find(|(_, c)| !allowed(*c)) {
                    found = Some((offset + skip + at, c));
                    break;
                }
                offset += s.len();
            }
            let Some((at, c)) = found else { continue };
            let Some(text) = display(v) else { continue };
            let what = if arg == "name" { "alias name" } else { "alias name prefix" };
            let span = if v.as_str().is_some() { span_in_literal(a, v, at, at + c.len_utf8()) } else { v.span };
            out.push(
                RULE.diagnostic(format!("{what} `{text}` contains {}, which alias names may not contain", describe(c)))
                    .at(span)
                    .help("after `alias/`, use only letters, digits, `/`, `_` and `-`")
                    .resource(alias.address.clone()),
            );
        }
    }
}
