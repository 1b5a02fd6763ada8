//! `yamldecode` and `yamlencode`, as Terraform v1.11 runs them: go-cty-yaml v1.1.0 (a fork
//! of go-yaml v2, itself a port of libyaml).
//!
//! # yamldecode
//!
//! The text is read by `saphyr-parser` (a YAML 1.2 event parser); the value is built from its
//! events here, with go-cty-yaml's rules (`resolve.go`, `decode.go`, `implied_type.go`):
//!
//! - plain scalars resolve by their first character and spelling: `y Y yes Yes YES true True
//!   TRUE on On ON` are true, `n N no No NO false False FALSE off Off OFF` false, `` ~ null
//!   Null NULL`` (and nothing) null; YAML 1.2 integers (`[-+]?[0-9]+`, `0o[0-7]+`,
//!   `0x[0-9a-fA-F]+`) and floats become exact numbers; `2006-1-2`, `2006-1-2T15:4:5Z`-like
//!   timestamps become RFC 3339 strings; everything else is a string. Quoted scalars are
//!   always strings; block scalars (`|`, `>`) resolve like plain ones and are then converted
//!   to strings (the implied type is `string`);
//! - tags `!!str !!int !!float !!bool !!null !!timestamp !!binary` (`!!binary` keeps the
//!   Base64 text after checking it); any other tag is an error;
//! - mappings become objects (keys converted to strings, the last of duplicate keys wins,
//!   `<<` merges a mapping), sequences tuples, aliases copies of their anchor's value;
//! - one document only; no document at all is null;
//! - errors are cty-yaml's, with its positions: `on line L, column C: ...` where `L` is
//!   libyaml's 0-based line and `C` the 1-based column, and no position for the first line
//!   (`error.go`'s `parseEventErrorWrap`); syntax errors are reported as cty-yaml reports
//!   libyaml's (scanner errors at the 1-based line and column 1, parser errors like events),
//!   with `saphyr-parser`'s wording of the problem.
//!
//! Limits: collections nested deeper than [`MAX_DEPTH`] are refused; aliases may not make the
//! result hold more than [`MAX_VALUES`] values or [`MAX_STRING`] bytes of strings in total
//! (a "billion laughs" document is refused before it is expanded).
//!
//! # yamlencode
//!
//! go-cty-yaml's `encode.go` drives go-yaml's emitter (`emitterc.go`) with block collections
//! (flow `[]`/`{}` when empty), strings double-quoted (literal `|` when they hold a line
//! feed and the emitter allows it), numbers, bools and null plain, and implicit document
//! markers; the emitter's behaviour for those events is reproduced here: indentation of 2,
//! sequences in mappings not indented, double-quoted strings folded at spaces past column
//! 80, its escapes (`\t`, `\x01`, `\U0001F600`...), keys longer than 128 bytes or holding
//! line breaks written as `? ` complex keys, `...` after a document that ends open (a plain
//! scalar at the root, a literal ending in two line feeds).

use std::cell::Cell;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span};

use super::FnError;
use super::encoding::decode_std;
use super::util::{MAX_STRING, arg_err, check_len, go_quote, known, text};
use crate::eval::convert::parse_number;
use crate::number::Number;
use crate::value::{Members, Value, ValueKind};

/// The deepest nesting of sequences and mappings accepted (as deep as expressions may be).
pub(super) const MAX_DEPTH: usize = crate::eval::MAX_DEPTH;

/// The most values (scalars and collections, counting every copy an alias makes) one
/// decoded document may hold.
pub(super) const MAX_VALUES: usize = 1_000_000;

const STR_TAG: &str = "tag:yaml.org,2002:str";
const BOOL_TAG: &str = "tag:yaml.org,2002:bool";
const INT_TAG: &str = "tag:yaml.org,2002:int";
const FLOAT_TAG: &str = "tag:yaml.org,2002:float";
const NULL_TAG: &str = "tag:yaml.org,2002:null";
const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
const MAP_TAG: &str = "tag:yaml.org,2002:map";
const SEQ_TAG: &str = "tag:yaml.org,2002:seq";

// ---------------------------------------------------------------------------------------
// Scalars (resolve.go)
// ---------------------------------------------------------------------------------------

/// What a scalar resolves to.
#[derive(Debug)]
enum Scalar {
    Null,
    Bool(bool),
    Number(Number),
    /// `.inf`, `-.Inf`...: cty has infinities, kmsc's numbers do not.
    Infinity {
        negative: bool,
    },
    String(String),
    /// The merge key `<<` (a plain string anywhere but as a mapping key).
    Merge,
}

/// `resolveMap`: the spellings of bools, null and infinities.
fn lookup(src: &str) -> Option<Scalar> {
    Some(match src {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Scalar::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Scalar::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => Scalar::Null,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Scalar::Infinity { negative: false },
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Infinity { negative: true },
        _ => return None,
    })
}

