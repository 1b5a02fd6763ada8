//! KMS704 `deprecated-customer-master-key-spec`.
//!
//! What it does: reports `customer_master_key_spec`, the deprecated name of `key_spec`.
//!
//! Why is this bad: AWS deprecated the name in favour of `key_spec`; new code should use the
//! current name, which the provider's documentation and examples use.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_key" "sign" {
//!   customer_master_key_spec = "RSA_2048" # write key_spec = "RSA_2048"
//!   key_usage                = "SIGN_VERIFY"
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{set, value_span};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS704",
        severity: Severity::Warning,
        summary: "`customer_master_key_spec` is deprecated",
        explanation: "`customer_master_key_spec` is the deprecated name of `key_spec`. (When both are set, KMS705 reports it instead.)\n\nWhy it matters: AWS deprecated `CustomerMasterKeySpec` in favour of `KeySpec`; the old name may go away, and readers look for `key_spec`.\n\nExample:\n    customer_master_key_spec = \"RSA_2048\"\nFix:\n    key_spec = \"RSA_2048\"",
    },
    name: "deprecated-customer-master-key-spec",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for key in a.keys {
        // `key_spec` written too (and not null): KMS705's finding.
        let both = key.attr_spans.contains_key("key_spec") && key.attrs.get("key_spec").is_none_or(|v| !v.is_null());
        if both || set(key, "customer_master_key_spec").is_none() {
            continue;
        }
        let span =
            key.attr_spans.get("customer_master_key_spec").copied().or(value_span(key, "customer_master_key_spec"));
        out.push(
            RULE.diagnostic("`customer_master_key_spec` is deprecated; use `key_spec`")
                .at(span)
                .help("rename the argument to `key_spec`")
                .resource(key.address.clone()),
        );
    }
}
