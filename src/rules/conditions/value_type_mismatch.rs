//! KMS504 `condition-value-type-mismatch`.
//!
//! What it does: reports a condition value that does not fit its operator: `Bool` (and
//! `Null`) with something other than `true`/`false`, `Numeric*` with a non-number,
//! `Date*` with something that is neither an ISO 8601 date nor epoch seconds, `Arn*` with
//! a non-ARN, `IpAddress`/`NotIpAddress` with something that is not an IP address or CIDR
//! range. Values holding policy variables (`${aws:username}`) or unknown until apply are
//! not checked.
//!
//! Why is this bad: AWS rejects some of these policies outright; the others never match
//! (or, negated, always match), so the statement grants or denies something else than
//! meant.
//!
//! Example:
//! ```hcl
//! Condition = {
//!   Bool = { "aws:SecureTransport" = "yes" } # `true` or `false`
//! }
//! ```

use std::net::IpAddr;

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::facts::OperatorKind;
use crate::rules::{Ctx, Rule};

use super::{entries, known_values};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS504",
        severity: Severity::Error,
        summary: "condition value does not fit its operator",
        explanation: "A condition value has the wrong form for its operator: `Bool` and `Null` take `true` or `false`; `Numeric*` operators take numbers; `Date*` operators take ISO 8601 dates (`2025-01-31`, `2025-01-31T12:00:00Z`) or epoch seconds; `Arn*` operators take ARNs (`arn:partition:service:region:account:resource`, wildcards allowed); `IpAddress` and `NotIpAddress` take IPv4 or IPv6 addresses or CIDR ranges.\n\nWhy it matters: AWS rejects some such policies; the others compare values that can never be equal, so the condition never matches (or, negated, always matches) and the statement does something else than it says.\n\nExample:\n    Bool = { \"aws:SecureTransport\" = \"yes\" }\nFix:\n    Bool = { \"aws:SecureTransport\" = \"true\" }",
    },
    name: "condition-value-type-mismatch",
    check,
};

pub(crate) fn is_bool(s: &str) -> bool {
    s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")
}

pub(crate) fn is_number(s: &str) -> bool {
    let t = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// `n` ASCII digits at the start of `s`, as a number, and the rest.
fn digits(s: &str, n: usize) -> Option<(u32, &str)> {
    let head = s.get(..n)?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((head.parse().ok()?, &s[n..]))
}

/// An ISO 8601 date or date-time (`2025-01-31`, `2025-01-31T12:00`, `...:00Z`,
/// `...:00.123+09:00`) or epoch seconds.
pub(crate) fn is_date(s: &str) -> bool {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let date = || -> Option<&str> {
        let (_, r) = digits(s, 4)?;
        let (month, r) = digits(r.strip_prefix('-')?, 2)?;
        let (day, r) = digits(r.strip_prefix('-')?, 2)?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(r)
    };
    let Some(rest) = date() else { return false };
    if rest.is_empty() {
        return true;
    }
    let Some(time) = rest.strip_prefix(['T', 't']) else {
        return false;
    };
    let Some((hour, r)) = digits(time, 2) else {
        return false;
    };
    let Some((minute, mut r)) = r.strip_prefix(':').and_then(|r| digits(r, 2)) else {
        return false;
    };
    if hour > 24 || minute > 59 {
        return false;
    }
    if let Some(x) = r.strip_prefix(':') {
        let Some((second, x)) = digits(x, 2) else {
            return false;
        };
        if second > 60 {
            return false;
        }
        r = x;
        if let Some(frac) = r.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return false;
            }
            r = &frac[n..];
        }
    }
    match r {
        "" | "Z" | "z" => true,
        _ => {
            let Some(zone) = r.strip_prefix(['+', '-']) else {
                return false;
            };
            let Some((h, z)) = digits(zone, 2) else {
                return false;
            };
            let z = z.strip_prefix(':').unwrap_or(z);
            h <= 14 && (z.is_empty() || digits(z, 2).is_some_and(|(m, rest)| m <= 59 && rest.is_empty()))
        }
    }
}

