//! Terraform's `jsonencode` and `jsondecode`, byte for byte.
//!
//! Encoding follows go-cty's JSON marshalling (Go's `encoding/json` escaping, object keys
//! in byte order, numbers in plain decimal via [`Number`]'s `Display`). Decoding is a small
//! recursive-descent parser that keeps each number's literal text (parsed exactly with
//! [`Number::parse`]), records every value's byte range, and notes duplicate object keys
//! (the last one wins, as in Go).

use std::collections::BTreeMap;
use std::fmt;

use crate::diagnostic::{Diagnostic, codes};
use crate::number::Number;
use crate::source::Span;
use crate::value::{Value, ValueKind};

/// The deepest nesting of arrays and objects [`decode`] accepts.
pub const MAX_DEPTH: usize = 1000;

// ---------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------

/// Terraform's `jsonencode`: no whitespace, object keys in byte order, Go's string
/// escaping, numbers as Terraform prints them, `null` kept.
///
/// Fails only when the value contains something unknown until apply (callers are expected
/// to deal with unknowns first).
pub fn encode(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    encode_into(&mut out, v)?;
    Ok(out)
}

fn encode_into(out: &mut String, v: &Value) -> Result<(), String> {
    match &v.kind {
        ValueKind::Null => out.push_str("null"),
        ValueKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        ValueKind::Number(n) => out.push_str(&n.to_string()),
        ValueKind::String(s) => encode_string(out, s),
        ValueKind::Partial(_) | ValueKind::Unknown(_) => {
            return Err("value is unknown".to_string());
        }
        ValueKind::Tuple(items) | ValueKind::List(items) | ValueKind::Set(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_into(out, item)?;
            }
            out.push(']');
        }
        ValueKind::Object(members) | ValueKind::Map(members) => {
            out.push('{');
            // BTreeMap<String, _> iterates in byte order of the keys, as cty sorts them.
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_string(out, k);
                out.push(':');
                encode_into(out, item)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Writes `s` as a JSON string literal escaped as Go's `encoding/json` does (HTML-safe).
pub fn encode_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    // Runs of bytes that need no escape are copied at once; every escaped character starts
    // with an ASCII byte or is U+2028/U+2029 (E2 80 A8/A9), so `start..i` is on char
    // boundaries.
    const SPECIAL: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            t[b] = true;
            b += 1;
        }
        t[b'"' as usize] = true;
        t[b'\\' as usize] = true;
        t[b'<' as usize] = true;
        t[b'>' as usize] = true;
        t[b'&' as usize] = true;
        t[0xe2] = true;
        t
    };
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Skip what needs no escape.
        match bytes[i..].iter().position(|&b| SPECIAL[b as usize]) {
            Some(n) => i += n,
            None => break,
        }
        let b = bytes[i];
        let (escape, len): (&str, usize) = match b {
            b'"' => ("\\\"", 1),
            b'\\' => ("\\\\", 1),
            b'\n' => ("\\n", 1),
            b'\r' => ("\\r", 1),
            b'\t' => ("\\t", 1),
            0x08 => ("\\b", 1),
            0x0c => ("\\f", 1),
            b'<' => ("\\u003c", 1),
            b'>' => ("\\u003e", 1),
            b'&' => ("\\u0026", 1),
            0xe2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xa8) => ("\\u2028", 3),
            0xe2 if bytes.get(i + 1) == Some(&0x80) && bytes.get(i + 2) == Some(&0xa9) => ("\\u2029", 3),
            0..0x20 => {
                out.push_str(&s[start..i]);
                out.push_str(&format!("\\u{b:04x}"));
                i += 1;
                start = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(escape);
        i += len;
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

// ---------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------

/// A JSON syntax error (or a limit reached) at a byte offset of the decoded text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// One line, lowercase.
    pub message: String,
    /// Byte offset in the decoded text.
    pub offset: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for JsonError {}

impl JsonError {
    /// A `codes::SYNTAX` diagnostic for this error; `map` turns the error's offset into a
    /// source span (as given to [`decode_spanned`]).
    pub fn to_diagnostic(&self, map: &dyn Fn(usize, usize) -> Option<Span>) -> Diagnostic {
        Diagnostic::error(codes::SYNTAX, format!("invalid JSON: {}", self.message))
            .at(map(self.offset, self.offset + 1))
    }
}

/// An object key that appeared more than once in one object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    /// The span of the earlier occurrence of the key (the string literal).
    pub first: Option<Span>,
    /// The span of the later occurrence, whose value is kept.
    pub second: Option<Span>,
}

