//! Terraform's own answers (recorded from Terraform v1.11.4) as tests: every
//! `differential` case and every line of `jsonencode.tsv` must come out byte for byte.

use std::path::{Path, PathBuf};

use kmsc::compile::{Options, compile_path, compile_sources};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/oracle")
}

/// The `--emit terraform` string of `aws_kms_key.k`, or the diagnostics explaining why not.
fn terraform_string(c: &kmsc::compile::Compilation) -> Result<String, String> {
    match c.policies.iter().find(|p| p.address == "aws_kms_key.k") {
        Some(p) => match &p.terraform {
            Some(s) => Ok(s.clone()),
            None => Err(format!("unknown: {:?}", p.value.first_unknown())),
        },
        None => Err(c.diagnostics.iter().map(|d| format!("{}: {}", d.code, d.message)).collect::<Vec<_>>().join("\n")),
    }
}

#[test]
fn differential_cases_match_terraform() {
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(data().join("differential")).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    assert_eq!(dirs.len(), 589, "the recorded corpus has 589 cases");
    let mut failures = Vec::new();
    for dir in &dirs {
        let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
        let c = compile_path(&dir.join("main.tf"), &Options::default()).unwrap();
        match terraform_string(&c) {
            Ok(got) if got == expected => {}
            Ok(got) => failures.push(format!("{}:\n  expected {expected}\n  got      {got}", dir.display())),
            Err(e) => failures.push(format!("{}:\n  expected {expected}\n  error    {e}", dir.display())),
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), dirs.len(), failures.join("\n"));
}

#[test]
fn jsonencode_vectors_match_terraform() {
    let setup = std::fs::read_to_string(data().join("jsonencode_setup.tf")).unwrap();
    let tsv = std::fs::read_to_string(data().join("jsonencode.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for line in tsv.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        count += 1;
        let (expr, expected) = line.split_once('\t').expect("expression<TAB>result");
        let expected: Option<String> =
            if expected == "-" { None } else { Some(serde_json::from_str(expected).expect("a JSON string literal")) };
        let main = format!(
            "{setup}\nresource \"terraform_data\" \"x\" {{}}\nresource \"aws_kms_key\" \"k\" {{\n  policy = {expr}\n}}\n"
        );
        let c = compile_sources(vec![(PathBuf::from("main.tf"), main)], &Options::default());
        let got = terraform_string(&c).ok();
        if got != expected {
            failures.push(format!("{expr}\n  expected {expected:?}\n  got      {got:?}"));
        }
    }
    assert_eq!(count, 111);
    assert!(failures.is_empty(), "{} vectors differ:\n{}", failures.len(), failures.join("\n"));
}

/// The same answers through the command line, exactly as the contract states it:
/// `kmsc build DIR/main.tf --key aws_kms_key.k --emit terraform` prints `expected.txt` and
/// one newline, for every differential and policy-document case.
#[test]
fn command_line_prints_terraforms_string_for_every_case() {
    let mut failures = Vec::new();
    let mut count = 0;
    for corpus in ["differential", "policy-document"] {
        let mut dirs: Vec<PathBuf> =
            std::fs::read_dir(data().join(corpus)).unwrap().map(|e| e.unwrap().path()).collect();
        dirs.sort();
        for dir in dirs {
            count += 1;
            let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
            let main = dir.join("main.tf");
            let o = std::process::Command::new(env!("CARGO_BIN_EXE_kmsc"))
                .args(["build", main.to_str().unwrap(), "--key", "aws_kms_key.k", "--emit", "terraform"])
                .output()
                .unwrap();
            if o.stdout != format!("{expected}\n").as_bytes() {
                failures.push(dir.display().to_string());
            }
        }
    }
    assert_eq!(count, 589 + 120);
    assert!(failures.is_empty(), "{} cases differ: {failures:?}", failures.len());
}
