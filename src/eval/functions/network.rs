//! IP network functions: `cidrhost`, `cidrnetmask`, `cidrsubnet`, `cidrsubnets`.
//!
//! Terraform parses prefixes with its copy of Go's old `net.ParseCIDR` (IPv4 octets with
//! leading zeros are read as decimal, `010.0.0.0/8` is `10.0.0.0/8`; host bits are masked
//! off) and prints addresses as Go's `net.IP` does (IPv6 in RFC 5952 form; an IPv4-mapped
//! IPv6 address, `::ffff:a.b.c.d`, in dotted form). Addresses are held as a `u128`.

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive};

use super::FnError;
use super::util::{arg_err, new_string, text};
use crate::value::Value;

/// A parsed prefix: the network address (host bits cleared), its length in bits (32 or
/// 128) and the prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Net {
    addr: u128,
    bits: u32,
    prefix: u32,
}

/// Go's `dtoi`: decimal digits, at least one, below 0xFFFFFF.
fn dtoi(s: &[u8]) -> Option<(u32, usize)> {
    let mut n: u32 = 0;
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        n = n * 10 + u32::from(s[i] - b'0');
        if n >= 0xFF_FFFF {
            return None;
        }
        i += 1;
    }
    (i > 0).then_some((n, i))
}

/// Go's `xtoi`: hexadecimal digits, at least one, below 0xFFFFFF.
fn xtoi(s: &[u8]) -> Option<(u32, usize)> {
    let mut n: u32 = 0;
    let mut i = 0;
    while i < s.len() {
        let Some(d) = (s[i] as char).to_digit(16) else { break };
        n = n * 16 + d;
        if n >= 0xFF_FFFF {
            return None;
        }
        i += 1;
    }
    (i > 0).then_some((n, i))
}

fn parse_ipv4(s: &[u8]) -> Option<u32> {
    let mut rest = s;
    let mut out: u32 = 0;
    for i in 0..4 {
        if i > 0 {
            rest = rest.strip_prefix(b".")?;
        }
        let (n, used) = dtoi(rest)?;
        if n > 0xFF {
            return None;
        }
        out = (out << 8) | n;
        rest = &rest[used..];
    }
    rest.is_empty().then_some(out)
}

/// Go's `parseIPv6` (no zone): groups of hexadecimal digits, one `::`, a trailing dotted
/// IPv4 address in the last 32 bits.
fn parse_ipv6(s: &[u8]) -> Option<u128> {
    let mut ip = [0u8; 16];
    let mut ellipsis: Option<usize> = None;
    let mut s = s;
    if s.starts_with(b"::") {
        ellipsis = Some(0);
        s = &s[2..];
        if s.is_empty() {
            return Some(0);
        }
    }
    let mut i = 0;
    while i < 16 {
        let (n, c) = xtoi(s)?;
        if n > 0xFFFF {
            return None;
        }
        if s.get(c) == Some(&b'.') {
            if (ellipsis.is_none() && i != 12) || i + 4 > 16 {
                return None;
            }
            let v4 = parse_ipv4(s)?;
            ip[i..i + 4].copy_from_slice(&v4.to_be_bytes());
            s = &[];
            i += 4;
            break;
        }
        ip[i] = (n >> 8) as u8;
        ip[i + 1] = n as u8;
        i += 2;
        s = &s[c..];
        if s.is_empty() {
            break;
        }
        if s[0] != b':' || s.len() == 1 {
            return None;
        }
        s = &s[1..];
        if s[0] == b':' {
            if ellipsis.is_some() {
                return None;
            }
            ellipsis = Some(i);
            s = &s[1..];
            if s.is_empty() {
                break;
            }
        }
    }
    if !s.is_empty() {
        return None;
    }
    if i < 16 {
        let e = ellipsis?;
        let n = 16 - i;
        for j in (e..i).rev() {
            ip[j + n] = ip[j];
        }
        for b in &mut ip[e..e + n] {
            *b = 0;
        }
    } else if ellipsis.is_some() {
        return None;
    }
    Some(u128::from_be_bytes(ip))
}

