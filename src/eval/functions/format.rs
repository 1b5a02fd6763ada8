//! `format` and `formatlist`: go-cty's printf-like formatting, verb for verb.
//!
//! Verbs: `%%`, `%v` (strings raw, numbers in Go's shortest `%g`, anything else as JSON),
//! `%#v` (JSON), `%t`, `%b %d %o %x %X` (whole numbers, Go's `big.Int` formatting),
//! `%e %E %f %g %G` (Go's `big.Float` formatting), `%s`, `%q` (JSON-quoted string); flags
//! `+ - # 0 space`, width, precision and explicit argument indexes `%[2]d`. Widths and
//! string precisions count grapheme clusters, as in Terraform.

use super::FnError;
use super::util::{
    MAX_STRING, arg_err, check_len, err, go_quote, go_quote_rune, grapheme_count, graphemes, known, new_string, text,
};
use crate::eval::convert::convert;
use crate::number::Number;
use crate::value::{Type, Value, ValueKind};

/// The largest width or precision a verb may ask for (kmsc's limit).
const MAX_WIDTH: usize = 10_000;

/// `format(spec, args...)`: one formatted string.
pub(super) fn format(args: &[Value]) -> Result<Value, FnError> {
    args[1..].iter().try_for_each(known)?;
    new_string(format_str(text(&args[0]), &args[1..])?)
}

/// `formatlist(spec, args...)`: one formatted string per element of the list arguments
/// (which must have the same length); other arguments are repeated.
pub(super) fn formatlist(args: &[Value]) -> Result<Value, FnError> {
    let spec = text(&args[0]);
    let vals = &args[1..];
    if vals.is_empty() {
        return Ok(Value::list(vec![format(args)?]));
    }
    let mut iter_len: Option<(usize, usize)> = None;
    for (i, a) in vals.iter().enumerate() {
        let Some(items) = a.as_seq() else { continue };
        if matches!(a.kind, ValueKind::Set(_)) {
            known(a)?;
        }
        match iter_len {
            None => iter_len = Some((items.len(), i)),
            Some((len, chooser)) if len != items.len() => {
                return arg_err(
                    i + 1,
                    format!(
                        "argument {} has length {}, which is inconsistent with argument {} of length {len}",
                        i + 1,
                        items.len(),
                        chooser + 1
                    ),
                );
            }
            Some(_) => {}
        }
    }
    let count = iter_len.map_or(1, |(len, _)| len);
    let mut out = Vec::with_capacity(count);
    let mut total = 0usize;
    for it in 0..count {
        let row: Vec<Value> =
            vals.iter().map(|a| a.as_seq().map_or_else(|| a.clone(), |items| items[it].clone())).collect();
        if let Some(u) = row.iter().find_map(|v| (!v.is_wholly_known()).then(|| v.first_unknown())) {
            out.push(Value::unknown(u.unwrap_or_default(), Type::String));
            continue;
        }
        let s = format_str(spec, &row).map_err(|e| match e {
            FnError::Error { message, .. } => {
                FnError::Error { message: format!("error on format iteration {it}: {message}"), arg: None }
            }
            other => other,
        })?;
        total += s.len();
        check_len(total)?;
        out.push(Value::string(s));
    }
    Ok(Value::list(out))
}

/// One `%` verb as written.
#[derive(Default)]
struct Verb<'a> {
    raw: &'a str,
    offset: usize,
    arg: usize,
    mode: u8,
    zero: bool,
    sharp: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

fn unrecognized<T>(spec: &str, at: usize) -> Result<T, FnError> {
    let c = spec[at..].chars().next().unwrap_or('\u{FFFD}');
    err(format!("unrecognized format character {} at offset {at}", go_quote_rune(c)))
}

fn read_number(bytes: &[u8], p: &mut usize) -> usize {
    let mut n: usize = 0;
    while *p < bytes.len() && bytes[*p].is_ascii_digit() {
        n = n.saturating_mul(10).saturating_add(usize::from(bytes[*p] - b'0'));
        *p += 1;
    }
    n
}

