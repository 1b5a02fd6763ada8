//! Shell completions, the man page, `--stats` and `--modules-of-files`.

use std::path::Path;
use std::process::{Command, Output};

fn kmsc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kmsc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("kmsc runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const SEED: &str = "tests/data/seed/main.tf";

/// A policy with no finding.
const POLICY: &str = r#"jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Root"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })"#;

#[test]
fn bash_completion_names_the_command_and_its_flags() {
    let o = kmsc(repo(), &["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let script = stdout(&o);
    assert!(script.contains("kmsc"), "{script}");
    assert!(script.contains("--emit"), "{script}");
    assert!(script.contains("--stats"), "{script}");
}

#[test]
fn every_shell_gets_a_completion_script() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = kmsc(repo(), &["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(script.contains("kmsc") && script.contains("explain"), "{shell}: {script}");
    }
    let o = kmsc(repo(), &["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn man_page_is_one_roff_page_documenting_every_subcommand() {
    let o = kmsc(repo(), &["manpage"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.starts_with(".TH"), "{page}");
    assert_eq!(page.matches(".TH ").count(), 1, "{page}");
    assert!(page.contains("build"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", "KMSC BUILD", "KMSC CHECK", "KMSC EXPLAIN", "KMSC RULES"] {
        assert!(page.contains(section), "no `{section}` in {page}");
    }
    // Flags of the subcommands are documented (roff escapes `-`).
    assert!(page.contains(r"\-\-emit"), "{page}");
    assert!(page.contains(r"\-\-stats"), "{page}");
    assert!(!page.contains("modules\\-of\\-files"), "hidden flags are not documented");
    // The apostrophe preamble is defined once, after `.TH`.
    assert_eq!(page.matches(".ds Aq").count(), 2, "{page}");
}

/// The words of the `--stats` line with the time left out, after checking that the time
/// is a whole number of milliseconds.
fn stats_shape(err: &str) -> Vec<String> {
    let line = err.lines().last().expect("a stats line on stderr");
    let mut words: Vec<&str> = line.split(' ').collect();
    assert_eq!(words.len(), 16, "{line}");
    assert_eq!(words[15], "ms", "{line}");
    let ms = words.remove(14);
    assert!(!ms.is_empty() && ms.chars().all(|c| c.is_ascii_digit()), "time `{ms}` in {line}");
    words.into_iter().map(str::to_string).collect()
}

fn shape(roots: u32, keys: u32, policies: u32, errors: u32, warnings: u32, infos: u32) -> Vec<String> {
    format!("kmsc: {roots} roots, {keys} keys, {policies} policies, {errors} errors, {warnings} warnings, {infos} infos in ms")
        .split(' ')
        .map(str::to_string)
        .collect()
}

#[test]
fn stats_on_check_is_one_line_on_stderr() {
    let o = kmsc(repo(), &["check", SEED, "--stats"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stats_shape(&stderr(&o)), shape(1, 1, 1, 4, 0, 0));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    // stdout is unchanged: still one JSON document with --format json.
    let o = kmsc(repo(), &["check", SEED, "--stats", "--format", "json"]);
    let diags: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(diags.as_array().unwrap().len(), 4);
    // Without the flag, nothing on stderr.
    let o = kmsc(repo(), &["check", SEED]);
    assert_eq!(stderr(&o), "");
}

#[test]
fn stats_on_build_follows_the_diagnostics() {
    let o = kmsc(repo(), &["build", SEED, "--stats"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("KMS201"), "{err}");
    assert_eq!(stats_shape(&err), shape(1, 1, 1, 4, 0, 0));
    assert!(!stdout(&o).contains("kmsc:"));
    // Two roots.
    let o = kmsc(repo(), &["build", SEED, "tests/fixtures/forms/key_policy.tf", "--stats", "--allow", "KMS201"]);
    let s = stats_shape(&stderr(&o));
    assert_eq!(&s[..7], &shape(2, 4, 5, 0, 0, 0)[..7], "{s:?}");
}

/// Policies from `aws_kms_key_policy` are policies but not keys, also inside module
/// instances whose key holds `.` and `]`.
#[test]
fn stats_count_keys_apart_from_separate_policies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "module \"k\" {\n  source   = \"./k\"\n  for_each = toset([\"x.y]\", \"z\"])\n}\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("k")).unwrap();
    std::fs::write(
        dir.path().join("k/main.tf"),
        format!(
            "resource \"aws_kms_key\" \"a\" {{\n  policy = {POLICY}\n}}\n\nresource \"aws_kms_key\" \"b\" {{}}\n\n\
             resource \"aws_kms_key_policy\" \"b\" {{\n  key_id = aws_kms_key.b.id\n  policy = {POLICY}\n}}\n"
        ),
    )
    .unwrap();
    let o = kmsc(dir.path(), &["build", "--stats"]);
    let out = stdout(&o);
    assert!(out.contains(r#""module.k[\"x.y]\"].aws_kms_key_policy.b""#), "{out}");
    assert_eq!(stats_shape(&stderr(&o)), shape(1, 2, 4, 0, 0, 0), "{}", stderr(&o));
}

#[test]
fn modules_of_files_analyses_each_directory_once() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        let d = dir.path().join(sub);
        std::fs::create_dir(&d).unwrap();
        // The policy is in one file, the local it uses in another.
        std::fs::write(d.join("locals.tf"), "locals {\n  account = \"111122223333\"\n}\n").unwrap();
        std::fs::write(
            d.join("main.tf"),
            "resource \"aws_kms_key\" \"k\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      \
             Sid = \"Root\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::${local.account}:root\" },\n      \
             Action = \"kms:*\", Resource = \"*\"\n    }]\n  })\n}\n",
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join("top.tf"),
        format!("resource \"aws_kms_key\" \"top\" {{\n  policy = {POLICY}\n}}\n"),
    )
    .unwrap();
    let files = ["a/main.tf", "a/locals.tf", "b/main.tf", "top.tf", "b/locals.tf"];
    let mut args = vec!["check", "--stats", "--modules-of-files"];
    args.extend(files);
    let o = kmsc(dir.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(stats_shape(&stderr(&o)), shape(3, 3, 3, 0, 0, 0));
    // Each file alone is a module without the other file: the local is missing.
    let mut args = vec!["check"];
    args.extend(&files[..1]);
    let o = kmsc(dir.path(), &args);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    // No file: nothing to analyse (pre-commit never calls a hook so, but a wrapper may).
    let o = kmsc(dir.path(), &["check", "--stats", "--modules-of-files"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stats_shape(&stderr(&o)), shape(0, 0, 0, 0, 0, 0));
}
