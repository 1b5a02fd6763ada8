//! Encoding functions: `base64encode`, `base64decode`, `textencodebase64`,
//! `textdecodebase64`, `urlencode`, `csvdecode` (`base64gzip` is
//! `hashing::unknown_until_apply`).

use super::FnError;
use super::util::{arg_err, check_len, err, go_quote, new_string, text};
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
    decode_std_at(s).ok()
}

/// The value of a symbol of the standard Base64 alphabet.
fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Go's `base64.StdEncoding.DecodeString`, with the byte offset its `CorruptInputError`
/// reports when the text is not valid: symbols are read four at a time (`\r` and `\n`
/// skipped anywhere); the last group may end in `=` or `==` after two or three symbols,
/// followed by nothing but line breaks; the bits after the last whole byte need not be
/// zero.
pub(super) fn decode_std_at(s: &str) -> Result<Vec<u8>, usize> {
    let src = s.as_bytes();
    let skip_breaks = |mut i: usize| {
        while matches!(src.get(i), Some(b'\r' | b'\n')) {
            i += 1;
        }
        i
    };
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut i = 0;
    loop {
        // One group of up to four symbols.
        let mut group = [0u8; 4];
        let mut n = 0;
        while n < 4 {
            let Some(&c) = src.get(i) else {
                // The text ends: only between groups is that valid.
                return if n == 0 { Ok(out) } else { Err(i - n) };
            };
            i += 1;
            if let Some(v) = sextet(c) {
                group[n] = v;
                n += 1;
                continue;
            }
            if c == b'\r' || c == b'\n' {
                continue;
            }
            if c != b'=' || n < 2 {
                return Err(i - 1);
            }
            // Padding: `==` after two symbols, `=` after three, then the end.
            if n == 2 {
                i = skip_breaks(i);
                match src.get(i) {
                    None => return Err(src.len()),
                    Some(b'=') => i += 1,
                    Some(_) => return Err(i - 1),
                }
            }
            i = skip_breaks(i);
            if i < src.len() {
                return Err(i);
            }
            break;
        }
        let bits = group.iter().fold(0u32, |acc, &v| (acc << 6) | u32::from(v));
        let bytes = [(bits >> 16) as u8, (bits >> 8) as u8, bits as u8];
        out.extend_from_slice(&bytes[..n - 1]);
        if n < 4 {
            return Ok(out);
        }
    }
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

/// A text encoding `textencodebase64` and `textdecodebase64` implement, as Terraform's
/// `golang.org/x/text` encoders and decoders behave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Charset {
    Utf8,
    /// `UTF-16`: written big-endian after the byte-order mark `FE FF`; read in the byte
    /// order of a leading `FE FF` or `FF FE` (dropped), big-endian without one.
    Utf16,
    /// `UTF-16BE` and `UTF-16LE`: no byte-order mark written, and one read is U+FEFF.
    Utf16Be,
    Utf16Le,
    Ascii,
    /// ISO 8859-1: bytes `00`-`FF` are U+0000-U+00FF.
    Latin1,
    Windows1252,
}

impl Charset {
    /// The name Terraform's messages give the encoding (`ianaindex.IANA.Name`).
    fn iana_name(self) -> &'static str {
        match self {
            Charset::Utf8 => "UTF-8",
            Charset::Utf16 => "UTF-16",
            Charset::Utf16Be => "UTF-16BE",
            Charset::Utf16Le => "UTF-16LE",
            Charset::Ascii => "US-ASCII",
            Charset::Latin1 => "ISO_8859-1:1987",
            Charset::Windows1252 => "windows-1252",
        }
    }
}

/// The encodings kmsc implements, as its message lists them.
const SUPPORTED: &str = "UTF-8, UTF-16, UTF-16BE, UTF-16LE, US-ASCII, ISO-8859-1 and windows-1252";

/// What an encoding name Terraform knows stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Implemented(Charset),
    /// An encoding Terraform implements and kmsc does not, by its IANA name.
    Other(&'static str),
}

