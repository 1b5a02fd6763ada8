//! KMS710 `description-too-long`.
//!
//! What it does: reports a key `description` longer than 8,192 characters.
//!
//! Why is this bad: CreateKey and UpdateKeyDescription reject longer descriptions.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_key" "app" {
//!   description = file("${path.module}/README.md") # 20,000 characters
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{AtValue, known_chars, set};

/// AWS's limit, in characters.
const MAX: usize = 8192;

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS710",
        severity: Severity::Error,
        summary: "key description longer than 8,192 characters",
        explanation: "A key's `description` may be at most 8,192 characters.\n\nWhy it matters: AWS rejects CreateKey (or UpdateKeyDescription) with a ValidationException.\n\nExample:\n    description = file(\"${path.module}/README.md\")\nFix: keep the description to a sentence or two; link to longer documentation.",
    },
    name: "description-too-long",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for key in a.keys {
        let Some((n, exact)) = set(key, "description").and_then(known_chars) else {
            continue;
        };
        if n <= MAX {
            continue;
        }
        let count = if exact { format!("{n}") } else { format!("at least {n}") };
        out.push(
            RULE.diagnostic(format!("the key description is {count} characters long; the limit is {MAX}"))
                .at_value(key, "description")
                .help("shorten the description")
                .resource(key.address.clone()),
        );
    }
}
