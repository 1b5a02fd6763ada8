//! Terraform numbers.
//!
//! Terraform (through go-cty) represents every number as a Go
//! `math/big.Float`: a sign, an arbitrary-precision binary mantissa, a binary
//! exponent and a *precision* (mantissa bits) carried by each value. This
//! module reproduces those values and the operations Terraform performs on
//! them bit for bit, including Go's rounding (`ToNearestEven`), signed zeros
//! and the decimal formatting used when a number becomes a string
//! (`Text('f', -1)`).
//!
//! Where go-cty does something different from a plain `big.Float` operation
//! (multiplication and modulo), the go-cty behaviour is reproduced; see the
//! method docs.
//!
//! Limits: infinities and NaN are not represented (operations that would
//! produce them return `None`), and Go's 32-bit exponent range is not
//! enforced. [`Number::parse`] rejects literals whose magnitude is beyond
//! `10^±MAX_DECIMAL_MAGNITUDE`, so that printing a parsed number always
//! stays cheap.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};

/// Largest decimal magnitude (in either direction) that [`Number::parse`]
/// accepts: a nonzero literal `d.ddd × 10^k` needs `|k| <= 100000`.
pub const MAX_DECIMAL_MAGNITUDE: i64 = 100_000;

/// A Terraform number: an exact model of a Go `math/big.Float`.
///
/// The value is `(-1)^neg × mant × 2^exp`. The mantissa is kept odd (or zero
/// for a zero value, whose exponent is then 0) and never has more than `prec`
/// bits. Zero is signed, as in Go.
#[derive(Clone, Debug)]
pub struct Number {
    neg: bool,
    mant: BigUint,
    exp: i64,
    prec: u32,
}

impl Number {
    /// Precision of literals and parsed numbers (bits of mantissa).
    pub const DEFAULT_PREC: u32 = 512;

    /// Precision of integers made with [`Number::from_i64`]/[`Number::from_u64`].
    const INT_PREC: u32 = 64;

    /// Precision of numbers made with [`Number::from_f64`].
    const F64_PREC: u32 = 53;

    /// Working precision go-cty uses for a product before trimming it.
    const CTY_MUL_PREC: u32 = 512;

    /// Parses a decimal literal `[-]digits[.digits][(e|E)[+-]digits]` the way
    /// go-cty does (`big.ParseFloat(s, 10, 512, ToNearestEven)`), giving a
    /// number of precision 512.
    ///
    /// Returns `None` for text outside that grammar (including surrounding
    /// whitespace and a leading `+`), for an exponent that does not fit in
    /// an `i64`, and for a nonzero value whose decimal magnitude is beyond
    /// `10^±MAX_DECIMAL_MAGNITUDE`.
    ///
    /// Like Go, the decimal scale is applied with a power of five computed at
    /// 576/640 bits, so the result matches Go even in the (pathological) cases
    /// where that differs from exact rounding of the decimal value.
    pub fn parse(text: &str) -> Option<Number> {
        let lit = Literal::scan(text)?;
        let prec = Self::DEFAULT_PREC;
        let digits = BigUint::parse_bytes(lit.digits.as_bytes(), 10)?;
        if digits.is_zero() {
            return Some(Number::signed_zero(lit.neg, prec));
        }
        // The value is d.ddd × 10^magnitude.
        let significant = lit.digits.trim_start_matches('0').len() as i64;
        let magnitude = lit.exp10.checked_add(significant - 1)?;
        if magnitude.abs() > MAX_DECIMAL_MAGNITUDE {
            return None;
        }
        // digits × 10^e = (digits × 2^e) × 5^e, with digits kept exact.
        let scaled = Number::unrounded(lit.neg, digits, lit.exp10, prec);
        if lit.exp10 == 0 {
            return Some(scaled.round_to(prec));
        }
        let pow5 = pow5(lit.exp10.unsigned_abs(), prec + 64);
        if lit.exp10 < 0 { quo_prec(&scaled, &pow5, prec) } else { Some(mul_prec(&scaled, &pow5, prec)) }
    }

    /// An integer, with precision 64 (Go `SetInt64`).
    pub fn from_i64(i: i64) -> Number {
        Number::unrounded(i < 0, BigUint::from(i.unsigned_abs()), 0, Self::INT_PREC)
    }

    /// An unsigned integer, with precision 64 (Go `SetUint64`).
    pub fn from_u64(i: u64) -> Number {
        Number::unrounded(false, BigUint::from(i), 0, Self::INT_PREC)
    }

    /// The exact value of a finite `f64`, with precision 53 (Go
    /// `SetFloat64`); `-0.0` gives negative zero. `None` for NaN and
    /// infinities.
    pub fn from_f64(f: f64) -> Option<Number> {
        if !f.is_finite() {
            return None;
        }
        let bits = f.to_bits();
        let neg = bits >> 63 == 1;
        let biased = ((bits >> 52) & 0x7ff) as i64;
        let fraction = bits & ((1u64 << 52) - 1);
        let (mant, exp) = if biased == 0 { (fraction, -1074) } else { (fraction | (1u64 << 52), biased - 1075) };
        Some(Number::unrounded(neg, BigUint::from(mant), exp, Self::F64_PREC))
    }

