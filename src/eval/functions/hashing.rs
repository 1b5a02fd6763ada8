//! Hash and crypto functions: `md5`, `sha1`, `sha256`, `sha512`, `base64sha256`,
//! `base64sha512` (digests of the string's UTF-8 bytes), `uuidv5` (name-based UUIDs), and
//! the impure ones Terraform leaves unknown while planning: `uuid`, `timestamp`, `bcrypt`;
//! `rsadecrypt`, which kmsc leaves unknown.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::FnError;
use super::encoding::base64encode_bytes;
use super::util::{arg_err, new_string, text};
use crate::value::Value;

pub(super) fn hex(digest: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(digest.len() * 2);
    for &b in digest {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

fn digest<D: Digest>(args: &[Value]) -> Vec<u8> {
    D::digest(text(&args[0]).as_bytes()).to_vec()
}

/// `md5(str)`: the MD5 digest of the string's UTF-8 bytes, in lowercase hexadecimal.
pub(super) fn md5(args: &[Value]) -> Result<Value, FnError> {
    new_string(hex(&digest::<Md5>(args)))
}

/// `sha1(str)`: as `md5`, with SHA-1.
pub(super) fn sha1(args: &[Value]) -> Result<Value, FnError> {
    new_string(hex(&digest::<Sha1>(args)))
}

/// `sha256(str)`: as `md5`, with SHA-256.
pub(super) fn sha256(args: &[Value]) -> Result<Value, FnError> {
    new_string(hex(&digest::<Sha256>(args)))
}

/// `sha512(str)`: as `md5`, with SHA-512.
pub(super) fn sha512(args: &[Value]) -> Result<Value, FnError> {
    new_string(hex(&digest::<Sha512>(args)))
}

/// `base64sha256(str)`: the raw SHA-256 digest in standard Base64 (not its hexadecimal
/// text encoded again).
pub(super) fn base64sha256(args: &[Value]) -> Result<Value, FnError> {
    new_string(base64encode_bytes(&digest::<Sha256>(args)))
}

/// `base64sha512(str)`: as `base64sha256`, with SHA-512.
pub(super) fn base64sha512(args: &[Value]) -> Result<Value, FnError> {
    new_string(base64encode_bytes(&digest::<Sha512>(args)))
}

/// Google's `uuid.Parse` (as Terraform's `uuidv5` reads a namespace): 36 characters with
/// dashes, 38 (the first and last ignored, as braces), 45 (`urn:uuid:` first) or 32 hex
/// digits.
fn parse_uuid(s: &str) -> Result<[u8; 16], String> {
    let b = s.as_bytes();
    let hex = |hi: u8, lo: u8| Some(((hi as char).to_digit(16)? * 16 + (lo as char).to_digit(16)?) as u8);
    let format = || "invalid UUID format".to_string();
    let mut out = [0u8; 16];
    let body = match b.len() {
        32 => {
            for (i, byte) in out.iter_mut().enumerate() {
                *byte = hex(b[2 * i], b[2 * i + 1]).ok_or_else(format)?;
            }
            return Ok(out);
        }
        36 => b,
        38 => &b[1..],
        45 => {
            if !b[..9].eq_ignore_ascii_case(b"urn:uuid:") {
                return Err(format!("invalid urn prefix: {}", super::go_quote(&String::from_utf8_lossy(&b[..9]))));
            }
            &b[9..]
        }
        n => return Err(format!("invalid UUID length: {n}")),
    };
    if [8, 13, 18, 23].iter().any(|&i| body[i] != b'-') {
        return Err(format());
    }
    for (i, x) in [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34].into_iter().enumerate() {
        out[i] = hex(body[x], body[x + 1]).ok_or_else(format)?;
    }
    Ok(out)
}

/// `uuidv5(namespace, name)`: the version 5 (SHA-1) UUID of `name` in `namespace` (`dns`,
/// `url`, `oid`, `x500` or a UUID).
pub(super) fn uuidv5(args: &[Value]) -> Result<Value, FnError> {
    let given = text(&args[0]);
    let namespace = match given {
        "dns" => Ok(0x6ba7b810_9dad_11d1_80b4_00c04fd430c8u128.to_be_bytes()),
        "url" => Ok(0x6ba7b811_9dad_11d1_80b4_00c04fd430c8u128.to_be_bytes()),
        "oid" => Ok(0x6ba7b812_9dad_11d1_80b4_00c04fd430c8u128.to_be_bytes()),
        "x500" => Ok(0x6ba7b814_9dad_11d1_80b4_00c04fd430c8u128.to_be_bytes()),
        other => parse_uuid(other),
    };
    let namespace = match namespace {
        Ok(n) => n,
        Err(e) => return arg_err(0, format!("uuidv5() doesn't support namespace {given} ({e})")),
    };
    let mut h = Sha1::new();
    h.update(namespace);
    h.update(text(&args[1]).as_bytes());
    let digest = h.finalize();
    let mut u = [0u8; 16];
    u.copy_from_slice(&digest[..16]);
    u[6] = (u[6] & 0x0f) | 0x50;
    u[8] = (u[8] & 0x3f) | 0x80;
    let x = hex(&u);
    new_string(format!("{}-{}-{}-{}-{}", &x[..8], &x[8..12], &x[12..16], &x[16..20], &x[20..]))
}

/// `uuid()`, `timestamp()`, `bcrypt(str, cost...)`: a new value on every run (a random
/// UUID, the time, a random salt), which Terraform leaves unknown until apply. Also the
/// functions kmsc leaves unknown: `base64gzip(str)` (the bytes of Go's `compress/gzip`
/// cannot be reproduced) and `rsadecrypt(ciphertext, privatekey)` (kmsc does not decrypt;
/// the ciphertext, a Windows password, is usually unknown until apply anyway).
pub(super) fn unknown_until_apply(_args: &[Value]) -> Result<Value, FnError> {
    Err(FnError::Unknown)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;

    /// Digests of the empty string and of a UTF-8 text, checked against `md5sum`,
    /// `sha1sum`, `sha256sum`, `sha512sum` and `base64` of the raw digests.
    #[test]
    fn digests_are_those_of_the_utf8_bytes() {
        assert_eq!(ok("md5", vec![s("")]), s("d41d8cd98f00b204e9800998ecf8427e"));
        assert_eq!(ok("md5", vec![s("hello world")]), s("5eb63bbbe01eeed093cb22bb8f5acdc3"));
        assert_eq!(ok("sha1", vec![s("hello world")]), s("2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"));
        assert_eq!(
            ok("sha256", vec![s("hello world")]),
            s("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
        );
        assert_eq!(
            ok("sha512", vec![s("hello world")]),
            s(
                "309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f"
            )
        );
        assert_eq!(ok("base64sha256", vec![s("hello world")]), s("uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="));
        assert_eq!(
            ok("base64sha512", vec![s("hello world")]),
            s("MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw==")
        );
        assert_eq!(ok("md5", vec![s("キー")]), s("8cde9c0ec496566aba27be98508c48a0"));
        assert_eq!(ok("sha1", vec![s("")]), s("da39a3ee5e6b4b0d3255bfef95601890afd80709"));
        assert_eq!(ok("base64sha256", vec![s("キー")]), s("F3HMvTS/5LlxFrWlIdTkfWUyOyzvFOy+U1mZgAcJdHA="));
    }

    /// The examples of Terraform's documentation, checked with Python's `uuid.uuid5`.
    #[test]
    fn name_based_uuids() {
        assert_eq!(ok("uuidv5", vec![s("dns"), s("www.terraform.io")]), s("a5008fae-b28c-5ba5-96cd-82b4c53552d6"));
        assert_eq!(
            ok("uuidv5", vec![s("url"), s("https://www.terraform.io/")]),
            s("9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5")
        );
        assert_eq!(ok("uuidv5", vec![s("oid"), s("1.3.6.1.4")]), s("af9d40a5-7a36-5c07-b23a-851cd99fbfa5"));
        assert_eq!(ok("uuidv5", vec![s("x500"), s("CN=Example,C=GB")]), s("84e09961-4aa4-57f8-95b7-03edb1073253"));
        let dns = "985a4cd3-d741-53ee-b14a-1a6e174c047b";
        for ns in [
            "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
            "6BA7B810-9DAD-11D1-80B4-00C04FD430C8",
            "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}",
            "URN:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8",
            "6ba7b8109dad11d180b400c04fd430c8",
        ] {
            assert_eq!(ok("uuidv5", vec![s(ns), s("キー")]), s(dns), "{ns}");
        }
        assert_eq!(
            fail_at("uuidv5", vec![s("DNS"), s("x")]),
            ("uuidv5() doesn't support namespace DNS (invalid UUID length: 3)".into(), Some(0))
        );
        assert_eq!(
            fail("uuidv5", vec![s("6ba7b810x9dad-11d1-80b4-00c04fd430c8"), s("x")]),
            "uuidv5() doesn't support namespace 6ba7b810x9dad-11d1-80b4-00c04fd430c8 (invalid UUID format)"
        );
        assert_eq!(
            fail("uuidv5", vec![s("urn:uuix:6ba7b810-9dad-11d1-80b4-00c04fd430c8"), s("x")]),
            "uuidv5() doesn't support namespace urn:uuix:6ba7b810-9dad-11d1-80b4-00c04fd430c8 (invalid urn prefix: \"urn:uuix:\")"
        );
    }

    #[test]
    fn numbers_and_bools_are_converted_and_null_is_refused() {
        assert_eq!(ok("md5", vec![n(1)]), ok("md5", vec![s("1")]));
        assert_eq!(ok("sha1", vec![b(true)]), ok("sha1", vec![s("true")]));
        assert_eq!(fail_at("sha256", vec![null()]), ("argument must not be null".into(), Some(0)));
        assert_eq!(fail_at("md5", vec![tup(vec![])]), ("string required".into(), Some(0)));
    }

    #[test]
    fn a_sensitive_argument_makes_a_sensitive_digest() {
        assert!(ok("sha256", vec![secret(s("hunter2"))]).sensitive);
        assert!(!ok("sha256", vec![s("hunter2")]).sensitive);
    }

    #[test]
    fn impure_functions_are_unknown_until_apply_once_their_arguments_check() {
        assert!(is_unknown("uuid", vec![]));
        assert!(is_unknown("timestamp", vec![]));
        assert!(is_unknown("bcrypt", vec![s("password")]));
        assert!(is_unknown("bcrypt", vec![s("password"), n(12)]));
        assert!(is_unknown("rsadecrypt", vec![s("c2VjcmV0"), s("-----BEGIN RSA PRIVATE KEY-----")]));
        assert_eq!(
            fail("rsadecrypt", vec![s("c2VjcmV0")]),
            "Function \"rsadecrypt\" expects 2 argument(s). Missing value for \"privatekey\".".to_string()
        );
        assert_eq!(fail("uuid", vec![s("x")]), "Function \"uuid\" expects only 0 argument(s).".to_string());
        assert_eq!(
            fail("bcrypt", vec![]),
            "Function \"bcrypt\" expects at least 1 argument(s). Missing value for \"str\".".to_string()
        );
    }
}
