//! What it does: reports an action name that is not a KMS action (`kms:Encrpyt`), in
//! `Action` or `NotAction`.
//!
//! Why is this bad: IAM accepts any action name, so a typo is not rejected: the statement
//! silently grants (or denies, or excludes) nothing for the intended action.
//!
//! Example:
//! ```hcl
//! Action = ["kms:Encrpyt", "kms:Decrypt"]
//! ```
//! Use instead:
//! ```hcl
//! Action = ["kms:Encrypt", "kms:Decrypt"]
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::facts::facts;
use crate::rules::util::did_you_mean;
use crate::rules::{Ctx, Rule};

use super::{ActionName, actions};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS301",
        severity: Severity::Error,
        summary: "unknown KMS action",
        explanation: "An `Action` or `NotAction` element names no KMS action: a typo, an action of an older API, or a name without the `kms:` prefix.\n\nWhy it matters: AWS does not validate action names in a key policy, so the statement silently does nothing for the action that was meant (a missing permission, or a `Deny` that protects nothing).\n\nExample:\n    Action = [\"kms:Encrpyt\", \"kms:Decrypt\"]\nFix:\n    Action = [\"kms:Encrypt\", \"kms:Decrypt\"]",
    },
    name: "unknown-action",
    check,
};

/// A "did you mean" for an unknown action name.
pub(crate) fn suggestion(name: &str) -> Option<&'static str> {
    let names = facts().actions.iter().map(|a| a.action.as_str());
    if name.contains(':') { did_you_mean(name, names) } else { did_you_mean(&format!("kms:{name}"), names) }
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for item in actions(a) {
        let Some(name) = item.value.node.as_known() else {
            continue;
        };
        if !matches!(item.action(), Some(ActionName::Unknown)) {
            continue;
        }
        let help = match suggestion(name) {
            Some(s) => format!("did you mean `{s}`?"),
            None if !name.contains(':') => "KMS action names start with `kms:` (`kms:Decrypt`)".to_string(),
            None => "check the name against the KMS actions of the Service Authorization Reference".to_string(),
        };
        out.push(
            RULE.diagnostic(format!("unknown KMS action `{name}` in `{}`", item.name))
                .at(item.value.span.or(item.list.span).or(item.statement.span))
                .help(help)
                .resource(&item.cp.address),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};

    fn helps(members: &str) -> Vec<(String, Option<String>)> {
        diagnostics_of("KMS301", &key_with(members)).into_iter().map(|d| (d.message, d.help)).collect()
    }

    #[test]
    fn suggests_the_closest_action() {
        assert_eq!(
            helps(r#"Action = ["kms:Encrpyt", "Decrypt", "kms:Frobnicate"], Resource = "*""#),
            [
                (
                    "unknown KMS action `kms:Encrpyt` in `Action`".to_string(),
                    Some("did you mean `kms:Encrypt`?".to_string())
                ),
                (
                    "unknown KMS action `Decrypt` in `Action`".to_string(),
                    Some("did you mean `kms:Decrypt`?".to_string())
                ),
                (
                    "unknown KMS action `kms:Frobnicate` in `Action`".to_string(),
                    Some("check the name against the KMS actions of the Service Authorization Reference".to_string())
                ),
            ]
        );
        assert_eq!(helps(r#"NotAction = "kms:Decrpt", Resource = "*""#).len(), 1);
    }

    #[test]
    fn silent_on_unknown_parts_and_valid_names() {
        let members = r#"Action = ["kms:${var.v}", var.v, "kms:decrypt", "kms:Re*", "*"], Resource = "*""#;
        assert!(helps(members).is_empty());
    }
}
