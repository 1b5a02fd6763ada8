//! Time functions: `formatdate`, `timeadd` and `timecmp`, on RFC 3339 timestamps as Terraform reads
//! them (Go's `time.Parse(time.RFC3339, ...)`, whose general parser also takes a
//! one-digit hour, a comma before fractional seconds and any number of fraction digits)
//! and prints them (`time.RFC3339`: no fraction, `Z` for a zero offset, the input's offset
//! otherwise), and `formatdate`, Terraform's own format language.

use super::FnError;
use super::util::{arg_err, err, new_string, text};
use crate::number::Number;
use crate::value::Value;

/// An instant (nanoseconds since 1970-01-01T00:00:00Z) with the UTC offset it was written
/// in (seconds east).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Timestamp {
    nanos: i128,
    offset: i64,
}

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// Days from 1970-01-01 to the given proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Why Go's parser refused a timestamp, as its `time.ParseError` says it: the layout
/// element (`2006`, `01`, `-`, `T`...), the rest of the value from there, and a message.
struct ParseError {
    layout: &'static str,
    value: String,
    message: &'static str,
}

/// Go's `getnum`: one digit, or two; exactly two when `fixed`.
fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).filter(|c| c.is_ascii_digit()).map(|c| i64::from(c - b'0'));
    let first = digit(0)?;
    match digit(1) {
        Some(second) => Some((first * 10 + second, &s[2..])),
        None if fixed => None,
        None => Some((first, &s[1..])),
    }
}

/// Go's `time.Parse(time.RFC3339, s)`, general path (it accepts what the fast path does).
fn parse_go(s: &str) -> Result<Timestamp, ParseError> {
    let fail = |layout: &'static str, value: &str, message: &'static str| ParseError {
        layout,
        value: value.to_string(),
        message,
    };
    fn literal<'a>(value: &'a str, lit: &'static str) -> Result<&'a str, ParseError> {
        value.strip_prefix(lit).ok_or_else(|| ParseError { layout: lit, value: value.to_string(), message: "" })
    }
    // Year: four characters, an optional sign and digits.
    let value = s;
    if value.len() < 4 || !value.is_char_boundary(4) {
        return Err(fail("2006", value, ""));
    }
    let (y, rest) = value.split_at(4);
    let digits = y.strip_prefix(['-', '+']).unwrap_or(y);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(fail("2006", value, ""));
    }
    let year: i64 = digits.parse().map_err(|_| fail("2006", value, ""))?;
    let year = if y.starts_with('-') { -year } else { year };
    let value = literal(rest, "-")?;
    let (month, rest) = getnum(value, true).ok_or_else(|| fail("01", value, ""))?;
    if !(1..=12).contains(&month) {
        return Err(fail("01", rest, ": month out of range"));
    }
    let value = literal(rest, "-")?;
    let (day, rest) = getnum(value, true).ok_or_else(|| fail("02", value, ""))?;
    let value = literal(rest, "T")?;
    let (hour, rest) = getnum(value, false).ok_or_else(|| fail("15", value, ""))?;
    if hour >= 24 {
        return Err(fail("15", rest, ": hour out of range"));
    }
    let value = literal(rest, ":")?;
    let (minute, rest) = getnum(value, true).ok_or_else(|| fail("04", value, ""))?;
    if minute >= 60 {
        return Err(fail("04", rest, ": minute out of range"));
    }
    let value = literal(rest, ":")?;
    let (second, mut rest) = getnum(value, true).ok_or_else(|| fail("05", value, ""))?;
    if second >= 60 {
        return Err(fail("05", rest, ": second out of range"));
    }
    // A fraction of a second (`.` or `,` and digits): the first nine digits count.
    let mut nanos: i64 = 0;
    let b = rest.as_bytes();
    if b.len() >= 2 && (b[0] == b'.' || b[0] == b',') && b[1].is_ascii_digit() {
        let n = 1 + b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        let digits = &rest[1..n.min(10)];
        nanos = digits.parse::<i64>().unwrap_or(0) * 10i64.pow(9 - digits.len() as u32);
        rest = &rest[n..];
    }
    // The offset: `Z`, or a sign, two digits, `:`, two digits.
    let (offset, rest) = if let Some(r) = rest.strip_prefix('Z') {
        (0, r)
    } else {
        let b = rest.as_bytes();
        // Two ASCII digits at `i`.
        let two = |i: usize| {
            (b[i].is_ascii_digit() && b[i + 1].is_ascii_digit())
                .then(|| i64::from(b[i] - b'0') * 10 + i64::from(b[i + 1] - b'0'))
        };
        if b.len() < 6 || b[3] != b':' {
            return Err(fail("Z07:00", rest, ""));
        }
        // Once both are digits, the first six bytes are ASCII.
        let (Some(hh), Some(mm)) = (two(1), two(4)) else {
            return Err(fail("Z07:00", rest, ""));
        };
        if hh > 24 {
            return Err(fail("Z07:00", &rest[6..], ": time zone offset hour out of range"));
        }
        if mm > 60 {
            return Err(fail("Z07:00", &rest[6..], ": time zone offset minute out of range"));
        }
        let seconds = (hh * 60 + mm) * 60;
        match b[0] {
            b'+' => (seconds, &rest[6..]),
            b'-' => (-seconds, &rest[6..]),
            _ => return Err(fail("Z07:00", rest, "")),
        }
    };
    if !rest.is_empty() {
        return Err(fail("", rest, ": extra text"));
    }
    if day < 1 || day > days_in(month, year) {
        return Err(fail("", "", ": day out of range"));
    }
    let days = days_from_civil(year, month, day);
    let local = i128::from(days) * 86_400 + i128::from(hour * 3600 + minute * 60 + second);
    Ok(Timestamp { nanos: (local - i128::from(offset)) * NANOS_PER_SECOND + i128::from(nanos), offset })
}