/// The encoding `ianaindex.IANA.Encoding(name)` gives Terraform: the name, without
/// surrounding white space, is one of the IANA names or aliases (in any case) of an
/// encoding `golang.org/x/text` implements. `None` for any other name, including
/// registered encodings Terraform does not implement (`UTF-32`, `UTF-7`, `GB2312`, ...).
fn resolve_encoding(name: &str) -> Option<Encoding> {
    // Go lowers the name with `strings.ToLower`. Every alias is ASCII, and the only other
    // characters Go lowers to ASCII are U+0130 (to `i`) and the Kelvin sign (to `k`).
    let key: String = name
        .trim()
        .chars()
        .map(|c| match c {
            '\u{130}' => Some('i'),
            '\u{212a}' => Some('k'),
            c if c.is_ascii() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect::<Option<String>>()?;
    use Charset::*;
    use Encoding::{Implemented as I, Other as O};
    // The aliases of the IANA character-set registry as `ianaindex` holds them, for the
    // encodings `ianaindex` maps to an implementation.
    Some(match key.as_str() {
        "utf-8" | "csutf8" => I(Utf8),
        "utf-16" | "csutf16" => I(Utf16),
        "utf-16be" | "csutf16be" => I(Utf16Be),
        "utf-16le" | "csutf16le" => I(Utf16Le),
        "us-ascii" | "iso-ir-6" | "ansi_x3.4-1968" | "ansi_x3.4-1986" | "iso_646.irv:1991" | "iso646-us" | "us"
        | "ibm367" | "cp367" | "csascii" => I(Ascii),
        "iso_8859-1:1987" | "iso-ir-100" | "iso_8859-1" | "iso-8859-1" | "latin1" | "l1" | "ibm819" | "cp819"
        | "csisolatin1" => I(Latin1),
        "windows-1252" | "cswindows1252" => I(Windows1252),
        "iso_8859-2:1987" | "iso-ir-101" | "iso_8859-2" | "iso-8859-2" | "latin2" | "l2" | "csisolatin2" => {
            O("ISO_8859-2:1987")
        }
        "iso_8859-3:1988" | "iso-ir-109" | "iso_8859-3" | "iso-8859-3" | "latin3" | "l3" | "csisolatin3" => {
            O("ISO_8859-3:1988")
        }
        "iso_8859-4:1988" | "iso-ir-110" | "iso_8859-4" | "iso-8859-4" | "latin4" | "l4" | "csisolatin4" => {
            O("ISO_8859-4:1988")
        }
        "iso_8859-5:1988" | "iso-ir-144" | "iso_8859-5" | "iso-8859-5" | "cyrillic" | "csisolatincyrillic" => {
            O("ISO_8859-5:1988")
        }
        "iso_8859-6:1987" | "iso-ir-127" | "iso_8859-6" | "iso-8859-6" | "ecma-114" | "asmo-708" | "arabic"
        | "csisolatinarabic" => O("ISO_8859-6:1987"),
        "iso_8859-7:1987" | "iso-ir-126" | "iso_8859-7" | "iso-8859-7" | "elot_928" | "ecma-118" | "greek"
        | "greek8" | "csisolatingreek" => O("ISO_8859-7:1987"),
        "iso_8859-8:1988" | "iso-ir-138" | "iso_8859-8" | "iso-8859-8" | "hebrew" | "csisolatinhebrew" => {
            O("ISO_8859-8:1988")
        }
        "iso_8859-9:1989" | "iso-ir-148" | "iso_8859-9" | "iso-8859-9" | "latin5" | "l5" | "csisolatin5" => {
            O("ISO_8859-9:1989")
        }
        "iso-8859-10" | "iso-ir-157" | "l6" | "iso_8859-10:1992" | "csisolatin6" | "latin6" => O("ISO-8859-10"),
        "iso_8859-6-e" | "csiso88596e" | "iso-8859-6-e" => O("ISO_8859-6-E"),
        "iso_8859-6-i" | "csiso88596i" | "iso-8859-6-i" => O("ISO_8859-6-I"),
        "iso_8859-8-e" | "csiso88598e" | "iso-8859-8-e" => O("ISO_8859-8-E"),
        "iso_8859-8-i" | "csiso88598i" | "iso-8859-8-i" => O("ISO_8859-8-I"),
        "iso-8859-13" | "csiso885913" => O("ISO-8859-13"),
        "iso-8859-14" | "iso-ir-199" | "iso_8859-14:1998" | "iso_8859-14" | "latin8" | "iso-celtic" | "l8"
        | "csiso885914" => O("ISO-8859-14"),
        "iso-8859-15" | "iso_8859-15" | "latin-9" | "csiso885915" => O("ISO-8859-15"),
        "iso-8859-16" | "iso-ir-226" | "iso_8859-16:2001" | "iso_8859-16" | "latin10" | "l10" | "csiso885916" => {
            O("ISO-8859-16")
        }
        "ibm037" | "cp037" | "ebcdic-cp-us" | "ebcdic-cp-ca" | "ebcdic-cp-wt" | "ebcdic-cp-nl" | "csibm037" => {
            O("IBM037")
        }
        "ibm437" | "cp437" | "437" | "cspc8codepage437" => O("IBM437"),
        "ibm850" | "cp850" | "850" | "cspc850multilingual" => O("IBM850"),
        "ibm852" | "cp852" | "852" | "cspcp852" => O("IBM852"),
        "ibm855" | "cp855" | "855" | "csibm855" => O("IBM855"),
        "ibm00858" | "ccsid00858" | "cp00858" | "pc-multilingual-850+euro" | "csibm00858" => O("IBM00858"),
        "ibm860" | "cp860" | "860" | "csibm860" => O("IBM860"),
        "ibm862" | "cp862" | "862" | "cspc862latinhebrew" => O("IBM862"),
        "ibm863" | "cp863" | "863" | "csibm863" => O("IBM863"),
        "ibm865" | "cp865" | "865" | "csibm865" => O("IBM865"),
        "ibm866" | "cp866" | "866" | "csibm866" => O("IBM866"),
        "ibm1047" | "ibm-1047" | "csibm1047" => O("IBM1047"),
        "ibm01140" | "ccsid01140" | "cp01140" | "ebcdic-us-37+euro" | "csibm01140" => O("IBM01140"),
        "koi8-r" | "cskoi8r" => O("KOI8-R"),
        "koi8-u" | "cskoi8u" => O("KOI8-U"),
        "macintosh" | "mac" | "csmacintosh" => O("macintosh"),
        "windows-874" | "cswindows874" => O("windows-874"),
        "windows-1250" | "cswindows1250" => O("windows-1250"),
        "windows-1251" | "cswindows1251" => O("windows-1251"),
        "windows-1253" | "cswindows1253" => O("windows-1253"),
        "windows-1254" | "cswindows1254" => O("windows-1254"),
        "windows-1255" | "cswindows1255" => O("windows-1255"),
        "windows-1256" | "cswindows1256" => O("windows-1256"),
        "windows-1257" | "cswindows1257" => O("windows-1257"),
        "windows-1258" | "cswindows1258" => O("windows-1258"),
        "shift_jis" | "ms_kanji" | "csshiftjis" => O("Shift_JIS"),
        "euc-jp" | "extended_unix_code_packed_format_for_japanese" | "cseucpkdfmtjapanese" => {
            O("Extended_UNIX_Code_Packed_Format_for_Japanese")
        }
        "iso-2022-jp" | "csiso2022jp" => O("ISO-2022-JP"),
        "euc-kr" | "cseuckr" => O("EUC-KR"),
        "gbk" | "cp936" | "ms936" | "windows-936" | "csgbk" => O("GBK"),
        "gb18030" | "csgb18030" => O("GB18030"),
        "hz-gb-2312" => O("HZ-GB-2312"),
        "big5" | "csbig5" => O("Big5"),
        _ => return None,
    })
}

/// The encoding argument of `textencodebase64`/`textdecodebase64` (argument 1), or the
/// error Terraform gives for a name it does not know, or kmsc's for an encoding
/// Terraform implements and kmsc does not.
fn charset_arg(args: &[Value]) -> Result<Charset, FnError> {
    let name = text(&args[1]);
    match resolve_encoding(name) {
        Some(Encoding::Implemented(charset)) => Ok(charset),
        Some(Encoding::Other(iana)) => {
            let also = if name.trim() == iana { String::new() } else { format!(" ({iana})") };
            arg_err(
                1,
                format!(
                    "kmsc does not support the text encoding {}{also}, though Terraform does; kmsc supports \
                     {SUPPORTED}, under their IANA names and aliases",
                    go_quote(name)
                ),
            )
        }
        None => arg_err(
            1,
            format!("{} is not a supported IANA encoding name or alias in this Terraform version", go_quote(name)),
        ),
    }
}

/// Characters 0x80-0x9F of windows-1252 (`golang.org/x/text`'s table: the WHATWG
/// mapping, with the five bytes it maps to C1 controls left undefined, here as 0).
#[rustfmt::skip]
const WINDOWS_1252_HIGH: [u16; 32] = [
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, // 0x80-0x87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,      // 0x88-0x8F
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, // 0x90-0x97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178, // 0x98-0x9F
];

/// `s` in `charset`; `None` when it has a character the encoding cannot represent.
fn encode_text(s: &str, charset: Charset) -> Option<Vec<u8>> {
    let utf16 = |bom: &[u8], big_endian: bool| {
        let mut out = Vec::with_capacity(bom.len() + 2 * s.len());
        out.extend_from_slice(bom);
        for unit in s.encode_utf16() {
            out.extend_from_slice(&if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        out
    };
    Some(match charset {
        Charset::Utf8 => s.as_bytes().to_vec(),
        Charset::Utf16 => utf16(&[0xFE, 0xFF], true),
        Charset::Utf16Be => utf16(&[], true),
        Charset::Utf16Le => utf16(&[], false),
        Charset::Ascii => s.is_ascii().then(|| s.as_bytes().to_vec())?,
        Charset::Latin1 => s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect::<Option<_>>()?,
        Charset::Windows1252 => s
            .chars()
            .map(|c| match u32::from(c) {
                u @ (0..=0x7F | 0xA0..=0xFF) => u8::try_from(u).ok(),
                u => {
                    let i = WINDOWS_1252_HIGH.iter().position(|&w| w != 0 && u32::from(w) == u)?;
                    u8::try_from(0x80 + i).ok()
                }
            })
            .collect::<Option<_>>()?,
    })
}

/// `bytes` read in `charset`; `None` when they are not valid in it, or when the text
/// has U+FFFD (Terraform refuses a decoded text with a replacement character, even one
/// that was encoded as such).
fn decode_text(bytes: &[u8], charset: Charset) -> Option<String> {
    let utf16 = |bytes: &[u8], big_endian: bool| -> Option<String> {
        if !bytes.len().is_multiple_of(2) {
            return None;
        }
        let units = bytes.chunks_exact(2).map(|p| {
            let pair = [p[0], p[1]];
            if big_endian { u16::from_be_bytes(pair) } else { u16::from_le_bytes(pair) }
        });
        char::decode_utf16(units).collect::<Result<String, _>>().ok()
    };
    let text = match charset {
        Charset::Utf8 => String::from_utf8(bytes.to_vec()).ok()?,
        Charset::Utf16 => match bytes {
            [0xFE, 0xFF, rest @ ..] => utf16(rest, true)?,
            [0xFF, 0xFE, rest @ ..] => utf16(rest, false)?,
            _ => utf16(bytes, true)?,
        },
        Charset::Utf16Be => utf16(bytes, true)?,
        Charset::Utf16Le => utf16(bytes, false)?,
        Charset::Ascii => bytes.is_ascii().then(|| bytes.iter().map(|&b| char::from(b)).collect())?,
        Charset::Latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
        Charset::Windows1252 => bytes
            .iter()
            .map(|&b| match b {
                0x80..=0x9F => {
                    let w = WINDOWS_1252_HIGH[usize::from(b - 0x80)];
                    if w == 0 { None } else { char::from_u32(u32::from(w)) }
                }
                _ => Some(char::from(b)),
            })
            .collect::<Option<String>>()?,
    };
    (!text.contains('\u{FFFD}')).then_some(text)
}

/// `textencodebase64(string, encoding)`: the string encoded in `encoding` (an IANA
/// name or alias), in standard Base64.
pub(super) fn textencodebase64(args: &[Value]) -> Result<Value, FnError> {
    let charset = charset_arg(args)?;
    let Some(bytes) = encode_text(text(&args[0]), charset) else {
        return arg_err(
            0,
            format!("the given string contains characters that cannot be represented in {}", charset.iana_name()),
        );
    };
    check_len(bytes.len().div_ceil(3) * 4)?;
    new_string(base64encode_bytes(&bytes))
}

/// `textdecodebase64(source, encoding)`: the text whose bytes in `encoding` are `source`
/// in standard Base64.
pub(super) fn textdecodebase64(args: &[Value]) -> Result<Value, FnError> {
    let charset = charset_arg(args)?;
    let bytes = match decode_std_at(text(&args[0])) {
        Ok(bytes) => bytes,
        Err(offset) => {
            return arg_err(0, format!("the given value is has an invalid base64 symbol at offset {offset}"));
        }
    };
    match decode_text(&bytes, charset) {
        Some(decoded) => new_string(decoded),
        None => {
            arg_err(0, format!("the given string contains symbols that are not defined for {}", charset.iana_name()))
        }
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
    use super::go_quote;
    use crate::value::Value;

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

    fn enc(text: &str, encoding: &str) -> Value {
        ok("textencodebase64", vec![s(text), s(encoding)])
    }
    fn dec(source: &str, encoding: &str) -> Value {
        ok("textdecodebase64", vec![s(source), s(encoding)])
    }
    fn enc_err(text: &str, encoding: &str) -> (String, Option<usize>) {
        fail_at("textencodebase64", vec![s(text), s(encoding)])
    }
    fn dec_err(source: &str, encoding: &str) -> (String, Option<usize>) {
        fail_at("textdecodebase64", vec![s(source), s(encoding)])
    }
    const NOT_IANA: &str = "is not a supported IANA encoding name or alias in this Terraform version";

    /// Terraform's own cases (`TestBase64TextEncode`, `TestBase64TextDecode` in
    /// `internal/lang/funcs/encoding_test.go`), where kmsc implements the encoding.
    #[test]
    fn text_base64_terraform_cases() {
        let sample = "abc123!?$*&()'-=@~";
        assert_eq!(enc(sample, "UTF-8"), s("YWJjMTIzIT8kKiYoKSctPUB+"));
        assert_eq!(enc(sample, "UTF-16LE"), s("YQBiAGMAMQAyADMAIQA/ACQAKgAmACgAKQAnAC0APQBAAH4A"));
        assert_eq!(dec("YWJjMTIzIT8kKiYoKSctPUB+", "UTF-8"), s(sample));
        assert_eq!(dec("YQBiAGMAMQAyADMAIQA/ACQAKgAmACgAKQAnAC0APQBAAH4A", "UTF-16LE"), s(sample));
        assert_eq!(enc_err(sample, "NOT-EXISTS"), (format!("\"NOT-EXISTS\" {NOT_IANA}"), Some(1)));
        assert_eq!(dec_err("doesn't matter", "NOT-EXISTS"), (format!("\"NOT-EXISTS\" {NOT_IANA}"), Some(1)));
        // Terraform's base64 case, with an encoding kmsc implements (Terraform's uses cp437).
        assert_eq!(
            dec_err("<invalid base64>", "latin1"),
            ("the given value is has an invalid base64 symbol at offset 0".into(), Some(0))
        );
        // Terraform's undefined-byte case is 0x81 in windows-1250; it is undefined in
        // windows-1252 too.
        assert_eq!(
            dec_err("gQ==", "windows-1252"),
            ("the given string contains symbols that are not defined for windows-1252".into(), Some(0))
        );
        // CP936 (GBK) and cp437 are Terraform's; kmsc says it does not implement them.
        let (message, arg) = enc_err(sample, "CP936");
        assert_eq!(arg, Some(1));
        assert!(message.starts_with("kmsc does not support the text encoding \"CP936\" (GBK), though Terraform does"));
        assert_eq!(
            dec_err("YWJj", "cp437").0,
            "kmsc does not support the text encoding \"cp437\" (IBM437), though Terraform does; kmsc supports \
             UTF-8, UTF-16, UTF-16BE, UTF-16LE, US-ASCII, ISO-8859-1 and windows-1252, under their IANA names and \
             aliases"
        );
    }

    /// Expected values from Python 3 (`base64.b64encode(text.encode(codec))`, with codecs
    /// `utf-16-le`, `utf-16-be`, `utf-8`, `latin-1`, `cp1252` and `ascii`; `UTF-16` is
    /// `b"\xfe\xff" + text.encode("utf-16-be")`, as Go writes it).
    #[test]
    fn textencodebase64_encodings() {
        let hello = "Hello, 世界 🌍";
        assert_eq!(enc(hello, "UTF-16LE"), s("SABlAGwAbABvACwAIAAWTkx1IAA82A3f"));
        assert_eq!(enc(hello, "UTF-16BE"), s("AEgAZQBsAGwAbwAsACBOFnVMACDYPN8N"));
        assert_eq!(enc(hello, "UTF-16"), s("/v8ASABlAGwAbABvACwAIE4WdUwAINg83w0="));
        assert_eq!(enc(hello, "UTF-8"), s("SGVsbG8sIOS4lueVjCDwn4yN"));
        // The byte-order mark is written even for an empty text; nothing else is.
        assert_eq!(enc("", "UTF-16"), s("/v8="));
        assert_eq!(enc("", "UTF-16LE"), s(""));
        assert_eq!(enc("", "US-ASCII"), s(""));
        assert_eq!(enc("café ÿ\u{80}", "ISO-8859-1"), s("Y2Fm6SD/gA=="));
        assert_eq!(enc("€ “quoted” – Œuvre", "windows-1252"), s("gCCTcXVvdGVklCCWIIx1dnJl"));
        // Every character of windows-1252's 0x80-0x9F row.
        assert_eq!(enc("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ", "windows-1252"), s("gIKDhIWGh4iJiouMjpGSk5SVlpeYmZqbnJ6f"));
        assert_eq!(enc("plain ASCII ~\u{7f}\u{0}", "US-ASCII"), s("cGxhaW4gQVNDSUkgfn8A"));
    }

    #[test]
    fn textencodebase64_characters_outside_the_encoding() {
        let cannot = |name: &str| {
            (format!("the given string contains characters that cannot be represented in {name}"), Some(0))
        };
        assert_eq!(enc_err("café", "US-ASCII"), cannot("US-ASCII"));
        assert_eq!(enc_err("café", "ascii"), (format!("\"ascii\" {NOT_IANA}"), Some(1)));
        // The message names the encoding as IANA does, whatever alias was given.
        assert_eq!(enc_err("€", "latin1"), cannot("ISO_8859-1:1987"));
        assert_eq!(enc_err("x🤔", "l1"), cannot("ISO_8859-1:1987"));
        assert_eq!(enc_err("ā", "windows-1252"), cannot("windows-1252"));
        // C1 controls and U+FFFD have no byte in Go's windows-1252.
        assert_eq!(enc_err("\u{81}", "windows-1252"), cannot("windows-1252"));
        assert_eq!(enc_err("\u{80}", "windows-1252"), cannot("windows-1252"));
        assert_eq!(enc_err("\u{FFFD}", "windows-1252"), cannot("windows-1252"));
        assert_eq!(enc_err("\u{FFFD}", "latin1"), cannot("ISO_8859-1:1987"));
        // Unicode encodings represent everything, U+FFFD included.
        assert_eq!(enc("\u{FFFD}", "UTF-16LE"), s("/f8="));
    }

    /// Expected texts: the Python 3 values above, read back.
    #[test]
    fn textdecodebase64_encodings() {
        // UTF-16: a leading byte-order mark sets the byte order and is dropped; without
        // one the text is big-endian.
        assert_eq!(dec("//5hAPEAPNgN3w==", "UTF-16"), s("añ🌍"));
        assert_eq!(dec("/v8AYQDx2DzfDQ==", "UTF-16"), s("añ🌍"));
        assert_eq!(dec("AGEA8dg83w0=", "UTF-16"), s("añ🌍"));
        assert_eq!(dec("//4=", "UTF-16"), s(""));
        assert_eq!(dec("", "UTF-16"), s(""));
        // UTF-16LE and UTF-16BE keep a byte-order mark as U+FEFF.
        assert_eq!(dec("//5hAA==", "UTF-16LE").as_str(), Some("\u{FEFF}a"));
        assert_eq!(dec("AGH+/w==", "UTF-16BE").as_str(), Some("a\u{FEFF}"));
        assert_eq!(dec("//4=", "UTF-16BE").as_str(), Some("\u{FFFE}"));
        assert_eq!(dec("SABlAGwAbABvACwAIAAWTkx1IAA82A3f", "utf-16le"), s("Hello, 世界 🌍"));
        // UTF-8 keeps a byte-order mark too.
        assert_eq!(dec("77u/aGk=", "UTF-8").as_str(), Some("\u{FEFF}hi"));
        assert_eq!(dec("Y2Fm6SD/gA==", "ISO-8859-1").as_str(), Some("café ÿ\u{80}"));
        let high: String = (0x80u8..=0xFF).map(char::from).collect();
        assert_eq!(
            dec(
                "gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp+goaKjpKWmp6ipqqusra6vsLGys7S1tre4ubq7vL2+v8DBwsPExcbHyMnKy8zNzs/Q0dLT1NXW19jZ2tvc3d7f4OHi4+Tl5ufo6err7O3u7/Dx8vP09fb3+Pn6+/z9/v8=",
                "latin1"
            )
            .as_str(),
            Some(high.as_str())
        );
        assert_eq!(dec("gCCTcXVvdGVklCCWIIx1dnJl", "windows-1252"), s("€ “quoted” – Œuvre"));
        assert_eq!(dec("gIKDhIWGh4iJiouMjpGSk5SVlpeYmZqbnJ6f", "cswindows1252"), s("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"));
        assert_eq!(dec("cGxhaW4gQVNDSUkgfn8A", "US-ASCII").as_str(), Some("plain ASCII ~\u{7f}\u{0}"));
        // The result is normalised to NFC, as every Terraform string: e + U+0301 is é.
        assert_eq!(dec("ZQABAw==", "UTF-16LE").as_str(), Some("\u{e9}"));
        // Line breaks in the Base64 text are skipped.
        assert_eq!(dec("YQBi\r\nAGMA", "UTF-16LE"), s("abc"));
    }

    #[test]
    fn textdecodebase64_bytes_outside_the_encoding() {
        let undefined =
            |name: &str| (format!("the given string contains symbols that are not defined for {name}"), Some(0));
        // An odd number of bytes (a lone last byte, or a lone byte after no BOM).
        assert_eq!(dec_err("YQBi", "UTF-16LE"), undefined("UTF-16LE"));
        assert_eq!(dec_err("/g==", "UTF-16"), undefined("UTF-16"));
        assert_eq!(dec_err("YQBi", "UTF-16"), undefined("UTF-16"));
        // A lone surrogate, or U+FFFD itself.
        assert_eq!(dec_err("ANhhAA==", "UTF-16LE"), undefined("UTF-16LE"));
        assert_eq!(dec_err("/f8=", "csUTF16LE"), undefined("UTF-16LE"));
        assert_eq!(dec_err("eO+/vQ==", "UTF-8"), undefined("UTF-8"));
        assert_eq!(dec_err("wyg=", "utf-8"), undefined("UTF-8"));
        assert_eq!(dec_err("YWJjgA==", "us"), undefined("US-ASCII"));
        assert_eq!(dec_err("nQ==", "windows-1252"), undefined("windows-1252"));
        assert_eq!(dec("gA==", "windows-1252"), s("€"));
        // Invalid Base64, with the offsets Go's decoder reports (checked with Go 1.19's
        // `base64.StdEncoding.DecodeString`).
        let at =
            |offset: usize| (format!("the given value is has an invalid base64 symbol at offset {offset}"), Some(0));
        assert_eq!(dec_err("YQ=", "UTF-8"), at(3));
        assert_eq!(dec_err("YWJj!", "UTF-8"), at(4));
        assert_eq!(dec_err("YQ", "UTF-8"), at(0));
        assert_eq!(dec_err("YWJjZA", "UTF-8"), at(4));
        assert_eq!(dec_err("YQ==YQ==", "UTF-8"), at(4));
        assert_eq!(dec_err("YQ=x", "UTF-8"), at(2));
        assert_eq!(dec_err("é", "UTF-8"), at(0));
        assert_eq!(dec_err("YQ==\nx", "UTF-8"), at(5));
        // The encoding is looked up first.
        assert_eq!(dec_err("!", "nope").1, Some(1));
    }

    #[test]
    fn text_encoding_names() {
        // IANA names and aliases in any case, without surrounding white space.
        for name in ["ISO_8859-1:1987", "iso-ir-100", "ISO_8859-1", "Latin1", "L1", "IBM819", "CP819", "csISOLatin1"] {
            assert_eq!(enc("é", name), s("6Q=="), "{name}");
        }
        for name in [
            "US-ASCII",
            "iso-ir-6",
            "ANSI_X3.4-1968",
            "ANSI_X3.4-1986",
            "ISO_646.irv:1991",
            "ISO646-US",
            "US",
            "IBM367",
            "cp367",
            "csASCII",
        ] {
            assert_eq!(enc("A", name), s("QQ=="), "{name}");
        }
        for (name, expected) in [
            ("csUTF8", "QQ=="),
            (" utf-8\t", "QQ=="),
            ("csutf16", "/v8AQQ=="),
            ("CSUTF16BE", "AEE="),
            ("utf-16le", "QQA="),
            ("WINDOWS-1252", "QQ=="),
            // Go's strings.ToLower maps U+0130 to `i` and the Kelvin sign to `k`.
            ("\u{130}SO-8859-1", "QQ=="),
        ] {
            assert_eq!(enc("A", name), s(expected), "{name}");
        }
        // Not IANA names or aliases, or registered encodings Terraform does not implement:
        // Terraform's message, quoting the name as given.
        for name in ["utf8", "UTF-32", "UTF-7", "GB2312", "ascii", "", " UTF-8x", "\u{131}so-8859-1"] {
            assert_eq!(enc_err("A", name), (format!("{} {NOT_IANA}", go_quote(name)), Some(1)), "{name}");
        }
        // Encodings Terraform implements and kmsc does not.
        for (name, iana) in [
            ("Shift_JIS", "Shift_JIS"),
            ("koi8-r", "KOI8-R"),
            ("latin2", "ISO_8859-2:1987"),
            ("EUC-JP", "Extended_UNIX_Code_Packed_Format_for_Japanese"),
            ("windows-1250", "windows-1250"),
            ("Big5", "Big5"),
        ] {
            let (message, arg) = enc_err("A", name);
            assert_eq!(arg, Some(1));
            // The IANA name is added when it is not the name given.
            let also = if name == iana { String::new() } else { format!(" ({iana})") };
            assert!(
                message.starts_with(&format!("kmsc does not support the text encoding {}{also},", go_quote(name))),
                "{message}"
            );
        }
    }

    /// Go's `strings.ToLower` maps the Kelvin sign to `k`; a string value never holds one
    /// (NFC makes it `K`, in Terraform as here), but the lookup itself follows Go.
    #[test]
    fn encoding_names_are_lowered_as_go_lowers_them() {
        assert_eq!(super::resolve_encoding("\u{212a}OI8-U"), Some(super::Encoding::Other("KOI8-U")));
        assert_eq!(s("\u{212a}OI8-U").as_str(), Some("KOI8-U"));
        assert_eq!(super::resolve_encoding("\u{130}bm819"), Some(super::Encoding::Implemented(super::Charset::Latin1)));
        assert_eq!(super::resolve_encoding("\u{131}bm819"), None);
        assert_eq!(
            super::resolve_encoding("\u{a0}\u{3000}UTF-8\u{2028}"),
            Some(super::Encoding::Implemented(super::Charset::Utf8))
        );
    }

    #[test]
    fn text_base64_marks_nulls_and_arity() {
        assert!(ok("textencodebase64", vec![secret(s("x")), s("UTF-8")]).sensitive);
        assert!(ok("textdecodebase64", vec![s("eA=="), secret(s("UTF-8"))]).sensitive);
        assert!(!enc("x", "UTF-8").sensitive);
        assert_eq!(
            fail_at("textencodebase64", vec![null(), s("UTF-8")]),
            ("argument must not be null".into(), Some(0))
        );
        assert_eq!(
            fail("textdecodebase64", vec![s("")]),
            "Function \"textdecodebase64\" expects 2 argument(s). Missing value for \"encoding\"."
        );
    }

    /// Go's gzip output cannot be reproduced: the result is unknown until apply, once
    /// the arguments check.
    #[test]
    fn base64gzip_is_unknown_until_apply() {
        assert!(is_unknown("base64gzip", vec![s("test")]));
        assert!(is_unknown("base64gzip", vec![s("")]));
        assert_eq!(
            fail("base64gzip", vec![]),
            "Function \"base64gzip\" expects 1 argument(s). Missing value for \"str\"."
        );
        assert_eq!(fail_at("base64gzip", vec![null()]), ("argument must not be null".into(), Some(0)));
    }

    #[test]
    fn url() {
        assert_eq!(ok("urlencode", vec![s("Hello World?x=1&y=é~")]), s("Hello+World%3Fx%3D1%26y%3D%C3%A9~"));
    }
}
