//! Inputs that once crashed a fuzz target (`tests/fuzz_regressions/<target>/`), and a
//! sample of the seed corpora (`fuzz/seeds/<target>/`), replayed through the very code the
//! targets run (`fuzz/src/lib.rs`), under plain `cargo test`: no cargo-fuzz, no nightly.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod harness;

/// Seeds replayed per target: one in `SEED_STEP`, so the test stays quick.
const SEED_STEP: usize = 10;

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

/// Runs `target` on every regression file and a sample of the seeds; fails listing every
/// input that panicked.
fn replay(name: &str, target: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let regressions = files(&root.join("tests/fuzz_regressions").join(name));
    let seeds = files(&root.join("fuzz/seeds").join(name));
    assert!(!seeds.is_empty(), "no seeds for `{name}` in fuzz/seeds/{name}");
    let inputs: Vec<PathBuf> = regressions.into_iter().chain(seeds.into_iter().step_by(SEED_STEP)).collect();
    let mut failed = Vec::new();
    for path in &inputs {
        let data = std::fs::read(path).unwrap();
        if catch_unwind(AssertUnwindSafe(|| target(&data))).is_err() {
            failed.push(path.strip_prefix(root).unwrap_or(path).display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "`{name}` panicked on {} of {} inputs:\n{}",
        failed.len(),
        inputs.len(),
        failed.join("\n")
    );
}

#[test]
fn hcl_text() {
    replay("hcl_text", harness::hcl_text);
}

#[test]
fn values() {
    replay("values", harness::values);
}

#[test]
fn canonical_roundtrip() {
    replay("canonical_roundtrip", harness::canonical_roundtrip);
}
