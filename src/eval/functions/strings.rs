//! String functions: `join`, `split`, `replace`, `upper`, `lower`, `title`, `substr`,
//! `trim*`, `chomp`, `indent`, `strrev`, `startswith`, `endswith`, `strcontains`,
//! `basename`, `dirname`, `pathexpand`.

use super::FnError;
use super::regexp::{compile_go, expand_go};
use super::util::{arg_err, check_len, err, graphemes, known, new_string, text, to_int};
use crate::value::Value;

/// `join(separator, lists...)`: the strings of all lists, separated by `separator`.
pub(super) fn join(args: &[Value]) -> Result<Value, FnError> {
    let sep = text(&args[0]);
    let lists = &args[1..];
    if lists.is_empty() {
        return err("at least one list is required");
    }
    lists.iter().try_for_each(known)?;
    let mut items: Vec<&str> = Vec::new();
    for (li, list) in lists.iter().enumerate() {
        for (ei, v) in list.as_seq().unwrap_or_default().iter().enumerate() {
            match v.as_str() {
                Some(s) => items.push(s),
                None if lists.len() > 1 => {
                    let li = li + 1;
                    return arg_err(li, format!("element {ei} of list {li} is null; cannot concatenate null values"));
                }
                None => {
                    return arg_err(1, format!("element {ei} is null; cannot concatenate null values"));
                }
            }
        }
    }
    let len = items.iter().map(|s| s.len()).sum::<usize>() + sep.len() * items.len().saturating_sub(1);
    check_len(len)?;
    new_string(items.join(sep))
}

/// `split(separator, str)`: the pieces of `str` between occurrences of `separator` (each
/// character when the separator is empty).
pub(super) fn split(args: &[Value]) -> Result<Value, FnError> {
    let (sep, s) = (text(&args[0]), text(&args[1]));
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| Value::string(c.to_string())).collect()
    } else {
        s.split(sep).map(Value::string).collect()
    };
    Ok(Value::list(parts))
}

/// Go's `unicode.ToUpper` (simple case mapping) of one character.
fn upper_char(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => match c as u32 {
            0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => char::from_u32(c as u32 + 8).unwrap_or(c),
            0x1FB3 => '\u{1FBC}',
            0x1FC3 => '\u{1FCC}',
            0x1FF3 => '\u{1FFC}',
            _ => c,
        },
    }
}

/// Go's `unicode.ToLower` (simple case mapping) of one character.
fn lower_char(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ if c == '\u{130}' => 'i',
        _ => c,
    }
}

/// Go's `unicode.ToTitle` of one character.
fn title_char(c: char) -> char {
    match c as u32 {
        0x01C4..=0x01C6 => '\u{1C5}',
        0x01C7..=0x01C9 => '\u{1C8}',
        0x01CA..=0x01CC => '\u{1CB}',
        0x01F1..=0x01F3 => '\u{1F2}',
        _ => upper_char(c),
    }
}

/// `upper(str)`: every letter in upper case.
pub(super) fn upper(args: &[Value]) -> Result<Value, FnError> {
    new_string(text(&args[0]).chars().map(upper_char).collect())
}

/// `lower(str)`: every letter in lower case.
pub(super) fn lower(args: &[Value]) -> Result<Value, FnError> {
    new_string(text(&args[0]).chars().map(lower_char).collect())
}

/// Go's `isSeparator` from `strings.Title`.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphabetic() || c.is_numeric() {
        return false;
    }
    c.is_whitespace()
}

/// `title(str)`: the first letter of each word in title case (Go's `strings.Title`).
pub(super) fn title(args: &[Value]) -> Result<Value, FnError> {
    let mut prev = ' ';
    let out = text(&args[0])
        .chars()
        .map(|c| {
            let r = if is_separator(prev) { title_char(c) } else { c };
            prev = c;
            r
        })
        .collect();
    new_string(out)
}

/// `strrev(str)`: the grapheme clusters in reverse order.
pub(super) fn strrev(args: &[Value]) -> Result<Value, FnError> {
    new_string(graphemes(text(&args[0])).into_iter().rev().collect())
}

/// `trimspace(str)`: without leading and trailing Unicode white space.
pub(super) fn trimspace(args: &[Value]) -> Result<Value, FnError> {
    new_string(text(&args[0]).trim().to_string())
}

