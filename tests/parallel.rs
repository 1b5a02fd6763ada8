//! Output does not depend on the number of threads: every run below is made with `-j 1`
//! and with `-j 8`, and stdout, stderr and the exit status must be the same bytes.

use std::path::Path;
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `(status, stdout, stderr)` of `kmsc ARGS -j JOBS`, run in the repository.
fn run(args: &[&str], jobs: &str) -> (Option<i32>, Vec<u8>, Vec<u8>) {
    let o = Command::new(env!("CARGO_BIN_EXE_kmsc"))
        .args(args)
        .args(["-j", jobs])
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .output()
        .expect("kmsc runs");
    (o.status.code(), o.stdout, o.stderr)
}

fn same_with_one_thread_and_eight(args: &[&str]) -> (Option<i32>, Vec<u8>, Vec<u8>) {
    let one = run(args, "1");
    // Several times: a race would show as a difference in some run.
    for _ in 0..3 {
        let many = run(args, "8");
        assert_eq!(one.0, many.0, "exit status of kmsc {args:?}");
        assert_eq!(String::from_utf8_lossy(&one.1), String::from_utf8_lossy(&many.1), "stdout of kmsc {args:?}");
        assert_eq!(String::from_utf8_lossy(&one.2), String::from_utf8_lossy(&many.2), "stderr of kmsc {args:?}");
    }
    one
}

#[test]
fn many_roots_with_findings_check_the_same_with_any_number_of_threads() {
    // 54 root modules, each with findings.
    for format in ["human", "json", "sarif", "github"] {
        let (status, out, _) =
            same_with_one_thread_and_eight(&["check", "-r", "--format", format, "tests/fixtures/rules"]);
        assert_eq!(status, Some(1));
        assert!(out.len() > 10_000, "{format}: {} bytes", out.len());
    }
}

#[test]
fn many_roots_build_the_same_with_any_number_of_threads() {
    let (status, out, err) = same_with_one_thread_and_eight(&["build", "-r", "tests/fixtures/rules"]);
    assert_eq!(status, Some(1));
    assert!(out.starts_with(b"{\n") && out.ends_with(b"\n}\n"), "{}", String::from_utf8_lossy(&out));
    assert!(!err.is_empty());
    let (status, out, _) = same_with_one_thread_and_eight(&["build", "-r", "examples"]);
    assert_eq!(status, Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("one JSON document");
    // Sorted by `root:address` across roots, as if built all at once.
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(keys.len() > 20, "{keys:?}");
}

#[test]
fn a_module_of_many_files_parsed_in_parallel_reports_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..40 {
        let text = match i {
            // A syntax error, a repeated key (parsed again), a NUL byte: all reported.
            7 => "resource \"aws_kms_key\" \"broken\" {\n  policy = jsonencode({\n".to_string(),
            13 => format!(
                "resource \"aws_kms_key\" \"k{i}\" {{\n  policy = jsonencode({{ Version = \"2012-10-17\", Version = \"2008-10-17\", Statement = [] }})\n}}\n"
            ),
            21 => "locals {\n  x = 1\0\n}\n".to_string(),
            _ => format!(
                "resource \"aws_kms_key\" \"k{i}\" {{\n  policy = jsonencode({{\n    Version = \"2012-10-17\"\n    Statement = [{{\n      Effect = \"Allow\"\n      Principal = {{ AWS = \"arn:aws:iam::[ACCOUNT_{i}]:root\" }}\n      Action = \"kms:*\"\n      Resource = \"*\"\n    }}]\n  }})\n}}\n"
            ),
        };
        std::fs::write(dir.path().join(format!("f{i:02}.tf")), text).unwrap();
    }
    let path = dir.path().to_str().unwrap();
    let (status, out, _) = same_with_one_thread_and_eight(&["check", path, "--format", "json"]);
    assert_eq!(status, Some(1));
    let diags: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let codes: Vec<&str> = diags.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes.iter().filter(|c| **c == "KMS201").count(), 37, "{codes:?}");
    for code in ["KMS002", "KMS007"] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    same_with_one_thread_and_eight(&["build", path]);
}

#[test]
fn jobs_must_be_a_positive_number() {
    let (status, _, err) = run(&["check", "examples/wordpress"], "0");
    assert_eq!(status, Some(2));
    assert!(String::from_utf8_lossy(&err).contains("-j"), "{}", String::from_utf8_lossy(&err));
}

