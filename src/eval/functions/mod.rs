//! Terraform's built-in functions (the subset used in policies), with the results, result
//! types and error messages of Terraform v1.11 (go-cty's `stdlib` and Terraform's own
//! `lang/funcs`).
//!
//! [`call`] does what cty's function machinery does before a function runs: it checks the
//! number of arguments, rejects null arguments where Terraform does (`argument must not be
//! null`), and converts each argument to its parameter type (`join(",", [1, true])` joins
//! `"1"` and `"true"`). Sensitive marks are propagated as cty does: functions that accept
//! marked arguments keep the marks of the elements they pass through and mark the result
//! when the argument itself is marked; the others mark the whole result when anything in
//! their arguments is marked.
//!
//! Arguments unknown at the top level are handled by the evaluator; values unknown inside
//! collections pass through when the result does not depend on them and otherwise make
//! the call return [`FnError::Unknown`].
//!
//! # Limits
//!
//! So that hostile input can neither hang the compiler nor make it use gigabytes:
//!
//! - `range` produces at most 1024 elements (Terraform's own limit, with its message);
//! - a `format`/`formatlist` width or precision over 10,000 is refused;
//! - a string result longer than 16 MiB is refused (`format`, `formatlist`, `join`,
//!   `replace`, `indent`, `regex`, `regexall`, ... check their output size before building
//!   it), as is a single call producing more than 16 MiB of new strings in total;
//! - `setproduct` refuses results of more than 1,000,000 elements in total (or whose
//!   copied content would exceed 64 MiB);
//! - `parseint` refuses strings longer than 10,000 characters;
//! - regular expressions use the `regex` crate, which matches in linear time and refuses
//!   patterns that compile to more than its default size limit.
//!
//! # Known deviations from Terraform
//!
//! - Unicode grapheme clusters (`length` of a string, `substr`, `strrev`, `format` widths)
//!   are found with a simplified segmentation: combining marks, variation selectors, emoji
//!   modifiers and tags, zero-width joiner sequences, regional-indicator pairs, Hangul
//!   syllable sequences and CR LF are kept together; rarer rules (prepend characters,
//!   some spacing marks) are not implemented.
//! - `upper`, `lower` and `title` use Rust's Unicode case tables restricted to one-to-one
//!   mappings (as Go's `unicode.ToUpper`), which may differ from Go's tables for characters
//!   added in recent Unicode versions.
//! - Regular-expression syntax errors have the `regex` crate's wording; `\Q...\E` is not
//!   supported.
//! - `pow` and `log` results that are infinite or NaN in Terraform are errors here, since
//!   numbers cannot be infinite.
//! - `rsadecrypt` is left unknown: kmsc does not decrypt (the result, a password, has no
//!   place in a key policy, and its ciphertext is usually known only after apply).
//! - `base64gzip` is left unknown until apply (shown with the call's text): kmsc cannot
//!   reproduce the bytes of Go's `compress/gzip` exactly.
//! - `textencodebase64` and `textdecodebase64` implement UTF-8, UTF-16, UTF-16BE,
//!   UTF-16LE, US-ASCII, ISO-8859-1 and windows-1252 (under all their IANA aliases); the
//!   other encodings Terraform implements (`Shift_JIS`, `IBM437`, `windows-1250`, ...)
//!   are refused with an error saying so.

mod collections;
mod conversion;
mod datetime;
mod encoding;
mod files;
mod format;
mod hashing;
mod network;
mod numeric;
mod regexp;
mod sets;
mod strings;
mod util;
mod yaml;

pub use files::{FILE_FUNCTIONS, FileFact, file_fact};
pub use strings::clean_path;
pub use util::go_quote;
pub use yaml::yamldecode_spanned;

use crate::eval::convert::convert;
use crate::value::{Type, Value};

/// Why a function produced no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FnError {
    /// The result depends on a value unknown until apply.
    Unknown,
    /// The call is invalid; `arg` is the 0-based index of the argument at fault, if one is.
    Error { message: String, arg: Option<usize> },
}

/// Calls the built-in function `name`; `None` when there is no such function.
pub fn call(name: &str, args: &[Value]) -> Option<Result<Value, FnError>> {
    let spec = spec(name)?;
    Some(run(name, &spec, args))
}

/// The name of parameter `arg` (0-based) of function `name`, as Terraform's messages call
/// it (`Invalid value for "list" parameter`); `None` for unknown functions.
pub fn param_name(name: &str, arg: usize) -> Option<&'static str> {
    let spec = spec(name)?;
    spec.params.get(arg).or(spec.var.as_ref()).map(|p| p.name)
}

