//! Rules of the `conditions` family: condition operators, condition keys and their values,
//! and the lock-out safety check (which needs the same statement analysis).
//!
//! The helpers here are shared with the `principals` family: the statements of every
//! policy, with whether the lowering kept all of each statement ([`StatementRef::complete`]),
//! operator parsing, and whether a condition narrows a wildcard principal.

use std::borrow::Cow;

use super::actions::{ActionName, classify_action};
use super::{Ctx, Rule};
use crate::compile::CompiledPolicy;
use crate::facts::{
    Action, CONDITION_OPERATORS, KeyType, NARROWING_CONDITION_KEYS, OperatorKind, facts,
    wildcard_match_ignore_ascii_case,
};
use crate::policy::ast::{ConditionBlock, PolicyString, Spanned, Statement, StringList};
use crate::source::{SourceMap, Span};
use crate::value::{Value, ValueKind};

mod bool_key_with_non_bool_operator;
mod for_all_values_on_single_valued_key;
mod grant_condition_on_other_actions;
mod malformed_via_service;
mod null_if_exists;
mod policy_lockout;
mod unknown_condition_key;
mod unknown_condition_operator;
mod value_type_mismatch;

/// The rules of this family.
pub static RULES: &[&Rule] = &[
    &unknown_condition_operator::RULE,
    &null_if_exists::RULE,
    &unknown_condition_key::RULE,
    &value_type_mismatch::RULE,
    &bool_key_with_non_bool_operator::RULE,
    &for_all_values_on_single_valued_key::RULE,
    &malformed_via_service::RULE,
    &grant_condition_on_other_actions::RULE,
    &policy_lockout::RULE,
];

/// One statement of one policy.
pub(crate) struct StatementRef<'a> {
    pub policy: &'a CompiledPolicy,
    pub statement: &'a Statement,
    /// The lowering kept every member of the statement: nothing was left out because it
    /// was unknown until apply (`Condition = var.conditions`) or malformed. When `false`,
    /// a rule must not conclude anything from a member being absent.
    pub complete: bool,
}

/// Every statement of every lowered policy, in order (computed once per run).
pub(crate) fn statements<'c, 'a>(a: &'c Ctx<'a>) -> &'c [StatementRef<'a>] {
    a.statements.get_or_init(|| {
        let mut out = Vec::new();
        for cp in a.policies {
            let Some(policy) = &cp.policy else { continue };
            let (_, complete) = completeness(cp);
            for (i, st) in policy.statements().iter().enumerate() {
                out.push(StatementRef {
                    policy: cp,
                    statement: st,
                    complete: complete.get(i).copied().unwrap_or(false),
                });
            }
        }
        out
    })
}

/// One `key: values` of a condition block, with the operator taken apart and the key
/// looked up in the facts.
pub(crate) struct Entry<'a> {
    pub policy: &'a CompiledPolicy,
    pub block: &'a ConditionBlock,
    pub key: &'a Spanned<String>,
    pub values: &'a StringList,
    /// `parse_operator(&block.operator)`.
    pub op: Operator<'a>,
    /// `facts().condition_key(key)`.
    pub key_info: Option<(&'static str, KeyType)>,
}

/// Every condition entry of every statement of every lowered policy, in order (computed
/// once per run).
pub(crate) fn entries<'c, 'a>(a: &'c Ctx<'a>) -> &'c [Entry<'a>] {
    a.conditions.get_or_init(|| {
        let mut out = Vec::new();
        for cp in a.policies {
            let Some(policy) = &cp.policy else { continue };
            for st in policy.statements() {
                let Some(cond) = &st.condition else { continue };
                for block in &cond.node {
                    let op = parse_operator(&block.operator);
                    for (key, values) in &block.entries {
                        let key_info = facts().condition_key(key);
                        out.push(Entry { policy: cp, block, key, values, op, key_info });
                    }
                }
            }
        }
        out
    })
}

/// Whether the lowering kept the whole policy: `Statement` is present, every element of
/// it became a statement, and every statement is complete.
pub(crate) fn policy_complete(cp: &CompiledPolicy) -> bool {
    completeness(cp).0
}

