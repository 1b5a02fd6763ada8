//! The meaning of a key policy, as AWS evaluates it, and who may do what with the key.
//!
//! [`normalize`] turns a [`KeyPolicy`] into a [`SemPolicy`]: statements as a sorted set
//! (order and duplicates do not matter to AWS), every list as a set (a string is a list of
//! one), bare 12-digit account IDs as root ARNs, `{"AWS": "*"}` as `*`, action names and
//! condition keys compared case-insensitively, `true` and `"true"` alike (lowering already
//! turned booleans and numbers into strings). Parts unknown until apply stay `${expr}`
//! text and compare as text.
//!
//! [`access`] computes, for every principal an `Allow` statement names, the concrete KMS
//! actions it is allowed: wildcards and `NotAction` expanded against the actions of
//! [`crate::facts`], unconditional `Deny` statements subtracted. Grants with a `Condition`
//! (or a `Resource` other than `*`) are kept apart with what limits them; a conditional
//! `Deny` subtracts nothing and is listed as a [`Caveat`].
//!
//! [`load`] reads what the `diff` and `access` commands compare: a policy JSON file, a
//! `kmsc build` output object, a golden directory, or a Terraform module.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use crate::facts::facts;
use crate::policy::ast::{Effect, KeyPolicy, Principal, Statement, StringList};

/// The partition used to expand bare account IDs.
pub const PARTITION: &str = "aws";

/// A string compared case-insensitively (ASCII), shown as written.
#[derive(Clone, Debug)]
pub struct CiString(pub String);

impl CiString {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PartialEq for CiString {
    fn eq(&self, other: &CiString) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl Eq for CiString {}

impl PartialOrd for CiString {
    fn partial_cmp(&self, other: &CiString) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CiString {
    fn cmp(&self, other: &CiString) -> Ordering {
        let a = self.0.bytes().map(|b| b.to_ascii_lowercase());
        let b = other.0.bytes().map(|b| b.to_ascii_lowercase());
        a.cmp(b)
    }
}

impl fmt::Display for CiString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One principal: its kind (`AWS`, `Service`, `Federated`, `CanonicalUser`) and identifier.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PrincipalId {
    pub kind: String,
    pub id: String,
}

impl fmt::Display for PrincipalId {
    /// `AWS` identifiers as they are (ARNs); other kinds prefixed: `Service:logs.amazonaws.com`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == "AWS" { f.write_str(&self.id) } else { write!(f, "{}:{}", self.kind, self.id) }
    }
}

/// `Principal` or `NotPrincipal`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalSet {
    /// `"*"` or `{"AWS": "*"}`: everyone.
    Anyone,
    Ids(BTreeSet<PrincipalId>),
}

impl PrincipalSet {
    /// The items as text (`*` for everyone).
    pub fn items(&self) -> Vec<String> {
        match self {
            PrincipalSet::Anyone => vec!["*".to_string()],
            PrincipalSet::Ids(ids) => ids.iter().map(ToString::to_string).collect(),
        }
    }
}

/// `Effect`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SemEffect {
    Allow,
    Deny,
    /// Anything else, as written.
    Other(String),
}

impl fmt::Display for SemEffect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SemEffect::Allow => f.write_str("Allow"),
            SemEffect::Deny => f.write_str("Deny"),
            SemEffect::Other(s) => f.write_str(s),
        }
    }
}

/// `Condition`: operator → condition key (case-insensitive) → values. Operators and keys
/// with nothing under them are left out (they constrain nothing).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Conditions(pub BTreeMap<String, BTreeMap<CiString, BTreeSet<String>>>);

impl Conditions {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// One `(operator, key, value)` per value.
    pub fn triples(&self) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for (op, keys) in &self.0 {
            for (key, values) in keys {
                for v in values {
                    out.push((op.clone(), key.0.clone(), v.clone()));
                }
            }
        }
        out
    }

    /// One line per operator and key: `Bool kms:GrantIsForAWSResource = true`,
    /// `StringEquals kms:ViaService in [a, b]`.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (op, keys) in &self.0 {
            for (key, values) in keys {
                let values: Vec<&str> = values.iter().map(String::as_str).collect();
                out.push(match values.as_slice() {
                    [one] => format!("{op} {key} = {one}"),
                    _ => format!("{op} {key} in [{}]", values.join(", ")),
                });
            }
        }
        out
    }

    pub fn to_json(&self) -> serde_json::Value {
        let mut ops = serde_json::Map::new();
        for (op, keys) in &self.0 {
            let mut m = serde_json::Map::new();
            for (key, values) in keys {
                m.insert(key.0.clone(), strings_json(values.iter()));
            }
            ops.insert(op.clone(), serde_json::Value::Object(m));
        }
        serde_json::Value::Object(ops)
    }
}

/// One statement, normalised.
///
/// Field order matters: statements sort by content first, `Sid` last.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SemStatement {
    pub effect: Option<SemEffect>,
    pub principal: Option<PrincipalSet>,
    pub not_principal: Option<PrincipalSet>,
    pub action: Option<BTreeSet<CiString>>,
    pub not_action: Option<BTreeSet<CiString>>,
    pub resource: Option<BTreeSet<String>>,
    pub not_resource: Option<BTreeSet<String>>,
    pub condition: Conditions,
    pub sid: Option<String>,
}

