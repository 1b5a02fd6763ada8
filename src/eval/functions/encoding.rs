//! Encoding functions: `base64encode`, `base64decode`, `urlencode`, `csvdecode`.

use super::FnError;
use super::util::{err, go_quote, new_string, text};
use crate::value::Value;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `base64encode(str)`: the UTF-8 bytes of `str` in standard Base64 with padding.
pub(super) fn base64encode(args: &[Value]) -> Result<Value, FnError> {
    new_string(base64encode_bytes(text(&args[0]).as_bytes()))
}

/// `bytes` in standard Base64 with padding (Go's `base64.StdEncoding.EncodeToString`).
pub(super) fn base64encode_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, `\r` and `\n` ignored.
pub(super) fn decode_std(s: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = s.bytes().filter(|&c| c != b'\r' && c != b'\n').collect();
    if !symbols.len().is_multiple_of(4) {
        return None;
    }
    let value = |c: u8| ALPHABET.iter().position(|&a| a == c).map(|p| p as u32);
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    let quanta = symbols.len() / 4;
    for (qi, q) in symbols.chunks(4).enumerate() {
        let pad = q.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && qi + 1 != quanta) {
            return None;
        }
        let mut n = 0u32;
        for &c in &q[..4 - pad] {
            n = (n << 6) | value(c)?;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// `base64decode(str)`: the text encoded in standard Base64 (it must be UTF-8).
pub(super) fn base64decode(args: &[Value]) -> Result<Value, FnError> {
    let s = text(&args[0]);
    let Some(bytes) = decode_std(s) else {
        let shown = if args[0].sensitive { "(sensitive value)".to_string() } else { go_quote(s) };
        return err(format!("failed to decode base64 data {shown}"));
    };
    match String::from_utf8(bytes) {
        Ok(decoded) => new_string(decoded),
        Err(_) => err("the result of decoding the provided string is not valid UTF-8"),
    }
}

/// `urlencode(str)`: Go's `url.QueryEscape` (space as `+`, other reserved bytes as `%XX`).
pub(super) fn urlencode(args: &[Value]) -> Result<Value, FnError> {
    let mut out = String::new();
    for &b in text(&args[0]).as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    new_string(out)
}

/// Why Go's `encoding/csv` reader refused a record, and on which line.
#[derive(Debug, PartialEq, Eq)]
struct CsvError {
    line: usize,
    message: &'static str,
}

const BARE_QUOTE: &str = "bare \" in non-quoted-field";
const QUOTE: &str = "extraneous or missing \" in quoted-field";
const FIELD_COUNT: &str = "wrong number of fields";

/// Go's `encoding/csv` reader with its defaults: comma-separated fields, RFC 4180 quotes
/// (a quoted field may hold commas, `""` and line breaks), `\r\n` read as `\n`, a `\r`
/// just before the end dropped, empty lines skipped, no lazy quotes.
struct CsvReader<'a> {
    rest: &'a str,
    /// Lines read so far (1-based number of the last one).
    line: usize,
    /// Fields every record must have (0: set by the first record).
    fields_per_record: usize,
}

impl<'a> CsvReader<'a> {
    /// Go's `readLine`: the next line with its `\n` (`None` at the end).
    fn read_line(&mut self) -> Option<String> {
        if self.rest.is_empty() {
            return None;
        }
        let end = self.rest.find('\n').map_or(self.rest.len(), |i| i + 1);
        let (line, rest) = self.rest.split_at(end);
        self.rest = rest;
        self.line += 1;
        let line = match line.strip_suffix("\r\n") {
            Some(body) => format!("{body}\n"),
            None if !line.ends_with('\n') => line.strip_suffix('\r').unwrap_or(line).to_string(),
            None => line.to_string(),
        };
        Some(line)
    }

    /// Go's `readRecord`: the next record (`None` at the end).
    fn read_record(&mut self) -> Option<Result<Vec<String>, CsvError>> {
        let mut line = loop {
            let line = self.read_line()?;
            // An empty line (or a lone `\r` at the very end) is skipped.
            if line != "\n" && !line.is_empty() {
                break line;
            }
        };
        let record_line = self.line;
        let mut fields = Vec::new();
        // Where the current field starts in `line` (fields are found by position, not by
        // copying the rest of the line, so a long line is read in linear time).
        let mut at = 0;
        loop {
            if !line[at..].starts_with('"') {
                // An unquoted field, up to the next comma or the end of the line.
                let comma = line[at..].find(',').map(|i| at + i);
                let field = match comma {
                    Some(i) => &line[at..i],
                    None => line[at..].strip_suffix('\n').unwrap_or(&line[at..]),
                };
                if field.contains('"') {
                    return Some(Err(CsvError { line: self.line, message: BARE_QUOTE }));
                }
                fields.push(field.to_string());
                match comma {
                    Some(i) => at = i + 1,
                    None => break,
                }
                continue;
            }
            // A quoted field, which may go on over the next lines.
            let mut field = String::new();
            at += 1;
            let next_field = loop {
                if let Some(i) = line[at..].find('"').map(|i| at + i) {
                    field.push_str(&line[at..i]);
                    let after = &line[i + 1..];
                    if after.starts_with('"') {
                        field.push('"');
                        at = i + 2;
                    } else if after.starts_with(',') {
                        break Some(i + 2);
                    } else if after.is_empty() || after == "\n" {
                        break None;
                    } else {
                        return Some(Err(CsvError { line: self.line, message: QUOTE }));
                    }
                } else if at < line.len() {
                    field.push_str(&line[at..]);
                    line = self.read_line().unwrap_or_default();
                    at = 0;
                } else {
                    // The end of the text inside quotes.
                    return Some(Err(CsvError { line: self.line, message: QUOTE }));
                }
            };
            fields.push(field);
            match next_field {
                Some(next) => at = next,
                None => break,
            }
        }
        if self.fields_per_record == 0 {
            self.fields_per_record = fields.len();
        } else if fields.len() != self.fields_per_record {
            return Some(Err(CsvError { line: record_line, message: FIELD_COUNT }));
        }
        Some(Ok(fields))
    }
}

/// `csvdecode(str)`: the rows of a CSV text as a list of objects, keyed by the names of
/// the header line, every value a string.
pub(super) fn csvdecode(args: &[Value]) -> Result<Value, FnError> {
    let mut reader = CsvReader { rest: text(&args[0]), line: 0, fields_per_record: 0 };
    let csv_error = |e: CsvError| err(format!("CSV parse error on line {}: {}", e.line, e.message));
    let headers = match reader.read_record() {
        None => return err("missing header line"),
        Some(Err(e)) => return csv_error(e),
        Some(Ok(h)) => h,
    };
    let mut seen = std::collections::HashSet::new();
    for name in &headers {
        if !seen.insert(name.as_str()) {
            return err(format!("duplicate column name {}", go_quote(name)));
        }
    }
    let mut rows = Vec::new();
    while let Some(record) = reader.read_record() {
        let record = match record {
            Ok(r) => r,
            Err(e) => return csv_error(e),
        };
        rows.push(Value::object(headers.iter().cloned().zip(record.into_iter().map(Value::string)).collect()));
    }
    Ok(Value::list(rows))
}

#[cfg(test)]
mod tests {
    /// The example of Terraform's documentation, and Go's reader on quotes, line breaks
    /// and errors.
    #[test]
    fn csvdecode_reads_as_go_reads() {
        assert_eq!(
            j("csvdecode", vec![s("a,b,c\n1,2,3\n4,5,6")]),
            r#"[{"a":"1","b":"2","c":"3"},{"a":"4","b":"5","c":"6"}]"#
        );
        assert_eq!(
            j("csvdecode", vec![s("name,note\r\n\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\r\nline\",\n\r")]),
            r#"[{"name":"x, y","note":"say \"hi\""},{"name":"multi\nline","note":""}]"#
        );
        assert_eq!(j("csvdecode", vec![s("a,b\n")]), "[]");
        assert_eq!(j("csvdecode", vec![s("a,b,\n1,2,")]), r#"[{"":"","a":"1","b":"2"}]"#);
        assert_eq!(fail("csvdecode", vec![s("")]), "missing header line");
        assert_eq!(fail("csvdecode", vec![s("\n\n")]), "missing header line");
        assert_eq!(fail("csvdecode", vec![s("a,a\n1,2")]), "duplicate column name \"a\"");
        assert_eq!(fail("csvdecode", vec![s("a,b\n1,2\n\n3\n")]), "CSV parse error on line 4: wrong number of fields");
        assert_eq!(
            fail("csvdecode", vec![s("a,b\n1,x\"y\n")]),
            "CSV parse error on line 2: bare \" in non-quoted-field"
        );
        assert_eq!(
            fail("csvdecode", vec![s("a,b\n\"1\"x,2\n")]),
            "CSV parse error on line 2: extraneous or missing \" in quoted-field"
        );
        assert_eq!(
            fail("csvdecode", vec![s("a,b\n\"1,2\nmore\n")]),
            "CSV parse error on line 3: extraneous or missing \" in quoted-field"
        );
        assert_eq!(
            fail("csvdecode", vec![s("a,\"b\n")]),
            "CSV parse error on line 1: extraneous or missing \" in quoted-field"
        );
    }

    use super::super::test_util::*;

    #[test]
    fn base64() {
        assert_eq!(ok("base64encode", vec![s("Hello World")]), s("SGVsbG8gV29ybGQ="));
        assert_eq!(ok("base64encode", vec![s("é")]), s("w6k="));
        assert_eq!(ok("base64encode", vec![s("")]), s(""));
        assert_eq!(ok("base64decode", vec![s("SGVsbG8gV29ybGQ=")]), s("Hello World"));
        assert_eq!(ok("base64decode", vec![s("SGVs\nbG8=")]), s("Hello"));
        assert_eq!(fail("base64decode", vec![s("SGVsbG8")]), "failed to decode base64 data \"SGVsbG8\"");
        assert_eq!(fail("base64decode", vec![secret(s("@@@@"))]), "failed to decode base64 data (sensitive value)");
        assert_eq!(
            fail("base64decode", vec![s("/w==")]),
            "the result of decoding the provided string is not valid UTF-8"
        );
        assert!(ok("base64decode", vec![secret(s("YQ=="))]).sensitive);
    }

    #[test]
    fn url() {
        assert_eq!(ok("urlencode", vec![s("Hello World?x=1&y=é~")]), s("Hello+World%3Fx%3D1%26y%3D%C3%A9~"));
    }
}
