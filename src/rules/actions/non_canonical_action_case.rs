//! What it does: reports a KMS action not spelled as documented (`kms:decrypt`,
//! `KMS:Decrypt`).
//!
//! Why is this bad: AWS compares action names case-insensitively, so the policy works; but
//! other tools and reviewers (and `grep`) expect the documented spelling, and policies that
//! mix spellings are harder to compare.
//!
//! Example:
//! ```hcl
//! Action = ["kms:decrypt"]
//! ```
//! Use instead:
//! ```hcl
//! Action = ["kms:Decrypt"]
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{ActionName, actions};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS305",
        severity: Severity::Warning,
        summary: "a KMS action is not spelled as documented",
        explanation: "An action in `Action` or `NotAction` differs from its documented spelling only by case (`kms:decrypt`, `KMS:Decrypt`).\n\nWhy it matters: AWS compares action names case-insensitively, so the policy works; but reviewers, searches and other tools expect the documented spelling, and policies that mix spellings are harder to compare.\n\nExample:\n    Action = [\"kms:decrypt\"]\nFix:\n    Action = [\"kms:Decrypt\"]",
    },
    name: "non-canonical-action-case",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for item in actions(a) {
        let Some(name) = item.value.node.as_known() else {
            continue;
        };
        let Some(ActionName::Exact(action)) = item.action() else {
            continue;
        };
        if action.action == name {
            continue;
        }
        out.push(
            RULE.diagnostic(format!("`{name}` is not the documented spelling of `{}`", action.action))
                .at(item.value.span.or(item.list.span).or(item.statement.span))
                .help(format!("write `{}`", action.action))
                .resource(&item.cp.address),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};

    #[test]
    fn reports_other_spellings() {
        let d = diagnostics_of(
            "KMS305",
            &key_with(
                r#"Action = ["kms:decrypt", "KMS:Encrypt", "kms:ReEncrypt*", "kms:DescribeKey"], Resource = "*""#,
            ),
        );
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "`kms:decrypt` is not the documented spelling of `kms:Decrypt`",
                "`KMS:Encrypt` is not the documented spelling of `kms:Encrypt`",
            ]
        );
        assert_eq!(d[0].help.as_deref(), Some("write `kms:Decrypt`"));
    }
}