    /// The exact value of an integer, with precision `max(bit length, 64)`
    /// (Go `SetInt` on a fresh `Float`).
    pub fn from_bigint(i: &BigInt) -> Number {
        let prec = i.bits().max(u64::from(Self::INT_PREC));
        let prec = u32::try_from(prec).unwrap_or(u32::MAX);
        Number::from_bigint_prec(i, prec)
    }

    /// Positive zero with precision 64.
    pub fn zero() -> Number {
        Number::from_i64(0)
    }

    /// The precision (mantissa bits) carried by this number.
    pub fn precision(&self) -> u32 {
        self.prec
    }

    /// `self + o` (go-cty `Add`): correctly rounded to the larger of the two
    /// precisions. `-0 + -0` is `-0`; any other exact zero result is `+0`.
    pub fn add(&self, o: &Number) -> Number {
        add_prec(self, o, self.prec.max(o.prec))
    }

    /// `self - o` (go-cty `Subtract`, i.e. `self + (-o)`), correctly rounded
    /// to the larger of the two precisions. `x - x` is `+0`.
    pub fn sub(&self, o: &Number) -> Number {
        add_prec(self, &o.neg(), self.prec.max(o.prec))
    }

    /// `self * o` as go-cty `Multiply` computes it: the product is rounded
    /// to 512 bits, and its precision is the largest of both operands'
    /// precisions and the bits that rounded product needs. For operands of
    /// precision 512 (all literals) that is plain 512-bit multiplication.
    /// The sign of a zero product is the XOR of the signs (`0 * -1` is `-0`).
    pub fn mul(&self, o: &Number) -> Number {
        let mut product = mul_prec(self, o, Self::CTY_MUL_PREC);
        let needed = u32::try_from(product.mant.bits()).unwrap_or(u32::MAX);
        product.prec = self.prec.max(o.prec).max(needed);
        product
    }

    /// `self / o` (go-cty `Divide`), correctly rounded to the larger of the two
    /// precisions. `None` when `o` is zero (go-cty would give an infinity, or
    /// an error for `0 / 0`).
    pub fn div(&self, o: &Number) -> Option<Number> {
        quo_prec(self, o, self.prec.max(o.prec))
    }

    /// `self % o` as go-cty `Modulo` computes it: `self - trunc(self / o) * o`,
    /// where the quotient uses the larger precision and the product and
    /// difference are rounded to `self`'s precision (so the result has
    /// `self`'s precision). The sign follows the dividend: `-7 % 3` is `-1`.
    ///
    /// `None` when `o` is zero. (go-cty itself returns `self` unchanged for a
    /// zero divisor; callers wanting Terraform's `%` can use
    /// `a.rem(b).unwrap_or_else(|| a.clone())`.)
    pub fn rem(&self, o: &Number) -> Option<Number> {
        let quotient = self.div(o)?;
        let (whole, _) = quotient.trunc_parts();
        let whole = Number::from_bigint_prec(&whole, self.prec);
        let product = mul_prec(o, &whole, self.prec);
        Some(add_prec(self, &product.neg(), self.prec))
    }

    /// The negation, keeping the precision (`neg(0)` is `-0`).
    pub fn neg(&self) -> Number {
        Number { neg: !self.neg, ..self.clone() }
    }

    /// The absolute value, keeping the precision (`abs(-0)` is `0`).
    pub fn abs(&self) -> Number {
        Number { neg: false, ..self.clone() }
    }

    /// The greatest integer `<= self`, keeping the precision (go-cty's
    /// `floor`). A zero result is always `+0`, as in go-cty.
    pub fn floor(&self) -> Number {
        let (mut whole, exact) = self.trunc_parts();
        if !exact && self.neg {
            whole -= 1;
        }
        Number::from_bigint_prec(&whole, self.prec)
    }

    /// The least integer `>= self`, keeping the precision (go-cty's `ceil`).
    /// A zero result is always `+0`, as in go-cty (`ceil(-0.5)` is `0`).
    pub fn ceil(&self) -> Number {
        let (mut whole, exact) = self.trunc_parts();
        if !exact && !self.neg {
            whole += 1;
        }
        Number::from_bigint_prec(&whole, self.prec)
    }

    /// Whether the value is a whole number (zero included).
    pub fn is_integer(&self) -> bool {
        self.mant.is_zero() || self.exp >= 0
    }

    /// Whether the value is zero (of either sign).
    pub fn is_zero(&self) -> bool {
        self.mant.is_zero()
    }

    /// Whether the sign bit is set (true for `-0`).
    pub fn is_sign_negative(&self) -> bool {
        self.neg
    }

    /// The nearest `f64` (ties to even, subnormals included); values beyond
    /// the `f64` range give an infinity, like Go's `Float64`.
    pub fn to_f64(&self) -> f64 {
        let magnitude = if self.mant.is_zero() { 0.0 } else { self.magnitude_to_f64() };
        if self.neg { -magnitude } else { magnitude }
    }

