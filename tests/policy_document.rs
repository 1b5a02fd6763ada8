//! `data "aws_iam_policy_document"` as the AWS provider (v5.100) evaluates it: every
//! recorded `policy-document` oracle case byte for byte, its canonical form, spans into
//! the data block, unknown values, and errors.

use std::path::{Path, PathBuf};

use kmsc::compile::{Compilation, Options, compile_path, compile_sources};
use kmsc::diagnostic::Severity;

mod common;
use common::reference_canonical;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/oracle/policy-document");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    assert_eq!(dirs.len(), 120, "the recorded corpus has 120 cases");
    dirs
}

fn key(c: &Compilation) -> Option<&kmsc::compile::CompiledPolicy> {
    c.policies.iter().find(|p| p.address == "aws_kms_key.k")
}

fn errors(c: &Compilation) -> String {
    c.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `--emit terraform` string of `aws_kms_key.k`, or why there is none.
fn terraform_string(c: &Compilation) -> Result<String, String> {
    match key(c) {
        Some(p) => match &p.terraform {
            Some(s) => Ok(s.clone()),
            None => Err(format!("unknown: {:?}\n{}", p.value.first_unknown(), errors(c))),
        },
        None => Err(errors(c)),
    }
}

fn compile(main_tf: &str) -> Compilation {
    compile_sources(vec![(PathBuf::from("main.tf"), main_tf.to_string())], &Options::default())
}

#[test]
fn oracle_cases_match_the_provider() {
    let dirs = cases();
    let mut failures = Vec::new();
    for dir in &dirs {
        let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
        let c = compile_path(&dir.join("main.tf"), &Options::default()).unwrap();
        match terraform_string(&c) {
            Ok(got) if got == expected => {}
            Ok(got) => failures.push(format!("{}:\n--- expected\n{expected}\n--- got\n{got}", dir.display())),
            Err(e) => failures.push(format!("{}:\n  error {e}", dir.display())),
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), dirs.len(), failures.join("\n"));
}

#[test]
fn oracle_cases_lower_to_the_canonical_form_of_the_providers_json() {
    let dirs = cases();
    let mut failures = Vec::new();
    for dir in &dirs {
        let expected = reference_canonical(&std::fs::read_to_string(dir.join("expected.txt")).unwrap());
        let c = compile_path(&dir.join("main.tf"), &Options::default()).unwrap();
        let got = key(&c).and_then(|p| p.canonical.clone());
        if got.as_deref() != Some(expected.as_str()) {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- got\n{}\n{}",
                dir.display(),
                got.unwrap_or_default(),
                errors(&c)
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), dirs.len(), failures.join("\n"));
}

/// The 1-based line a span starts on.
fn line(c: &Compilation, span: Option<kmsc::source::Span>) -> usize {
    let s = span.expect("a span");
    c.sources.get(s.file).line_col(s.start as usize).line
}

const SPANS: &str = r#"data "aws_iam_policy_document" "base" {
  statement {
    sid     = "Base"
    actions = ["kms:Decrypt"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}

data "aws_iam_policy_document" "d" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  statement {
    sid = "Admins"
    actions = [
      "kms:Create*",
      "kms:Describe*",
    ]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:role/admin"]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = ["111122223333"]
    }
  }
}

resource "aws_kms_key" "k" {
  policy = data.aws_iam_policy_document.d.json
}
"#;

