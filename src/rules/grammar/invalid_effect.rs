//! What it does: reports an `Effect` that is not exactly `Allow` or `Deny`.
//!
//! Why is this bad: AWS rejects the policy (MalformedPolicyDocumentException). The value is
//! case-sensitive: `allow` is not accepted.
//!
//! Example:
//! ```hcl
//! Effect = "allow"
//! ```
//! Use instead:
//! ```hcl
//! Effect = "Allow"
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::policy::ast::{Effect, Scalar};
use crate::rules::util::did_you_mean;
use crate::rules::{Ctx, Rule};

use super::{each_statement, policies};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS106",
        severity: Severity::Error,
        summary: "`Effect` is not `Allow` or `Deny`",
        explanation: "A statement's `Effect` is neither `Allow` nor `Deny`, spelled exactly so.\n\nWhy it matters: AWS rejects the policy with MalformedPolicyDocumentException; the value is case-sensitive.\n\nExample:\n    Effect = \"allow\"\nFix:\n    Effect = \"Allow\"",
    },
    name: "invalid-effect",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for (cp, policy) in policies(a) {
        each_statement(cp, policy, |st, _| {
            let Some(effect) = &st.effect else { return };
            let Effect::Other(s) = &effect.node else {
                return;
            };
            let Some(text) = s.as_known() else { return };
            let found = match s.from {
                Scalar::Bool => format!("the bool `{text}`"),
                Scalar::Number => format!("the number `{text}`"),
                _ => format!("`{text}`"),
            };
            let help = match did_you_mean(text, ["Allow", "Deny"]) {
                Some(m) if s.from == Scalar::String => format!("did you mean `{m}`?"),
                _ => "write `Effect = \"Allow\"` or `Effect = \"Deny\"`".to_string(),
            };
            out.push(
                RULE.diagnostic(format!("`Effect` must be `Allow` or `Deny`, found {found}"))
                    .at(effect.span.or(st.span))
                    .help(help)
                    .resource(&cp.address),
            );
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};

    fn effect(e: &str) -> String {
        key_with(&format!(
            r#"{{ Sid = "Use", Effect = {e}, Principal = {{ AWS = "arn:aws:iam::111122223333:role/app" }}, Action = "kms:Decrypt", Resource = "*" }}"#
        )) + "variable \"e\" {}\n"
    }

    #[test]
    fn suggests_the_right_spelling() {
        let d = diagnostics_of("KMS106", &effect("\"allow\""));
        assert_eq!(d[0].message, "`Effect` must be `Allow` or `Deny`, found `allow`");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `Allow`?"));
        let d = diagnostics_of("KMS106", &effect("\"Permit\""));
        assert_eq!(d[0].help.as_deref(), Some("write `Effect = \"Allow\"` or `Effect = \"Deny\"`"));
        assert_eq!(diagnostics_of("KMS106", &effect("true")).len(), 1);
        for ok in ["\"Allow\"", "\"Deny\"", "var.e", "\"${var.e}ow\""] {
            assert!(diagnostics_of("KMS106", &effect(ok)).is_empty(), "{ok}");
        }
    }
}
