//! Type conversion and unification with cty's rules (go-cty's `convert` package, as
//! Terraform v1.11 uses it for variable types, `to*` functions, function parameters and
//! conditional results).
//!
//! Conversion is decided on types first (as cty's `GetConversionUnsafe`): when no
//! conversion exists between the value's type and the wanted type, the error is cty's
//! mismatch message (`string required`, `attribute "a" is required`, ...). Conversions
//! that exist on types can still fail on values (`"x"` to number: `a number is
//! required`); those errors are prefixed with the path of the failing element
//! (`[0].a: a number is required`), as Terraform shows them for variables.
//!
//! Values here carry no type when null (`Value::ty` is `Dynamic`), so nulls convert to
//! anything and stay plain nulls.

use std::collections::BTreeMap;

use crate::number::Number;
use crate::value::{Members, Part, Type, Unknown, Value, ValueKind};

/// Converts `value` to `ty` as Terraform does for variables and `to*` functions.
///
/// Unknown values stay unknown (with the converted type); a partially known string
/// converts to a string unchanged and to a number or bool as an unknown value. The
/// result keeps the `span` and `sensitive` mark of `value` (and of every element that is
/// carried over).
pub fn convert(value: &Value, ty: &Type) -> Result<Value, String> {
    if *ty == Type::Dynamic {
        return Ok(value.clone());
    }
    let vt = value.ty();
    if !can_convert(&vt, ty) {
        return Err(mismatch_message(&vt, ty));
    }
    conv(value, ty).map_err(ConvError::render)
}

/// The common type for the results of a conditional and similar places: the same type
/// when all agree, `string` for mixed primitives, `list(T)` for tuples and lists whose
/// elements unify, `map(T)` for objects and maps whose values unify, and so on (cty's
/// `UnifyUnsafe`). `Dynamic` entries (nulls) are ignored; `None` when there is no common
/// type.
pub fn unify(types: &[Type]) -> Option<Type> {
    let known: Vec<Type> = types.iter().filter(|t| **t != Type::Dynamic).cloned().collect();
    if known.is_empty() {
        return Some(Type::Dynamic);
    }
    unify_strict(&known)
}

/// cty's `UnifyUnsafe` exactly, `Dynamic` entries included (a collection type unified with
/// `Dynamic` gives `Dynamic`, as in cty). `None` when there is no common type.
pub fn unify_strict(types: &[Type]) -> Option<Type> {
    let refs: Vec<&Type> = types.iter().collect();
    unify_refs(&refs)
}

fn unify_refs(types: &[&Type]) -> Option<Type> {
    let first = *types.first()?;
    if types.iter().all(|t| *t == first) {
        return Some(first.clone());
    }
    // Repeated types do not change the result; dropping them keeps nested unification
    // linear in the size of the types.
    let mut distinct: Vec<&Type> = Vec::new();
    for t in types {
        if !distinct.contains(t) {
            distinct.push(t);
        }
    }
    let types = distinct.as_slice();
    let n = types.len();
    let count = |f: fn(&Type) -> bool| types.iter().filter(|t| f(t)).count();
    let maps = count(|t| matches!(t, Type::Map(_)));
    let lists = count(|t| matches!(t, Type::List(_)));
    let sets = count(|t| matches!(t, Type::Set(_)));
    let objects = count(|t| matches!(t, Type::Object(..)));
    let tuples = count(|t| matches!(t, Type::Tuple(_)));
    let dynamics = count(|t| *t == Type::Dynamic);
    let has_dynamic = dynamics > 0;
    if maps > 0 && maps + dynamics == n {
        return unify_collections(types, has_dynamic, |t| Type::Map(Box::new(t)));
    }
    if maps > 0 && maps + objects + dynamics == n {
        if let Some(t @ Type::Map(_)) = unify_objects_as_maps(types) {
            return Some(t);
        }
    } else if lists > 0 && lists + dynamics == n {
        return unify_collections(types, has_dynamic, |t| Type::List(Box::new(t)));
    } else if lists > 0 && lists + tuples + dynamics == n {
        if let Some(t @ Type::List(_)) = unify_tuples_as_list(types) {
            return Some(t);
        }
    } else if sets > 0 && sets + dynamics == n {
        return unify_collections(types, has_dynamic, |t| Type::Set(Box::new(t)));
    } else if objects > 0 && objects + dynamics == n {
        return if has_dynamic { Some(Type::Dynamic) } else { unify_object_types(types) };
    } else if tuples > 0 && tuples + dynamics == n {
        return if has_dynamic { Some(Type::Dynamic) } else { unify_tuple_types(types) };
    } else if objects > 0 && tuples > 0 {
        return None;
    }
    unify_by_preference(types)
}