/// `trim(str, cutset)`: without leading and trailing characters found in `cutset`.
pub(super) fn trim(args: &[Value]) -> Result<Value, FnError> {
    let cutset: Vec<char> = text(&args[1]).chars().collect();
    new_string(text(&args[0]).trim_matches(|c| cutset.contains(&c)).to_string())
}

/// `trimprefix(str, prefix)`: without `prefix` at the start.
pub(super) fn trimprefix(args: &[Value]) -> Result<Value, FnError> {
    let (s, p) = (text(&args[0]), text(&args[1]));
    new_string(s.strip_prefix(p).unwrap_or(s).to_string())
}

/// `trimsuffix(str, suffix)`: without `suffix` at the end.
pub(super) fn trimsuffix(args: &[Value]) -> Result<Value, FnError> {
    let (s, p) = (text(&args[0]), text(&args[1]));
    new_string(s.strip_suffix(p).unwrap_or(s).to_string())
}

/// `chomp(str)`: without the newlines (`\n`, `\r\n`, `\r`) at the end.
pub(super) fn chomp(args: &[Value]) -> Result<Value, FnError> {
    new_string(text(&args[0]).trim_end_matches(['\r', '\n']).to_string())
}

/// `indent(spaces, str)`: `spaces` spaces added after each newline.
pub(super) fn indent(args: &[Value]) -> Result<Value, FnError> {
    let spaces = to_int(&args[0]).or_else(err)?;
    if spaces < 0 {
        return err("strings: negative Repeat count");
    }
    let s = text(&args[1]);
    let lines = s.matches('\n').count();
    let spaces = usize::try_from(spaces).unwrap_or(usize::MAX);
    check_len(s.len().saturating_add(lines.saturating_mul(spaces)))?;
    if lines == 0 {
        return new_string(s.to_string());
    }
    let pad = format!("\n{}", " ".repeat(spaces));
    new_string(s.replace('\n', &pad))
}

/// `replace(str, substr, replacement)`: every occurrence replaced; a `substr` wrapped in
/// slashes is a regular expression (and the replacement may use `$1`, `${name}`).
pub(super) fn replace(args: &[Value]) -> Result<Value, FnError> {
    let (s, sub, rep) = (text(&args[0]), text(&args[1]), text(&args[2]));
    if sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/') {
        let re = compile_go(&sub[1..sub.len() - 1]).or_else(|e| err(format!("error parsing regexp: {e}")))?;
        let mut out = String::new();
        let mut last = 0;
        for caps in re.captures_iter(s) {
            let m = caps.get(0).expect("whole match");
            out.push_str(&s[last..m.start()]);
            expand_go(&re, &caps, rep, &mut out)?;
            last = m.end();
            check_len(out.len())?;
        }
        out.push_str(&s[last..]);
        return new_string(out);
    }
    let count = if sub.is_empty() { s.chars().count() + 1 } else { s.matches(sub).count() };
    let removed = count.saturating_mul(sub.len());
    check_len((s.len() - removed.min(s.len())).saturating_add(count.saturating_mul(rep.len())))?;
    new_string(s.replace(sub, rep))
}

/// `substr(str, offset, length)`: `length` grapheme clusters from `offset` (negative:
/// from the end; length `-1`: to the end), with go-cty's exact edge cases.
pub(super) fn substr(args: &[Value]) -> Result<Value, FnError> {
    let s = text(&args[0]);
    let mut offset = to_int(&args[1]).or_else(err)?;
    let length = to_int(&args[2]).or_else(err)?;
    let clusters = graphemes(s);
    if offset < 0 {
        offset += clusters.len() as i64;
    } else if length == 0 {
        return Ok(Value::string(""));
    }
    let mut rest: &[&str] = &clusters;
    if offset > 0 {
        if offset as u64 > clusters.len() as u64 {
            return Ok(Value::string(""));
        }
        rest = &clusters[offset as usize..];
    }
    if length < 0 {
        return new_string(rest.concat());
    }
    // go-cty takes everything when asked for zero clusters here (a negative offset).
    let take = if length == 0 { rest.len() } else { (length as u64).min(rest.len() as u64) as usize };
    new_string(rest[..take].concat())
}