/// The bits of a prefix of length `prefix` in an address of `bits` bits.
fn mask(bits: u32, prefix: u32) -> u128 {
    if prefix == 0 { 0 } else { all(bits) & !((1u128 << (bits - prefix)) - 1) }
}

/// Go's `net.ParseCIDR` as Terraform calls it; the error is Go's message.
fn parse_cidr(s: &str) -> Result<Net, String> {
    let bad = || format!("invalid CIDR address: {s}");
    let (addr, len) = s.split_once('/').ok_or_else(bad)?;
    let (value, bits) = match parse_ipv4(addr.as_bytes()) {
        Some(v4) => (u128::from(v4), 32),
        None => (parse_ipv6(addr.as_bytes()).ok_or_else(bad)?, 128),
    };
    let prefix = match dtoi(len.as_bytes()) {
        Some((n, used)) if used == len.len() && n <= bits => n,
        _ => return Err(bad()),
    };
    Ok(Net { addr: value & mask(bits, prefix), bits, prefix })
}

fn parsed(arg: &Value) -> Result<Net, FnError> {
    parse_cidr(text(arg)).or_else(|e| arg_err(0, format!("invalid CIDR expression: {e}")))
}

/// Go's `net.IP.String()` of an address of `bits` bits (an IPv4-mapped IPv6 address is
/// printed as IPv4).
fn format_ip(addr: u128, bits: u32) -> String {
    if bits == 32 || addr >> 32 == 0xffff {
        let b = (addr as u32).to_be_bytes();
        return format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]);
    }
    let groups: Vec<u16> = (0..8).map(|i| (addr >> (112 - 16 * i)) as u16).collect();
    // The longest run of at least two zero groups (the first of equal runs) becomes `::`.
    let (mut best, mut best_len) = (8, 0);
    let mut i = 0;
    while i < 8 {
        let run = groups[i..].iter().take_while(|&&g| g == 0).count();
        if run >= 2 && run > best_len {
            (best, best_len) = (i, run);
        }
        i += run.max(1);
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if i == best {
            out.push_str("::");
            i += best_len;
            continue;
        }
        if i > 0 && !out.ends_with(':') {
            out.push(':');
        }
        out.push_str(&format!("{:x}", groups[i]));
        i += 1;
    }
    out
}

/// Go's `net.IPNet.String()`: an IPv4-mapped network prints its IPv4 address with the
/// prefix length counted in the last 32 bits.
fn format_net(n: Net) -> String {
    let prefix = if n.bits == 128 && n.addr >> 32 == 0xffff { n.prefix.saturating_sub(96) } else { n.prefix };
    format!("{}/{prefix}", format_ip(n.addr, n.bits))
}

/// A whole-number argument, as gocty reads a `*big.Int`.
fn whole(arg: &Value, index: usize) -> Result<BigInt, FnError> {
    match arg.as_number() {
        Some(n) if n.is_integer() => Ok(n.to_bigint_trunc()),
        _ => arg_err(index, "value must be a whole number"),
    }
}

/// A small whole-number argument (a number of bits), as gocty reads an `int`.
fn small(arg: &Value, index: usize) -> Result<i64, FnError> {
    super::util::to_int(arg).or_else(|e| arg_err(index, e))
}

/// Every bit of an address of `bits` bits.
fn all(bits: u32) -> u128 {
    if bits == 128 { u128::MAX } else { (1u128 << bits) - 1 }
}

