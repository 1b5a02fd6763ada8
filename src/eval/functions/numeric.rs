//! Number functions: `abs`, `ceil`, `floor`, `min`, `max`, `sum`, `signum`, `pow`, `log`,
//! `parseint`.

use num_bigint::{BigInt, BigUint};
use num_traits::Zero;

use super::FnError;
use super::util::{arg_err, err, go_quote, known, to_int};
use crate::eval::convert::{convert, friendly_name};
use crate::number::Number;
use crate::value::{Type, Value, ValueKind};

fn number(v: &Value) -> &Number {
    v.as_number().expect("argument converted to a number")
}

/// `abs(num)`: the magnitude (`abs(-0)` is `0`).
pub(super) fn abs(args: &[Value]) -> Result<Value, FnError> {
    Ok(Value::number(number(&args[0]).abs()))
}

/// `ceil(num)`: the least whole number not below `num` (exact, any size).
pub(super) fn ceil(args: &[Value]) -> Result<Value, FnError> {
    Ok(Value::number(number(&args[0]).ceil()))
}

/// `floor(num)`: the greatest whole number not above `num` (exact, any size).
pub(super) fn floor(args: &[Value]) -> Result<Value, FnError> {
    Ok(Value::number(number(&args[0]).floor()))
}

/// `min(numbers...)`: the smallest argument (the first of equal ones).
pub(super) fn min(args: &[Value]) -> Result<Value, FnError> {
    let mut best: Option<&Value> = None;
    for a in args {
        if best.is_none_or(|b| number(a) < number(b)) {
            best = Some(a);
        }
    }
    best.cloned().map_or_else(|| err("must pass at least one number"), Ok)
}

/// `max(numbers...)`: the largest argument (the first of equal ones).
pub(super) fn max(args: &[Value]) -> Result<Value, FnError> {
    let mut best: Option<&Value> = None;
    for a in args {
        if best.is_none_or(|b| number(a) > number(b)) {
            best = Some(a);
        }
    }
    best.cloned().map_or_else(|| err("must pass at least one number"), Ok)
}

/// `sum(list)`: the sum of the numbers of a list, set or tuple, added exactly in order.
pub(super) fn sum(args: &[Value]) -> Result<Value, FnError> {
    let v = &args[0];
    let items = match &v.kind {
        ValueKind::List(items) | ValueKind::Set(items) | ValueKind::Tuple(items) => items,
        ValueKind::Map(m) | ValueKind::Object(m) => {
            if m.is_empty() {
                return arg_err(0, "cannot sum an empty list");
            }
            let got = friendly_name(&v.ty());
            return arg_err(0, format!("argument must be list, set, or tuple. Received {got}"));
        }
        _ => return arg_err(0, "cannot sum noniterable"),
    };
    if items.is_empty() {
        return arg_err(0, "cannot sum an empty list");
    }
    known(v)?;
    const MSG: &str = "argument must be list, set, or tuple of number values";
    let mut total: Option<Number> = None;
    for item in items {
        if item.is_null() {
            return arg_err(0, MSG);
        }
        let n = convert(item, &Type::Number).or_else(|_| arg_err(0, MSG))?;
        let n = number(&n);
        total = Some(match total {
            None => n.clone(),
            Some(t) => t.add(n),
        });
    }
    Ok(Value::number(total.expect("non-empty")))
}

/// `signum(num)`: -1, 0 or 1 (the number must be a whole number, as in Terraform).
pub(super) fn signum(args: &[Value]) -> Result<Value, FnError> {
    let i = to_int(&args[0]).or_else(err)?;
    Ok(Value::number(Number::from_i64(i.signum())))
}

fn float_result(name: &str, f: f64) -> Result<Value, FnError> {
    match Number::from_f64(f) {
        Some(n) => Ok(Value::number(n)),
        None => err(format!("the result of {name} is not a finite number ({f}), which kmsc cannot represent")),
    }
}

/// `pow(num, power)`: computed in `float64` exactly as Go's `math.Pow`.
pub(super) fn pow(args: &[Value]) -> Result<Value, FnError> {
    float_result("pow", go_pow(number(&args[0]).to_f64(), number(&args[1]).to_f64()))
}

/// `log(num, base)`: `ln(num) / ln(base)` in `float64`.
pub(super) fn log(args: &[Value]) -> Result<Value, FnError> {
    float_result("log", number(&args[0]).to_f64().ln() / number(&args[1]).to_f64().ln())
}

/// Go's `math.Frexp`: `f = frac × 2^exp` with `|frac|` in `[0.5, 1)`.
fn frexp(f: f64) -> (f64, i64) {
    if f == 0.0 || !f.is_finite() {
        return (f, 0);
    }
    let (f, mut exp) = if f.abs() < f64::MIN_POSITIVE { (f * (1u64 << 52) as f64, -52) } else { (f, 0) };
    let bits = f.to_bits();
    exp += ((bits >> 52) & 0x7ff) as i64 - 1022;
    let frac = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (frac, exp)
}