/// `resolveTable`: the hint given by a scalar's first byte (0: surely a string).
fn hint(src: &str) -> u8 {
    match src.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    }
}

fn all(s: &str, f: fn(u8) -> bool) -> bool {
    !s.is_empty() && s.bytes().all(f)
}

/// The YAML 1.2 core schema's integers, as go-cty-yaml v1.1.0 resolves them (no `_`, no
/// signed octal or hexadecimal).
fn is_int_literal(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    all(unsigned, |b| b.is_ascii_digit())
        || s.strip_prefix("0o").is_some_and(|d| all(d, |b| (b'0'..=b'7').contains(&b)))
        || s.strip_prefix("0x").is_some_and(|d| all(d, |b| b.is_ascii_hexdigit()))
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float_literal(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => all(frac, |b| b.is_ascii_digit()),
        Some((int, frac)) => all(int, |b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit()),
        None => all(mantissa, |b| b.is_ascii_digit()),
    };
    mantissa_ok && exponent.is_none_or(|e| all(e.strip_prefix(['-', '+']).unwrap_or(e), |b| b.is_ascii_digit()))
}

/// cty's `ParseNumberVal` (Go's `big.ParseFloat(s, 10, 512, ToNearestEven)`): a sign, `Inf`
/// or `inf`, or a decimal mantissa (`1`, `1.`, `.5`, `1.5`) with an optional `e` exponent.
/// Go also takes a binary `p` exponent, which is not supported here.
fn parse_float(s: &str) -> Option<Scalar> {
    let (negative, unsigned) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if unsigned == "Inf" || unsigned == "inf" {
        return Some(Scalar::Infinity { negative });
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], &unsigned[i..]),
        None => (unsigned, ""),
    };
    let mantissa = match mantissa.split_once('.') {
        Some(("", "")) => return None,
        Some(("", frac)) => format!("0.{frac}"),
        Some((int, "")) => int.to_string(),
        Some(_) | None => mantissa.to_string(),
    };
    let sign = if negative { "-" } else { "" };
    parse_number(&format!("{sign}{mantissa}{exponent}")).map(Scalar::Number)
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)`: a sign (signed only), a
/// `0x`, `0o`, `0b` or `0` prefix, digits, within 64 bits.
fn parse_go_int(s: &str) -> Option<Number> {
    let (negative, unsigned) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = unsigned.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &unsigned[2..]),
        Some("0o") => (8, &unsigned[2..]),
        Some("0b") => (2, &unsigned[2..]),
        _ if unsigned.len() > 1 && unsigned.starts_with('0') => (8, &unsigned[1..]),
        _ => (10, unsigned),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        if magnitude > 1 << 63 {
            return None;
        }
        return Some(Number::from_i64((magnitude as i64).wrapping_neg()));
    }
    match i64::try_from(magnitude) {
        Ok(i) => Some(Number::from_i64(i)),
        // Only an unsigned text (`ParseUint`) gets past `i64`.
        Err(_) if !s.starts_with('+') => Some(Number::from_u64(magnitude)),
        Err(_) => None,
    }
}

/// go-cty-yaml's `parseTimestamp`: Go's `time.Parse` with the layouts
/// `2006-1-2T15:4:5.999999999Z07:00` (also with `t`), `2006-1-2 15:4:5.999999999` and
/// `2006-1-2`, printed as `time.RFC3339` (the wall time and offset as written, `Z` for a
/// zero offset, no fraction).
fn parse_timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    // One or two digits (Go's `getnum` with `fixed` false).
    fn num(s: &str) -> Option<(u32, &str)> {
        let n = s.bytes().take(2).take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        Some((s[..n].parse().ok()?, &s[n..]))
    }
    let year: i64 = s[..4].parse().ok()?;
    let (month, rest) = num(&s[5..])?;
    let rest = rest.strip_prefix('-')?;
    let (day, rest) = num(rest)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day < 1 || day > days {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if rest.is_empty() {
        return Some(format!("{date}T00:00:00Z"));
    }
    let zoned = rest.starts_with(['T', 't']);
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (hour, rest) = num(rest)?;
    let (minute, rest) = num(rest.strip_prefix(':')?)?;
    let (second, mut rest) = num(rest.strip_prefix(':')?)?;
    if hour >= 24 || minute >= 60 || second >= 60 {
        return None;
    }
    // An optional fraction (any number of digits after `.` or `,`), dropped in the output.
    let rb = rest.as_bytes();
    if rb.len() >= 2 && (rb[0] == b'.' || rb[0] == b',') && rb[1].is_ascii_digit() {
        let n = 1 + rb[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        rest = &rest[n..];
    }
    let time = format!("{date}T{hour:02}:{minute:02}:{second:02}");
    if !zoned {
        return rest.is_empty().then(|| format!("{time}Z"));
    }
    if rest == "Z" {
        return Some(format!("{time}Z"));
    }
    let zb = rest.as_bytes();
    if zb.len() != 6 || zb[3] != b':' || !matches!(zb[0], b'+' | b'-') {
        return None;
    }
    let two = |i: usize| -> Option<u32> {
        (zb[i].is_ascii_digit() && zb[i + 1].is_ascii_digit())
            .then(|| u32::from(zb[i] - b'0') * 10 + u32::from(zb[i + 1] - b'0'))
    };
    let (hh, mm) = (two(1)?, two(4)?);
    if hh > 24 || mm > 60 {
        return None;
    }
    let minutes = hh * 60 + mm;
    if minutes == 0 {
        return Some(format!("{time}Z"));
    }
    Some(format!("{time}{}{:02}:{:02}", zb[0] as char, minutes / 60, minutes % 60))
}

fn quoted(style: ScalarStyle) -> bool {
    matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted)
}

/// go-cty-yaml's `resolveScalar` (v1.1.0).
fn resolve(tag: &str, src: &str, style: ScalarStyle) -> Result<Scalar, String> {
    let cannot = |tag: &str| format!("cannot parse {} as {tag}", go_quote(src));
    if !matches!(tag, "" | STR_TAG | BOOL_TAG | INT_TAG | FLOAT_TAG | NULL_TAG | TIMESTAMP_TAG | BINARY_TAG) {
        return Err(format!("unsupported tag {}", go_quote(tag)));
    }
    let mut tag = tag;
    let hint = hint(src);
    if hint != 0 && tag != STR_TAG && tag != BINARY_TAG {
        if quoted(style) {
            return Ok(Scalar::String(src.to_string()));
        }
        if let Some(v) = lookup(src) {
            return Ok(v);
        }
        if tag.is_empty() && matches!(src, ".nan" | ".NaN" | ".NAN") {
            return Err("floating point NaN is not supported".into());
        }
        match hint {
            b'.' => {
                if let Some(v) = parse_float(src) {
                    return Ok(v);
                }
            }
            b'D' | b'S' => {
                if (tag.is_empty() || tag == TIMESTAMP_TAG)
                    && let Some(t) = parse_timestamp(src)
                {
                    return Ok(Scalar::String(t));
                }
                if is_int_literal(src) {
                    tag = INT_TAG;
                } else if is_float_literal(src) {
                    tag = FLOAT_TAG;
                }
            }
            _ => {}
        }
    }
    if tag.is_empty() && src == "<<" {
        return Ok(Scalar::Merge);
    }
    match tag {
        BINARY_TAG if decode_std(src).is_none() => Err(format!("{}: not valid base64", cannot(tag))),
        STR_TAG | BINARY_TAG | "" => Ok(Scalar::String(src.to_string())),
        BOOL_TAG => match lookup(src) {
            Some(v @ Scalar::Bool(_)) => Ok(v),
            _ => Err(cannot(tag)),
        },
        FLOAT_TAG | INT_TAG => {
            let plain = src.replace('_', "");
            if let Some(v) = parse_float(&plain) {
                return Ok(v);
            }
            parse_go_int(&plain).map(Scalar::Number).ok_or_else(|| cannot(tag))
        }
        TIMESTAMP_TAG => parse_timestamp(src).map(Scalar::String).ok_or_else(|| cannot(tag)),
        _ => Ok(Scalar::Null), // NULL_TAG
    }
}

/// cty's conversion of a resolved scalar to a string (`convert.Convert(v, cty.String)`):
/// `None` for null.
fn scalar_string(s: Scalar) -> Option<String> {
    match s {
        Scalar::Null => None,
        Scalar::Bool(b) => Some(b.to_string()),
        Scalar::Number(n) => Some(n.to_shortest_string()),
        Scalar::Infinity { negative } => Some(if negative { "-Inf" } else { "+Inf" }.to_string()),
        Scalar::String(s) => Some(s),
        Scalar::Merge => Some("<<".to_string()),
    }
}

// ---------------------------------------------------------------------------------------
// yamldecode (decode.go, implied_type.go, error.go)
// ---------------------------------------------------------------------------------------

/// A decoding error, and where: `at` is the span of the event at fault (`None`: no position,
/// as cty-yaml gives none for errors resolving mapping keys).
struct DecodeError {
    message: String,
    at: Option<Span>,
    /// Where the problem is, for the diagnostic's place (also when the message names none).
    place: Option<Marker>,
}

fn at(span: Span, message: impl Into<String>) -> DecodeError {
    DecodeError { message: message.into(), at: Some(span), place: Some(span.start) }
}

/// cty-yaml's `parseEventErrorWrap`: `on line L, column C: ...` with libyaml's 0-based line
/// and a 1-based column; no position at all on the first line.
fn event_message(e: DecodeError) -> String {
    match e.at {
        Some(span) if span.start.line() > 1 => {
            format!("on line {}, column {}: {}", span.start.line() - 1, span.start.col() + 1, e.message)
        }
        _ => e.message,
    }
}

/// cty-yaml's `parserError` for what the parser refused: a parser error is placed like an
/// event; a scanner error at the following line (libyaml's 0-based line plus one) and
/// column 1; neither when on the first line.
fn syntax_message(e: &ScanError) -> String {
    let info = e.info();
    let parser_error = info.starts_with("while parsing a block")
        || info.starts_with("while parsing a flow")
        || info.starts_with("while parsing a node")
        || info.starts_with("did not find expected <document")
        || info == "found incompatible YAML document"
        || info == "the handle wasn't declared";
    // libyaml's problem, without its context ("while scanning a quoted scalar, ..."), in
    // libyaml's words where saphyr-parser words the same problem differently.
    let problem = match info {
        "the handle wasn't declared" => "found undefined tag handle",
        // saphyr-parser counts flow levels in a byte (go-yaml stops at 10,000).
        "recursion limit exceeded" => "flow sequences and mappings nested more than 255 levels deep, over kmsc's limit",
        "simple key expected" | "simple key expect ':'" => "could not find expected ':'",
        "while parsing a flow sequence, expected ',' or ']'" => "did not find expected ',' or ']'",
        _ if info.starts_with("unexpected character") || info.starts_with("tab") => {
            "found character that cannot start any token"
        }
        _ if info.starts_with("while ") => info.split_once(", ").map_or(info, |(_, p)| p),
        _ => info,
    };
    let line0 = e.marker().line().saturating_sub(1);
    if line0 == 0 {
        problem.to_string()
    } else if parser_error {
        format!("on line {line0}, column {}: {problem}", e.marker().col() + 1)
    } else {
        format!("on line {}, column 1: {problem}", line0 + 1)
    }
}

/// How much of the result a value is: values (every scalar and collection) and string bytes.
#[derive(Clone, Copy, Default)]
struct Cost {
    values: usize,
    bytes: usize,
}

impl Cost {
    fn add(&mut self, o: Cost) {
        self.values = self.values.saturating_add(o.values);
        self.bytes = self.bytes.saturating_add(o.bytes);
    }
}

/// A collection being read.
enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
        cost: Cost,
        /// The byte offset where it starts, when spans are wanted (converted at the start:
        /// converting it at the end would count the characters again from the start).
        start: usize,
        /// The byte offset where its last item ends (where a block collection ends).
        last: usize,
    },
    Map {
        members: Members,
        anchor: usize,
        cost: Cost,
        start: usize,
        last: usize,
        /// The key read, waiting for its value (`None` for a merge key, with its span).
        key: Option<(Option<String>, Span)>,
    },
}

struct Decoder<'a> {
    src: &'a str,
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    /// Values of completed anchors, by saphyr's anchor id; `None` while being defined.
    anchors: std::collections::HashMap<usize, Option<(Value, Cost)>>,
    /// Everything produced so far, copies made by aliases included.
    total: Cost,
    /// Gives a decoded value the source span of its text (from byte offsets), if wanted.
    map: Option<SpanMap<'a>>,
    /// A character index of the text and its byte offset, the last converted.
    cursor: Cell<(usize, usize)>,
}

/// A byte range of the decoded text to a span of the source it was written in.
type SpanMap<'a> = &'a dyn Fn(usize, usize) -> Option<crate::source::Span>;

impl<'a> Decoder<'a> {
    fn new(src: &'a str, map: Option<SpanMap<'a>>) -> Decoder<'a> {
        Decoder {
            src,
            parser: Parser::new_from_str(src),
            anchors: std::collections::HashMap::new(),
            total: Cost::default(),
            map,
            cursor: Cell::new((0, 0)),
        }
    }

    /// The byte offset of saphyr-parser's character index `index`. Events come in order,
    /// so the count goes on from the last conversion (from the start when it goes back).
    fn byte_offset(&self, index: usize) -> usize {
        if self.src.is_ascii() {
            return index.min(self.src.len());
        }
        let (mut chars, mut bytes) = self.cursor.get();
        if index < chars {
            (chars, bytes) = (0, 0);
        }
        for c in self.src[bytes..].chars() {
            if chars == index {
                break;
            }
            chars += 1;
            bytes += c.len_utf8();
        }
        self.cursor.set((chars, bytes));
        bytes
    }

    /// The source span of the text between two byte offsets, when spans are wanted.
    fn span_between(&self, start: usize, end: usize) -> Option<crate::source::Span> {
        self.map?(start, end.max(start))
    }

    /// Where a collection ends whose end event is `span` and whose last item ends at `last`
    /// (byte offsets): a flow collection at its `]` or `}`; a block collection, whose end
    /// event is empty and at the next token, at the end of its last item.
    fn collection_end(&self, span: Span, last: usize) -> usize {
        if self.map.is_none() {
            return 0;
        }
        if span.start.index() == span.end.index() { last } else { self.byte_offset(span.end.index()) }
    }

    fn next(&mut self) -> Result<(Event<'a>, Span), DecodeError> {
        match self.parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) if e.info() == "while parsing node, found unknown anchor" => {
                let span = Span::new(*e.marker(), *e.marker());
                Err(at(span, format!("reference to undefined anchor {}", go_quote(&self.alias_name(span)))))
            }
            Some(Err(e)) => Err(DecodeError { message: syntax_message(&e), at: None, place: Some(*e.marker()) }),
            None => {
                Err(DecodeError { message: "expecting value but found end of stream".into(), at: None, place: None })
            }
        }
    }

    /// The name in the alias (`*name`) at `span`, read from the text.
    fn alias_name(&self, span: Span) -> String {
        let start = self.src.char_indices().nth(span.start.index()).map_or(self.src.len(), |(i, _)| i);
        let rest = self.src[start..].strip_prefix('*').unwrap_or(&self.src[start..]);
        let end =
            rest.find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}')).unwrap_or(rest.len());
        rest[..end].to_string()
    }

    /// Where libyaml starts a scalar event: saphyr-parser starts an untagged block scalar at
    /// its content, libyaml at its `|` or `>` indicator (found back from the content).
    fn scalar_start(&self, span: Span, style: ScalarStyle) -> Span {
        if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            return span;
        }
        let Some((start, c)) = self.src.char_indices().nth(span.start.index()) else {
            return span;
        };
        if matches!(c, '|' | '>' | '!' | '&') {
            return span;
        }
        let Some(found) = self.src[..start].rfind(['|', '>']) else {
            return span;
        };
        let before = &self.src[..found];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
        let index = before.chars().count();
        let mark = saphyr_parser::Marker::new(index, line, col);
        Span::new(mark, mark)
    }

    /// Counts `cost` more of the result, refusing to go over the limits.
    fn spend(&mut self, cost: Cost, span: Span) -> Result<(), DecodeError> {
        self.total.add(cost);
        if self.total.values > MAX_VALUES {
            return Err(at(
                span,
                format!(
                    "the document holds more than {MAX_VALUES} values once its aliases are expanded, over kmsc's limit"
                ),
            ));
        }
        if self.total.bytes > MAX_STRING {
            return Err(at(
                span,
                format!(
                    "the document holds more than {MAX_STRING} bytes of strings once its aliases are expanded, over kmsc's limit (16 MiB)"
                ),
            ));
        }
        Ok(())
    }

    fn begin_anchor(&mut self, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, None);
        }
    }

    fn complete_anchor(&mut self, anchor: usize, v: &Value, cost: Cost) {
        if anchor > 0 {
            self.anchors.insert(anchor, Some((v.clone(), cost)));
        }
    }

    /// The document's value (go-cty-yaml's `unmarshal`).
    fn document(&mut self) -> Result<Value, DecodeError> {
        let (ev, span) = self.next()?;
        if !matches!(ev, Event::StreamStart) {
            return Err(at(span, "missing stream start token"));
        }
        let (ev, span) = self.next()?;
        match ev {
            Event::DocumentStart(_) => {}
            // No document at all: null (go-cty-yaml v1.0.3).
            Event::StreamEnd => return Ok(Value::null()),
            _ => return Err(at(span, "missing start of document")),
        }
        let v = self.node()?;
        let (ev, span) = self.next()?;
        match ev {
            Event::DocumentEnd => {}
            Event::DocumentStart(_) => return Err(at(span, "only a single document is allowed")),
            _ => return Err(at(span, "unexpected extra content after value")),
        }
        let (ev, span) = self.next()?;
        match ev {
            Event::StreamEnd => {}
            // libyaml wants `---` before a document that follows `...`.
            Event::DocumentStart(false) => return Err(at(span, "did not find expected <document start>")),
            _ => return Err(at(span, "unexpected extra content after value")),
        }
        Ok(v)
    }

    /// One node, read without recursion: collections are frames on a stack.
    fn node(&mut self) -> Result<Value, DecodeError> {
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            let (ev, span) = self.next()?;
            // A mapping waiting for a key takes only a scalar.
            if let Some(Frame::Map { key: slot @ None, cost, .. }) = stack.last_mut() {
                match ev {
                    Event::MappingEnd => {}
                    Event::Scalar(src, style, _, tag) => {
                        let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix)).unwrap_or_default();
                        let key = match resolve(&tag, &src, style) {
                            Ok(Scalar::Merge) => None,
                            Ok(Scalar::Null) => return Err(at(span, "mapping key cannot be null")),
                            Ok(s) => scalar_string(s),
                            // Errors resolving a key are not placed (decode.go).
                            Err(message) => return Err(DecodeError { message, at: None, place: Some(span.start) }),
                        };
                        if let Some(k) = &key {
                            cost.bytes = cost.bytes.saturating_add(k.len());
                            self.spend(Cost { values: 0, bytes: k.len() }, span)?;
                        }
                        *slot = Some((key, span));
                        continue;
                    }
                    _ => return Err(at(span, "only strings are allowed as mapping keys")),
                }
            }
            // Where the value's text ends when it is a collection (byte offset).
            let mut ends_at = None;
            let (value, cost) = match ev {
                Event::Scalar(src, style, anchor, tag) => {
                    self.begin_anchor(anchor);
                    let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix)).unwrap_or_default();
                    let resolved = resolve(&tag, &src, style).map_err(|m| at(self.scalar_start(span, style), m))?;
                    // An untagged quoted or block scalar is a string in the implied type:
                    // what it resolved to is converted to one.
                    let resolved = match resolved {
                        Scalar::Merge => Scalar::String("<<".into()),
                        r if tag.is_empty() && !matches!(style, ScalarStyle::Plain) => match scalar_string(r) {
                            Some(s) => Scalar::String(s),
                            None => Scalar::Null,
                        },
                        r => r,
                    };
                    let value = match resolved {
                        Scalar::Null => Value::null(),
                        Scalar::Bool(b) => Value::bool(b),
                        Scalar::Number(n) => Value::number(n),
                        Scalar::String(s) => Value::string(s),
                        Scalar::Infinity { negative } => {
                            let sign = if negative { "negative" } else { "positive" };
                            return Err(at(
                                span,
                                format!("{} is {sign} infinity, which kmsc cannot represent", go_quote(&src)),
                            ));
                        }
                        Scalar::Merge => Value::string("<<"),
                    };
                    let value = match self.map {
                        Some(_) => {
                            let start = self.byte_offset(span.start.index());
                            value.with_span(self.span_between(start, self.byte_offset(span.end.index())))
                        }
                        None => value,
                    };
                    let cost = Cost { values: 1, bytes: value.as_str().map_or(0, str::len) };
                    self.spend(cost, span)?;
                    self.complete_anchor(anchor, &value, cost);
                    (value, cost)
                }
                Event::Alias(id) => match self.anchors.get(&id) {
                    Some(Some((v, cost))) => {
                        let (v, cost) = (v.clone(), *cost);
                        self.spend(cost, span)?;
                        (v, cost)
                    }
                    Some(None) => {
                        let name = go_quote(&self.alias_name(span));
                        return Err(at(span, format!("cannot refer to anchor {name} from inside its own definition")));
                    }
                    None => {
                        let name = go_quote(&self.alias_name(span));
                        return Err(at(span, format!("reference to undefined anchor {name}")));
                    }
                },
                Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                    let is_map = matches!(ev, Event::MappingStart(..));
                    let tag = tag.as_ref().map(|t| format!("{}{}", t.handle, t.suffix)).unwrap_or_default();
                    let (own, kind) = if is_map { (MAP_TAG, "mapping") } else { (SEQ_TAG, "sequence") };
                    if !tag.is_empty() && tag != own {
                        return Err(at(span, format!("can't interpret {kind} as {tag}")));
                    }
                    if stack.len() >= MAX_DEPTH {
                        return Err(at(
                            span,
                            format!(
                                "the document nests sequences and mappings more than {MAX_DEPTH} levels deep, over kmsc's limit"
                            ),
                        ));
                    }
                    self.begin_anchor(anchor);
                    let cost = Cost { values: 1, bytes: 0 };
                    self.spend(cost, span)?;
                    let start = if self.map.is_some() { self.byte_offset(span.start.index()) } else { 0 };
                    stack.push(if is_map {
                        Frame::Map { members: Members::new(), anchor, cost, key: None, start, last: start }
                    } else {
                        Frame::Seq { items: Vec::new(), anchor, cost, start, last: start }
                    });
                    continue;
                }
                Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                    Some(Frame::Seq { items, anchor, cost, start, last }) => {
                        let end = self.collection_end(span, last);
                        ends_at = Some(end);
                        let v = Value::tuple(items).with_span(self.span_between(start, end));
                        self.complete_anchor(anchor, &v, cost);
                        (v, cost)
                    }
                    Some(Frame::Map { members, anchor, cost, start, last, .. }) => {
                        let end = self.collection_end(span, last);
                        ends_at = Some(end);
                        let v = Value::object(members).with_span(self.span_between(start, end));
                        self.complete_anchor(anchor, &v, cost);
                        (v, cost)
                    }
                    None => return Err(at(span, "unexpected end of collection")),
                },
                Event::DocumentStart(_) => return Err(at(span, "only a single document is allowed")),
                Event::StreamEnd => return Err(at(span, "expecting value but found end of stream")),
                _ => return Err(at(span, "unexpected parser event")),
            };
            // Deliver the finished value to the collection it is in.
            let end = match (self.map, ends_at) {
                (None, _) => 0,
                (Some(_), Some(end)) => end,
                (Some(_), None) => self.byte_offset(span.end.index()),
            };
            match stack.last_mut() {
                None => return Ok(value),
                Some(Frame::Seq { items, cost: c, last, .. }) => {
                    items.push(value);
                    c.add(cost);
                    *last = end;
                }
                Some(Frame::Map { members, cost: c, key, last, .. }) => {
                    c.add(cost);
                    *last = end;
                    match key.take() {
                        Some((Some(k), _)) => {
                            members.insert(k, value);
                        }
                        Some((None, key_span)) => match value.kind {
                            ValueKind::Object(merged) => {
                                for (k, v) in merged.iter() {
                                    members.insert(k.clone(), v.clone());
                                }
                            }
                            _ => {
                                let name = match value.kind {
                                    ValueKind::Null => "dynamic",
                                    _ => value.type_name(),
                                };
                                return Err(at(key_span, format!("cannot merge {name} into mapping")));
                            }
                        },
                        None => return Err(at(span, "mapping value without a key")),
                    }
                }
            }
        }
    }
}

/// `yamldecode(src)`: the value of a YAML document.
pub(super) fn yamldecode(args: &[Value]) -> Result<Value, FnError> {
    Decoder::new(text(&args[0]), None).document().or_else(|e| arg_err(0, event_message(e)))
}

/// [`yamldecode`] of `src`, every value given the span `map(start, end)` of its text (byte
/// offsets in `src`). An error comes with the byte offset of the place it is about, if any.
pub fn yamldecode_spanned(
    src: &str,
    map: &dyn Fn(usize, usize) -> Option<crate::source::Span>,
) -> Result<Value, (String, Option<usize>)> {
    let mut decoder = Decoder::new(src, Some(map));
    decoder.document().map_err(|e| {
        let place = e.place.map(|m| decoder.byte_offset(m.index()));
        (event_message(e), place)
    })
}

// ---------------------------------------------------------------------------------------
// yamlencode (encode.go, emitterc.go)
// ---------------------------------------------------------------------------------------

/// libyaml's `is_printable`, by character: what the emitter writes as it is.
fn printable(c: char) -> bool {
    matches!(c as u32, 0x0A | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD) && c != '\u{FEFF}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    DoubleQuoted,
    Literal,
}

/// The emitter's context for a node (`yaml_emitter_emit_node`'s flags).
#[derive(Clone, Copy, Default)]
struct Ctx {
    root: bool,
    mapping: bool,
    simple_key: bool,
}

/// The state of go-yaml's emitter that the events of go-cty-yaml's encoder use.
struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
    indent: i64,
    indents: Vec<i64>,
}

const BEST_INDENT: i64 = 2;
const BEST_WIDTH: usize = 80;

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) -> Result<(), FnError> {
        self.out.push('\n');
        self.column = 0;
        // Each line is checked, so the output never grows far past the limit.
        check_len(self.out.len())
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indent(&mut self) -> Result<(), FnError> {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break()?;
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
        Ok(())
    }

    fn write_indicator(&mut self, indicator: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    fn node(&mut self, v: &Value, ctx: Ctx, depth: usize) -> Result<(), FnError> {
        if depth > MAX_DEPTH * 2 {
            return arg_err(0, format!("the value nests more than {} levels deep, over kmsc's limit", MAX_DEPTH * 2));
        }
        match &v.kind {
            ValueKind::Null => self.scalar("null", Style::Plain, ctx),
            ValueKind::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            ValueKind::Number(n) => self.scalar(&n.to_shortest_string(), Style::Plain, ctx),
            ValueKind::String(s) => self.string(s, ctx),
            ValueKind::Tuple(items) | ValueKind::List(items) | ValueKind::Set(items) => {
                if items.is_empty() {
                    return self.empty("[", "]");
                }
                self.increase_indent(false, ctx.mapping && !self.indention);
                for item in items {
                    self.write_indent()?;
                    self.write_indicator("-", true, false, true);
                    self.node(item, Ctx::default(), depth + 1)?;
                }
                self.pop_indent();
                Ok(())
            }
            ValueKind::Object(members) | ValueKind::Map(members) => {
                if members.is_empty() {
                    return self.empty("{", "}");
                }
                self.increase_indent(false, false);
                let value_ctx = Ctx { mapping: true, ..Ctx::default() };
                for (k, item) in members.iter() {
                    self.write_indent()?;
                    if k.len() <= 128 && !k.chars().any(is_break) {
                        self.string(k, Ctx { mapping: true, simple_key: true, root: false })?;
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.string(k, value_ctx)?;
                        self.write_indent()?;
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(item, value_ctx, depth + 1)?;
                }
                self.pop_indent();
                Ok(())
            }
            ValueKind::Partial(_) | ValueKind::Unknown(_) => Err(FnError::Unknown),
        }
    }

    /// An empty sequence or mapping, which the emitter writes in flow style.
    fn empty(&mut self, open: &str, close: &str) -> Result<(), FnError> {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.pop_indent();
        self.write_indicator(close, false, false, false);
        Ok(())
    }

    /// A string: double-quoted, or literal when it holds a line feed and the emitter allows a
    /// block scalar (`yaml_emitter_analyze_scalar`, `yaml_emitter_select_scalar_style`).
    fn string(&mut self, s: &str, ctx: Ctx) -> Result<(), FnError> {
        let mut style = if s.contains('\n') { Style::Literal } else { Style::DoubleQuoted };
        let multiline = s.chars().any(is_break);
        if ctx.simple_key && multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal {
            let chars: Vec<char> = s.chars().collect();
            let trailing_space = chars.last() == Some(&' ');
            let space_break = chars.windows(2).any(|w| w[0] == ' ' && is_break(w[1]));
            let special = chars.iter().any(|&c| !printable(c));
            if trailing_space || space_break || special || ctx.simple_key {
                style = Style::DoubleQuoted;
            }
        }
        self.scalar(s, style, ctx)
    }

    fn scalar(&mut self, s: &str, style: Style, ctx: Ctx) -> Result<(), FnError> {
        self.increase_indent(true, false);
        match style {
            Style::Plain => {
                // Numbers, bools and null: no spaces or breaks to fold.
                if !self.whitespace {
                    self.put(' ');
                }
                for c in s.chars() {
                    self.put(c);
                }
                self.whitespace = false;
                self.indention = false;
                if ctx.root {
                    self.open_ended = true;
                }
            }
            Style::DoubleQuoted => self.double_quoted(s, !ctx.simple_key)?,
            Style::Literal => self.literal(s)?,
        }
        self.pop_indent();
        Ok(())
    }

    /// `yaml_emitter_write_double_quoted_scalar`.
    fn double_quoted(&mut self, s: &str, allow_breaks: bool) -> Result<(), FnError> {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if !printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let short = match c {
                    '\0' => Some('0'),
                    '\u{7}' => Some('a'),
                    '\u{8}' => Some('b'),
                    '\t' => Some('t'),
                    '\n' => Some('n'),
                    '\u{b}' => Some('v'),
                    '\u{c}' => Some('f'),
                    '\r' => Some('r'),
                    '\u{1b}' => Some('e'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '\u{85}' => Some('N'),
                    '\u{a0}' => Some('_'),
                    '\u{2028}' => Some('L'),
                    '\u{2029}' => Some('P'),
                    _ => None,
                };
                match short {
                    Some(e) => self.put(e),
                    None => {
                        let v = c as u32;
                        let (letter, digits) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for ch in format!("{v:0digits$X}").chars() {
                            self.put(ch);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i + 1 < chars.len() {
                    self.write_indent()?;
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
            i += 1;
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
        Ok(())
    }

    /// `yaml_emitter_write_literal_scalar` with its block scalar hints.
    fn literal(&mut self, s: &str) -> Result<(), FnError> {
        self.write_indicator("|", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        if chars.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator("2", false, false, false);
        }
        self.open_ended = false;
        let chomp = match chars.as_slice() {
            [] => Some("-"),
            [.., last] if !is_break(*last) => Some("-"),
            [_] => {
                self.open_ended = true;
                Some("+")
            }
            [.., prev, _] if is_break(*prev) => {
                self.open_ended = true;
                Some("+")
            }
            _ => None,
        };
        if let Some(hint) = chomp {
            self.write_indicator(hint, false, false, false);
        }
        self.put_break()?;
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                if c == '\n' {
                    self.put_break()?;
                } else {
                    self.out.push(c);
                    self.column = 0;
                }
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent()?;
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
        Ok(())
    }
}

/// `yamlencode(value)`: the YAML text of a value, as go-cty-yaml's encoder writes it.
pub(super) fn yamlencode(args: &[Value]) -> Result<Value, FnError> {
    known(&args[0])?;
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        whitespace: true,
        indention: true,
        open_ended: false,
        indent: -1,
        indents: Vec::new(),
    };
    // An implicit document start writes nothing.
    e.node(&args[0], Ctx { root: true, ..Ctx::default() }, 0)?;
    // The implicit document end: a line break unless at the start of a line.
    e.write_indent()?;
    // The stream end: `...` after a document left open.
    if e.open_ended {
        e.write_indicator("...", true, false, false);
        e.write_indent()?;
    }
    check_len(e.out.len())?;
    Ok(Value::string(e.out))
}

#[cfg(test)]
mod tests;
