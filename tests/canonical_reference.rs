//! An independent reference implementation of the canonical form (CLI-CONTRACT.md, rules
//! 1-11), applied to the JSON Terraform produced for every `policy_*` oracle case, must
//! agree byte for byte with what kmsc emits for the same Terraform source.

use std::path::{Path, PathBuf};

use kmsc::compile::{Options, compile_path};

mod common;
use common::reference_canonical;

#[test]
fn policy_cases_emit_the_contracts_canonical_form() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/oracle/differential");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("policy_"))
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 200);
    let mut failures = Vec::new();
    for dir in &dirs {
        let expected = reference_canonical(&std::fs::read_to_string(dir.join("expected.txt")).unwrap());
        let c = compile_path(&dir.join("main.tf"), &Options::default()).unwrap();
        let got = c.policies.iter().find(|p| p.address == "aws_kms_key.k").and_then(|p| p.canonical.clone());
        if got.as_deref() != Some(expected.as_str()) {
            failures.push(format!("{}:\n--- expected\n{expected}--- got\n{}", dir.display(), got.unwrap_or_default()));
        }
    }
    assert!(failures.is_empty(), "{} of 200 differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn reference_expands_accounts_and_sorts() {
    // The reference itself must follow the contract (a check that can fail).
    let out = reference_canonical(
        r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["kms:b","kms:a","kms:a"],"Resource":"*"},"Version":"2012-10-17"}"#,
    );
    assert_eq!(
        out,
        "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": {\n        \"AWS\": [\n          \"arn:aws:iam::111122223333:root\"\n        ]\n      },\n      \"Action\": [\n        \"kms:a\",\n        \"kms:b\"\n      ],\n      \"Resource\": [\n        \"*\"\n      ]\n    }\n  ]\n}\n"
    );
}
