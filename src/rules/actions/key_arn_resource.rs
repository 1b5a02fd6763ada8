//! What it does: reports a key ARN (or a pattern of key ARNs) in a key policy's
//! `Resource`.
//!
//! Why is this bad: a key policy only ever applies to its own key, and AWS's convention
//! (and every example) is `Resource = "*"`, meaning "this key". An ARN works only while it
//! is this key's ARN: copied to another key's policy, or wrong by one character, it
//! silently makes the statement match nothing.
//!
//! Example:
//! ```hcl
//! Resource = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
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
        code: "KMS401",
        severity: Severity::Warning,
        summary: "a key ARN in `Resource` instead of `*`",
        explanation: "`Resource` names a KMS key ARN, or a pattern of key ARNs (`arn:aws:kms:*:111122223333:key/*`).\n\nWhy it matters: a key policy only applies to its own key, and `Resource = \"*\"` is the convention for \"this key\". An ARN only matches while it is exactly this key's ARN: copied into another key's policy, or with a wrong Region or account, it silently makes the statement match nothing.\n\nExample:\n    Resource = \"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"\nFix:\n    Resource = \"*\"",
    },
    name: "key-arn-resource",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for item in resources(a) {
        if item.member != Member::Positive || item.resource() != ResourceKind::KeyArn {
            continue;
        }
        let text = item.value.node.render();
        let what = if text.contains(['*', '?']) { "a key ARN pattern" } else { "a key ARN" };
        out.push(
            RULE.diagnostic(format!("`Resource` `{text}` is {what}: in a key policy, `*` already means this key"))
                .at(item.value.span.or(item.list.span).or(item.statement.span))
                .help(
                    "write `Resource = \"*\"`: an ARN that is not exactly this key's makes the statement match nothing",
                )
                .resource(&item.cp.address),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};

    #[test]
    fn reports_key_arns_and_patterns() {
        let members = r#"Action = "kms:Decrypt", Resource = [
          "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          "arn:aws:kms:*:111122223333:key/*",
          "arn:aws:kms:us-east-1:${data.aws_caller_identity.current.account_id}:key/*",
          "*",
          "${var.v}",
        ]"#;
        let d = diagnostics_of("KMS401", &key_with(members));
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "`Resource` `arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab` is a key ARN: in a key policy, `*` already means this key",
                "`Resource` `arn:aws:kms:*:111122223333:key/*` is a key ARN pattern: in a key policy, `*` already means this key",
                "`Resource` `arn:aws:kms:us-east-1:${data.aws_caller_identity.current.account_id}:key/*` is a key ARN pattern: in a key policy, `*` already means this key",
            ]
        );
    }
}