impl SemStatement {
    /// Whether the two mean the same (everything but `Sid` equal).
    pub fn same_content(&self, other: &SemStatement) -> bool {
        self.effect == other.effect
            && self.principal == other.principal
            && self.not_principal == other.not_principal
            && self.action == other.action
            && self.not_action == other.not_action
            && self.resource == other.resource
            && self.not_resource == other.not_resource
            && self.condition == other.condition
    }

    /// `statement "Sid"`, or `statement without Sid`.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(s) => format!("statement \"{s}\""),
            None => "statement without Sid".to_string(),
        }
    }

    /// The members as `(name, items as text)`, in canonical member order; absent members
    /// are left out, `Condition` items are `operator key = value`.
    pub fn fields(&self) -> Vec<(&'static str, Vec<String>)> {
        let mut out = Vec::new();
        if let Some(e) = &self.effect {
            out.push(("Effect", vec![e.to_string()]));
        }
        if let Some(p) = &self.principal {
            out.push(("Principal", p.items()));
        }
        if let Some(p) = &self.not_principal {
            out.push(("NotPrincipal", p.items()));
        }
        let ci = |s: &BTreeSet<CiString>| s.iter().map(|a| a.0.clone()).collect::<Vec<_>>();
        if let Some(a) = &self.action {
            out.push(("Action", ci(a)));
        }
        if let Some(a) = &self.not_action {
            out.push(("NotAction", ci(a)));
        }
        if let Some(r) = &self.resource {
            out.push(("Resource", r.iter().cloned().collect()));
        }
        if let Some(r) = &self.not_resource {
            out.push(("NotResource", r.iter().cloned().collect()));
        }
        if !self.condition.is_empty() {
            let items = self.condition.triples().into_iter().map(|(op, key, v)| format!("{op} {key} = {v}")).collect();
            out.push(("Condition", items));
        }
        out
    }

    /// The statement as canonical-style JSON.
    pub fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        if let Some(s) = &self.sid {
            m.insert("Sid".into(), s.clone().into());
        }
        if let Some(e) = &self.effect {
            m.insert("Effect".into(), e.to_string().into());
        }
        for (name, p) in [("Principal", &self.principal), ("NotPrincipal", &self.not_principal)] {
            if let Some(p) = p {
                m.insert(name.into(), principal_json(p));
            }
        }
        for (name, a) in [("Action", &self.action), ("NotAction", &self.not_action)] {
            if let Some(a) = a {
                m.insert(name.into(), strings_json(a.iter().map(|a| &a.0)));
            }
        }
        for (name, r) in [("Resource", &self.resource), ("NotResource", &self.not_resource)] {
            if let Some(r) = r {
                m.insert(name.into(), strings_json(r.iter()));
            }
        }
        if !self.condition.is_empty() {
            m.insert("Condition".into(), self.condition.to_json());
        }
        serde_json::Value::Object(m)
    }
}

fn principal_json(p: &PrincipalSet) -> serde_json::Value {
    match p {
        PrincipalSet::Anyone => "*".into(),
        PrincipalSet::Ids(ids) => {
            let mut by_kind: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
            for id in ids {
                by_kind.entry(&id.kind).or_default().push(&id.id);
            }
            let m = by_kind.into_iter().map(|(k, v)| (k.to_string(), strings_json(v.into_iter()))).collect();
            serde_json::Value::Object(m)
        }
    }
}

/// A JSON array of strings.
pub fn strings_json<'a>(items: impl Iterator<Item = &'a String>) -> serde_json::Value {
    serde_json::Value::Array(items.map(|s| serde_json::Value::String(s.clone())).collect())
}

/// A policy, normalised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SemPolicy {
    pub version: Option<String>,
    /// Sorted by content; no two with the same content (ignoring `Sid`).
    pub statements: Vec<SemStatement>,
}

impl SemPolicy {
    /// Whether AWS gives the two the same meaning.
    pub fn equivalent(&self, other: &SemPolicy) -> bool {
        self.version == other.version
            && self.statements.len() == other.statements.len()
            && self.statements.iter().zip(&other.statements).all(|(a, b)| a.same_content(b))
    }
}

/// Normalises a policy; bare account IDs become root ARNs in `partition`.
pub fn normalize(policy: &KeyPolicy, partition: &str) -> SemPolicy {
    let mut statements: Vec<SemStatement> = policy.statements().iter().map(|s| statement(s, partition)).collect();
    statements.sort();
    statements.dedup_by(|later, earlier| later.same_content(earlier));
    SemPolicy { version: policy.version.as_ref().map(|v| v.node.render()), statements }
}

fn statement(s: &Statement, partition: &str) -> SemStatement {
    SemStatement {
        sid: s.sid.as_ref().map(|x| x.node.render()),
        effect: s.effect.as_ref().map(|e| match &e.node {
            Effect::Allow => SemEffect::Allow,
            Effect::Deny => SemEffect::Deny,
            Effect::Other(x) => SemEffect::Other(x.render()),
        }),
        principal: s.principal.as_ref().map(|p| principal(&p.node, partition)),
        not_principal: s.not_principal.as_ref().map(|p| principal(&p.node, partition)),
        action: s.action.as_ref().map(actions),
        not_action: s.not_action.as_ref().map(actions),
        resource: s.resource.as_ref().map(texts),
        not_resource: s.not_resource.as_ref().map(texts),
        condition: s.condition.as_ref().map(|c| conditions(&c.node)).unwrap_or_default(),
    }
}