/// The result of [`decode_full`].
#[derive(Clone, Debug)]
pub struct Decoded {
    pub value: Value,
    /// Keys repeated in an object, in the order they were found.
    pub duplicates: Vec<DuplicateKey>,
}

/// Terraform's `jsondecode`: objects become objects, arrays tuples, numbers exact.
pub fn decode(text: &str) -> Result<Value, JsonError> {
    decode_spanned(text, &|_, _| None)
}

/// [`decode`], giving every produced value `span = map(start_byte, end_byte)` of its text.
pub fn decode_spanned(text: &str, map: &dyn Fn(usize, usize) -> Option<Span>) -> Result<Value, JsonError> {
    decode_full(text, map).map(|d| d.value)
}

/// [`decode_spanned`], also returning the duplicate object keys found.
pub fn decode_full(text: &str, map: &dyn Fn(usize, usize) -> Option<Span>) -> Result<Decoded, JsonError> {
    let mut p = Parser { text, bytes: text.as_bytes(), pos: 0, map, duplicates: Vec::new() };
    p.skip_ws();
    let value = p.value()?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.err_here("unexpected data after the top-level value"));
    }
    Ok(Decoded { value, duplicates: p.duplicates })
}

/// An array or object being read.
enum Frame {
    Array {
        start: usize,
        items: Vec<Value>,
    },
    Object {
        start: usize,
        /// In the order read; sorted (the last of a repeated key kept) when the object ends.
        members: Vec<(String, Value)>,
        /// The span of each key's latest occurrence, to report duplicates.
        key_spans: BTreeMap<String, Option<Span>>,
        /// The key of the member being read.
        key: (String, Option<Span>),
    },
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    map: &'a dyn Fn(usize, usize) -> Option<Span>,
    duplicates: Vec<DuplicateKey>,
}