/// `cidrhost(prefix, hostnum)`: the address numbered `hostnum` in the prefix (negative
/// numbers count back from the last address).
pub(super) fn cidrhost(args: &[Value]) -> Result<Value, FnError> {
    let hostnum = whole(&args[1], 1)?;
    let net = parsed(&args[0])?;
    let size = BigInt::one() << (net.bits - net.prefix);
    let n = if hostnum.is_negative() { &size + &hostnum } else { hostnum.clone() };
    match n.to_u128().filter(|_| n < size) {
        Some(n) => new_string(format_ip(net.addr | n, net.bits)),
        None => arg_err(1, format!("prefix of {} does not accommodate a host numbered {hostnum}", net.prefix)),
    }
}

/// `cidrnetmask(prefix)`: the netmask of an IPv4 prefix in dotted form.
pub(super) fn cidrnetmask(args: &[Value]) -> Result<Value, FnError> {
    let net = parsed(&args[0])?;
    if net.bits != 32 {
        return arg_err(0, format!("IPv6 addresses cannot have a netmask: {}", text(&args[0])));
    }
    new_string(format_ip(mask(32, net.prefix), 32))
}

/// `cidrsubnet(prefix, newbits, netnum)`: the subnet numbered `netnum` among those
/// `newbits` longer than the prefix.
pub(super) fn cidrsubnet(args: &[Value]) -> Result<Value, FnError> {
    let newbits = small(&args[1], 1)?;
    let netnum = whole(&args[2], 2)?;
    let net = parsed(&args[0])?;
    if newbits > 32 {
        return arg_err(1, "may not extend prefix by more than 32 bits");
    }
    let new_len = i64::from(net.prefix) + newbits;
    if newbits < 0 || new_len > i64::from(net.bits) {
        return arg_err(1, format!("insufficient address space to extend prefix of {} by {newbits}", net.prefix));
    }
    let new_len = new_len as u32;
    match netnum.to_u128().filter(|&n| n < 1u128 << newbits) {
        Some(n) => new_string(format_net(Net {
            addr: net.addr | (n << (net.bits - new_len)),
            bits: net.bits,
            prefix: new_len,
        })),
        None => arg_err(2, format!("prefix extension of {newbits} does not accommodate a subnet numbered {netnum}")),
    }
}