#[test]
fn a_path_that_cannot_be_read_stops_the_run_before_anything_is_printed() {
    // The readable root sorts first: without the check up front its policies would be
    // printed before the run stops.
    for jobs in ["1", "8"] {
        let (status, out, err) = run(&["build", "examples/wordpress", "zzz/missing.tf"], jobs);
        assert_eq!(status, Some(2));
        assert!(out.is_empty(), "{}", String::from_utf8_lossy(&out));
        assert!(String::from_utf8_lossy(&err).contains("zzz/missing.tf"), "{}", String::from_utf8_lossy(&err));
    }
    let (status, out, _) = run(&["build", "examples/wordpress", "--var-file", "missing.tfvars"], "2");
    assert_eq!(status, Some(2));
    assert!(out.is_empty());
}

/// The text of a module of `n` keys whose policies use the locals and the document that
/// `special(i)` names for key `i` (an empty string: a plain policy with a placeholder).
fn many_keys(n: usize, special: impl Fn(usize) -> &'static str) -> String {
    let mut text = String::from(
        r#"locals {
  root  = "arn:aws:iam::111122223333:root"
  bad   = tonumber("not a number")
  inner = tonumber("nor this")
  outer = "${local.inner}-x"
  cyc_a = local.cyc_b
  cyc_b = local.cyc_a
}

data "aws_iam_policy_document" "doc" {
  statement {
    sid       = "FromDocument"
    effect    = "Permit"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [local.bad]
    }
  }
}
"#,
    );
    for i in 0..n {
        let sid = match special(i) {
            "" => format!("\"Key{i}\""),
            expr => expr.to_string(),
        };
        text.push_str(&format!(
            r#"
resource "aws_kms_key" "k{i}" {{
  description = "key {i}"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = {sid}
      Effect    = "Allow"
      Principal = {{ AWS = [local.root, "arn:aws:iam::[ACCOUNT_ID]:role/k{i}"] }}
      Action    = "kms:*"
      Resource  = "*"
    }}]
  }})
}}
"#
        ));
    }
    text
}

#[test]
fn a_module_of_many_keys_evaluated_in_parallel_reports_each_local_once() {
    // 200 keys: enough for their policies to be evaluated on several threads, in chunks.
    // Keys all over the module use failing locals and a failing document: each finding is
    // reported once, as with one thread. `outer` uses `inner`: only the finding of `inner`.
    let dir = tempfile::tempdir().unwrap();
    let text = many_keys(200, |i| match i {
        5 | 60 | 150 => "local.bad",
        10 => "local.inner",
        120 | 190 => "local.outer",
        100 | 180 => "local.cyc_a",
        30 | 170 => "data.aws_iam_policy_document.doc.json",
        _ => "",
    });
    std::fs::write(dir.path().join("main.tf"), text).unwrap();
    let path = dir.path().to_str().unwrap();
    for format in ["human", "json"] {
        same_with_one_thread_and_eight(&["check", path, "--format", format]);
    }
    let (status, out, _) = same_with_one_thread_and_eight(&["check", path, "--format", "json"]);
    assert_eq!(status, Some(1));
    let diags: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let messages: Vec<&str> = diags.as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    let count = |needle: &str| messages.iter().filter(|m| m.contains(needle)).count();
    assert_eq!(count("not a number"), 1, "{messages:#?}");
    assert_eq!(count("nor this"), 1, "{messages:#?}");
    assert_eq!(count("refers to itself"), 1, "{messages:#?}");
    assert_eq!(count("Permit"), 1, "{messages:#?}");
    let placeholders = diags.as_array().unwrap().iter().filter(|d| d["code"] == "KMS201").count();
    assert_eq!(placeholders, 200 - 10, "every key whose policy evaluates has its placeholder reported");
    same_with_one_thread_and_eight(&["build", path]);
}

#[test]
fn a_module_that_runs_out_of_budget_in_parallel_reports_as_on_one_thread() {
    // Every policy makes 30,000 values: the budget runs out after a few keys, at a point
    // that would depend on the threads' timing; the module is then evaluated on one thread.
    let dir = tempfile::tempdir().unwrap();
    let text = many_keys(100, |_| "\"S${length(flatten([for i in range(30) : range(1000)]))}\"");
    std::fs::write(dir.path().join("main.tf"), text).unwrap();
    let path = dir.path().to_str().unwrap();
    let (status, out, _) = same_with_one_thread_and_eight(&["check", path, "--format", "json"]);
    assert_eq!(status, Some(1));
    let diags: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let stopped = diags
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["message"].as_str().unwrap().starts_with("evaluation stopped"))
        .count();
    assert_eq!(stopped, 1, "{diags:#}");
}