/// The type a parameter converts its argument to.
#[derive(Clone, Copy)]
enum P {
    Any,
    Str,
    Num,
    ListStr,
    ListAny,
    ListBool,
    SetAny,
    MapListStr,
}

impl P {
    fn ty(self) -> Option<Type> {
        let list = |t| Type::List(Box::new(t));
        Some(match self {
            P::Any => return None,
            P::Str => Type::String,
            P::Num => Type::Number,
            P::ListStr => list(Type::String),
            P::ListAny => list(Type::Dynamic),
            P::ListBool => list(Type::Bool),
            P::SetAny => Type::Set(Box::new(Type::Dynamic)),
            P::MapListStr => Type::Map(Box::new(list(Type::String))),
        })
    }
}

#[derive(Clone, Copy)]
struct Param {
    name: &'static str,
    ty: P,
    /// Null arguments are accepted.
    null: bool,
}

const fn p(name: &'static str, ty: P) -> Param {
    Param { name, ty, null: false }
}

const fn pn(name: &'static str, ty: P) -> Param {
    Param { name, ty, null: true }
}

/// How sensitive marks on the arguments reach the result.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Marks {
    /// Anything marked anywhere in the arguments marks the result.
    Deep,
    /// A marked argument marks the result; marks inside pass through with the elements.
    Top,
    /// The function handles marks itself.
    Own,
}

type Impl = fn(&[Value]) -> Result<Value, FnError>;

struct Spec {
    params: &'static [Param],
    var: Option<Param>,
    marks: Marks,
    imp: Impl,
}

/// A `&'static [Param]` built from constant expressions.
macro_rules! params {
    ($($e:expr),* $(,)?) => {{
        const PARAMS: &[Param] = &[$($e),*];
        PARAMS
    }};
}

