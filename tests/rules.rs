//! Every rule's fixtures: `tests/fixtures/rules/<CODE>-<name>/bad.tf` must trigger the code
//! (rendered human and JSON output are snapshots) and `clean.tf` must produce no diagnostic
//! at all. A fixture directory may hold more `.tf`/`.tfvars` files used by both.

use std::path::{Path, PathBuf};

use kmsc::compile::{Compilation, Options, compile_path};
use kmsc::render::{Format, render};

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    dirs
}

/// Compiles one fixture file (alone with its tfvars), from the fixture directory so that
/// paths in the output are short and stable.
fn compile_fixture(dir: &Path, file: &str) -> Compilation {
    let cwd = std::env::current_dir().unwrap();
    let rel = dir.join(file).strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or_else(|_| dir.join(file));
    compile_path(&rel, &Options::default()).unwrap()
}

fn code_of(dir: &Path) -> String {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    name.split('-').next().unwrap().to_string()
}

#[test]
fn every_rule_has_fixtures() {
    let have: Vec<String> = fixtures().iter().map(|d| code_of(d)).collect();
    let missing: Vec<&str> =
        kmsc::rules::all().iter().map(|r| r.info.code).filter(|c| !have.iter().any(|h| h == c)).collect();
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
}

#[test]
fn bad_fixtures_trigger_their_rule() {
    let mut failures = Vec::new();
    for dir in fixtures() {
        let code = code_of(&dir);
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let c = compile_fixture(&dir, "bad.tf");
        if !c.diagnostics.iter().any(|d| d.code == code) {
            failures.push(format!(
                "{name}: bad.tf does not trigger {code}; got {:?}",
                c.diagnostics.iter().map(|d| (d.code, &d.message)).collect::<Vec<_>>()
            ));
        }
        let human = render(&c.sources, &c.diagnostics, Format::Human, false);
        let json = render(&c.sources, &c.diagnostics, Format::Json, false);
        insta::assert_snapshot!(format!("{name}__human"), human);
        insta::assert_snapshot!(format!("{name}__json"), json);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn clean_fixtures_stay_silent() {
    let mut failures = Vec::new();
    for dir in fixtures() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let c = compile_fixture(&dir, "clean.tf");
        if !c.diagnostics.is_empty() {
            failures.push(format!(
                "{name}: clean.tf reports:\n{}",
                render(&c.sources, &c.diagnostics, Format::Human, false)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `tests/fixtures/all-rules/main.tf` (written by `scripts/gen-all-rules.py` from the bad
/// fixtures) triggers every rule at once.
#[test]
fn one_file_triggers_every_rule() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/all-rules");
    let c = compile_fixture(&dir, "main.tf");
    let missing: Vec<&str> = kmsc::rules::all()
        .iter()
        .map(|r| r.info.code)
        .filter(|code| !c.diagnostics.iter().any(|d| d.code == *code))
        .collect();
    assert!(missing.is_empty(), "not triggered: {missing:?}");
    insta::assert_snapshot!("all_rules__human", render(&c.sources, &c.diagnostics, Format::Human, false));
}

/// `kmsc explain` documents every code: what it catches, why it matters, an example and
/// its fix.
#[test]
fn every_code_is_explained() {
    for info in kmsc::rules::all_codes() {
        let e = info.explanation;
        assert!(e.contains("Why"), "{}: no reason", info.code);
        assert!(e.contains("Example"), "{}: no example", info.code);
        assert!(e.contains("Fix") || e.contains("Use instead"), "{}: no fix", info.code);
    }
}
