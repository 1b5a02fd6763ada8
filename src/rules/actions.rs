//! Rules of the `actions` family: the names in `Action` / `NotAction` (KMS3xx) and the
//! values of `Resource` / `NotResource` (KMS4xx).
//!
//! Both are classified here once ([`classify_action`], [`classify_resource`]) so that each
//! value gets at most one finding. Values with parts unknown until apply are only judged
//! when their known parts alone decide the outcome.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Ctx, Rule};
use crate::compile::CompiledPolicy;
use crate::facts::{self, Action, PARTITIONS};
use crate::policy::ast::{PolicyString, Spanned, Statement, StringList};
use crate::value::Part;

mod account_level_action;
mod key_arn_resource;
mod non_canonical_action_case;
mod non_kms_action;
mod not_resource;
mod resource_matches_nothing;
mod unknown_action;
mod unmatched_action_wildcard;

/// The rules of this family.
pub static RULES: &[&Rule] = &[
    &unknown_action::RULE,
    &unmatched_action_wildcard::RULE,
    &non_kms_action::RULE,
    &account_level_action::RULE,
    &non_canonical_action_case::RULE,
    &key_arn_resource::RULE,
    &resource_matches_nothing::RULE,
    &not_resource::RULE,
];

/// `Action` or `NotAction` (and `Resource` or `NotResource`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Member {
    Positive,
    Negated,
}

/// One element of a string list of a statement, with the statement and the member name.
pub(crate) struct Item<'a> {
    pub cp: &'a CompiledPolicy,
    pub statement: &'a Statement,
    pub member: Member,
    /// `Action`, `NotAction`, `Resource` or `NotResource`.
    pub name: &'static str,
    pub list: &'a StringList,
    pub value: &'a Spanned<PolicyString>,
    /// What the element is, when wholly known: [`classify_action`] of an action,
    /// [`classify_resource`] of a resource.
    pub class: Option<Class>,
}

/// What an element of a string list stands for.
#[derive(Clone, Debug)]
pub(crate) enum Class {
    Action(ActionName),
    Resource(ResourceKind),
}

impl Item<'_> {
    /// The action named, for an element of `Action`/`NotAction` wholly known.
    pub fn action(&self) -> Option<&ActionName> {
        match &self.class {
            Some(Class::Action(a)) => Some(a),
            _ => None,
        }
    }

    /// [`classify_resource`] of an element of `Resource`/`NotResource`.
    pub fn resource(&self) -> ResourceKind {
        match &self.class {
            Some(Class::Resource(r)) => *r,
            _ => classify_resource(&self.value.node),
        }
    }
}

/// Every element of `Action`/`NotAction` of every policy (computed once per run).
pub(crate) fn actions<'c, 'a>(a: &'c Ctx<'a>) -> &'c [Item<'a>] {
    a.actions.get_or_init(|| items(a, false))
}

/// Every element of `Resource`/`NotResource` of every policy (computed once per run).
pub(crate) fn resources<'c, 'a>(a: &'c Ctx<'a>) -> &'c [Item<'a>] {
    a.resources.get_or_init(|| items(a, true))
}

/// Every element of `Action`/`NotAction` (`resources == false`) or of
/// `Resource`/`NotResource` (`resources == true`) of every policy.
fn items<'a>(a: &Ctx<'a>, resources: bool) -> Vec<Item<'a>> {
    let members = |st: &'a Statement| {
        if resources {
            [(Member::Positive, "Resource", &st.resource), (Member::Negated, "NotResource", &st.not_resource)]
        } else {
            [(Member::Positive, "Action", &st.action), (Member::Negated, "NotAction", &st.not_action)]
        }
    };
    let statements = || a.policies.iter().filter_map(|cp| cp.policy.as_ref().map(|p| (cp, p.statements())));
    let count = statements()
        .flat_map(|(_, sts)| sts.iter().flat_map(members))
        .map(|(_, _, list)| list.as_ref().map_or(0, |l| l.items.len()))
        .sum();
    let mut out = Vec::with_capacity(count);
    // Policies repeat the same few dozen action names.
    let mut classes: BTreeMap<&str, ActionName> = BTreeMap::new();
    for (cp, sts) in statements() {
        for st in sts {
            for (member, name, list) in members(st) {
                let Some(list) = list else { continue };
                for value in &list.items {
                    let class = if resources {
                        Some(Class::Resource(classify_resource(&value.node)))
                    } else {
                        value.node.as_known().map(|name| {
                            Class::Action(classes.entry(name).or_insert_with(|| classify_action(name)).clone())
                        })
                    };
                    out.push(Item { cp, statement: st, member, name, list, value, class });
                }
            }
        }
    }
    out
}