/// Whether cty has a conversion (safe or unsafe) from `from` to `to`.
pub fn can_convert(from: &Type, to: &Type) -> bool {
    use Type::*;
    match (from, to) {
        (_, Dynamic) | (Dynamic, _) => true,
        (String | Number | Bool, String | Number | Bool) => from == to || *to == String || *from == String,
        (Object(fa, _), Object(ta, opt)) => ta.iter().all(|(k, t)| match fa.get(k) {
            Some(f) => can_convert(f, t),
            None => opt.contains(k),
        }),
        (Tuple(fs), Tuple(ts)) => fs.len() == ts.len() && fs.iter().zip(ts).all(|(f, t)| can_convert(f, t)),
        (List(f) | Set(f), List(t) | Set(t)) => can_convert(f, t),
        (Map(f), Map(t)) => can_convert(f, t),
        (Tuple(fs), List(t) | Set(t)) => tuple_converts(fs, t),
        (Object(fa, _), Map(t)) => object_converts(fa, t),
        (Map(f), Object(ta, opt)) => ta.iter().all(|(k, t)| can_convert(f, t) || opt.contains(k)),
        _ => false,
    }
}

/// cty's English description of why a value of type `got` does not conform to `want`.
pub fn mismatch_message(got: &Type, want: &Type) -> String {
    use Type::*;
    match (got, want) {
        (Object(..), Object(..)) => mismatch_objects(got, want),
        (Tuple(_), List(e)) if **e == Dynamic => "all list elements must have the same type".into(),
        (Tuple(_), Set(e)) if **e == Dynamic => "all set elements must have the same type".into(),
        (Object(..), Map(e)) if **e == Dynamic => "all map elements must have the same type".into(),
        (Tuple(_) | Object(..), List(_) | Set(_) | Map(_)) => mismatch_from_structural(got, want),
        (List(_) | Set(_) | Map(_), List(_) | Set(_) | Map(_)) => mismatch_from_collection(got, want),
        _ => format!("{} required", friendly_constraint(want)),
    }
}

/// cty's friendly name of a type (`string`, `list of number`, `tuple`, `object`, `dynamic`).
pub fn friendly_name(ty: &Type) -> String {
    match ty {
        Type::Dynamic => "dynamic".into(),
        Type::String => "string".into(),
        Type::Number => "number".into(),
        Type::Bool => "bool".into(),
        Type::List(e) => format!("list of {}", friendly_name(e)),
        Type::Set(e) => format!("set of {}", friendly_name(e)),
        Type::Map(e) => format!("map of {}", friendly_name(e)),
        Type::Tuple(_) => "tuple".into(),
        Type::Object(..) => "object".into(),
    }
}

/// cty's friendly name of a type used as a constraint (`any type`,
/// `list of any single type`, ...).
pub fn friendly_constraint(ty: &Type) -> String {
    let elem = |e: &Type| match e {
        Type::Dynamic => "any single type".to_string(),
        e => friendly_constraint(e),
    };
    match ty {
        Type::Dynamic => "any type".into(),
        Type::List(e) => format!("list of {}", elem(e)),
        Type::Set(e) => format!("set of {}", elem(e)),
        Type::Map(e) => format!("map of {}", elem(e)),
        other => friendly_name(other),
    }
}

// ---------------------------------------------------------------------------------------
// Unification helpers
// ---------------------------------------------------------------------------------------

fn elem_of(t: &Type) -> Type {
    elem_ref(t).clone()
}

fn elem_ref(t: &Type) -> &Type {
    match t {
        Type::List(e) | Type::Set(e) | Type::Map(e) => e,
        _ => &Type::Dynamic,
    }
}

static NO_ATTRS: BTreeMap<String, Type> = BTreeMap::new();

fn attrs_ref(t: &Type) -> &BTreeMap<String, Type> {
    match t {
        Type::Object(a, _) => a,
        _ => &NO_ATTRS,
    }
}

fn elems_ref(t: &Type) -> &[Type] {
    match t {
        Type::Tuple(e) => e,
        _ => &[],
    }
}

fn all_convert_to(types: &[&Type], target: &Type) -> bool {
    types.iter().all(|t| can_convert(t, target))
}

fn unify_collections(types: &[&Type], has_dynamic: bool, make: fn(Type) -> Type) -> Option<Type> {
    if has_dynamic {
        return Some(Type::Dynamic);
    }
    let elems: Vec<&Type> = types.iter().map(|t| elem_ref(t)).collect();
    let ret = make(unify_refs(&elems)?);
    all_convert_to(types, &ret).then_some(ret)
}