/// (whole policy complete, each statement complete), computed once per policy.
fn completeness(cp: &CompiledPolicy) -> &(bool, Vec<bool>) {
    cp.statement_completeness.get_or_init(|| {
        let Some(policy) = &cp.policy else {
            return (false, Vec::new());
        };
        let items = policy.statements();
        let raw = raw_policy(cp);
        let member = raw.as_deref().and_then(Value::as_map).and_then(|m| m.get("Statement"));
        let Some(raw) = member.and_then(raw_statements) else {
            return (false, vec![false; items.len()]);
        };
        let aligned = raw.len() == items.len();
        let each: Vec<bool> = (0..items.len()).map(|i| aligned && lowers_completely(raw[i])).collect();
        let whole = policy.statement.is_some()
            && member.and_then(whole_statement_count) == Some(items.len())
            && each.iter().all(|c| *c);
        (whole, each)
    })
}

/// How many elements the raw `Statement` member has (all of them objects), or `None`.
fn whole_statement_count(member: &Value) -> Option<usize> {
    match member.as_seq() {
        Some(seq) => seq.iter().all(|v| v.as_map().is_some()).then_some(seq.len()),
        None => member.as_map().map(|_| 1),
    }
}

/// The raw evaluated policy: the structure given to `jsonencode`, or the decoded JSON text.
fn raw_policy(cp: &CompiledPolicy) -> Option<Cow<'_, Value>> {
    if let Some(enc) = &cp.value.encoded {
        return Some(Cow::Borrowed(&**enc));
    }
    if cp.value.as_map().is_some() {
        return Some(Cow::Borrowed(&cp.value));
    }
    crate::json::decode(cp.value.as_str()?).ok().map(Cow::Owned)
}

/// The raw statements of the raw `Statement` member, in the order the lowering keeps them
/// (its object elements, or the member itself when it is an object).
fn raw_statements(member: &Value) -> Option<Vec<&Value>> {
    if member.as_map().is_some() {
        return Some(vec![member]);
    }
    Some(member.as_seq()?.iter().filter(|e| e.as_map().is_some()).collect())
}

/// Whether lowering the raw statement alone reports nothing (nothing left out).
fn lowers_completely(raw_statement: &Value) -> bool {
    if surely_lowers_cleanly(raw_statement) {
        return true;
    }
    let doc = Value::object(crate::value::Members::from([("Statement".to_string(), raw_statement.clone())]));
    let (policy, diags) = crate::policy::lower::lower(&doc, "");
    policy.is_some() && diags.is_empty()
}

/// A quick sufficient condition for [`lowers_completely`]: a statement of the common shape
/// (known members of the right kinds, no `X` together with `NotX`), which the lowering
/// takes without a word. `false` means "not sure": the statement is then lowered.
fn surely_lowers_cleanly(st: &Value) -> bool {
    fn scalar(v: &Value) -> bool {
        matches!(v.kind, ValueKind::String(_) | ValueKind::Partial(_) | ValueKind::Bool(_) | ValueKind::Number(_))
    }
    fn string_list(v: &Value) -> bool {
        scalar(v) || v.as_seq().is_some_and(|items| items.iter().all(scalar))
    }
    let Some(map) = st.as_map() else { return false };
    for (name, v) in map {
        let ok = match name.as_str() {
            "Sid" | "Effect" => scalar(v),
            "Action" | "NotAction" | "Resource" | "NotResource" => string_list(v),
            "Principal" | "NotPrincipal" => match v.as_map() {
                Some(kinds) => kinds.values().all(string_list),
                None => v.as_str() == Some("*"),
            },
            "Condition" => v
                .as_map()
                .is_some_and(|blocks| blocks.values().all(|b| b.as_map().is_some_and(|e| e.values().all(string_list)))),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    [("Principal", "NotPrincipal"), ("Action", "NotAction"), ("Resource", "NotResource")]
        .iter()
        .all(|(x, not_x)| !(map.contains_key(x) && map.contains_key(not_x)))
}

/// `ForAllValues:` or `ForAnyValue:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SetPrefix {
    ForAllValues,
    ForAnyValue,
}

/// A condition operator taken apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Operator<'a> {
    pub prefix: Option<SetPrefix>,
    /// The operator without prefix and without `IfExists` (`StringLike`).
    pub base: &'a str,
    pub if_exists: bool,
    /// `None` when the base is not a known operator (operators are case-sensitive).
    pub kind: Option<OperatorKind>,
}

impl Operator<'_> {
    pub fn is_like(&self) -> bool {
        self.base.ends_with("Like")
    }
}

