//! What it does: reports a `Version` other than `2012-10-17` and `2008-10-17`.
//!
//! Why is this bad: AWS rejects the policy (MalformedPolicyDocumentException). A
//! `Version` is a fixed identifier of the policy language, not a date of your choosing.
//!
//! Example:
//! ```hcl
//! Version = "2023-01-01"
//! ```
//! Use instead:
//! ```hcl
//! Version = "2012-10-17"
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::policy::ast::Scalar;
use crate::rules::{Ctx, Rule};

use super::policies;

/// The policy language versions IAM knows.
pub(crate) const VERSIONS: &[&str] = &["2012-10-17", "2008-10-17"];

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS102",
        severity: Severity::Error,
        summary: "the policy `Version` is not a policy language version",
        explanation: "`Version` is neither `2012-10-17` (the current policy language) nor `2008-10-17` (the old one).\n\nWhy it matters: AWS rejects the policy with MalformedPolicyDocumentException. `Version` names the policy language; it is not the date the policy was written.\n\nExample:\n    Version = \"2023-01-01\"\nFix:\n    Version = \"2012-10-17\"",
    },
    name: "invalid-version",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for (cp, policy) in policies(a) {
        let Some(v) = &policy.version else { continue };
        let Some(text) = v.node.as_known() else {
            continue;
        };
        if v.node.from == Scalar::String && VERSIONS.contains(&text) {
            continue;
        }
        let found = if v.node.from == Scalar::String {
            format!("`{text}`")
        } else {
            format!("the {} `{text}`", if v.node.from == Scalar::Bool { "bool" } else { "number" })
        };
        let help = if VERSIONS.contains(&text) {
            format!("write it as a string: `Version = \"{text}\"`")
        } else {
            "write `Version = \"2012-10-17\"`, the current policy language".to_string()
        };
        out.push(
            RULE.diagnostic(format!("`Version` must be `2012-10-17`, found {found}"))
                .at(v.span.or(policy.span))
                .help(help)
                .resource(&cp.address),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::diagnostics_of;

    fn version(v: &str) -> String {
        format!(
            r#"resource "aws_kms_key" "k" {{
  policy = jsonencode({{ Version = {v}, Statement = [] }})
}}
variable "v" {{}}"#
        )
    }

    #[test]
    fn reports_other_versions() {
        let d = diagnostics_of("KMS102", &version("\"2012-10-18\""));
        assert_eq!(d[0].message, "`Version` must be `2012-10-17`, found `2012-10-18`");
        assert_eq!(diagnostics_of("KMS102", &version("2012")).len(), 1);
        for ok in ["\"2012-10-17\"", "\"2008-10-17\"", "var.v", "\"${var.v}-17\""] {
            assert!(diagnostics_of("KMS102", &version(ok)).is_empty(), "{ok}");
        }
    }
}