/// go-cty's format state machine.
fn format_str(spec: &str, args: &[Value]) -> Result<String, FnError> {
    let bytes = spec.as_bytes();
    let len = bytes.len();
    let mut out = String::new();
    let mut p = 0;
    let mut next_arg = 1;
    let mut highest = 0;
    let eof = || err(format!("invalid format string starting at offset {len}"));
    while p < len {
        if bytes[p] != b'%' {
            let end = spec[p..].find('%').map_or(len, |i| p + i);
            out.push_str(&spec[p..end]);
            p = end;
            continue;
        }
        if p + 1 < len && bytes[p + 1] == b'%' {
            out.push('%');
            p += 2;
            continue;
        }
        let start = p;
        p += 1;
        let mut verb = Verb { offset: start, arg: next_arg, ..Verb::default() };
        while p < len {
            match bytes[p] {
                b'0' => verb.zero = true,
                b'#' => verb.sharp = true,
                b'-' => verb.minus = true,
                b'+' => verb.plus = true,
                b' ' => verb.space = true,
                _ => break,
            }
            p += 1;
        }
        if p < len && bytes[p] == b'[' {
            p += 1;
            if p >= len {
                return eof();
            }
            if !(b'1'..=b'9').contains(&bytes[p]) {
                return unrecognized(spec, p);
            }
            verb.arg = read_number(bytes, &mut p);
            if p >= len {
                return eof();
            }
            if bytes[p] != b']' {
                return unrecognized(spec, p);
            }
            p += 1;
        }
        if p < len && (b'1'..=b'9').contains(&bytes[p]) {
            verb.width = Some(read_number(bytes, &mut p));
        }
        if p < len && bytes[p] == b'.' {
            p += 1;
            verb.prec = Some(read_number(bytes, &mut p));
        }
        if p >= len {
            return eof();
        }
        if !bytes[p].is_ascii_alphabetic() {
            return unrecognized(spec, p);
        }
        verb.mode = bytes[p];
        p += 1;
        verb.raw = &spec[start..p];
        if verb.width.unwrap_or(0) > MAX_WIDTH || verb.prec.unwrap_or(0) > MAX_WIDTH {
            return err(format!(
                "the width or precision of {} is over kmsc's limit of {MAX_WIDTH}",
                go_quote(verb.raw)
            ));
        }
        highest = highest.max(verb.arg);
        append(&verb, args, &mut out)?;
        if out.len() > MAX_STRING {
            check_len(out.len())?;
        }
        next_arg = verb.arg + 1;
    }
    if highest < args.len() {
        let first_bad = highest + 1;
        if highest == 0 {
            return arg_err(first_bad, "too many arguments; no verbs in format string");
        }
        return arg_err(first_bad, format!("too many arguments; only {highest} used by format string"));
    }
    Ok(out)
}

