//! KMS508 `grant-condition-on-other-actions`.
//!
//! What it does: reports a statement that tests `kms:GrantIsForAWSResource` while its
//! actions (wildcards and `NotAction` expanded) include others than `kms:CreateGrant`,
//! `kms:ListGrants` and `kms:RevokeGrant`.
//!
//! Why is this bad: the key is only in the request context of those three operations.
//! For every other action of the statement the condition never holds, so an `Allow`
//! silently grants nothing for them (and a `Deny` with a negated operator denies them
//! always).
//!
//! Example:
//! ```hcl
//! {
//!   Effect    = "Allow"
//!   Action    = ["kms:Decrypt", "kms:CreateGrant"] # kms:Decrypt is never allowed here
//!   Condition = { Bool = { "kms:GrantIsForAWSResource" = true } }
//! }
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::facts::facts;
use crate::policy::ast::Effect;
use crate::rules::{Ctx, Rule};

use super::{condition_entries, key_span, statement_actions, statements};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS508",
        severity: Severity::Warning,
        summary: "`kms:GrantIsForAWSResource` in a statement with other actions than grant operations",
        explanation: "A statement tests `kms:GrantIsForAWSResource` but its actions (after expanding wildcards and `NotAction`) include more than `kms:CreateGrant`, `kms:ListGrants` and `kms:RevokeGrant`.\n\nWhy it matters: the key exists only in requests for those three operations. For any other action the condition is false, so an `Allow` statement grants nothing for it: the policy reads as if it allowed, say, `kms:Decrypt`, but it does not.\n\nExample:\n    Action    = [\"kms:Decrypt\", \"kms:CreateGrant\"]\n    Condition = { Bool = { \"kms:GrantIsForAWSResource\" = true } }\nFix: give the other actions a statement of their own:\n    Action    = [\"kms:CreateGrant\", \"kms:ListGrants\", \"kms:RevokeGrant\"]\n    Condition = { Bool = { \"kms:GrantIsForAWSResource\" = true } }",
    },
    name: "grant-condition-on-other-actions",
    check,
};

const GRANT_ACTIONS: &[&str] = &["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"];

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for s in statements(a) {
        let st = s.statement;
        let Some((_, key, _)) =
            condition_entries(st).into_iter().find(|(_, k, _)| k.eq_ignore_ascii_case("kms:GrantIsForAWSResource"))
        else {
            continue;
        };
        let Some(actions) = statement_actions(st) else {
            continue;
        };
        let others: Vec<&str> = actions.into_iter().filter(|x| !GRANT_ACTIONS.contains(x)).collect();
        if others.is_empty() {
            continue;
        }
        // Name the actions as written when possible (`kms:GenerateDataKey*`), else expanded.
        let written: Option<Vec<&str>> = st.action.as_ref().and_then(|l| {
            l.items.iter().map(|i| i.as_known()).collect::<Option<Vec<&str>>>().map(|v| {
                v.into_iter()
                    .filter(|p| facts().matching_actions(p).iter().any(|x| !GRANT_ACTIONS.contains(&x.action.as_str())))
                    .collect()
            })
        });
        let others = written.filter(|w| !w.is_empty()).unwrap_or(others);
        let mut names: Vec<String> = others.iter().take(3).map(|x| format!("`{x}`")).collect();
        if others.len() > 3 {
            names.push(format!("{} more", others.len() - 3));
        }
        let listed = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.concat(),
        };
        let verb = match st.effect.as_ref().map(|e| &e.node) {
            Some(Effect::Deny) => "denies",
            _ => "allows",
        };
        let actions_span = st.action.as_ref().or(st.not_action.as_ref()).and_then(|l| l.span);
        out.push(
            RULE.diagnostic(format!(
                "`{}` applies only to grant operations, but the statement also {verb} {listed}",
                key.as_str()
            ))
            .at(key_span(a.sources, key.span, key).or(key.span))
            .label(actions_span, "actions of the statement")
            .help("move the other actions to a statement without this condition; keep `kms:CreateGrant`, `kms:ListGrants` and `kms:RevokeGrant` here")
            .resource(s.policy.address.clone()),
        );
    }
}
