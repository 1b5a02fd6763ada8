//! What it does: reports a statement without `Resource` or `NotResource`.
//!
//! Why is this bad: KMS accepts such a statement, but it matches no request: it grants (or
//! denies) nothing. In a key policy, `Resource = "*"` means "this key".
//!
//! Example:
//! ```hcl
//! { Sid = "Use", Effect = "Allow", Principal = { AWS = "..." }, Action = "kms:Decrypt" }
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
        code: "KMS109",
        severity: Severity::Warning,
        summary: "a statement has no `Resource`",
        explanation: "A statement has neither `Resource` nor `NotResource`.\n\nWhy it matters: KMS accepts the policy, but the statement matches no request, so it grants (or denies) nothing. In a key policy, `Resource = \"*\"` means \"this key\".\n\nExample:\n    { Sid = \"Use\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:role/app\" }, Action = \"kms:Decrypt\" }\nFix:\n    { Sid = \"Use\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:role/app\" }, Action = \"kms:Decrypt\", Resource = \"*\" }",
    },
    name: "missing-resource",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for (cp, policy) in policies(a) {
        each_statement(cp, policy, |st, raw| {
            if st.resource.is_some() || st.not_resource.is_some() || has_member(raw, &["Resource", "NotResource"]) {
                return;
            }
            out.push(
                RULE.diagnostic("statement has no `Resource`: it matches no request and grants nothing")
                    .at(st.span.or(policy.span).or(cp.span))
                    .help("add `Resource = \"*\"`, which in a key policy means this key")
                    .resource(&cp.address),
            );
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};

    #[test]
    fn reports_a_statement_without_resource() {
        let st = r#"{ Sid = "Use", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:role/app" }, Action = "kms:Decrypt" }"#;
        assert_eq!(diagnostics_of("KMS109", &key_with(st)).len(), 1);
        let st = r#"{ Sid = "Use", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:role/app" }, Action = "kms:Decrypt", Resource = ["*", null] }"#;
        assert!(diagnostics_of("KMS109", &key_with(st)).is_empty());
    }
}
