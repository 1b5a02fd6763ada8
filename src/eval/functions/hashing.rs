//! Hash and crypto functions: `md5`, `sha1`, `sha256`, `sha512`, `base64sha256`,
//! `base64sha512` (digests of the string's UTF-8 bytes), and the impure ones Terraform
//! leaves unknown while planning: `uuid`, `timestamp`, `bcrypt`.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::FnError;
use super::encoding::base64encode_bytes;
use super::util::{new_string, text};
use crate::value::Value;

fn hex(digest: &[u8]) -> String {
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

/// `uuid()`, `timestamp()`, `bcrypt(str, cost...)`: a new value on every run (a random
/// UUID, the time, a random salt), which Terraform leaves unknown until apply.
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
        assert_eq!(fail("uuid", vec![s("x")]), "Function \"uuid\" expects only 0 argument(s).".to_string());
        assert_eq!(
            fail("bcrypt", vec![]),
            "Function \"bcrypt\" expects at least 1 argument(s). Missing value for \"str\".".to_string()
        );
    }
}
