//! KMS701 `unknown-key-spec`.
//!
//! What it does: reports a `key_spec` (or `customer_master_key_spec`) that is not one of
//! the key specs AWS KMS knows.
//!
//! Why is this bad: the provider rejects the value at plan time, or AWS rejects CreateKey;
//! a typo such as `RSA2048` stops the whole apply.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_key" "sign" {
//!   key_spec  = "RSA2048" # did you mean `RSA_2048`?
//!   key_usage = "SIGN_VERIFY"
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::facts::KEY_SPECS;
use crate::rules::util::did_you_mean;
use crate::rules::{Ctx, Rule};

use super::{AtValue, set};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS701",
        severity: Severity::Error,
        summary: "unknown key spec",
        explanation: "A key's `key_spec` (or the deprecated `customer_master_key_spec`) is not a key spec AWS KMS supports. Valid specs: `SYMMETRIC_DEFAULT` (the default), `RSA_2048`, `RSA_3072`, `RSA_4096`, `ECC_NIST_P256`, `ECC_NIST_P384`, `ECC_NIST_P521`, `ECC_SECG_P256K1`, `ECC_NIST_EDWARDS25519`, `HMAC_224`, `HMAC_256`, `HMAC_384`, `HMAC_512`, `ML_DSA_44`, `ML_DSA_65`, `ML_DSA_87`, `SM2` (China Regions only).\n\nWhy it matters: the provider or AWS rejects the key, and nothing else in the apply that depends on it is created.\n\nExample:\n    key_spec = \"RSA2048\"\nFix:\n    key_spec = \"RSA_2048\"",
    },
    name: "unknown-key-spec",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for key in a.keys {
        for name in ["key_spec", "customer_master_key_spec"] {
            let Some(spec) = set(key, name).and_then(|v| v.as_str()) else {
                continue;
            };
            if KEY_SPECS.iter().any(|(s, _)| *s == spec) {
                continue;
            }
            let help = match did_you_mean(spec, KEY_SPECS.iter().map(|(s, _)| *s)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "valid key specs: {}",
                    KEY_SPECS.iter().map(|(s, _)| format!("`{s}`")).collect::<Vec<_>>().join(", ")
                ),
            };
            out.push(
                RULE.diagnostic(format!("unknown key spec `{spec}` in `{name}`"))
                    .at_value(key, name)
                    .help(help)
                    .resource(key.address.clone()),
            );
        }
    }
}