fn texts(l: &StringList) -> BTreeSet<String> {
    l.items.iter().map(|s| s.node.render()).collect()
}

/// Action names: a known action in its documented spelling, anything else as written
/// (compared case-insensitively either way).
fn actions(l: &StringList) -> BTreeSet<CiString> {
    l.items
        .iter()
        .map(|s| {
            let text = s.node.render();
            match s.node.as_known().and_then(|k| facts().action(k)) {
                Some(a) => CiString(a.action.clone()),
                None => CiString(text),
            }
        })
        .collect()
}

fn principal(p: &Principal, partition: &str) -> PrincipalSet {
    let kinds = match p {
        Principal::Wildcard => return PrincipalSet::Anyone,
        Principal::Map(kinds) => kinds,
    };
    let mut ids = BTreeSet::new();
    for (kind, list) in kinds {
        for id in &list.items {
            let text = match id.node.as_known() {
                Some("*") if kind.node == "AWS" => return PrincipalSet::Anyone,
                Some(acct) if kind.node == "AWS" && is_account_id(acct) => {
                    format!("arn:{partition}:iam::{acct}:root")
                }
                _ => id.node.render(),
            };
            ids.insert(PrincipalId { kind: kind.node.clone(), id: text });
        }
    }
    PrincipalSet::Ids(ids)
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn conditions(blocks: &[crate::policy::ast::ConditionBlock]) -> Conditions {
    let mut out: BTreeMap<String, BTreeMap<CiString, BTreeSet<String>>> = BTreeMap::new();
    for block in blocks {
        for (key, values) in &block.entries {
            out.entry(block.operator.node.clone())
                .or_default()
                .entry(condition_key(&key.node))
                .or_default()
                .extend(values.items.iter().map(|v| v.node.render()));
        }
    }
    Conditions(out)
}

/// A condition key in its documented spelling when kmsc knows it (`kms:viaservice` →
/// `kms:ViaService`; the prefix of `kms:EncryptionContext:Name`), as written otherwise.
fn condition_key(name: &str) -> CiString {
    match facts().condition_key(name) {
        Some((doc, _)) => match doc.split_once("${") {
            None => CiString(doc.to_string()),
            Some((prefix, _)) => CiString(format!("{prefix}{}", &name[prefix.len()..])),
        },
        None => CiString(name.to_string()),
    }
}

// ---------------------------------------------------------------------------------------
// Who may do what.

/// Who a grant is for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Who {
    /// `*`.
    Everyone,
    Principal(PrincipalId),
    /// `NotPrincipal` in an `Allow`: everyone except these.
    EveryoneExcept(BTreeSet<PrincipalId>),
}

impl fmt::Display for Who {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Who::Everyone => f.write_str("*"),
            Who::Principal(p) => write!(f, "{p}"),
            Who::EveryoneExcept(ids) => {
                let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
                write!(f, "everyone except {}", ids.join(", "))
            }
        }
    }
}

impl Who {
    /// `*`, the principal kind (`AWS`, `Service`...), or `NotPrincipal`.
    pub fn kind(&self) -> &str {
        match self {
            Who::Everyone => "*",
            Who::Principal(p) => &p.kind,
            Who::EveryoneExcept(_) => "NotPrincipal",
        }
    }

    /// `{"principal": ..., "type": ..., "except": [...]}`.
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut m = serde_json::Map::new();
        let principal = match self {
            Who::Principal(p) => p.id.clone(),
            other => other.to_string(),
        };
        m.insert("principal".into(), principal.into());
        m.insert("type".into(), self.kind().into());
        if let Who::EveryoneExcept(ids) = self {
            let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
            m.insert("except".into(), strings_json(ids.iter()));
        }
        m
    }
}

/// What limits a grant besides the principal: a `Resource` other than `*`, a
/// `NotResource`, a `Condition`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct When {
    pub resource: Option<BTreeSet<String>>,
    pub not_resource: Option<BTreeSet<String>>,
    pub condition: Conditions,
}

impl When {
    /// No limit at all.
    pub fn is_always(&self) -> bool {
        self.resource.is_none() && self.not_resource.is_none() && self.condition.is_empty()
    }

    /// One line per limit: `Resource = arn:...`, `Bool kms:GrantIsForAWSResource = true`.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, set) in [("Resource", &self.resource), ("NotResource", &self.not_resource)] {
            if let Some(set) = set {
                let items: Vec<&str> = set.iter().map(String::as_str).collect();
                out.push(match items.as_slice() {
                    [one] => format!("{name} = {one}"),
                    _ => format!("{name} in [{}]", items.join(", ")),
                });
            }
        }
        out.extend(self.condition.lines());
        out
    }

    /// The limits joined with ` and `.
    pub fn summary(&self) -> String {
        self.lines().join(" and ")
    }

    /// `{"Resource": [...], "NotResource": [...], "Condition": {...}}` (members present only).
    pub fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        if let Some(r) = &self.resource {
            m.insert("Resource".into(), strings_json(r.iter()));
        }
        if let Some(r) = &self.not_resource {
            m.insert("NotResource".into(), strings_json(r.iter()));
        }
        if !self.condition.is_empty() {
            m.insert("Condition".into(), self.condition.to_json());
        }
        serde_json::Value::Object(m)
    }

    fn of(s: &SemStatement) -> When {
        When {
            resource: s.resource.clone().filter(|r| !r.contains("*")),
            not_resource: s.not_resource.clone(),
            condition: s.condition.clone(),
        }
    }
}

