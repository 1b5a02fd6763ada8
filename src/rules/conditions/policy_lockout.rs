//! KMS601 `policy-lockout`.
//!
//! What it does: reports a key policy under which no IAM principal may call
//! `kms:PutKeyPolicy`: no `Allow` statement grants it (directly, through `kms:Put*`,
//! `kms:*`, `*`, or a `NotAction` that does not exclude it) to an AWS account, user, role
//! or federated principal, or every such grant is taken back by an unconditional `Deny`
//! for the same principal (or `*`). Keys with `bypass_policy_lockout_safety_check = true`
//! are left alone, and so is any policy where a part that could decide is unknown until
//! apply.
//!
//! Why is this bad: AWS refuses such a policy (the lock-out safety check of CreateKey and
//! PutKeyPolicy) so the apply fails; with the check bypassed, nobody could ever change the
//! policy again and the key would be unmanageable.
//!
//! Example:
//! ```hcl
//! Statement = [{
//!   Effect    = "Allow"
//!   Principal = { AWS = "arn:aws:iam::111122223333:root" }
//!   Action    = ["kms:Encrypt", "kms:Decrypt"] # nobody may change the policy
//!   Resource  = "*"
//! }]
//! ```

use crate::analysis::Analysis;
use crate::compile::CompiledPolicy;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::policy::ast::{Effect, PolicyString, Principal, Scalar, Spanned, Statement};
use crate::rules::{Ctx, Rule};
use crate::source::Span;

use super::{StatementRef, covers_action, key_span, policy_complete, statements};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS601",
        severity: Severity::Error,
        summary: "no principal may change the key policy (lock-out)",
        explanation: "No `Allow` statement grants `kms:PutKeyPolicy` (directly, through `kms:Put*`, `kms:*` or `*`, or through a `NotAction` that does not exclude it) to an AWS account, user, role or federated principal, or every such grant is removed again by an unconditional `Deny` statement for the same principal or for `*`.\n\nWhy it matters: AWS's lock-out safety check refuses such a policy in CreateKey and PutKeyPolicy, so the apply fails. With `bypass_policy_lockout_safety_check = true` the policy is accepted, and nobody can ever change it again: the key becomes unmanageable (only AWS Support can help).\n\nExample:\n    Statement = [{ Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:root\" },\n                   Action = [\"kms:Encrypt\", \"kms:Decrypt\"], Resource = \"*\" }]\nFix: keep AWS's default statement for the account:\n    { Sid = \"Enable IAM User Permissions\", Effect = \"Allow\",\n      Principal = { AWS = \"arn:aws:iam::111122223333:root\" }, Action = \"kms:*\", Resource = \"*\" }\nIf the lock-out is intended, set `bypass_policy_lockout_safety_check = true` on the key.",
    },
    name: "policy-lockout",
    check,
};

const ACTION: &str = "kms:PutKeyPolicy";

/// A three-valued answer: unknown parts make some questions undecidable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tri {
    Yes,
    Maybe,
    No,
}

impl Tri {
    fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Maybe, _) | (_, Tri::Maybe) => Tri::Maybe,
            _ => Tri::Yes,
        }
    }
    fn from(b: Option<bool>) -> Tri {
        match b {
            Some(true) => Tri::Yes,
            Some(false) => Tri::No,
            None => Tri::Maybe,
        }
    }
}

/// Who a grant is for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Who {
    /// `*`.
    Everyone,
    /// Everyone but the principals of a `NotPrincipal`.
    AllBut,
    /// One principal: its normalised text, and whether it is wholly known.
    Id(String, bool),
    /// A list unknown until apply: any number of principals.
    Unknown,
}