fn unify_object_types(types: &[&Type]) -> Option<Type> {
    let first = attrs_ref(types[0]);
    let same_names = types.iter().all(|t| {
        let a = attrs_ref(t);
        a.len() == first.len() && a.keys().all(|k| first.contains_key(k))
    });
    if !same_names {
        return unify_objects_to_map(types);
    }
    let mut attrs = BTreeMap::new();
    for name in first.keys() {
        let across: Vec<&Type> = types.iter().map(|t| &attrs_ref(t)[name]).collect();
        attrs.insert(name.clone(), unify_refs(&across)?);
    }
    let ret = Type::Object(attrs, Vec::new());
    if all_convert_to(types, &ret) { Some(ret) } else { unify_objects_to_map(types) }
}

fn unify_objects_to_map(types: &[&Type]) -> Option<Type> {
    let atys: Vec<&Type> = types.iter().flat_map(|t| attrs_ref(t).values()).collect();
    let ret = Type::Map(Box::new(unify_refs(&atys)?));
    all_convert_to(types, &ret).then_some(ret)
}

fn unify_objects_as_maps(types: &[&Type]) -> Option<Type> {
    let objects: Vec<&Type> = types.iter().copied().filter(|t| matches!(t, Type::Object(..))).collect();
    let as_map = unify_objects_to_map(&objects)?;
    let mapped: Vec<&Type> = types.iter().map(|t| if matches!(t, Type::Object(..)) { &as_map } else { *t }).collect();
    unify_refs(&mapped).filter(|t| matches!(t, Type::Map(_)))
}

fn unify_tuple_types(types: &[&Type]) -> Option<Type> {
    let len = elems_ref(types[0]).len();
    if types.iter().any(|t| elems_ref(t).len() != len) {
        return unify_tuples_to_list(types);
    }
    let mut elems = Vec::with_capacity(len);
    for i in 0..len {
        let across: Vec<&Type> = types.iter().map(|t| &elems_ref(t)[i]).collect();
        elems.push(unify_refs(&across)?);
    }
    let ret = Type::Tuple(elems);
    if all_convert_to(types, &ret) { Some(ret) } else { unify_tuples_to_list(types) }
}

fn unify_tuples_to_list(types: &[&Type]) -> Option<Type> {
    let etys: Vec<&Type> = types.iter().flat_map(|t| elems_ref(t)).collect();
    let ret = Type::List(Box::new(unify_refs(&etys)?));
    all_convert_to(types, &ret).then_some(ret)
}

fn unify_tuples_as_list(types: &[&Type]) -> Option<Type> {
    let tuples: Vec<&Type> = types.iter().copied().filter(|t| matches!(t, Type::Tuple(_))).collect();
    let as_list = unify_tuples_to_list(&tuples)?;
    let listed: Vec<&Type> = types.iter().map(|t| if matches!(t, Type::Tuple(_)) { &as_list } else { *t }).collect();
    unify_refs(&listed).filter(|t| matches!(t, Type::List(_)))
}

/// The fallback: the first type, in preference order (`string` first as the most
/// general primitive, `Dynamic` last), that every type converts to.
fn unify_by_preference(types: &[&Type]) -> Option<Type> {
    let mut order: Vec<&Type> = Vec::with_capacity(types.len());
    order.extend(types.iter().copied().filter(|t| **t == Type::String));
    order.extend(types.iter().copied().filter(|t| **t != Type::String && **t != Type::Dynamic));
    order.extend(types.iter().copied().filter(|t| **t == Type::Dynamic));
    order.into_iter().find(|want| all_convert_to(types, want)).cloned()
}

/// The element type a tuple of `elems` unifies to for `list(any)`/`set(any)` (cty gives up
/// when that is still `any` while some element has a type).
fn tuple_unified(elems: &[&Type]) -> Option<Type> {
    let u = unify_refs(elems)?;
    if u == Type::Dynamic && elems.iter().any(|t| **t != Type::Dynamic) {
        return None;
    }
    Some(u)
}

/// Whether a tuple of `elems` converts to `list(target)`/`set(target)`.
fn tuple_converts(elems: &[Type], target: &Type) -> bool {
    let refs: Vec<&Type> = elems.iter().collect();
    if elems.is_empty() {
        return true;
    }
    if *target == Type::Dynamic {
        return tuple_unified(&refs).is_some_and(|u| all_convert_to(&refs, &u));
    }
    all_convert_to(&refs, target)
}

/// The element type a tuple of `elems` converts to for `list(target)`/`set(target)`.
fn tuple_element_target(elems: &[Type], target: &Type) -> Option<Type> {
    if !tuple_converts(elems, target) {
        return None;
    }
    if *target == Type::Dynamic && !elems.is_empty() {
        return tuple_unified(&elems.iter().collect::<Vec<_>>());
    }
    Some(target.clone())
}

