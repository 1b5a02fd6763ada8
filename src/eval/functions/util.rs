//! Helpers shared by the function families: errors, Go-style quoting, grapheme clusters,
//! equality with unknowns, integer arguments and the output-size limit.

use super::FnError;
use crate::value::Value;

/// The longest string a function may produce, and the most new string bytes one call may
/// produce in total (16 MiB).
pub(super) const MAX_STRING: usize = 16 << 20;

/// An error not attributed to one argument.
pub(super) fn err<T>(message: impl Into<String>) -> Result<T, FnError> {
    Err(FnError::Error { message: message.into(), arg: None })
}

/// An error attributed to argument `arg` (0-based).
pub(super) fn arg_err<T>(arg: usize, message: impl Into<String>) -> Result<T, FnError> {
    Err(FnError::Error { message: message.into(), arg: Some(arg) })
}

/// Refuses a result of `len` bytes when it is over [`MAX_STRING`].
pub(super) fn check_len(len: usize) -> Result<(), FnError> {
    if len > MAX_STRING {
        return err(format!("the result would be {len} bytes long, over kmsc's limit of {MAX_STRING} bytes (16 MiB)"));
    }
    Ok(())
}

/// A new string value (NFC), refused when over [`MAX_STRING`].
pub(super) fn new_string(s: String) -> Result<Value, FnError> {
    check_len(s.len())?;
    Ok(Value::string(s))
}

/// The most element comparisons a function may make when its elements cannot be indexed
/// (lists of lists or objects): quadratic work beyond this is refused.
pub(super) const MAX_COMPARISONS: usize = 50_000_000;

/// A known string, number or bool, ordered so that two are equal exactly when the values
/// are equal (a string never equals a number, as in Terraform's equality).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Prim<'a> {
    Bool(bool),
    Number(&'a crate::number::Number),
    String(&'a str),
}

fn prim(v: &Value) -> Option<Prim<'_>> {
    match &v.kind {
        crate::value::ValueKind::Bool(b) => Some(Prim::Bool(*b)),
        crate::value::ValueKind::Number(n) => Some(Prim::Number(n)),
        crate::value::ValueKind::String(s) => Some(Prim::String(s)),
        _ => None,
    }
}

/// Whether [`Members`] finds `v` without a linear search.
pub(super) fn is_indexed(v: &Value) -> bool {
    prim(v).is_some()
}

/// Membership by Terraform equality in a list of known values: an ordered index for
/// strings, numbers and bools, a linear search for the other elements.
pub(super) struct Members<'a> {
    prims: std::collections::BTreeSet<Prim<'a>>,
    others: Vec<&'a Value>,
}

impl<'a> Members<'a> {
    pub(super) fn new(items: &'a [Value]) -> Members<'a> {
        let mut m = Members { prims: std::collections::BTreeSet::new(), others: Vec::new() };
        for v in items {
            m.insert(v);
        }
        m
    }

    /// Adds `v`; `false` when an equal element is present already.
    pub(super) fn insert(&mut self, v: &'a Value) -> bool {
        match prim(v) {
            Some(p) => self.prims.insert(p),
            None if self.others.contains(&v) => false,
            None => {
                self.others.push(v);
                true
            }
        }
    }

    pub(super) fn contains(&self, v: &Value) -> bool {
        match prim(v) {
            Some(p) => self.prims.contains(&p),
            None => self.others.contains(&v),
        }
    }

    /// Elements that need a linear search (neither strings, numbers nor bools).
    pub(super) fn others(&self) -> usize {
        self.others.len()
    }
}

/// Refuses `n` lookups among `others` elements that need a linear search each, when that is
/// more than [`MAX_COMPARISONS`] comparisons.
pub(super) fn check_comparisons(n: usize, others: usize) -> Result<(), FnError> {
    if n.saturating_mul(others) > MAX_COMPARISONS {
        return err(format!(
            "comparing {n} elements with {others} lists or objects is over kmsc's limit of {MAX_COMPARISONS} comparisons"
        ));
    }
    Ok(())
}

/// `Err(Unknown)` unless `v` is known all the way down.
pub(super) fn known(v: &Value) -> Result<(), FnError> {
    if v.is_wholly_known() { Ok(()) } else { Err(FnError::Unknown) }
}

/// The text of a string argument (already converted to a known string).
pub(super) fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// A whole-number argument as Go's `gocty.FromCtyValue(v, &int)` reads it.
pub(super) fn to_int(v: &Value) -> Result<i64, String> {
    match v.as_number().and_then(|n| n.to_i64()) {
        Some(i) => Ok(i),
        None => Err("value must be a whole number, between -9223372036854775808 and 9223372036854775807".into()),
    }
}

/// cty's `Equals` for two values: `None` when the answer depends on unknown values.
pub(super) fn equals(a: &Value, b: &Value) -> Option<bool> {
    if a.is_wholly_known() && b.is_wholly_known() {
        return Some(a == b);
    }
    let shallow_known = |v: &Value| !v.is_unknown() && !v.is_null();
    if shallow_known(a) && shallow_known(b) && std::mem::discriminant(&a.kind) != std::mem::discriminant(&b.kind) {
        return Some(false);
    }
    None
}

/// Go's `strconv.Quote`: a double-quoted string with Go escapes for `"`, `\`, control
/// and other non-printable characters.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_go_escaped(&mut out, c, '"');
    }
    out.push('"');
    out
}

