//! Mapping a string Terraform computed from a template (a heredoc, a quoted string) back to
//! the template's source text, so that a JSON policy written in a heredoc reports findings
//! on the heredoc's own lines.

use crate::source::{SourceMap, Span};

/// The source span of each byte range of `text`, a string computed from the source at
/// `base` (see [`Aligned`]); `None` for every range when there is no `base`.
pub fn span_map(text: &str, base: Option<Span>, sources: &SourceMap) -> impl Fn(usize, usize) -> Option<Span> {
    let aligned = base.map(|b| Aligned::new(text, b, sources.text(b)));
    move |start, end| aligned.as_ref()?.span(start, end)
}

/// A string's bytes placed in the source text it was computed from (`base`, the span of a
/// heredoc, a quoted string or a file read with `file`): a span for any range of the string.
pub struct Aligned {
    base: Span,
    offsets: Vec<usize>,
    /// The interpolations and directives of the source (`start..end` offsets, in order).
    holes: Vec<(usize, usize)>,
}

impl Aligned {
    /// `source` is the text at `base`.
    pub fn new(result: &str, base: Span, source: &str) -> Aligned {
        let (offsets, holes) = align_with_holes(result, source);
        Aligned { base, offsets, holes }
    }

    /// The source span of the bytes `start..end` of the string: the whole interpolation
    /// (`${...}`) when they are part of what one produced.
    pub fn span(&self, start: usize, end: usize) -> Option<Span> {
        let s = *self.offsets.get(start)?;
        let mut e = *self.offsets.get(end).or(self.offsets.last())?;
        if e <= s
            && let Ok(i) = self.holes.binary_search_by_key(&s, |&(h, _)| h)
        {
            e = self.holes[i].1;
        }
        Some(Span::new(self.base.file, self.base.start as usize + s, self.base.start as usize + e.max(s)))
    }
}

/// For every byte offset of `result` (and its end), the byte offset in `source` it came
/// from. Literal text maps one to one; indentation removed by `<<-`, escapes and
/// interpolations are skipped on the source side.
pub fn align(result: &str, source: &str) -> Vec<usize> {
    align_with_holes(result, source).0
}

/// [`align`], and the interpolations and directives skipped in the source (`start..end`).
fn align_with_holes(result: &str, source: &str) -> (Vec<usize>, Vec<(usize, usize)>) {
    let mut holes = Vec::new();
    let r = result.as_bytes();
    let s = source.as_bytes();
    let mut map = vec![0usize; r.len() + 1];
    let (mut i, mut j) = (0usize, 0usize);
    while i < r.len() {
        if j >= s.len() {
            map[i] = s.len();
            i += 1;
            continue;
        }
        // Escaped template markers: `$${` and `%%{` produce `${` and `%{`.
        if (s[j..].starts_with(b"$${") || s[j..].starts_with(b"%%{")) && r[i] == s[j] {
            map[i] = j;
            if i + 1 < r.len() {
                map[i + 1] = j + 2;
            }
            i += 2;
            j += 3;
            continue;
        }
        // An interpolation or directive: skip it in the source, and its output in the result
        // up to the next literal character.
        if s[j..].starts_with(b"${") || s[j..].starts_with(b"%{") {
            let end = closing_brace(s, j + 2);
            let next = s.get(end).copied();
            let start = j;
            holes.push((start, end));
            while i < r.len() && Some(r[i]) != next {
                map[i] = start;
                i += 1;
            }
            j = end;
            continue;
        }
        if r[i] == s[j] {
            map[i] = j;
            i += 1;
            j += 1;
            continue;
        }
        // A backslash escape in a quoted string: one result character.
        if s[j] == b'\\' && j + 1 < s.len() {
            map[i] = j;
            let width = utf8_width(r[i]);
            for k in 1..width {
                if i + k < r.len() {
                    map[i + k] = j;
                }
            }
            i += width;
            j += escape_len(&s[j..]);
            continue;
        }
        // Removed indentation, quotes, heredoc markers: skip source bytes.
        j += 1;
    }
    map[r.len()] = j.min(s.len());
    (map, holes)
}

fn utf8_width(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Length in bytes of the escape sequence at the start of `s` (which starts with `\`).
fn escape_len(s: &[u8]) -> usize {
    match s.get(1) {
        Some(b'u') => 6,
        Some(b'U') => 10,
        Some(_) => 2,
        None => 1,
    }
}

/// The offset just past the `}` that closes a `${`/`%{` opened before `from`.
fn closing_brace(s: &[u8], from: usize) -> usize {
    let mut depth = 1usize;
    let mut k = from;
    let mut in_string = false;
    while k < s.len() {
        let c = s[k];
        if in_string {
            if c == b'\\' {
                k += 2;
                continue;
            }
            if c == b'"' {
                in_string = false;
            }
        } else {
            match c {
                b'"' => in_string = true,
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return k + 1;
                    }
                }
                _ => {}
            }
        }
        k += 1;
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::align;

    fn at<'a>(result: &str, source: &'a str, needle: &str) -> &'a str {
        let map = align(result, source);
        let i = result.find(needle).unwrap();
        &source[map[i]..map[i + needle.len()]]
    }

    /// What an interpolation produced is placed on the whole interpolation, not on its `$`.
    #[test]
    fn bytes_produced_by_an_interpolation_are_placed_on_all_of_it() {
        use super::Aligned;
        use crate::source::{FileId, Span};
        let source = r#""{\"Action\": ${jsonencode(local.actions)}, \"Sid\": \"x\"}""#;
        let result = r#"{"Action": ["kms:Decrpyt"], "Sid": "x"}"#;
        let aligned = Aligned::new(result, Span::new(FileId(0), 0, source.len()), source);
        let text = |start: usize, end: usize| {
            let span = aligned.span(start, end).unwrap();
            &source[span.start as usize..span.end as usize]
        };
        let i = result.find("\"kms:Decrpyt\"").unwrap();
        assert_eq!(text(i, i + 13), "${jsonencode(local.actions)}");
        // Literal text after it keeps its own place.
        let i = result.find("\"x\"").unwrap();
        assert_eq!(text(i, i + 3), r#"\"x\""#);
    }

    #[test]
    fn dedented_heredoc_maps_to_its_lines() {
        let source = "    {\n      \"Action\": \"kms:Encrpyt\"\n    }\n";
        let result = "{\n  \"Action\": \"kms:Encrpyt\"\n}\n";
        assert_eq!(at(result, source, "kms:Encrpyt"), "kms:Encrpyt");
    }

    #[test]
    fn interpolations_and_escapes_are_skipped() {
        let source = r#""{\"AWS\": \"arn:aws:iam::${var.account}:root\", \"Sid\": \"x\"}""#;
        let result = "{\"AWS\": \"arn:aws:iam::111122223333:root\", \"Sid\": \"x\"}";
        assert_eq!(at(result, source, "\"Sid\""), "\\\"Sid\\\"");
        assert_eq!(at(result, source, ":root"), ":root");
    }
}