fn spec(name: &str) -> Option<Spec> {
    use Marks::*;
    use P::*;
    let s = |params: &'static [Param], var: Option<Param>, marks: Marks, imp: Impl| Spec { params, var, marks, imp };
    const STR: &[Param] = &[p("str", Str)];
    Some(match name {
        // Collections.
        "chunklist" => s(params![p("list", ListAny), p("size", Num)], None, Top, collections::chunklist),
        "coalesce" => s(&[], Some(pn("vals", Any)), Deep, collections::coalesce),
        "coalescelist" => s(&[], Some(pn("vals", Any)), Deep, collections::coalescelist),
        "compact" => s(params![p("list", ListStr)], None, Deep, collections::compact),
        "concat" => s(&[], Some(p("seqs", Any)), Top, collections::concat),
        "contains" => s(params![p("list", Any), p("value", Any)], None, Deep, collections::contains),
        "distinct" => s(params![p("list", ListAny)], None, Deep, collections::distinct),
        "element" => s(params![p("list", Any), p("index", Num)], None, Top, collections::element),
        "flatten" => s(params![p("list", Any)], None, Own, collections::flatten),
        "index" => s(params![p("list", Any), p("value", Any)], None, Deep, collections::index),
        "keys" => s(params![p("inputMap", Any)], None, Top, collections::keys),
        "length" => s(params![p("value", Any)], None, Top, collections::length),
        "lookup" => s(params![p("inputMap", Any), p("key", Str)], Some(pn("default", Any)), Own, collections::lookup),
        "matchkeys" => s(
            params![p("values", ListAny), p("keys", ListAny), p("searchset", ListAny)],
            None,
            Deep,
            collections::matchkeys,
        ),
        "merge" => s(&[], Some(pn("maps", Any)), Top, collections::merge),
        "one" => s(params![p("list", Any)], None, Deep, collections::one),
        "range" => s(&[], Some(p("params", Num)), Deep, collections::range),
        "reverse" => s(params![p("list", Any)], None, Top, collections::reverse),
        "slice" => {
            s(params![p("list", Any), p("start_index", Num), p("end_index", Num)], None, Top, collections::slice)
        }
        "sort" => s(params![p("list", ListStr)], None, Deep, collections::sort),
        "transpose" => s(params![p("values", MapListStr)], None, Deep, collections::transpose),
        "values" => s(params![p("values", Any)], None, Top, collections::values),
        "zipmap" => s(params![p("keys", ListStr), p("values", Any)], None, Own, collections::zipmap),
        "alltrue" => s(params![p("list", ListBool)], None, Deep, collections::alltrue),
        "anytrue" => s(params![p("list", ListBool)], None, Deep, collections::anytrue),
        // Sets.
        "setintersection" => {
            s(params![p("first_set", SetAny)], Some(p("other_sets", SetAny)), Deep, sets::intersection)
        }
        "setproduct" => s(&[], Some(p("sets", Any)), Top, sets::product),
        "setsubtract" => s(params![p("a", SetAny), p("b", SetAny)], None, Deep, sets::subtract),
        "setunion" => s(params![p("first_set", SetAny)], Some(p("other_sets", SetAny)), Deep, sets::union),
        // Strings.
        "chomp" => s(STR, None, Deep, strings::chomp),
        "basename" => s(params![p("path", Str)], None, Deep, strings::basename),
        "dirname" => s(params![p("path", Str)], None, Deep, strings::dirname),
        "pathexpand" => s(params![p("path", Str)], None, Deep, strings::pathexpand),
        "endswith" => s(params![p("str", Str), p("suffix", Str)], None, Deep, strings::endswith),
        "format" => s(params![p("format", Str)], Some(pn("args", Any)), Deep, format::format),
        "formatlist" => s(params![p("format", Str)], Some(pn("args", Any)), Deep, format::formatlist),
        "indent" => s(params![p("spaces", Num), p("str", Str)], None, Deep, strings::indent),
        "join" => s(params![p("separator", Str)], Some(p("lists", ListStr)), Deep, strings::join),
        "lower" => s(STR, None, Deep, strings::lower),
        "replace" => s(params![p("str", Str), p("substr", Str), p("replace", Str)], None, Deep, strings::replace),
        "split" => s(params![p("separator", Str), p("str", Str)], None, Deep, strings::split),
        "startswith" => s(params![p("str", Str), p("prefix", Str)], None, Deep, strings::startswith),
        "strcontains" => s(params![p("str", Str), p("substr", Str)], None, Deep, strings::strcontains),
        "strrev" => s(STR, None, Deep, strings::strrev),
        "substr" => s(params![p("str", Str), p("offset", Num), p("length", Num)], None, Deep, strings::substr),
        "title" => s(STR, None, Deep, strings::title),
        "trim" => s(params![p("str", Str), p("cutset", Str)], None, Deep, strings::trim),
        "trimprefix" => s(params![p("str", Str), p("prefix", Str)], None, Deep, strings::trimprefix),
        "trimspace" => s(STR, None, Deep, strings::trimspace),
        "trimsuffix" => s(params![p("str", Str), p("suffix", Str)], None, Deep, strings::trimsuffix),
        "upper" => s(STR, None, Deep, strings::upper),
        "regex" => s(params![p("pattern", Str), p("string", Str)], None, Deep, regexp::regex),
        "regexall" => s(params![p("pattern", Str), p("string", Str)], None, Deep, regexp::regexall),
        // Encoding.
        "base64decode" => s(STR, None, Top, encoding::base64decode),
        "base64encode" => s(STR, None, Deep, encoding::base64encode),
        "textencodebase64" => s(params![p("string", Str), p("encoding", Str)], None, Deep, encoding::textencodebase64),
        "textdecodebase64" => s(params![p("source", Str), p("encoding", Str)], None, Deep, encoding::textdecodebase64),
        "base64gzip" => s(STR, None, Deep, hashing::unknown_until_apply),
        "urlencode" => s(STR, None, Deep, encoding::urlencode),
        "csvdecode" => s(STR, None, Deep, encoding::csvdecode),
        "yamldecode" => s(params![p("src", Str)], None, Deep, yaml::yamldecode),
        "yamlencode" => s(params![pn("value", Any)], None, Deep, yaml::yamlencode),
        // Hash and crypto.
        "md5" => s(STR, None, Deep, hashing::md5),
        "sha1" => s(STR, None, Deep, hashing::sha1),
        "sha256" => s(STR, None, Deep, hashing::sha256),
        "sha512" => s(STR, None, Deep, hashing::sha512),
        "base64sha256" => s(STR, None, Deep, hashing::base64sha256),
        "base64sha512" => s(STR, None, Deep, hashing::base64sha512),
        "uuid" | "timestamp" | "plantimestamp" => s(&[], None, Deep, hashing::unknown_until_apply),
        "uuidv5" => s(params![p("namespace", Str), p("name", Str)], None, Deep, hashing::uuidv5),
        "bcrypt" => s(STR, Some(p("cost", Num)), Deep, hashing::unknown_until_apply),
        "rsadecrypt" => {
            s(params![p("ciphertext", Str), p("privatekey", Str)], None, Deep, hashing::unknown_until_apply)
        }
        // Time.
        "formatdate" => s(params![p("format", Str), p("time", Str)], None, Deep, datetime::formatdate),
        "timeadd" => s(params![p("timestamp", Str), p("duration", Str)], None, Deep, datetime::timeadd),
        "timecmp" => s(params![p("timestamp_a", Str), p("timestamp_b", Str)], None, Deep, datetime::timecmp),
        // IP networks.
        "cidrhost" => s(params![p("prefix", Str), p("hostnum", Num)], None, Deep, network::cidrhost),
        "cidrnetmask" => s(params![p("prefix", Str)], None, Deep, network::cidrnetmask),
        "cidrsubnet" => {
            s(params![p("prefix", Str), p("newbits", Num), p("netnum", Num)], None, Deep, network::cidrsubnet)
        }
        "cidrsubnets" => s(params![p("prefix", Str)], Some(p("newbits", Num)), Deep, network::cidrsubnets),
        // Numbers.
        "abs" => s(params![p("num", Num)], None, Top, numeric::abs),
        "ceil" => s(params![p("num", Num)], None, Deep, numeric::ceil),
        "floor" => s(params![p("num", Num)], None, Deep, numeric::floor),
        "log" => s(params![p("num", Num), p("base", Num)], None, Deep, numeric::log),
        "max" => s(&[], Some(p("numbers", Num)), Deep, numeric::max),
        "min" => s(&[], Some(p("numbers", Num)), Deep, numeric::min),
        "parseint" => s(params![p("number", Any), p("base", Num)], None, Deep, numeric::parseint),
        "pow" => s(params![p("num", Num), p("power", Num)], None, Deep, numeric::pow),
        "signum" => s(params![p("num", Num)], None, Deep, numeric::signum),
        "sum" => s(params![p("list", Any)], None, Deep, numeric::sum),
        // Types and marks.
        "tobool" => s(params![pn("v", Any)], None, Own, conversion::tobool),
        "tolist" => s(params![pn("v", Any)], None, Own, conversion::tolist),
        "tomap" => s(params![pn("v", Any)], None, Own, conversion::tomap),
        "tonumber" => s(params![pn("v", Any)], None, Own, conversion::tonumber),
        "toset" => s(params![pn("v", Any)], None, Own, conversion::toset),
        "tostring" => s(params![pn("v", Any)], None, Own, conversion::tostring),
        "sensitive" => s(params![pn("value", Any)], None, Own, conversion::sensitive),
        "nonsensitive" => s(params![pn("value", Any)], None, Own, conversion::nonsensitive),
        "issensitive" => s(params![pn("value", Any)], None, Own, conversion::issensitive),
        _ => return None,
    })
}

