//! The hooks of `.pre-commit-hooks.yaml`, run by the real `pre-commit` in a temporary git
//! repository whose `.pre-commit-config.yaml` declares them as `repo: local` hooks, copied
//! verbatim from the manifest, with the kmsc under test first on PATH.
//!
//! Without `pre-commit` (or `git`) the tests fail when `CI` is set and are skipped with a
//! notice otherwise: `pip install pre-commit` provides it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const KMSC: &str = env!("CARGO_BIN_EXE_kmsc");

/// A module in two files: the policy in `main.tf`, the account it uses in `locals.tf`.
const LOCALS: &str = "locals {\n  account = \"111122223333\"\n}\n";

fn main_tf(principal: &str) -> String {
    format!(
        r#"resource "aws_kms_key" "app" {{
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "Root"
      Effect    = "Allow"
      Principal = {{ AWS = "{principal}" }}
      Action    = "kms:*"
      Resource  = "*"
    }}]
  }})
}}
"#
    )
}

const BROKEN: &str = "arn:aws:iam::[ACCOUNT_ID]:root";
const FIXED: &str = "arn:aws:iam::${local.account}:root";

/// Whether `program --version` runs; if not, fails under CI and returns false elsewhere.
fn available(program: &str) -> bool {
    if Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success()) {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "`{program}` is not installed, and CI is set: the pre-commit hooks cannot be tested (`pip install pre-commit`)"
        );
    }
    eprintln!(
        "notice: `{program}` is not installed; skipping the pre-commit hook test (`pip install pre-commit` to run it)"
    );
    false
}

/// PATH with the directory of the kmsc under test first.
fn path_env() -> OsString {
    let bin = Path::new(KMSC).parent().unwrap().to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&rest))).unwrap()
}

/// Without the variables that would point git at another repository (as when the tests
/// run from a git hook).
fn clean(cmd: &mut Command) -> &mut Command {
    for var in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR"] {
        cmd.env_remove(var);
    }
    cmd
}

struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// A git repository whose `.pre-commit-config.yaml` holds the hooks of this crate's
    /// `.pre-commit-hooks.yaml` as local hooks; `extra` lines go into the hook with `id`.
    fn new(extra: &[(&str, &str)]) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repo { dir };
        repo.git(&["init", "-q"]);
        let manifest =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml")).unwrap();
        let mut config = String::from("repos:\n  - repo: local\n    hooks:\n");
        for line in manifest.lines() {
            config.push_str("      ");
            config.push_str(line);
            config.push('\n');
            if let Some(id) = line.strip_prefix("- id: ") {
                for (hook, l) in extra {
                    if *hook == id.trim() {
                        config.push_str(&format!("        {l}\n"));
                    }
                }
            }
        }
        repo.write(".pre-commit-config.yaml", &config);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, file: &str, text: &str) {
        let p = self.path().join(file);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn git(&self, args: &[&str]) {
        let o = clean(&mut Command::new("git")).args(args).current_dir(self.path()).output().expect("git runs");
        assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    }

    fn cache(&self) -> PathBuf {
        self.path().join(".git").join("pre-commit-home")
    }

    /// Stages everything, then runs `pre-commit run HOOK ARGS...`; (success, output).
    fn pre_commit(&self, hook: &str, args: &[&str]) -> (bool, String) {
        self.git(&["add", "-A"]);
        let o: Output = clean(&mut Command::new("pre-commit"))
            .args(["run", hook, "--color", "never"])
            .args(args)
            .current_dir(self.path())
            .env("PATH", path_env())
            .env("PRE_COMMIT_HOME", self.cache())
            .env("NO_COLOR", "1")
            .output()
            .expect("pre-commit runs");
        let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        (o.status.success(), text)
    }

    fn kmsc(&self, args: &[&str]) -> Output {
        Command::new(KMSC).args(args).current_dir(self.path()).env("NO_COLOR", "1").output().expect("kmsc runs")
    }
}

#[test]
fn kmsc_check_hook_fails_on_a_placeholder_and_passes_once_fixed() {
    if !available("git") || !available("pre-commit") {
        return;
    }
    let repo = Repo::new(&[]);
    repo.write("infra/locals.tf", LOCALS);
    repo.write("infra/main.tf", &main_tf(BROKEN));
    repo.write("README.md", "not Terraform\n");

    let (ok, out) = repo.pre_commit("kmsc-check", &["--all-files"]);
    assert!(!ok, "the hook passed on a placeholder principal:\n{out}");
    assert!(out.contains("KMS201"), "{out}");
    assert!(out.contains("infra/main.tf"), "{out}");
    assert!(out.contains("Failed"), "{out}");

    repo.write("infra/main.tf", &main_tf(FIXED));
    let (ok, out) = repo.pre_commit("kmsc-check", &["--all-files"]);
    assert!(ok, "the hook failed on a correct policy:\n{out}");
    assert!(out.contains("Passed"), "{out}");

    // Only `main.tf` changed: its whole module is checked, so `local.account` resolves.
    let (ok, out) = repo.pre_commit("kmsc-check", &["--files", "infra/main.tf"]);
    assert!(ok, "{out}");
    // No Terraform file changed: the hook does not run.
    let (ok, out) = repo.pre_commit("kmsc-check", &["--files", "README.md"]);
    assert!(ok && out.contains("no files to check"), "{out}");
}

#[test]
fn kmsc_golden_hook_fails_when_the_golden_files_are_stale() {
    if !available("git") || !available("pre-commit") {
        return;
    }
    // `build --out-dir/--check` may not be part of this build yet.
    let help = Command::new(KMSC).args(["build", "--help"]).output().expect("kmsc runs");
    if !String::from_utf8_lossy(&help.stdout).contains("--out-dir") {
        eprintln!("notice: `kmsc build` has no `--out-dir` yet; skipping the kmsc-golden hook test");
        return;
    }
    let repo = Repo::new(&[("kmsc-golden", "args: [--out-dir, policies, -r, .]")]);
    repo.write("infra/locals.tf", LOCALS);
    repo.write("infra/main.tf", &main_tf(FIXED));
    let o = repo.kmsc(&["build", "--out-dir", "policies", "-r", "."]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let (ok, out) = repo.pre_commit("kmsc-golden", &["--all-files"]);
    assert!(ok, "the golden files were just written:\n{out}");

    repo.write("infra/main.tf", &main_tf("arn:aws:iam::444455556666:root"));
    let (ok, out) = repo.pre_commit("kmsc-golden", &["--all-files"]);
    assert!(!ok, "the golden files are stale:\n{out}");
}
