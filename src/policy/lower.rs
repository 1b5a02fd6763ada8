//! Lowering an evaluated policy value into the typed [`KeyPolicy`] AST.
//!
//! Only the *shape* of an IAM policy document is checked here (`codes::POLICY_SHAPE`):
//! which members exist, what types their values have, `X` together with `NotX`. Whether
//! the values make sense (`Effect` spelled `allow`, unknown actions, missing members) is
//! left to the policy rules. Lowering never stops at the first error: every problem found
//! is reported, with the span of the offending value (or of the nearest enclosing value
//! that has one) and the resource address.
//!
//! Values unknown until apply are kept symbolic where IAM expects a string or a list of
//! strings. Where an object is expected (the policy, a statement, `Principal`,
//! `Condition`), kmsc cannot show what apply will see, so an unknown value there is
//! reported as `codes::UNKNOWN` and left out.

use std::fmt;

use crate::diagnostic::{Diagnostic, codes};
use crate::source::Span;
use crate::value::{Type, Value, ValueKind};

use super::ast::{
    ConditionBlock, Effect, KeyPolicy, PolicyString, Principal, Scalar, Spanned, Statement, Statements, StringList,
};

/// Members allowed at the top of a policy.
const POLICY_MEMBERS: &[&str] = &["Version", "Id", "Statement"];

/// Members allowed in a statement.
const STATEMENT_MEMBERS: &[&str] =
    &["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

/// Lowers the evaluated policy value (the argument of `jsonencode(...)`, i.e.
/// `value.encoded` when present, or a decoded JSON document) into a [`KeyPolicy`].
///
/// Returns `None` only when the value is not an object at all. Diagnostics carry
/// `address` as their resource.
pub fn lower(v: &Value, address: &str) -> (Option<KeyPolicy>, Vec<Diagnostic>) {
    let mut l = Lowerer { address, diags: Vec::new() };
    let policy = l.policy(v);
    (policy, l.diags)
}

struct Lowerer<'a> {
    address: &'a str,
    diags: Vec<Diagnostic>,
}

/// The members of an object or map value.
fn members(v: &Value) -> Option<&crate::value::Members> {
    v.as_map()
}

/// Whether an unknown value of type `ty` could be a single string once known (bools and
/// numbers become strings too).
fn scalar_type(ty: &Type) -> bool {
    matches!(ty, Type::String | Type::Number | Type::Bool | Type::Dynamic)
}

/// Whether an unknown value of type `ty` could be a string or a list of strings.
fn string_list_type(ty: &Type) -> bool {
    match ty {
        Type::List(t) | Type::Set(t) => scalar_type(t),
        Type::Tuple(ts) => ts.iter().all(scalar_type),
        t => scalar_type(t),
    }
}

/// A short description of a value's type for messages: `object`, `tuple`, or for unknown
/// values their type (`list(object({...}))`).
fn found(v: &Value) -> String {
    match &v.kind {
        ValueKind::Unknown(u) if u.ty != Type::Dynamic => u.ty.to_string(),
        _ => v.type_name().to_string(),
    }
}

/// A scalar value (string, partial string, bool, number) as a policy string.
fn scalar(v: &Value) -> Option<PolicyString> {
    match &v.kind {
        ValueKind::String(s) => Some(PolicyString::known(s.clone(), Scalar::String)),
        ValueKind::Partial(parts) => Some(PolicyString::from_parts(parts.clone())),
        ValueKind::Bool(b) => Some(PolicyString::known(b.to_string(), Scalar::Bool)),
        ValueKind::Number(n) => Some(PolicyString::known(n.to_string(), Scalar::Number)),
        _ => None,
    }
}

/// The closest allowed member name, for a "did you mean" help.
fn suggestion(name: &str, allowed: &[&str]) -> Option<String> {
    if let Some(m) = allowed.iter().find(|m| m.eq_ignore_ascii_case(name)) {
        return Some(format!("member names are case-sensitive: did you mean `{m}`?"));
    }
    let lower = name.to_ascii_lowercase();
    allowed
        .iter()
        .map(|m| (edit_distance(&lower, &m.to_ascii_lowercase()), m))
        .filter(|(d, m)| *d <= 2 && *d < m.len() / 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, m)| format!("did you mean `{m}`?"))
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