/// Go's `math.Ldexp`: `frac × 2^exp` with Go's rounding of subnormal results.
fn ldexp(frac: f64, exp: i64) -> f64 {
    if frac == 0.0 || !frac.is_finite() {
        return frac;
    }
    let (frac, e) = frexp(frac);
    let mut exp = exp.saturating_add(e);
    let bits = frac.to_bits();
    exp = exp.saturating_add(((bits >> 52) & 0x7ff) as i64 - 1023);
    if exp < -1075 {
        return 0.0f64.copysign(frac);
    }
    if exp > 1023 {
        return if frac < 0.0 { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    let mut m = 1.0;
    if exp < -1022 {
        exp += 53;
        m = 1.0 / (1u64 << 53) as f64;
    }
    let bits = (bits & !(0x7ff << 52)) | (((exp + 1023) as u64) << 52);
    m * f64::from_bits(bits)
}

/// Go's `math.Pow` algorithm (special cases, then repeated squaring for the integer part
/// of the exponent), so that results match Terraform bit for bit.
fn go_pow(x: f64, y: f64) -> f64 {
    if y == 0.0 || x == 1.0 {
        return 1.0;
    }
    if y == 1.0 {
        return x;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 {
        let odd = is_odd_int(y);
        return if y < 0.0 {
            if x.is_sign_negative() && odd { f64::NEG_INFINITY } else { f64::INFINITY }
        } else if x.is_sign_negative() && odd {
            x
        } else {
            0.0
        };
    }
    if y.is_infinite() {
        return if x == -1.0 {
            1.0
        } else if (x.abs() < 1.0) == (y > 0.0) {
            0.0
        } else {
            f64::INFINITY
        };
    }
    if x.is_infinite() {
        if x < 0.0 {
            return go_pow(1.0 / x, -y);
        }
        return if y < 0.0 { 0.0 } else { f64::INFINITY };
    }
    if y == 0.5 {
        return x.sqrt();
    }
    if y == -0.5 {
        return 1.0 / x.sqrt();
    }
    let mut yi = y.abs().trunc();
    let mut yf = y.abs() - yi;
    if yf != 0.0 && x < 0.0 {
        return f64::NAN;
    }
    if yi >= (1u64 << 63) as f64 {
        return if x == -1.0 {
            1.0
        } else if (x.abs() < 1.0) == (y > 0.0) {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let mut a1 = 1.0;
    let mut ae: i64 = 0;
    if yf != 0.0 {
        if yf > 0.5 {
            yf -= 1.0;
            yi += 1.0;
        }
        a1 = (yf * x.ln()).exp();
    }
    let (mut x1, mut xe) = frexp(x);
    let mut i = yi as i64;
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
            ae += xe;
            break;
        }
        if i & 1 == 1 {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if x1 < 0.5 {
            x1 += x1;
            xe -= 1;
        }
        i >>= 1;
    }
    if y < 0.0 {
        a1 = 1.0 / a1;
        ae = -ae;
    }
    ldexp(a1, ae)
}

fn is_odd_int(y: f64) -> bool {
    if y.abs() >= (1u64 << 53) as f64 {
        return false;
    }
    y.fract() == 0.0 && (y as i64) & 1 == 1
}

/// The longest string `parseint` accepts (kmsc's limit).
const PARSEINT_MAX: usize = 10_000;

/// `parseint(number, base)`: the integer written in `number` in base 2 to 62 (letters are
/// case-insensitive up to base 36; beyond, lower case is 10–35 and upper case 36–61).
pub(super) fn parseint(args: &[Value]) -> Result<Value, FnError> {
    let Some(s) = args[0].as_str() else {
        let got = friendly_name(&args[0].ty());
        return arg_err(0, format!("first argument must be a string, not {got}"));
    };
    let base = to_int(&args[1]).or_else(|e| arg_err(1, e))?;
    if !(2..=62).contains(&base) {
        return arg_err(1, "base must be a whole number between 2 and 62 inclusive");
    }
    if s.len() > PARSEINT_MAX {
        return arg_err(0, format!("the string is longer than kmsc's limit of {PARSEINT_MAX} characters"));
    }
    match parse_go_int(s, base as u32) {
        Some(i) => Ok(Value::number(Number::from_bigint(&i))),
        None => arg_err(0, format!("cannot parse {} as a base {base} integer", go_quote(s))),
    }
}

/// Go's `big.Int.SetString(s, base)` for `2 <= base <= 62`.
fn parse_go_int(s: &str, base: u32) -> Option<BigInt> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    // Digits in chunks that fit a u64, then one big multiply-add per chunk.
    let mut chunk_len = 0;
    let mut chunk_pow: u64 = 1;
    while chunk_pow.checked_mul(u64::from(base)).is_some() {
        chunk_pow *= u64::from(base);
        chunk_len += 1;
    }
    let mut acc = BigUint::zero();
    let bytes = digits.as_bytes();
    for chunk in bytes.chunks(chunk_len) {
        let mut v: u64 = 0;
        for &c in chunk {
            let d = match c {
                b'0'..=b'9' => u32::from(c - b'0'),
                b'a'..=b'z' => u32::from(c - b'a') + 10,
                b'A'..=b'Z' if base <= 36 => u32::from(c - b'A') + 10,
                b'A'..=b'Z' => u32::from(c - b'A') + 36,
                _ => return None,
            };
            if d >= base {
                return None;
            }
            v = v * u64::from(base) + u64::from(d);
        }
        let scale = u64::from(base).pow(chunk.len() as u32);
        acc = acc * BigUint::from(scale) + BigUint::from(v);
    }
    let i = BigInt::from(acc);
    Some(if neg { -i } else { i })
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::{frexp, go_pow, ldexp};

    #[test]
    fn basics() {
        assert_eq!(j("abs", vec![n(-4)]), "4");
        assert_eq!(j("abs", vec![num("-0")]), "0");
        assert_eq!(j("floor", vec![num("-1.2")]), "-2");
        assert_eq!(j("floor", vec![num("2.7")]), "2");
        assert_eq!(j("ceil", vec![num("1.2")]), "2");
        assert_eq!(j("ceil", vec![num("-0.5")]), "0");
        assert_eq!(j("ceil", vec![s("5")]), "5");
        assert_eq!(j("max", vec![n(1), num("2.5")]), "2.5");
        assert_eq!(j("min", vec![n(3), num("1.5"), n(2)]), "1.5");
        assert_eq!(j("max", vec![s("10"), n(9)]), "10");
        assert_eq!(fail("min", vec![]), "must pass at least one number");
        assert_eq!(j("sum", vec![tup(vec![num("0.1"), num("0.2")])]), "0.3");
        assert_eq!(j("sum", vec![tup(vec![n(1), s("2")])]), "3");
        assert_eq!(fail("sum", vec![tup(vec![])]), "cannot sum an empty list");
        assert_eq!(fail("sum", vec![s("x")]), "cannot sum noniterable");
        assert_eq!(fail("sum", vec![tup(vec![s("x")])]), "argument must be list, set, or tuple of number values");
        assert_eq!(
            fail("sum", vec![map(&[("a", n(1))])]),
            "argument must be list, set, or tuple. Received map of number"
        );
        assert_eq!(j("signum", vec![n(-7)]), "-1");
        assert_eq!(j("signum", vec![n(0)]), "0");
        assert!(fail("signum", vec![num("1.5")]).starts_with("value must be a whole number"));
    }

    #[test]
    fn floats() {
        assert_eq!(j("pow", vec![n(2), n(64)]), "18446744073709550000");
        assert_eq!(j("pow", vec![n(3), n(2)]), "9");
        assert_eq!(j("pow", vec![n(2), n(-1)]), "0.5");
        assert_eq!(j("pow", vec![n(4), num("0.5")]), "2");
        assert!(fail("pow", vec![n(10), n(400)]).contains("not a finite number"));
        assert_eq!(j("log", vec![n(8), n(2)]), "3");
        assert_eq!(go_pow(2.0, 10.0), 1024.0);
        assert_eq!(go_pow(-2.0, 3.0), -8.0);
        assert!(go_pow(-2.0, 0.5).is_nan());
        assert_eq!(ldexp(0.5, -1073), 5e-324);
        assert_eq!(frexp(8.0), (0.5, 4));
    }

    #[test]
    fn parse_int() {
        assert_eq!(j("parseint", vec![s("ff"), n(16)]), "255");
        assert_eq!(j("parseint", vec![s("-1010"), n(2)]), "-10");
        assert_eq!(j("parseint", vec![s("FF"), n(16)]), "255");
        assert_eq!(j("parseint", vec![s("Z"), n(62)]), "61");
        assert_eq!(j("parseint", vec![s("18446744073709551616"), n(10)]), "18446744073709551616");
        assert_eq!(fail("parseint", vec![s("12"), n(1)]), "base must be a whole number between 2 and 62 inclusive");
        assert_eq!(fail("parseint", vec![s("1_0"), n(10)]), "cannot parse \"1_0\" as a base 10 integer");
        assert_eq!(fail("parseint", vec![s(""), n(10)]), "cannot parse \"\" as a base 10 integer");
        assert_eq!(fail("parseint", vec![n(12), n(10)]), "first argument must be a string, not number");
    }
}
