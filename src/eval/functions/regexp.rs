//! Regular-expression functions: `regex`, `regexall`, and the helpers `replace` uses.
//!
//! Patterns use Go's RE2 syntax. The `regex` crate reads nearly the same syntax; the
//! differences are bridged by [`compile_go`]: Perl classes (`\d`, `\w`, `\s`) and word
//! boundaries are ASCII-only in Go, and a `[` inside a bracket class is a literal there.

use regex::{Captures, Regex};

use super::FnError;
use super::util::{MAX_STRING, arg_err, check_len, err, text};
use crate::value::Value;

/// Rewrites a Go regular expression into the `regex` crate's syntax.
fn translate(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let rewritten = match (e, in_class) {
                    ('d', false) => "[0-9]",
                    ('D', false) => "[^0-9]",
                    ('w', false) => "[0-9A-Za-z_]",
                    ('W', false) => "[^0-9A-Za-z_]",
                    ('s', false) => r"[\t\n\f\r ]",
                    ('S', false) => r"[^\t\n\f\r ]",
                    ('b', false) => r"(?-u:\b)",
                    ('B', false) => r"(?-u:\B)",
                    ('d', true) => "0-9",
                    ('w', true) => "0-9A-Za-z_",
                    ('s', true) => r"\t\n\f\r ",
                    ('D', true) => "[^0-9]",
                    ('W', true) => "[^0-9A-Za-z_]",
                    ('S', true) => r"[^\t\n\f\r ]",
                    _ => {
                        out.push('\\');
                        out.push(e);
                        continue;
                    }
                };
                out.push_str(rewritten);
            }
            '[' if in_class => {
                if chars.peek() == Some(&':') {
                    // A POSIX class such as `[:alpha:]`: copy it whole.
                    out.push('[');
                    for d in chars.by_ref() {
                        out.push(d);
                        if d == ']' {
                            break;
                        }
                    }
                } else {
                    out.push_str("\\[");
                }
            }
            '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            '[' => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            c => out.push(c),
        }
    }
    out
}

/// Compiles a Go (RE2) regular expression; the error is a one-line description.
pub(super) fn compile_go(pattern: &str) -> Result<Regex, String> {
    Regex::new(&translate(pattern)).map_err(|e| match e {
        regex::Error::Syntax(text) => {
            text.lines().find_map(|l| l.strip_prefix("error: ")).unwrap_or(text.trim()).to_string()
        }
        other => other.to_string(),
    })
}

/// Go's `Regexp.Expand` of `template` for one match: `$1`, `${1}`, `$name`, `${name}`,
/// `$$`; references to missing groups expand to nothing, a malformed `$` stays literal.
pub(super) fn expand_go(re: &Regex, caps: &Captures, template: &str, out: &mut String) -> Result<(), FnError> {
    let mut rest = template;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let Some((name, after)) = extract_name(rest) else {
            out.push('$');
            continue;
        };
        rest = after;
        let group = match group_number(name) {
            Some(i) => caps.get(i),
            None => re.capture_names().position(|n| n == Some(name)).and_then(|i| caps.get(i)),
        };
        if let Some(m) = group {
            check_len(out.len() + m.as_str().len())?;
            out.push_str(m.as_str());
        }
    }
    out.push_str(rest);
    check_len(out.len())
}

/// The group name at the start of `s` (after a `$`), and the text after it.
fn extract_name(s: &str) -> Option<(&str, &str)> {
    let (body, brace) = match s.strip_prefix('{') {
        Some(b) => (b, true),
        None => (s, false),
    };
    let end = body
        .char_indices()
        .find(|&(_, c)| !(c.is_alphabetic() || c.is_numeric() || c == '_'))
        .map_or(body.len(), |(i, _)| i);
    if end == 0 {
        return None;
    }
    let name = &body[..end];
    let rest = &body[end..];
    if brace {
        return rest.strip_prefix('}').map(|r| (name, r));
    }
    Some((name, rest))
}

/// A group number as Go reads it (digits only, no leading zero, below 10^8).
fn group_number(name: &str) -> Option<usize> {
    if !name.bytes().all(|b| b.is_ascii_digit()) || (name.len() > 1 && name.starts_with('0')) || name.len() > 8 {
        return None;
    }
    name.parse().ok()
}

/// What one match becomes: the matched text, a tuple of the groups, or an object of the
/// named groups.
enum Shape {
    Whole,
    Tuple(usize),
    Object(Vec<String>),
}