    /// The value as an `i64` when it is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        if !self.is_integer() || self.exp + self.mant.bits() as i64 > 64 {
            return None;
        }
        self.to_bigint_trunc().to_i64()
    }

    /// The integer part, truncated toward zero.
    pub fn to_bigint_trunc(&self) -> BigInt {
        self.trunc_parts().0
    }

    /// Go's `Text('f', digits)`: exactly `digits` fraction digits, rounding
    /// the exact value half to even (`2.5` → `"2"`, `3.14159` → `"3.142"`).
    pub fn to_fixed(&self, digits: usize) -> String {
        let mut d = Decimal::from_binary(&self.mant, self.exp);
        d.round(d.exp.saturating_add(digits as i64));
        d.format_fixed(self.neg, digits)
    }

    /// Go's `Text('e', digits)`: one digit, `digits` fraction digits and an
    /// exponent of at least two digits (`1.500000e+00`).
    pub fn to_exponent(&self, digits: usize) -> String {
        let mut d = Decimal::from_binary(&self.mant, self.exp);
        d.round((digits as i64).saturating_add(1));
        d.format_exponent(self.neg, digits)
    }

    /// Go's `Text('f', -1)`, the text Terraform gives a number: the shortest
    /// decimal that rounds back to this value at its precision, in plain
    /// positional notation without trailing zeros (`-0` for negative zero).
    pub fn to_shortest_string(&self) -> String {
        let d = self.shortest_decimal();
        let fraction_digits = (d.mant.len() as i64 - d.exp).max(0);
        d.format_fixed(self.neg, fraction_digits as usize)
    }

    // ----- construction helpers -----

    /// A zero of the given sign and precision.
    fn signed_zero(neg: bool, prec: u32) -> Number {
        Number { neg, mant: BigUint::zero(), exp: 0, prec }
    }

    /// The exact value `±mant × 2^exp` in canonical form, without rounding.
    /// Callers either know the mantissa fits `prec` or round the result.
    fn unrounded(neg: bool, mut mant: BigUint, mut exp: i64, prec: u32) -> Number {
        match mant.trailing_zeros() {
            None => return Number::signed_zero(neg, prec),
            Some(0) => {}
            Some(tz) => {
                mant >>= tz;
                exp += tz as i64;
            }
        }
        Number { neg, mant, exp, prec }
    }

    /// Rounds `±(mant + f) × 2^exp` to `prec` bits, ties to even, where
    /// `0 <= f < 1` and `sticky` tells whether `f > 0`. A set `sticky`
    /// requires `mant` to have more than `prec` bits.
    fn rounded(neg: bool, mut mant: BigUint, mut exp: i64, sticky: bool, prec: u32) -> Number {
        let bits = mant.bits();
        let prec_bits = u64::from(prec);
        if bits > prec_bits {
            let shift = bits - prec_bits;
            let half = mant.bit(shift - 1);
            let below = sticky || mant.trailing_zeros().is_some_and(|tz| tz < shift - 1);
            mant >>= shift;
            exp += shift as i64;
            if half && (below || mant.bit(0)) {
                mant += 1u32;
            }
        } else {
            debug_assert!(!sticky, "a sticky bit needs spare mantissa bits");
        }
        Number::unrounded(neg, mant, exp, prec)
    }

    /// Go's `SetInt` on a `Float` of precision `prec`: zero is `+0`.
    fn from_bigint_prec(i: &BigInt, prec: u32) -> Number {
        Number::rounded(i.sign() == Sign::Minus, i.magnitude().clone(), 0, false, prec)
    }

    /// This value rounded to another precision (Go `Set` into a `Float` of
    /// precision `prec`).
    fn round_to(&self, prec: u32) -> Number {
        Number::rounded(self.neg, self.mant.clone(), self.exp, false, prec)
    }

    // ----- inspection helpers -----

    /// Position of the most significant bit of a nonzero value
    /// (the value lies in `[2^top, 2^(top+1))`).
    fn top_bit(&self) -> i64 {
        self.exp + self.mant.bits() as i64 - 1
    }

    /// The integer part truncated toward zero, and whether that is exact.
    fn trunc_parts(&self) -> (BigInt, bool) {
        let sign = if self.neg { Sign::Minus } else { Sign::Plus };
        if self.exp >= 0 {
            let whole = &self.mant << (self.exp as u64);
            return (BigInt::from_biguint(sign, whole), true);
        }
        // A negative exponent means an odd mantissa: the shift drops a 1 bit.
        let whole = &self.mant >> self.exp.unsigned_abs();
        (BigInt::from_biguint(sign, whole), false)
    }

    /// `|self|` as the nearest `f64`; `self` must be nonzero.
    fn magnitude_to_f64(&self) -> f64 {
        let top = self.top_bit();
        if top > 1023 {
            return f64::INFINITY;
        }
        if top < -1075 {
            return 0.0;
        }
        // Exponent of the unit in the last place of the result.
        let ulp_exp = (top - 52).max(-1074);
        let units = if self.exp >= ulp_exp {
            (&self.mant << (self.exp - ulp_exp) as u64).to_u64().unwrap_or(0)
        } else {
            let shift = (ulp_exp - self.exp) as u64;
            let half = self.mant.bit(shift - 1);
            let below = self.mant.trailing_zeros().is_some_and(|tz| tz < shift - 1);
            let units = (&self.mant >> shift).to_u64().unwrap_or(0);
            units + u64::from(half && (below || units & 1 == 1))
        };
        compose_f64(units, ulp_exp)
    }

    // ----- shortest formatting -----

    /// Go's `roundShortest`: the exact decimal of `self`, cut to the fewest
    /// digits that still round back to `self` at its precision.
    fn shortest_decimal(&self) -> Decimal {
        let prec = i64::from(self.prec);
        if self.is_zero() || (self.is_integer() && self.top_bit() <= prec - 2) {
            // An integer whose ulp is at most 1/2 is its own shortest form
            // (Go's walk stops at its last nonzero digit).
            return Decimal::from_binary(&self.mant, self.exp);
        }
        // `mid × 2^exp2` is `self` with a mantissa of prec + 1 bits, so that a
        // unit in its last place is half an ulp at `self`'s precision; `lower`
        // and `upper` are one such unit below and above.
        debug_assert!(self.mant.bits() as i64 <= prec, "mantissa exceeds precision");
        let shift = (prec + 1 - self.mant.bits() as i64).max(0);
        let exp2 = self.exp - shift;
        let mid = &self.mant << shift as u64;
        // The bounds round to `self` only when its mantissa is even.
        let inclusive = !mid.bit(1);
        let (mid, unit, scale) = scale_to_integer(mid, exp2);
        let lower = Decimal::from_scaled(&(&mid - &unit), scale);
        let upper = Decimal::from_scaled(&(&mid + &unit), scale);
        let mut d = Decimal::from_scaled(&mid, scale);
        for i in 0..d.mant.len() {
            let (l, m, u) = (lower.at(i as i64), d.mant[i], upper.at(i as i64));
            let ok_down = l != m || (inclusive && i + 1 == lower.mant.len());
            let ok_up = m != u && (inclusive || m + 1 < u || i + 1 < upper.mant.len());
            let n = i as i64 + 1;
            match (ok_down, ok_up) {
                (true, true) => d.round(n),
                (true, false) => d.round_down(n),
                (false, true) => d.round_up(n),
                (false, false) => continue,
            }
            break;
        }
        d
    }
}