/// Parses `ForAllValues:StringLikeIfExists` and the like.
pub(crate) fn parse_operator(op: &str) -> Operator<'_> {
    let (prefix, rest) = if let Some(r) = op.strip_prefix("ForAllValues:") {
        (Some(SetPrefix::ForAllValues), r)
    } else if let Some(r) = op.strip_prefix("ForAnyValue:") {
        (Some(SetPrefix::ForAnyValue), r)
    } else {
        (None, op)
    };
    let kind_of = |b: &str| CONDITION_OPERATORS.iter().find(|(n, _)| *n == b).map(|(_, k)| *k);
    if let Some(kind) = kind_of(rest) {
        return Operator { prefix, base: rest, if_exists: false, kind: Some(kind) };
    }
    if let Some(base) = rest.strip_suffix("IfExists")
        && let Some(kind) = kind_of(base)
    {
        return Operator { prefix, base, if_exists: true, kind: Some(kind) };
    }
    Operator { prefix, base: rest, if_exists: false, kind: None }
}

/// Every `(block, key, values)` of a statement's condition.
pub(crate) fn condition_entries(
    st: &Statement,
) -> impl Iterator<Item = (&ConditionBlock, &Spanned<String>, &StringList)> {
    st.condition.iter().flat_map(|c| c.node.iter()).flat_map(|b| b.entries.iter().map(move |(k, v)| (b, k, v)))
}

/// Whether the statement's condition narrows a wildcard principal to known callers: a key
/// of [`NARROWING_CONDITION_KEYS`] under any operator but `Null`.
pub(crate) fn narrows(st: &Statement) -> bool {
    condition_entries(st).any(|(block, key, _)| {
        parse_operator(&block.operator).kind != Some(OperatorKind::Null)
            && NARROWING_CONDITION_KEYS.iter().any(|n| n.eq_ignore_ascii_case(key))
    })
}

/// Whether a statement's actions include `action` (a documented action name such as
/// `kms:PutKeyPolicy`): `Some(true)` / `Some(false)` when known, `None` when an unknown
/// part could decide. A statement with neither `Action` nor `NotAction` has no actions.
pub(crate) fn covers_action(st: &Statement, action: &str) -> Option<bool> {
    let matches = |list: &StringList| -> Option<bool> {
        let mut unknown = false;
        for item in &list.items {
            match item.as_known() {
                Some(p) if wildcard_match_ignore_ascii_case(p, action) => return Some(true),
                Some(_) => {}
                None => unknown = true,
            }
        }
        if unknown { None } else { Some(false) }
    };
    if let Some(list) = &st.action {
        matches(list)
    } else if let Some(list) = &st.not_action {
        matches(list).map(|m| !m)
    } else {
        Some(false)
    }
}

/// The documented names of the actions a statement allows or denies (wildcards and
/// `NotAction` expanded over the known KMS actions); `None` when part of the list is
/// unknown until apply.
pub(crate) fn statement_actions(st: &Statement) -> Option<Vec<&'static str>> {
    let all = &facts().actions;
    let known = |list: &StringList| -> Option<Vec<ActionName>> {
        list.items.iter().map(|i| i.as_known().map(classify_action)).collect()
    };
    let hit = |names: &[ActionName], a: &Action| names.iter().any(|n| n.matches(a));
    if let Some(list) = &st.action {
        let names = known(list)?;
        Some(all.iter().filter(|a| hit(&names, a)).map(|a| a.action.as_str()).collect())
    } else if let Some(list) = &st.not_action {
        let names = known(list)?;
        Some(all.iter().filter(|a| !hit(&names, a)).map(|a| a.action.as_str()).collect())
    } else {
        Some(Vec::new())
    }
}

/// Known values of a condition entry, with their spans (unknown ones left out).
pub(crate) fn known_values(values: &StringList) -> impl Iterator<Item = (&str, &Spanned<PolicyString>)> {
    values.items.iter().filter_map(|v| v.as_known().map(|s| (s, v)))
}

/// The span of an object key written just before its value (`key = value`,
/// `"key" = value`, `"key": value`), found from the value's span; `None` when the source
/// does not read so (the object was built by an expression, the key has escapes).
pub(crate) fn key_span(sources: &SourceMap, value: Option<Span>, key: &str) -> Option<Span> {
    let v = value?;
    let before = sources.get(v.file).text.get(..v.start as usize)?;
    let t = before.trim_end();
    let t = t.strip_suffix('=').or_else(|| t.strip_suffix(':'))?.trim_end();
    let (t, quoted) = match t.strip_suffix('"') {
        Some(t) => (t, true),
        None => (t, false),
    };
    let t = t.strip_suffix(key)?;
    if key.is_empty() || (quoted && !t.ends_with('"')) {
        return None;
    }
    if !quoted && t.chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-') {
        return None;
    }
    Some(Span::new(v.file, t.len(), t.len() + key.len()))
}

