//! What it does: reports account-level KMS actions (`kms:CreateKey`, `kms:ListKeys`,
//! `kms:GenerateRandom`, the custom key store actions...) in a key policy's `Action`.
//!
//! Why is this bad: these actions are not performed on a key, so a key policy cannot grant
//! them: the element does nothing. They belong in IAM policies.
//!
//! Example:
//! ```hcl
//! Action = ["kms:CreateKey", "kms:DescribeKey"]
//! ```
//! Use instead:
//! ```hcl
//! Action = ["kms:DescribeKey"]   # and kms:CreateKey in an IAM policy
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{ActionName, Member, actions};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS304",
        severity: Severity::Warning,
        summary: "an account-level action does nothing in a key policy",
        explanation: "`Action` names an account-level KMS action (one without a key resource: `kms:CreateKey`, `kms:ListKeys`, `kms:ListAliases`, `kms:GenerateRandom`, `kms:ListRetirableGrants`, the custom key store actions), or a pattern matching only such actions.\n\nWhy it matters: these actions are not performed on a key, so a key policy cannot grant them; the permission the author expected is missing. They must be granted in IAM policies.\n\nExample:\n    Action = [\"kms:CreateKey\", \"kms:DescribeKey\"]\nFix:\n    Action = [\"kms:DescribeKey\"]   # grant kms:CreateKey in an IAM policy",
    },
    name: "account-level-action",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for item in actions(a) {
        if item.member != Member::Positive {
            continue;
        }
        let Some(name) = item.value.node.as_known() else {
            continue;
        };
        let message = match item.action() {
            Some(ActionName::Exact(action)) if action.is_account_level() => {
                format!("`{name}` is an account-level action: it does nothing in a key policy")
            }
            Some(ActionName::Pattern(matched))
                if !matched.is_empty() && matched.iter().all(|a| a.is_account_level()) =>
            {
                let names: Vec<String> = matched.iter().map(|a| format!("`{}`", a.action)).collect();
                format!(
                    "`{name}` matches only account-level actions ({}): it does nothing in a key policy",
                    names.join(", ")
                )
            }
            _ => continue,
        };
        out.push(
            RULE.diagnostic(message)
                .at(item.value.span.or(item.list.span).or(item.statement.span))
                .help("remove it; grant account-level actions in an IAM policy")
                .resource(&item.cp.address),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};

    #[test]
    fn reports_account_level_actions_in_action_only() {
        let d = diagnostics_of(
            "KMS304",
            &key_with(
                r#"Action = ["kms:CreateKey", "kms:ListKeys", "kms:List*", "kms:Create*", "kms:Decrypt"], Resource = "*""#,
            ),
        );
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "`kms:CreateKey` is an account-level action: it does nothing in a key policy",
                "`kms:ListKeys` is an account-level action: it does nothing in a key policy",
            ]
        );
        assert!(diagnostics_of("KMS304", &key_with(r#"NotAction = "kms:CreateKey", Resource = "*""#)).is_empty());
        let d = diagnostics_of("KMS304", &key_with(r#"Action = "kms:GenerateRand*", Resource = "*""#));
        assert_eq!(d.len(), 1, "{d:?}");
    }
}
