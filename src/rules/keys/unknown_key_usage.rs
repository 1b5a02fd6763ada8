//! KMS702 `unknown-key-usage`.
//!
//! What it does: reports a `key_usage` that is not one of the usages AWS KMS knows
//! (`ENCRYPT_DECRYPT`, `SIGN_VERIFY`, `GENERATE_VERIFY_MAC`, `KEY_AGREEMENT`).
//!
//! Why is this bad: the provider rejects the value, so the key is never created.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_key" "sign" {
//!   key_spec  = "ECC_NIST_P256"
//!   key_usage = "SIGN_VERIFIY" # did you mean `SIGN_VERIFY`?
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::facts::KEY_USAGES;
use crate::rules::util::did_you_mean;
use crate::rules::{Ctx, Rule};

use super::{AtValue, set};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS702",
        severity: Severity::Error,
        summary: "unknown key usage",
        explanation: "A key's `key_usage` is not one of `ENCRYPT_DECRYPT` (the default), `SIGN_VERIFY`, `GENERATE_VERIFY_MAC` or `KEY_AGREEMENT`.\n\nWhy it matters: the provider rejects the value at plan time and the key is not created.\n\nExample:\n    key_usage = \"SIGN_AND_VERIFY\"\nFix:\n    key_usage = \"SIGN_VERIFY\"",
    },
    name: "unknown-key-usage",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for key in a.keys {
        let Some(usage) = set(key, "key_usage").and_then(|v| v.as_str()) else {
            continue;
        };
        if KEY_USAGES.contains(&usage) {
            continue;
        }
        let help = match did_you_mean(usage, KEY_USAGES.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "valid key usages: {}",
                KEY_USAGES.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
            ),
        };
        out.push(
            RULE.diagnostic(format!("unknown key usage `{usage}`"))
                .at_value(key, "key_usage")
                .help(help)
                .resource(key.address.clone()),
        );
    }
}