/// What an action name (or pattern) in a key policy stands for.
#[derive(Clone, Debug)]
pub(crate) enum ActionName {
    /// `*` (or `**`...): every KMS action, in a key policy.
    All,
    /// A KMS action, case-insensitively.
    Exact(&'static Action),
    /// A wildcard pattern that can only match KMS actions or names like them, with the
    /// actions it matches (none: a typo).
    Pattern(Arc<[&'static Action]>),
    /// No wildcard, looks like a KMS action (`kms:` prefix, or no prefix at all) but is not
    /// one.
    Unknown,
    /// The action (or pattern) of another service (`s3:GetObject`, `s3:*`).
    NonKms,
}

impl ActionName {
    /// Whether the name (or pattern) matches the KMS action `a`, as IAM matches it
    /// (case-insensitively, with wildcards).
    pub fn matches(&self, a: &Action) -> bool {
        match self {
            ActionName::All => true,
            ActionName::Exact(x) => std::ptr::eq(*x, a),
            ActionName::Pattern(v) => v.iter().any(|x| std::ptr::eq(*x, a)),
            ActionName::Unknown | ActionName::NonKms => false,
        }
    }
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Classifies a wholly known action name.
pub(crate) fn classify_action(name: &str) -> ActionName {
    // Policies repeat the same few dozen names: classify each once per thread.
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<String, ActionName>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    if let Some(hit) = CACHE.with(|c| c.borrow().get(name).cloned()) {
        return hit;
    }
    let result = classify_action_uncached(name);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() < 10_000 {
            c.insert(name.to_string(), result.clone());
        }
    });
    result
}

fn classify_action_uncached(name: &str) -> ActionName {
    if !name.is_empty() && name.chars().all(|c| c == '*') {
        return ActionName::All;
    }
    let lower = name.to_ascii_lowercase();
    let wildcard = has_wildcard(name);
    // A pattern that starts with `kms:` matches some KMS-like name.
    if !lower.starts_with("kms:") && !globs_intersect(&lower, "kms:*") {
        return match (name.contains(':'), wildcard) {
            (true, _) => ActionName::NonKms,
            (false, true) => ActionName::Pattern(Arc::new([])),
            (false, false) => ActionName::Unknown,
        };
    }
    if wildcard {
        return ActionName::Pattern(facts::facts().matching_actions(name).into());
    }
    match facts::facts().action(name) {
        Some(a) => ActionName::Exact(a),
        None => ActionName::Unknown,
    }
}

/// Whether some string matches both IAM wildcard patterns `a` and `b` (`*` any run of
/// characters, `?` one character), case-sensitively.
pub(crate) fn globs_intersect(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut seen = vec![vec![false; b.len() + 1]; a.len() + 1];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        if seen[i][j] {
            continue;
        }
        seen[i][j] = true;
        if i == a.len() && j == b.len() {
            return true;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        if ca == Some('*') {
            stack.push((i + 1, j));
            if cb.is_some_and(|c| c != '*') {
                stack.push((i, j + 1));
            }
        }
        if cb == Some('*') {
            stack.push((i, j + 1));
            if ca.is_some_and(|c| c != '*') {
                stack.push((i + 1, j));
            }
        }
        if let (Some(x), Some(y)) = (ca, cb)
            && x != '*'
            && y != '*'
            && (x == y || x == '?' || y == '?')
        {
            stack.push((i + 1, j + 1));
        }
    }
    false
}

/// What a `Resource` value stands for in a key policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResourceKind {
    /// `*`: this key.
    All,
    /// A KMS key ARN, or a pattern that can match one.
    KeyArn,
    /// Something that can never be the key's ARN.
    Other,
    /// Depends on parts unknown until apply.
    Unsure,
}

/// Any KMS key ARN, as a pattern, segment by segment.
const KEY_ARN_PATTERN: [&str; 6] = ["arn", "*", "kms", "*", "*", "key/*"];

/// Whether the ARN pattern `p` can match some KMS key ARN. Wildcards match within an ARN
/// segment; a pattern with fewer segments whose last one has a `*` may match the rest.
fn may_match_key_arn(p: &str) -> bool {
    let segs: Vec<&str> = p.splitn(6, ':').collect();
    let n = segs.len();
    let (last, init) = segs.split_last().expect("splitn yields at least one part");
    init.iter().zip(KEY_ARN_PATTERN).all(|(s, t)| globs_intersect(s, t))
        && if n == 6 {
            globs_intersect(last, KEY_ARN_PATTERN[5])
        } else {
            last.contains('*') && globs_intersect(last, &KEY_ARN_PATTERN[n - 1..].join(":"))
        }
}

/// Whether `s` is exactly a KMS key ARN: `arn:<partition>:kms:<region>:<account>:key/<id>`.
pub(crate) fn is_key_arn(s: &str) -> bool {
    let f: Vec<&str> = s.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = f.as_slice() else {
        return false;
    };
    let id = resource.strip_prefix("key/").unwrap_or_default();
    *arn == "arn"
        && PARTITIONS.contains(partition)
        && *service == "kms"
        && !region.is_empty()
        && region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && account.len() == 12
        && account.chars().all(|c| c.is_ascii_digit())
        && !id.is_empty()
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Classifies a `Resource` value. Parts unknown until apply are assumed not to contain
/// `:` (they are regions, accounts, key IDs); a value is `Other` only when its known parts
/// rule out both `*` and every key ARN.
pub(crate) fn classify_resource(s: &PolicyString) -> ResourceKind {
    if let Some(text) = s.as_known() {
        return if !text.is_empty() && text.chars().all(|c| c == '*') {
            ResourceKind::All
        } else if is_key_arn(text) || (has_wildcard(text) && may_match_key_arn(text)) {
            ResourceKind::KeyArn
        } else {
            ResourceKind::Other
        };
    }
    // The shape, with each unknown part a marker that is not `:`.
    const MARK: char = '\u{0}';
    let mut shape = String::new();
    let mut pattern = String::new();
    for p in &s.parts {
        match p {
            Part::Known(t) => {
                shape.push_str(t);
                pattern.push_str(t);
            }
            Part::Unknown(_) => {
                shape.push(MARK);
                pattern.push('*');
            }
        }
    }
    let f: Vec<&str> = shape.splitn(6, ':').collect();
    if let [arn, _, service, _, _, resource] = f.as_slice()
        && *arn == "arn"
        && *service == "kms"
        && resource.len() > 4
        && resource.starts_with("key/")
    {
        return ResourceKind::KeyArn;
    }
    let could_be_all = s.parts.iter().all(|p| match p {
        Part::Known(t) => t.chars().all(|c| c == '*'),
        Part::Unknown(_) => true,
    });
    if could_be_all || may_match_key_arn(&pattern) { ResourceKind::Unsure } else { ResourceKind::Other }
}

/// Test support: a key whose policy has the root statement and one statement with the
/// given `Action`-like and `Resource`-like members (HCL `name = value` pairs).
#[cfg(test)]
pub(crate) fn key_with(members: &str) -> String {
    let st = format!(
        r#"{{ Sid = "Use", Effect = "Allow", Principal = {{ AWS = "arn:aws:iam::111122223333:role/app" }}, {members} }}"#
    );
    crate::rules::grammar::key_with(&st) + "variable \"v\" {}\ndata \"aws_caller_identity\" \"current\" {}\n"
}

#[cfg(test)]
pub(crate) use crate::rules::grammar::diagnostics_of;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_intersection() {
        assert!(globs_intersect("kms:*", "kms:*"));
        assert!(globs_intersect("k*", "kms:*"));
        assert!(globs_intersect("*:decrypt", "kms:*"));
        assert!(globs_intersect("kms:get?eypolicy", "kms:*"));
        assert!(!globs_intersect("s3:*", "kms:*"));
        assert!(!globs_intersect("decrypt", "kms:*"));
        assert!(may_match_key_arn("arn:aws:kms:*"));
        assert!(may_match_key_arn("arn:*"));
        assert!(may_match_key_arn("arn:aws:kms:*:*:key/*"));
        assert!(!may_match_key_arn("arn:aws:kms:*:*:alias/*"));
        assert!(!may_match_key_arn("arn:aws:kms:us-east-1"));
        assert!(!may_match_key_arn("arn:aws:s3:::*"));
        assert!(!globs_intersect("abc", "ab"));
        assert!(globs_intersect("a*c", "ab*"));
    }

    #[test]
    fn action_classes() {
        assert!(matches!(classify_action("*"), ActionName::All));
        assert!(matches!(classify_action("kms:Decrypt"), ActionName::Exact(_)));
        assert!(matches!(classify_action("KMS:decrypt"), ActionName::Exact(_)));
        assert!(matches!(classify_action("kms:Encrpyt"), ActionName::Unknown));
        assert!(matches!(classify_action("Decrypt"), ActionName::Unknown));
        assert!(matches!(classify_action("s3:GetObject"), ActionName::NonKms));
        assert!(matches!(classify_action("s3:*"), ActionName::NonKms));
        assert!(matches!(classify_action("kms:Frob*"), ActionName::Pattern(ref v) if v.is_empty()));
        assert!(matches!(classify_action("kms:Re*"), ActionName::Pattern(ref v) if !v.is_empty()));
    }

    fn known(s: &str) -> PolicyString {
        PolicyString::known(s, crate::policy::ast::Scalar::String)
    }

    #[test]
    fn resource_classes() {
        use ResourceKind::*;
        let arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        for (s, k) in [
            ("*", All),
            (arn, KeyArn),
            ("arn:aws:kms:*:111122223333:key/*", KeyArn),
            ("arn:aws:kms:us-east-1:111122223333:alias/app", Other),
            ("arn:aws:kms:us-east-1:1111:key/x", Other),
            ("arn:aws:s3:::bucket/*", Other),
            ("", Other),
        ] {
            assert_eq!(classify_resource(&known(s)), k, "{s}");
        }
        let partial = |parts: &[(&str, bool)]| {
            PolicyString::from_parts(
                parts
                    .iter()
                    .map(|(t, k)| if *k { Part::Known(t.to_string()) } else { Part::Unknown(t.to_string()) })
                    .collect(),
            )
        };
        assert_eq!(classify_resource(&PolicyString::unknown("var.r")), Unsure);
        let p = partial(&[
            ("arn:aws:kms:", true),
            ("var.region", false),
            (":", true),
            ("local.account", false),
            (":key/*", true),
        ]);
        assert_eq!(classify_resource(&p), KeyArn);
        let p = partial(&[("arn:aws:s3:::", true), ("var.bucket", false)]);
        assert_eq!(classify_resource(&p), Other);
        let p = partial(&[("arn:", true), ("var.rest", false)]);
        assert_eq!(classify_resource(&p), Unsure);
        let p = partial(&[("*", true), ("var.rest", false)]);
        assert_eq!(classify_resource(&p), Unsure);
    }
}