/// `startswith(str, prefix)`.
pub(super) fn startswith(args: &[Value]) -> Result<Value, FnError> {
    Ok(Value::bool(text(&args[0]).starts_with(text(&args[1]))))
}

/// `endswith(str, suffix)`.
pub(super) fn endswith(args: &[Value]) -> Result<Value, FnError> {
    Ok(Value::bool(text(&args[0]).ends_with(text(&args[1]))))
}

/// `strcontains(str, substr)`.
pub(super) fn strcontains(args: &[Value]) -> Result<Value, FnError> {
    Ok(Value::bool(text(&args[0]).contains(text(&args[1]))))
}

/// Go's `filepath.Clean` on a `/`-separated path: repeated separators, `.` components and
/// `dir/..` pairs removed lexically; `..` kept at the start of a relative path; `""` is `.`.
pub fn clean_path(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// `basename(path)`: the last element of the path (Go's `filepath.Base`): trailing `/`
/// removed, `.` for an empty path, `/` for a path of slashes only.
pub(super) fn basename(args: &[Value]) -> Result<Value, FnError> {
    let path = text(&args[0]);
    if path.is_empty() {
        return new_string(".".to_string());
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return new_string("/".to_string());
    }
    new_string(trimmed.rsplit('/').next().unwrap_or(trimmed).to_string())
}

/// `dirname(path)`: everything but the last element, cleaned (Go's `filepath.Dir`).
pub(super) fn dirname(args: &[Value]) -> Result<Value, FnError> {
    let path = text(&args[0]);
    let dir = match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    };
    new_string(clean_path(dir))
}

