//! Encoding functions: `base64encode`, `base64decode`, `urlencode`.

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
fn decode_std(s: &str) -> Option<Vec<u8>> {
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

#[cfg(test)]
mod tests {
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