/// An ARN (six or more colon-separated fields starting with `arn`; wildcards allowed, as
/// both `ArnEquals` and `ArnLike` take them), or `*`.
pub(crate) fn is_arn(s: &str) -> bool {
    s == "*" || (s.starts_with("arn:") && s.split(':').count() >= 6)
}

/// An IPv4 or IPv6 address, or a CIDR range.
pub(crate) fn is_ip(s: &str) -> bool {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let Ok(ip) = addr.parse::<IpAddr>() else {
        return false;
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    prefix.is_none_or(|p| {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u32>().is_ok_and(|n| n <= max)
    })
}

/// Whether `value` fits an operator of `kind`; with the message and help when it does not.
fn mismatch(kind: OperatorKind, op: &str, value: &str) -> Option<(String, String)> {
    let ok = match kind {
        OperatorKind::Bool | OperatorKind::Null => is_bool(value),
        OperatorKind::Numeric => is_number(value),
        OperatorKind::Date => is_date(value),
        OperatorKind::Arn => is_arn(value),
        OperatorKind::Ip => is_ip(value),
        OperatorKind::String | OperatorKind::Binary => true,
    };
    if ok {
        return None;
    }
    Some(match kind {
        OperatorKind::Bool => (
            format!("`{value}` is not a boolean: `{op}` takes `true` or `false`"),
            "write `true` or `false`".to_string(),
        ),
        OperatorKind::Null => (
            format!("`{value}` is not a boolean: `{op}` takes `true` (the key is absent) or `false` (the key is present)"),
            "write `true` or `false`".to_string(),
        ),
        OperatorKind::Numeric => (
            format!("`{value}` is not a number: `{op}` compares numbers"),
            "write a number such as `30`; to compare text, use a `String*` operator".to_string(),
        ),
        OperatorKind::Date => (
            format!("`{value}` is not a date: `{op}` takes an ISO 8601 date or epoch seconds"),
            "write a date such as `2025-01-31T00:00:00Z` or epoch seconds such as `1738281600`".to_string(),
        ),
        OperatorKind::Arn => (
            format!("`{value}` is not an ARN: `{op}` compares ARNs"),
            "write a full ARN such as `arn:aws:iam::111122223333:role/name` (wildcards are allowed); to compare other text, use a `String*` operator".to_string(),
        ),
        _ => (
            format!("`{value}` is not an IP address or CIDR range: `{op}` compares IP addresses"),
            "write an IPv4 or IPv6 address or a CIDR range such as `203.0.113.0/24`".to_string(),
        ),
    })
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in entries(a) {
        let (block, values) = (e.block, e.values);
        let op = block.operator.as_str();
        let Some(kind) = e.op.kind else {
            continue;
        };
        for (value, item) in known_values(values) {
            if value.contains("${") {
                continue;
            }
            if let Some((message, help)) = mismatch(kind, op, value) {
                out.push(RULE.diagnostic(message).at(item.span).help(help).resource(e.policy.address.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_classified() {
        assert!(is_bool("true") && is_bool("False") && !is_bool("yes"));
        assert!(is_number("30") && is_number("-1.5") && !is_number("ten") && !is_number("1.") && !is_number(""));
        for d in [
            "2025-01-31",
            "2025-01-31T12:00Z",
            "2025-01-31T12:00:00Z",
            "2025-01-31T12:00:00.123+09:00",
            "2025-01-31T12:00:00-0500",
            "1738281600",
        ] {
            assert!(is_date(d), "{d}");
        }
        for d in ["next monday", "2025-13-01", "2025-01-31 12:00", "31/01/2025", "2025-01-31T25:00Z", ""] {
            assert!(!is_date(d), "{d}");
        }
        assert!(is_arn("arn:aws:iam::111122223333:role/*") && is_arn("arn:aws:logs:*:*:log-group:x:*") && is_arn("*"));
        assert!(!is_arn("my-role") && !is_arn("arn:aws:iam:role"));
        assert!(is_ip("203.0.113.0/24") && is_ip("10.0.0.1") && is_ip("2001:db8::/32"));
        assert!(!is_ip("10.0.0.0/33") && !is_ip("office") && !is_ip("10.0.0/24") && !is_ip("10.0.0.0/"));
    }
}