/// Terraform's `parseTimestamp`: Go's parse errors told by the name of the part.
fn parse_timestamp(s: &str) -> Result<Timestamp, String> {
    parse_go(s).map_err(|e| {
        if e.layout.is_empty() && e.value.is_empty() && !e.message.is_empty() {
            return format!("not a valid RFC3339 timestamp{}", e.message);
        }
        let what = match e.layout {
            "2006" => "year",
            "01" => "month",
            "02" => "day of month",
            "15" => "hour",
            "04" => "minute",
            "05" => "second",
            "Z07:00" => "UTC offset",
            "T" => return "not a valid RFC3339 timestamp: missing required time introducer 'T'".to_string(),
            ":" | "-" if e.value.is_empty() => {
                return format!("not a valid RFC3339 timestamp: end of string where {:?} is expected", e.layout);
            }
            ":" | "-" => {
                return format!(
                    "not a valid RFC3339 timestamp: found {} where {:?} is expected",
                    super::go_quote(&e.value),
                    e.layout
                );
            }
            _ => "timestamp segment",
        };
        if e.value.is_empty() {
            format!("not a valid RFC3339 timestamp: end of string before {what}")
        } else {
            format!("not a valid RFC3339 timestamp: cannot use {} as {what}", super::go_quote(&e.value))
        }
    })
}

/// Go's `time.Time.Format(time.RFC3339)`.
fn format_rfc3339(t: Timestamp) -> String {
    let (y, m, d, hour, minute, second, _) = local_parts(t);
    let year = if y < 0 { format!("-{:04}", -y) } else { format!("{y:04}") };
    let zone = if t.offset == 0 {
        "Z".to_string()
    } else {
        let sign = if t.offset < 0 { '-' } else { '+' };
        let minutes = t.offset.abs() / 60;
        format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
    };
    format!("{year}-{m:02}-{d:02}T{hour:02}:{minute:02}:{second:02}{zone}")
}

