//! What it does: reports a `Resource` value that can never be the key (an S3 ARN, an alias
//! ARN, a malformed key ARN), and `NotResource = "*"`.
//!
//! Why is this bad: a key policy is evaluated only for requests on its own key, whose ARN
//! such a value never matches: the element matches nothing, and when it is the only one the
//! statement is dead. `NotResource = "*"` excludes every resource, the key included.
//!
//! Example:
//! ```hcl
//! Resource = "arn:aws:s3:::app-data/*"
//! ```
//! Use instead:
//! ```hcl
//! Resource = "*"
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{Member, ResourceKind, classify_resource, resources};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS402",
        severity: Severity::Error,
        summary: "a `Resource` that can never match the key",
        explanation: "`Resource` names something that is not a KMS key ARN (an S3 bucket, an alias ARN, a malformed ARN), or `NotResource` is `*`.\n\nWhy it matters: a key policy is only evaluated for requests on its own key; a resource that cannot be that key's ARN matches nothing, so if it is the statement's only resource the statement never applies (a missing permission, or a `Deny` that protects nothing). `NotResource = \"*\"` excludes every resource, the key included.\n\nExample:\n    Resource = \"arn:aws:s3:::app-data/*\"\nFix:\n    Resource = \"*\"",
    },
    name: "resource-matches-nothing",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for item in resources(a) {
        let kind = item.resource();
        if !matches!(
            (item.member, kind),
            (Member::Positive, ResourceKind::Other) | (Member::Negated, ResourceKind::All)
        ) {
            continue;
        }
        let text = item.value.node.render();
        let (message, help) = match (item.member, kind) {
            (Member::Positive, ResourceKind::Other) => {
                let alone = item.list.items.iter().all(|v| classify_resource(&v.node) == ResourceKind::Other);
                let tail = if alone { "the statement never applies" } else { "this element matches nothing" };
                let what = if text.starts_with("arn:") && text.contains(":kms:") && text.contains(":alias/") {
                    "an alias ARN, not a key ARN"
                } else {
                    "not this key's ARN"
                };
                (
                    format!("`Resource` `{text}` is {what}: in a key policy {tail}"),
                    "write `Resource = \"*\"`: in a key policy it means this key",
                )
            }
            (Member::Negated, ResourceKind::All) => (
                format!(
                    "`NotResource` `{text}` excludes every resource, this key included: the statement never applies"
                ),
                "write `Resource = \"*\"` to make the statement apply to this key, or remove the statement",
            ),
            _ => continue,
        };
        out.push(
            RULE.diagnostic(message)
                .at(item.value.span.or(item.list.span).or(item.statement.span))
                .help(help)
                .resource(&item.cp.address),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};

    fn messages(members: &str) -> Vec<String> {
        diagnostics_of("KMS402", &key_with(members)).into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn reports_what_cannot_be_the_key() {
        assert_eq!(
            messages(r#"Action = "kms:Decrypt", Resource = "arn:aws:s3:::app-data/*""#),
            ["`Resource` `arn:aws:s3:::app-data/*` is not this key's ARN: in a key policy the statement never applies"]
        );
        assert_eq!(
            messages(r#"Action = "kms:Decrypt", Resource = ["*", "arn:aws:kms:us-east-1:111122223333:alias/app"]"#),
            [
                "`Resource` `arn:aws:kms:us-east-1:111122223333:alias/app` is an alias ARN, not a key ARN: in a key policy this element matches nothing"
            ]
        );
        assert_eq!(
            messages(r#"Action = "kms:Decrypt", NotResource = "*""#),
            ["`NotResource` `*` excludes every resource, this key included: the statement never applies"]
        );
        assert_eq!(messages(r#"Action = "kms:Decrypt", Resource = "arn:aws:s3:::${var.v}""#).len(), 1);
    }

    #[test]
    fn silent_on_unknown_parts() {
        for r in [r#""${var.v}""#, r#""arn:${var.v}""#, r#""arn:aws:kms:${var.v}:111122223333:key/*""#, "var.v"] {
            assert!(messages(&format!("Action = \"kms:Decrypt\", Resource = {r}")).is_empty(), "{r}");
        }
    }
}
