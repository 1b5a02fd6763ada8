//! The typed key-policy AST: plain data, every node with the span it came from.
//!
//! A policy is lowered from an evaluated Terraform value (see [`super::lower`]). Strings may
//! be partially unknown until apply ([`PolicyString`]); booleans and numbers written where
//! IAM expects strings are turned into strings, remembering what they were ([`Scalar`]).
//! Equality of nodes never looks at spans.

use std::fmt;
use std::ops::Deref;

use crate::source::Span;
use crate::value::Part;

/// A node with the span of the value it was lowered from (or of the nearest enclosing value
/// with a span). Equality ignores the span.
///
/// Object keys (principal kinds, condition operators and keys) have no span of their own
/// in a [`crate::value::Value`]; their `Spanned<String>` carries the span of the member's
/// value.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Option<Span>,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Option<Span>) -> Spanned<T> {
        Spanned { node, span }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Spanned<T>) -> bool {
        self.node == other.node
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T> Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.node
    }
}

/// What a policy string was written as in the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scalar {
    /// A string (possibly partially unknown).
    String,
    /// `true` or `false`, now the string `"true"` / `"false"`.
    Bool,
    /// A number, now its decimal text as Terraform prints it.
    Number,
    /// A whole value unknown until apply (`var.actions` unknown): a single
    /// [`Part::Unknown`]; where a list is expected it stands for any number of strings.
    Unknown,
}

/// A string in a policy, possibly with parts unknown until apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyString {
    /// Adjacent known parts are merged; a fully known string is one `Part::Known` (or no
    /// parts at all for `""`).
    pub parts: Vec<Part>,
    pub from: Scalar,
}

impl PolicyString {
    /// A known string.
    pub fn known(s: impl Into<String>, from: Scalar) -> PolicyString {
        let s = s.into();
        let parts = if s.is_empty() { Vec::new() } else { vec![Part::Known(s)] };
        PolicyString { parts, from }
    }

    /// A whole value unknown until apply, produced by the Terraform expression `expr`.
    pub fn unknown(expr: impl Into<String>) -> PolicyString {
        PolicyString { parts: vec![Part::Unknown(expr.into())], from: Scalar::Unknown }
    }

    /// A string from parts (adjacent known parts merged, empty ones dropped).
    pub fn from_parts(parts: Vec<Part>) -> PolicyString {
        let mut merged: Vec<Part> = Vec::new();
        for p in parts {
            match (merged.last_mut(), p) {
                (_, Part::Known(b)) if b.is_empty() => {}
                (Some(Part::Known(a)), Part::Known(b)) => a.push_str(&b),
                (_, p) => merged.push(p),
            }
        }
        PolicyString { parts: merged, from: Scalar::String }
    }

    /// The text when the string is wholly known.
    pub fn as_known(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [Part::Known(s)] => Some(s),
            _ => None,
        }
    }

    pub fn is_known(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Known(_)))
    }

    /// The text with each unknown part written `${expr}` (the same as `to_string()`).
    pub fn render(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for PolicyString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.parts {
            match p {
                Part::Known(s) => f.write_str(s)?,
                Part::Unknown(e) => write!(f, "${{{e}}}")?,
            }
        }
        Ok(())
    }
}

/// A key policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPolicy {
    pub version: Option<Spanned<PolicyString>>,
    pub id: Option<Spanned<PolicyString>>,
    /// `None` when the policy has no (non-null) `Statement` member.
    pub statement: Option<Statements>,
    pub span: Option<Span>,
}

/// The `Statement` member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statements {
    /// In source order. Elements that could not be lowered (not objects, unknown) are left
    /// out.
    pub items: Vec<Statement>,
    /// `Statement` was a single object rather than a list.
    pub was_object: bool,
    pub span: Option<Span>,
}

impl KeyPolicy {
    /// The statements (none when `Statement` is absent).
    pub fn statements(&self) -> &[Statement] {
        self.statement.as_ref().map_or(&[], |s| &s.items)
    }
}

/// `Effect`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
    /// Anything else (wrong case, a typo, unknown until apply, a bool...).
    Other(PolicyString),
}

impl Effect {
    pub fn as_policy_string(&self) -> PolicyString {
        match self {
            Effect::Allow => PolicyString::known("Allow", Scalar::String),
            Effect::Deny => PolicyString::known("Deny", Scalar::String),
            Effect::Other(s) => s.clone(),
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Effect::Allow => f.write_str("Allow"),
            Effect::Deny => f.write_str("Deny"),
            Effect::Other(s) => write!(f, "{s}"),
        }
    }
}

/// One statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<Spanned<PolicyString>>,
    pub effect: Option<Spanned<Effect>>,
    pub principal: Option<Spanned<Principal>>,
    pub not_principal: Option<Spanned<Principal>>,
    pub action: Option<StringList>,
    pub not_action: Option<StringList>,
    pub resource: Option<StringList>,
    pub not_resource: Option<StringList>,
    /// The operator blocks, in name order.
    pub condition: Option<Spanned<Vec<ConditionBlock>>>,
    pub span: Option<Span>,
}

/// `Principal` or `NotPrincipal`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// `"*"`.
    Wildcard,
    /// `{"AWS": ..., "Service": ...}`: kinds in name order, each with its identifiers.
    Map(Vec<(Spanned<String>, StringList)>),
}

/// A string or a list of strings (`Action`, `Resource`, principal identifiers, condition
/// values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringList {
    /// In source order (sets in cty's order).
    pub items: Vec<Spanned<PolicyString>>,
    /// Written as a list (tuple, list or set) rather than a lone string. A whole unknown
    /// value counts as a list.
    pub was_list: bool,
    pub span: Option<Span>,
}

/// One condition operator with its keys: `"StringEquals": {"kms:CallerAccount": "1"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionBlock {
    pub operator: Spanned<String>,
    /// Condition keys in name order, each with its values.
    pub entries: Vec<(Spanned<String>, StringList)>,
}
