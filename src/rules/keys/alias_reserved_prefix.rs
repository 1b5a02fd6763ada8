//! KMS902 `alias-reserved-prefix`.
//!
//! What it does: reports an alias `name` (or `name_prefix`) starting with `alias/aws/`.
//!
//! Why is this bad: the `alias/aws/` prefix is reserved for AWS managed keys
//! (`alias/aws/ebs`, `alias/aws/s3`, ...); CreateAlias refuses it.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_alias" "ebs" {
//!   name          = "alias/aws/ebs-custom" # reserved
//!   target_key_id = aws_kms_key.ebs.key_id
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{alias_names, display, known_prefix};

const RESERVED: &str = "alias/aws/";

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS902",
        severity: Severity::Error,
        summary: "alias name uses the reserved `alias/aws/` prefix",
        explanation: "An `aws_kms_alias` `name` or `name_prefix` starts with `alias/aws/`, the prefix of AWS managed keys.\n\nWhy it matters: CreateAlias fails with a ValidationException (or the name is read as an AWS managed key's), and the apply fails.\n\nExample:\n    name = \"alias/aws/app\"\nFix:\n    name = \"alias/app\"",
    },
    name: "alias-reserved-prefix",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for alias in a.aliases {
        for (arg, v) in alias_names(alias) {
            let Some(p) = known_prefix(v) else { continue };
            if !p.starts_with(RESERVED) {
                continue;
            }
            let Some(text) = display(v) else { continue };
            let what = if arg == "name" { "alias name" } else { "alias name prefix" };
            let rest = &text[RESERVED.len()..];
            let help = if rest.is_empty() {
                "choose a name outside `alias/aws/`".to_string()
            } else {
                format!("choose a name outside `alias/aws/`, such as `alias/{rest}`")
            };
            out.push(
                RULE.diagnostic(format!("{what} `{text}` uses the prefix `alias/aws/`, reserved for AWS managed keys"))
                    .at(v.span)
                    .help(help)
                    .resource(alias.address.clone()),
            );
        }
    }
}