/// The grants of one principal. Action names are documented spellings (`kms:Decrypt`),
/// or `${...}` text for actions unknown until apply.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grants {
    pub always: BTreeSet<String>,
    /// Granted only when the limits hold; never repeats an action of `always`.
    pub limited: BTreeMap<When, BTreeSet<String>>,
}

impl Grants {
    fn subtract(&mut self, denied: &BTreeSet<String>) {
        self.always.retain(|a| !denied.contains(a));
        for actions in self.limited.values_mut() {
            actions.retain(|a| !denied.contains(a));
        }
        self.limited.retain(|_, a| !a.is_empty());
    }

    fn intersects(&self, denied: &BTreeSet<String>) -> bool {
        self.always.iter().chain(self.limited.values().flatten()).any(|a| denied.contains(a))
    }
}

/// Something the access summary cannot show as a plain grant.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Caveat {
    pub sid: Option<String>,
    pub message: String,
}

impl fmt::Display for Caveat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Who may do what with one key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Access {
    pub principals: BTreeMap<Who, Grants>,
    pub caveats: Vec<Caveat>,
}

/// The actions a statement names (`Action`, or everything but `NotAction`), expanded.
struct Expanded {
    actions: BTreeSet<String>,
    /// Patterns unknown until apply, as written.
    unknown: Vec<String>,
}

fn all_actions() -> BTreeSet<String> {
    facts().actions.iter().map(|a| a.action.clone()).collect()
}

fn expand(s: &SemStatement) -> Option<(Expanded, bool)> {
    let (patterns, not) = match (&s.action, &s.not_action) {
        (Some(a), _) => (a, false),
        (None, Some(n)) => (n, true),
        (None, None) => return None,
    };
    let mut matched = BTreeSet::new();
    let mut unknown = Vec::new();
    for p in patterns {
        if p.0.contains("${") {
            unknown.push(p.0.clone());
        } else {
            matched.extend(facts().matching_actions(&p.0).into_iter().map(|a| a.action.clone()));
        }
    }
    let actions = if not { all_actions().difference(&matched).cloned().collect() } else { matched };
    Some((Expanded { actions, unknown }, not))
}

/// How many actions are shown as `all KMS actions (kms:*) except ...` rather than listed.
const EXCEPT_THRESHOLD: usize = 10;

/// `all KMS actions (kms:*)`, `all KMS actions (kms:*) except kms:A, kms:B`, or the
/// actions themselves.
pub fn describe_actions(actions: &BTreeSet<String>) -> Vec<String> {
    let all = all_actions();
    let missing: Vec<&String> = all.difference(actions).collect();
    let extra: Vec<String> = actions.difference(&all).cloned().collect();
    let mut out = Vec::new();
    if missing.is_empty() {
        out.push("all KMS actions (kms:*)".to_string());
    } else if missing.len() <= EXCEPT_THRESHOLD && actions.len() > missing.len() {
        let missing: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        out.push(format!("all KMS actions (kms:*) except {}", missing.join(", ")));
    } else {
        return actions.iter().cloned().collect();
    }
    out.extend(extra);
    out
}

/// Whether `deny` (a principal named in a `Deny`) covers `p`: the same principal, or `p`
/// is in the account whose root `deny` is.
fn covers(deny: &PrincipalId, p: &PrincipalId) -> bool {
    if deny == p {
        return true;
    }
    deny.kind == "AWS" && p.kind == "AWS" && account_root(&deny.id).is_some_and(|acct| account_of(&p.id) == Some(acct))
}

/// `arn:PARTITION:iam::ACCOUNT:root` → `ACCOUNT`.
fn account_root(id: &str) -> Option<&str> {
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "iam", "", acct, "root"] => Some(acct),
        _ => None,
    }
}

/// The account of an IAM or STS ARN.
fn account_of(id: &str) -> Option<&str> {
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "iam" | "sts", "", acct, _] => Some(acct),
        _ => None,
    }
}

fn caveat(out: &mut Access, s: &SemStatement, message: String) {
    out.caveats.push(Caveat { sid: s.sid.clone(), message: format!("{}: {message}", s.label()) });
}

fn join(items: &[String]) -> String {
    items.join(", ")
}

