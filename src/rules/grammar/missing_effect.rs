//! What it does: reports a statement without `Effect`.
//!
//! Why is this bad: `Effect` is required; AWS rejects the policy
//! (MalformedPolicyDocumentException).
//!
//! Example:
//! ```hcl
//! { Sid = "Use", Principal = { AWS = "..." }, Action = "kms:Decrypt", Resource = "*" }
//! ```
//! Use instead:
//! ```hcl
//! { Sid = "Use", Effect = "Allow", Principal = { AWS = "..." }, Action = "kms:Decrypt", Resource = "*" }
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{each_statement, has_member, policies};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS105",
        severity: Severity::Error,
        summary: "a statement has no `Effect`",
        explanation: "A statement has no `Effect` member.\n\nWhy it matters: `Effect` is required in every statement; AWS rejects the policy with MalformedPolicyDocumentException.\n\nExample:\n    { Sid = \"Use\", Principal = { AWS = \"arn:aws:iam::111122223333:role/app\" }, Action = \"kms:Decrypt\", Resource = \"*\" }\nFix:\n    { Sid = \"Use\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:role/app\" }, Action = \"kms:Decrypt\", Resource = \"*\" }",
    },
    name: "missing-effect",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for (cp, policy) in policies(a) {
        each_statement(cp, policy, |st, raw| {
            if st.effect.is_some() || has_member(raw, &["Effect"]) {
                return;
            }
            out.push(
                RULE.diagnostic("statement has no `Effect`")
                    .at(st.span.or(policy.span).or(cp.span))
                    .help("add `Effect = \"Allow\"` or `Effect = \"Deny\"`")
                    .resource(&cp.address),
            );
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};

    #[test]
    fn reports_a_statement_without_effect() {
        let st = r#"{ Sid = "Use", Principal = { AWS = "arn:aws:iam::111122223333:role/app" }, Action = "kms:Decrypt", Resource = "*" }"#;
        assert_eq!(diagnostics_of("KMS105", &key_with(st)).len(), 1);
        let st = r#"{ Sid = "Use", Effect = null, Principal = { AWS = "arn:aws:iam::111122223333:role/app" }, Action = "kms:Decrypt", Resource = "*" }"#;
        assert!(diagnostics_of("KMS105", &key_with(st)).is_empty());
    }
}
