//! Collection functions: `length`, `element`, `concat`, `merge`, `flatten`, `lookup`,
//! `keys`, `values`, `sort`, `range`, `zipmap`, ...

use std::collections::BTreeMap;

use super::FnError;
use super::util::{
    Members, arg_err, check_comparisons, equals, err, go_quote, grapheme_count, is_indexed, known, text, to_int,
};
use crate::eval::convert::{convert, friendly_name, unify_strict};
use crate::number::Number;
use crate::value::{Type, Value, ValueKind};

fn number(i: usize) -> Value {
    Value::number(Number::from_i64(i as i64))
}

/// `length(value)`: grapheme clusters of a string, elements of a collection or structure.
pub(super) fn length(args: &[Value]) -> Result<Value, FnError> {
    let v = &args[0];
    let n = match &v.kind {
        ValueKind::String(s) => grapheme_count(s),
        ValueKind::Tuple(items) | ValueKind::List(items) => items.len(),
        ValueKind::Set(items) => {
            // A set holding unknown values may shrink once they are known.
            known(v)?;
            items.len()
        }
        ValueKind::Map(m) | ValueKind::Object(m) => m.len(),
        _ => return err("argument must be a string, a collection type, or a structural type"),
    };
    Ok(number(n))
}

/// `element(list, index)`: the element at `index`, wrapping around in both directions.
pub(super) fn element(args: &[Value]) -> Result<Value, FnError> {
    let list = &args[0];
    let items = match &list.kind {
        ValueKind::List(items) | ValueKind::Tuple(items) => items,
        _ => {
            return err(format!("cannot read elements from {}", friendly_name(&list.ty())));
        }
    };
    let index = to_int(&args[1]).or_else(|e| err(format!("invalid index: {e}")))?;
    if items.is_empty() {
        return err("cannot use element function with an empty list");
    }
    let i = index.rem_euclid(items.len() as i64) as usize;
    Ok(items[i].clone())
}

/// `concat(seqs...)`: a list when all arguments are lists of a common element type,
/// otherwise a tuple.
pub(super) fn concat(args: &[Value]) -> Result<Value, FnError> {
    if args.is_empty() {
        return err("at least one argument is required");
    }
    if args.iter().all(|a| matches!(a.kind, ValueKind::List(_))) {
        let types: Vec<Type> = args.iter().map(Value::ty).collect();
        if let Some(common @ Type::List(_)) = unify_strict(&types) {
            let mut out = Vec::new();
            for (i, a) in args.iter().enumerate() {
                let c = convert(a, &common).or_else(|m| arg_err(i, m))?;
                if c.is_unknown() {
                    return Err(FnError::Unknown);
                }
                out.extend(c.as_seq().unwrap_or_default().iter().cloned());
            }
            return Ok(Value::list(out));
        }
    }
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        match &a.kind {
            ValueKind::Tuple(items) | ValueKind::List(items) => out.extend(items.iter().cloned()),
            _ => {
                let got = friendly_name(&a.ty());
                return arg_err(i, format!("all arguments must be lists or tuples; got {got}"));
            }
        }
    }
    Ok(Value::tuple(out))
}

/// `merge(maps...)`: later keys win; a map when all arguments have the same map type,
/// otherwise an object.
pub(super) fn merge(args: &[Value]) -> Result<Value, FnError> {
    for a in args {
        if !a.is_null() && !matches!(a.kind, ValueKind::Map(_) | ValueKind::Object(_)) {
            return err(format!("arguments must be maps or objects, got {}", go_quote(&friendly_name(&a.ty()))));
        }
    }
    let first = args.first().map(Value::ty);
    let as_map = !args.is_empty()
        && args.iter().all(|a| !a.is_null() && matches!(a.kind, ValueKind::Map(_)) && Some(a.ty()) == first);
    let mut out = BTreeMap::new();
    for a in args {
        for (k, v) in a.as_map().into_iter().flatten() {
            out.insert(k.clone(), v.clone());
        }
    }
    Ok(if as_map { Value::map(out.into()) } else { Value::object(out.into()) })
}

