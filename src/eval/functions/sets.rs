//! Set functions: `setunion`, `setintersection`, `setsubtract`, `setproduct`.

use super::FnError;
use super::util::{Members, arg_err, check_comparisons, err, known};
use crate::eval::convert::{convert, unify_strict};
use crate::value::{Type, Value, ValueKind};

fn element_type(v: &Value) -> Type {
    match v.ty() {
        Type::Set(e) | Type::List(e) => *e,
        _ => Type::Dynamic,
    }
}

/// Converts the (already set-typed) arguments to sets of their common element type.
fn common_sets(args: &[Value]) -> Result<Vec<Value>, FnError> {
    let mut etys = Vec::new();
    for a in args {
        let ety = element_type(a);
        if a.as_seq().is_some_and(<[Value]>::is_empty) && ety == Type::Dynamic {
            continue;
        }
        etys.push(ety);
    }
    let ety = if etys.is_empty() {
        Type::Dynamic
    } else {
        match unify_strict(&etys) {
            Some(t) => t,
            None => return err("given sets must all have compatible element types"),
        }
    };
    let ty = Type::Set(Box::new(ety));
    args.iter().enumerate().map(|(i, a)| convert(a, &ty).or_else(|m| arg_err(i, m))).collect()
}

/// `setunion(sets...)`: every element of any of the sets.
pub(super) fn union(args: &[Value]) -> Result<Value, FnError> {
    let sets = common_sets(args)?;
    let all = sets.iter().flat_map(|s| s.as_seq().unwrap_or_default().iter().cloned()).collect();
    Ok(Value::set(all))
}

/// `setintersection(sets...)`: the elements present in all of the sets.
pub(super) fn intersection(args: &[Value]) -> Result<Value, FnError> {
    let sets = common_sets(args)?;
    sets.iter().try_for_each(known)?;
    let (first, rest) = sets.split_first().expect("at least one set");
    let first = first.as_seq().unwrap_or_default();
    let rest: Vec<Members> = rest.iter().map(|s| Members::new(s.as_seq().unwrap_or_default())).collect();
    for m in &rest {
        check_comparisons(first.len(), m.others())?;
    }
    let out = first.iter().filter(|e| rest.iter().all(|m| m.contains(e))).cloned().collect();
    Ok(Value::set(out))
}

/// `setsubtract(a, b)`: the elements of `a` that are not in `b`.
pub(super) fn subtract(args: &[Value]) -> Result<Value, FnError> {
    let sets = common_sets(args)?;
    sets.iter().try_for_each(known)?;
    let b = Members::new(sets[1].as_seq().unwrap_or_default());
    let a = sets[0].as_seq().unwrap_or_default();
    check_comparisons(a.len(), b.others())?;
    let out = a.iter().filter(|e| !b.contains(e)).cloned().collect();
    Ok(Value::set(out))
}

/// The most elements (tuples times their length) `setproduct` builds.
const PRODUCT_ELEMENTS: usize = 1_000_000;
/// The most bytes of copied content `setproduct` builds.
const PRODUCT_BYTES: usize = 64 << 20;

fn approx_size(v: &Value) -> usize {
    64 + match &v.kind {
        ValueKind::String(s) => s.len(),
        ValueKind::Tuple(items) | ValueKind::List(items) | ValueKind::Set(items) => items.iter().map(approx_size).sum(),
        ValueKind::Object(m) | ValueKind::Map(m) => m.iter().map(|(k, v)| k.len() + approx_size(v)).sum(),
        _ => 0,
    }
}