/// Go's `%q` of a rune: a single-quoted character literal.
pub(super) fn go_quote_rune(c: char) -> String {
    let mut out = String::from("'");
    push_go_escaped(&mut out, c, '\'');
    out.push('\'');
    out
}

fn push_go_escaped(out: &mut String, c: char, quote: char) {
    match c {
        '\\' => out.push_str("\\\\"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if go_is_print(c) => out.push(c),
        c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// An approximation of Go's `unicode.IsPrint`: letters, marks, numbers, punctuation,
/// symbols and the ASCII space; not controls, other spaces, format characters, private
/// use or noncharacters.
fn go_is_print(c: char) -> bool {
    let u = c as u32;
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    const NOT_PRINT: &[(u32, u32)] = &[
        (0x00AD, 0x00AD),
        (0x0600, 0x0605),
        (0x061C, 0x061C),
        (0x06DD, 0x06DD),
        (0x070F, 0x070F),
        (0x08E2, 0x08E2),
        (0x180E, 0x180E),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x206F),
        (0xE000, 0xF8FF),
        (0xFDD0, 0xFDEF),
        (0xFEFF, 0xFEFF),
        (0xFFF0, 0xFFFB),
        (0x110BD, 0x110BD),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0000, 0xE007F),
        (0xF0000, 0x10FFFF),
    ];
    if u & 0xFFFE == 0xFFFE {
        return false;
    }
    !in_ranges(u, NOT_PRINT)
}

fn in_ranges(u: u32, ranges: &[(u32, u32)]) -> bool {
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < u {
                std::cmp::Ordering::Less
            } else if lo > u {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

// ---------------------------------------------------------------------------------------
// Grapheme clusters (simplified UAX #29)
// ---------------------------------------------------------------------------------------

/// Characters that never start a grapheme cluster: combining marks (Grapheme_Extend and
/// the common spacing marks), ZWNJ/ZWJ, variation selectors, emoji modifiers and tags.
const EXTEND: &[(u32, u32)] = &[
    (0x0300, 0x036F),
    (0x0483, 0x0489),
    (0x0591, 0x05BD),
    (0x05BF, 0x05BF),
    (0x05C1, 0x05C2),
    (0x05C4, 0x05C5),
    (0x05C7, 0x05C7),
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06DC),
    (0x06DF, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
    (0x0711, 0x0711),
    (0x0730, 0x074A),
    (0x07A6, 0x07B0),
    (0x07EB, 0x07F3),
    (0x0816, 0x082D),
    (0x0859, 0x085B),
    (0x08D3, 0x08E1),
    (0x08E3, 0x0903),
    (0x093A, 0x093C),
    (0x093E, 0x094F),
    (0x0951, 0x0957),
    (0x0962, 0x0963),
    (0x0981, 0x0983),
    (0x09BC, 0x09BC),
    (0x09BE, 0x09CD),
    (0x09D7, 0x09D7),
    (0x09E2, 0x09E3),
    (0x0A01, 0x0A03),
    (0x0A3C, 0x0A51),
    (0x0A70, 0x0A71),
    (0x0A75, 0x0A75),
    (0x0A81, 0x0A83),
    (0x0ABC, 0x0ABC),
    (0x0ABE, 0x0ACD),
    (0x0AE2, 0x0AE3),
    (0x0B01, 0x0B03),
    (0x0B3C, 0x0B3C),
    (0x0B3E, 0x0B57),
    (0x0B62, 0x0B63),
    (0x0B82, 0x0B82),
    (0x0BBE, 0x0BCD),
    (0x0BD7, 0x0BD7),
    (0x0C00, 0x0C04),
    (0x0C3E, 0x0C56),
    (0x0C62, 0x0C63),
    (0x0C81, 0x0C83),
    (0x0CBC, 0x0CBC),
    (0x0CBE, 0x0CD6),
    (0x0CE2, 0x0CE3),
    (0x0D00, 0x0D03),
    (0x0D3B, 0x0D3C),
    (0x0D3E, 0x0D4D),
    (0x0D57, 0x0D57),
    (0x0D62, 0x0D63),
    (0x0D81, 0x0D83),
    (0x0DCA, 0x0DDF),
    (0x0DF2, 0x0DF3),
    (0x0E31, 0x0E31),
    (0x0E34, 0x0E3A),
    (0x0E47, 0x0E4E),
    (0x0EB1, 0x0EB1),
    (0x0EB4, 0x0EBC),
    (0x0EC8, 0x0ECD),
    (0x0F18, 0x0F19),
    (0x0F35, 0x0F35),
    (0x0F37, 0x0F37),
    (0x0F39, 0x0F39),
    (0x0F3E, 0x0F3F),
    (0x0F71, 0x0F84),
    (0x0F86, 0x0F87),
    (0x0F8D, 0x0FBC),
    (0x0FC6, 0x0FC6),
    (0x102B, 0x103E),
    (0x1056, 0x1059),
    (0x135D, 0x135F),
    (0x1712, 0x1715),
    (0x17B4, 0x17D3),
    (0x17DD, 0x17DD),
    (0x180B, 0x180D),
    (0x18A9, 0x18A9),
    (0x1920, 0x193B),
    (0x1A17, 0x1A1B),
    (0x1A55, 0x1A7F),
    (0x1AB0, 0x1AFF),
    (0x1B00, 0x1B04),
    (0x1B34, 0x1B44),
    (0x1B6B, 0x1B73),
    (0x1DC0, 0x1DFF),
    (0x200C, 0x200D),
    (0x20D0, 0x20FF),
    (0x2CEF, 0x2CF1),
    (0x2D7F, 0x2D7F),
    (0x2DE0, 0x2DFF),
    (0x302A, 0x302F),
    (0x3099, 0x309A),
    (0xA66F, 0xA672),
    (0xA674, 0xA67D),
    (0xA69E, 0xA69F),
    (0xA6F0, 0xA6F1),
    (0xA802, 0xA802),
    (0xA806, 0xA806),
    (0xA80B, 0xA80B),
    (0xA823, 0xA827),
    (0xA8C4, 0xA8C5),
    (0xA8E0, 0xA8F1),
    (0xA926, 0xA92D),
    (0xA947, 0xA953),
    (0xA980, 0xA983),
    (0xA9B3, 0xA9C0),
    (0xAAB0, 0xAAB0),
    (0xAAB2, 0xAAB4),
    (0xAAB7, 0xAAB8),
    (0xAABE, 0xAABF),
    (0xAAC1, 0xAAC1),
    (0xABE3, 0xABEA),
    (0xABEC, 0xABED),
    (0xFB1E, 0xFB1E),
    (0xFE00, 0xFE0F),
    (0xFE20, 0xFE2F),
    (0xFF9E, 0xFF9F),
    (0x1F3FB, 0x1F3FF),
    (0xE0020, 0xE007F),
    (0xE0100, 0xE01EF),
];

/// Characters that are always a cluster of their own (GCB Control): C0/C1 controls,
/// line/paragraph separators and most format characters.
fn is_control(c: char) -> bool {
    let u = c as u32;
    c.is_control()
        || matches!(u, 0x00AD | 0x061C | 0x180E | 0x200B | 0x200E | 0x200F | 0xFEFF)
        || (0x2028..=0x202E).contains(&u)
        || (0x2060..=0x206F).contains(&u)
        || (0xFFF0..=0xFFFB).contains(&u)
}

fn is_extend(c: char) -> bool {
    (c as u32) >= 0x300 && in_ranges(c as u32, EXTEND)
}

fn is_regional(c: char) -> bool {
    (0x1F1E6..=0x1F1FF).contains(&(c as u32))
}

fn is_pictographic(c: char) -> bool {
    let u = c as u32;
    matches!(u, 0x00A9 | 0x00AE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x24C2 | 0x3030 | 0x303D | 0x3297 | 0x3299)
        || (0x2194..=0x21AA).contains(&u)
        || (0x231A..=0x23FF).contains(&u)
        || (0x25AA..=0x27BF).contains(&u)
        || (0x2934..=0x2935).contains(&u)
        || (0x2B05..=0x2B55).contains(&u)
        || ((0x1F000..=0x1FAFF).contains(&u) && !is_regional(c) && !(0x1F3FB..=0x1F3FF).contains(&u))
        || (0x1FC00..=0x1FFFD).contains(&u)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hangul {
    L,
    V,
    T,
    Lv,
    Lvt,
}

fn hangul(c: char) -> Option<Hangul> {
    let u = c as u32;
    match u {
        0x1100..=0x115F | 0xA960..=0xA97C => Some(Hangul::L),
        0x1160..=0x11A7 | 0xD7B0..=0xD7C6 => Some(Hangul::V),
        0x11A8..=0x11FF | 0xD7CB..=0xD7FB => Some(Hangul::T),
        0xAC00..=0xD7A3 => Some(if (u - 0xAC00).is_multiple_of(28) { Hangul::Lv } else { Hangul::Lvt }),
        _ => None,
    }
}

/// Whether there is a cluster boundary between `prev` and `c`; `ri_run` is the number of
/// regional indicators ending at `prev`.
fn is_boundary(prev: char, c: char, ri_run: usize) -> bool {
    use Hangul::*;
    if prev == '\r' && c == '\n' {
        return false;
    }
    if is_control(prev) || is_control(c) {
        return true;
    }
    match (hangul(prev), hangul(c)) {
        (Some(L), Some(L | V | Lv | Lvt)) | (Some(Lv | V), Some(V | T)) | (Some(Lvt | T), Some(T)) => {
            return false;
        }
        _ => {}
    }
    if is_extend(c) {
        return false;
    }
    if prev == '\u{200D}' && is_pictographic(c) {
        return false;
    }
    if is_regional(prev) && is_regional(c) {
        return ri_run.is_multiple_of(2);
    }
    true
}

/// The grapheme clusters of `s` (simplified segmentation; see the module docs).
pub(super) fn graphemes(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    let mut ri_run = 0;
    for (i, c) in s.char_indices() {
        if let Some(p) = prev
            && is_boundary(p, c, ri_run)
        {
            out.push(&s[start..i]);
            start = i;
        }
        ri_run = if is_regional(c) { ri_run + 1 } else { 0 };
        prev = Some(c);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// The number of grapheme clusters in `s`.
pub(super) fn grapheme_count(s: &str) -> usize {
    if s.is_ascii() && !s.contains("\r\n") {
        return s.len();
    }
    graphemes(s).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(go_quote("a\"b\\c\n\u{1}\u{a0}é😀"), "\"a\\\"b\\\\c\\n\\x01\\u00a0é😀\"");
        assert_eq!(go_quote_rune('*'), "'*'");
        assert_eq!(go_quote_rune('\''), "'\\''");
    }

    #[test]
    fn clusters() {
        assert_eq!(graphemes("abc"), vec!["a", "b", "c"]);
        assert_eq!(graphemes("e\u{301}x"), vec!["e\u{301}", "x"]);
        assert_eq!(graphemes("\r\nx"), vec!["\r\n", "x"]);
        assert_eq!(graphemes("🇫🇷🇩🇪"), vec!["🇫🇷", "🇩🇪"]);
        assert_eq!(graphemes("👍🏽!"), vec!["👍🏽", "!"]);
        assert_eq!(graphemes("👨\u{200D}👩\u{200D}👧x").len(), 2);
        assert_eq!(grapheme_count("日本語"), 3);
        assert_eq!(grapheme_count("\u{1100}\u{1161}\u{11A8}"), 1);
    }

    #[test]
    fn equality() {
        let a = Value::string("a");
        let u = Value::unknown("x", crate::value::Type::String);
        assert_eq!(equals(&a, &a.clone()), Some(true));
        assert_eq!(equals(&a, &u), None);
        assert_eq!(equals(&Value::tuple(vec![u.clone()]), &a), Some(false));
    }
}
