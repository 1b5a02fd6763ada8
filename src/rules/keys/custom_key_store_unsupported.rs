//! KMS711 `custom-key-store-unsupported`.
//!
//! What it does: reports `custom_key_store_id` on a key that cannot live in a custom key
//! store: an asymmetric or HMAC key, or a multi-Region key.
//!
//! Why is this bad: custom key stores (CloudHSM and external key stores) hold only
//! symmetric encryption keys, and only single-Region ones; AWS rejects CreateKey.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_key" "hsm" {
//!   custom_key_store_id = "cks-1234567890abcdef0"
//!   multi_region        = true # not in a custom key store
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{DEFAULT_SPEC, surely_set, valid_spec, value_span};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS711",
        severity: Severity::Error,
        summary: "custom key store with a key that cannot be in one",
        explanation: "Keys in a custom key store (`custom_key_store_id`) must be symmetric encryption keys (`SYMMETRIC_DEFAULT`) and single-Region (`multi_region` false).\n\nWhy it matters: AWS rejects CreateKey with UnsupportedOperationException.\n\nExample:\n    custom_key_store_id = aws_kms_custom_key_store.hsm.id\n    key_spec            = \"RSA_2048\"\nFix: drop `custom_key_store_id`, or create a symmetric single-Region key in the store.",
    },
    name: "custom-key-store-unsupported",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for key in a.keys {
        if surely_set(key, "custom_key_store_id").is_none() {
            continue;
        }
        let at = value_span(key, "custom_key_store_id");
        if let Some((spec, spec_value)) = valid_spec(key)
            && spec != DEFAULT_SPEC
        {
            out.push(
                RULE.diagnostic(format!(
                    "custom key stores hold only symmetric encryption keys, but `{}` is `{spec}`",
                    key.address
                ))
                .at(at)
                .label(spec_value.and_then(|v| v.span), format!("`{spec}` declared here"))
                .help("remove `custom_key_store_id`, or make the key `SYMMETRIC_DEFAULT`")
                .resource(key.address.clone()),
            );
        }
        if key.bool_attr("multi_region") == Some(true) {
            out.push(
                RULE.diagnostic(format!(
                    "custom key stores hold only single-Region keys, but `{}` is multi-Region",
                    key.address
                ))
                .at(at)
                .label(value_span(key, "multi_region"), "multi-Region declared here")
                .help("remove `custom_key_store_id`, or set `multi_region = false`")
                .resource(key.address.clone()),
            );
        }
    }
}