impl Parser<'_> {
    fn err(&self, offset: usize, message: impl Into<String>) -> JsonError {
        JsonError { message: message.into(), offset }
    }

    fn err_here(&self, message: &str) -> JsonError {
        self.err(self.pos, message)
    }

    /// An error about the character at the current position (or the end of the text).
    fn unexpected(&self, looking_for: &str) -> JsonError {
        match self.text[self.pos..].chars().next() {
            None => self.err(self.pos, format!("unexpected end of JSON input {looking_for}")),
            Some(c) => self.err(self.pos, format!("invalid character {} {looking_for}", describe_char(c))),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn spanned(&self, kind: ValueKind, start: usize) -> Value {
        Value::new(kind).with_span((self.map)(start, self.pos))
    }

    /// The value at the current position (after whitespace). Iterative, with an explicit
    /// stack of open arrays and objects, so deep nesting cannot overflow the call stack.
    fn value(&mut self) -> Result<Value, JsonError> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            // Read the start of a value: a scalar completes at once, `[` or `{` opens a frame.
            let start = self.pos;
            let mut done = match self.peek() {
                Some(open @ (b'[' | b'{')) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(self.err_here(&format!("nesting deeper than {MAX_DEPTH} arrays and objects")));
                    }
                    self.pos += 1;
                    self.skip_ws();
                    if open == b'[' {
                        if self.peek() == Some(b']') {
                            self.pos += 1;
                            self.spanned(ValueKind::Tuple(Vec::new()), start)
                        } else {
                            stack.push(Frame::Array { start, items: Vec::new() });
                            continue 'value;
                        }
                    } else if self.peek() == Some(b'}') {
                        self.pos += 1;
                        self.spanned(ValueKind::Object(crate::value::Members::new()), start)
                    } else {
                        let key = self.key()?;
                        stack.push(Frame::Object { start, members: Vec::new(), key_spans: BTreeMap::new(), key });
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    let s = self.string()?;
                    Value::string(s).with_span((self.map)(start, self.pos))
                }
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal("true", ValueKind::Bool(true))?,
                Some(b'f') => self.literal("false", ValueKind::Bool(false))?,
                Some(b'n') => self.literal("null", ValueKind::Null)?,
                _ => return Err(self.unexpected("looking for the beginning of a value")),
            };
            // Hand the finished value to the innermost open frame; close frames that end.
            loop {
                let Some(frame) = stack.last_mut() else {
                    return Ok(done);
                };
                self.skip_ws();
                match frame {
                    Frame::Array { start, items } => {
                        items.push(done);
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                continue 'value;
                            }
                            Some(b']') => {
                                self.pos += 1;
                                let (start, items) = (*start, std::mem::take(items));
                                stack.pop();
                                done = self.spanned(ValueKind::Tuple(items), start);
                            }
                            _ => return Err(self.unexpected("after an array element")),
                        }
                    }
                    Frame::Object { start, members, key_spans, key } => {
                        let (name, key_span) = std::mem::take(key);
                        if let Some(first) = key_spans.insert(name.clone(), key_span) {
                            self.duplicates.push(DuplicateKey { key: name.clone(), first, second: key_span });
                        }
                        members.push((name, done));
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                *key = self.key()?;
                                continue 'value;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                let (start, members) = (*start, std::mem::take(members));
                                stack.pop();
                                done = self.spanned(ValueKind::Object(members.into_iter().collect()), start);
                            }
                            _ => return Err(self.unexpected("after an object member")),
                        }
                    }
                }
            }
        }
    }

    /// An object key and the `:` after it, leaving the position at the member's value.
    fn key(&mut self) -> Result<(String, Option<Span>), JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("looking for the beginning of an object key"));
        }
        let key_start = self.pos;
        let key = crate::value::into_nfc(self.string()?);
        let key_span = (self.map)(key_start, self.pos);
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.unexpected("after an object key"));
        }
        self.pos += 1;
        self.skip_ws();
        Ok((key, key_span))
    }

    fn literal(&mut self, word: &str, kind: ValueKind) -> Result<Value, JsonError> {
        let start = self.pos;
        for &expected in word.as_bytes() {
            if self.peek() != Some(expected) {
                return Err(self.unexpected(&format!("in literal {word}")));
            }
            self.pos += 1;
        }
        Ok(self.spanned(kind, start))
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.unexpected("in numeric literal")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.unexpected("after decimal point in numeric literal"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.unexpected("in exponent of numeric literal"));
            }
        }
        let literal = &self.text[start..self.pos];
        match Number::parse(literal) {
            Some(n) => Ok(self.spanned(ValueKind::Number(Box::new(n)), start)),
            None => Err(self.err(start, format!("number `{literal}` is out of range"))),
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let h = self.bytes.get(at..at + 4)?;
        let mut v = 0u32;
        for &b in h {
            v = v * 16 + (b as char).to_digit(16)?;
        }
        Some(v)
    }

    /// A string literal starting at the current `"`; returns its text (not normalised).
    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1; // `"`
        let mut out = String::new();
        loop {
            // Copy the run of plain characters at once.
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.peek() {
                None => return Err(self.err_here("unexpected end of JSON input in string literal")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => return Err(self.unexpected("in string literal")),
            }
        }
    }

    /// An escape sequence at the current `\`.
    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let start = self.pos;
        let simple = match self.bytes.get(self.pos + 1) {
            Some(b'"') => Some('"'),
            Some(b'\\') => Some('\\'),
            Some(b'/') => Some('/'),
            Some(b'b') => Some('\u{8}'),
            Some(b'f') => Some('\u{c}'),
            Some(b'n') => Some('\n'),
            Some(b'r') => Some('\r'),
            Some(b't') => Some('\t'),
            Some(b'u') => None,
            _ => {
                self.pos += 1;
                return Err(self.unexpected("in string escape code"));
            }
        };
        if let Some(c) = simple {
            out.push(c);
            self.pos += 2;
            return Ok(());
        }
        let Some(u) = self.hex4(start + 2) else {
            return Err(self.err(start, "invalid `\\u` escape in string literal"));
        };
        self.pos += 6;
        if (0xD800..0xDC00).contains(&u) {
            // A high surrogate: combine with a following `\uDC00`-`\uDFFF` escape, as Go
            // does; otherwise it is replaced, and what follows is read on its own.
            if self.bytes.get(self.pos) == Some(&b'\\')
                && self.bytes.get(self.pos + 1) == Some(&b'u')
                && let Some(lo) = self.hex4(self.pos + 2)
                && (0xDC00..0xE000).contains(&lo)
            {
                let c = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                self.pos += 6;
                return Ok(());
            }
            out.push('\u{FFFD}');
            return Ok(());
        }
        out.push(char::from_u32(u).unwrap_or('\u{FFFD}'));
        Ok(())
    }
}