/// Writes `mant × 2^exp` as `integer / 10^scale`, returning the integer, the
/// integer standing for `1 × 2^exp` at the same scale, and the scale.
fn scale_to_integer(mant: BigUint, exp: i64) -> (BigUint, BigUint, i64) {
    if exp >= 0 {
        let unit = BigUint::from(1u32) << exp as u64;
        (mant << exp as u64, unit, 0)
    } else {
        // m / 2^k = m × 5^k / 10^k
        let k = exp.unsigned_abs();
        let unit = pow5_exact(k);
        (mant * &unit, unit, k as i64)
    }
}

/// `5^k` exactly.
fn pow5_exact(k: u64) -> BigUint {
    let k = u32::try_from(k).expect("decimal exponent within range");
    BigUint::from(5u32).pow(k)
}

/// The `f64` equal to `units × 2^ulp_exp`, where `units <= 2^53` and
/// `ulp_exp >= -1074` (as produced by rounding to the `f64` grid).
fn compose_f64(mut units: u64, mut ulp_exp: i64) -> f64 {
    const HIDDEN: u64 = 1 << 52;
    if units == 0 {
        return 0.0;
    }
    if units == HIDDEN << 1 {
        units = HIDDEN;
        ulp_exp += 1;
    }
    if units < HIDDEN {
        // Subnormal: the exponent field is zero and ulp_exp is -1074.
        return f64::from_bits(units);
    }
    let biased = ulp_exp + 52 + 1023;
    if biased >= 0x7ff {
        return f64::INFINITY;
    }
    f64::from_bits(((biased as u64) << 52) | (units - HIDDEN))
}

// ----- arithmetic with an explicit result precision (Go's z.Op(x, y)) -----

/// Compares `|x|` and `|y|` for nonzero `x` and `y`.
fn cmp_magnitude(x: &Number, y: &Number) -> Ordering {
    let by_top = x.top_bit().cmp(&y.top_bit());
    if by_top != Ordering::Equal {
        return by_top;
    }
    let low = x.exp.min(y.exp);
    let xm = &x.mant << (x.exp - low) as u64;
    let ym = &y.mant << (y.exp - low) as u64;
    xm.cmp(&ym)
}

/// Go's `z.Add(x, y)` where `z` has precision `prec`.
fn add_prec(x: &Number, y: &Number, prec: u32) -> Number {
    match (x.is_zero(), y.is_zero()) {
        (true, true) => return Number::signed_zero(x.neg && y.neg, prec),
        (false, true) => return x.round_to(prec),
        (true, false) => return y.round_to(prec),
        (false, false) => {}
    }
    let subtract = x.neg != y.neg;
    let order = cmp_magnitude(x, y);
    if subtract && order == Ordering::Equal {
        return Number::signed_zero(false, prec);
    }
    let (big, small) = if order == Ordering::Less { (y, x) } else { (x, y) };
    let (mant, exp) = add_magnitudes(big, small, subtract, prec);
    Number::rounded(big.neg, mant, exp, false, prec)
}