/// A principal identifier, normalised so that an account ID and its root ARN compare equal.
fn normalise(id: &PolicyString) -> Who {
    if id.from == Scalar::Unknown {
        return Who::Unknown;
    }
    let rendered: String;
    let text = match id.as_known() {
        Some(t) => t,
        None => {
            rendered = id.render();
            &rendered
        }
    };
    if text == "*" {
        return Who::Everyone;
    }
    let account = |a: &str| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit());
    let whole = |acct: &str| Who::Id(["account:", acct].concat(), true);
    if account(text) {
        return whole(text);
    }
    // `arn:<partition>:iam::<account>:root`.
    fn after_colon(s: &str) -> Option<(&str, &str)> {
        s.bytes().position(|b| b == b':').map(|i| (&s[..i], &s[i + 1..]))
    }
    if let Some((_, rest)) = text.strip_prefix("arn:").and_then(after_colon)
        && let Some((acct, "root")) = rest.strip_prefix("iam::").and_then(after_colon)
        && account(acct)
    {
        return whole(acct);
    }
    Who::Id(text.to_string(), id.is_known())
}

/// The identifiers of the principal kinds that can call `PutKeyPolicy` (`AWS`,
/// `Federated`); service principals and canonical users cannot.
fn callers(p: &Principal) -> Vec<&Spanned<PolicyString>> {
    match p {
        Principal::Wildcard => Vec::new(),
        Principal::Map(kinds) => kinds
            .iter()
            .filter(|(k, _)| k.as_str() == "AWS" || k.as_str() == "Federated")
            .flat_map(|(_, l)| l.items.iter())
            .collect(),
    }
}

/// Whether `st` is an `Allow` that grants `PutKeyPolicy`, and to whom.
fn grants(s: &StatementRef) -> (Tri, Vec<Who>) {
    let st = s.statement;
    let effect = match st.effect.as_ref().map(|e| &e.node) {
        Some(Effect::Allow) => Tri::Yes,
        Some(Effect::Deny) => Tri::No,
        _ => Tri::Maybe,
    };
    let complete = if s.complete { Tri::Yes } else { Tri::Maybe };
    let resource = if st.resource.is_some() || st.not_resource.is_some() { Tri::Yes } else { Tri::No };
    let action = Tri::from(covers_action(st, ACTION));
    let who: Vec<Who> = if let Some(p) = &st.principal {
        match &p.node {
            Principal::Wildcard => vec![Who::Everyone],
            p => callers(p).into_iter().map(|i| normalise(i)).collect(),
        }
    } else if st.not_principal.is_some() {
        vec![Who::AllBut]
    } else {
        return (effect.and(complete).and(resource).and(action).and(Tri::Maybe), Vec::new());
    };
    (effect.and(complete).and(resource).and(action), who)
}

/// Whether the statement `st` denies `PutKeyPolicy` to `who`, whatever the request.
fn removes(s: &StatementRef, who: &Who) -> Tri {
    let st = s.statement;
    let effect = match st.effect.as_ref().map(|e| &e.node) {
        Some(Effect::Deny) => Tri::Yes,
        Some(Effect::Allow) => Tri::No,
        _ => Tri::Maybe,
    };
    if effect == Tri::No {
        return Tri::No;
    }
    let complete = if s.complete { Tri::Yes } else { Tri::Maybe };
    let unconditional = match &st.condition {
        Some(c) if !c.node.is_empty() => Tri::No,
        _ => Tri::Yes,
    };
    let resource = if st.resource.is_some() {
        Tri::Yes
    } else if st.not_resource.is_some() {
        Tri::Maybe
    } else {
        Tri::No
    };
    let action = Tri::from(covers_action(st, ACTION));
    let principal = if let Some(p) = &st.principal {
        denies_to(&p.node, who)
    } else if let Some(np) = &st.not_principal {
        match who {
            Who::Id(..) if callers(&np.node).into_iter().any(|i| normalise(i) == *who) => Tri::No,
            _ => Tri::Maybe,
        }
    } else {
        Tri::Maybe
    };
    effect.and(complete).and(unconditional).and(resource).and(action).and(principal)
}