fn describe_char(c: char) -> String {
    match c {
        '\'' => "'\\''".to_string(),
        '"' => "'\"'".to_string(),
        c if c.is_control() => format!("U+{:04X}", c as u32),
        c => format!("'{c}'"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use crate::value::{Part, Type};

    fn s(x: &str) -> Value {
        Value::string(x)
    }
    fn n(x: &str) -> Value {
        Value::number(Number::parse(x).unwrap())
    }
    fn obj(members: Vec<(&str, Value)>) -> Value {
        Value::object(members.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
    fn enc(v: &Value) -> String {
        encode(v).unwrap()
    }

    #[test]
    fn escaping_table() {
        let cases: &[(&str, &str)] = &[
            ("<>&", r#""\u003c\u003e\u0026""#),
            ("\u{2028}\u{2029}", r#""\u2028\u2029""#),
            ("tab\tnl\ncr\r", r#""tab\tnl\ncr\r""#),
            ("\u{0}\u{1}\u{1f}", r#""\u0000\u0001\u001f""#),
            ("\u{8}\u{c}", r#""\b\f""#),
            ("\u{7f}\u{80}\u{a0}", "\"\u{7f}\u{80}\u{a0}\""),
            ("é日本😀", "\"é日本😀\""),
            ("a\"b\\c/d", r#""a\"b\\c/d""#),
            ("\u{feff}\u{fffd}", "\"\u{feff}\u{fffd}\""),
            ("%{x} ${y}", r#""%{x} ${y}""#),
            ("\u{1b}[0m", r#""\u001b[0m""#),
            ("", r#""""#),
        ];
        for (input, expected) in cases {
            assert_eq!(enc(&s(input)), *expected, "encoding {input:?}");
        }
        // Strings are NFC-normalised on construction: `e` + combining acute is `é`.
        assert_eq!(enc(&s("e\u{301}")), "\"é\"");
    }

    #[test]
    fn scalars() {
        assert_eq!(enc(&Value::null()), "null");
        assert_eq!(enc(&Value::bool(true)), "true");
        assert_eq!(enc(&Value::bool(false)), "false");
        assert_eq!(enc(&n("1")), "1");
        assert_eq!(enc(&n("-1")), "-1");
        assert_eq!(enc(&n("1.5")), "1.5");
        assert_eq!(enc(&n("1.50")), "1.5");
        assert_eq!(enc(&n("1.0")), "1");
    }

    #[test]
    fn object_keys_in_byte_order() {
        let v = obj(vec![("b", n("1")), ("a", n("2")), ("C", n("3")), ("_", n("4")), ("10", n("5")), ("9", n("6"))]);
        assert_eq!(enc(&v), r#"{"10":5,"9":6,"C":3,"_":4,"a":2,"b":1}"#);
        let v = obj(vec![("z", n("1")), ("é", n("2")), ("Z", n("3")), ("a b", n("4")), ("", n("5"))]);
        assert_eq!(enc(&v), r#"{"":5,"Z":3,"a b":4,"z":1,"é":2}"#);
        let v = obj(vec![("a/b", s("c")), ("a.b", s("d")), ("a-b", s("e"))]);
        assert_eq!(enc(&v), r#"{"a-b":"e","a.b":"d","a/b":"c"}"#);
        // Keys are escaped like strings.
        assert_eq!(enc(&obj(vec![("<k>", Value::null())])), r#"{"\u003ck\u003e":null}"#);
    }

    #[test]
    fn nested_structures() {
        let v = obj(vec![("outer", obj(vec![("z", n("1")), ("a", obj(vec![("y", n("2")), ("b", n("3"))]))]))]);
        assert_eq!(enc(&v), r#"{"outer":{"a":{"b":3,"y":2},"z":1}}"#);

        let v = Value::tuple(vec![n("1"), s("a"), Value::bool(true), Value::null(), obj(vec![("k", s("v"))])]);
        assert_eq!(enc(&v), r#"[1,"a",true,null,{"k":"v"}]"#);
        assert_eq!(enc(&Value::tuple(vec![])), "[]");
        assert_eq!(enc(&Value::list(vec![])), "[]");
        assert_eq!(enc(&Value::set(vec![])), "[]");
        assert_eq!(enc(&obj(vec![])), "{}");
        assert_eq!(enc(&Value::map(crate::value::Members::new())), "{}");
        let v = obj(vec![("a", Value::null()), ("b", Value::tuple(vec![Value::null()]))]);
        assert_eq!(enc(&v), r#"{"a":null,"b":[null]}"#);
        // Lists keep their order; sets are already in cty's order.
        assert_eq!(enc(&Value::list(vec![s("b"), s("a")])), r#"["b","a"]"#);
        let set = Value::set(vec![s("b"), s("a"), s("b"), s("B"), s("10"), s("9")]);
        assert_eq!(enc(&set), r#"["10","9","B","a","b"]"#);

        let policy = obj(vec![
            (
                "Statement",
                Value::tuple(vec![obj(vec![
                    ("Sid", s("A")),
                    ("Effect", s("Allow")),
                    ("Principal", obj(vec![("AWS", s("arn:aws:iam::111122223333:root"))])),
                    ("Action", s("kms:*")),
                    ("Resource", s("*")),
                ])]),
            ),
            ("Version", s("2012-10-17")),
        ]);
        assert_eq!(
            enc(&policy),
            r#"{"Statement":[{"Action":"kms:*","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Resource":"*","Sid":"A"}],"Version":"2012-10-17"}"#
        );
    }

    #[test]
    fn unknowns_are_errors() {
        let u = Value::unknown("aws_kms_key.k.arn", Type::String);
        assert!(encode(&u).is_err());
        let p = Value::partial(vec![Part::Known("a".into()), Part::Unknown("var.x".into())]);
        assert!(encode(&Value::tuple(vec![p])).is_err());
        assert!(encode(&obj(vec![("a", u)])).is_err());
    }

    #[test]
    fn decode_structures() {
        let v = decode(r#" {"b":1,"a":{"d":[1,2],"c":null}} "#).unwrap();
        assert_eq!(enc(&v), r#"{"a":{"c":null,"d":[1,2]},"b":1}"#);
        assert!(matches!(v.kind, ValueKind::Object(_)));
        let arr = &v.as_map().unwrap()["a"].as_map().unwrap()["d"];
        assert!(matches!(arr.kind, ValueKind::Tuple(_)));

        let v = decode("[true, false, null, \"x\", {}, []]").unwrap();
        assert_eq!(enc(&v), r#"[true,false,null,"x",{},[]]"#);
        let v = decode("{\n  \"Version\": \"2012-10-17\"\n}\n").unwrap();
        assert_eq!(enc(&v), r#"{"Version":"2012-10-17"}"#);
    }

    #[test]
    fn decode_numbers() {
        let v = decode("[1.0, 1E2, -0.0, 0.30000000000000004, 12.5e-1]").unwrap();
        let items: Vec<String> = v.as_seq().unwrap().iter().map(enc).collect();
        assert_eq!(items, ["1", "100", "-0", "0.30000000000000004", "1.25"]);
        // The literal text goes to Number::parse unchanged.
        let big = "12345678901234567890123";
        assert_eq!(decode(big).unwrap(), n(big));
        assert_eq!(decode("1e400").unwrap(), n("1e400"));
        for bad in ["01", "-", "1.", ".5", "1e", "+1", "0x10", "1.e3", "--1", "Infinity", "NaN"] {
            assert!(decode(bad).is_err(), "{bad} should not decode");
        }
    }

    #[test]
    fn decode_exact_big_numbers() {
        // Needs the exact (arbitrary-precision) Number.
        assert_eq!(enc(&decode("12345678901234567890123").unwrap()), "12345678901234567890123");
        assert_eq!(enc(&decode("1e400").unwrap()), format!("1{}", "0".repeat(400)));
    }

    #[test]
    fn decode_strings() {
        let v = decode(r#""\u003c\u00e9""#).unwrap();
        assert_eq!(enc(&v), "\"\\u003cé\"");
        let v = decode(r#""\"\\\/\b\f\n\r\t""#).unwrap();
        assert_eq!(v.as_str(), Some("\"\\/\u{8}\u{c}\n\r\t"));
        // Surrogate pairs are combined, lone surrogates replaced.
        let v = decode(r#""\ud83d\ude00 \ud800""#).unwrap();
        assert_eq!(v.as_str(), Some("😀 \u{fffd}"));
        assert_eq!(decode(r#""\udc00x""#).unwrap().as_str(), Some("\u{fffd}x"));
        assert_eq!(decode(r#""\ud800\u0041""#).unwrap().as_str(), Some("\u{fffd}A"));
        assert_eq!(decode(r#""\ud800\ud83d\ude00""#).unwrap().as_str(), Some("\u{fffd}😀"));
        assert_eq!(decode(r#""\uD83D\uDE00""#).unwrap().as_str(), Some("😀"));
        // NFC normalisation, in values and keys.
        assert_eq!(decode(r#""e\u0301""#).unwrap().as_str(), Some("é"));
        let v = decode("{\"e\u{301}\":1,\"Z\":2}").unwrap();
        assert_eq!(enc(&v), "{\"Z\":2,\"é\":1}");
        // Raw non-ASCII passes through.
        assert_eq!(decode("\"日本\"").unwrap().as_str(), Some("日本"));
        for bad in ["\"abc", "\"a\nb\"", "\"a\tb\"", r#""\x""#, r#""\u12""#, r#""\u12g4""#, "'a'"] {
            assert!(decode(bad).is_err(), "{bad:?} should not decode");
        }
    }

    #[test]
    fn decode_duplicate_keys() {
        let d = decode_full(r#"{"a":1,"b":2,"a":3}"#, &|s, e| Some(Span::new(FileId(0), s, e))).unwrap();
        assert_eq!(enc(&d.value), r#"{"a":3,"b":2}"#);
        assert_eq!(
            d.duplicates,
            vec![DuplicateKey {
                key: "a".into(),
                first: Some(Span::new(FileId(0), 1, 4)),
                second: Some(Span::new(FileId(0), 13, 16)),
            }]
        );
        assert_eq!(enc(&decode(r#"{"a":1,"a":[2]}"#).unwrap()), r#"{"a":[2]}"#);
    }

    #[test]
    fn decode_depth_limit() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(decode(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let e = decode(&deep).unwrap_err();
        assert_eq!(e.offset, MAX_DEPTH);
        assert!(e.message.contains("nesting"));
        let deep_obj = format!("{}1{}", "{\"a\":".repeat(MAX_DEPTH + 1), "}".repeat(MAX_DEPTH + 1));
        assert!(decode(&deep_obj).is_err());
        // Far deeper input must not overflow the stack.
        let very = "[".repeat(1_000_000);
        assert!(decode(&very).is_err());
    }

    #[test]
    fn decode_errors_have_offsets() {
        let cases: &[(&str, usize)] = &[
            ("", 0),
            ("   ", 3),
            ("{", 1),
            ("[1,]", 3),
            ("[1 2]", 3),
            (r#"{"a" 1}"#, 5),
            (r#"{"a":1,}"#, 7),
            ("{a:1}", 1),
            ("tru", 3),
            ("nul!", 3),
            ("1 2", 2),
            ("{} x", 3),
            ("\"é\" x", 5),
        ];
        for (text, offset) in cases {
            let e = decode(text).unwrap_err();
            assert_eq!(e.offset, *offset, "{text:?}: {e}");
        }
        let e = decode("[1,]").unwrap_err();
        assert_eq!(e.message, "invalid character ']' looking for the beginning of a value");
        let d = e.to_diagnostic(&|s, t| Some(Span::new(FileId(3), s + 10, t + 10)));
        assert_eq!(d.code, codes::SYNTAX);
        assert_eq!(d.span, Some(Span::new(FileId(3), 13, 14)));
    }

    #[test]
    fn decode_spanned_offsets() {
        let text = r#"{"Action": ["kms:*", 1.5], "Sid": null, "é": true}"#;
        let map = |s: usize, e: usize| Some(Span::new(FileId(7), s + 100, e + 100));
        let v = decode_spanned(text, &map).unwrap();
        let slice = |v: &Value| {
            let sp = v.span.unwrap();
            assert_eq!(sp.file, FileId(7));
            &text[sp.start as usize - 100..sp.end as usize - 100]
        };
        assert_eq!(slice(&v), text);
        let m = v.as_map().unwrap();
        let action = &m["Action"];
        assert_eq!(slice(action), r#"["kms:*", 1.5]"#);
        let items = action.as_seq().unwrap();
        assert_eq!(slice(&items[0]), r#""kms:*""#);
        assert_eq!(slice(&items[1]), "1.5");
        assert_eq!(slice(&m["Sid"]), "null");
        assert_eq!(slice(&m["é"]), "true");
        // Without a map, no spans.
        assert_eq!(decode(text).unwrap().span, None);
    }

    #[test]
    fn round_trip() {
        let text = r#"{"Statement":[{"Action":["kms:Decrypt","kms:Encrypt"],"Condition":{"Bool":{"kms:GrantIsForAWSResource":true}},"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Resource":"*"}],"Version":"2012-10-17"}"#;
        assert_eq!(enc(&decode(text).unwrap()), text);
    }
}