/// `pathexpand(path)`: a leading `~` (alone or before `/`) replaced by the home directory;
/// any other path (`~user/x` too) as it is.
pub(super) fn pathexpand(args: &[Value]) -> Result<Value, FnError> {
    let path = text(&args[0]);
    match path.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            new_string(format!("{}{rest}", std::env::var("HOME").unwrap_or_default()))
        }
        _ => new_string(path.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;

    /// Go's `filepath.Base` and `filepath.Dir`, which Terraform's functions call; the first
    /// cases are Terraform's documented examples.
    #[test]
    fn basename_and_dirname() {
        let base = |p: &str| ok("basename", vec![s(p)]);
        let dir = |p: &str| ok("dirname", vec![s(p)]);
        assert_eq!(base("foo/bar/baz.txt"), s("baz.txt"));
        assert_eq!(dir("foo/bar/baz.txt"), s("foo/bar"));
        assert_eq!(base(""), s("."));
        assert_eq!(base("/"), s("/"));
        assert_eq!(base("///"), s("/"));
        assert_eq!(base("a/b/"), s("b"));
        assert_eq!(base("policies/a.json"), s("a.json"));
        assert_eq!(dir(""), s("."));
        assert_eq!(dir("a"), s("."));
        assert_eq!(dir("/a"), s("/"));
        assert_eq!(dir("a/b/"), s("a/b"));
        assert_eq!(dir("./a//b/./c"), s("a/b"));
        assert_eq!(dir("../../a/b"), s("../../a"));
        assert_eq!(dir("a/../../b/c"), s("../b"));
        assert_eq!(dir("/../a/b"), s("/a"));
        assert_eq!(fail("basename", vec![null()]), "argument must not be null");
    }

    #[test]
    fn pathexpand_replaces_a_leading_tilde() {
        let home = std::env::var("HOME").unwrap_or_default();
        let expand = |p: &str| ok("pathexpand", vec![s(p)]);
        assert_eq!(expand("~"), s(&home));
        assert_eq!(expand("~/.ssh/id"), s(&format!("{home}/.ssh/id")));
        assert_eq!(expand("~user/x"), s("~user/x"));
        assert_eq!(expand("a/~"), s("a/~"));
    }

    #[test]
    fn join_and_split() {
        assert_eq!(ok("join", vec![s(","), strs(&["a", "b"])]), s("a,b"));
        assert_eq!(ok("join", vec![s("-"), strs(&["a"]), strs(&["b", "c"])]), s("a-b-c"));
        assert_eq!(ok("join", vec![s(","), tup(vec![])]), s(""));
        assert_eq!(fail("join", vec![s(",")]), "at least one list is required");
        assert_eq!(
            fail_at("join", vec![s(","), tup(vec![s("a"), null()])]),
            ("element 1 is null; cannot concatenate null values".into(), Some(1))
        );
        assert_eq!(
            fail_at("join", vec![s(","), strs(&["a"]), tup(vec![null()])]),
            ("element 0 of list 2 is null; cannot concatenate null values".into(), Some(2))
        );
        assert!(is_unknown("join", vec![s(","), tup(vec![unknown("x")])]));
        assert_eq!(j("split", vec![s(":"), s("arn:aws:kms")]), r#"["arn","aws","kms"]"#);
        assert_eq!(j("split", vec![s(","), s("")]), r#"[""]"#);
        assert_eq!(j("split", vec![s(""), s("ab")]), r#"["a","b"]"#);
        assert_eq!(j("split", vec![s(","), s(",a,")]), r#"["","a",""]"#);
    }

    #[test]
    fn case() {
        assert_eq!(ok("upper", vec![s("kq-ßé")]), s("KQ-ßÉ"));
        assert_eq!(ok("lower", vec![s("ÀB\u{130}Σ")]), s("àbiσ"));
        assert_eq!(ok("title", vec![s("hello wORLD foo_bar x.y")]), s("Hello WORLD Foo_bar X.Y"));
        assert_eq!(ok("title", vec![s("ǆemal")]), s("ǅemal"));
    }

    #[test]
    fn trimming() {
        assert_eq!(ok("trimspace", vec![s("  padded \n")]), s("padded"));
        assert_eq!(ok("trim", vec![s("?!hello?!"), s("!?")]), s("hello"));
        assert_eq!(ok("trimprefix", vec![s("helloworld"), s("hello")]), s("world"));
        assert_eq!(ok("trimsuffix", vec![s("helloworld"), s("world")]), s("hello"));
        assert_eq!(ok("chomp", vec![s("hello\n\r\n\r")]), s("hello"));
        assert_eq!(ok("indent", vec![n(2), s("a\nb\n")]), s("a\n  b\n  "));
        assert!(fail("indent", vec![n(100_000_000), s(&"\n".repeat(1000))]).contains("limit"));
    }

    #[test]
    fn replacing() {
        assert_eq!(ok("replace", vec![s("1 + 2 + 3"), s("+"), s("-")]), s("1 - 2 - 3"));
        assert_eq!(ok("replace", vec![s("abc"), s(""), s("-")]), s("-a-b-c-"));
        assert_eq!(ok("replace", vec![s("hello world"), s("/w.*d/"), s("everybody")]), s("hello everybody"));
        assert_eq!(ok("replace", vec![s("a1b22"), s("/(\\d+)/"), s("<$1>")]), s("a<1>b<22>"));
        assert_eq!(ok("replace", vec![s("ab"), s("/(?P<x>a)/"), s("${x}$$")]), s("a$b"));
        assert_eq!(ok("replace", vec![s("baaac"), s("/a*/"), s("-")]), s("-b-c-"));
        assert!(fail("replace", vec![s("a"), s("/(/"), s("")]).starts_with("error parsing regexp:"));
        let big = s(&"x".repeat(1 << 20));
        assert!(fail("replace", vec![big, s("x"), s(&"y".repeat(100))]).contains("limit"));
    }

    #[test]
    fn substrings() {
        assert_eq!(ok("substr", vec![s("abcdef"), n(1), n(3)]), s("bcd"));
        assert_eq!(ok("substr", vec![s("hello world"), n(-5), n(-1)]), s("world"));
        assert_eq!(ok("substr", vec![s("abc"), n(0), n(0)]), s(""));
        assert_eq!(ok("substr", vec![s("abc"), n(-1), n(0)]), s("c"));
        assert_eq!(ok("substr", vec![s("abc"), n(5), n(1)]), s(""));
        assert_eq!(ok("substr", vec![s("abc"), n(1), n(10)]), s("bc"));
        assert_eq!(ok("substr", vec![s("e\u{301}xy"), n(0), n(1)]), s("é"));
        assert_eq!(ok("strrev", vec![s("abc")]), s("cba"));
        assert_eq!(ok("startswith", vec![s("hello"), s("he")]), b(true));
        assert_eq!(ok("endswith", vec![s("hello"), s("he")]), b(false));
        assert_eq!(ok("strcontains", vec![s("hello"), s("ll")]), b(true));
    }
}
