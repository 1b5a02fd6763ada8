//! Type conversion and mark functions: `tostring`, `tonumber`, `tobool`, `tolist`,
//! `toset`, `tomap`, `sensitive`, `nonsensitive`, `issensitive`.

use super::FnError;
use super::util::{arg_err, go_quote};
use crate::eval::convert::{can_convert, convert, friendly_constraint, friendly_name, mismatch_message};
use crate::value::{Type, Value};

/// Terraform's `to*` functions: cty conversion with messages written for explicit
/// conversions.
fn to(v: &Value, want: &Type) -> Result<Value, FnError> {
    let got = v.ty();
    let cannot = || format!("cannot convert {} to {}", friendly_name(&got), friendly_constraint(want));
    if !can_convert(&got, want) {
        return match (&got, want) {
            (Type::Tuple(_), Type::Tuple(_)) => {
                arg_err(0, format!("incompatible tuple type for conversion: {}", mismatch_message(&got, want)))
            }
            (Type::Object(..), Type::Object(..)) => {
                arg_err(0, format!("incompatible object type for conversion: {}", mismatch_message(&got, want)))
            }
            _ => arg_err(0, cannot()),
        };
    }
    match convert(v, want) {
        Ok(out) => Ok(out),
        Err(_) if v.contains_sensitive() => arg_err(
            0,
            format!("cannot convert this sensitive {} to {}", friendly_name(&got), friendly_constraint(want)),
        ),
        Err(_) => match (v.as_str(), want) {
            (Some(s), Type::Bool) => arg_err(
                0,
                format!("cannot convert {} to bool; only the strings \"true\" or \"false\" are allowed", go_quote(s)),
            ),
            (Some(s), Type::Number) => arg_err(
                0,
                format!(
                    "cannot convert {} to number; given string must be a decimal representation of a number",
                    go_quote(s)
                ),
            ),
            _ => arg_err(0, cannot()),
        },
    }
}

/// `tostring(v)`: a string (numbers in Terraform's decimal form, bools as `true`/`false`).
pub(super) fn tostring(args: &[Value]) -> Result<Value, FnError> {
    to(&args[0], &Type::String)
}

/// `tonumber(v)`: a number (strings must be decimal numbers).
pub(super) fn tonumber(args: &[Value]) -> Result<Value, FnError> {
    to(&args[0], &Type::Number)
}

/// `tobool(v)`: a bool (strings must be `"true"` or `"false"`).
pub(super) fn tobool(args: &[Value]) -> Result<Value, FnError> {
    to(&args[0], &Type::Bool)
}

/// `tolist(v)`: a list, its elements converted to one common type.
pub(super) fn tolist(args: &[Value]) -> Result<Value, FnError> {
    to(&args[0], &Type::List(Box::new(Type::Dynamic)))
}

/// `toset(v)`: a set (sorted, without duplicates), elements converted to a common type.
pub(super) fn toset(args: &[Value]) -> Result<Value, FnError> {
    to(&args[0], &Type::Set(Box::new(Type::Dynamic)))
}

/// `tomap(v)`: a map, its values converted to one common type.
pub(super) fn tomap(args: &[Value]) -> Result<Value, FnError> {
    to(&args[0], &Type::Map(Box::new(Type::Dynamic)))
}

/// `sensitive(v)`: `v` marked sensitive.
pub(super) fn sensitive(args: &[Value]) -> Result<Value, FnError> {
    let mut out = args[0].clone();
    out.sensitive = true;
    Ok(out)
}

/// `nonsensitive(v)`: `v` without its own sensitive mark (marks inside stay); allowed on
/// values that are not sensitive, as in Terraform v1.11.
pub(super) fn nonsensitive(args: &[Value]) -> Result<Value, FnError> {
    let mut out = args[0].clone();
    out.sensitive = false;
    Ok(out)
}

/// `issensitive(v)`: whether `v` itself is marked sensitive (unknown for an unmarked
/// unknown value, which may turn out to be sensitive).
pub(super) fn issensitive(args: &[Value]) -> Result<Value, FnError> {
    if !args[0].sensitive && args[0].is_unknown() {
        return Err(FnError::Unknown);
    }
    Ok(Value::bool(args[0].sensitive))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use crate::value::ValueKind;

    #[test]
    fn to_functions() {
        assert_eq!(ok("tostring", vec![n(3)]), s("3"));
        assert_eq!(ok("tostring", vec![num("1e21")]), s("1000000000000000000000"));
        assert!(ok("tostring", vec![null()]).is_null());
        assert_eq!(fail("tostring", vec![tup(vec![])]), "cannot convert tuple to string");
        assert_eq!(ok("tonumber", vec![s("0.1")]), num("0.1"));
        assert_eq!(
            fail("tonumber", vec![s("x")]),
            "cannot convert \"x\" to number; given string must be a decimal representation of a number"
        );
        assert_eq!(fail("tonumber", vec![b(true)]), "cannot convert bool to number");
        assert_eq!(fail("tonumber", vec![secret(s("x"))]), "cannot convert this sensitive string to number");
        assert_eq!(ok("tobool", vec![s("true")]), b(true));
        assert_eq!(
            fail("tobool", vec![s("yes")]),
            "cannot convert \"yes\" to bool; only the strings \"true\" or \"false\" are allowed"
        );
        assert_eq!(j("tolist", vec![tup(vec![n(1), s("a")])]), r#"["1","a"]"#);
        assert_eq!(fail("tolist", vec![tup(vec![n(1), b(true)])]), "cannot convert tuple to list of any single type");
        assert_eq!(fail("tolist", vec![s("a")]), "cannot convert string to list of any single type");
        let set = ok("toset", vec![strs(&["b", "a", "b", "B", "10", "9"])]);
        assert!(matches!(set.kind, ValueKind::Set(_)));
        assert_eq!(json(&set), r#"["10","9","B","a","b"]"#);
        assert_eq!(j("toset", vec![tup(vec![n(10), n(3), n(1), num("2.5")])]), "[1,2.5,3,10]");
        assert_eq!(j("toset", vec![tup(vec![b(true), b(false)])]), "[false,true]");
        assert_eq!(
            j("tomap", vec![obj(&[("a", n(1)), ("b", s("x")), ("c", b(true))])]),
            r#"{"a":"1","b":"x","c":"true"}"#
        );
        assert_eq!(j("tomap", vec![obj(&[])]), "{}");
        assert_eq!(j("tolist", vec![ok("toset", vec![strs(&["b", "a"])])]), r#"["a","b"]"#);
    }

    #[test]
    fn marks() {
        let v = ok("sensitive", vec![s("x")]);
        assert!(v.sensitive);
        assert_eq!(ok("issensitive", vec![v.clone()]), b(true));
        let plain = ok("nonsensitive", vec![v]);
        assert!(!plain.sensitive);
        assert_eq!(ok("issensitive", vec![plain.clone()]), b(false));
        assert!(!ok("nonsensitive", vec![plain]).sensitive);
        assert!(is_unknown("issensitive", vec![unknown("x")]));
        assert_eq!(ok("issensitive", vec![secret(unknown("x"))]), b(true));
        assert!(ok("sensitive", vec![unknown("x")]).sensitive);
        assert!(ok("tostring", vec![secret(n(1))]).sensitive);
        let inner = ok("tolist", vec![tup(vec![secret(s("a"))])]);
        assert!(!inner.sensitive && inner.as_seq().unwrap()[0].sensitive);
    }
}