impl Lowerer<'_> {
    fn shape(&mut self, span: Option<Span>, message: String) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(codes::POLICY_SHAPE, message).at(span).resource(self.address));
        self.diags.last_mut().expect("just pushed")
    }

    fn unknown(&mut self, v: &Value, span: Option<Span>, what: &dyn fmt::Display, expected: &str) {
        let expr = v.first_unknown().unwrap_or_default();
        let d = Diagnostic::error(codes::UNKNOWN, format!("{what} is unknown until apply (`{expr}`)"))
            .at(span)
            .resource(self.address)
            .help(format!(
                "kmsc needs {what} to be {expected} to compile the policy; write it out or \
             give the value it depends on"
            ));
        self.diags.push(d);
    }

    fn policy(&mut self, v: &Value) -> Option<KeyPolicy> {
        let span = v.span;
        let Some(map) = members(v) else {
            match &v.kind {
                ValueKind::Unknown(_) | ValueKind::Partial(_) => self.unknown(v, span, &"the policy", "a known object"),
                _ => {
                    self.shape(span, format!("policy must be an object, found {}", found(v)));
                }
            }
            return None;
        };
        let mut policy = KeyPolicy { version: None, id: None, statement: None, span };
        for (name, value) in map {
            if !POLICY_MEMBERS.contains(&name.as_str()) {
                let at = value.span.or(span);
                let help = suggestion(name, POLICY_MEMBERS);
                let d = self.shape(at, format!("unknown policy member `{name}`"));
                d.help = help.or_else(|| Some("a policy has only `Version`, `Id` and `Statement`".to_string()));
                continue;
            }
            if value.is_null() {
                self.null(name, value, span);
                continue;
            }
            match name.as_str() {
                "Version" => policy.version = self.string(value, span, &"`Version`"),
                "Id" => policy.id = self.string(value, span, &"`Id`"),
                _ => policy.statement = self.statements(value, span),
            }
        }
        Some(policy)
    }

    fn null(&mut self, name: &str, value: &Value, parent: Option<Span>) {
        self.shape(value.span.or(parent), format!("`{name}` is null")).help = Some(
            "Terraform writes a null attribute as `null`, which AWS rejects; leave the \
             member out instead"
                .to_string(),
        );
    }

    /// A string member (`Version`, `Id`, `Sid`, `Effect`).
    fn string(&mut self, v: &Value, parent: Option<Span>, what: &dyn fmt::Display) -> Option<Spanned<PolicyString>> {
        let span = v.span.or(parent);
        if let Some(s) = scalar(v) {
            return Some(Spanned::new(s, span));
        }
        match &v.kind {
            ValueKind::Unknown(u) if scalar_type(&u.ty) => {
                Some(Spanned::new(PolicyString::unknown(u.expr.clone()), span))
            }
            _ => {
                self.shape(span, format!("{what} must be a string, found {}", found(v)));
                None
            }
        }
    }

    /// A string or a list of strings.
    fn string_list(&mut self, v: &Value, parent: Option<Span>, what: &dyn fmt::Display) -> Option<StringList> {
        let span = v.span.or(parent);
        if let Some(s) = scalar(v) {
            return Some(StringList { items: vec![Spanned::new(s, span)], was_list: false, span });
        }
        match &v.kind {
            ValueKind::Unknown(u) if string_list_type(&u.ty) => Some(StringList {
                items: vec![Spanned::new(PolicyString::unknown(u.expr.clone()), span)],
                was_list: !matches!(u.ty, Type::String | Type::Number | Type::Bool),
                span,
            }),
            ValueKind::Tuple(elems) | ValueKind::List(elems) | ValueKind::Set(elems) => {
                let mut items = Vec::with_capacity(elems.len());
                for e in elems {
                    let espan = e.span.or(span);
                    if let Some(s) = scalar(e) {
                        items.push(Spanned::new(s, espan));
                        continue;
                    }
                    match &e.kind {
                        ValueKind::Unknown(u) if scalar_type(&u.ty) => {
                            items.push(Spanned::new(PolicyString::unknown(u.expr.clone()), espan))
                        }
                        ValueKind::Null => {
                            self.shape(espan, format!("{what} must not contain null"));
                        }
                        _ => {
                            self.shape(
                                espan,
                                format!(
                                    "{what} must be a string or a list of strings, found an \
                                     element of type {}",
                                    found(e)
                                ),
                            );
                        }
                    }
                }
                Some(StringList { items, was_list: true, span })
            }
            _ => {
                self.shape(span, format!("{what} must be a string or a list of strings, found {}", found(v)));
                None
            }
        }
    }

    fn statements(&mut self, v: &Value, parent: Option<Span>) -> Option<Statements> {
        let span = v.span.or(parent);
        if members(v).is_some() {
            let items = self.statement(v, span).into_iter().collect();
            return Some(Statements { items, was_object: true, span });
        }
        match &v.kind {
            ValueKind::Tuple(elems) | ValueKind::List(elems) | ValueKind::Set(elems) => {
                let mut items = Vec::with_capacity(elems.len());
                for e in elems {
                    let espan = e.span.or(span);
                    match &e.kind {
                        ValueKind::Object(_) | ValueKind::Map(_) => {
                            items.extend(self.statement(e, espan));
                        }
                        ValueKind::Unknown(_) => self.unknown(e, espan, &"a statement", "a known object"),
                        ValueKind::Null => {
                            self.shape(espan, "`Statement` must not contain null".to_string());
                        }
                        _ => {
                            self.shape(espan, format!("a statement must be an object, found {}", found(e)));
                        }
                    }
                }
                Some(Statements { items, was_object: false, span })
            }
            ValueKind::Unknown(_) => {
                self.unknown(v, span, &"`Statement`", "a known list of objects");
                None
            }
            _ => {
                self.shape(span, format!("`Statement` must be an object or a list of objects, found {}", found(v)));
                None
            }
        }
    }

    fn statement(&mut self, v: &Value, parent: Option<Span>) -> Option<Statement> {
        let span = v.span.or(parent);
        let map = members(v)?;
        let mut st = Statement {
            sid: None,
            effect: None,
            principal: None,
            not_principal: None,
            action: None,
            not_action: None,
            resource: None,
            not_resource: None,
            condition: None,
            span,
        };
        for (name, value) in map {
            if !STATEMENT_MEMBERS.contains(&name.as_str()) {
                let at = value.span.or(span);
                let help = suggestion(name, STATEMENT_MEMBERS);
                let d = self.shape(at, format!("unknown statement member `{name}`"));
                d.help = help;
                continue;
            }
            if value.is_null() {
                self.null(name, value, span);
                continue;
            }
            let what = Backticked(name, None);
            match name.as_str() {
                "Sid" => st.sid = self.string(value, span, &what),
                "Effect" => {
                    st.effect = self.string(value, span, &what).map(|s| {
                        let effect = match (s.node.as_known(), s.node.from) {
                            (Some("Allow"), Scalar::String) => Effect::Allow,
                            (Some("Deny"), Scalar::String) => Effect::Deny,
                            _ => Effect::Other(s.node),
                        };
                        Spanned::new(effect, s.span)
                    })
                }
                "Principal" => st.principal = self.principal(value, span, name),
                "NotPrincipal" => st.not_principal = self.principal(value, span, name),
                "Action" => st.action = self.string_list(value, span, &what),
                "NotAction" => st.not_action = self.string_list(value, span, &what),
                "Resource" => st.resource = self.string_list(value, span, &what),
                "NotResource" => st.not_resource = self.string_list(value, span, &what),
                _ => st.condition = self.condition(value, span),
            }
        }
        for (x, not_x) in [("Principal", "NotPrincipal"), ("Action", "NotAction"), ("Resource", "NotResource")] {
            let (Some(a), Some(b)) = (map.get(x), map.get(not_x)) else {
                continue;
            };
            if a.is_null() || b.is_null() {
                continue;
            }
            let d = self.shape(b.span.or(span), format!("statement has both `{x}` and `{not_x}`"));
            if let Some(a_span) = a.span {
                d.labels.push(crate::diagnostic::Label { span: a_span, message: format!("`{x}` is here") });
            }
            d.help = Some(format!("a statement has either `{x}` or `{not_x}`, not both"));
        }
        Some(st)
    }

    fn principal(&mut self, v: &Value, parent: Option<Span>, name: &str) -> Option<Spanned<Principal>> {
        let span = v.span.or(parent);
        let what = Backticked(name, None);
        if let Some(map) = members(v) {
            let mut kinds = Vec::with_capacity(map.len());
            for (kind, ids) in map {
                let kspan = ids.span.or(span);
                let kwhat = Backticked(name, Some(kind));
                if ids.is_null() {
                    self.shape(kspan, format!("{kwhat} is null"));
                    continue;
                }
                if let Some(list) = self.string_list(ids, span, &kwhat) {
                    kinds.push((Spanned::new(kind.clone(), kspan), list));
                }
            }
            return Some(Spanned::new(Principal::Map(kinds), span));
        }
        match &v.kind {
            ValueKind::String(s) if s == "*" => Some(Spanned::new(Principal::Wildcard, span)),
            ValueKind::String(s) => {
                let help = if s.starts_with("arn:") || s.chars().all(|c| c.is_ascii_digit()) {
                    format!("write an object: `{{ AWS = \"{s}\" }}`")
                } else if s.ends_with(".amazonaws.com") {
                    format!("write an object: `{{ Service = \"{s}\" }}`")
                } else {
                    "write `\"*\"` or an object such as `{ AWS = \"arn:...\" }`".to_string()
                };
                self.shape(span, format!("{what} must be `*` or an object, found string `{s}`")).help = Some(help);
                None
            }
            // Could be `"*"` or an object once known.
            ValueKind::Partial(_) => {
                self.unknown(v, span, &what, "`*` or an object");
                None
            }
            ValueKind::Unknown(u)
                if !matches!(u.ty, Type::List(_) | Type::Set(_) | Type::Tuple(_) | Type::Bool | Type::Number) =>
            {
                self.unknown(v, span, &what, "`*` or an object");
                None
            }
            _ => {
                self.shape(span, format!("{what} must be `*` or an object, found {}", found(v)));
                None
            }
        }
    }

    fn condition(&mut self, v: &Value, parent: Option<Span>) -> Option<Spanned<Vec<ConditionBlock>>> {
        let span = v.span.or(parent);
        let Some(map) = members(v) else {
            if let ValueKind::Unknown(_) = v.kind {
                self.unknown(v, span, &"`Condition`", "a known object");
            } else {
                self.shape(span, format!("`Condition` must be an object of objects, found {}", found(v)));
            }
            return None;
        };
        let mut blocks = Vec::with_capacity(map.len());
        for (op, block) in map {
            let bspan = block.span.or(span);
            let bwhat = Backticked("Condition", Some(op));
            let Some(entries) = members(block) else {
                match block.kind {
                    ValueKind::Null => {
                        self.shape(bspan, format!("{bwhat} is null"));
                    }
                    ValueKind::Unknown(_) => self.unknown(block, bspan, &bwhat, "a known object"),
                    _ => {
                        self.shape(
                            bspan,
                            format!("{bwhat} must be an object of condition keys, found {}", found(block)),
                        )
                        .help = Some(format!("write `{op} = {{ \"<condition key>\" = <value or list> }}`"));
                    }
                }
                continue;
            };
            let mut list = Vec::with_capacity(entries.len());
            for (key, values) in entries {
                let vspan = values.span.or(bspan);
                let vwhat = format!("`Condition.{op}.{key}`");
                if values.is_null() {
                    self.shape(vspan, format!("{vwhat} is null"));
                    continue;
                }
                if let Some(values) = self.string_list(values, bspan, &vwhat) {
                    list.push((Spanned::new(key.clone(), vspan), values));
                }
            }
            blocks.push(ConditionBlock { operator: Spanned::new(op.clone(), bspan), entries: list });
        }
        Some(Spanned::new(blocks, span))
    }
}

