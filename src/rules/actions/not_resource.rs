//! What it does: reports `NotResource` in a key policy (other than `NotResource = "*"`,
//! which KMS402 reports).
//!
//! Why is this bad: a key policy only applies to its own key, so `NotResource` can only
//! mean "this key, unless the list names it": the statement applies to the key when the
//! listed ARNs are other resources, and to nothing when one is this key's ARN. Either way
//! `Resource = "*"` (or no statement) says it plainly.
//!
//! Example:
//! ```hcl
//! NotResource = "arn:aws:s3:::app-data/*"
//! ```
//! Use instead:
//! ```hcl
//! Resource = "*"
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{Member, ResourceKind, resources};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS403",
        severity: Severity::Warning,
        summary: "`NotResource` in a key policy",
        explanation: "A statement uses `NotResource` with values other than `*`.\n\nWhy it matters: a key policy only applies to its own key, so `NotResource` means \"this key, unless the list names it\": with other resources listed the statement simply applies to the key, with this key's ARN listed it applies to nothing. The indirection hides which of the two was meant.\n\nExample:\n    NotResource = \"arn:aws:s3:::app-data/*\"\nFix:\n    Resource = \"*\"",
    },
    name: "not-resource",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for item in resources(a) {
        if item.member != Member::Negated {
            continue;
        }
        let kind = item.resource();
        if matches!(kind, ResourceKind::All | ResourceKind::Unsure) {
            continue;
        }
        let text = item.value.node.render();
        let message = match kind {
            ResourceKind::KeyArn => format!(
                "`NotResource` `{text}` excludes a key: the statement applies to this key only if that is another key's ARN"
            ),
            ResourceKind::Other => format!(
                "`NotResource` `{text}` cannot be this key, so the statement applies to this key as if `Resource` were `*`"
            ),
            ResourceKind::All | ResourceKind::Unsure => continue,
        };
        out.push(
            RULE.diagnostic(message)
                .at(item.value.span.or(item.list.span).or(item.statement.span))
                .help("write `Resource = \"*\"` (this key) instead, or remove the statement if it should not apply")
                .resource(&item.cp.address),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};

    #[test]
    fn reports_not_resource_values() {
        let d = diagnostics_of(
            "KMS403",
            &key_with(
                r#"Action = "kms:Decrypt", NotResource = ["arn:aws:s3:::b", "arn:aws:kms:us-east-1:111122223333:key/k-1", "*", "${var.v}"]"#,
            ),
        );
        assert_eq!(d.len(), 2, "{d:?}");
    }
}