/// Whether a `Deny` for `principal` covers `who`.
fn denies_to(principal: &Principal, who: &Who) -> Tri {
    let ids = callers(principal);
    if matches!(principal, Principal::Wildcard) || ids.iter().any(|i| i.as_known() == Some("*")) {
        return Tri::Yes;
    }
    match who {
        Who::Everyone | Who::AllBut => Tri::No,
        Who::Unknown => {
            if ids.is_empty() {
                Tri::No
            } else {
                Tri::Maybe
            }
        }
        Who::Id(text, known) => {
            let mut answer = Tri::No;
            for i in ids {
                match normalise(i) {
                    Who::Id(t, _) if t == *text => return Tri::Yes,
                    Who::Id(_, true) if *known => {}
                    _ => answer = Tri::Maybe,
                }
            }
            answer
        }
    }
}

/// Whether the key of the policy bypasses the lock-out safety check (or might: the
/// setting is unknown until apply).
fn bypassed(a: &Analysis, cp: &CompiledPolicy) -> bool {
    let Some(key) = a.key(&cp.address) else {
        return false;
    };
    match key.attrs.get("bypass_policy_lockout_safety_check") {
        None => false,
        Some(v) if v.is_null() => false,
        Some(_) => key.bool_attr("bypass_policy_lockout_safety_check") != Some(false),
    }
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    // The statements of each policy follow one another, in the order of the policies.
    let mut rest = statements(a);
    for cp in a.policies {
        let Some(policy) = &cp.policy else { continue };
        let (mine, after) = rest.split_at(policy.statements().len());
        rest = after;
        if !policy_complete(cp) || bypassed(a, cp) {
            continue;
        }
        let stmts: Vec<&StatementRef> = mine.iter().collect();
        debug_assert!(stmts.iter().all(|s| std::ptr::eq(s.policy, cp)));
        let mut units: Vec<(&StatementRef, Who)> = Vec::new();
        let mut uncertain = false;
        for s in &stmts {
            let (grant, who) = grants(s);
            match grant {
                Tri::No => {}
                Tri::Maybe => uncertain = true,
                Tri::Yes => units.extend(who.into_iter().map(|w| (*s, w))),
            }
        }
        if uncertain {
            continue;
        }
        let mut denying: Vec<&StatementRef> = Vec::new();
        let mut all_removed = true;
        for (_, who) in &units {
            let answers: Vec<(Tri, &StatementRef)> = stmts.iter().map(|d| (removes(d, who), *d)).collect();
            match answers.iter().find(|(t, _)| *t == Tri::Yes) {
                Some((_, d)) => {
                    if !denying.iter().any(|x| std::ptr::eq(*x, *d)) {
                        denying.push(d);
                    }
                }
                None => {
                    all_removed = false;
                    break;
                }
            }
        }
        if !all_removed {
            continue;
        }
        let list_span = policy.statement.as_ref().and_then(|s| s.span);
        let at: Option<Span> = key_span(a.sources, list_span, "Statement").or(list_span).or(policy.span).or(cp.span);
        let d = if units.is_empty() {
            RULE.diagnostic(format!(
                "no statement allows an IAM principal to call `{ACTION}`: AWS refuses a policy that would lock the key"
            ))
            .at(at)
            .help("keep AWS's default statement that allows `kms:*` to the account root (`arn:aws:iam::<account>:root`), or set `bypass_policy_lockout_safety_check = true` on the key if the lock-out is intended")
        } else {
            let mut d = RULE
                .diagnostic(format!(
                    "every grant of `{ACTION}` is denied again: AWS refuses a policy that would lock the key"
                ))
                .at(denying.first().and_then(|s| effect_span(s.statement)).or(at));
            let mut seen: Vec<Span> = Vec::new();
            for (s, _) in &units {
                if let Some(sp) = action_span(s.statement)
                    && !seen.contains(&sp)
                {
                    seen.push(sp);
                    d = d.label(Some(sp), format!("`{ACTION}` allowed here"));
                }
            }
            for s in denying.iter().skip(1) {
                d = d.label(effect_span(s.statement), "and denied here");
            }
            d.help(format!("exclude `{ACTION}` or the key administrators from the `Deny`, or set `bypass_policy_lockout_safety_check = true` on the key if the lock-out is intended"))
        };
        out.push(d.resource(cp.address.clone()));
    }
}

fn effect_span(st: &Statement) -> Option<Span> {
    st.effect.as_ref().and_then(|e| e.span).or(st.span)
}

