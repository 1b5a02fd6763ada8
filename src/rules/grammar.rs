//! Rules of the `grammar` family: the policy document itself (`Version`, `Statement`, the
//! members every statement needs, `Sid`s, size and characters).
//!
//! Besides the typed AST, some rules look at the *raw* evaluated policy (the structure
//! given to `jsonencode`, or the decoded JSON text): the lowering leaves out members it
//! reported as malformed (`codes::POLICY_SHAPE`) or unknown until apply
//! (`codes::UNKNOWN`), and a rule must not report such a member as missing or empty a
//! second time.

use std::borrow::Cow;

use super::Rule;
use crate::analysis::Analysis;
use crate::compile::CompiledPolicy;
use crate::policy::ast::{KeyPolicy, PolicyString, Principal, Statement, StringList};
use crate::source::Span;
use crate::value::{Part, Value, ValueKind};

mod duplicate_sid;
mod empty_list;
mod invalid_character;
mod invalid_effect;
mod invalid_version;
mod missing_action;
mod missing_effect;
mod missing_principal;
mod missing_resource;
mod missing_version;
mod no_statements;
mod old_version;
mod policy_too_large;

/// The rules of this family.
pub static RULES: &[&Rule] = &[
    &missing_version::RULE,
    &invalid_version::RULE,
    &old_version::RULE,
    &no_statements::RULE,
    &missing_effect::RULE,
    &invalid_effect::RULE,
    &missing_principal::RULE,
    &missing_action::RULE,
    &missing_resource::RULE,
    &empty_list::RULE,
    &duplicate_sid::RULE,
    &policy_too_large::RULE,
    &invalid_character::RULE,
];

/// Every policy that could be lowered, with its compiled form.
pub(crate) fn policies<'a>(a: &'a Analysis) -> impl Iterator<Item = (&'a CompiledPolicy, &'a KeyPolicy)> + 'a {
    a.policies.iter().filter_map(|cp| cp.policy.as_ref().map(|p| (cp, p)))
}

/// The raw evaluated policy: the structure given to `jsonencode`, or the decoded JSON
/// text. `None` when neither is available.
pub(crate) fn raw_policy(cp: &CompiledPolicy) -> Option<Cow<'_, Value>> {
    if let Some(enc) = &cp.value.encoded {
        return Some(Cow::Borrowed(&**enc));
    }
    let text = cp.value.as_str()?;
    crate::json::decode(text).ok().map(Cow::Owned)
}

/// The raw `Statement` member of a raw policy (`None` when absent or not an object).
pub(crate) fn raw_statement_member(raw: &Value) -> Option<&Value> {
    raw.as_map()?.get("Statement")
}

/// The members of each raw statement, in the order the lowering keeps statements (every
/// object element of `Statement`, or `Statement` itself when it is an object).
fn raw_statements(raw: &Value) -> Option<Vec<&crate::value::Members>> {
    let st = raw_statement_member(raw)?;
    if let Some(m) = st.as_map() {
        return Some(vec![m]);
    }
    Some(st.as_seq()?.iter().filter_map(Value::as_map).collect())
}

/// Calls `f` with each statement of the policy and, when it can be told, the members the
/// statement had before lowering.
pub(crate) fn each_statement<'a>(
    cp: &'a CompiledPolicy,
    policy: &'a KeyPolicy,
    mut f: impl FnMut(&'a Statement, Option<&crate::value::Members>),
) {
    let raw = raw_policy(cp);
    let raws = raw.as_deref().and_then(raw_statements).filter(|r| r.len() == policy.statements().len());
    for (i, st) in policy.statements().iter().enumerate() {
        f(st, raws.as_ref().map(|r| r[i]));
    }
}

/// Whether a raw statement has one of `members` (written, even if it was then left out as
/// malformed or unknown). Without the raw statement, assumes it has none.
pub(crate) fn has_member(raw: Option<&crate::value::Members>, members: &[&str]) -> bool {
    raw.is_some_and(|m| members.iter().any(|name| m.contains_key(name)))
}

/// A known string of the policy: what it is (`` `Sid` ``, `` `Principal.AWS` ``), its
/// known parts (one for a wholly known string; none for a wholly unknown one), its span.
pub(crate) struct KnownText<'a> {
    pub what: What<'a>,
    text: Text<'a>,
    pub span: Option<Span>,
}

