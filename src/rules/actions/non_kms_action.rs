//! What it does: reports the action of another service (`s3:GetObject`, `iam:*`) in a key
//! policy's `Action` or `NotAction`.
//!
//! Why is this bad: a key policy only controls access to its KMS key, so another service's
//! action in `Action` grants nothing, and in `NotAction` excludes nothing. It usually means
//! the statement was copied from another kind of policy.
//!
//! Example:
//! ```hcl
//! Action = ["kms:Decrypt", "s3:GetObject"]
//! ```
//! Use instead: keep the KMS actions here; grant `s3:GetObject` in an IAM or bucket
//! policy.
//! ```hcl
//! Action = ["kms:Decrypt"]
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{ActionName, Member, actions};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS303",
        severity: Severity::Error,
        summary: "an action of another service in a key policy",
        explanation: "`Action` or `NotAction` names an action of another service (`s3:GetObject`, `iam:*`). (`*` alone is fine: in a key policy it means every KMS action.)\n\nWhy it matters: a key policy only controls its KMS key. Another service's action in `Action` grants nothing, and in `NotAction` excludes nothing; the statement was probably copied from an IAM or bucket policy.\n\nExample:\n    Action = [\"kms:Decrypt\", \"s3:GetObject\"]\nFix: keep the KMS actions; grant the others in an IAM or resource policy of their service:\n    Action = [\"kms:Decrypt\"]",
    },
    name: "non-kms-action",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for item in actions(a) {
        let Some(name) = item.value.node.as_known() else {
            continue;
        };
        if !matches!(item.action(), Some(ActionName::NonKms)) {
            continue;
        }
        let service = name.split(':').next().unwrap_or_default();
        let effect = match item.member {
            Member::Positive => "it grants nothing here",
            Member::Negated => "excluding it changes nothing here",
        };
        out.push(
            RULE.diagnostic(format!("`{name}` is not a KMS action: a key policy only controls its key, so {effect}"))
                .at(item.value.span.or(item.list.span).or(item.statement.span))
                .help(format!(
                    "remove it; grant `{service}` actions in an IAM policy or a resource policy of that service"
                ))
                .resource(&item.cp.address),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};

    #[test]
    fn reports_other_services() {
        let d = diagnostics_of(
            "KMS303",
            &key_with(r#"Action = ["kms:Decrypt", "s3:GetObject", "iam:*", "*", "k*"], Resource = "*""#),
        );
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "`s3:GetObject` is not a KMS action: a key policy only controls its key, so it grants nothing here",
                "`iam:*` is not a KMS action: a key policy only controls its key, so it grants nothing here",
            ]
        );
        let d = diagnostics_of("KMS303", &key_with(r#"NotAction = "s3:GetObject", Resource = "*""#));
        assert_eq!(d.len(), 1);
    }
}