/// Who may do what (see the module documentation).
pub fn access(policy: &SemPolicy) -> Access {
    let mut out = Access::default();
    let mut denies = Vec::new();
    for s in &policy.statements {
        let deny = match &s.effect {
            Some(SemEffect::Allow) => false,
            Some(SemEffect::Deny) => true,
            Some(SemEffect::Other(e)) => {
                caveat(&mut out, s, format!("`Effect` is `{e}`, neither Allow nor Deny; ignored"));
                continue;
            }
            None => {
                caveat(&mut out, s, "no `Effect`; ignored".to_string());
                continue;
            }
        };
        let who: Vec<Who> = match (&s.principal, &s.not_principal) {
            (Some(PrincipalSet::Anyone), _) => vec![Who::Everyone],
            (Some(PrincipalSet::Ids(ids)), _) => ids.iter().cloned().map(Who::Principal).collect(),
            (None, Some(PrincipalSet::Ids(ids))) => vec![Who::EveryoneExcept(ids.clone())],
            (None, Some(PrincipalSet::Anyone)) => {
                caveat(&mut out, s, "`NotPrincipal` is `*`, which matches no one; ignored".to_string());
                continue;
            }
            (None, None) => {
                caveat(&mut out, s, "no `Principal`; ignored".to_string());
                continue;
            }
        };
        let Some((expanded, not)) = expand(s) else {
            caveat(&mut out, s, "no `Action`; ignored".to_string());
            continue;
        };
        for u in &expanded.unknown {
            let message = match (not, deny) {
                // Assuming no match over-states what an `Allow` grants (the safe side); for
                // a `Deny` it would over-state what is denied, so nothing is subtracted.
                (true, false) => format!("`{u}` in `NotAction` is unknown until apply; assumed to match no action"),
                (true, true) => {
                    format!("`{u}` in `NotAction` is unknown until apply; not subtracted")
                }
                (false, true) => {
                    format!("`{u}` in `Action` is unknown until apply; not subtracted")
                }
                (false, false) => continue,
            };
            caveat(&mut out, s, message);
        }
        if deny {
            if !not || expanded.unknown.is_empty() {
                denies.push((s, who, expanded.actions));
            }
            continue;
        }
        let mut actions = expanded.actions;
        if !not {
            actions.extend(expanded.unknown);
        }
        let when = When::of(s);
        for w in who {
            let g = out.principals.entry(w).or_default();
            if when.is_always() {
                g.always.extend(actions.iter().cloned());
            } else {
                g.limited.entry(when.clone()).or_default().extend(actions.iter().cloned());
            }
        }
    }
    for (s, who, denied) in denies {
        if denied.is_empty() {
            continue;
        }
        let names = describe_actions(&denied);
        let whom: Vec<String> = who.iter().map(ToString::to_string).collect();
        let when = When::of(s);
        if !when.is_always() {
            caveat(
                &mut out,
                s,
                format!("denies {} to {} when {}; not subtracted", join(&names), join(&whom), when.summary()),
            );
            continue;
        }
        let mut partial = Vec::new();
        for (entry, grants) in out.principals.iter_mut() {
            let (mut applies, mut narrows) = (false, false);
            for w in &who {
                match (w, entry) {
                    (Who::Everyone, _) => applies = true,
                    (Who::Principal(d), Who::Principal(p)) => applies |= covers(d, p),
                    (Who::EveryoneExcept(ex), Who::Principal(p)) => applies |= !ex.contains(p),
                    // A deny for some principals narrows a grant to many: not a plain
                    // subtraction.
                    _ => narrows = true,
                }
            }
            if applies {
                grants.subtract(&denied);
            } else if narrows && grants.intersects(&denied) {
                partial.push(entry.to_string());
            }
        }
        partial.dedup();
        for p in partial {
            caveat(
                &mut out,
                s,
                format!("denies {} to {}, so the grant to {p} does not extend to them", join(&names), join(&whom)),
            );
        }
    }
    for g in out.principals.values_mut() {
        for actions in g.limited.values_mut() {
            actions.retain(|a| !g.always.contains(a));
        }
        g.limited.retain(|_, a| !a.is_empty());
    }
    out.caveats.sort();
    out.caveats.dedup();
    out
}

// ---------------------------------------------------------------------------------------
// Inputs.

/// The policies read from one input.
#[derive(Debug, Default)]
pub struct PolicySet {
    /// The path as given, for messages.
    pub label: String,
    /// Sorted by address; a lone policy document has no address.
    pub policies: Vec<Loaded>,
    /// Things worth telling the user (compile errors, shape problems).
    pub notes: Vec<String>,
}

/// One policy of a [`PolicySet`].
#[derive(Debug)]
pub struct Loaded {
    pub address: Option<String>,
    /// `None` when the policy could not be compiled.
    pub policy: Option<KeyPolicy>,
}

impl PolicySet {
    /// The lone policy of a policy document.
    pub fn lone(&self) -> Option<&Loaded> {
        match self.policies.as_slice() {
            [one] if one.address.is_none() => Some(one),
            _ => None,
        }
    }

    pub fn get(&self, address: &str) -> Option<&Loaded> {
        self.policies.iter().find(|l| l.address.as_deref() == Some(address))
    }