enum Text<'a> {
    String(&'a PolicyString),
    Name(&'a str),
}

impl<'a> KnownText<'a> {
    /// The first `Some` that `f` gives for a known part, in order.
    pub fn find_map_part<T>(&self, mut f: impl FnMut(&'a str) -> Option<T>) -> Option<T> {
        match self.text {
            Text::String(s) => s.parts.iter().find_map(|p| match p {
                Part::Known(t) => f(t),
                Part::Unknown(_) => None,
            }),
            Text::Name(n) => f(n),
        }
    }

    /// The known parts, in order.
    pub fn parts(&self) -> impl Iterator<Item = &'a str> + 'a {
        let (parts, name): (&'a [Part], Option<&'a str>) = match self.text {
            Text::String(s) => (&s.parts, None),
            Text::Name(n) => (&[], Some(n)),
        };
        parts
            .iter()
            .filter_map(|p| match p {
                Part::Known(t) => Some(t.as_str()),
                Part::Unknown(_) => None,
            })
            .chain(name)
    }
}

/// What a [`KnownText`] is, as shown in messages (its `Display`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum What<'a> {
    /// `` `Version` ``, `` `Action` ``, `condition key`, ...
    Plain(&'static str),
    /// `` `Principal` kind `` (the member: `Principal` or `NotPrincipal`).
    PrincipalKind(&'static str),
    /// `` `Principal.AWS` `` (the member and the kind).
    Principal(&'static str, &'a str),
    /// `` `kms:ViaService` condition value `` (the key).
    ConditionValue(&'a str),
}

impl What<'_> {
    /// Shown as `` `Principal... `` or `` `NotPrincipal... ``: a principal kind or
    /// identifier (or the value of a condition key named so).
    pub fn in_principal(&self) -> bool {
        let named = |s: &str| s.starts_with("Principal") || s.starts_with("NotPrincipal");
        match self {
            What::PrincipalKind(_) | What::Principal(..) => true,
            What::ConditionValue(key) => named(key),
            What::Plain(s) => s.strip_prefix('`').is_some_and(named),
        }
    }
}

impl std::fmt::Display for What<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            What::Plain(s) => f.write_str(s),
            What::PrincipalKind(member) => write!(f, "`{member}` kind"),
            What::Principal(member, kind) => write!(f, "`{member}.{kind}`"),
            What::ConditionValue(key) => write!(f, "`{key}` condition value"),
        }
    }
}

/// Every string of the policy, in document order: values and the names of principal
/// kinds, condition operators and condition keys.
pub(crate) fn policy_strings(policy: &KeyPolicy) -> Vec<KnownText<'_>> {
    let mut out = Vec::new();
    fn string<'a>(out: &mut Vec<KnownText<'a>>, what: What<'a>, s: &'a PolicyString, span: Option<Span>) {
        out.push(KnownText { what, text: Text::String(s), span });
    }
    fn name<'a>(out: &mut Vec<KnownText<'a>>, what: What<'a>, s: &'a str, span: Option<Span>) {
        out.push(KnownText { what, text: Text::Name(s), span });
    }
    fn list<'a>(out: &mut Vec<KnownText<'a>>, what: What<'a>, l: &'a StringList) {
        for it in &l.items {
            string(out, what, &it.node, it.span);
        }
    }
    fn principal<'a>(out: &mut Vec<KnownText<'a>>, member: &'static str, p: &'a Principal) {
        if let Principal::Map(kinds) = p {
            for (kind, ids) in kinds {
                name(out, What::PrincipalKind(member), &kind.node, kind.span);
                list(out, What::Principal(member, &kind.node), ids);
            }
        }
    }
    if let Some(v) = &policy.version {
        string(&mut out, What::Plain("`Version`"), &v.node, v.span);
    }
    if let Some(v) = &policy.id {
        string(&mut out, What::Plain("`Id`"), &v.node, v.span);
    }
    for st in policy.statements() {
        if let Some(s) = &st.sid {
            string(&mut out, What::Plain("`Sid`"), &s.node, s.span);
        }
        if let Some(e) = &st.effect
            && let crate::policy::ast::Effect::Other(s) = &e.node
        {
            string(&mut out, What::Plain("`Effect`"), s, e.span);
        }
        if let Some(p) = &st.principal {
            principal(&mut out, "Principal", &p.node);
        }
        if let Some(p) = &st.not_principal {
            principal(&mut out, "NotPrincipal", &p.node);
        }
        for (member, l) in [
            ("`Action`", &st.action),
            ("`NotAction`", &st.not_action),
            ("`Resource`", &st.resource),
            ("`NotResource`", &st.not_resource),
        ] {
            if let Some(l) = l {
                list(&mut out, What::Plain(member), l);
            }
        }
        if let Some(c) = &st.condition {
            for block in &c.node {
                name(&mut out, What::Plain("condition operator"), &block.operator.node, block.operator.span);
                for (key, values) in &block.entries {
                    name(&mut out, What::Plain("condition key"), &key.node, key.span);
                    list(&mut out, What::ConditionValue(&key.node), values);
                }
            }
        }
    }
    out
}

