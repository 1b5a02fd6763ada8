//! KMS703 `key-usage-mismatch`.
//!
//! What it does: reports a key whose `key_usage` is not one its key spec allows, including
//! the default usage `ENCRYPT_DECRYPT` when `key_usage` is left out.
//!
//! Why is this bad: AWS rejects CreateKey (`ValidationException`); an HMAC key written with
//! only `key_spec = "HMAC_256"` fails because the usage defaults to `ENCRYPT_DECRYPT`.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_key" "mac" {
//!   key_spec = "HMAC_256" # needs key_usage = "GENERATE_VERIFY_MAC"
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::facts::{KEY_SPECS, KEY_USAGES};
use crate::rules::{Ctx, Rule};

use super::{AtValue, known_usage, valid_spec};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS703",
        severity: Severity::Error,
        summary: "key usage does not fit the key spec",
        explanation: "Each key spec allows only some key usages: symmetric keys `ENCRYPT_DECRYPT`; HMAC keys `GENERATE_VERIFY_MAC`; RSA keys `ENCRYPT_DECRYPT` or `SIGN_VERIFY`; NIST ECC keys `SIGN_VERIFY` or `KEY_AGREEMENT`; `ECC_SECG_P256K1`, `ECC_NIST_EDWARDS25519` and ML-DSA keys `SIGN_VERIFY`; `SM2` any of `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, `KEY_AGREEMENT`. When `key_usage` is left out it is `ENCRYPT_DECRYPT`.\n\nWhy it matters: AWS rejects CreateKey with a ValidationException at apply time.\n\nExample:\n    key_spec = \"HMAC_256\"\nFix:\n    key_spec  = \"HMAC_256\"\n    key_usage = \"GENERATE_VERIFY_MAC\"",
    },
    name: "key-usage-mismatch",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for key in a.keys {
        let (Some((spec, spec_value)), Some((usage, usage_value))) = (valid_spec(key), known_usage(key)) else {
            continue;
        };
        if !KEY_USAGES.contains(&usage) {
            continue;
        }
        let allowed = KEY_SPECS.iter().find(|(s, _)| *s == spec).map(|(_, u)| *u).unwrap_or(&[]);
        if allowed.contains(&usage) {
            continue;
        }
        let list = allowed.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(" or ");
        let spec_name = if key.attrs.get("key_spec").is_some_and(|v| v.as_str().is_some()) {
            "key_spec"
        } else {
            "customer_master_key_spec"
        };
        let d = match (usage_value, spec_value) {
            (Some(_), Some(sv)) => RULE
                .diagnostic(format!("key usage `{usage}` does not fit key spec `{spec}`"))
                .at_value(key, "key_usage")
                .label(sv.span.or(key.attr_spans.get(spec_name).copied()), format!("`{spec}` declared here"))
                .help(format!("`{spec}` keys allow {list}")),
            (Some(_), None) => RULE
                .diagnostic(format!("key usage `{usage}` does not fit the default key spec `SYMMETRIC_DEFAULT`"))
                .at_value(key, "key_usage")
                .help("symmetric keys are only for `ENCRYPT_DECRYPT`; set `key_spec` to an asymmetric or HMAC spec"),
            (None, _) => RULE
                .diagnostic(format!(
                    "`{spec}` keys need {}, but `key_usage` is not set and defaults to `ENCRYPT_DECRYPT`",
                    match allowed {
                        [only] => format!("`key_usage = \"{only}\"`"),
                        _ => format!("a `key_usage` of {list}"),
                    }
                ))
                .at_value(key, spec_name)
                .help(match allowed {
                    [only] => format!("add `key_usage = \"{only}\"`"),
                    _ => format!("add `key_usage` with one of {list}"),
                }),
        };
        out.push(d.resource(key.address.clone()));
    }
}