/// Whether an object with `attrs` converts to `map(target)`.
fn object_converts(attrs: &BTreeMap<String, Type>, target: &Type) -> bool {
    let refs: Vec<&Type> = attrs.values().collect();
    if refs.is_empty() {
        return true;
    }
    if *target == Type::Dynamic {
        return unify_refs(&refs).is_some_and(|u| all_convert_to(&refs, &u));
    }
    all_convert_to(&refs, target)
}

/// The element type an object with `attrs` converts to for `map(target)`.
fn object_element_target(attrs: &BTreeMap<String, Type>, target: &Type) -> Option<Type> {
    if !object_converts(attrs, target) {
        return None;
    }
    if *target == Type::Dynamic && !attrs.is_empty() {
        return unify_refs(&attrs.values().collect::<Vec<_>>());
    }
    Some(target.clone())
}

// ---------------------------------------------------------------------------------------
// Mismatch messages
// ---------------------------------------------------------------------------------------

fn quote(s: &str) -> String {
    crate::eval::functions::go_quote(s)
}

fn mismatch_objects(got: &Type, want: &Type) -> String {
    let (Type::Object(gattrs, _), Type::Object(wattrs, wopt)) = (got, want) else {
        return "incorrect object attributes".into();
    };
    let mut missing: Vec<&String> = Vec::new();
    let mut bad: Option<String> = None;
    for (name, wty) in wattrs {
        match gattrs.get(name) {
            None if !wopt.contains(name) => missing.push(name),
            Some(gty) if bad.is_none() && gty != wty && !can_convert(gty, wty) => {
                bad = Some(format!("attribute {}: {}", quote(name), mismatch_message(gty, wty)));
            }
            _ => {}
        }
    }
    match missing.as_slice() {
        [] => bad.unwrap_or_else(|| "incorrect object attributes".into()),
        [one] => format!("attribute {} is required", quote(one)),
        [a, b] => format!("attributes {} and {} are required", quote(a), quote(b)),
        [init @ .., last] => {
            let mut s = String::new();
            for name in init {
                s.push_str(&quote(name));
                s.push_str(", ");
            }
            format!("attributes {s}and {} are required", quote(last))
        }
    }
}

fn mismatch_from_structural(got: &Type, want: &Type) -> String {
    let required = || format!("{} required", friendly_constraint(want));
    let wety = elem_of(want);
    match (got, want) {
        (Type::Tuple(elems), Type::List(_) | Type::Set(_)) => {
            for (i, g) in elems.iter().enumerate() {
                if *g != wety && !can_convert(g, &wety) {
                    return format!("element {i}: {}", mismatch_message(g, &wety));
                }
            }
            format!("all elements must be {}", friendly_constraint(&wety))
        }
        (Type::Object(attrs, _), Type::Map(_)) => {
            for (name, g) in attrs {
                if *g != wety && !can_convert(g, &wety) {
                    return format!("element {}: {}", quote(name), mismatch_message(g, &wety));
                }
            }
            format!("all elements must be {}", friendly_constraint(&wety))
        }
        _ => required(),
    }
}

fn mismatch_from_collection(got: &Type, want: &Type) -> String {
    let noun = match (got, want) {
        (Type::List(_) | Type::Set(_), Type::List(_)) => "list element type",
        (Type::List(_) | Type::Set(_), Type::Set(_)) => "set element type",
        (Type::Map(_), Type::Map(_)) => "map element type",
        _ => return format!("{} required", friendly_constraint(want)),
    };
    format!("incorrect {noun}: {}", mismatch_message(&elem_of(got), &elem_of(want)))
}

// ---------------------------------------------------------------------------------------
// Value conversion
// ---------------------------------------------------------------------------------------

/// A value-level conversion failure and where it happened.
struct ConvError {
    /// Path steps, innermost last (`[0]`, `.name`, `["key"]`).
    path: Vec<String>,
    message: String,
}

impl ConvError {
    fn new(message: impl Into<String>) -> ConvError {
        ConvError { path: Vec::new(), message: message.into() }
    }
    fn at(mut self, step: String) -> ConvError {
        self.path.insert(0, step);
        self
    }
    fn render(self) -> String {
        if self.path.is_empty() { self.message } else { format!("{}: {}", self.path.concat(), self.message) }
    }
}

type ConvResult = Result<Value, ConvError>;

/// A new value of `kind` that keeps the place and mark of `from`.
fn rewrap(from: &Value, kind: ValueKind) -> Value {
    Value { kind, span: from.span, sensitive: from.sensitive, encoded: None, via: from.via }
}

fn index_step(i: usize) -> String {
    format!("[{i}]")
}

fn key_step(k: &str) -> String {
    format!("[{}]", quote(k))
}