fn run(name: &str, spec: &Spec, args: &[Value]) -> Result<Value, FnError> {
    let min = spec.params.len();
    if args.len() < min {
        let missing = spec.params[args.len()].name;
        let qual = if spec.var.is_some() { " at least" } else { "" };
        return Err(FnError::Error {
            message: format!(
                "Function {} expects{qual} {min} argument(s). Missing value for {}.",
                go_quote(name),
                go_quote(missing)
            ),
            arg: None,
        });
    }
    if spec.var.is_none() && args.len() > min {
        return Err(FnError::Error {
            message: format!("Function {} expects only {min} argument(s).", go_quote(name)),
            arg: Some(min),
        });
    }
    let mut converted = Vec::with_capacity(args.len());
    for (i, arg) in args.iter().enumerate() {
        let param = spec.params.get(i).or(spec.var.as_ref()).copied().unwrap_or(p("", P::Any));
        if arg.is_null() && !param.null {
            return Err(FnError::Error { message: "argument must not be null".into(), arg: Some(i) });
        }
        match param.ty.ty() {
            None => converted.push(arg.clone()),
            Some(ty) => match convert(arg, &ty) {
                Ok(v) if v.is_unknown() => return Err(FnError::Unknown),
                Ok(v) => converted.push(v),
                Err(message) => {
                    return Err(FnError::Error { message, arg: Some(i) });
                }
            },
        }
    }
    let marked = match spec.marks {
        Marks::Deep => args.iter().any(Value::contains_sensitive),
        Marks::Top => args.iter().any(|a| a.sensitive),
        Marks::Own => false,
    };
    let mut out = (spec.imp)(&converted)?;
    if marked {
        out.sensitive = true;
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod test_util {
    //! Short constructors for the unit tests of each family.

    use super::{FnError, call};
    use crate::number::Number;
    use crate::value::{Type, Value};

    pub fn s(x: &str) -> Value {
        Value::string(x)
    }
    pub fn n(x: i64) -> Value {
        Value::number(Number::from_i64(x))
    }
    pub fn num(text: &str) -> Value {
        Value::number(Number::parse(text).unwrap())
    }
    pub fn b(x: bool) -> Value {
        Value::bool(x)
    }
    pub fn null() -> Value {
        Value::null()
    }
    pub fn tup(items: Vec<Value>) -> Value {
        Value::tuple(items)
    }
    pub fn strs(items: &[&str]) -> Value {
        Value::tuple(items.iter().map(|x| s(x)).collect())
    }
    pub fn obj(items: &[(&str, Value)]) -> Value {
        Value::object(items.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }
    pub fn map(items: &[(&str, Value)]) -> Value {
        Value::map(items.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }
    pub fn unknown(expr: &str) -> Value {
        Value::unknown(expr, Type::String)
    }
    pub fn secret(mut v: Value) -> Value {
        v.sensitive = true;
        v
    }
    /// Calls a function that must exist and succeed.
    pub fn ok(name: &str, args: Vec<Value>) -> Value {
        match call(name, &args) {
            Some(Ok(v)) => v,
            other => panic!("{name}: {other:?}"),
        }
    }
    /// Calls a function that must exist and fail; gives the message.
    pub fn fail(name: &str, args: Vec<Value>) -> String {
        match call(name, &args) {
            Some(Err(FnError::Error { message, .. })) => message,
            other => panic!("{name}: expected an error, got {other:?}"),
        }
    }
    /// Calls a function that must exist and fail; gives the message and argument index.
    pub fn fail_at(name: &str, args: Vec<Value>) -> (String, Option<usize>) {
        match call(name, &args) {
            Some(Err(FnError::Error { message, arg })) => (message, arg),
            other => panic!("{name}: expected an error, got {other:?}"),
        }
    }
    /// Whether the call's result is unknown.
    pub fn is_unknown(name: &str, args: Vec<Value>) -> bool {
        matches!(call(name, &args), Some(Err(FnError::Unknown)))
    }
    /// The result as `jsonencode` would print it.
    pub fn json(v: &Value) -> String {
        crate::json::encode(v).unwrap()
    }
    /// Calls a function and gives the JSON text of its result.
    pub fn j(name: &str, args: Vec<Value>) -> String {
        json(&ok(name, args))
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::*;
    use super::*;

    #[test]
    fn dispatch_and_arity() {
        assert!(call("nosuch", &[]).is_none());
        assert!(call("try", &[]).is_none());
        assert_eq!(
            fail("element", vec![tup(vec![])]),
            "Function \"element\" expects 2 argument(s). Missing value for \"index\"."
        );
        assert_eq!(
            fail("lookup", vec![map(&[])]),
            "Function \"lookup\" expects at least 2 argument(s). Missing value for \"key\"."
        );
        assert_eq!(
            fail_at("upper", vec![s("a"), s("b")]),
            ("Function \"upper\" expects only 1 argument(s).".into(), Some(1))
        );
        assert_eq!(param_name("join", 3), Some("lists"));
        assert_eq!(param_name("element", 1), Some("index"));
    }

    #[test]
    fn argument_conversion_and_nulls() {
        assert_eq!(ok("upper", vec![b(true)]), s("TRUE"));
        assert_eq!(ok("join", vec![s(","), tup(vec![n(1), b(true)])]), s("1,true"));
        assert_eq!(fail_at("upper", vec![null()]), ("argument must not be null".into(), Some(0)));
        assert_eq!(fail_at("upper", vec![tup(vec![])]), ("string required".into(), Some(0)));
        assert_eq!(
            fail_at("join", vec![s(","), tup(vec![tup(vec![])])]),
            ("element 0: string required".into(), Some(1))
        );
    }

    #[test]
    fn marks() {
        let r = ok("upper", vec![secret(s("a"))]);
        assert!(r.sensitive);
        let r = ok("join", vec![s(","), tup(vec![secret(s("a"))])]);
        assert!(r.sensitive);
        // Pass-through functions keep element marks and do not mark the whole result.
        let r = ok("concat", vec![tup(vec![secret(s("a"))]), tup(vec![s("b")])]);
        assert!(!r.sensitive);
        assert!(r.as_seq().unwrap()[0].sensitive);
        let r = ok("concat", vec![secret(tup(vec![s("a")]))]);
        assert!(r.sensitive);
    }
}