/// `setproduct(sets...)`: every combination of one element of each argument, as tuples;
/// a list when every argument is a list or tuple, otherwise a set.
pub(super) fn product(args: &[Value]) -> Result<Value, FnError> {
    if args.len() < 2 {
        return err("at least two arguments are required");
    }
    let mut all_lists = true;
    let mut etys = Vec::with_capacity(args.len());
    for (i, a) in args.iter().enumerate() {
        match &a.kind {
            ValueKind::Set(_) => {
                all_lists = false;
                etys.push(element_type(a));
            }
            ValueKind::List(_) => etys.push(element_type(a)),
            ValueKind::Tuple(items) if items.is_empty() => etys.push(Type::Dynamic),
            ValueKind::Tuple(items) => {
                let types: Vec<Type> = items.iter().map(Value::ty).collect();
                match unify_strict(&types) {
                    Some(t) => etys.push(t),
                    None => return arg_err(i, "all elements must be of the same type"),
                }
            }
            _ => return arg_err(i, "a set or a list is required"),
        }
    }
    let mut columns: Vec<Vec<Value>> = Vec::with_capacity(args.len());
    for (a, ety) in args.iter().zip(&etys) {
        if matches!(a.kind, ValueKind::Set(_)) {
            known(a)?;
        }
        let mut column = Vec::new();
        for v in a.as_seq().unwrap_or_default() {
            column.push(if v.ty() == *ety { v.clone() } else { convert(v, ety).or_else(err)? });
        }
        columns.push(column);
    }
    let mut total: usize = 1;
    for c in &columns {
        total = total.saturating_mul(c.len());
    }
    let make = |items: Vec<Value>| {
        if all_lists { Value::list(items) } else { Value::set(items) }
    };
    if total == 0 {
        return Ok(make(Vec::new()));
    }
    let bytes = columns.iter().fold(0usize, |acc, c| {
        let column_bytes: usize = c.iter().map(approx_size).sum();
        acc.saturating_add(column_bytes.saturating_mul(total / c.len()))
    });
    if total.saturating_mul(args.len()) > PRODUCT_ELEMENTS || bytes > PRODUCT_BYTES {
        return err(format!(
            "the product would have {total} elements of {} values each, over kmsc's limit of {PRODUCT_ELEMENTS} values",
            args.len()
        ));
    }
    let mut idx = vec![0usize; columns.len()];
    let mut out = Vec::with_capacity(total);
    for _ in 0..total {
        out.push(Value::tuple(idx.iter().zip(&columns).map(|(&i, c)| c[i].clone()).collect()));
        for j in (0..idx.len()).rev() {
            idx[j] += 1;
            if idx[j] < columns[j].len() {
                break;
            }
            idx[j] = 0;
        }
    }
    Ok(make(out))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::value::ValueKind;

    #[test]
    fn set_operations() {
        let u = ok("setunion", vec![strs(&["b", "a"]), strs(&["c", "a"])]);
        assert!(matches!(u.kind, ValueKind::Set(_)));
        assert_eq!(json(&u), r#"["a","b","c"]"#);
        assert_eq!(j("setunion", vec![tup(vec![n(1)]), strs(&["a"])]), r#"["1","a"]"#);
        assert_eq!(j("setunion", vec![tup(vec![]), strs(&["a"])]), r#"["a"]"#);
        assert_eq!(j("setintersection", vec![strs(&["a", "b"]), strs(&["b", "c"])]), r#"["b"]"#);
        assert_eq!(j("setsubtract", vec![strs(&["a", "b"]), strs(&["b"])]), r#"["a"]"#);
        assert!(is_unknown("setsubtract", vec![tup(vec![unknown("x")]), strs(&["b"])]));
        assert_eq!(
            fail("setunion", vec![strs(&["a"]), tup(vec![tup(vec![])])]),
            "given sets must all have compatible element types"
        );
    }

    #[test]
    fn products() {
        let p = ok("setproduct", vec![strs(&["a", "b"]), strs(&["x", "y"])]);
        assert!(matches!(p.kind, ValueKind::List(_)));
        assert_eq!(json(&p), r#"[["a","x"],["a","y"],["b","x"],["b","y"]]"#);
        let p = ok("setproduct", vec![ok("toset", vec![strs(&["b", "a"])]), strs(&["x"])]);
        assert!(matches!(p.kind, ValueKind::Set(_)));
        assert_eq!(j("setproduct", vec![strs(&["a"]), tup(vec![])]), "[]");
        assert_eq!(fail("setproduct", vec![strs(&["a"])]), "at least two arguments are required");
        assert_eq!(fail("setproduct", vec![strs(&["a"]), s("b")]), "a set or a list is required");
        let big = ok("range", vec![n(1000)]);
        assert!(fail("setproduct", vec![big.clone(), big.clone(), big]).contains("limit"));
    }
}