/// The template text of a partially known string, for the `expr` of an unknown value.
fn partial_expr(parts: &[Part]) -> String {
    let mut s = String::from("\"");
    for p in parts {
        match p {
            Part::Known(k) => s.push_str(&k.replace("${", "$${").replace("%{", "%%{")),
            Part::Unknown(e) => {
                s.push_str("${");
                s.push_str(e);
                s.push('}');
            }
        }
    }
    s.push('"');
    s
}

/// The type an unknown value has after conversion to `to`.
fn dynamic_replace(from: &Type, to: &Type) -> Type {
    use Type::*;
    match (from, to) {
        (_, Dynamic) => from.clone(),
        (List(f) | Set(f), List(t)) => List(Box::new(dynamic_replace(f, t))),
        (List(f) | Set(f), Set(t)) => Set(Box::new(dynamic_replace(f, t))),
        (Map(f), Map(t)) => Map(Box::new(dynamic_replace(f, t))),
        (Tuple(fs), List(t)) => List(Box::new(tuple_element_target(fs, t).unwrap_or(Dynamic))),
        (Tuple(fs), Set(t)) => Set(Box::new(tuple_element_target(fs, t).unwrap_or(Dynamic))),
        (Object(fa, _), Map(t)) => Map(Box::new(object_element_target(fa, t).unwrap_or(Dynamic))),
        _ => to.clone(),
    }
}

/// Parses a string as cty does (`big.ParseFloat`, which also takes a leading `+`).
pub(crate) fn parse_number(s: &str) -> Option<Number> {
    match s.strip_prefix('+') {
        Some(rest) if !rest.starts_with(['+', '-']) => Number::parse(rest),
        Some(_) => None,
        None => Number::parse(s),
    }
}

fn conv(v: &Value, ty: &Type) -> ConvResult {
    if *ty == Type::Dynamic {
        return Ok(v.clone());
    }
    match &v.kind {
        ValueKind::Null => return Ok(v.clone()),
        ValueKind::Unknown(u) => {
            if !can_convert(&u.ty, ty) {
                return Err(ConvError::new(mismatch_message(&u.ty, ty)));
            }
            let kind = ValueKind::Unknown(Box::new(Unknown { expr: u.expr.clone(), ty: dynamic_replace(&u.ty, ty) }));
            return Ok(rewrap(v, kind));
        }
        _ => {}
    }
    match ty {
        Type::Dynamic => Ok(v.clone()),
        Type::String => conv_string(v),
        Type::Number => conv_number(v),
        Type::Bool => conv_bool(v),
        Type::List(ety) => conv_list(v, ety).map(|items| rewrap(v, ValueKind::List(items))),
        Type::Set(ety) => {
            let items = conv_list(v, ety)?;
            Ok(rewrap(v, Value::set(items).kind))
        }
        Type::Map(ety) => conv_map(v, ety),
        Type::Object(attrs, optional) => conv_object(v, attrs, optional),
        Type::Tuple(etys) => conv_tuple(v, etys),
    }
}

fn mismatch(v: &Value, ty: &Type) -> ConvError {
    ConvError::new(mismatch_message(&v.ty(), ty))
}

fn conv_string(v: &Value) -> ConvResult {
    match &v.kind {
        ValueKind::String(_) | ValueKind::Partial(_) => Ok(v.clone()),
        ValueKind::Number(n) => Ok(rewrap(v, Value::string(n.to_string()).kind)),
        ValueKind::Bool(b) => Ok(rewrap(v, ValueKind::String(b.to_string()))),
        _ => Err(mismatch(v, &Type::String)),
    }
}

fn conv_number(v: &Value) -> ConvResult {
    match &v.kind {
        ValueKind::Number(_) => Ok(v.clone()),
        ValueKind::String(s) => match parse_number(s) {
            Some(n) => Ok(rewrap(v, ValueKind::Number(Box::new(n)))),
            None => Err(ConvError::new("a number is required")),
        },
        ValueKind::Partial(parts) => {
            let kind = ValueKind::Unknown(Box::new(Unknown { expr: partial_expr(parts), ty: Type::Number }));
            Ok(rewrap(v, kind))
        }
        _ => Err(mismatch(v, &Type::Number)),
    }
}

