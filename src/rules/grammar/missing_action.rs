//! What it does: reports a statement without `Action` or `NotAction`.
//!
//! Why is this bad: KMS accepts such a statement, but it matches no request: it grants (or
//! denies) nothing, which is rarely what its author meant.
//!
//! Example:
//! ```hcl
//! { Sid = "Use", Effect = "Allow", Principal = { AWS = "..." }, Resource = "*" }
//! ```
//! Use instead:
//! ```hcl
//! { Sid = "Use", Effect = "Allow", Principal = { AWS = "..." }, Action = ["kms:Encrypt", "kms:Decrypt"], Resource = "*" }
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{each_statement, has_member, policies};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS108",
        severity: Severity::Warning,
        summary: "a statement has no `Action`",
        explanation: "A statement has neither `Action` nor `NotAction`.\n\nWhy it matters: KMS accepts the policy, but the statement matches no request, so it grants (or denies) nothing; the permissions it was written for are missing.\n\nExample:\n    { Sid = \"Use\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:role/app\" }, Resource = \"*\" }\nFix:\n    { Sid = \"Use\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:role/app\" }, Action = [\"kms:Encrypt\", \"kms:Decrypt\"], Resource = \"*\" }",
    },
    name: "missing-action",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for (cp, policy) in policies(a) {
        each_statement(cp, policy, |st, raw| {
            if st.action.is_some() || st.not_action.is_some() || has_member(raw, &["Action", "NotAction"]) {
                return;
            }
            out.push(
                RULE.diagnostic("statement has no `Action`: it matches no request and grants nothing")
                    .at(st.span.or(policy.span).or(cp.span))
                    .help(
                        "add the KMS actions the statement is for, e.g. `Action = [\"kms:Encrypt\", \"kms:Decrypt\"]`",
                    )
                    .resource(&cp.address),
            );
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};

    #[test]
    fn reports_a_statement_without_action() {
        let st = r#"{ Sid = "Use", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:role/app" }, Resource = "*" }"#;
        assert_eq!(diagnostics_of("KMS108", &key_with(st)).len(), 1);
        let st = r#"{ Sid = "Use", Effect = "Deny", Principal = { AWS = "arn:aws:iam::111122223333:role/app" }, NotAction = "kms:Decrypt", Resource = "*" }"#;
        assert!(diagnostics_of("KMS108", &key_with(st)).is_empty());
    }
}