/// `flatten(list)`: the elements of nested lists, sets and tuples, as a tuple.
pub(super) fn flatten(args: &[Value]) -> Result<Value, FnError> {
    let v = &args[0];
    if !matches!(v.kind, ValueKind::List(_) | ValueKind::Set(_) | ValueKind::Tuple(_)) {
        return err("can only flatten lists, sets and tuples");
    }
    let mut out = Vec::new();
    let mut marked = v.sensitive;
    flatten_into(v, &mut out, &mut marked)?;
    let mut result = Value::tuple(out);
    result.sensitive = marked;
    Ok(result)
}

fn flatten_into(v: &Value, out: &mut Vec<Value>, marked: &mut bool) -> Result<(), FnError> {
    if matches!(v.kind, ValueKind::Set(_)) {
        known(v)?;
    }
    for item in v.as_seq().unwrap_or_default() {
        match &item.kind {
            ValueKind::List(_) | ValueKind::Set(_) | ValueKind::Tuple(_) => {
                *marked |= item.sensitive;
                flatten_into(item, out, marked)?;
            }
            ValueKind::Unknown(u) if matches!(u.ty, Type::List(_) | Type::Set(_) | Type::Tuple(_) | Type::Dynamic) => {
                return Err(FnError::Unknown);
            }
            _ => out.push(item.clone()),
        }
    }
    Ok(())
}

/// `distinct(list)`: the list without repeated elements, first occurrences kept.
pub(super) fn distinct(args: &[Value]) -> Result<Value, FnError> {
    known(&args[0])?;
    let items = args[0].as_seq().unwrap_or_default();
    let others = items.iter().filter(|v| !is_indexed(v)).count();
    check_comparisons(others, others / 2)?;
    let mut seen = Members::new(&[]);
    let mut out: Vec<Value> = Vec::new();
    for v in items {
        if seen.insert(v) {
            out.push(v.clone());
        }
    }
    Ok(Value::list(out))
}

/// `compact(list)`: the list of strings without nulls and empty strings.
pub(super) fn compact(args: &[Value]) -> Result<Value, FnError> {
    known(&args[0])?;
    let items = args[0].as_seq().unwrap_or_default();
    let out = items.iter().filter(|v| !v.is_null() && v.as_str() != Some("")).cloned().collect();
    Ok(Value::list(out))
}

/// `coalesce(vals...)`: the first argument that is neither null nor an empty string, after
/// converting all of them to their common type.
pub(super) fn coalesce(args: &[Value]) -> Result<Value, FnError> {
    let types: Vec<Type> = args.iter().map(Value::ty).collect();
    let Some(ty) = unify_strict(&types) else {
        return err("all arguments must have the same type");
    };
    for a in args {
        let v = convert(a, &ty).or_else(err)?;
        if v.is_unknown() {
            return Err(FnError::Unknown);
        }
        if v.is_null() || (ty == Type::String && v.as_str() == Some("")) {
            continue;
        }
        return Ok(v);
    }
    err("no non-null, non-empty-string arguments")
}

/// `coalescelist(vals...)`: the first list or tuple argument that is not empty.
pub(super) fn coalescelist(args: &[Value]) -> Result<Value, FnError> {
    if args.is_empty() {
        return err("at least one argument is required");
    }
    if args.iter().any(|a| !a.is_null() && !matches!(a.kind, ValueKind::List(_) | ValueKind::Tuple(_))) {
        return err("coalescelist arguments must be lists or tuples");
    }
    for a in args {
        if a.as_seq().is_some_and(|items| !items.is_empty()) {
            return Ok(a.clone());
        }
    }
    err("no non-null arguments")
}