/// `cidrsubnets(prefix, newbits...)`: consecutive subnets of the given extra lengths, each
/// aligned after the previous one, all within the prefix.
pub(super) fn cidrsubnets(args: &[Value]) -> Result<Value, FnError> {
    let net = parsed(&args[0])?;
    let mut out = Vec::with_capacity(args.len() - 1);
    // The first address after the previous subnet (`None` once the last address of the
    // whole address space is taken).
    let mut next: Option<u128> = Some(net.addr);
    let mut previous: Option<Net> = None;
    // The network's last address.
    let end = net.addr | (all(net.bits) & !mask(net.bits, net.prefix));
    for (i, arg) in args[1..].iter().enumerate() {
        let index = i + 1;
        let length = small(arg, index)?;
        if length < 1 {
            return arg_err(index, "must extend prefix by at least one bit");
        }
        if length > 32 {
            return arg_err(index, "may not extend prefix by more than 32 bits");
        }
        let new_len = i64::from(net.prefix) + length;
        if new_len > i64::from(net.bits) {
            let protocol = if net.bits == 32 { "IPv4" } else { "IPv6" };
            return arg_err(
                index,
                format!("would extend prefix to {new_len} bits, which is too long for an {protocol} address"),
            );
        }
        let new_len = new_len as u32;
        // Align `next` up to a multiple of the new subnet's size.
        let size_bits = net.bits - new_len;
        let align = if size_bits >= 128 { 0 } else { (1u128 << size_bits) - 1 };
        let start = next.and_then(|n| n.checked_add(align)).map(|v| v & !align);
        let fits = start.is_some_and(|s| s <= end && (s | align) <= end);
        let Some(start) = start.filter(|_| fits) else {
            let after = previous
                .map_or_else(|| format_net(Net { addr: net.addr, bits: net.bits, prefix: new_len }), format_net);
            return arg_err(
                index,
                format!(
                    "not enough remaining address space for a subnet with a prefix of {new_len} bits after {after}"
                ),
            );
        };
        let subnet = Net { addr: start, bits: net.bits, prefix: new_len };
        out.push(Value::string(format_net(subnet)));
        previous = Some(subnet);
        next = (start | align).checked_add(1);
    }
    Ok(Value::list(out))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    /// The examples of Terraform's documentation of each function.
    #[test]
    fn the_documented_examples() {
        assert_eq!(ok("cidrhost", vec![s("10.12.112.0/20"), n(16)]), s("10.12.112.16"));
        assert_eq!(ok("cidrhost", vec![s("10.12.112.0/20"), n(268)]), s("10.12.113.12"));
        assert_eq!(ok("cidrhost", vec![s("fd00:fd12:3456:7890:00a2::/72"), n(34)]), s("fd00:fd12:3456:7890::22"));
        assert_eq!(ok("cidrnetmask", vec![s("172.16.0.0/12")]), s("255.240.0.0"));
        assert_eq!(ok("cidrsubnet", vec![s("172.16.0.0/12"), n(4), n(2)]), s("172.18.0.0/16"));
        assert_eq!(ok("cidrsubnet", vec![s("10.1.2.0/24"), n(4), n(15)]), s("10.1.2.240/28"));
        assert_eq!(
            ok("cidrsubnet", vec![s("fd00:fd12:3456:7890::/56"), n(16), n(162)]),
            s("fd00:fd12:3456:7800:a200::/72")
        );
        assert_eq!(
            j("cidrsubnets", vec![s("10.1.0.0/16"), n(4), n(4), n(8), n(4)]),
            r#"["10.1.0.0/20","10.1.16.0/20","10.1.32.0/24","10.1.48.0/20"]"#
        );
        assert_eq!(
            j("cidrsubnets", vec![s("fd00:fd12:3456:7890::/56"), n(16), n(16), n(16), n(32)]),
            r#"["fd00:fd12:3456:7800::/72","fd00:fd12:3456:7800:100::/72","fd00:fd12:3456:7800:200::/72","fd00:fd12:3456:7800:300::/88"]"#
        );
    }

    #[test]
    fn prefixes_are_read_as_go_reads_them() {
        // Host bits are cleared; leading zeros are decimal.
        assert_eq!(ok("cidrsubnet", vec![s("10.1.2.3/16"), n(8), n(5)]), s("10.1.5.0/24"));
        assert_eq!(ok("cidrhost", vec![s("010.000.1.0/24"), n(1)]), s("10.0.1.1"));
        assert_eq!(parse_cidr("::/0"), Ok(Net { addr: 0, bits: 128, prefix: 0 }));
        assert_eq!(parse_cidr("::ffff:10.0.0.0/104").map(|n| n.addr), Ok(0xffff_0a00_0000));
        for bad in [
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0/8",
            "256.0.0.0/8",
            "1:2:3/64",
            "1::2::3/64",
            "10.0.0.0/8x",
            "/8",
            "fe80::1%eth0/64",
        ] {
            assert!(parse_cidr(bad).is_err(), "{bad}");
        }
        assert_eq!(
            fail("cidrhost", vec![s("10.0.0.0"), n(1)]),
            "invalid CIDR expression: invalid CIDR address: 10.0.0.0"
        );
    }

    #[test]
    fn addresses_are_printed_as_go_prints_them() {
        assert_eq!(format_ip(0, 128), "::");
        assert_eq!(format_ip(1, 128), "::1");
        assert_eq!(format_ip(0x2001_0db8_0000_0000_0001_0000_0000_0001, 128), "2001:db8::1:0:0:1");
        assert_eq!(format_ip(0x2001_0db8_0000_0001_0001_0001_0001_0001, 128), "2001:db8:0:1:1:1:1:1");
        assert_eq!(format_ip(0xffff_0a01_0203, 128), "10.1.2.3");
        assert_eq!(ok("cidrsubnet", vec![s("::ffff:10.0.0.0/104"), n(8), n(1)]), s("10.1.0.0/16"));
        assert_eq!(ok("cidrhost", vec![s("::ffff:10.0.0.0/104"), n(5)]), s("10.0.0.5"));
    }

    #[test]
    fn out_of_range_numbers_are_refused() {
        assert_eq!(ok("cidrhost", vec![s("10.0.0.0/24"), n(-1)]), s("10.0.0.255"));
        assert_eq!(ok("cidrhost", vec![s("10.0.0.0/24"), n(-256)]), s("10.0.0.0"));
        assert_eq!(
            fail_at("cidrhost", vec![s("10.0.0.0/24"), n(256)]),
            ("prefix of 24 does not accommodate a host numbered 256".into(), Some(1))
        );
        assert_eq!(
            fail("cidrhost", vec![s("10.0.0.0/24"), n(-257)]),
            "prefix of 24 does not accommodate a host numbered -257"
        );
        let last = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        assert_eq!(ok("cidrhost", vec![s("::/0"), num("340282366920938463463374607431768211455")]), s(last));
        assert_eq!(ok("cidrhost", vec![s("::/0"), n(-1)]), s(last));
        assert_eq!(
            fail("cidrhost", vec![s("::/0"), num("340282366920938463463374607431768211456")]),
            "prefix of 0 does not accommodate a host numbered 340282366920938463463374607431768211456"
        );
        assert_eq!(fail("cidrhost", vec![s("10.0.0.0/8"), num("2.5")]), "value must be a whole number");
        assert_eq!(
            fail("cidrsubnet", vec![s("10.0.0.0/16"), n(4), n(16)]),
            "prefix extension of 4 does not accommodate a subnet numbered 16"
        );
        assert_eq!(
            fail("cidrsubnet", vec![s("10.0.0.0/30"), n(4), n(0)]),
            "insufficient address space to extend prefix of 30 by 4"
        );
        assert_eq!(fail("cidrsubnet", vec![s("fd00::/8"), n(33), n(0)]), "may not extend prefix by more than 32 bits");
        assert_eq!(ok("cidrsubnet", vec![s("10.0.0.0/8"), n(0), n(0)]), s("10.0.0.0/8"));
        assert_eq!(fail_at("cidrsubnet", vec![s("10.0.0.0/8"), n(2), num("1.5")]).1, Some(2));
        assert_eq!(fail("cidrnetmask", vec![s("fd00::/8")]), "IPv6 addresses cannot have a netmask: fd00::/8");
        assert_eq!(
            fail_at("cidrsubnets", vec![s("10.0.0.0/24"), n(1), n(1), n(1)]),
            (
                "not enough remaining address space for a subnet with a prefix of 25 bits after 10.0.0.128/25".into(),
                Some(3)
            )
        );
        assert_eq!(
            fail_at("cidrsubnets", vec![s("10.0.0.0/30"), n(4)]),
            ("would extend prefix to 34 bits, which is too long for an IPv4 address".into(), Some(1))
        );
        assert_eq!(fail_at("cidrsubnets", vec![s("10.0.0.0/8"), n(0)]).1, Some(1));
        assert_eq!(j("cidrsubnets", vec![s("10.0.0.0/8")]), "[]");
        // The whole IPv6 space, then nothing after it.
        assert_eq!(j("cidrsubnets", vec![s("::/0"), n(1), n(1)]), r#"["::/1","8000::/1"]"#);
        assert_eq!(fail_at("cidrsubnets", vec![s("::/0"), n(1), n(1), n(1)]).1, Some(3));
        assert_eq!(
            j("cidrsubnets", vec![s("255.255.255.254/31"), n(1), n(1)]),
            r#"["255.255.255.254/32","255.255.255.255/32"]"#
        );
        assert_eq!(fail_at("cidrsubnets", vec![s("255.255.255.254/31"), n(1), n(1), n(1)]).1, Some(3));
    }
}
