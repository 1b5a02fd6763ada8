//! Terraform's functions of a file's bytes: `fileexists`, `filebase64`, `filemd5`,
//! `filesha1`, `filesha256`, `filesha512`, `filebase64sha256`, `filebase64sha512`.
//!
//! Their results are computed when the module is loaded, for calls whose path is a literal
//! or built from `path.module` (as files read by `file` are loaded then), and the evaluator
//! only reads them: a module that hashes a Lambda archive in a local is evaluated as
//! Terraform evaluates it. Files are hashed as they are read (not held in memory), up to
//! [`MAX_HASHED_BYTES`]; `filebase64` gives at most [`MAX_STRING`] bytes of text.

use std::io::Read;
use std::path::Path;

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::encoding::base64encode_bytes;
use super::hashing::hex;
use super::util::MAX_STRING;

/// The functions of a file's bytes.
pub const FILE_FUNCTIONS: &[&str] = &[
    "fileexists",
    "filebase64",
    "filemd5",
    "filesha1",
    "filesha256",
    "filesha512",
    "filebase64sha256",
    "filebase64sha512",
];

/// The largest file kmsc hashes.
pub const MAX_HASHED_BYTES: u64 = 1 << 30;

/// The result of one of [`FILE_FUNCTIONS`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileFact {
    Bool(bool),
    String(String),
}

/// `name(path)` for the file at `full` (`path` is the path to show: Terraform shows it
/// cleaned); an error is worded as Terraform words it.
pub fn file_fact(name: &str, full: &Path, path: &str) -> Result<FileFact, String> {
    let meta = std::fs::metadata(full);
    if name == "fileexists" {
        return match meta {
            Ok(m) if m.is_file() => Ok(FileFact::Bool(true)),
            Ok(m) if m.is_dir() => Err(format!("{path} is a directory, not a file")),
            Ok(_) => Err(format!("{path} is not a regular file")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileFact::Bool(false)),
            Err(_) => Err(format!("failed to stat {path}")),
        };
    }
    match meta {
        Ok(m) if m.is_file() => {}
        // Go's os.ReadFile fails on a directory: Terraform says it could not read it.
        Ok(_) => return Err(format!("failed to read file {path}")),
        Err(_) => {
            return Err(format!(
                "no file exists at {path}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource"
            ));
        }
    }
    let file = std::fs::File::open(full).map_err(|e| format!("failed to read file {path}: {e}"))?;
    let limit = if name == "filebase64" { (MAX_STRING / 4 * 3) as u64 } else { MAX_HASHED_BYTES };
    let mut reader = file.take(limit + 1);
    let text = match name {
        "filebase64" => {
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).map_err(|e| format!("failed to read file {path}: {e}"))?;
            if bytes.len() as u64 > limit {
                return Err(format!("{path} is over {limit} bytes, kmsc's limit for `filebase64`"));
            }
            base64encode_bytes(&bytes)
        }
        "filemd5" => hex(&hash::<Md5>(&mut reader, path, limit)?),
        "filesha1" => hex(&hash::<Sha1>(&mut reader, path, limit)?),
        "filesha256" => hex(&hash::<Sha256>(&mut reader, path, limit)?),
        "filesha512" => hex(&hash::<Sha512>(&mut reader, path, limit)?),
        "filebase64sha256" => base64encode_bytes(&hash::<Sha256>(&mut reader, path, limit)?),
        "filebase64sha512" => base64encode_bytes(&hash::<Sha512>(&mut reader, path, limit)?),
        _ => return Err(format!("`{name}` is not a function of a file")),
    };
    Ok(FileFact::String(text))
}

/// The digest of what `reader` gives, read in blocks; refused past `limit` bytes.
fn hash<D: Digest>(reader: &mut impl Read, path: &str, limit: u64) -> Result<Vec<u8>, String> {
    let mut hasher = D::new();
    let mut block = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut block).map_err(|e| format!("failed to read file {path}: {e}"))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > limit {
            return Err(format!("{path} is over {limit} bytes, kmsc's limit for hashing a file"));
        }
        hasher.update(&block[..n]);
    }
    Ok(hasher.finalize().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(name: &str, full: &Path) -> Result<FileFact, String> {
        file_fact(name, full, "x")
    }

    fn string(s: &str) -> Result<FileFact, String> {
        Ok(FileFact::String(s.to_string()))
    }

    /// Digests of "hello\n" and of bytes that are not UTF-8, as `md5sum`, `sha1sum`,
    /// `sha256sum`, `sha512sum` and `base64` print them.
    #[test]
    fn digests_and_base64_of_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let hello = dir.path().join("hello.txt");
        std::fs::write(&hello, "hello\n").unwrap();
        assert_eq!(fact("filemd5", &hello), string("b1946ac92492d2347c6235b4d2611184"));
        assert_eq!(fact("filesha1", &hello), string("f572d396fae9206628714fb2ce00f72e94f2258f"));
        assert_eq!(
            fact("filesha256", &hello),
            string("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
        );
        assert_eq!(
            fact("filesha512", &hello),
            string(
                "e7c22b994c59d9cf2b48e549b1e24666636045930d3da7c1acb299d1c3b7f931f94aae41edda2c2b207a36e10f8bcb8d45223e54878f5b316e7ce3b6bc019629"
            )
        );
        assert_eq!(fact("filebase64sha256", &hello), string("WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="));
        assert_eq!(fact("filebase64", &hello), string("aGVsbG8K"));
        let zip = dir.path().join("lambda.zip");
        std::fs::write(&zip, b"PK\x03\x04\xff\x00").unwrap();
        assert_eq!(fact("filebase64", &zip), string("UEsDBP8A"));
        assert_eq!(fact("fileexists", &zip), Ok(FileFact::Bool(true)));
    }

    #[test]
    fn missing_files_and_directories() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        assert_eq!(fact("fileexists", &missing), Ok(FileFact::Bool(false)));
        assert!(fact("filemd5", &missing).unwrap_err().starts_with("no file exists at x;"));
        assert_eq!(fact("fileexists", dir.path()).unwrap_err(), "x is a directory, not a file");
        assert_eq!(fact("filesha256", dir.path()).unwrap_err(), "failed to read file x");
    }
}