/// The span of the member name `name` written in the object at `object` (a statement),
/// when it is written there exactly once as a key (`Principal = `, `"Principal": `).
pub(crate) fn member_span(sources: &SourceMap, object: Option<Span>, name: &str) -> Option<Span> {
    let o = object?;
    let text = sources.text(o);
    let mut found = None;
    for (i, _) in text.match_indices(name) {
        let before = text[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let after = text[i + name.len()..].trim_start_matches('"').trim_start();
        if !(after.starts_with('=') || after.starts_with(':')) || after.starts_with("==") {
            continue;
        }
        if found.is_some() {
            return None;
        }
        found = Some(Span::new(o.file, o.start as usize + i, o.start as usize + i + name.len()));
    }
    found
}

/// Test support: the codes reported for a key whose policy has `statements` (HCL
/// elements of the `Statement` list), with `key_args` in the key and `extra` at the top.
#[cfg(test)]
pub(crate) fn codes_for(statements: &str, key_args: &str, extra: &str) -> Vec<&'static str> {
    let tf = format!(
        "{extra}\nresource \"aws_kms_key\" \"k\" {{\n{key_args}\n  policy = jsonencode({{\n    Version = \"2012-10-17\"\n    Statement = [{statements}]\n  }})\n}}\n"
    );
    let c = crate::compile::compile_sources(
        vec![(std::path::PathBuf::from("main.tf"), tf)],
        &crate::compile::Options::default(),
    );
    c.diagnostics.iter().map(|d| d.code).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_are_taken_apart() {
        let op = parse_operator("ForAllValues:StringLikeIfExists");
        assert_eq!(op.prefix, Some(SetPrefix::ForAllValues));
        assert_eq!(op.base, "StringLike");
        assert!(op.if_exists && op.is_like());
        assert_eq!(op.kind, Some(OperatorKind::String));
        assert_eq!(parse_operator("NullIfExists").kind, Some(OperatorKind::Null));
        assert_eq!(parse_operator("StringEqual").kind, None);
        assert_eq!(parse_operator("stringEquals").kind, None);
        assert_eq!(parse_operator("ForAnyValues:StringEquals").kind, None);
    }

    #[test]
    fn the_quick_completeness_check_agrees_with_the_lowering() {
        let statements = [
            r#"{"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]}, "Action": "kms:*", "Resource": "*"}"#,
            r#"{"Sid": 1, "Effect": true, "Principal": "*", "NotAction": ["kms:Decrypt", 2], "Resource": [], "Condition": {"Bool": {"aws:SecureTransport": [true]}, "Null": {}}}"#,
            r#"{"Effect": "Allow", "Principal": "arn:aws:iam::111122223333:root"}"#,
            r#"{"Effect": null}"#,
            r#"{"Action": "kms:*", "NotAction": "kms:Decrypt"}"#,
            r#"{"Principal": "*", "NotPrincipal": {"AWS": "*"}}"#,
            r#"{"Resource": "*", "NotResource": null}"#,
            r#"{"Actions": "kms:*"}"#,
            r#"{"Principal": {"AWS": null}}"#,
            r#"{"Principal": {"AWS": [["x"]]}}"#,
            r#"{"Principal": ["*"]}"#,
            r#"{"Condition": {"StringEquals": "x"}}"#,
            r#"{"Condition": {"StringEquals": {"k": null}}}"#,
            r#"{"Condition": {"StringEquals": {"k": [null]}}}"#,
            r#"{"Condition": []}"#,
            r#"{"Resource": {"a": "b"}}"#,
            r#"{"Sid": ["a"]}"#,
            r#"{}"#,
        ];
        let mut quick = 0;
        for text in statements {
            let raw = crate::json::decode(text).unwrap();
            let doc = Value::object(crate::value::Members::from([("Statement".to_string(), raw.clone())]));
            let (policy, diags) = crate::policy::lower::lower(&doc, "");
            let clean = policy.is_some() && diags.is_empty();
            if surely_lowers_cleanly(&raw) {
                assert!(clean, "{text}: {diags:?}");
                quick += 1;
            }
            assert_eq!(lowers_completely(&raw), clean, "{text}");
        }
        assert_eq!(quick, 3);
    }
}