/// `|big| ± |small|` (with `|big| > |small|`) as an exact `mant × 2^exp`, up
/// to the bits of `small` that cannot affect rounding to `prec` bits: those
/// far below `big` are replaced by a single sticky bit, which keeps the
/// alignment shift small however far apart the exponents are.
fn add_magnitudes(big: &Number, small: &Number, subtract: bool, prec: u32) -> (BigUint, i64) {
    let big_top = big.top_bit();
    let (small_mant, small_exp) = if small.top_bit() < big_top - 1 {
        // The result's top bit is at least big_top - 1, so its rounding bit
        // lies above `cut`, and `big` is a multiple of 2^cut.
        let cut = big.exp.min(big_top - 1 - i64::from(prec)) - 1;
        if small.exp < cut {
            let kept = &small.mant >> (cut - small.exp) as u64;
            ((kept << 1u32) | BigUint::from(1u32), cut - 1)
        } else {
            (small.mant.clone(), small.exp)
        }
    } else {
        (small.mant.clone(), small.exp)
    };
    let low = big.exp.min(small_exp);
    let a = &big.mant << (big.exp - low) as u64;
    let b = small_mant << (small_exp - low) as u64;
    let mant = if subtract { a - b } else { a + b };
    (mant, low)
}

/// Go's `z.Mul(x, y)` where `z` has precision `prec`.
fn mul_prec(x: &Number, y: &Number, prec: u32) -> Number {
    let neg = x.neg != y.neg;
    if x.is_zero() || y.is_zero() {
        return Number::signed_zero(neg, prec);
    }
    Number::rounded(neg, &x.mant * &y.mant, x.exp + y.exp, false, prec)
}

/// Go's `z.Quo(x, y)` where `z` has precision `prec`; `None` if `y` is zero.
fn quo_prec(x: &Number, y: &Number, prec: u32) -> Option<Number> {
    if y.is_zero() {
        return None;
    }
    let neg = x.neg != y.neg;
    if x.is_zero() {
        return Some(Number::signed_zero(neg, prec));
    }
    // Scale the dividend so that the quotient has at least prec + 2 bits; the
    // remainder then only contributes the sticky bit.
    let wanted = i64::from(prec) + 2;
    let scale = (wanted + y.mant.bits() as i64 - x.mant.bits() as i64).max(0);
    let (quotient, remainder) = (&x.mant << scale as u64).div_rem(&y.mant);
    let exp = x.exp - y.exp - scale;
    Some(Number::rounded(neg, quotient, exp, !remainder.is_zero(), prec))
}

/// Go's `Float.pow5`: `5^n` at precision `prec`, computed by repeated
/// squaring with rounding at each step (the squares carry 64 extra bits).
fn pow5(n: u64, prec: u32) -> Number {
    const TABLE_MAX: u32 = 27; // 5^27 is the largest power of five in a u64.
    if n <= u64::from(TABLE_MAX) {
        return Number::unrounded(false, BigUint::from(5u32).pow(n as u32), 0, prec);
    }
    let mut result = Number::unrounded(false, BigUint::from(5u32).pow(TABLE_MAX), 0, prec);
    let mut factor = Number::unrounded(false, BigUint::from(5u32), 0, prec + 64);
    let mut n = n - u64::from(TABLE_MAX);
    while n > 0 {
        if n & 1 == 1 {
            result = mul_prec(&result, &factor, prec);
        }
        n >>= 1;
        if n > 0 {
            factor = mul_prec(&factor, &factor, prec + 64);
        }
    }
    result
}

// ----- decimal literals -----

/// A scanned decimal literal: `±digits × 10^exp10`.
struct Literal<'a> {
    neg: bool,
    /// All mantissa digits (integer part then fraction part), without '.'.
    digits: std::borrow::Cow<'a, str>,
    exp10: i64,
}

impl<'a> Literal<'a> {
    /// Scans `[-]digits[.digits][(e|E)[+-]digits]`, the whole text.
    fn scan(text: &'a str) -> Option<Literal<'a>> {
        let (neg, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], Some(&rest[at + 1..])),
            None => (rest, None),
        };
        let (int_part, frac_part) = match mantissa.split_once('.') {
            Some((int_part, frac_part)) => (int_part, Some(frac_part)),
            None => (mantissa, None),
        };
        if !all_digits(int_part) || frac_part.is_some_and(|f| !all_digits(f)) {
            return None;
        }
        let mut exp10 = match exponent {
            Some(e) => parse_exponent(e)?,
            None => 0,
        };
        let digits = match frac_part {
            Some(frac) => {
                exp10 = exp10.checked_sub(frac.len() as i64)?;
                std::borrow::Cow::Owned(format!("{int_part}{frac}"))
            }
            None => std::borrow::Cow::Borrowed(int_part),
        };
        Some(Literal { neg, digits, exp10 })
    }
}

/// Whether `s` is a nonempty run of ASCII digits.
fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses `[+-]digits` as an `i64`.
fn parse_exponent(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if !all_digits(digits) {
        return None;
    }
    let mut value: i64 = 0;
    for b in digits.bytes() {
        let digit = i64::from(b - b'0');
        value = value.checked_mul(10)?;
        value = if neg { value.checked_sub(digit)? } else { value.checked_add(digit)? };
    }
    Some(value)
}

// ----- exact decimals (Go's math/big `decimal`) -----

/// An exact decimal `0.mant × 10^exp`, where `mant` holds ASCII digits with
/// no leading or trailing zeros (empty for zero, whose `exp` is then 0).
#[derive(Debug)]
struct Decimal {
    mant: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// The exact decimal expansion of `mant × 2^exp`.
    fn from_binary(mant: &BigUint, exp: i64) -> Decimal {
        let Some(tz) = mant.trailing_zeros() else {
            return Decimal { mant: Vec::new(), exp: 0 };
        };
        let (integer, _, scale) = scale_to_integer(mant >> tz, exp + tz as i64);
        Decimal::from_scaled(&integer, scale)
    }

