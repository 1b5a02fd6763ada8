//! What it does: reports a policy written in the old `2008-10-17` policy language.
//!
//! Why is this bad: policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`) are
//! not substituted in that language: they are compared as literal text, so conditions
//! using them never match as intended.
//!
//! Example:
//! ```hcl
//! Version = "2008-10-17"
//! ```
//! Use instead:
//! ```hcl
//! Version = "2012-10-17"
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::policy::ast::Scalar;
use crate::rules::{Ctx, Rule};

use super::{policies, policy_strings};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS103",
        severity: Severity::Warning,
        summary: "the policy uses the old `2008-10-17` language",
        explanation: "`Version` is `2008-10-17`, the old policy language.\n\nWhy it matters: policy variables such as `${aws:username}` or `${aws:PrincipalTag/team}` are not substituted in it; they are compared as literal text, so a condition using one never matches as intended.\n\nExample:\n    Version = \"2008-10-17\"\nFix:\n    Version = \"2012-10-17\"",
    },
    name: "old-version",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for (cp, policy) in policies(a) {
        let Some(v) = &policy.version else { continue };
        if v.node.as_known() != Some("2008-10-17") || v.node.from != Scalar::String {
            continue;
        }
        let mut d = RULE
            .diagnostic("`Version` `2008-10-17` is the old policy language, in which policy variables do not work")
            .at(v.span.or(policy.span))
            .help("write `Version = \"2012-10-17\"`")
            .resource(&cp.address);
        let variable = policy_strings(policy).into_iter().find(|s| s.parts().any(|p| p.contains("${")));
        if let Some(s) = variable {
            d = d.label(s.span, "this policy variable is compared as literal text");
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::diagnostics_of;

    #[test]
    fn labels_the_first_policy_variable() {
        let src = r#"resource "aws_kms_key" "k" {
  policy = jsonencode({
    Version = "2008-10-17"
    Statement = [{ Sid = "x", Condition = { StringEquals = { "aws:username" = "$${aws:username}" } } }]
  })
}"#;
        let d = diagnostics_of("KMS103", src);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].labels.len(), 1);
        let src = src.replace("2008-10-17", "2012-10-17");
        assert!(diagnostics_of("KMS103", &src).is_empty());
    }
}