/// `lookup(map, key, default)`: the element of `map` at `key`, or `default`.
pub(super) fn lookup(args: &[Value]) -> Result<Value, FnError> {
    if args.len() > 3 {
        return err(format!("lookup() takes two or three arguments, got {}", args.len()));
    }
    let (m, key) = (&args[0], text(&args[1]));
    let marked = args[0].sensitive || args[1].sensitive;
    let default = args.get(2);
    let mut out = match &m.kind {
        ValueKind::Object(attrs) => match (attrs.get(key), default) {
            (Some(v), _) => v.clone(),
            (None, Some(d)) => d.clone(),
            (None, None) => {
                return arg_err(0, format!("the given object has no attribute {}", go_quote(key)));
            }
        },
        ValueKind::Map(items) => {
            let ety = match m.ty() {
                Type::Map(e) => *e,
                _ => Type::Dynamic,
            };
            let default = match default {
                Some(d) => Some(
                    convert(d, &ety)
                        .or_else(|_| arg_err(2, "the default value must have the same type as the map elements"))?,
                ),
                None => None,
            };
            match (items.get(key), default) {
                (Some(v), _) => v.clone(),
                (None, Some(d)) => d,
                (None, None) => {
                    let shown = if args[1].sensitive { "(sensitive value)".to_string() } else { go_quote(key) };
                    return err(format!("lookup failed to find key {shown}"));
                }
            }
        }
        _ => return arg_err(0, "lookup() requires a map as the first argument"),
    };
    out.sensitive |= marked;
    Ok(out)
}

/// `keys(map)`: the keys in byte order (a list for maps, a tuple for objects).
pub(super) fn keys(args: &[Value]) -> Result<Value, FnError> {
    match &args[0].kind {
        ValueKind::Map(m) => Ok(Value::list(m.keys().map(Value::string).collect())),
        ValueKind::Object(m) => Ok(Value::tuple(m.keys().map(Value::string).collect())),
        _ => arg_err(0, "must have map or object type"),
    }
}

/// `values(map)`: the values in key order (a list for maps, a tuple for objects).
pub(super) fn values(args: &[Value]) -> Result<Value, FnError> {
    match &args[0].kind {
        ValueKind::Map(m) => Ok(Value::list(m.values().cloned().collect())),
        ValueKind::Object(m) => Ok(Value::tuple(m.values().cloned().collect())),
        _ => err("values() requires a map as the first argument"),
    }
}

/// `sort(list)`: the strings in byte order.
pub(super) fn sort(args: &[Value]) -> Result<Value, FnError> {
    known(&args[0])?;
    let items = args[0].as_seq().unwrap_or_default();
    let mut strings = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        match v.as_str() {
            Some(s) => strings.push(s),
            None => {
                return err(format!("given list element {i} is null; a null string cannot be sorted"));
            }
        }
    }
    strings.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    Ok(Value::list(strings.into_iter().map(Value::string).collect()))
}

/// `reverse(list)`: the elements in reverse order (a tuple stays a tuple).
pub(super) fn reverse(args: &[Value]) -> Result<Value, FnError> {
    let v = &args[0];
    let reversed = |items: &[Value]| items.iter().rev().cloned().collect::<Vec<_>>();
    match &v.kind {
        ValueKind::Tuple(items) => Ok(Value::tuple(reversed(items))),
        ValueKind::List(items) | ValueKind::Set(items) => Ok(Value::list(reversed(items))),
        _ => arg_err(0, format!("can only reverse list or tuple values, not {}", friendly_name(&v.ty()))),
    }
}

/// The most elements `range` produces (Terraform's own limit).
const RANGE_LIMIT: usize = 1024;

/// `range(end)`, `range(start, end)`, `range(start, end, step)`: a list of numbers.
pub(super) fn range(args: &[Value]) -> Result<Value, FnError> {
    let nums: Vec<Number> = args.iter().filter_map(|a| a.as_number().cloned()).collect();
    let zero = Number::zero();
    let up = Number::from_i64(1);
    let down = Number::from_i64(-1);
    let (start, end, step) = match nums.as_slice() {
        [e] if *e < zero => (zero.clone(), e.clone(), down),
        [e] => (zero.clone(), e.clone(), up),
        [s, e] if e < s => (s.clone(), e.clone(), down),
        [s, e] => (s.clone(), e.clone(), up),
        [s, e, st] => (s.clone(), e.clone(), st.clone()),
        _ => return err("must have one, two, or three arguments"),
    };
    let downward = step < zero;
    if downward && end > start {
        return arg_err(1, "end must be less than start when step is negative");
    }
    if !downward && end < start {
        return arg_err(1, "end must be greater than start when step is positive");
    }
    let mut out = Vec::new();
    let mut num = start;
    loop {
        if (downward && num <= end) || (!downward && num >= end) {
            break;
        }
        if out.len() >= RANGE_LIMIT {
            return err(
                "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step",
            );
        }
        let next = num.add(&step);
        out.push(Value::number(num));
        num = next;
    }
    Ok(Value::list(out))
}

