//! Terraform numbers (temporary f64-backed implementation; being replaced by an
//! arbitrary-precision binary float with Go `math/big` semantics).

use std::cmp::Ordering;
use std::fmt;

use num_bigint::BigInt;

/// A Terraform number.
#[derive(Clone, Debug)]
pub struct Number {
    v: f64,
    prec: u32,
}

impl Number {
    /// Precision of literals and parsed numbers (bits of mantissa).
    pub const DEFAULT_PREC: u32 = 512;

    pub fn parse(text: &str) -> Option<Number> {
        let t = text.trim();
        if t.is_empty() || t.starts_with('+') {
            return None;
        }
        t.parse::<f64>().ok().filter(|f| f.is_finite()).map(|v| Number { v, prec: 512 })
    }
    pub fn from_i64(i: i64) -> Number {
        Number { v: i as f64, prec: 64 }
    }
    pub fn from_u64(i: u64) -> Number {
        Number { v: i as f64, prec: 64 }
    }
    pub fn from_f64(f: f64) -> Option<Number> {
        f.is_finite().then_some(Number { v: f, prec: 53 })
    }
    pub fn from_bigint(i: &BigInt) -> Number {
        Number { v: i.to_string().parse().unwrap_or(0.0), prec: 64 }
    }
    pub fn zero() -> Number {
        Number::from_i64(0)
    }
    pub fn precision(&self) -> u32 {
        self.prec
    }
    pub fn add(&self, o: &Number) -> Number {
        Number { v: self.v + o.v, prec: self.prec.max(o.prec) }
    }
    pub fn sub(&self, o: &Number) -> Number {
        Number { v: self.v - o.v, prec: self.prec.max(o.prec) }
    }
    pub fn mul(&self, o: &Number) -> Number {
        Number { v: self.v * o.v, prec: self.prec.max(o.prec) }
    }
    pub fn div(&self, o: &Number) -> Option<Number> {
        (o.v != 0.0).then(|| Number { v: self.v / o.v, prec: self.prec.max(o.prec) })
    }
    pub fn rem(&self, o: &Number) -> Option<Number> {
        (o.v != 0.0).then(|| Number { v: self.v % o.v, prec: self.prec.max(o.prec) })
    }
    pub fn neg(&self) -> Number {
        Number { v: -self.v, prec: self.prec }
    }
    pub fn abs(&self) -> Number {
        Number { v: self.v.abs(), prec: self.prec }
    }
    pub fn floor(&self) -> Number {
        Number { v: self.v.floor(), prec: self.prec }
    }
    pub fn ceil(&self) -> Number {
        Number { v: self.v.ceil(), prec: self.prec }
    }
    pub fn is_integer(&self) -> bool {
        self.v.fract() == 0.0
    }
    pub fn is_zero(&self) -> bool {
        self.v == 0.0
    }
    pub fn is_sign_negative(&self) -> bool {
        self.v.is_sign_negative()
    }
    pub fn to_f64(&self) -> f64 {
        self.v
    }
    pub fn to_i64(&self) -> Option<i64> {
        (self.is_integer() && self.v.abs() < 9.0e18).then_some(self.v as i64)
    }
    pub fn to_bigint_trunc(&self) -> BigInt {
        BigInt::from(self.v.trunc() as i64)
    }
    pub fn to_fixed(&self, digits: usize) -> String {
        format!("{:.*}", digits, self.v)
    }
    pub fn to_exponent(&self, digits: usize) -> String {
        format!("{:.*e}", digits, self.v)
    }
}

impl PartialEq for Number {
    fn eq(&self, o: &Number) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Number {}
impl PartialOrd for Number {
    fn partial_cmp(&self, o: &Number) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Number {
    fn cmp(&self, o: &Number) -> Ordering {
        self.v.partial_cmp(&o.v).unwrap_or(Ordering::Equal)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.v)
    }
}
