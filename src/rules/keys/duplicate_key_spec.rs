//! KMS705 `duplicate-key-spec`.
//!
//! What it does: reports a key that sets both `key_spec` and the deprecated
//! `customer_master_key_spec`.
//!
//! Why is this bad: the two arguments say the same thing; when they differ it is unclear
//! which spec the key gets, and when they agree one of them is noise.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_key" "sign" {
//!   key_spec                 = "RSA_2048"
//!   customer_master_key_spec = "RSA_4096" # which one?
//!   key_usage                = "SIGN_VERIFY"
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{set, value_span};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS705",
        severity: Severity::Warning,
        summary: "both `key_spec` and `customer_master_key_spec` are set",
        explanation: "A key sets `key_spec` and also its deprecated name `customer_master_key_spec`.\n\nWhy it matters: when the two differ, the configuration does not say which spec the key gets; when they agree, the deprecated one is redundant.\n\nExample:\n    key_spec                 = \"RSA_2048\"\n    customer_master_key_spec = \"RSA_4096\"\nFix:\n    key_spec = \"RSA_2048\"",
    },
    name: "duplicate-key-spec",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for key in a.keys {
        let (Some(new), Some(old)) = (set(key, "key_spec"), set(key, "customer_master_key_spec")) else {
            continue;
        };
        let message = match (new.as_str(), old.as_str()) {
            (Some(n), Some(o)) if n != o => {
                format!("`key_spec` (`{n}`) and the deprecated `customer_master_key_spec` (`{o}`) disagree")
            }
            _ => "both `key_spec` and the deprecated `customer_master_key_spec` are set".to_string(),
        };
        let span =
            key.attr_spans.get("customer_master_key_spec").copied().or(value_span(key, "customer_master_key_spec"));
        out.push(
            RULE.diagnostic(message)
                .at(span)
                .label(value_span(key, "key_spec"), "`key_spec` set here")
                .help("remove `customer_master_key_spec` and keep `key_spec`")
                .resource(key.address.clone()),
        );
    }
}