fn conv_bool(v: &Value) -> ConvResult {
    match &v.kind {
        ValueKind::Bool(_) => Ok(v.clone()),
        ValueKind::String(s) => match s.as_str() {
            "true" | "1" => Ok(rewrap(v, ValueKind::Bool(true))),
            "false" | "0" => Ok(rewrap(v, ValueKind::Bool(false))),
            other => match other.to_lowercase().as_str() {
                l @ ("true" | "false") => {
                    Err(ConvError::new(format!("a bool is required; to convert from string, use lowercase \"{l}\"")))
                }
                _ => Err(ConvError::new("a bool is required")),
            },
        },
        ValueKind::Partial(parts) => {
            let kind = ValueKind::Unknown(Box::new(Unknown { expr: partial_expr(parts), ty: Type::Bool }));
            Ok(rewrap(v, kind))
        }
        _ => Err(mismatch(v, &Type::Bool)),
    }
}

fn contains_dynamic(t: &Type) -> bool {
    match t {
        Type::Dynamic => true,
        Type::List(e) | Type::Set(e) | Type::Map(e) => contains_dynamic(e),
        Type::Tuple(es) => es.iter().any(contains_dynamic),
        Type::Object(a, _) => a.values().any(contains_dynamic),
        _ => false,
    }
}

/// Converts the elements of a list, set or tuple for `list(ety)` / `set(ety)`.
fn conv_list(v: &Value, ety: &Type) -> Result<Vec<Value>, ConvError> {
    let target = match &v.kind {
        ValueKind::List(_) | ValueKind::Set(_) => ety.clone(),
        ValueKind::Tuple(items) => {
            let types: Vec<Type> = items.iter().map(Value::ty).collect();
            match tuple_element_target(&types, ety) {
                Some(t) => t,
                None => return Err(mismatch(v, &Type::List(Box::new(ety.clone())))),
            }
        }
        _ => return Err(mismatch(v, &Type::List(Box::new(ety.clone())))),
    };
    let items = v.as_seq().unwrap_or_default();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(conv(item, &target).map_err(|e| e.at(index_step(i)))?);
    }
    if matches!(v.kind, ValueKind::Tuple(_)) && contains_dynamic(ety) {
        unify_elements(&mut out.iter_mut().enumerate().map(|(i, v)| (index_step(i), v)).collect::<Vec<_>>())?;
    }
    Ok(out)
}

/// cty's second unification pass over converted elements whose wanted type had `any`
/// inside (`list(map(any))` from `[{a = 1}, {b = "x"}]` gives maps of strings).
fn unify_elements(items: &mut [(String, &mut Value)]) -> Result<(), ConvError> {
    if items.is_empty() {
        return Ok(());
    }
    let types: Vec<Type> = items.iter().map(|(_, v)| v.ty()).collect();
    let Some(common) = unify_strict(&types) else {
        return Err(ConvError::new("cannot find a common base type for all elements"));
    };
    for ((step, item), ty) in items.iter_mut().zip(&types) {
        if *ty != common {
            let converted = conv(item, &common).map_err(|e| e.at(step.clone()))?;
            **item = converted;
        }
    }
    Ok(())
}

fn conv_map(v: &Value, ety: &Type) -> ConvResult {
    let target = match &v.kind {
        ValueKind::Map(_) => ety.clone(),
        ValueKind::Object(attrs) => {
            let types: BTreeMap<String, Type> = attrs.iter().map(|(k, v)| (k.clone(), v.ty())).collect();
            match object_element_target(&types, ety) {
                Some(t) => t,
                None => return Err(mismatch(v, &Type::Map(Box::new(ety.clone())))),
            }
        }
        _ => return Err(mismatch(v, &Type::Map(Box::new(ety.clone())))),
    };
    let mut out = Members::new();
    for (k, item) in v.as_map().into_iter().flatten() {
        out.insert(k.clone(), conv(item, &target).map_err(|e| e.at(key_step(k)))?);
    }
    if matches!(target, Type::List(_) | Type::Set(_) | Type::Map(_) | Type::Object(..)) {
        let mut items: Vec<(String, &mut Value)> = out.iter_mut().map(|(k, v)| (key_step(k), v)).collect();
        unify_elements(&mut items)?;
    }
    Ok(rewrap(v, ValueKind::Map(out)))
}

fn conv_object(v: &Value, attrs: &BTreeMap<String, Type>, optional: &[String]) -> ConvResult {
    let from_map = match &v.kind {
        ValueKind::Object(_) => false,
        ValueKind::Map(_) => true,
        _ => return Err(mismatch(v, &Type::Object(attrs.clone(), optional.to_vec()))),
    };
    let given = v.as_map().cloned().unwrap_or_default();
    let mut out = Members::with_capacity(attrs.len());
    for (name, aty) in attrs {
        match given.get(name) {
            Some(item) => {
                let step = if from_map { key_step(name) } else { format!(".{name}") };
                out.insert(name.clone(), conv(item, aty).map_err(|e| e.at(step))?);
            }
            None if optional.contains(name) => {
                out.insert(name.clone(), Value::null());
            }
            None if from_map => {
                return Err(ConvError::new(format!("map has no element for required attribute {}", quote(name))));
            }
            None => {
                let want = Type::Object(attrs.clone(), optional.to_vec());
                return Err(mismatch(v, &want));
            }
        }
    }
    Ok(rewrap(v, ValueKind::Object(out)))
}