#[test]
fn statement_spans_point_into_the_data_blocks() {
    let c = compile(SPANS);
    // No compile errors (policy rules may still find things to say).
    assert!(!c.diagnostics.iter().any(|d| d.code.starts_with("KMS0")), "{}", errors(&c));
    let p = key(&c).unwrap();
    let policy = p.policy.as_ref().expect("lowered");
    let sts = policy.statements();
    assert_eq!(sts.len(), 2);
    // The source document's statement comes first and points into `base`.
    let base = &sts[0];
    assert_eq!(line(&c, base.span), 2);
    assert_eq!(line(&c, base.sid.as_ref().unwrap().span), 3);
    assert_eq!(line(&c, base.action.as_ref().unwrap().items[0].span), 4);
    let own = &sts[1];
    assert_eq!(line(&c, own.span), 14);
    assert_eq!(line(&c, own.sid.as_ref().unwrap().span), 15);
    let action = own.action.as_ref().unwrap();
    // Sorted and reversed: `kms:Describe*` first.
    assert_eq!(action.items[0].node.render(), "kms:Describe*");
    assert_eq!(line(&c, action.items[0].span), 18);
    assert_eq!(line(&c, action.items[1].span), 17);
    assert_eq!(line(&c, own.resource.as_ref().unwrap().items[0].span), 20);
    let Some(kmsc::policy::ast::Principal::Map(kinds)) = own.principal.as_ref().map(|p| &p.node) else {
        panic!("a principal map");
    };
    assert_eq!(line(&c, kinds[0].1.items[0].span), 23);
    let cond = own.condition.as_ref().unwrap();
    assert_eq!(line(&c, cond.node[0].operator.span), 26);
    assert_eq!(line(&c, cond.node[0].entries[0].1.items[0].span), 28);
    // The default effect points at the statement.
    assert_eq!(line(&c, own.effect.as_ref().unwrap().span), 14);
}

#[test]
fn a_document_depending_on_an_unknown_value_is_unknown_but_still_lowered() {
    let c = compile(
        r#"data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "d" {
  statement {
    sid       = "Root"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "k" {
  policy = data.aws_iam_policy_document.d.json
}
"#,
    );
    let p = key(&c).unwrap();
    assert_eq!(p.terraform, None);
    assert_eq!(p.value.first_unknown().as_deref(), Some("data.aws_caller_identity.current.account_id"));
    let policy = p.policy.as_ref().expect("lowered from the structure");
    let st = &policy.statements()[0];
    let Some(kmsc::policy::ast::Principal::Map(kinds)) = st.principal.as_ref().map(|p| &p.node) else {
        panic!("a principal map");
    };
    assert_eq!(kinds[0].1.items[0].node.render(), "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root");
    assert_eq!(line(&c, kinds[0].1.items[0].span), 10);
}

#[test]
fn unknown_for_each_keeps_the_known_statements() {
    let c = compile(
        r#"data "aws_iam_policy_document" "d" {
  statement {
    sid       = "Known"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = data.other.x.items
    content {
      actions = [statement.value]
    }
  }
}

data "other" "x" {}

resource "aws_kms_key" "k" {
  policy = data.aws_iam_policy_document.d.minified_json
}
"#,
    );
    let p = key(&c).unwrap();
    assert_eq!(p.terraform, None);
    let policy = p.policy.as_ref().expect("lowered");
    assert_eq!(policy.statements().len(), 1);
    assert!(c.diagnostics.iter().any(|d| d.message.contains("data.other.x.items")), "{}", errors(&c));
}

#[test]
fn count_instances_and_iterators() {
    let c = compile(
        r#"variable "accounts" {
  default = { a = "111122223333", b = "444455556666" }
}

data "aws_iam_policy_document" "d" {
  count = 2
  statement {
    sid       = "S${count.index}"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    dynamic "principals" {
      for_each = var.accounts
      iterator = acct
      content {
        type        = "AWS"
        identifiers = ["arn:aws:iam::${acct.value}:role/${acct.key}"]
      }
    }
  }
}

resource "aws_kms_key" "k" {
  policy = data.aws_iam_policy_document.d[1].minified_json
}
"#,
    );
    assert_eq!(
        terraform_string(&c).unwrap(),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"S1","Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Principal":{"AWS":["arn:aws:iam::111122223333:role/a","arn:aws:iam::444455556666:role/b"]}}]}"#
    );
}

#[test]
fn the_id_is_the_crc32_of_the_json() {
    let c = compile(
        r#"data "aws_iam_policy_document" "d" {
  statement {
    actions = ["kms:Decrypt"]
  }
}

resource "aws_kms_key" "k" {
  policy = jsonencode({ id = data.aws_iam_policy_document.d.id, json = data.aws_iam_policy_document.d.json })
}
"#,
    );
    let got: serde_json::Value = serde_json::from_str(&terraform_string(&c).unwrap()).unwrap();
    let json = got["json"].as_str().unwrap();
    assert_eq!(
        json,
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"kms:Decrypt\"\n    }\n  ]\n}"
    );
    // crc32 of that text, checked independently.
    let mut crc = !0u32;
    for &b in json.as_bytes() {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    assert_eq!(got["id"].as_str().unwrap(), (!crc).to_string());
}

