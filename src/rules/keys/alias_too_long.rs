//! KMS904 `alias-too-long`.
//!
//! What it does: reports an alias `name` longer than 256 characters, or a `name_prefix`
//! longer than 230 (Terraform appends 26 characters to it).
//!
//! Why is this bad: KMS alias names are at most 256 characters; CreateAlias rejects
//! longer ones.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_alias" "app" {
//!   name = "alias/${local.very_long_path}" # 300 characters
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{MAX_ALIAS_CHARS, UNIQUE_SUFFIX_CHARS, alias_names, known_chars};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS904",
        severity: Severity::Error,
        summary: "alias name longer than 256 characters",
        explanation: "An alias name may be at most 256 characters, `alias/` included. With `name_prefix`, Terraform appends 26 characters, so the prefix may be at most 230.\n\nWhy it matters: the provider or CreateAlias rejects the name.\n\nExample:\n    name = \"alias/${var.org}/${var.division}/${var.team}/${var.app}/data-at-rest\"   # 300 characters once evaluated\nFix: shorten the name:\n    name = \"alias/${var.team}-${var.app}\"",
    },
    name: "alias-too-long",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for alias in a.aliases {
        for (arg, v) in alias_names(alias) {
            let Some((n, exact)) = known_chars(v) else {
                continue;
            };
            let (limit, what) = if arg == "name" {
                (MAX_ALIAS_CHARS, "alias name")
            } else {
                (MAX_ALIAS_CHARS - UNIQUE_SUFFIX_CHARS, "alias name prefix")
            };
            if n <= limit {
                continue;
            }
            let count = if exact { format!("{n}") } else { format!("at least {n}") };
            let help = if arg == "name" {
                format!("alias names are at most {MAX_ALIAS_CHARS} characters")
            } else {
                format!(
                    "Terraform appends {UNIQUE_SUFFIX_CHARS} characters to `name_prefix`, and alias names are at most {MAX_ALIAS_CHARS} characters"
                )
            };
            out.push(
                RULE.diagnostic(format!("{what} is {count} characters long; the limit is {limit}"))
                    .at(v.span)
                    .help(help)
                    .resource(alias.address.clone()),
            );
        }
    }
}
