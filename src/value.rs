//! Terraform values as kmsc evaluates them: cty's types, plus unknown values kept
//! symbolic and the span each value came from.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use unicode_normalization::UnicodeNormalization;

pub use crate::members::Members;
use crate::number::Number;
use crate::source::Span;

/// A Terraform type, as written in a `variable` block's `type` or inferred from a value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Type {
    /// `any`: the type is decided by the value.
    Dynamic,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    /// Attribute types, and the names of the attributes that are `optional(...)`.
    Object(BTreeMap<String, Type>, Vec<String>),
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Dynamic => f.write_str("any"),
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Tuple(ts) => {
                f.write_str("tuple([")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
            Type::Object(attrs, _) => {
                f.write_str("object({")?;
                for (i, (k, t)) in attrs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} = {t}")?;
                }
                f.write_str("})")
            }
        }
    }
}

/// One piece of a partially known string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Known(String),
    /// The Terraform expression text of a value unknown until apply.
    Unknown(String),
}

/// A value Terraform only knows at apply time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// The Terraform expression that produces it (`data.aws_caller_identity.current.account_id`).
    pub expr: String,
    /// What is known of its type.
    pub ty: Type,
}

/// The payload of a value.
#[derive(Clone, Debug)]
pub enum ValueKind {
    /// `null` (of any type).
    Null,
    Bool(bool),
    /// Boxed, as `Unknown` is: the common kinds keep `Value` small.
    Number(Box<Number>),
    /// Always NFC-normalised (use [`Value::string`]).
    String(String),
    /// A string with parts unknown until apply (a template over unknown values).
    Partial(Vec<Part>),
    Tuple(Vec<Value>),
    List(Vec<Value>),
    /// Elements unique and in cty's set order (see [`crate::value::sort_set`]).
    Set(Vec<Value>),
    Object(Members),
    Map(Members),
    Unknown(Box<Unknown>),
}

/// A value with the place it came from.
#[derive(Clone, Debug)]
pub struct Value {
    pub kind: ValueKind,
    /// Where the value was written or computed; `None` for values from outside the sources.
    pub span: Option<Span>,
    /// Marked `sensitive` (a sensitive variable or `sensitive()`).
    pub sensitive: bool,
    /// For the result of `jsonencode(v)`: `v`, so that a policy can be lowered from the
    /// structure (with its spans) even when the encoded string is unknown.
    pub encoded: Option<Arc<Value>>,
    /// For a value that came from outside the module's files (a tfvars file, `--var`):
    /// where the module uses it (`var.admins`), for a secondary label.
    pub via: Option<Span>,
}

impl PartialEq for Value {
    /// Terraform equality of known values; spans and marks are ignored.
    fn eq(&self, other: &Value) -> bool {
        use ValueKind::*;
        match (&self.kind, &other.kind) {
            (Null, Null) => true,
            (Bool(a), Bool(b)) => a == b,
            (Number(a), Number(b)) => a == b,
            (String(a), String(b)) => a == b,
            (Partial(a), Partial(b)) => a == b,
            (Tuple(a) | List(a) | Set(a), Tuple(b) | List(b) | Set(b)) => {
                std::mem::discriminant(&self.kind) == std::mem::discriminant(&other.kind) && a == b
            }
            (Object(a) | Map(a), Object(b) | Map(b)) => {
                std::mem::discriminant(&self.kind) == std::mem::discriminant(&other.kind) && a == b
            }
            (Unknown(a), Unknown(b)) => a == b,
            _ => false,
        }
    }
}