/// `` `name` `` or `` `name.member` ``, written only when a message needs it.
struct Backticked<'a>(&'a str, Option<&'a str>);

impl fmt::Display for Backticked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Some(member) => write!(f, "`{}.{member}`", self.0),
            None => write!(f, "`{}`", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::policy::test_support::B;
    use crate::value::Part;

    fn errors(v: &Value) -> Vec<(String, Option<Span>)> {
        let (_, diags) = lower(v, "aws_kms_key.k");
        for d in &diags {
            assert_eq!(d.resource.as_deref(), Some("aws_kms_key.k"));
            assert_eq!(d.severity, Severity::Error);
            assert!(d.span.is_some(), "{d:?}");
        }
        diags.into_iter().map(|d| (d.message, d.span)).collect()
    }

    fn messages(v: &Value) -> Vec<String> {
        errors(v).into_iter().map(|(m, _)| m).collect()
    }

    fn known(s: &str) -> PolicyString {
        PolicyString::known(s, Scalar::String)
    }

    #[test]
    fn lowers_a_simple_policy() {
        let b = B::new();
        let v = b.o(vec![
            ("Version", b.s("2012-10-17")),
            (
                "Statement",
                b.t(vec![b.o(vec![
                    ("Sid", b.s("Root")),
                    ("Effect", b.s("Allow")),
                    ("Principal", b.o(vec![("AWS", b.s("arn:aws:iam::111122223333:root"))])),
                    ("Action", b.s("kms:*")),
                    ("Resource", b.t(vec![b.s("*")])),
                ])]),
            ),
        ]);
        let (p, diags) = lower(&v, "aws_kms_key.k");
        assert!(diags.is_empty(), "{diags:?}");
        let p = p.unwrap();
        assert_eq!(p.version.as_ref().unwrap().node, known("2012-10-17"));
        assert!(p.id.is_none());
        let stmts = p.statement.as_ref().unwrap();
        assert!(!stmts.was_object);
        let st = &p.statements()[0];
        assert_eq!(st.sid.as_ref().unwrap().node, known("Root"));
        assert_eq!(st.effect.as_ref().unwrap().node, Effect::Allow);
        let Principal::Map(kinds) = &st.principal.as_ref().unwrap().node else {
            panic!("principal map expected");
        };
        assert_eq!(kinds[0].0.node, "AWS");
        assert!(!kinds[0].1.was_list);
        let action = st.action.as_ref().unwrap();
        assert!(!action.was_list);
        assert_eq!(action.items[0].node, known("kms:*"));
        assert!(st.resource.as_ref().unwrap().was_list);
        // Spans come from the values.
        assert_eq!(
            action.items[0].span,
            v.as_map().unwrap()["Statement"].as_seq().unwrap()[0].as_map().unwrap()["Action"].span
        );
        assert_eq!(p.span, v.span);
    }

    #[test]
    fn scalars_become_strings() {
        let b = B::new();
        let v = b.o(vec![(
            "Statement",
            b.o(vec![
                ("Effect", b.bool(true)),
                (
                    "Condition",
                    b.o(vec![("NumericLessThan", b.o(vec![("kms:X", b.t(vec![b.num("1.50"), b.bool(false)]))]))]),
                ),
            ]),
        )]);
        let (p, diags) = lower(&v, "k");
        assert!(diags.is_empty(), "{diags:?}");
        let p = p.unwrap();
        assert!(p.statement.as_ref().unwrap().was_object);
        let st = &p.statements()[0];
        assert_eq!(st.effect.as_ref().unwrap().node, Effect::Other(PolicyString::known("true", Scalar::Bool)));
        let cond = &st.condition.as_ref().unwrap().node;
        assert_eq!(cond[0].operator.node, "NumericLessThan");
        let values = &cond[0].entries[0].1.items;
        assert_eq!(values[0].node, PolicyString::known("1.5", Scalar::Number));
        assert_eq!(values[1].node, PolicyString::known("false", Scalar::Bool));
    }

    #[test]
    fn unknowns_are_kept_symbolic() {
        let b = B::new();
        let v = b.o(vec![(
            "Statement",
            b.t(vec![b.o(vec![
                ("Sid", b.unknown("var.sid", Type::String)),
                ("Action", b.unknown("var.actions", Type::List(Box::new(Type::String)))),
                ("NotResource", b.unknown("var.r", Type::String)),
                (
                    "Principal",
                    b.o(vec![(
                        "AWS",
                        b.t(vec![
                            b.partial(vec![
                                Part::Known("arn:aws:iam::".into()),
                                Part::Unknown("data.aws_caller_identity.current.account_id".into()),
                                Part::Known(":root".into()),
                            ]),
                            b.unknown("var.admin", Type::Dynamic),
                        ]),
                    )]),
                ),
            ])]),
        )]);
        let (p, diags) = lower(&v, "k");
        assert!(diags.is_empty(), "{diags:?}");
        let st = &p.as_ref().unwrap().statements()[0];
        assert_eq!(st.sid.as_ref().unwrap().node, PolicyString::unknown("var.sid"));
        let action = st.action.as_ref().unwrap();
        assert!(action.was_list);
        assert_eq!(action.items[0].node.from, Scalar::Unknown);
        assert_eq!(action.items[0].node.to_string(), "${var.actions}");
        assert!(!st.not_resource.as_ref().unwrap().was_list);
        let Principal::Map(kinds) = &st.principal.as_ref().unwrap().node else { panic!() };
        let ids: Vec<String> = kinds[0].1.items.iter().map(|s| s.to_string()).collect();
        assert_eq!(ids, ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root", "${var.admin}"]);
        assert!(!kinds[0].1.items[0].is_known());
    }

    #[test]
    fn policy_not_an_object() {
        let b = B::new();
        let v = b.s("{}");
        let (p, diags) = lower(&v, "k");
        assert!(p.is_none());
        assert_eq!(diags[0].message, "policy must be an object, found string");
        assert_eq!(diags[0].code, codes::POLICY_SHAPE);
        assert_eq!(diags[0].span, v.span);

        let (p, diags) = lower(&b.t(vec![]), "k");
        assert!(p.is_none());
        assert_eq!(diags[0].message, "policy must be an object, found tuple");

        let u = b.unknown("var.policy", Type::Dynamic);
        let (p, diags) = lower(&u, "k");
        assert!(p.is_none());
        assert_eq!(diags[0].code, codes::UNKNOWN);
        assert_eq!(diags[0].message, "the policy is unknown until apply (`var.policy`)");
    }

    #[test]
    fn unknown_members() {
        let b = B::new();
        let statment = b.t(vec![]);
        let statment_span = statment.span;
        let v = b.o(vec![
            ("Statment", statment),
            ("version", b.s("2012-10-17")),
            ("Foo", b.s("x")),
            ("Statement", b.o(vec![("Actions", b.s("kms:*")), ("effect", b.s("Allow"))])),
        ]);
        let (p, diags) = lower(&v, "k");
        assert!(p.is_some());
        let got: Vec<(&str, Option<&str>)> = diags.iter().map(|d| (d.message.as_str(), d.help.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("unknown policy member `Foo`", Some("a policy has only `Version`, `Id` and `Statement`")),
                ("unknown statement member `Actions`", Some("did you mean `Action`?")),
                ("unknown statement member `effect`", Some("member names are case-sensitive: did you mean `Effect`?")),
                ("unknown policy member `Statment`", Some("did you mean `Statement`?")),
                ("unknown policy member `version`", Some("member names are case-sensitive: did you mean `Version`?")),
            ]
        );
        assert_eq!(diags[3].span, statment_span);
    }

    #[test]
    fn wrong_value_types() {
        let b = B::new();
        let bad_action = b.o(vec![("a", b.s("b"))]);
        let bad_action_span = bad_action.span;
        let nested = b.t(vec![b.s("x")]);
        let nested_span = nested.span;
        let v = b.o(vec![
            ("Version", b.t(vec![b.s("2012-10-17")])),
            ("Id", b.o(vec![])),
            (
                "Statement",
                b.t(vec![
                    b.o(vec![
                        ("Sid", b.t(vec![])),
                        ("Effect", b.o(vec![])),
                        ("Action", bad_action),
                        ("Resource", b.t(vec![b.s("*"), nested, b.null()])),
                        ("NotResource", b.unknown("var.m", Type::Map(Box::new(Type::String)))),
                    ]),
                    b.s("not a statement"),
                    b.null(),
                ]),
            ),
        ]);
        let errs = errors(&v);
        let msgs: Vec<&str> = errs.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "`Id` must be a string, found object",
                "`Action` must be a string or a list of strings, found object",
                "`Effect` must be a string, found object",
                "`NotResource` must be a string or a list of strings, found map(string)",
                "`Resource` must be a string or a list of strings, found an element of type tuple",
                "`Resource` must not contain null",
                "`Sid` must be a string, found tuple",
                "statement has both `Resource` and `NotResource`",
                "a statement must be an object, found string",
                "`Statement` must not contain null",
                "`Version` must be a string, found tuple",
            ]
        );
        assert_eq!(errs[1].1, bad_action_span);
        assert_eq!(errs[4].1, nested_span);

        let v = b.o(vec![("Statement", b.s("x"))]);
        assert_eq!(messages(&v), ["`Statement` must be an object or a list of objects, found string"]);
        let v = b.o(vec![("Statement", b.unknown("var.s", Type::Dynamic))]);
        let (p, diags) = lower(&v, "k");
        assert!(p.unwrap().statement.is_none());
        assert_eq!(diags[0].code, codes::UNKNOWN);
    }

    #[test]
    fn both_x_and_not_x() {
        let b = B::new();
        let action = b.s("kms:*");
        let not_action = b.s("kms:Decrypt");
        let (a_span, na_span) = (action.span.unwrap(), not_action.span);
        let v = b.o(vec![(
            "Statement",
            b.o(vec![
                ("Action", action),
                ("NotAction", not_action),
                ("Principal", b.s("*")),
                ("NotPrincipal", b.o(vec![("AWS", b.s("*"))])),
                ("Resource", b.s("*")),
                ("NotResource", b.null()),
            ]),
        )]);
        let (p, diags) = lower(&v, "k");
        let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "`NotResource` is null",
                "statement has both `Principal` and `NotPrincipal`",
                "statement has both `Action` and `NotAction`",
            ]
        );
        assert_eq!(diags[2].span, na_span);
        assert_eq!(diags[2].labels[0].span, a_span);
        // Both are kept.
        let st = &p.as_ref().unwrap().statements()[0];
        assert!(st.action.is_some() && st.not_action.is_some());
        assert_eq!(st.principal.as_ref().unwrap().node, Principal::Wildcard);
        assert!(st.not_principal.is_some());
        assert!(st.not_resource.is_none());
    }

    #[test]
    fn condition_shapes() {
        let b = B::new();
        let v = b.o(vec![(
            "Statement",
            b.t(vec![
                b.o(vec![("Condition", b.s("x"))]),
                b.o(vec![("Condition", b.t(vec![]))]),
                b.o(vec![(
                    "Condition",
                    b.o(vec![
                        ("StringEquals", b.s("kms:CallerAccount")),
                        ("Bool", b.null()),
                        (
                            "StringLike",
                            b.o(vec![
                                ("kms:ViaService", b.null()),
                                ("aws:PrincipalArn", b.o(vec![])),
                                ("aws:SourceAccount", b.s("111122223333")),
                            ]),
                        ),
                        ("Null", b.unknown("var.c", Type::Dynamic)),
                    ]),
                )]),
                b.o(vec![("Condition", b.unknown("var.cond", Type::Dynamic))]),
            ]),
        )]);
        let (p, diags) = lower(&v, "k");
        let msgs: Vec<(&str, &str)> = diags.iter().map(|d| (d.code, d.message.as_str())).collect();
        assert_eq!(
            msgs,
            [
                ("KMS010", "`Condition` must be an object of objects, found string"),
                ("KMS010", "`Condition` must be an object of objects, found tuple"),
                ("KMS010", "`Condition.Bool` is null"),
                ("KMS008", "`Condition.Null` is unknown until apply (`var.c`)"),
                ("KMS010", "`Condition.StringEquals` must be an object of condition keys, found string"),
                (
                    "KMS010",
                    "`Condition.StringLike.aws:PrincipalArn` must be a string or a list of \
                     strings, found object"
                ),
                ("KMS010", "`Condition.StringLike.kms:ViaService` is null"),
                ("KMS008", "`Condition` is unknown until apply (`var.cond`)"),
            ]
        );
        let st = &p.as_ref().unwrap().statements()[2];
        let blocks = &st.condition.as_ref().unwrap().node;
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].operator.node, "StringLike");
        assert_eq!(blocks[0].entries.len(), 1);
        assert_eq!(blocks[0].entries[0].0.node, "aws:SourceAccount");
    }

    #[test]
    fn principal_shapes() {
        let b = B::new();
        let v = b.o(vec![(
            "Statement",
            b.t(vec![
                b.o(vec![("Principal", b.s("arn:aws:iam::111122223333:root"))]),
                b.o(vec![("Principal", b.s("ec2.amazonaws.com"))]),
                b.o(vec![("Principal", b.t(vec![b.s("*")]))]),
                b.o(vec![(
                    "Principal",
                    b.o(vec![("AWS", b.o(vec![])), ("Service", b.null()), ("CanonicalUser", b.t(vec![b.t(vec![])]))]),
                )]),
                b.o(vec![("NotPrincipal", b.unknown("var.p", Type::Dynamic))]),
                b.o(vec![("Principal", b.bool(true))]),
            ]),
        )]);
        let (_, diags) = lower(&v, "k");
        let got: Vec<(&str, Option<&str>)> = diags.iter().map(|d| (d.message.as_str(), d.help.as_deref())).collect();
        assert_eq!(
            got,
            [
                (
                    "`Principal` must be `*` or an object, found string \
                     `arn:aws:iam::111122223333:root`",
                    Some("write an object: `{ AWS = \"arn:aws:iam::111122223333:root\" }`")
                ),
                (
                    "`Principal` must be `*` or an object, found string `ec2.amazonaws.com`",
                    Some("write an object: `{ Service = \"ec2.amazonaws.com\" }`")
                ),
                ("`Principal` must be `*` or an object, found tuple", None),
                ("`Principal.AWS` must be a string or a list of strings, found object", None),
                (
                    "`Principal.CanonicalUser` must be a string or a list of strings, found an \
                     element of type tuple",
                    None
                ),
                ("`Principal.Service` is null", None),
                (
                    "`NotPrincipal` is unknown until apply (`var.p`)",
                    Some(
                        "kmsc needs `NotPrincipal` to be `*` or an object to compile the \
                         policy; write it out or give the value it depends on"
                    )
                ),
                ("`Principal` must be `*` or an object, found bool", None),
            ]
        );
    }

    #[test]
    fn null_members() {
        let b = B::new();
        let v = b.o(vec![("Id", b.null()), ("Statement", b.o(vec![("Sid", b.null()), ("Effect", b.s("Deny"))]))]);
        let (p, diags) = lower(&v, "k");
        let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs, ["`Id` is null", "`Sid` is null"]);
        let p = p.unwrap();
        assert!(p.id.is_none());
        assert_eq!(p.statements()[0].effect.as_ref().unwrap().node, Effect::Deny);
        assert!(p.statements()[0].sid.is_none());
    }

    #[test]
    fn spans_fall_back_to_the_enclosing_value() {
        // Values without spans (computed outside the sources) take the nearest span.
        let b = B::new();
        let v = b.o(vec![(
            "Statement",
            Value::tuple(vec![Value::object(
                [("Action".to_string(), Value::object(crate::value::Members::new()))].into_iter().collect(),
            )]),
        )]);
        let errs = errors(&v);
        assert_eq!(errs[0].1, v.span);
    }

    #[test]
    fn maps_and_sets_work_like_objects_and_lists() {
        let b = B::new();
        let st: crate::value::Members = [
            ("Effect".to_string(), Value::string("Allow")),
            ("Action".to_string(), Value::set(vec![Value::string("kms:B"), Value::string("kms:A")])),
        ]
        .into_iter()
        .collect();
        let v = b.o(vec![("Statement", Value::list(vec![Value::map(st)]))]);
        let (p, diags) = lower(&v, "k");
        assert!(diags.is_empty());
        let action = p.as_ref().unwrap().statements()[0].action.clone().unwrap();
        let items: Vec<String> = action.items.iter().map(|s| s.to_string()).collect();
        assert_eq!(items, ["kms:A", "kms:B"]);
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("statment", "statement"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(suggestion("Xyz", STATEMENT_MEMBERS), None);
        assert_eq!(suggestion("Sd", STATEMENT_MEMBERS), None);
    }
}
