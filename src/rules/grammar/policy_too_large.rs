//! What it does: reports a policy over 32,768 bytes, the KMS limit.
//!
//! Why is this bad: AWS rejects it (LimitExceededException) at apply time. The size is
//! the one of the string Terraform sends: the `jsonencode` output, or the JSON text.
//!
//! Example: one statement per role, generated with `for` over a long list of roles.
//!
//! Use instead: list several principals in one statement, grant through IAM policies
//! (the root statement lets the account's IAM policies control the key) or through grants.

use crate::diagnostic::{CodeInfo, Diagnostic, Severity, thousands};
use crate::facts::MAX_POLICY_BYTES;
use crate::rules::{Ctx, Rule};
use crate::value::{Part, ValueKind};

use super::encoded_size_lower_bound;

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS112",
        severity: Severity::Error,
        summary: "the policy is larger than 32,768 bytes",
        explanation: "The policy string Terraform sends (the `jsonencode` output, or the JSON text) is over 32,768 bytes, the maximum size of a key policy. When parts of the policy are unknown until apply, the known parts alone are over the limit.\n\nWhy it matters: AWS rejects the policy (LimitExceededException) at apply time.\n\nExample:\n    Statement = [for r in var.roles : { Sid = r, Effect = \"Allow\", Principal = { AWS = r }, Action = local.use, Resource = \"*\" }]\nFix: list the principals in one statement, or grant through IAM policies (allowed by the root statement) or KMS grants:\n    { Sid = \"Allow use of the key\", Effect = \"Allow\", Principal = { AWS = var.roles }, Action = local.use, Resource = \"*\" }",
    },
    name: "policy-too-large",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for cp in a.policies {
        let (size, exact) = if let Some(t) = &cp.terraform {
            (t.len(), true)
        } else if let ValueKind::Partial(parts) = &cp.value.kind {
            let known = parts
                .iter()
                .map(|p| match p {
                    Part::Known(t) => t.len(),
                    Part::Unknown(_) => 0,
                })
                .sum();
            (known, false)
        } else if let Some(enc) = &cp.value.encoded {
            (encoded_size_lower_bound(enc), false)
        } else {
            continue;
        };
        if size <= MAX_POLICY_BYTES {
            continue;
        }
        let message = format!(
            "the policy is {}{} bytes, over the {}-byte limit of a key policy",
            if exact { "" } else { "at least " },
            thousands(size as u64),
            thousands(MAX_POLICY_BYTES as u64)
        );
        out.push(
            RULE.diagnostic(message)
                .at(cp.span.or(cp.value.span))
                .help("merge statements that differ only in their principals, or grant access through IAM policies or KMS grants")
                .resource(&cp.address),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::diagnostics_of;

    fn key(n: usize, sid: &str) -> String {
        format!(
            r#"resource "aws_kms_key" "k" {{
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [for i in range({n}) : {{
      Sid = "{sid}${{i}}", Effect = "Allow", Resource = "*", Action = "kms:Decrypt",
      Principal = {{ AWS = "arn:aws:iam::111122223333:role/application-role-number-${{i}}" }}
    }}]
  }})
}}
variable "v" {{}}
"#
        )
    }

    #[test]
    fn measures_the_terraform_string_or_a_lower_bound() {
        let d = diagnostics_of("KMS112", &key(400, "S"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.starts_with("the policy is "), "{}", d[0].message);
        assert!(diagnostics_of("KMS112", &key(10, "S")).is_empty());
        let d = diagnostics_of("KMS112", &key(400, "${var.v}"));
        assert!(d[0].message.starts_with("the policy is at least "), "{}", d[0].message);
        assert!(diagnostics_of("KMS112", &key(10, "${var.v}")).is_empty());
    }
}
