//! What it does: reports a wildcard action pattern that matches no KMS action
//! (`kms:Encrpyt*`, `kms:List?ey`), in `Action` or `NotAction`.
//!
//! Why is this bad: the pattern is not rejected by AWS; it simply matches nothing, so the
//! statement does nothing for the actions that were meant.
//!
//! Example:
//! ```hcl
//! Action = ["kms:Encrpyt*", "kms:Decrypt"]
//! ```
//! Use instead:
//! ```hcl
//! Action = ["kms:Encrypt*", "kms:Decrypt"]
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::facts::facts;
use crate::rules::util::did_you_mean;
use crate::rules::{Ctx, Rule};

use super::{ActionName, actions};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS302",
        severity: Severity::Error,
        summary: "an action wildcard matches no KMS action",
        explanation: "A wildcard pattern in `Action` or `NotAction` (`*` any run of characters, `?` one character) matches none of the KMS actions.\n\nWhy it matters: AWS accepts the pattern, but it matches nothing: the statement silently does nothing for the actions that were meant.\n\nExample:\n    Action = [\"kms:Encrpyt*\", \"kms:Decrypt\"]\nFix:\n    Action = [\"kms:Encrypt*\", \"kms:Decrypt\"]",
    },
    name: "unmatched-action-wildcard",
    check,
};

/// A corrected pattern: the literal prefix (before the first wildcard) replaced by the
/// closest prefix of a KMS action, when the result matches something.
fn suggestion(pattern: &str) -> Option<String> {
    let pattern = if pattern.contains(':') { pattern.to_string() } else { format!("kms:{pattern}") };
    if !facts().matching_actions(&pattern).is_empty() {
        return Some(pattern);
    }
    let cut = pattern.find(['*', '?'])?;
    let (prefix, rest) = pattern.split_at(cut);
    let n = prefix.chars().count();
    let mut prefixes: Vec<String> = facts().actions.iter().map(|a| a.action.chars().take(n).collect()).collect();
    prefixes.sort();
    prefixes.dedup();
    let best = did_you_mean(prefix, prefixes.iter().map(String::as_str))?;
    let fixed = format!("{best}{rest}");
    (!facts().matching_actions(&fixed).is_empty()).then_some(fixed)
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for item in actions(a) {
        let Some(name) = item.value.node.as_known() else {
            continue;
        };
        let Some(ActionName::Pattern(matched)) = item.action() else {
            continue;
        };
        if !matched.is_empty() {
            continue;
        }
        let help = match suggestion(name) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "check the pattern against the KMS action names; `kms:*` matches them all".to_string(),
        };
        out.push(
            RULE.diagnostic(format!("`{name}` in `{}` matches no KMS action", item.name))
                .at(item.value.span.or(item.list.span).or(item.statement.span))
                .help(help)
                .resource(&item.cp.address),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};
    use super::suggestion;

    #[test]
    fn suggests_a_pattern_that_matches() {
        assert_eq!(suggestion("kms:Encrpyt*").as_deref(), Some("kms:Encrypt*"));
        assert_eq!(suggestion("Get*").as_deref(), Some("kms:Get*"));
        assert_eq!(suggestion("kms:Zzzzzzz*"), None);
    }

    #[test]
    fn reports_patterns_matching_nothing() {
        let d = diagnostics_of(
            "KMS302",
            &key_with(r#"Action = ["kms:Encrpyt*", "kms:Get*", "kms:${var.v}*"], Resource = "*""#),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "`kms:Encrpyt*` in `Action` matches no KMS action");
    }
}