fn action_span(st: &Statement) -> Option<Span> {
    st.action.as_ref().or(st.not_action.as_ref()).and_then(|l| l.span).or(st.span)
}

#[cfg(test)]
mod tests {
    use crate::rules::conditions::codes_for;

    const ROOT: &str = r#"{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }"#;

    fn locked(statements: &str, key_args: &str, extra: &str) -> bool {
        codes_for(statements, key_args, extra).contains(&"KMS601")
    }

    fn allow(principal: &str, action: &str) -> String {
        format!(r#"{{ Effect = "Allow", Principal = {principal}, {action}, Resource = "*" }}"#)
    }

    #[test]
    fn grants_are_found() {
        assert!(!locked(ROOT, "", ""));
        let admin = r#"{ AWS = "arn:aws:iam::111122223333:role/admin" }"#;
        assert!(!locked(&allow(admin, r#"Action = ["kms:Put*"]"#), "", ""));
        assert!(!locked(&allow(admin, r#"Action = "*""#), "", ""));
        assert!(!locked(&allow(admin, r#"NotAction = ["kms:Encrypt"]"#), "", ""));
        assert!(locked(&allow(admin, r#"NotAction = ["kms:Put*"]"#), "", ""));
        assert!(locked(&allow(admin, r#"Action = ["kms:Encrypt", "kms:Decrypt"]"#), "", ""));
        assert!(locked(&allow(r#"{ Service = "logs.amazonaws.com" }"#, r#"Action = "kms:*""#), "", ""));
        // A statement without `Resource` grants nothing.
        assert!(locked(r#"{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = "kms:*" }"#, "", ""));
    }

    #[test]
    fn unconditional_denies_take_grants_back() {
        let deny = |principal: &str, cond: &str| {
            format!(
                r#"{ROOT}, {{ Effect = "Deny", Principal = {principal}, Action = "kms:PutKeyPolicy", Resource = "*" {cond} }}"#
            )
        };
        assert!(locked(&deny(r#""*""#, ""), "", ""));
        assert!(locked(&deny(r#"{ AWS = "*" }"#, ""), "", ""));
        assert!(locked(&deny(r#"{ AWS = "111122223333" }"#, ""), "", ""));
        assert!(!locked(&deny(r#"{ AWS = "arn:aws:iam::111122223333:role/intern" }"#, ""), "", ""));
        let cond =
            r#", Condition = { ArnNotEquals = { "aws:PrincipalArn" = "arn:aws:iam::111122223333:role/admin" } }"#;
        assert!(!locked(&deny(r#""*""#, cond), "", ""));
        assert!(!locked(&deny(r#"{ AWS = var.denied }"#, ""), "", r#"variable "denied" { type = list(string) }"#));
    }

    #[test]
    fn unknown_parts_and_bypass_silence_the_rule() {
        let only_use = allow(r#"{ AWS = "arn:aws:iam::111122223333:root" }"#, r#"Action = ["kms:Decrypt"]"#);
        assert!(!locked(&only_use, "bypass_policy_lockout_safety_check = true", ""));
        assert!(!locked(
            &only_use,
            "bypass_policy_lockout_safety_check = var.bypass",
            r#"variable "bypass" { type = bool }"#
        ));
        assert!(locked(&only_use, "bypass_policy_lockout_safety_check = false", ""));
        let unknown_actions = allow(r#"{ AWS = "arn:aws:iam::111122223333:root" }"#, "Action = var.actions");
        assert!(!locked(&unknown_actions, "", r#"variable "actions" { type = list(string) }"#));
        let unknown_statement = format!("{only_use}, var.statement");
        assert!(!locked(&unknown_statement, "", r#"variable "statement" {}"#));
        let partial = allow(
            r#"{ AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }"#,
            r#"Action = "kms:*""#,
        );
        assert!(
            !codes_for(&partial, "", r#"data "aws_caller_identity" "current" {}"#)
                .iter()
                .any(|c| c.starts_with("KMS2") || c.starts_with("KMS5") || c.starts_with("KMS6"))
        );
    }
}