/// `slice(list, start_index, end_index)`: the elements from `start_index` (inclusive) to
/// `end_index` (exclusive).
pub(super) fn slice(args: &[Value]) -> Result<Value, FnError> {
    let v = &args[0];
    let items = match &v.kind {
        ValueKind::Set(_) => {
            return arg_err(
                0,
                "cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important",
            );
        }
        ValueKind::List(items) | ValueKind::Tuple(items) => items,
        _ => return arg_err(0, "must be a list or tuple value"),
    };
    let len = items.len() as i64;
    let start = to_int(&args[1]).or_else(|e| arg_err(1, format!("invalid start index: {e}")))?;
    if start < 0 {
        return arg_err(1, "start index must not be less than zero");
    }
    if start > len {
        return arg_err(1, "start index must not be greater than the length of the list");
    }
    let end = to_int(&args[2]).or_else(|e| arg_err(2, format!("invalid end index: {e}")))?;
    if end < 0 {
        return arg_err(2, "end index must not be less than zero");
    }
    if end > len {
        return arg_err(2, "end index must not be greater than the length of the list");
    }
    if start > end {
        return arg_err(1, "start index must not be greater than end index");
    }
    let part = items[start as usize..end as usize].to_vec();
    Ok(if matches!(v.kind, ValueKind::Tuple(_)) { Value::tuple(part) } else { Value::list(part) })
}

/// `one(list)`: null for an empty collection, the element of a one-element collection.
pub(super) fn one(args: &[Value]) -> Result<Value, FnError> {
    const MSG: &str = "must be a list, set, or tuple value with either zero or one elements";
    let v = &args[0];
    let items = match &v.kind {
        ValueKind::Set(items) => {
            known(v)?;
            items
        }
        ValueKind::List(items) | ValueKind::Tuple(items) => items,
        _ => return arg_err(0, MSG),
    };
    match items.as_slice() {
        [] => Ok(Value::null()),
        [only] => Ok(only.clone()),
        _ => arg_err(0, MSG),
    }
}

/// `contains(list, value)`: whether an element equals `value`.
pub(super) fn contains(args: &[Value]) -> Result<Value, FnError> {
    let items = match &args[0].kind {
        ValueKind::List(items) | ValueKind::Tuple(items) | ValueKind::Set(items) => items,
        _ => return err("argument must be list, tuple, or set"),
    };
    let mut unknown = false;
    for item in items {
        match equals(&args[1], item) {
            Some(true) => return Ok(Value::bool(true)),
            Some(false) => {}
            None => unknown = true,
        }
    }
    if unknown { Err(FnError::Unknown) } else { Ok(Value::bool(false)) }
}

/// `index(list, value)`: the index of the first element equal to `value`.
pub(super) fn index(args: &[Value]) -> Result<Value, FnError> {
    let items = match &args[0].kind {
        ValueKind::List(items) | ValueKind::Tuple(items) => items,
        _ => return err("argument must be a list or tuple"),
    };
    if items.is_empty() {
        return err("cannot search an empty list");
    }
    for (i, item) in items.iter().enumerate() {
        match equals(item, &args[1]) {
            Some(true) => return Ok(number(i)),
            Some(false) => {}
            None => return Err(FnError::Unknown),
        }
    }
    err("item not found")
}

/// `chunklist(list, size)`: the list cut into lists of `size` elements.
pub(super) fn chunklist(args: &[Value]) -> Result<Value, FnError> {
    let list = &args[0];
    let size = to_int(&args[1]).or_else(|e| err(format!("invalid size: {e}")))?;
    if size < 0 {
        return err("the size argument must be positive");
    }
    let items = list.as_seq().unwrap_or_default();
    if items.is_empty() {
        return Ok(Value::list(Vec::new()));
    }
    if size == 0 {
        return Ok(Value::list(vec![Value::list(items.to_vec())]));
    }
    let chunks = items.chunks(size as usize).map(|c| Value::list(c.to_vec())).collect();
    Ok(Value::list(chunks))
}

