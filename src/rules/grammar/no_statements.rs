//! What it does: reports a policy without statements: no `Statement` member, or an empty
//! list.
//!
//! Why is this bad: AWS rejects a key policy without statements
//! (MalformedPolicyDocumentException); and a key policy that grants nothing would make the
//! key unusable, even by its account.
//!
//! Example:
//! ```hcl
//! policy = jsonencode({ Version = "2012-10-17", Statement = [] })
//! ```
//! Use instead: at least the statement that lets the account's IAM policies control the
//! key:
//! ```hcl
//! Statement = [{
//!   Sid       = "Enable IAM User Permissions"
//!   Effect    = "Allow"
//!   Principal = { AWS = "arn:aws:iam::111122223333:root" }
//!   Action    = "kms:*"
//!   Resource  = "*"
//! }]
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{policies, raw_policy, raw_statement_member};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS104",
        severity: Severity::Error,
        summary: "the policy has no statements",
        explanation: "The policy has no `Statement` member, or `Statement` is an empty list.\n\nWhy it matters: AWS rejects a key policy without statements (MalformedPolicyDocumentException); a key policy that granted nothing would leave the key unusable.\n\nExample:\n    policy = jsonencode({ Version = \"2012-10-17\", Statement = [] })\nFix: add at least the statement that lets the account's IAM policies control the key:\n    Statement = [{\n      Sid       = \"Enable IAM User Permissions\"\n      Effect    = \"Allow\"\n      Principal = { AWS = \"arn:aws:iam::111122223333:root\" }\n      Action    = \"kms:*\"\n      Resource  = \"*\"\n    }]",
    },
    name: "no-statements",
    check,
};

const HELP: &str = "add a statement, at least `{ Sid = \"Enable IAM User Permissions\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::<account>:root\" }, Action = \"kms:*\", Resource = \"*\" }`";

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for (cp, policy) in policies(a) {
        let raw = raw_policy(cp);
        let raw_member = raw.as_deref().and_then(raw_statement_member);
        match &policy.statement {
            // Absent; a null or unknown `Statement` was reported by the lowering.
            None if raw_member.is_none() => out.push(
                RULE.diagnostic("the policy has no `Statement`")
                    .at(policy.span.or(cp.span))
                    .help(HELP)
                    .resource(&cp.address),
            ),
            // Empty as written, not emptied by elements the lowering left out.
            Some(st) if st.items.is_empty() && raw_member.is_none_or(|m| m.as_seq().is_some_and(<[_]>::is_empty)) => {
                out.push(
                    RULE.diagnostic("`Statement` is empty")
                        .at(st.span.or(policy.span).or(cp.span))
                        .help(HELP)
                        .resource(&cp.address),
                )
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::diagnostics_of;

    fn policy(body: &str) -> String {
        format!("resource \"aws_kms_key\" \"k\" {{\n  policy = {body}\n}}\nvariable \"s\" {{}}\n")
    }

    #[test]
    fn missing_or_empty() {
        let d = diagnostics_of("KMS104", &policy("jsonencode({ Version = \"2012-10-17\" })"));
        assert_eq!(d[0].message, "the policy has no `Statement`");
        let d = diagnostics_of("KMS104", &policy("jsonencode({ Version = \"2012-10-17\", Statement = [] })"));
        assert_eq!(d[0].message, "`Statement` is empty");
        let d = diagnostics_of("KMS104", &policy("<<EOT\n{\"Version\": \"2012-10-17\", \"Statement\": []}\nEOT"));
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn silent_when_the_lowering_left_statements_out() {
        for body in [
            "jsonencode({ Version = \"2012-10-17\", Statement = var.s })",
            "jsonencode({ Version = \"2012-10-17\", Statement = [var.s] })",
            "jsonencode({ Version = \"2012-10-17\", Statement = [\"x\"] })",
            "jsonencode({ Version = \"2012-10-17\", Statement = null })",
        ] {
            assert!(diagnostics_of("KMS104", &policy(body)).is_empty(), "{body}");
        }
    }
}