    /// The exact decimal expansion of `integer / 10^scale`.
    fn from_scaled(integer: &BigUint, scale: i64) -> Decimal {
        if integer.is_zero() {
            return Decimal { mant: Vec::new(), exp: 0 };
        }
        let mut digits = integer.to_str_radix(10).into_bytes();
        let exp = digits.len() as i64 - scale;
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        Decimal { mant: digits, exp }
    }

    /// The `i`th mantissa digit, `'0'` outside the mantissa.
    fn at(&self, i: i64) -> u8 {
        usize::try_from(i).ok().and_then(|i| self.mant.get(i)).copied().unwrap_or(b'0')
    }

    /// Go's `decimal.round`: keeps at most `n` digits, rounding half to even.
    /// Does nothing unless `0 <= n < len`.
    fn round(&mut self, n: i64) {
        let Some(n) = self.cut_index(n) else { return };
        if self.should_round_up(n) {
            self.round_up(n as i64);
        } else {
            self.round_down(n as i64);
        }
    }

    /// `n` as an index strictly inside the mantissa, if it is one.
    fn cut_index(&self, n: i64) -> Option<usize> {
        usize::try_from(n).ok().filter(|&n| n < self.mant.len())
    }

    /// Whether cutting to `n` digits should round up (ties go to even).
    fn should_round_up(&self, n: usize) -> bool {
        if self.mant[n] == b'5' && n + 1 == self.mant.len() {
            return n > 0 && (self.mant[n - 1] - b'0') % 2 == 1;
        }
        self.mant[n] >= b'5'
    }

    /// Keeps `n` digits and adds one unit in the last kept place.
    fn round_up(&mut self, n: i64) {
        let Some(mut n) = self.cut_index(n) else {
            return;
        };
        while n > 0 && self.mant[n - 1] >= b'9' {
            n -= 1;
        }
        if n == 0 {
            self.mant.truncate(1);
            self.mant[0] = b'1';
            self.exp += 1;
            return;
        }
        self.mant[n - 1] += 1;
        self.mant.truncate(n);
    }

    /// Keeps `n` digits, dropping the rest.
    fn round_down(&mut self, n: i64) {
        let Some(n) = self.cut_index(n) else { return };
        self.mant.truncate(n);
        while self.mant.last() == Some(&b'0') {
            self.mant.pop();
        }
        if self.mant.is_empty() {
            self.exp = 0;
        }
    }

    /// Go's `fmtF`: positional notation with `fraction_digits` digits after
    /// the point (none and no point when zero).
    fn format_fixed(&self, neg: bool, fraction_digits: usize) -> String {
        let int_digits = usize::try_from(self.exp).unwrap_or(0);
        let mut out = String::with_capacity(int_digits + fraction_digits + 3);
        if neg {
            out.push('-');
        }
        if int_digits > 0 {
            let kept = self.mant.len().min(int_digits);
            out.extend(self.mant[..kept].iter().map(|&b| char::from(b)));
            out.extend(std::iter::repeat_n('0', int_digits - kept));
        } else {
            out.push('0');
        }
        if fraction_digits > 0 {
            out.push('.');
            for i in 0..fraction_digits {
                out.push(char::from(self.at(self.exp + i as i64)));
            }
        }
        out
    }

    /// Go's `fmtE` for `'e'`: `d.ddde±dd` with `fraction_digits` digits after
    /// the point.
    fn format_exponent(&self, neg: bool, fraction_digits: usize) -> String {
        let mut out = String::with_capacity(fraction_digits + 8);
        if neg {
            out.push('-');
        }
        out.push(char::from(self.mant.first().copied().unwrap_or(b'0')));
        if fraction_digits > 0 {
            out.push('.');
            for i in 1..=fraction_digits {
                out.push(char::from(self.at(i as i64)));
            }
        }
        let exp = if self.mant.is_empty() { 0 } else { self.exp - 1 };
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.unsigned_abs()));
        out
    }
}

// ----- comparison, hashing, display -----

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
    /// Numeric order; precision is ignored and `-0 == 0`.
    fn cmp(&self, o: &Number) -> Ordering {
        let sign = |n: &Number| match (n.is_zero(), n.neg) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        };
        let (a, b) = (sign(self), sign(o));
        if a != b || a == 0 {
            return a.cmp(&b);
        }
        let magnitude = cmp_magnitude(self, o);
        if a < 0 { magnitude.reverse() } else { magnitude }
    }
}

impl Hash for Number {
    /// Consistent with `Eq`: equal values hash alike whatever their precision.
    fn hash<H: Hasher>(&self, state: &mut H) {
        if self.is_zero() {
            0u8.hash(state);
        } else {
            self.neg.hash(state);
            self.mant.hash(state);
            self.exp.hash(state);
        }
    }
}

