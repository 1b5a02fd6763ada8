//! What it does: reports a statement without `Principal` or `NotPrincipal`.
//!
//! Why is this bad: a key policy is a resource policy: each statement must say whom it
//! applies to. AWS rejects a statement without a principal
//! (MalformedPolicyDocumentException).
//!
//! Example:
//! ```hcl
//! { Sid = "Use", Effect = "Allow", Action = "kms:Decrypt", Resource = "*" }
//! ```
//! Use instead:
//! ```hcl
//! { Sid = "Use", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:role/app" }, Action = "kms:Decrypt", Resource = "*" }
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{each_statement, has_member, policies};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS107",
        severity: Severity::Error,
        summary: "a statement names no principal",
        explanation: "A statement has neither `Principal` nor `NotPrincipal`.\n\nWhy it matters: a key policy is a resource policy, so every statement must name the principals it applies to; AWS rejects the policy with MalformedPolicyDocumentException. (Statements without a principal belong in IAM identity policies.)\n\nExample:\n    { Sid = \"Use\", Effect = \"Allow\", Action = \"kms:Decrypt\", Resource = \"*\" }\nFix:\n    { Sid = \"Use\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:role/app\" }, Action = \"kms:Decrypt\", Resource = \"*\" }",
    },
    name: "missing-principal",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for (cp, policy) in policies(a) {
        each_statement(cp, policy, |st, raw| {
            if st.principal.is_some() || st.not_principal.is_some() || has_member(raw, &["Principal", "NotPrincipal"]) {
                return;
            }
            out.push(
                RULE.diagnostic("statement has no `Principal`: a key policy statement must name the principals it applies to")
                    .at(st.span.or(policy.span).or(cp.span))
                    .help("add `Principal = { AWS = \"arn:aws:iam::<account>:role/<name>\" }` (or `Service = \"<service>.amazonaws.com\"`)")
                    .resource(&cp.address),
            );
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};

    #[test]
    fn reports_a_statement_without_principal() {
        let st = r#"{ Sid = "Use", Effect = "Allow", Action = "kms:Decrypt", Resource = "*" }"#;
        assert_eq!(diagnostics_of("KMS107", &key_with(st)).len(), 1);
        for ok in [
            r#"{ Sid = "Use", Effect = "Allow", NotPrincipal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:Decrypt", Resource = "*" }"#,
            r#"{ Sid = "Use", Effect = "Allow", Principal = var.p, Action = "kms:Decrypt", Resource = "*" }"#,
        ] {
            let src = key_with(ok) + "variable \"p\" {}\n";
            assert!(diagnostics_of("KMS107", &src).is_empty(), "{ok}");
        }
    }
}