/// Formats one verb (go-cty's `formatAppend`).
fn append(verb: &Verb, args: &[Value], out: &mut String) -> Result<(), FnError> {
    let Some(arg) = args.get(verb.arg - 1) else {
        return err(format!(
            "not enough arguments for {} at {}: need index {} but have {} total",
            go_quote(verb.raw),
            verb.offset,
            verb.arg,
            args.len()
        ));
    };
    let unsupported = |msg: &str| FnError::Error {
        message: format!("unsupported value for {} at {}: {msg}", go_quote(verb.raw), verb.offset),
        arg: None,
    };
    if verb.mode != b'v' && arg.is_null() {
        return Err(unsupported("null value cannot be formatted"));
    }
    match verb.mode {
        b'v' => {
            let text = match &arg.kind {
                ValueKind::String(s) if !verb.sharp => s.clone(),
                ValueKind::Number(n) if !verb.sharp => g_text(n, None, false),
                _ => crate::json::encode(arg).map_err(|m| unsupported(&m))?,
            };
            out.push_str(&pad(verb, &text));
        }
        b't' => {
            let v = convert(arg, &Type::Bool).map_err(|m| unsupported(&m))?;
            out.push_str(if v.as_bool() == Some(true) { "true" } else { "false" });
        }
        b'b' | b'd' | b'o' | b'x' | b'X' | b'e' | b'E' | b'f' | b'g' | b'G' => {
            let v = convert(arg, &Type::Number).map_err(|m| unsupported(&m))?;
            let n = v.as_number().expect("converted to a number");
            if matches!(verb.mode, b'b' | b'd' | b'o' | b'x' | b'X') {
                if !n.is_integer() {
                    return Err(unsupported("an integer is required"));
                }
                out.push_str(&format_int(verb, n));
            } else {
                out.push_str(&format_float(verb, n));
            }
        }
        b's' | b'q' => {
            let v = convert(arg, &Type::String).map_err(|m| unsupported(&m))?;
            let mut s = v.as_str().unwrap_or_default();
            if let Some(prec) = verb.prec.filter(|&p| p > 0) {
                let end: usize = graphemes(s).iter().take(prec).map(|g| g.len()).sum();
                s = &s[..end];
            }
            if verb.mode == b's' {
                out.push_str(&pad(verb, s));
            } else {
                let mut quoted = String::new();
                crate::json::encode_string(&mut quoted, s);
                out.push_str(&pad(verb, &quoted));
            }
        }
        m => {
            return err(format!(
                "unsupported format verb {} in {} at offset {}",
                go_quote_rune(char::from(m)),
                go_quote(verb.raw),
                verb.offset
            ));
        }
    }
    Ok(())
}

/// go-cty's `formatPadWidth`: pads to the width in grapheme clusters, with zeros when the
/// `0` flag is given (on the right with `-`).
fn pad(verb: &Verb, s: &str) -> String {
    let Some(width) = verb.width else {
        return s.to_string();
    };
    let have = grapheme_count(s);
    if have >= width {
        return s.to_string();
    }
    let fill = (if verb.zero { "0" } else { " " }).repeat(width - have);
    if verb.minus { format!("{s}{fill}") } else { format!("{fill}{s}") }
}

