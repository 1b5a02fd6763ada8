//! What it does: reports a policy without a `Version` member.
//!
//! Why is this bad: without `Version`, AWS reads the policy in the old `2008-10-17`
//! language, where policy variables (`${aws:username}`) are not substituted.
//!
//! Example:
//! ```hcl
//! policy = jsonencode({ Statement = [ ... ] })
//! ```
//! Use instead:
//! ```hcl
//! policy = jsonencode({ Version = "2012-10-17", Statement = [ ... ] })
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::policies;

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS101",
        severity: Severity::Warning,
        summary: "the policy has no `Version`",
        explanation: "The policy document has no `Version` member.\n\nWhy it matters: AWS then reads it in the old `2008-10-17` policy language, in which policy variables such as `${aws:username}` are taken literally.\n\nExample:\n    policy = jsonencode({ Statement = [ ... ] })\nFix:\n    policy = jsonencode({ Version = \"2012-10-17\", Statement = [ ... ] })",
    },
    name: "missing-version",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for (cp, policy) in policies(a) {
        if policy.version.is_some()
            || super::raw_policy(cp).is_some_and(|r| r.as_map().is_some_and(|m| m.contains_key("Version")))
        {
            continue;
        }
        out.push(
            RULE.diagnostic("the policy has no `Version`")
                .at(policy.span.or(cp.span))
                .help("add `Version = \"2012-10-17\"`; without it AWS uses the `2008-10-17` language, where policy variables do not work")
                .resource(&cp.address),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::diagnostics_of;

    #[test]
    fn reports_only_a_missing_version() {
        let src = r#"resource "aws_kms_key" "k" {
  policy = jsonencode({ Statement = [] })
}"#;
        assert_eq!(diagnostics_of("KMS101", src).len(), 1);
        let src = r#"resource "aws_kms_key" "k" {
  policy = jsonencode({ Version = var.v, Statement = [] })
}
variable "v" {}"#;
        assert!(diagnostics_of("KMS101", src).is_empty());
        let src = r#"resource "aws_kms_key" "k" {
  policy = jsonencode({ Version = null, Statement = [] })
}"#;
        assert!(diagnostics_of("KMS101", src).is_empty(), "`Version` is null is the lowering's");
    }
}