impl Value {
    pub fn new(kind: ValueKind) -> Value {
        Value { kind, span: None, sensitive: false, encoded: None, via: None }
    }
    pub fn with_span(mut self, span: Option<Span>) -> Value {
        self.span = span;
        self
    }
    pub fn null() -> Value {
        Value::new(ValueKind::Null)
    }
    pub fn bool(b: bool) -> Value {
        Value::new(ValueKind::Bool(b))
    }
    pub fn number(n: Number) -> Value {
        Value::new(ValueKind::Number(Box::new(n)))
    }
    /// A string, normalised to NFC as Terraform does.
    pub fn string(s: impl Into<String>) -> Value {
        Value::new(ValueKind::String(into_nfc(s.into())))
    }
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::new(ValueKind::Tuple(items))
    }
    pub fn list(items: Vec<Value>) -> Value {
        Value::new(ValueKind::List(items))
    }
    /// A set: sorts and removes duplicates.
    pub fn set(items: Vec<Value>) -> Value {
        Value::new(ValueKind::Set(sort_set(items)))
    }
    pub fn object(attrs: Members) -> Value {
        Value::new(ValueKind::Object(attrs))
    }
    pub fn map(items: Members) -> Value {
        Value::new(ValueKind::Map(items))
    }
    pub fn unknown(expr: impl Into<String>, ty: Type) -> Value {
        Value::new(ValueKind::Unknown(Box::new(Unknown { expr: expr.into(), ty })))
    }
    /// A partially known string; collapses to a plain string when every part is known.
    pub fn partial(parts: Vec<Part>) -> Value {
        let mut merged: Vec<Part> = Vec::new();
        for p in parts {
            match (merged.last_mut(), p) {
                (Some(Part::Known(a)), Part::Known(b)) => a.push_str(&b),
                (_, Part::Known(b)) if b.is_empty() => {}
                (_, p) => merged.push(p),
            }
        }
        if merged.iter().all(|p| matches!(p, Part::Known(_))) {
            let s: String = merged
                .into_iter()
                .map(|p| match p {
                    Part::Known(s) => s,
                    Part::Unknown(_) => String::new(),
                })
                .collect();
            return Value::string(s);
        }
        Value::new(ValueKind::Partial(merged))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, ValueKind::Null)
    }
    /// Unknown at this level (an unknown value or a partially known string).
    pub fn is_unknown(&self) -> bool {
        matches!(self.kind, ValueKind::Unknown(_) | ValueKind::Partial(_))
    }
    /// Known all the way down.
    pub fn is_wholly_known(&self) -> bool {
        match &self.kind {
            ValueKind::Unknown(_) | ValueKind::Partial(_) => false,
            ValueKind::Tuple(v) | ValueKind::List(v) | ValueKind::Set(v) => v.iter().all(Value::is_wholly_known),
            ValueKind::Object(m) | ValueKind::Map(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }
    /// Marks this value and everything inside it as used at `via`, where not marked yet.
    pub fn mark_via(&mut self, via: Option<Span>) {
        if self.via.is_none() {
            self.via = via;
        }
        match &mut self.kind {
            ValueKind::Tuple(v) | ValueKind::List(v) | ValueKind::Set(v) => v.iter_mut().for_each(|x| x.mark_via(via)),
            ValueKind::Object(m) | ValueKind::Map(m) => m.values_mut().for_each(|x| x.mark_via(via)),
            _ => {}
        }
    }

    /// Calls `f(span, via)` for this value and every value inside it that has both.
    pub fn visit_via(&self, f: &mut dyn FnMut(Span, Span)) {
        if let (Some(s), Some(v)) = (self.span, self.via) {
            f(s, v);
        }
        if let Some(e) = &self.encoded {
            e.visit_via(f);
        }
        match &self.kind {
            ValueKind::Tuple(v) | ValueKind::List(v) | ValueKind::Set(v) => v.iter().for_each(|x| x.visit_via(f)),
            ValueKind::Object(m) | ValueKind::Map(m) => m.values().for_each(|x| x.visit_via(f)),
            _ => {}
        }
    }

    /// Sensitive anywhere inside.
    pub fn contains_sensitive(&self) -> bool {
        self.sensitive
            || match &self.kind {
                ValueKind::Tuple(v) | ValueKind::List(v) | ValueKind::Set(v) => v.iter().any(Value::contains_sensitive),
                ValueKind::Object(m) | ValueKind::Map(m) => m.values().any(Value::contains_sensitive),
                _ => false,
            }
    }
    /// In one walk: `(contains_sensitive(), the same for the structure this value was
    /// `jsonencode`d from, marked)`, where `marked` is false only when no value anywhere
    /// inside (the structures of `jsonencode` results included) is marked sensitive.
    pub fn sensitivity(&self) -> (bool, bool, bool) {
        let (here, deep) = self.sensitivity_inside();
        let (encoded, encoded_deep) = self.encoded.as_ref().map_or((false, false), |e| {
            let (h, d) = e.sensitivity_inside();
            (h, d || e.encoded.as_ref().is_some_and(|e| e.marked_anywhere()))
        });
        (here, encoded, deep || encoded_deep)
    }

    fn marked_anywhere(&self) -> bool {
        self.sensitivity_inside().1 || self.encoded.as_ref().is_some_and(|e| e.marked_anywhere())
    }

    fn sensitivity_inside(&self) -> (bool, bool) {
        let (mut here, mut deep) = (self.sensitive, self.sensitive);
        let mut add = |x: &Value| {
            let (h, d) = x.sensitivity_inside();
            here |= h;
            deep |= d || x.encoded.as_ref().is_some_and(|e| e.marked_anywhere());
        };
        match &self.kind {
            ValueKind::Tuple(v) | ValueKind::List(v) | ValueKind::Set(v) => v.iter().for_each(&mut add),
            ValueKind::Object(m) | ValueKind::Map(m) => m.values().for_each(&mut add),
            _ => {}
        }
        (here, deep)
    }
    /// The first unknown expression inside, depth first.
    pub fn first_unknown(&self) -> Option<String> {
        match &self.kind {
            ValueKind::Unknown(u) => match &self.encoded {
                Some(inner) => inner.first_unknown().or_else(|| Some(u.expr.clone())),
                None => Some(u.expr.clone()),
            },
            ValueKind::Partial(parts) => parts.iter().find_map(|p| match p {
                Part::Unknown(e) => Some(e.clone()),
                Part::Known(_) => None,
            }),
            ValueKind::Tuple(v) | ValueKind::List(v) | ValueKind::Set(v) => v.iter().find_map(Value::first_unknown),
            ValueKind::Object(m) | ValueKind::Map(m) => m.values().find_map(Value::first_unknown),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_number(&self) -> Option<&Number> {
        match &self.kind {
            ValueKind::Number(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            ValueKind::Bool(b) => Some(*b),
            _ => None,
        }
    }
    /// Elements of a tuple, list or set.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match &self.kind {
            ValueKind::Tuple(v) | ValueKind::List(v) | ValueKind::Set(v) => Some(v),
            _ => None,
        }
    }
    /// Members of an object or map.
    pub fn as_map(&self) -> Option<&Members> {
        match &self.kind {
            ValueKind::Object(m) | ValueKind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The type of this value as cty would give it (`Dynamic` for null and unknown parts
    /// whose type is not known).
    pub fn ty(&self) -> Type {
        match &self.kind {
            ValueKind::Null => Type::Dynamic,
            ValueKind::Bool(_) => Type::Bool,
            ValueKind::Number(_) => Type::Number,
            ValueKind::String(_) | ValueKind::Partial(_) => Type::String,
            ValueKind::Unknown(u) => u.ty.clone(),
            ValueKind::Tuple(v) => Type::Tuple(v.iter().map(Value::ty).collect()),
            ValueKind::List(v) => Type::List(Box::new(elem_type(v))),
            ValueKind::Set(v) => Type::Set(Box::new(elem_type(v))),
            ValueKind::Map(m) => Type::Map(Box::new(elem_type(m.values()))),
            ValueKind::Object(m) => Type::Object(m.iter().map(|(k, v)| (k.clone(), v.ty())).collect(), Vec::new()),
        }
    }

    /// A short name of the value's type for messages (`string`, `tuple`, `object`, ...).
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            ValueKind::Null => "null",
            ValueKind::Bool(_) => "bool",
            ValueKind::Number(_) => "number",
            ValueKind::String(_) | ValueKind::Partial(_) => "string",
            ValueKind::Tuple(_) => "tuple",
            ValueKind::List(_) => "list",
            ValueKind::Set(_) => "set",
            ValueKind::Object(_) => "object",
            ValueKind::Map(_) => "map",
            ValueKind::Unknown(_) => "unknown",
        }
    }
}

fn elem_type<'a>(items: impl IntoIterator<Item = &'a Value>) -> Type {
    items.into_iter().map(Value::ty).find(|t| *t != Type::Dynamic).unwrap_or(Type::Dynamic)
}

/// Unicode NFC, as Terraform applies to every string.
pub fn nfc(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    s.nfc().collect()
}

/// [`nfc`] of an owned string, without a copy when it is ASCII.
pub fn into_nfc(s: String) -> String {
    if s.is_ascii() { s } else { s.nfc().collect() }
}

/// cty's set order: strings by bytes, numbers numerically, `false` before `true`; other
/// kinds after, by their JSON text. Duplicates (by Terraform equality) are removed.
pub fn sort_set(mut items: Vec<Value>) -> Vec<Value> {
    items.sort_by(set_order);
    items.dedup_by(|a, b| a == b);
    items
}

fn set_order(a: &Value, b: &Value) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    fn rank(v: &Value) -> u8 {
        match v.kind {
            ValueKind::Bool(_) => 0,
            ValueKind::Number(_) => 1,
            ValueKind::String(_) => 2,
            ValueKind::Partial(_) | ValueKind::Unknown(_) => 4,
            ValueKind::Null => 5,
            _ => 3,
        }
    }
    match (&a.kind, &b.kind) {
        (ValueKind::Bool(x), ValueKind::Bool(y)) => x.cmp(y),
        (ValueKind::Number(x), ValueKind::Number(y)) => x.cmp(y),
        (ValueKind::String(x), ValueKind::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        _ => match rank(a).cmp(&rank(b)) {
            Ordering::Equal => format!("{:?}", a.kind).cmp(&format!("{:?}", b.kind)),
            o => o,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> Value {
        let mut v = Value::string(s);
        v.sensitive = true;
        v
    }

    fn encoded(inner: Value) -> Value {
        let mut v = Value::string("(text)");
        v.encoded = Some(Arc::new(inner));
        v
    }

    #[test]
    fn sensitivity_sees_marks_at_every_depth() {
        let plain = Value::tuple(vec![Value::string("a")]);
        assert_eq!(plain.sensitivity(), (false, false, false));
        // In the value itself.
        assert_eq!(Value::tuple(vec![secret("s3cr3t")]).sensitivity(), (true, false, true));
        // In the structure the value was jsonencoded from.
        assert_eq!(encoded(Value::tuple(vec![secret("s3cr3t")])).sensitivity(), (false, true, true));
        // In a jsonencode result inside that structure, and one inside that: only `marked`.
        let nested = encoded(Value::tuple(vec![encoded(Value::tuple(vec![encoded(secret("s3cr3t"))]))]));
        assert_eq!(nested.sensitivity(), (false, false, true));
        let in_list = Value::tuple(vec![encoded(encoded(secret("s3cr3t")))]);
        assert_eq!(in_list.sensitivity(), (false, false, true));
    }
}