/// Go's `fmt` of a `*big.Int` with the verb's flags, width and precision.
fn format_int(verb: &Verb, n: &Number) -> String {
    let i = n.to_bigint_trunc();
    let neg = i.sign() == num_bigint::Sign::Minus;
    let radix = match verb.mode {
        b'b' => 2,
        b'o' => 8,
        b'x' | b'X' => 16,
        _ => 10,
    };
    let mut digits = i.magnitude().to_str_radix(radix);
    if verb.mode == b'X' {
        digits.make_ascii_uppercase();
    }
    let sign = if neg {
        "-"
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    };
    let prefix = match (verb.sharp, verb.mode) {
        (true, b'b') => "0b",
        (true, b'o') => "0",
        (true, b'x') => "0x",
        (true, b'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(prec) = verb.prec {
        if digits.len() < prec {
            zeros = prec - digits.len();
        } else if digits == "0" && prec == 0 {
            return String::new();
        }
    }
    let (mut left, mut right) = (0, 0);
    let length = sign.len() + prefix.len() + zeros + digits.len();
    if let Some(width) = verb.width.filter(|&w| length < w) {
        let d = width - length;
        if verb.minus {
            right = d;
        } else if verb.zero && verb.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    format!("{}{sign}{prefix}{}{digits}{}", " ".repeat(left), "0".repeat(zeros), " ".repeat(right))
}

/// Go's `fmt` of a `*big.Float` for `%e %E %f %g %G`.
fn format_float(verb: &Verb, n: &Number) -> String {
    let text = match verb.mode {
        b'e' | b'E' => {
            let t = n.to_exponent(verb.prec.unwrap_or(6));
            let (neg, mant, exp) = parse_decimal(&t);
            let prec = verb.prec.unwrap_or(6) as i64;
            let body = fmt_e(&mant, exp, prec, if verb.mode == b'E' { 'E' } else { 'e' });
            if neg { format!("-{body}") } else { body }
        }
        b'f' => n.to_fixed(verb.prec.unwrap_or(6)),
        _ => g_text(n, verb.prec, verb.mode == b'G'),
    };
    let (sign, body) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None if verb.plus => ("+", text.as_str()),
        None if verb.space => (" ", text.as_str()),
        None => ("", text.as_str()),
    };
    let padding = verb.width.map_or(0, |w| w.saturating_sub(sign.len() + body.len()));
    if verb.zero && !verb.minus {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if verb.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

/// Splits decimal text (`-12.5`, `1.25e+03`) into sign, significant digits without
/// leading or trailing zeros, and the exponent `e` such that the value is `0.digits × 10^e`.
fn parse_decimal(text: &str) -> (bool, Vec<u8>, i64) {
    let neg = text.starts_with('-');
    let t = text.trim_start_matches(['-', '+']);
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i64>().unwrap_or(0)),
        None => (t, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
    let mut exp = int.len() as i64 + exponent;
    let lead = digits.iter().take_while(|&&d| d == b'0').count();
    digits.drain(..lead);
    exp -= lead as i64;
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits.is_empty() {
        exp = 0;
    }
    (neg, digits, exp)
}

/// Go's `fmtE` for a decimal `0.mant × 10^exp` with `prec` fraction digits.
fn fmt_e(mant: &[u8], exp: i64, prec: i64, e: char) -> String {
    let mut out = String::new();
    out.push(mant.first().map_or('0', |&d| char::from(d)));
    if prec > 0 {
        out.push('.');
        let mut i = 1usize;
        let m = mant.len().min(prec as usize + 1);
        if i < m {
            out.extend(mant[i..m].iter().map(|&d| char::from(d)));
            i = m;
        }
        while (i as i64) <= prec {
            out.push('0');
            i += 1;
        }
    }
    out.push(e);
    let x = if mant.is_empty() { 0 } else { exp - 1 };
    out.push(if x < 0 { '-' } else { '+' });
    let x = x.unsigned_abs();
    if x < 10 {
        out.push('0');
    }
    out.push_str(&x.to_string());
    out
}

/// Go's `fmtF` for a decimal `0.mant × 10^exp` with `prec` fraction digits.
fn fmt_f(mant: &[u8], exp: i64, prec: i64) -> String {
    let mut out = String::new();
    if exp > 0 {
        let m = mant.len().min(exp as usize);
        out.extend(mant[..m].iter().map(|&d| char::from(d)));
        for _ in m as i64..exp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            let at = exp + i;
            let d = if at >= 0 && (at as usize) < mant.len() { mant[at as usize] } else { b'0' };
            out.push(char::from(d));
        }
    }
    out
}

/// Go's `big.Float.Text('g', prec)` (`prec` `None`: the shortest representation).
fn g_text(n: &Number, prec: Option<usize>, upper: bool) -> String {
    let (neg, mant, exp, shortest) = match prec {
        None => {
            let (neg, mant, exp) = parse_decimal(&n.to_string());
            (neg, mant, exp, true)
        }
        Some(p) => {
            let (neg, mant, exp) = parse_decimal(&n.to_exponent(p.max(1) - 1));
            (neg, mant, exp, false)
        }
    };
    let mut prec = match prec {
        None => mant.len() as i64,
        Some(p) => p.max(1) as i64,
    };
    let mut eprec = prec;
    if eprec > mant.len() as i64 && mant.len() as i64 >= exp {
        eprec = mant.len() as i64;
    }
    if shortest {
        eprec = 6;
    }
    let x = exp - 1;
    let body = if x < -4 || x >= eprec {
        if prec > mant.len() as i64 {
            prec = mant.len() as i64;
        }
        fmt_e(&mant, exp, prec - 1, if upper { 'E' } else { 'e' })
    } else {
        if prec > exp {
            prec = mant.len() as i64;
        }
        fmt_f(&mant, exp, (prec - exp).max(0))
    };
    if neg { format!("-{body}") } else { body }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;

    fn f(spec: &str, args: Vec<crate::value::Value>) -> String {
        let mut all = vec![s(spec)];
        all.extend(args);
        ok("format", all).as_str().unwrap().to_string()
    }
    fn ferr(spec: &str, args: Vec<crate::value::Value>) -> String {
        let mut all = vec![s(spec)];
        all.extend(args);
        fail("format", all)
    }

    #[test]
    fn integers() {
        assert_eq!(f("%d", vec![n(10)]), "10");
        assert_eq!(f("%05d", vec![n(42)]), "00042");
        assert_eq!(f("%05d", vec![n(-42)]), "-0042");
        assert_eq!(f("%-5d|", vec![n(42)]), "42   |");
        assert_eq!(f("%+d % d", vec![n(5), n(5)]), "+5  5");
        assert_eq!(f("%.3d", vec![n(7)]), "007");
        assert_eq!(f("%.0d", vec![n(0)]), "");
        assert_eq!(f("%b %o %x %X", vec![n(5), n(8), n(255), n(255)]), "101 10 ff FF");
        assert_eq!(f("%#x %#o %#b", vec![n(255), n(8), n(5)]), "0xff 010 0b101");
        assert_eq!(f("%d", vec![s("12")]), "12");
        assert_eq!(f("%d", vec![num("123456789012345678901234567890")]), "123456789012345678901234567890");
        assert_eq!(ferr("%d", vec![num("1.5")]), "unsupported value for \"%d\" at 0: an integer is required");
        assert_eq!(ferr("%d", vec![s("x")]), "unsupported value for \"%d\" at 0: a number is required");
    }

    #[test]
    fn floats() {
        assert_eq!(f("%.2f", vec![n(1)]), "1.00");
        assert_eq!(f("%f", vec![num("3.14159")]), "3.141590");
        assert_eq!(f("%05.2f", vec![num("3.14159")]), "03.14");
        assert_eq!(f("%8.3f|%-8.3f|", vec![num("-1.5"), num("1.5")]), "  -1.500|1.500   |");
        assert_eq!(f("%e", vec![num("1234.5678")]), "1.234568e+03");
        assert_eq!(f("%.2E", vec![num("0.000123")]), "1.23E-04");
        assert_eq!(f("%g", vec![num("1234567")]), "1.234567e+06");
        assert_eq!(f("%g", vec![num("100000")]), "100000");
        assert_eq!(f("%g", vec![num("0.0001")]), "0.0001");
        assert_eq!(f("%g", vec![num("0.00001")]), "1e-05");
        assert_eq!(f("%.3g", vec![num("3.14159")]), "3.14");
        assert_eq!(f("%.3g", vec![num("1234")]), "1.23e+03");
        assert_eq!(f("%G", vec![num("1e-10")]), "1E-10");
        assert_eq!(f("%g", vec![n(0)]), "0");
        assert_eq!(f("%+.1f", vec![n(2)]), "+2.0");
        assert_eq!(f("%v", vec![num("1e21")]), "1e+21");
        assert_eq!(f("%v", vec![num("0.1")]), "0.1");
        assert_eq!(f("%v", vec![n(123456)]), "123456");
    }

    #[test]
    fn strings_and_values() {
        assert_eq!(f("arn:aws:iam::%s:role/%s", vec![s("123"), s("x<y>&z")]), "arn:aws:iam::123:role/x<y>&z");
        assert_eq!(f("%d-%05.2f-%q-%%", vec![n(7), num("3.14159"), s("q")]), "7-03.14-\"q\"-%");
        assert_eq!(f("%s", vec![n(1)]), "1");
        assert_eq!(f("%s", vec![b(true)]), "true");
        assert_eq!(f("%5s|%-5s|%05s", vec![s("ab"), s("ab"), s("ab")]), "   ab|ab   |000ab");
        assert_eq!(f("%.2s", vec![s("héllo")]), "hé");
        assert_eq!(f("%q", vec![s("a\"<b>\n")]), "\"a\\\"\\u003cb\\u003e\\n\"");
        assert_eq!(f("%v %v %v", vec![s("x"), b(true), null()]), "x true null");
        assert_eq!(f("%v", vec![tup(vec![n(1), s("a")])]), "[1,\"a\"]");
        assert_eq!(f("%#v", vec![s("x")]), "\"x\"");
        assert_eq!(f("%v", vec![obj(&[("b", n(1)), ("a", n(2))])]), "{\"a\":2,\"b\":1}");
        assert_eq!(f("%t", vec![s("true")]), "true");
        assert_eq!(f("%[2]s %s %[1]s", vec![s("a"), s("b"), s("c")]), "b c a");
        assert_eq!(f("100%%", vec![]), "100%");
        assert_eq!(f("%10v|", vec![s("日本")]), "        日本|");
    }

    #[test]
    fn errors() {
        assert_eq!(ferr("%s", vec![]), "not enough arguments for \"%s\" at 0: need index 1 but have 0 total");
        assert_eq!(ferr("%s", vec![null()]), "unsupported value for \"%s\" at 0: null value cannot be formatted");
        assert_eq!(ferr("%y", vec![n(1)]), "unsupported format verb 'y' in \"%y\" at offset 0");
        assert_eq!(ferr("ab%", vec![]), "invalid format string starting at offset 3");
        assert_eq!(ferr("%!", vec![]), "unrecognized format character '!' at offset 1");
        assert_eq!(ferr("%*d", vec![n(1)]), "unrecognized format character '*' at offset 1");
        assert_eq!(ferr("%[0]d", vec![n(1)]), "unrecognized format character '0' at offset 2");
        assert_eq!(
            fail_at("format", vec![s("x"), n(1)]),
            ("too many arguments; no verbs in format string".into(), Some(1))
        );
        assert_eq!(
            fail_at("format", vec![s("%s"), n(1), n(2)]),
            ("too many arguments; only 1 used by format string".into(), Some(2))
        );
        assert_eq!(ferr("%s", vec![tup(vec![])]), "unsupported value for \"%s\" at 0: string required");
        assert!(ferr("%10001s", vec![s("a")]).contains("limit"));
        assert!(is_unknown("format", vec![s("%v"), tup(vec![unknown("x")])]));
    }

    #[test]
    fn lists() {
        assert_eq!(
            j("formatlist", vec![s("Hello, %s!"), strs(&["Valentina", "Ander"])]),
            r#"["Hello, Valentina!","Hello, Ander!"]"#
        );
        assert_eq!(j("formatlist", vec![s("%s=%s"), strs(&["a", "b"]), s("x")]), r#"["a=x","b=x"]"#);
        assert_eq!(j("formatlist", vec![s("x")]), r#"["x"]"#);
        assert_eq!(j("formatlist", vec![s("%s"), tup(vec![])]), "[]");
        assert_eq!(
            fail("formatlist", vec![s("%s%s"), strs(&["a"]), strs(&["a", "b"])]),
            "argument 2 has length 2, which is inconsistent with argument 1 of length 1"
        );
        assert_eq!(
            fail("formatlist", vec![s("%d"), strs(&["a"])]),
            "error on format iteration 0: unsupported value for \"%d\" at 0: a number is required"
        );
        let l = ok("formatlist", vec![s("%s"), tup(vec![unknown("var.x"), s("b")])]);
        let items = l.as_seq().unwrap();
        assert!(items[0].is_unknown());
        assert_eq!(items[1], s("b"));
    }
}