impl fmt::Display for Number {
    /// Terraform's text for the number (Go `Text('f', -1)`), see
    /// [`Number::to_shortest_string`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_shortest_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Number {
        Number::parse(text).unwrap_or_else(|| panic!("{text} should parse"))
    }

    fn zeros(count: usize) -> String {
        "0".repeat(count)
    }

    #[test]
    fn literals_print_like_terraform() {
        let cases: Vec<(&str, String)> = vec![
            ("1", "1".into()),
            ("-1", "-1".into()),
            ("1.5", "1.5".into()),
            ("1.0", "1".into()),
            ("1.50", "1.5".into()),
            ("1e20", "100000000000000000000".into()),
            ("1e21", "1000000000000000000000".into()),
            ("1e-7", "0.0000001".into()),
            ("1.5e300", format!("15{}", zeros(299))),
            ("1e-300", format!("0.{}1", zeros(299))),
            ("9007199254740993", "9007199254740993".into()),
            ("123456789012345678901234567890", "123456789012345678901234567890".into()),
            ("-1.5e-10", "-0.00000000015".into()),
            ("0.1", "0.1".into()),
            ("100.0e-2", "1".into()),
            ("12345.678900", "12345.6789".into()),
            ("1.7976931348623157e308", format!("17976931348623157{}", zeros(292))),
            ("1e400", format!("1{}", zeros(400))),
            ("5e-324", format!("0.{}5", zeros(323))),
            ("12345678901234567890123", "12345678901234567890123".into()),
            ("0.30000000000000004", "0.30000000000000004".into()),
            ("-0.0", "-0".into()),
            ("0", "0".into()),
            ("0e999999999999", "0".into()),
            ("1E+2", "100".into()),
        ];
        for (text, want) in cases {
            let x = n(text);
            assert_eq!(x.to_string(), want, "literal {text}");
            assert_eq!(x.precision(), 512, "literal {text}");
        }
    }

    #[test]
    fn invalid_literals_are_rejected() {
        for text in [
            "",
            "-",
            "+1",
            " 1",
            "1 ",
            ".5",
            "1.",
            "1e",
            "1e+",
            "e5",
            "1.2.3",
            "0x10",
            "1_000",
            "inf",
            "NaN",
            "--1",
            "1e5.5",
            "1e99999999999999999999",
            "1e100001",
            "1e-100001",
        ] {
            assert!(Number::parse(text).is_none(), "{text:?} should not parse");
        }
        assert!(Number::parse("1e100000").is_some());
        assert!(Number::parse("9.9e-100000").is_some());
        assert!(Number::parse("0.001e100002").is_some());
    }

    #[test]
    fn arithmetic_matches_go() {
        let third = "0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335";
        let two_thirds = "0.6666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666667";
        assert_eq!(n("0.1").add(&n("0.2")).to_string(), "0.3");
        assert_eq!(n("0.1").mul(&n("3")).to_string(), "0.3");
        assert_eq!(n("1").div(&n("3")).unwrap().to_string(), third);
        assert_eq!(n("2").div(&n("3")).unwrap().to_string(), two_thirds);
        assert_eq!(n("10").div(&n("4")).unwrap().to_string(), "2.5");
        assert!(n("1").div(&n("0")).is_none());
        assert!(n("1").div(&n("-0")).is_none());
        assert_eq!(n("100000000000000000000000").mul(&n("10")).to_string(), "1000000000000000000000000");
        assert_eq!(n("5").sub(&n("7")).to_string(), "-2");
        assert_eq!(n("1e400").add(&n("1e-400")).to_string(), format!("1{}", zeros(400)));
        assert_eq!(n("1e30").sub(&n("1e30")).to_string(), "0");
    }

    #[test]
    fn signed_zeros_follow_go() {
        assert_eq!(n("0").mul(&n("-1")).to_string(), "-0");
        assert_eq!(n("0").neg().to_string(), "-0");
        assert_eq!(n("-0").abs().to_string(), "0");
        assert_eq!(n("-0").add(&n("0")).to_string(), "0");
        assert_eq!(n("-0").add(&n("-0")).to_string(), "-0");
        assert_eq!(n("-0").sub(&n("0")).to_string(), "-0");
        assert_eq!(n("1.5").sub(&n("1.5")).to_string(), "0");
        assert_eq!(n("-1.5").add(&n("1.5")).to_string(), "0");
        assert_eq!(n("-0").div(&n("5")).unwrap().to_string(), "-0");
        assert_eq!(n("-0"), n("0"));
        assert!(n("-0").is_sign_negative() && n("-0").is_zero());
    }

    #[test]
    fn remainder_follows_the_dividend() {
        assert_eq!(n("7").rem(&n("3")).unwrap().to_string(), "1");
        assert_eq!(n("-7").rem(&n("3")).unwrap().to_string(), "-1");
        assert_eq!(n("7").rem(&n("-3")).unwrap().to_string(), "1");
        assert_eq!(n("7.5").rem(&n("2")).unwrap().to_string(), "1.5");
        assert_eq!(n("6").rem(&n("3")).unwrap().to_string(), "0");
        assert_eq!(n("-6").rem(&n("3")).unwrap().to_string(), "0");
        assert_eq!(n("-0").rem(&n("3")).unwrap().to_string(), "-0");
        assert!(n("7").rem(&n("0")).is_none());
        let r = Number::from_i64(7).rem(&n("0.5")).unwrap();
        assert_eq!((r.to_string().as_str(), r.precision()), ("0", 64));
    }

    #[test]
    fn conversions_carry_go_precisions() {
        let two_64 = Number::from_f64(2f64.powi(64)).unwrap();
        assert_eq!(two_64.precision(), 53);
        assert_eq!(two_64.to_string(), "18446744073709550000");
        let big = BigInt::from(1u8) << 64u32;
        assert_eq!(Number::from_bigint(&big).to_string(), "18446744073709551616");
        assert_eq!(Number::from_bigint(&big).precision(), 65);
        assert_eq!(Number::from_bigint(&BigInt::from(-3)).precision(), 64);
        assert_eq!(Number::from_i64(255).to_string(), "255");
        assert_eq!(Number::from_i64(i64::MIN).to_string(), "-9223372036854775808");
        assert_eq!(Number::from_u64(u64::MAX).to_string(), "18446744073709551615");
        assert_eq!(Number::from_i64(255).precision(), 64);
        let a = Number::from_f64(0.1).unwrap();
        let b = Number::from_f64(0.2).unwrap();
        assert_eq!(a.add(&b).to_string(), "0.30000000000000004");
        let mixed = Number::from_f64(0.5).unwrap().add(&n("0.25"));
        assert_eq!((mixed.to_string().as_str(), mixed.precision()), ("0.75", 512));
        assert_eq!(Number::from_f64(-0.0).unwrap().to_string(), "-0");
        assert!(Number::from_f64(f64::NAN).is_none());
        assert!(Number::from_f64(f64::INFINITY).is_none());
        assert_eq!(Number::from_f64(5e-324).unwrap().to_f64(), 5e-324);
    }

    #[test]
    fn cty_multiply_keeps_the_product_exact_up_to_512_bits() {
        let a = Number::from_f64(0.1).unwrap();
        let product = a.mul(&a);
        assert_eq!(product.precision(), 104);
        assert_eq!(product.to_string(), "0.0100000000000000011102230246251566");
        assert_eq!(Number::from_i64(3).mul(&Number::from_i64(4)).precision(), 64);
    }

    #[test]
    fn fixed_and_exponent_text() {
        assert_eq!(n("1").to_fixed(2), "1.00");
        assert_eq!(n("2.5").to_fixed(0), "2");
        assert_eq!(n("3.5").to_fixed(0), "4");
        assert_eq!(n("3.14159").to_fixed(3), "3.142");
        assert_eq!(n("42").to_fixed(0), "42");
        assert_eq!(n("0.5").to_fixed(0), "0");
        assert_eq!(n("0.6").to_fixed(0), "1");
        assert_eq!(n("-0.001").to_fixed(1), "-0.0");
        assert_eq!(n("9.999").to_fixed(2), "10.00");
        assert_eq!(n("1.5").to_exponent(6), "1.500000e+00");
        assert_eq!(n("0").to_exponent(2), "0.00e+00");
        assert_eq!(n("-12345").to_exponent(2), "-1.23e+04");
        assert_eq!(n("1e-300").to_exponent(0), "1e-300");
    }

    #[test]
    fn integer_views() {
        assert_eq!(n("2.5").floor().to_string(), "2");
        assert_eq!(n("-2.5").floor().to_string(), "-3");
        assert_eq!(n("2.5").ceil().to_string(), "3");
        assert_eq!(n("-0.5").ceil().to_string(), "0");
        assert_eq!(n("-0").floor().to_string(), "0");
        assert_eq!(n("7").floor().precision(), 512);
        assert!(n("1e30").is_integer() && !n("0.5").is_integer() && n("-0").is_integer());
        assert_eq!(n("-42").to_i64(), Some(-42));
        assert_eq!(n("-9223372036854775808").to_i64(), Some(i64::MIN));
        assert_eq!(n("9223372036854775808").to_i64(), None);
        assert_eq!(n("1.5").to_i64(), None);
        assert_eq!(n("-7.9").to_bigint_trunc(), BigInt::from(-7));
        assert_eq!(n("1e20").to_bigint_trunc().to_string(), "100000000000000000000");
    }

    #[test]
    fn to_f64_rounds_to_nearest() {
        for text in ["0.1", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308", "-3.75"] {
            assert_eq!(n(text).to_f64(), text.parse::<f64>().unwrap(), "{text}");
        }
        assert_eq!(n("1e400").to_f64(), f64::INFINITY);
        assert_eq!(n("1e-400").to_f64(), 0.0);
        assert!(n("-0").to_f64().is_sign_negative());
    }

    #[test]
    fn ordering_is_numeric() {
        assert!(n("-1") < n("0"));
        assert!(n("0.1") < n("0.2"));
        assert!(n("1e400") > n("1e399"));
        assert!(n("-1e400") < n("-1e399"));
        assert_eq!(n("0.5"), Number::from_f64(0.5).unwrap());
        assert_ne!(n("0.1"), Number::from_f64(0.1).unwrap());
    }

    #[test]
    fn printing_is_fast() {
        let x = n("1").div(&n("3")).unwrap();
        let start = std::time::Instant::now();
        for _ in 0..1000 {
            std::hint::black_box(x.to_string());
        }
        // ~1ms per 1000 prints in release builds; generous for debug builds.
        assert!(start.elapsed().as_secs() < 5);
    }
}
