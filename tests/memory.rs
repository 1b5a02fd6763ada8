//! Peak memory does not grow with the number of root modules: `build -r` prints and drops
//! each root as it is done. (Alone in its test binary: the peak resident size read here is
//! the largest of every child process this binary has waited for.)

use std::path::Path;
use std::process::{Command, Stdio};

/// A root module of `keys` keys, each with a policy of four statements and an alias.
fn root(dir: &Path, keys: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let mut text = String::from("variable \"account\" {\n  default = \"111122223333\"\n}\n");
    for k in 0..keys {
        text.push_str(&format!(
            r#"resource "aws_kms_key" "k{k}" {{
  description = "key {k}"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{ Sid = "Root", Effect = "Allow", Principal = {{ AWS = "arn:aws:iam::${{var.account}}:root" }}, Action = "kms:*", Resource = "*" }},
      {{ Sid = "Admins", Effect = "Allow", Principal = {{ AWS = "arn:aws:iam::${{var.account}}:role/admin-{k}" }}, Action = ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*"], Resource = "*" }},
      {{ Sid = "Use", Effect = "Allow", Principal = {{ AWS = "arn:aws:iam::${{var.account}}:role/app-{k}" }}, Action = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], Resource = "*" }},
      {{ Sid = "Grants", Effect = "Allow", Principal = {{ AWS = "arn:aws:iam::${{var.account}}:role/app-{k}" }}, Action = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], Resource = "*", Condition = {{ Bool = {{ "kms:GrantIsForAWSResource" = true }} }} }},
    ]
  }})
}}

resource "aws_kms_alias" "k{k}" {{
  name          = "alias/app-{k}"
  target_key_id = aws_kms_key.k{k}.key_id
}}
"#
        ));
    }
    std::fs::write(dir.join("main.tf"), text).unwrap();
}

/// The largest resident set, in KiB, of the child processes waited for so far.
fn children_peak_kib() -> i64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) }, 0);
    usage.ru_maxrss
}

fn build(dir: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_kmsc"))
        .args(["build", "-r", "-j", "2"])
        .arg(dir)
        .stdout(Stdio::null())
        .status()
        .expect("kmsc runs");
    assert_eq!(status.code(), Some(0));
}

#[cfg(target_os = "linux")]
#[test]
fn peak_memory_does_not_grow_with_the_number_of_root_modules() {
    let few = tempfile::tempdir().unwrap();
    let many = tempfile::tempdir().unwrap();
    for r in 0..40 {
        root(&few.path().join(format!("r{r:03}")), 20);
    }
    for r in 0..400 {
        root(&many.path().join(format!("r{r:03}")), 20);
    }
    build(few.path());
    let peak_few = children_peak_kib();
    build(many.path());
    let peak_many = children_peak_kib();
    // 8,000 keys: keeping each root's sources and policies until the end would add well
    // over 50 MB; printing and dropping them as they go adds next to nothing.
    assert!(peak_many < peak_few + 25 * 1024, "40 roots: {} MiB, 400 roots: {} MiB", peak_few / 1024, peak_many / 1024);
}