fn conv_tuple(v: &Value, etys: &[Type]) -> ConvResult {
    let ValueKind::Tuple(items) = &v.kind else {
        return Err(mismatch(v, &Type::Tuple(etys.to_vec())));
    };
    if items.len() != etys.len() {
        return Err(mismatch(v, &Type::Tuple(etys.to_vec())));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, (item, ety)) in items.iter().zip(etys).enumerate() {
        out.push(conv(item, ety).map_err(|e| e.at(index_step(i)))?);
    }
    Ok(rewrap(v, ValueKind::Tuple(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::string(x)
    }
    fn n(x: i64) -> Value {
        Value::number(Number::from_i64(x))
    }
    fn num(text: &str) -> Value {
        Value::number(Number::parse(text).unwrap())
    }
    fn tup(items: Vec<Value>) -> Value {
        Value::tuple(items)
    }
    fn obj(items: &[(&str, Value)]) -> Value {
        Value::object(items.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }
    fn list_of(t: Type) -> Type {
        Type::List(Box::new(t))
    }
    fn set_of(t: Type) -> Type {
        Type::Set(Box::new(t))
    }
    fn map_of(t: Type) -> Type {
        Type::Map(Box::new(t))
    }
    fn json(v: &Value) -> String {
        crate::json::encode(v).unwrap()
    }

    #[test]
    fn primitives() {
        assert_eq!(convert(&n(1), &Type::String).unwrap(), s("1"));
        assert_eq!(convert(&num("1e21"), &Type::String).unwrap(), s("1000000000000000000000"));
        assert_eq!(convert(&Value::bool(true), &Type::String).unwrap(), s("true"));
        assert_eq!(convert(&s("12.5"), &Type::Number).unwrap(), num("12.5"));
        assert_eq!(convert(&s("+5"), &Type::Number).unwrap(), n(5));
        assert_eq!(convert(&s("x"), &Type::Number).unwrap_err(), "a number is required");
        assert_eq!(convert(&s(" 1"), &Type::Number).unwrap_err(), "a number is required");
        assert_eq!(convert(&s("false"), &Type::Bool).unwrap(), Value::bool(false));
        assert_eq!(convert(&s("1"), &Type::Bool).unwrap(), Value::bool(true));
        assert_eq!(
            convert(&s("True"), &Type::Bool).unwrap_err(),
            "a bool is required; to convert from string, use lowercase \"true\""
        );
        assert_eq!(convert(&s("yes"), &Type::Bool).unwrap_err(), "a bool is required");
        assert_eq!(convert(&n(1), &Type::Bool).unwrap_err(), "bool required");
        assert_eq!(convert(&tup(vec![]), &Type::String).unwrap_err(), "string required");
        assert!(convert(&Value::null(), &Type::Number).unwrap().is_null());
    }

    #[test]
    fn collections() {
        let mixed = tup(vec![n(1), s("a")]);
        assert_eq!(json(&convert(&mixed, &list_of(Type::Dynamic)).unwrap()), r#"["1","a"]"#);
        let set = convert(&tup(vec![s("b"), s("a"), s("b")]), &set_of(Type::Dynamic)).unwrap();
        assert!(matches!(set.kind, ValueKind::Set(_)));
        assert_eq!(json(&set), r#"["a","b"]"#);
        let m = obj(&[("a", n(1)), ("b", s("x")), ("c", Value::bool(true))]);
        assert_eq!(json(&convert(&m, &map_of(Type::Dynamic)).unwrap()), r#"{"a":"1","b":"x","c":"true"}"#);
        let bad = tup(vec![n(1), Value::bool(true)]);
        assert_eq!(convert(&bad, &list_of(Type::Dynamic)).unwrap_err(), "all list elements must have the same type");
        assert_eq!(
            convert(&tup(vec![s("a"), tup(vec![])]), &list_of(Type::String)).unwrap_err(),
            "element 1: string required"
        );
        assert_eq!(
            convert(&tup(vec![s("a"), s("x")]), &list_of(Type::Number)).unwrap_err(),
            "[0]: a number is required"
        );
        let nested = tup(vec![obj(&[("a", n(1))]), obj(&[("b", s("x"))])]);
        let ty = list_of(map_of(Type::Dynamic));
        assert_eq!(json(&convert(&nested, &ty).unwrap()), r#"[{"a":"1"},{"b":"x"}]"#);
        let with_null = tup(vec![s("a"), Value::null()]);
        assert_eq!(json(&convert(&with_null, &list_of(Type::Dynamic)).unwrap()), r#"["a",null]"#);
        assert_eq!(json(&convert(&tup(vec![]), &list_of(Type::String)).unwrap()), "[]");
    }

    #[test]
    fn objects() {
        let ty = Type::Object(
            [("a".to_string(), Type::String), ("b".to_string(), Type::Number)].into_iter().collect(),
            vec!["b".to_string()],
        );
        let out = convert(&obj(&[("a", n(1)), ("z", s("dropped"))]), &ty).unwrap();
        assert_eq!(json(&out), r#"{"a":"1","b":null}"#);
        assert_eq!(convert(&obj(&[("b", n(1))]), &ty).unwrap_err(), "attribute \"a\" is required");
        let m = Value::map([("b".to_string(), s("2"))].into_iter().collect());
        assert_eq!(convert(&m, &ty).unwrap_err(), "map has no element for required attribute \"a\"");
        assert_eq!(convert(&obj(&[("a", n(1)), ("b", s("x"))]), &ty).unwrap_err(), ".b: a number is required");
    }

    #[test]
    fn keeps_marks_and_unknowns() {
        let mut secret = n(3);
        secret.sensitive = true;
        let out = convert(&secret, &Type::String).unwrap();
        assert!(out.sensitive);
        assert_eq!(out, s("3"));
        let unk = Value::unknown("var.x", Type::String);
        let out = convert(&unk, &Type::Number).unwrap();
        assert!(matches!(&out.kind, ValueKind::Unknown(u) if u.ty == Type::Number));
        let partial = Value::partial(vec![Part::Known("a".into()), Part::Unknown("var.x".into())]);
        assert!(convert(&partial, &Type::String).unwrap().is_unknown());
        let out = convert(&partial, &Type::Number).unwrap();
        assert!(matches!(&out.kind, ValueKind::Unknown(u) if u.expr == "\"a${var.x}\""));
        let l = convert(&tup(vec![unk.clone(), s("a")]), &list_of(Type::Dynamic)).unwrap();
        assert!(!l.is_wholly_known());
    }

    #[test]
    fn unification() {
        assert_eq!(unify(&[Type::Number, Type::String]), Some(Type::String));
        assert_eq!(unify(&[Type::Number, Type::Bool]), None);
        assert_eq!(unify(&[Type::Number, Type::Dynamic]), Some(Type::Number));
        let t1 = Type::Tuple(vec![Type::String]);
        let t2 = Type::Tuple(vec![Type::String, Type::String]);
        assert_eq!(unify(&[t1.clone(), t2]), Some(list_of(Type::String)));
        assert_eq!(unify(&[t1.clone(), list_of(Type::String)]), Some(list_of(Type::String)));
        assert_eq!(unify_strict(&[t1, Type::Dynamic]), Some(Type::Dynamic));
        let o1 = Type::Object([("a".to_string(), Type::Number)].into_iter().collect(), vec![]);
        let o2 = Type::Object([("b".to_string(), Type::String)].into_iter().collect(), vec![]);
        assert_eq!(unify(&[o1.clone(), o2]), Some(map_of(Type::String)));
        let o3 = Type::Object([("a".to_string(), Type::String)].into_iter().collect(), vec![]);
        let want = Type::Object([("a".to_string(), Type::String)].into_iter().collect(), vec![]);
        assert_eq!(unify(&[o1.clone(), o3]), Some(want));
        assert_eq!(unify(&[o1, Type::Tuple(vec![])]), None);
        assert_eq!(friendly_constraint(&list_of(Type::Dynamic)), "list of any single type");
        assert_eq!(friendly_name(&map_of(Type::Number)), "map of number");
    }

    #[test]
    fn deep_types_unify_in_reasonable_time() {
        fn nest(d: usize, leaf: Type, f: &dyn Fn(Type) -> Type) -> Type {
            (0..d).fold(leaf, |t, _| f(t))
        }
        let a = nest(300, Type::String, &|t| Type::Tuple(vec![t]));
        let c = nest(300, Type::Number, &|t| list_of(t));
        assert_eq!(unify(&[a, c.clone()]), Some(nest(300, Type::String, &|t| list_of(t))));
        let wide = nest(12, Type::String, &|t| Type::Tuple(vec![t.clone(), t]));
        let narrow = nest(12, Type::Number, &|t| Type::Tuple(vec![t]));
        assert!(unify(&[wide, narrow]).is_some());
    }

    #[test]
    fn conditional_style_conversion() {
        let ty = unify(&[Type::Number, Type::String]).unwrap();
        assert_eq!(convert(&n(1), &ty).unwrap(), s("1"));
    }
}