/// The byte size `jsonencode` would give `v`, counting parts unknown until apply as
/// empty (a lower bound when `v` is not wholly known).
pub(crate) fn encoded_size_lower_bound(v: &Value) -> usize {
    let string = |s: &str| {
        let mut out = String::new();
        crate::json::encode_string(&mut out, s);
        out.len()
    };
    match &v.kind {
        ValueKind::Null => 4,
        ValueKind::Bool(b) => {
            if *b {
                4
            } else {
                5
            }
        }
        ValueKind::Number(n) => n.to_string().len(),
        ValueKind::String(s) => string(s),
        ValueKind::Partial(parts) => {
            2 + parts
                .iter()
                .map(|p| match p {
                    Part::Known(t) => string(t) - 2,
                    Part::Unknown(_) => 0,
                })
                .sum::<usize>()
        }
        ValueKind::Unknown(_) => 0,
        ValueKind::Tuple(items) | ValueKind::List(items) | ValueKind::Set(items) => {
            let known = items.iter().filter(|i| !matches!(i.kind, ValueKind::Unknown(_))).count();
            2 + known.saturating_sub(1) + items.iter().map(encoded_size_lower_bound).sum::<usize>()
        }
        ValueKind::Object(m) | ValueKind::Map(m) => {
            2 + m.len().saturating_sub(1)
                + m.iter().map(|(k, x)| string(k) + 1 + encoded_size_lower_bound(x)).sum::<usize>()
        }
    }
}

/// Test support: the diagnostics with `code` that compiling `src` (one `main.tf`) gives.
#[cfg(test)]
pub(crate) fn diagnostics_of(code: &str, src: &str) -> Vec<crate::diagnostic::Diagnostic> {
    let c = crate::compile::compile_sources(
        vec![(std::path::PathBuf::from("main.tf"), src.to_string())],
        &crate::compile::Options::default(),
    );
    c.diagnostics.into_iter().filter(|d| d.code == code).collect()
}

/// Test support: a key whose policy has the root statement followed by `statements`
/// (HCL object expressions separated by commas).
#[cfg(test)]
pub(crate) fn key_with(statements: &str) -> String {
    format!(
        r#"resource "aws_kms_key" "k" {{
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = {{ AWS = "arn:aws:iam::111122223333:root" }}
        Action    = "kms:*"
        Resource  = "*"
      }},
      {statements}
    ]
  }})
}}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::Number;

    #[test]
    fn what_is_shown() {
        let cases = [
            (What::Plain("`Sid`"), "`Sid`", false),
            (What::Plain("condition key"), "condition key", false),
            (What::PrincipalKind("NotPrincipal"), "`NotPrincipal` kind", true),
            (What::Principal("Principal", "AWS"), "`Principal.AWS`", true),
            (What::ConditionValue("kms:ViaService"), "`kms:ViaService` condition value", false),
            (What::ConditionValue("PrincipalArn"), "`PrincipalArn` condition value", true),
        ];
        for (what, shown, in_principal) in cases {
            assert_eq!(what.to_string(), shown);
            let text = what.to_string();
            assert_eq!(text.starts_with("`Principal") || text.starts_with("`NotPrincipal"), in_principal, "{shown}");
            assert_eq!(what.in_principal(), in_principal, "{shown}");
        }
    }

    #[test]
    fn size_lower_bound_matches_jsonencode_when_known() {
        let v = Value::object(crate::value::Members::from([
            ("a".to_string(), Value::tuple(vec![Value::string("x<y"), Value::bool(false)])),
            ("b".to_string(), Value::number(Number::from_i64(12))),
            ("c".to_string(), Value::null()),
        ]));
        assert_eq!(encoded_size_lower_bound(&v), crate::json::encode(&v).unwrap().len());
        let p = Value::partial(vec![Part::Known("ab".into()), Part::Unknown("var.x".into())]);
        assert_eq!(encoded_size_lower_bound(&p), 4);
    }
}