#[test]
fn override_replaces_by_sid_and_ampersand_braces_become_dollar() {
    let c = compile(
        r#"data "aws_iam_policy_document" "d" {
  policy_id = "p"
  statement {
    sid       = "A"
    actions   = ["kms:Decrypt"]
    resources = ["arn:aws:s3:::b/&{aws:username}"]
  }
  statement {
    sid     = "B"
    actions = ["kms:Encrypt"]
  }
  override_policy_documents = [<<EOT
{"Statement": [{"Sid": "A", "Effect": "Deny", "Action": "kms:*", "Principal": "*"}, {"Action": ["kms:Y", "kms:X"]}]}
EOT
  ]
}

resource "aws_kms_key" "k" {
  policy = data.aws_iam_policy_document.d.minified_json
}
"#,
    );
    assert_eq!(
        terraform_string(&c).unwrap(),
        r#"{"Version":"2012-10-17","Id":"p","Statement":[{"Sid":"A","Effect":"Deny","Action":"kms:*","Principal":"*"},{"Sid":"B","Effect":"Allow","Action":"kms:Encrypt"},{"Action":["kms:Y","kms:X"]}]}"#
    );
    let c = compile(
        r#"data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["kms:Decrypt"]
    resources = ["arn:aws:s3:::b/&{aws:username}"]
  }
}

resource "aws_kms_key" "k" {
  policy = data.aws_iam_policy_document.d.minified_json
}
"#,
    );
    assert_eq!(
        terraform_string(&c).unwrap(),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:s3:::b/${aws:username}"}]}"#
    );
}

/// The errors of a module whose key uses `data.aws_iam_policy_document.d.json`, with the
/// line of each.
fn doc_errors(data_block: &str) -> Vec<(String, usize)> {
    let c = compile(&format!(
        "{data_block}\nresource \"aws_kms_key\" \"k\" {{\n  policy = data.aws_iam_policy_document.d.json\n}}\n"
    ));
    c.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.message.clone(), line(&c, d.span)))
        .collect()
}

#[test]
fn errors_point_at_the_offending_argument_or_block() {
    let e = doc_errors("data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    effect = \"allow\"\n  }\n}\n");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].0.contains("`Allow` or `Deny`"), "{e:?}");
    assert_eq!(e[0].1, 3);

    let e = doc_errors(
        "data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    principals {\n      identifiers = [\"*\"]\n    }\n  }\n}\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].0.contains("`type` is required"), "{e:?}");
    assert_eq!(e[0].1, 3);

    let e = doc_errors(
        "data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    action = [\"kms:*\"]\n  }\n  source_json = \"{}\"\n  foo {}\n}\n",
    );
    let lines: Vec<usize> = e.iter().map(|(_, l)| *l).collect();
    assert_eq!(lines, vec![5, 6, 3], "{e:?}");

    let e = doc_errors(
        "data \"aws_iam_policy_document\" \"a\" {\n  statement {\n    sid = \"X\"\n  }\n}\n\
         data \"aws_iam_policy_document\" \"d\" {\n  source_policy_documents = [data.aws_iam_policy_document.a.json, data.aws_iam_policy_document.a.json]\n}\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].0.contains("duplicate Sid `X`"), "{e:?}");
    assert_eq!(e[0].1, 3);

    let e = doc_errors(
        "data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    sid = \"X\"\n  }\n  statement {\n    sid = \"X\"\n  }\n}\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].1, 6);

    let e = doc_errors(
        "data \"aws_iam_policy_document\" \"d\" {\n  source_policy_documents = [data.aws_iam_policy_document.d.json]\n}\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].0.contains("refers to itself"), "{e:?}");
    assert_eq!(e[0].1, 2);

    let e = doc_errors("data \"aws_iam_policy_document\" \"d\" {\n  override_policy_documents = [\"{not json\"]\n}\n");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].0.contains("not valid JSON"), "{e:?}");
}