fn compile_with_shape(pattern: &str) -> Result<(Regex, Shape), FnError> {
    let re = compile_go(pattern).or_else(|e| arg_err(0, format!("invalid regexp pattern: {e}")))?;
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let named: Vec<String> = names.iter().flatten().map(|n| n.to_string()).collect();
    let unnamed = names.len() - named.len();
    let shape = match (unnamed, named.len()) {
        (0, 0) => Shape::Whole,
        (u, 0) => Shape::Tuple(u),
        (0, _) => Shape::Object(named),
        _ => {
            return arg_err(0, "invalid regexp pattern: cannot mix both named and unnamed capture groups");
        }
    };
    Ok((re, shape))
}

/// The value of one match, and the bytes of new strings it holds.
fn match_value(shape: &Shape, caps: &Captures) -> (Value, usize) {
    let group = |i: usize| caps.get(i).map_or_else(Value::null, |m| Value::string(m.as_str()));
    let len = |i: usize| caps.get(i).map_or(0, |m| m.len());
    match shape {
        Shape::Whole => (group(0), len(0)),
        Shape::Tuple(n) => ((Value::tuple((1..=*n).map(group).collect())), (1..=*n).map(len).sum()),
        Shape::Object(names) => {
            let out =
                names.iter().enumerate().map(|(i, n)| (n.clone(), group(i + 1))).collect::<crate::value::Members>();
            (Value::object(out), (1..=names.len()).map(len).sum())
        }
    }
}

/// `regex(pattern, string)`: the first match — the matched text, a tuple of the capture
/// groups, or an object of the named capture groups (null for groups that did not take
/// part).
pub(super) fn regex(args: &[Value]) -> Result<Value, FnError> {
    let (re, shape) = compile_with_shape(text(&args[0]))?;
    match re.captures(text(&args[1])) {
        Some(caps) => Ok(match_value(&shape, &caps).0),
        None => err("pattern did not match any part of the given string"),
    }
}

/// `regexall(pattern, string)`: a list of all the matches, each as `regex` gives it.
pub(super) fn regexall(args: &[Value]) -> Result<Value, FnError> {
    let (re, shape) = compile_with_shape(text(&args[0]))?;
    let mut out = Vec::new();
    let mut total = 0usize;
    for caps in re.captures_iter(text(&args[1])) {
        let (v, bytes) = match_value(&shape, &caps);
        total = total.saturating_add(bytes);
        if total > MAX_STRING {
            check_len(total)?;
        }
        out.push(v);
    }
    Ok(Value::list(out))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn go_syntax() {
        assert_eq!(translate(r"\d+"), "[0-9]+");
        assert_eq!(translate(r"[\d.]"), "[0-9.]");
        assert_eq!(translate(r"[[]"), r"[\[]");
        assert_eq!(translate(r"[]a]"), r"[\]a]");
        assert_eq!(translate("[a&&b]"), r"[a\&\&b]");
        assert!(compile_go(r"\bfoo\b").unwrap().is_match("a foo b"));
        assert!(!compile_go(r"\d").unwrap().is_match("٣"));
        assert!(compile_go(r"[[:alpha:]]+").unwrap().is_match("abc"));
        assert!(compile_go("(").is_err());
    }

    #[test]
    fn regex_results() {
        assert_eq!(ok("regex", vec![s("[a-z]+"), s("123abc456")]), s("abc"));
        assert_eq!(j("regex", vec![s("(\\d\\d\\d\\d)-(\\d\\d)"), s("2019-02-01")]), r#"["2019","02"]"#);
        assert_eq!(j("regex", vec![s("(?P<y>\\d+)-(?P<m>\\d+)"), s("2019-02")]), r#"{"m":"02","y":"2019"}"#);
        assert_eq!(j("regex", vec![s("a(x)?b"), s("ab")]), "[null]");
        assert_eq!(fail("regex", vec![s("z"), s("abc")]), "pattern did not match any part of the given string");
        assert_eq!(
            fail("regex", vec![s("(a)(?P<n>b)"), s("ab")]),
            "invalid regexp pattern: cannot mix both named and unnamed capture groups"
        );
        assert!(fail("regex", vec![s("("), s("a")]).starts_with("invalid regexp pattern: "));
        assert_eq!(j("regexall", vec![s("[a-z]+"), s("1a2bc3")]), r#"["a","bc"]"#);
        assert_eq!(j("regexall", vec![s("z"), s("abc")]), "[]");
        assert_eq!(j("regexall", vec![s("(\\w)(\\d)"), s("a1 b2")]), r#"[["a","1"],["b","2"]]"#);
    }
}
