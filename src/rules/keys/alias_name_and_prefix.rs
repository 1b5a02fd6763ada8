//! KMS905 `alias-name-and-prefix`.
//!
//! What it does: reports an alias that sets both `name` and `name_prefix`.
//!
//! Why is this bad: the two arguments conflict; the provider refuses the configuration.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_alias" "app" {
//!   name        = "alias/app"
//!   name_prefix = "alias/app-" # one or the other
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS905",
        severity: Severity::Error,
        summary: "alias sets both `name` and `name_prefix`",
        explanation: "An `aws_kms_alias` sets both `name` and `name_prefix`; they are mutually exclusive.\n\nWhy it matters: Terraform rejects the configuration at plan time (\"conflicts with\").\n\nExample:\n    name        = \"alias/app\"\n    name_prefix = \"alias/app-\"\nFix: keep one:\n    name = \"alias/app\"",
    },
    name: "alias-name-and-prefix",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for alias in a.aliases {
        let (Some(name), Some(prefix)) = (&alias.name, &alias.name_prefix) else {
            continue;
        };
        if name.is_null() || prefix.is_null() {
            continue;
        }
        out.push(
            RULE.diagnostic("an alias takes `name` or `name_prefix`, not both")
                .at(prefix.span)
                .label(name.span, "`name` set here")
                .help("remove `name_prefix` to use a fixed name, or `name` to let Terraform generate one")
                .resource(alias.address.clone()),
        );
    }
}