    /// The policy of `l`, or why there is none.
    pub fn policy_of<'a>(&self, l: &'a Loaded) -> Result<&'a KeyPolicy, String> {
        l.policy.as_ref().ok_or_else(|| {
            format!(
                "the policy of `{}` in `{}` could not be compiled; `kmsc check {}` shows why",
                l.address.as_deref().unwrap_or("?"),
                self.label,
                self.label
            )
        })
    }

    /// The policies to look at: the one at `key` (or the lone policy), or all of them.
    pub fn select(&self, key: Option<&str>) -> Result<Vec<(Option<String>, &KeyPolicy)>, String> {
        let chosen: Vec<&Loaded> = match (key, self.lone()) {
            (_, Some(l)) => vec![l],
            (Some(k), None) => match self.get(k) {
                Some(l) => vec![l],
                None => {
                    return Err(format!("no key policy with address `{k}` in `{}`", self.label));
                }
            },
            (None, None) => self.policies.iter().collect(),
        };
        let mut out = Vec::new();
        for l in chosen {
            let address = key.map(str::to_string).or_else(|| l.address.clone());
            out.push((address, self.policy_of(l)?));
        }
        Ok(out)
    }
}

/// Reads `path`: a policy JSON file (one policy, or an object of address → policy as
/// `kmsc build` prints it; a policy may also be given as its JSON string), a golden
/// directory of `*.json` files named by percent-encoded addresses, or a Terraform `.tf`
/// file or module directory (compiled with `options`: variables, `--set` values). Errors
/// are one line.
pub fn load(path: &Path, options: &crate::compile::Options) -> Result<PolicySet, String> {
    let label = path.display().to_string();
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read `{label}`: {}", crate::module::io_reason(&e)))?;
    let mut set = PolicySet { label: label.clone(), ..PolicySet::default() };
    // `.tf` and `.tf.json` files are Terraform; any other file is policy JSON.
    let is_tf = |p: &Path| {
        let name = file_name(p);
        name.ends_with(".tf") || name.ends_with(".tf.json")
    };
    if meta.is_dir() {
        let entries = list_dir(path)?;
        if entries.iter().any(|p| is_tf(p) && p.is_file()) {
            load_terraform(path, options, &mut set)?;
        } else {
            load_golden(path, "", &mut set)?;
            if set.policies.is_empty() {
                return Err(format!("`{label}` holds neither `.tf` files nor `.json` policies"));
            }
        }
    } else if is_tf(path) {
        load_terraform(path, options, &mut set)?;
    } else {
        let text = read_text(path)?;
        let value = crate::json::decode(&text).map_err(|e| format!("`{label}` is not valid JSON: {e}"))?;
        let Some(map) = value.as_map() else {
            return Err(format!("`{label}` is not a policy: the document is not an object"));
        };
        let is_policy = ["Version", "Id", "Statement"].iter().any(|k| map.contains_key(k));
        if is_policy {
            let policy = lower(&value, "policy", &label, &mut set.notes)?;
            set.policies.push(Loaded { address: None, policy: Some(policy) });
        } else {
            for (address, v) in map {
                let decoded;
                let v = match v.as_str() {
                    Some(s) => {
                        decoded = crate::json::decode(s)
                            .map_err(|e| format!("the policy of `{address}` in `{label}` is not valid JSON: {e}"))?;
                        &decoded
                    }
                    None => v,
                };
                let policy = lower(v, address, &label, &mut set.notes)?;
                set.policies.push(Loaded { address: Some(address.clone()), policy: Some(policy) });
            }
        }
    }
    set.policies.sort_by(|a, b| a.address.cmp(&b.address));
    Ok(set)
}

/// The `*.json` files of a golden directory; a subdirectory (one per root module when
/// `build` had several) prefixes its addresses with its decoded path and `:`. Hidden files
/// (`.kmsc-manifest`) and directories are skipped.
fn load_golden(dir: &Path, prefix: &str, set: &mut PolicySet) -> Result<(), String> {
    for p in list_dir(dir)? {
        let name = file_name(&p);
        if name.starts_with('.') {
            continue;
        }
        let decoded =
            |s: &str| percent_decode(s).ok_or_else(|| format!("cannot decode the address of `{}`", p.display()));
        if p.is_dir() {
            let component = decoded(&name)?;
            let prefix = if prefix.is_empty() { component } else { format!("{prefix}/{component}") };
            load_golden(&p, &prefix, set)?;
            continue;
        }
        let Some(stem) = name.strip_suffix(".json") else {
            continue;
        };
        let address = decoded(stem)?;
        let address = if prefix.is_empty() { address } else { format!("{prefix}:{address}") };
        let text = read_text(&p)?;
        let value = crate::json::decode(&text).map_err(|e| format!("`{}` is not valid JSON: {e}", p.display()))?;
        let policy = lower(&value, &address, &p.display().to_string(), &mut set.notes)?;
        set.policies.push(Loaded { address: Some(address), policy: Some(policy) });
    }
    Ok(())
}

fn load_terraform(path: &Path, options: &crate::compile::Options, set: &mut PolicySet) -> Result<(), String> {
    let c = crate::compile::compile_path(path, options)?;
    let errors = c.diagnostics.iter().filter(|d| d.severity == crate::diagnostic::Severity::Error).count();
    if errors > 0 {
        let s = if errors == 1 { "" } else { "s" };
        set.notes
            .push(format!("`{}` has {errors} error diagnostic{s}; `kmsc check {}` shows them", set.label, set.label));
    }
    for p in c.policies {
        set.policies.push(Loaded { address: Some(p.address), policy: p.policy });
    }
    Ok(())
}

