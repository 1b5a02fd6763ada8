//! KMS706 `rotation-unsupported`.
//!
//! What it does: reports `enable_key_rotation = true` on a key that AWS cannot rotate
//! automatically: an asymmetric or HMAC key, a key with imported key material
//! (`aws_kms_external_key`), or a key in a custom key store.
//!
//! Why is this bad: AWS rejects EnableKeyRotation with `UnsupportedOperationException`, so
//! the apply fails after the key is created.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_key" "sign" {
//!   key_spec            = "RSA_2048"
//!   key_usage           = "SIGN_VERIFY"
//!   enable_key_rotation = true # asymmetric keys cannot rotate
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{AtValue, DEFAULT_SPEC, surely_set, valid_spec};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS706",
        severity: Severity::Error,
        summary: "automatic rotation is enabled on a key that cannot rotate",
        explanation: "Automatic key rotation exists only for symmetric encryption keys whose key material KMS generates. Asymmetric keys, HMAC keys, keys with imported key material (`aws_kms_external_key`) and keys in a custom key store cannot rotate automatically.\n\nWhy it matters: AWS rejects EnableKeyRotation with UnsupportedOperationException and the apply fails half-way.\n\nExample:\n    key_spec            = \"ECC_NIST_P256\"\n    key_usage           = \"SIGN_VERIFY\"\n    enable_key_rotation = true\nFix: remove `enable_key_rotation` (rotate such keys manually, by creating a new key and moving an alias).",
    },
    name: "rotation-unsupported",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for key in a.keys {
        if key.bool_attr("enable_key_rotation") != Some(true) {
            continue;
        }
        let address = &key.address;
        let d = if key.kind.contains("external_key") {
            RULE.diagnostic(format!(
                "`{address}` cannot rotate automatically: its key material is imported (`{}`)",
                key.kind
            ))
            .help("remove `enable_key_rotation`; rotate imported key material manually")
        } else if let Some(store) = surely_set(key, "custom_key_store_id") {
            RULE.diagnostic(format!("`{address}` cannot rotate automatically: it is in a custom key store"))
                .label(store.span.or(key.attr_spans.get("custom_key_store_id").copied()), "custom key store set here")
                .help("remove `enable_key_rotation`; keys in custom key stores are rotated manually")
        } else if let Some((spec, spec_value)) = valid_spec(key)
            && spec != DEFAULT_SPEC
        {
            RULE.diagnostic(format!(
                "`{address}` cannot rotate automatically: only symmetric encryption keys rotate, and it is `{spec}`"
            ))
            .label(spec_value.and_then(|v| v.span), format!("`{spec}` declared here"))
            .help("remove `enable_key_rotation`; rotate asymmetric and HMAC keys manually by moving an alias to a new key")
        } else {
            continue;
        };
        out.push(d.at_value(key, "enable_key_rotation").resource(address.clone()));
    }
}