/// `transpose(map)`: a map of lists of strings with keys and values swapped.
pub(super) fn transpose(args: &[Value]) -> Result<Value, FnError> {
    known(&args[0])?;
    let mut swapped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, list) in args[0].as_map().into_iter().flatten() {
        let Some(items) = list.as_seq() else {
            return err("input must be a map of lists of strings");
        };
        for v in items {
            let Some(s) = v.as_str() else {
                return err("input must be a map of lists of strings");
            };
            swapped.entry(s.to_string()).or_default().push(k.clone());
        }
    }
    let out = swapped
        .into_iter()
        .map(|(k, mut vs)| {
            vs.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            (k, Value::list(vs.into_iter().map(Value::string).collect()))
        })
        .collect::<crate::value::Members>();
    Ok(Value::map(out))
}

/// `zipmap(keys, values)`: a map (or an object, for a tuple of values) pairing keys with
/// values; later duplicate keys win.
pub(super) fn zipmap(args: &[Value]) -> Result<Value, FnError> {
    let (keys, vals) = (&args[0], &args[1]);
    let to_object = match &vals.kind {
        ValueKind::List(_) => false,
        ValueKind::Tuple(_) => true,
        _ => return err("values argument must be a list or tuple value"),
    };
    known(keys)?;
    let (ks, vs) = (keys.as_seq().unwrap_or_default(), vals.as_seq().unwrap_or_default());
    if ks.len() != vs.len() {
        return err(format!("number of keys ({}) does not match number of values ({})", ks.len(), vs.len()));
    }
    let mut out = BTreeMap::new();
    for (i, (k, v)) in ks.iter().zip(vs).enumerate() {
        let Some(k) = k.as_str() else {
            return err(format!("keys list has null value at index {i}"));
        };
        out.insert(k.to_string(), v.clone());
    }
    let mut result = if to_object { Value::object(out.into()) } else { Value::map(out.into()) };
    result.sensitive = keys.contains_sensitive() || vals.sensitive;
    Ok(result)
}

/// `alltrue(list)`: whether every element is true (`true` for an empty list).
pub(super) fn alltrue(args: &[Value]) -> Result<Value, FnError> {
    for v in args[0].as_seq().unwrap_or_default() {
        if v.is_unknown() {
            return Err(FnError::Unknown);
        }
        if v.as_bool() != Some(true) {
            return Ok(Value::bool(false));
        }
    }
    Ok(Value::bool(true))
}

/// `anytrue(list)`: whether some element is true (`false` for an empty list).
pub(super) fn anytrue(args: &[Value]) -> Result<Value, FnError> {
    let mut unknown = false;
    for v in args[0].as_seq().unwrap_or_default() {
        if v.is_unknown() {
            unknown = true;
        } else if v.as_bool() == Some(true) {
            return Ok(Value::bool(true));
        }
    }
    if unknown { Err(FnError::Unknown) } else { Ok(Value::bool(false)) }
}