/// Lowers a decoded policy; shape problems become notes.
fn lower(v: &crate::value::Value, address: &str, file: &str, notes: &mut Vec<String>) -> Result<KeyPolicy, String> {
    let (policy, diags) = crate::policy::lower::lower(v, address);
    for d in &diags {
        notes.push(format!("`{file}`: {}", d.message));
    }
    policy.ok_or_else(|| format!("`{file}` is not a policy: `{address}` is not an object"))
}

fn list_dir(dir: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let rd = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read directory `{}`: {}", dir.display(), crate::module::io_reason(&e)))?;
    let mut out: Vec<std::path::PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    out.sort();
    Ok(out)
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn read_text(p: &Path) -> Result<String, String> {
    use crate::module::{MAX_SOURCE_BYTES, ReadError};
    crate::module::read_text(p, MAX_SOURCE_BYTES).map_err(|e| {
        let why = match e {
            ReadError::Io(e) => crate::module::io_reason(&e),
            ReadError::TooBig { .. } => format!("it is longer than kmsc's limit of {}", crate::module::MAX_SOURCE_TEXT),
            ReadError::NotUtf8 { .. } => "the file is not valid UTF-8".to_string(),
        };
        format!("cannot read `{}`: {why}", p.display())
    })
}

/// Decodes `%XX` escapes; `None` when the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(json: &str) -> KeyPolicy {
        let v = crate::json::decode(json).expect("valid JSON");
        let (p, diags) = crate::policy::lower(&v, "k");
        assert!(diags.is_empty(), "{diags:#?}");
        p.expect("a policy")
    }

    fn sem(json: &str) -> SemPolicy {
        normalize(&policy(json), "aws")
    }

    #[test]
    fn equivalent_spellings_normalise_alike() {
        let a = sem(r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"Bool": {"kms:GrantIsForAWSResource": true}}},
            {"Sid": "B", "Effect": "Allow", "Principal": "*", "Action": ["kms:Encrypt"], "Resource": "*"}
        ]}"#);
        let b = sem(r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "B", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "KMS:ENCRYPT", "Resource": ["*", "*"]},
            {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]}, "Action": ["kms:decrypt", "kms:Decrypt"], "Resource": "*",
             "Condition": {"Bool": {"kms:grantisforawsresource": ["true"]}}},
            {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}
        ]}"#);
        assert!(a.equivalent(&b), "{a:#?}\n{b:#?}");
        assert_eq!(b.statements.len(), 2);
        // Documented spellings are kept.
        let actions: Vec<&str> =
            b.statements.iter().flat_map(|s| s.action.iter().flatten()).map(|a| a.as_str()).collect();
        assert!(actions.contains(&"kms:Decrypt") && actions.contains(&"kms:Encrypt"));
        assert_eq!(b.statements[1].condition.lines(), ["Bool kms:GrantIsForAWSResource = true"]);
    }

    #[test]
    fn real_differences_stay() {
        let a =
            sem(r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}"#);
        for other in [
            r#"{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:Decrypt", "Resource": "*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "NotAction": "kms:Decrypt", "Resource": "*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "x"}}}]}"#,
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}, {"Effect": "Allow", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"}]}"#,
        ] {
            assert!(!a.equivalent(&sem(other)), "{other}");
        }
        // Condition values are case-sensitive; an `Id` does not matter.
        let c = r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "X"}}}]}"#;
        assert!(!sem(c).equivalent(&sem(&c.replace("\"X\"", "\"x\""))));
        let id = r#"{"Id": "k", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}"#;
        assert!(a.equivalent(&sem(id)));
    }

    #[test]
    fn unknown_parts_compare_as_text() {
        let b = crate::policy::test_support::B::new();
        use crate::value::Part;
        let root = |acct: Part| {
            b.o(vec![(
                "Statement",
                b.t(vec![b.o(vec![
                    ("Effect", b.s("Allow")),
                    (
                        "Principal",
                        b.o(vec![(
                            "AWS",
                            b.partial(vec![Part::Known("arn:aws:iam::".into()), acct, Part::Known(":root".into())]),
                        )]),
                    ),
                    ("Action", b.s("kms:*")),
                    ("Resource", b.s("*")),
                ])]),
            )])
        };
        let lowered = |v| normalize(&crate::policy::lower(&v, "k").0.unwrap(), "aws");
        let x = lowered(root(Part::Unknown("data.aws_caller_identity.current.account_id".into())));
        let y = lowered(root(Part::Unknown("data.aws_caller_identity.current.account_id".into())));
        let z = lowered(root(Part::Unknown("var.account".into())));
        assert!(x.equivalent(&y));
        assert!(!x.equivalent(&z));
        let from_json = sem(
            r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"}, "Action": "kms:*", "Resource": "*"}]}"#,
        );
        assert!(x.equivalent(&from_json));
    }

    #[test]
    fn resources_and_conditions_limit_grants() {
        let p = sem(r#"{"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/a"}, "Action": "kms:Decrypt", "Resource": "arn:aws:kms:us-east-1:111122223333:key/1"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/a"}, "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": ["s3.us-east-1.amazonaws.com", "ec2.us-east-1.amazonaws.com"]}}},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/a"}, "Action": "kms:Encrypt", "Resource": "*"}
        ]}"#);
        let a = access(&p);
        let g = a.principals.values().next().unwrap();
        assert_eq!(g.always.iter().collect::<Vec<_>>(), ["kms:Encrypt"]);
        let limits: Vec<(String, Vec<&String>)> =
            g.limited.iter().map(|(w, a)| (w.summary(), a.iter().collect())).collect();
        assert_eq!(
            limits,
            [
                (
                    "StringEquals kms:ViaService in [ec2.us-east-1.amazonaws.com, s3.us-east-1.amazonaws.com]"
                        .to_string(),
                    vec![&"kms:Decrypt".to_string()]
                ),
                ("Resource = arn:aws:kms:us-east-1:111122223333:key/1".to_string(), vec![&"kms:Decrypt".to_string()]),
            ]
        );
    }

    #[test]
    fn denies_for_some_principals_are_caveats_on_grants_to_everyone() {
        let p = sem(r#"{"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"},
            {"Sid": "NotBob", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "Odd", "Effect": "allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}
        ]}"#);
        let a = access(&p);
        assert_eq!(a.principals.len(), 1);
        let messages: Vec<&str> = a.caveats.iter().map(|c| c.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "statement \"NotBob\": denies all KMS actions (kms:*) to arn:aws:iam::111122223333:user/bob, so the grant to * does not extend to them",
                "statement \"Odd\": `Effect` is `allow`, neither Allow nor Deny; ignored",
            ]
        );
    }

    #[test]
    fn unknown_not_action_in_a_deny_subtracts_nothing() {
        let mut p = policy(
            r#"{"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"},
            {"Sid": "D", "Effect": "Deny", "Principal": "*", "NotAction": "kms:Encrypt", "Resource": "*"}
        ]}"#,
        );
        let items = &mut p.statement.as_mut().unwrap().items;
        items[1]
            .not_action
            .as_mut()
            .unwrap()
            .items
            .push(crate::policy::Spanned::new(crate::policy::PolicyString::unknown("var.allowed"), None));
        let a = access(&normalize(&p, "aws"));
        assert_eq!(a.principals[&Who::Everyone].always.iter().collect::<Vec<_>>(), ["kms:Decrypt"]);
        assert_eq!(
            a.caveats[0].message,
            "statement \"D\": `${var.allowed}` in `NotAction` is unknown until apply; not subtracted"
        );
    }

    #[test]
    fn describe_compresses_nearly_all_actions() {
        let all = all_actions();
        assert_eq!(describe_actions(&all), ["all KMS actions (kms:*)"]);
        let mut most = all.clone();
        most.remove("kms:Decrypt");
        assert_eq!(describe_actions(&most), ["all KMS actions (kms:*) except kms:Decrypt"]);
        let few: BTreeSet<String> = ["kms:Decrypt".to_string()].into();
        assert_eq!(describe_actions(&few), ["kms:Decrypt"]);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("aws_kms_key.k%5B%22a%2Fb%22%5D").as_deref(), Some("aws_kms_key.k[\"a/b\"]"));
        assert_eq!(percent_decode("a%E3%81%82").as_deref(), Some("aあ"));
        assert_eq!(percent_decode("100%").as_deref(), Some("100%"));
        assert_eq!(percent_decode("%FF"), None);
    }

    #[test]
    fn loads_every_form() {
        let dir = tempfile::tempdir().unwrap();
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}"#;
        let lone = dir.path().join("lone.json");
        std::fs::write(&lone, policy).unwrap();
        let set = load(&lone, &crate::compile::Options::default()).unwrap();
        assert!(set.lone().is_some());
        let built = dir.path().join("built.json");
        std::fs::write(
            &built,
            format!(r#"{{"aws_kms_key.b": {policy}, "aws_kms_key.a": {}}}"#, serde_json::Value::from(policy)),
        )
        .unwrap();
        let set = load(&built, &crate::compile::Options::default()).unwrap();
        let addresses: Vec<_> = set.policies.iter().map(|l| l.address.clone().unwrap()).collect();
        assert_eq!(addresses, ["aws_kms_key.a", "aws_kms_key.b"]);
        assert!(set.select(Some("aws_kms_key.c")).is_err());
        let golden = dir.path().join("golden");
        std::fs::create_dir_all(golden.join("envs%2Fprod")).unwrap();
        std::fs::write(golden.join("aws_kms_key.k[%22a%22].json"), policy).unwrap();
        std::fs::write(golden.join("envs%2Fprod").join("aws_kms_key.p.json"), policy).unwrap();
        std::fs::write(golden.join(".kmsc-manifest"), "aws_kms_key.k[%22a%22].json\n").unwrap();
        let set = load(&golden, &crate::compile::Options::default()).unwrap();
        let addresses: Vec<_> = set.policies.iter().map(|l| l.address.clone().unwrap()).collect();
        assert_eq!(addresses, ["aws_kms_key.k[\"a\"]", "envs/prod:aws_kms_key.p"]);
        std::fs::write(dir.path().join("bad.json"), "{").unwrap();
        assert!(
            load(&dir.path().join("bad.json"), &crate::compile::Options::default())
                .unwrap_err()
                .contains("not valid JSON")
        );
        assert!(
            load(&dir.path().join("missing.json"), &crate::compile::Options::default())
                .unwrap_err()
                .contains("cannot read")
        );
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert!(load(&empty, &crate::compile::Options::default()).unwrap_err().contains("neither"));
    }
}