/// The `quote` of Go's `time` package: non-ASCII and control bytes as `\xNN`.
fn time_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if !c.is_ascii() || c < ' ' {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// Go's `time.ParseDuration`, in nanoseconds.
fn parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", time_quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(c) = s.chars().next()
        && (c == '-' || c == '+')
    {
        neg = c == '-';
        s = &s[1..];
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    const LIMIT: u64 = 1 << 63;
    let mut total: u64 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // Whole part.
        let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut v: u64 = 0;
        for &c in &b[..digits] {
            if v > LIMIT / 10 {
                return Err(invalid());
            }
            v = v * 10 + u64::from(c - b'0');
            if v > LIMIT {
                return Err(invalid());
            }
        }
        s = &s[digits..];
        let pre = digits > 0;
        // Fraction.
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if let Some(rest) = s.strip_prefix('.') {
            let n = rest.bytes().take_while(|c| c.is_ascii_digit()).count();
            let mut overflow = false;
            for c in rest[..n].bytes() {
                if overflow {
                    continue;
                }
                if f > (LIMIT - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + u64::from(c - b'0');
                if y > LIMIT {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            post = n > 0;
            s = &rest[n..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        // Unit: up to the next digit or `.`.
        let unit_len = s.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(s.len());
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration {}", time_quote(orig)));
        }
        let (u, rest) = s.split_at(unit_len);
        s = rest;
        let unit: u64 = match u {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(format!("time: unknown unit {} in duration {}", time_quote(u), time_quote(orig))),
        };
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            // As Go computes it, in float64.
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        total += v;
        if total > LIMIT {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((total as i64).wrapping_neg());
    }
    if total > LIMIT - 1 {
        return Err(invalid());
    }
    Ok(total as i64)
}

/// `timeadd(timestamp, duration)`: the timestamp moved by a Go duration (`"1h30m"`,
/// `"-10m"`), in the timestamp's own offset.
pub(super) fn timeadd(args: &[Value]) -> Result<Value, FnError> {
    let t = match parse_timestamp(text(&args[0])) {
        Ok(t) => t,
        Err(e) => return err(e),
    };
    let d = match parse_duration(text(&args[1])) {
        Ok(d) => d,
        Err(e) => return err(e),
    };
    new_string(format_rfc3339(Timestamp { nanos: t.nanos + i128::from(d), offset: t.offset }))
}

/// `timecmp(a, b)`: -1, 0 or 1 as instant `a` is before, the same as or after `b`.
pub(super) fn timecmp(args: &[Value]) -> Result<Value, FnError> {
    let mut ts = [0i128; 2];
    for (i, t) in ts.iter_mut().enumerate() {
        *t = match parse_timestamp(text(&args[i])) {
            Ok(t) => t.nanos,
            Err(e) => return arg_err(i, e),
        };
    }
    Ok(Value::number(Number::from_i64(ts[0].cmp(&ts[1]) as i64)))
}

/// The parts of a timestamp in its own offset: year, month, day, hour, minute, second,
/// weekday (0 = Sunday).
fn local_parts(t: Timestamp) -> (i64, i64, i64, i64, i64, i64, i64) {
    let local = (t.nanos.div_euclid(NANOS_PER_SECOND) + i128::from(t.offset)) as i64;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = (days + 4).rem_euclid(7);
    (y, m, d, secs / 3600, secs / 60 % 60, secs % 60, weekday)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// Terraform's `splitDateFormat`: a quoted literal (`'...'`, with `''` for a quote), a run
/// of one ASCII letter (a verb), or a run of anything else.
fn date_format_tokens(spec: &str) -> Vec<&str> {
    let b = spec.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                i += 2;
            } else {
                i += 1;
                loop {
                    match b.get(i) {
                        None => break,
                        Some(b'\'') if b.get(i + 1) == Some(&b'\'') => i += 2,
                        Some(b'\'') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
            }
        } else if b[i].is_ascii_alphabetic() {
            let letter = b[i];
            while i < b.len() && b[i] == letter {
                i += 1;
            }
        } else {
            i += 1;
            while i < b.len() && b[i] != b'\'' && !b[i].is_ascii_alphabetic() {
                i += 1;
            }
        }
        // Tokens end at ASCII bytes or at the end, so they are whole characters.
        out.push(&spec[start..i]);
    }
    out
}

/// `formatdate(spec, timestamp)`: the timestamp written as `spec` says (`YYYY`, `MM`,
/// `DD`, `hh`, `mm`, `ss`, `EEE`, `ZZZ`, `'literal'`, ...), in its own offset.
pub(super) fn formatdate(args: &[Value]) -> Result<Value, FnError> {
    let spec = text(&args[0]);
    let t = match parse_timestamp(text(&args[1])) {
        Ok(t) => t,
        Err(e) => return arg_err(1, e),
    };
    let (year, month, day, hour, minute, second, weekday) = local_parts(t);
    let mut out = String::new();
    for tok in date_format_tokens(spec) {
        let first = tok.as_bytes()[0];
        if first == b'\'' {
            if tok.len() == 1 || !tok.ends_with('\'') {
                return arg_err(0, "unterminated literal '");
            }
            if tok.len() == 2 {
                out.push('\'');
            } else {
                // The quoted text, with each doubled quote written once.
                out.push_str(&tok[1..tok.len() - 1].replace("''", "'"));
            }
            continue;
        }
        if !first.is_ascii_alphabetic() {
            out.push_str(tok);
            continue;
        }
        let verb = || super::go_quote(tok);
        let bad = |rule: &str| FnError::Error {
            message: format!("invalid date format verb {}: {rule}", verb()),
            arg: Some(0),
        };
        let len = tok.len();
        let two_forms = |v: i64, what: &str, short: &str| -> Result<String, FnError> {
            match len {
                1 => Ok(v.to_string()),
                2 => Ok(format!("{v:02}")),
                _ => Err(bad(&format!("{what} must either be \"{short}\" or \"{short}{short}\""))),
            }
        };
        let piece = match first {
            b'Y' => match len {
                2 => format!("{:02}", year % 100),
                4 => format!("{year:04}"),
                _ => return Err(bad("year must either be \"YY\" or \"YYYY\"")),
            },
            b'M' => {
                let name = MONTHS[(month - 1) as usize];
                match len {
                    1 => month.to_string(),
                    2 => format!("{month:02}"),
                    3 => name[..3].to_string(),
                    4 => name.to_string(),
                    _ => return Err(bad("month must be \"M\", \"MM\", \"MMM\", or \"MMMM\"")),
                }
            }
            b'D' => two_forms(day, "day of month", "D")?,
            b'E' => {
                let name = WEEKDAYS[weekday as usize];
                match len {
                    3 => name[..3].to_string(),
                    4 => name.to_string(),
                    _ => return Err(bad("day of week must either be \"EEE\" or \"EEEE\"")),
                }
            }
            b'h' => two_forms(hour, "24-hour", "h")?,
            b'H' => two_forms(if hour % 12 == 0 { 12 } else { hour % 12 }, "12-hour", "H")?,
            b'A' | b'a' => {
                if len != 2 {
                    let c = first as char;
                    return Err(bad(&format!("must be \"{c}{c}\"")));
                }
                let pm = hour >= 12;
                match (first == b'A', pm) {
                    (true, false) => "AM",
                    (true, true) => "PM",
                    (false, false) => "am",
                    (false, true) => "pm",
                }
                .to_string()
            }
            b'm' => two_forms(minute, "minute", "m")?,
            b's' => two_forms(second, "second", "s")?,
            b'Z' => {
                let (sign, minutes) = (if t.offset < 0 { '-' } else { '+' }, t.offset.abs() / 60);
                let (hh, mm) = (minutes / 60, minutes % 60);
                match len {
                    1 if t.offset == 0 => "Z".to_string(),
                    1 | 5 => format!("{sign}{hh:02}:{mm:02}"),
                    // A zone without a name prints as its offset (Terraform on a machine whose
                    // local time zone is UTC).
                    3 if t.offset == 0 => "UTC".to_string(),
                    3 | 4 => format!("{sign}{hh:02}{mm:02}"),
                    _ => return Err(bad("timezone must be Z, ZZZZ, or ZZZZZ")),
                }
            }
            _ => return arg_err(0, format!("invalid date format verb {}", verb())),
        };
        out.push_str(&piece);
    }
    new_string(out)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    /// The examples of Terraform's documentation.
    #[test]
    fn the_documented_examples() {
        assert_eq!(ok("timeadd", vec![s("2017-11-22T00:00:00Z"), s("10m")]), s("2017-11-22T00:10:00Z"));
        assert_eq!(ok("timecmp", vec![s("2017-11-22T00:00:00Z"), s("2017-11-22T00:00:00Z")]), n(0));
        assert_eq!(ok("timecmp", vec![s("2017-11-22T00:00:00Z"), s("2017-11-22T01:00:00Z")]), n(-1));
        assert_eq!(ok("timecmp", vec![s("2017-11-22T01:00:00Z"), s("2017-11-22T00:00:00Z")]), n(1));
        assert_eq!(ok("timecmp", vec![s("2017-11-22T01:00:00Z"), s("2017-11-22T00:00:00-01:00")]), n(0));
    }

    #[test]
    fn timestamps_keep_their_offset_and_lose_their_fraction() {
        let add = |t: &str, d: &str| ok("timeadd", vec![s(t), s(d)]);
        assert_eq!(add("2017-11-22T00:00:00+05:30", "1h"), s("2017-11-22T01:00:00+05:30"));
        assert_eq!(add("2017-11-22T23:30:00-08:00", "1h"), s("2017-11-23T00:30:00-08:00"));
        assert_eq!(add("2017-11-22T00:00:00+00:00", "0"), s("2017-11-22T00:00:00Z"));
        assert_eq!(add("2017-11-22T00:00:00.999999999Z", "1ns"), s("2017-11-22T00:00:01Z"));
        assert_eq!(add("2017-11-22T00:00:00,5Z", "0.5s"), s("2017-11-22T00:00:01Z"));
        // Leap years, the end of a century, months and years rolling over, going back.
        assert_eq!(add("2024-02-28T12:00:00Z", "24h"), s("2024-02-29T12:00:00Z"));
        assert_eq!(add("2100-02-28T12:00:00Z", "24h"), s("2100-03-01T12:00:00Z"));
        assert_eq!(add("2000-02-28T12:00:00Z", "24h"), s("2000-02-29T12:00:00Z"));
        assert_eq!(add("2023-12-31T23:59:59Z", "1s"), s("2024-01-01T00:00:00Z"));
        assert_eq!(add("1970-01-01T00:00:00Z", "-1s"), s("1969-12-31T23:59:59Z"));
        assert_eq!(add("0001-01-01T00:00:00Z", "-24h"), s("0000-12-31T00:00:00Z"));
        // 2,562,047 hours is the longest Go duration.
        assert_eq!(add("2000-01-01T00:00:00Z", "2562047h"), s("2292-04-10T23:00:00Z"));
        // Go's general parser takes a one-digit hour.
        assert_eq!(add("2017-11-22T1:02:03Z", "1h"), s("2017-11-22T02:02:03Z"));
        assert_eq!(add("2017-11-22T00:00:00Z", "1h2m3.5s4ms5us6µs7ns"), s("2017-11-22T01:02:03Z"));
        assert_eq!(add("2017-11-22T00:00:00Z", "+.5h"), s("2017-11-22T00:30:00Z"));
    }

    #[test]
    fn bad_timestamps_are_told_by_part() {
        let bad = |t: &str| fail("timeadd", vec![s(t), s("1h")]);
        assert_eq!(bad("2017-11-22"), "not a valid RFC3339 timestamp: missing required time introducer 'T'");
        assert_eq!(bad("2017-11-22 00:00:00Z"), "not a valid RFC3339 timestamp: missing required time introducer 'T'");
        assert_eq!(
            bad("17-11-22T00:00:00Z"),
            "not a valid RFC3339 timestamp: cannot use \"17-11-22T00:00:00Z\" as year"
        );
        assert_eq!(
            bad("2017/11-22T00:00:00Z"),
            "not a valid RFC3339 timestamp: found \"/11-22T00:00:00Z\" where \"-\" is expected"
        );
        assert_eq!(
            bad("2017-11-22T00:00:00é0:00"),
            "not a valid RFC3339 timestamp: cannot use \"é0:00\" as UTC offset"
        );
        assert_eq!(bad("2017-1-22T00:00:00Z"), "not a valid RFC3339 timestamp: cannot use \"1-22T00:00:00Z\" as month");
        assert_eq!(bad("2017-13-22T00:00:00Z"), "not a valid RFC3339 timestamp: cannot use \"-22T00:00:00Z\" as month");
        assert_eq!(bad("2017-02-30T00:00:00Z"), "not a valid RFC3339 timestamp: day out of range");
        assert_eq!(bad("2017-11-22T24:00:00Z"), "not a valid RFC3339 timestamp: cannot use \":00:00Z\" as hour");
        assert_eq!(bad("2017-11-22T00:00:00"), "not a valid RFC3339 timestamp: end of string before UTC offset");
        assert_eq!(
            bad("2017-11-22T00:00:00Zjunk"),
            "not a valid RFC3339 timestamp: cannot use \"junk\" as timestamp segment"
        );
        assert_eq!(bad("2017-11-22T00:00"), "not a valid RFC3339 timestamp: end of string where \":\" is expected");
        assert_eq!(bad(""), "not a valid RFC3339 timestamp: end of string before year");
        assert_eq!(
            fail_at("timecmp", vec![s("2017-11-22T00:00:00Z"), s("now")]),
            ("not a valid RFC3339 timestamp: cannot use \"now\" as year".into(), Some(1))
        );
    }

    #[test]
    fn durations_as_go_reads_them() {
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000_000_000));
        assert_eq!(parse_duration("-1.5h"), Ok(-5_400_000_000_000));
        assert_eq!(parse_duration("300ms"), Ok(300_000_000));
        assert_eq!(parse_duration("-0"), Ok(0));
        assert_eq!(parse_duration("9223372036854775807ns"), Ok(i64::MAX));
        assert_eq!(parse_duration("-9223372036854775808ns"), Ok(i64::MIN));
        assert_eq!(
            parse_duration("9223372036854775808ns"),
            Err("time: invalid duration \"9223372036854775808ns\"".into())
        );
        assert_eq!(parse_duration(""), Err("time: invalid duration \"\"".into()));
        assert_eq!(parse_duration("1"), Err("time: missing unit in duration \"1\"".into()));
        assert_eq!(parse_duration("1d"), Err("time: unknown unit \"d\" in duration \"1d\"".into()));
        assert_eq!(parse_duration(".s"), Err("time: invalid duration \".s\"".into()));
        assert_eq!(parse_duration("1ö"), Err("time: unknown unit \"\\xc3\\xb6\" in duration \"1\\xc3\\xb6\"".into()));
        assert_eq!(
            fail("timeadd", vec![s("2017-11-22T00:00:00Z"), s("1 h")]),
            "time: unknown unit \" h\" in duration \"1 h\""
        );
    }

    /// Arrangements of the characters the parsers react to, multi-byte ones included,
    /// never panic.
    #[test]
    fn no_text_makes_the_parsers_panic() {
        let alphabet = ["2", "0", "9", "-", "+", ":", "T", "Z", ".", ",", "é", "µ", "s", "h", "m", " ", "'", "Y", "a"];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..50_000 {
            let mut t = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 30) as usize;
            let mut x = state;
            for _ in 0..len {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                t.push_str(alphabet[(x >> 33) as usize % alphabet.len()]);
            }
            let _ = parse_timestamp(&t);
            let _ = parse_duration(&t);
            let _ = super::super::call("formatdate", &[s(&t), s("2024-02-29T00:05:09+05:30")]);
            let prefixed = format!("2017-11-22T00:00:00{t}");
            if let Ok(ts) = parse_timestamp(&prefixed) {
                let _ = format_rfc3339(ts);
            }
        }
    }

    /// The examples of Terraform's documentation of `formatdate`.
    #[test]
    fn formatdate_documented_examples() {
        let f = |spec: &str, t: &str| ok("formatdate", vec![s(spec), s(t)]);
        assert_eq!(f("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z"), s("02 Jan 2018 23:12 UTC"));
        assert_eq!(f("EEEE, DD-MMM-YY hh:mm:ss ZZZ", "2018-01-02T23:12:01Z"), s("Tuesday, 02-Jan-18 23:12:01 UTC"));
        assert_eq!(
            f("EEE, DD MMM YYYY hh:mm:ss ZZZ", "2018-01-02T23:12:01-08:00"),
            s("Tue, 02 Jan 2018 23:12:01 -0800")
        );
        assert_eq!(f("MMM DD, YYYY", "2018-01-02T23:12:01Z"), s("Jan 02, 2018"));
        assert_eq!(f("HH:mmaa", "2018-01-02T23:12:01Z"), s("11:12pm"));
    }

    #[test]
    fn formatdate_verbs_literals_and_errors() {
        let f = |spec: &str, t: &str| ok("formatdate", vec![s(spec), s(t)]);
        let t = "2024-02-29T00:05:09+05:30";
        assert_eq!(f("YYYY-MM-DD'T'hh:mm:ssZ", t), s("2024-02-29T00:05:09+05:30"));
        assert_eq!(
            f("D/M/YY h:m:s H AA EEEE MMMM ZZZZ ZZZZZ", t),
            s("29/2/24 0:5:9 12 AM Thursday February +0530 +05:30")
        );
        assert_eq!(f("'It''s' hh'h'", t), s("It's 00h"));
        assert_eq!(f("''", t), s("'"));
        assert_eq!(f("Z ZZZ", "2024-02-29T00:05:09Z"), s("Z UTC"));
        assert_eq!(f("h:mm é", "1969-12-31T23:59:59-00:30"), s("23:59 é"));
        assert_eq!(f("EEE", "1970-01-01T00:00:00Z"), s("Thu"));
        let bad = |spec: &str| fail_at("formatdate", vec![s(spec), s(t)]);
        assert_eq!(
            bad("YYY"),
            ("invalid date format verb \"YYY\": year must either be \"YY\" or \"YYYY\"".into(), Some(0))
        );
        assert_eq!(bad("T"), ("invalid date format verb \"T\"".into(), Some(0)));
        assert_eq!(bad("'open"), ("unterminated literal '".into(), Some(0)));
        assert_eq!(bad("a"), ("invalid date format verb \"a\": must be \"aa\"".into(), Some(0)));
        assert_eq!(bad("ZZ"), ("invalid date format verb \"ZZ\": timezone must be Z, ZZZZ, or ZZZZZ".into(), Some(0)));
        assert_eq!(
            fail_at("formatdate", vec![s("YYYY"), s("yesterday")]),
            ("not a valid RFC3339 timestamp: cannot use \"yesterday\" as year".into(), Some(1))
        );
    }
}