/// `matchkeys(values, keys, searchset)`: the elements of `values` whose corresponding
/// element of `keys` is in `searchset`.
pub(super) fn matchkeys(args: &[Value]) -> Result<Value, FnError> {
    let (vals, keys, search) = (&args[0], &args[1], &args[2]);
    let Some(ty) = unify_strict(&[keys.ty(), search.ty()]) else {
        return err("keys and searchset must be of the same type");
    };
    let vs = vals.as_seq().unwrap_or_default();
    if vs.len() != keys.as_seq().map_or(0, <[Value]>::len) {
        return err("length of keys and values should be equal");
    }
    let keys = convert(keys, &ty).or_else(err)?;
    let search = convert(search, &ty).or_else(err)?;
    let targets = search.as_seq().unwrap_or_default();
    if targets.is_empty() {
        return Ok(Value::list(Vec::new()));
    }
    if !vals.is_wholly_known() || !keys.is_wholly_known() {
        return Err(FnError::Unknown);
    }
    let mut out = Vec::new();
    for (i, k) in keys.as_seq().unwrap_or_default().iter().enumerate() {
        for t in targets {
            match equals(k, t) {
                None => return Ok(Value::list(Vec::new())),
                Some(true) => {
                    out.push(vs[i].clone());
                    break;
                }
                Some(false) => {}
            }
        }
    }
    Ok(Value::list(out))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;

    #[test]
    fn length_and_element() {
        assert_eq!(ok("length", vec![s("héllo")]), n(5));
        assert_eq!(ok("length", vec![strs(&["a", "b"])]), n(2));
        assert_eq!(ok("length", vec![obj(&[("a", n(1))])]), n(1));
        assert_eq!(ok("length", vec![tup(vec![unknown("x")])]), n(1));
        assert_eq!(fail("length", vec![n(1)]), "argument must be a string, a collection type, or a structural type");
        assert_eq!(ok("element", vec![strs(&["a", "b", "c"]), n(1)]), s("b"));
        assert_eq!(ok("element", vec![strs(&["a", "b", "c"]), n(4)]), s("b"));
        assert_eq!(ok("element", vec![strs(&["a", "b", "c"]), n(-1)]), s("c"));
        assert_eq!(fail("element", vec![tup(vec![]), n(0)]), "cannot use element function with an empty list");
        assert_eq!(
            fail("element", vec![strs(&["a"]), num("1.5")]),
            "invalid index: value must be a whole number, between -9223372036854775808 and 9223372036854775807"
        );
        assert_eq!(
            fail("element", vec![ok("toset", vec![strs(&["a"])]), n(0)]),
            "cannot read elements from set of string"
        );
        let u = ok("element", vec![tup(vec![unknown("x"), s("a")]), n(0)]);
        assert!(u.is_unknown());
    }

    #[test]
    fn concat_merge_flatten() {
        assert_eq!(j("concat", vec![strs(&["x"]), strs(&["y"])]), r#"["x","y"]"#);
        let l = ok("concat", vec![ok("tolist", vec![strs(&["a"])]), ok("tolist", vec![strs(&["b"])])]);
        assert!(matches!(l.kind, crate::value::ValueKind::List(_)));
        let t = ok("concat", vec![strs(&["a"]), tup(vec![n(1)])]);
        assert!(matches!(t.kind, crate::value::ValueKind::Tuple(_)));
        assert_eq!(fail("concat", vec![s("a")]), "all arguments must be lists or tuples; got string");
        assert_eq!(j("merge", vec![obj(&[("b", n(1))]), obj(&[("a", n(2)), ("b", n(3))])]), r#"{"a":2,"b":3}"#);
        let m = ok("merge", vec![map(&[("a", s("x"))]), map(&[("b", s("y"))])]);
        assert!(matches!(m.kind, crate::value::ValueKind::Map(_)));
        let o = ok("merge", vec![map(&[("a", s("x"))]), obj(&[("b", n(1))])]);
        assert!(matches!(o.kind, crate::value::ValueKind::Object(_)));
        assert_eq!(j("merge", vec![]), "{}");
        assert_eq!(j("merge", vec![null(), obj(&[("a", n(1))])]), r#"{"a":1}"#);
        assert_eq!(fail("merge", vec![tup(vec![])]), "arguments must be maps or objects, got \"tuple\"");
        let nested = tup(vec![strs(&["a"]), tup(vec![s("b"), strs(&["c"])])]);
        assert_eq!(j("flatten", vec![nested]), r#"["a","b","c"]"#);
        assert_eq!(fail("flatten", vec![s("a")]), "can only flatten lists, sets and tuples");
        assert!(is_unknown("flatten", vec![tup(vec![crate::value::Value::unknown("x", crate::value::Type::Dynamic)])]));
        let f = ok("flatten", vec![tup(vec![unknown("x")])]);
        assert!(!f.is_wholly_known());
    }

    #[test]
    fn lists() {
        assert_eq!(j("distinct", vec![strs(&["b", "a", "b"])]), r#"["b","a"]"#);
        assert_eq!(j("distinct", vec![tup(vec![n(1), s("1")])]), r#"["1"]"#);
        assert!(is_unknown("distinct", vec![tup(vec![unknown("x"), s("a")])]));
        assert_eq!(j("compact", vec![tup(vec![s("a"), s(""), null(), s("b")])]), r#"["a","b"]"#);
        assert_eq!(j("sort", vec![strs(&["b", "a", "B", "10", "9"])]), r#"["10","9","B","a","b"]"#);
        assert_eq!(j("sort", vec![tup(vec![n(10), n(9)])]), r#"["10","9"]"#);
        assert_eq!(
            fail("sort", vec![tup(vec![s("a"), null()])]),
            "given list element 1 is null; a null string cannot be sorted"
        );
        assert_eq!(j("reverse", vec![strs(&["a", "b"])]), r#"["b","a"]"#);
        assert_eq!(fail("reverse", vec![s("ab")]), "can only reverse list or tuple values, not string");
        assert_eq!(j("slice", vec![strs(&["a", "b", "c"]), n(1), n(3)]), r#"["b","c"]"#);
        assert_eq!(
            fail("slice", vec![strs(&["a"]), n(0), n(2)]),
            "end index must not be greater than the length of the list"
        );
        assert_eq!(
            fail("slice", vec![strs(&["a", "b"]), n(2), n(1)]),
            "start index must not be greater than end index"
        );
        assert_eq!(ok("one", vec![strs(&["solo"])]), s("solo"));
        assert!(ok("one", vec![tup(vec![])]).is_null());
        assert_eq!(
            fail("one", vec![strs(&["a", "b"])]),
            "must be a list, set, or tuple value with either zero or one elements"
        );
        assert_eq!(ok("contains", vec![strs(&["a", "b"]), s("b")]), b(true));
        assert_eq!(ok("contains", vec![strs(&["1"]), n(1)]), b(false));
        assert!(is_unknown("contains", vec![tup(vec![unknown("x")]), s("b")]));
        assert_eq!(ok("contains", vec![tup(vec![unknown("x"), s("b")]), s("b")]), b(true));
        assert_eq!(ok("index", vec![strs(&["a", "b"]), s("b")]), n(1));
        assert_eq!(fail("index", vec![strs(&["a"]), s("z")]), "item not found");
        assert_eq!(fail("index", vec![tup(vec![]), s("z")]), "cannot search an empty list");
        assert_eq!(j("chunklist", vec![strs(&["a", "b", "c"]), n(2)]), r#"[["a","b"],["c"]]"#);
        assert_eq!(j("chunklist", vec![strs(&["a", "b"]), n(0)]), r#"[["a","b"]]"#);
        assert_eq!(fail("chunklist", vec![strs(&["a"]), n(-1)]), "the size argument must be positive");
        assert_eq!(ok("alltrue", vec![tup(vec![])]), b(true));
        assert_eq!(ok("alltrue", vec![tup(vec![b(true), s("true")])]), b(true));
        assert_eq!(ok("alltrue", vec![tup(vec![b(true), null()])]), b(false));
        assert_eq!(ok("anytrue", vec![tup(vec![b(false), b(true)])]), b(true));
        assert_eq!(ok("anytrue", vec![tup(vec![])]), b(false));
        let vals = strs(&["i-1", "i-2", "i-3"]);
        let keys = strs(&["us-west", "us-east", "us-west"]);
        assert_eq!(j("matchkeys", vec![vals, keys, strs(&["us-west"])]), r#"["i-1","i-3"]"#);
        assert_eq!(
            fail("matchkeys", vec![strs(&["a"]), tup(vec![]), tup(vec![])]),
            "length of keys and values should be equal"
        );
    }

    #[test]
    fn coalescing() {
        assert_eq!(ok("coalesce", vec![s(""), s("fallback")]), s("fallback"));
        assert_eq!(ok("coalesce", vec![null(), n(1), s("a")]), s("1"));
        assert_eq!(fail("coalesce", vec![s(""), null()]), "no non-null, non-empty-string arguments");
        assert_eq!(fail("coalesce", vec![n(1), b(true)]), "all arguments must have the same type");
        assert_eq!(j("coalescelist", vec![tup(vec![]), strs(&["a"])]), r#"["a"]"#);
        assert_eq!(fail("coalescelist", vec![tup(vec![])]), "no non-null arguments");
        assert_eq!(fail("coalescelist", vec![s("a")]), "coalescelist arguments must be lists or tuples");
    }

    #[test]
    fn maps() {
        let m = map(&[("a", s("x")), ("b", s("y"))]);
        assert_eq!(ok("lookup", vec![m.clone(), s("a")]), s("x"));
        assert_eq!(ok("lookup", vec![m.clone(), s("z"), s("d")]), s("d"));
        assert_eq!(ok("lookup", vec![map(&[("a", s("1"))]), s("z"), n(2)]), s("2"));
        assert_eq!(fail("lookup", vec![m.clone(), s("z")]), "lookup failed to find key \"z\"");
        assert_eq!(
            fail("lookup", vec![m.clone(), s("z"), tup(vec![])]),
            "the default value must have the same type as the map elements"
        );
        assert_eq!(fail("lookup", vec![obj(&[("a", n(1))]), s("z")]), "the given object has no attribute \"z\"");
        assert_eq!(ok("lookup", vec![obj(&[("a", n(1))]), s("z"), b(true)]), b(true));
        assert_eq!(fail("lookup", vec![strs(&["a"]), s("z")]), "lookup() requires a map as the first argument");
        assert_eq!(
            fail("lookup", vec![m.clone(), s("a"), s("b"), s("c")]),
            "lookup() takes two or three arguments, got 4"
        );
        assert!(ok("lookup", vec![secret(m.clone()), s("a")]).sensitive);
        let keys = ok("keys", vec![map(&[("b", n(1)), ("a", n(2))])]);
        assert!(matches!(keys.kind, crate::value::ValueKind::List(_)));
        assert_eq!(json(&keys), r#"["a","b"]"#);
        let keys = ok("keys", vec![obj(&[("b", n(1)), ("a", n(2))])]);
        assert!(matches!(keys.kind, crate::value::ValueKind::Tuple(_)));
        assert_eq!(fail("keys", vec![strs(&["a"])]), "must have map or object type");
        assert_eq!(j("values", vec![map(&[("b", n(1)), ("a", n(2))])]), "[2,1]");
        assert_eq!(fail("values", vec![s("x")]), "values() requires a map as the first argument");
        assert_eq!(j("zipmap", vec![strs(&["a", "b"]), tup(vec![n(1), s("x")])]), r#"{"a":1,"b":"x"}"#);
        let zm = ok("zipmap", vec![strs(&["a", "b"]), ok("tolist", vec![strs(&["x", "y"])])]);
        assert!(matches!(zm.kind, crate::value::ValueKind::Map(_)));
        assert_eq!(
            fail("zipmap", vec![strs(&["a"]), tup(vec![])]),
            "number of keys (1) does not match number of values (0)"
        );
        let t = map(&[("a", strs(&["1", "2"])), ("b", strs(&["2", "3"]))]);
        assert_eq!(j("transpose", vec![t]), r#"{"1":["a"],"2":["a","b"],"3":["b"]}"#);
    }

    #[test]
    fn ranges() {
        assert_eq!(j("range", vec![n(3)]), "[0,1,2]");
        assert_eq!(j("range", vec![n(-3)]), "[0,-1,-2]");
        assert_eq!(j("range", vec![n(1), n(4)]), "[1,2,3]");
        assert_eq!(j("range", vec![n(0), n(1), num("0.25")]), "[0,0.25,0.5,0.75]");
        assert_eq!(j("range", vec![n(5), n(5), n(0)]), "[]");
        assert_eq!(j("range", vec![n(3), n(1), n(-1)]), "[3,2]");
        assert_eq!(fail("range", vec![n(0), n(5), n(-1)]), "end must be less than start when step is negative");
        assert_eq!(fail("range", vec![n(5), n(0), n(1)]), "end must be greater than start when step is positive");
        let many = "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step";
        assert_eq!(fail("range", vec![n(2000)]), many);
        assert_eq!(fail("range", vec![n(0), n(5), n(0)]), many);
        assert_eq!(ok("range", vec![n(1024)]).as_seq().unwrap().len(), 1024);
        assert_eq!(fail("range", vec![]), "must have one, two, or three arguments");
    }
}
