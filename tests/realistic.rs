//! A directory of realistic modules in the styles found in public Terraform (jsonencode,
//! heredoc JSON, separate key policies, count/for_each, local modules, service
//! principals, asymmetric keys): everything compiles, and no finding is reported, because
//! nothing in it is wrong.

use std::path::Path;
use std::process::Command;

fn kmsc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kmsc"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn realistic_modules_check_clean() {
    let o = kmsc(&["check", "-r", "examples/realistic"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), "");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn realistic_modules_build_at_least_twenty_keys() {
    let o = kmsc(&["build", "-r", "examples/realistic"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let keys: Vec<&String> = doc.as_object().unwrap().keys().filter(|k| !k.contains("aws_kms_key_policy")).collect();
    assert!(keys.len() >= 20, "{} keys: {keys:?}", keys.len());
}
