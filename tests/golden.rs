//! Golden files: `build --out-dir DIR` and `build --out-dir DIR --check`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kmsc(dir: &Path, args: &[&str]) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_kmsc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("TF_VAR_name")
        .output()
        .expect("kmsc runs");
    // No run, whatever its outcome, leaves a temporary file behind.
    assert_eq!(temporaries(dir), Vec::<PathBuf>::new(), "{args:?}");
    o
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// What is at a path: a file's bytes, a symlink's target, or a directory.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    File(Vec<u8>),
    Link(PathBuf),
    Dir,
}

/// Every path below `root` (relative to it), symlinks not followed.
fn listing(root: &Path) -> BTreeMap<PathBuf, Entry> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Entry>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries {
            let e = e.unwrap();
            let path = e.path();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            let t = e.file_type().unwrap();
            if t.is_symlink() {
                out.insert(rel, Entry::Link(std::fs::read_link(&path).unwrap()));
            } else if t.is_dir() {
                out.insert(rel, Entry::Dir);
                walk(root, &path, out);
            } else {
                out.insert(rel, Entry::File(std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn temporaries(root: &Path) -> Vec<PathBuf> {
    listing(root).into_keys().filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(".kmsc-tmp-")).collect()
}

fn files_of(dir: &Path) -> Vec<String> {
    listing(dir).into_iter().filter(|(_, e)| *e != Entry::Dir).map(|(p, _)| p.to_string_lossy().into_owned()).collect()
}

/// A module with one key per `for_each` key (or a single `aws_kms_key.app` when `keys`
/// is empty) allowing `action` to a role besides the account root.
fn module(keys: &[&str], action: &str) -> String {
    let for_each = if keys.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
        format!("  for_each = toset([{}])\n", list.join(", "))
    };
    format!(
        r#"resource "aws_kms_key" "app" {{
{for_each}  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Sid       = "Root"
        Effect    = "Allow"
        Principal = {{ AWS = "arn:aws:iam::111122223333:root" }}
        Action    = "kms:*"
        Resource  = "*"
      }},
      {{
        Sid       = "App"
        Effect    = "Allow"
        Principal = {{ AWS = "arn:aws:iam::111122223333:role/app" }}
        Action    = ["{action}"]
        Resource  = "*"
      }},
    ]
  }})
}}
"#
    )
}

/// A module that fails: no statement lets anyone manage the key (a lock-out error).
const LOCKED_OUT: &str = r#"resource "aws_kms_key" "app" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:role/app" }, Action = "kms:Decrypt", Resource = "*" }]
  })
}
"#;

/// `root/m/main.tf`.
fn workspace(main_tf: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("m")).unwrap();
    std::fs::write(root.path().join("m/main.tf"), main_tf).unwrap();
    root
}

#[test]
fn build_check_edit_check_rebuild_check() {
    let ws = workspace(&module(&[], "kms:Decrypt"));
    let root = ws.path();
    let o = kmsc(root, &["build", "m", "--out-dir", "golden"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(files_of(&root.join("golden")), vec![".kmsc-manifest", "aws_kms_key.app.json"]);
    assert_eq!(std::fs::read_to_string(root.join("golden/.kmsc-manifest")).unwrap(), "aws_kms_key.app.json\n");
    // The file is exactly what `build --key` prints.
    let printed = kmsc(root, &["build", "m", "--key", "aws_kms_key.app"]);
    assert_eq!(std::fs::read(root.join("golden/aws_kms_key.app.json")).unwrap(), printed.stdout);

    let o = kmsc(root, &["build", "m", "--out-dir", "golden", "--check"]);
    assert_eq!((o.status.code(), stdout(&o).as_str()), (Some(0), ""), "{}", stderr(&o));

    std::fs::write(root.join("m/main.tf"), module(&[], "kms:Encrypt")).unwrap();
    let before = listing(root);
    let o = kmsc(root, &["build", "m", "--out-dir", "golden", "--check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "--- a/aws_kms_key.app.json
+++ b/aws_kms_key.app.json
@@ -25,7 +25,7 @@
         ]
       },
       \"Action\": [
-        \"kms:Decrypt\"
+        \"kms:Encrypt\"
       ],
       \"Resource\": [
         \"*\"
"
    );
    assert_eq!(listing(root), before, "--check writes nothing");

    let o = kmsc(root, &["build", "m", "--out-dir", "golden"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::read_to_string(root.join("golden/aws_kms_key.app.json")).unwrap().contains("\"kms:Encrypt\""));
    let o = kmsc(root, &["build", "m", "--out-dir", "golden", "--check"]);
    assert_eq!((o.status.code(), stdout(&o).as_str()), (Some(0), ""), "{}", stderr(&o));
}

#[test]
fn missing_file_and_missing_dir_are_differences() {
    let ws = workspace(&module(&[], "kms:Decrypt"));
    let root = ws.path();
    let o = kmsc(root, &["build", "m", "--out-dir", "nowhere/golden", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.starts_with("--- a/.kmsc-manifest\n+++ b/.kmsc-manifest\n@@ -0,0 +1 @@\n+aws_kms_key.app.json\n"),
        "{out}"
    );
    assert!(out.contains("--- a/aws_kms_key.app.json\n+++ b/aws_kms_key.app.json\n@@ -0,0 +1,35 @@\n+{\n"), "{out}");
    assert!(!root.join("nowhere").exists(), "--check creates nothing");
    // The directory is created with its parents.
    let o = kmsc(root, &["build", "m", "--out-dir", "nowhere/golden"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::remove_file(root.join("nowhere/golden/aws_kms_key.app.json")).unwrap();
    let o = kmsc(root, &["build", "m", "--out-dir", "nowhere/golden", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("--- a/aws_kms_key.app.json\n+++ b/aws_kms_key.app.json\n@@ -0,0 +1,35 @@\n"));
}

#[test]
fn a_failing_build_leaves_the_directory_untouched() {
    let ws = workspace(&module(&["one", "two"], "kms:Decrypt"));
    let root = ws.path();
    let o = kmsc(root, &["build", "m", "--out-dir", "golden"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::write(root.join("golden/README.md"), "hand-written\n").unwrap();
    std::fs::write(root.join("golden/aws_kms_key.app[%22one%22].json"), "edited by hand\n").unwrap();
    let before = listing(root);

    // The module now fails (a lock-out error) and produces another key: nothing is
    // written, changed, or removed as stale.
    std::fs::write(root.join("m/main.tf"), LOCKED_OUT).unwrap();
    let mut expected = before;
    expected.insert(PathBuf::from("m/main.tf"), Entry::File(LOCKED_OUT.as_bytes().to_vec()));
    for check in [false, true] {
        let mut args = vec!["build", "m", "--out-dir", "golden"];
        if check {
            args.push("--check");
        }
        let o = kmsc(root, &args);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("KMS601"), "{}", stderr(&o));
        assert_eq!(stdout(&o), "");
        assert_eq!(listing(root), expected);
    }
    // A failing build does not create the directory either.
    let o = kmsc(root, &["build", "m", "--out-dir", "fresh"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!root.join("fresh").exists());
    // A failure from `--deny warnings` counts too; a mere warning does not.
    let o = kmsc(root, &["build", "m", "--out-dir", "fresh", "--warn", "KMS601", "--deny", "warnings"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!root.join("fresh").exists());
    let o = kmsc(root, &["build", "m", "--out-dir", "fresh", "--warn", "KMS601"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(files_of(&root.join("fresh")), vec![".kmsc-manifest", "aws_kms_key.app.json"]);
}

#[test]
fn kmsc_could_not_do_its_job() {
    let ws = workspace(&module(&[], "kms:Decrypt"));
    let root = ws.path();
    std::fs::write(root.join("plain-file"), "x").unwrap();
    let before = listing(root);
    for args in [
        &["build", "m", "--out-dir", "plain-file"][..],
        &["build", "m", "--out-dir", "plain-file/sub"],
        &["build", "m", "--check"],
        &["build", "m", "--out-dir", "golden", "--emit", "terraform"],
        &["build", "m", "--out-dir", "golden", "--key", "aws_kms_key.app"],
    ] {
        let o = kmsc(root, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), "");
        assert_eq!(listing(root), before, "{args:?}");
    }
}

#[test]
fn for_each_keys_never_escape_the_directory() {
    let base = tempfile::tempdir().unwrap();
    // `base/a/b/m` is the module and `base/a/b/golden` the directory: `../../x` from it
    // would land in `base/a`, which is walked below.
    let work = base.path().join("a/b");
    std::fs::create_dir_all(work.join("m")).unwrap();
    let keys = ["../../etc/passwd", "a/b", "a%2Fb", "../escape", "/abs", "..", "x\\..\\y", "鍵"];
    std::fs::write(work.join("m/main.tf"), module(&keys, "kms:Decrypt")).unwrap();
    let outside_before = listing(base.path());
    let parent = base.path().parent().unwrap();
    let etc_before = std::fs::symlink_metadata(parent.join("etc")).is_ok();

    let o = kmsc(&work, &["build", "m", "--out-dir", "golden"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let mut after = listing(base.path());
    let golden = after.keys().filter(|p| p.starts_with("a/b/golden")).cloned().collect::<Vec<_>>();
    for p in &golden {
        after.remove(p);
    }
    assert_eq!(after, outside_before, "nothing is created outside the directory");
    assert_eq!(std::fs::symlink_metadata(parent.join("etc")).is_ok(), etc_before);
    let names = files_of(&work.join("golden"));
    // Every file is directly in the directory, one per key, all distinct.
    assert_eq!(names.len(), keys.len() + 1, "{names:?}");
    assert!(names.iter().all(|n| !n.contains('/')), "{names:?}");
    assert!(names.contains(&"aws_kms_key.app[%22..%2F..%2Fetc%2Fpasswd%22].json".to_string()), "{names:?}");
    assert!(names.contains(&"aws_kms_key.app[%22a%2Fb%22].json".to_string()), "{names:?}");
    assert!(names.contains(&"aws_kms_key.app[%22a%252Fb%22].json".to_string()), "{names:?}");
    assert!(names.contains(&"aws_kms_key.app[%22%E9%8D%B5%22].json".to_string()), "{names:?}");
    let o = kmsc(&work, &["build", "m", "--out-dir", "golden", "--check"]);
    assert_eq!((o.status.code(), stdout(&o).as_str()), (Some(0), ""));
}

#[test]
fn several_root_modules_get_subfolders() {
    let base = tempfile::tempdir().unwrap();
    let work = base.path().join("w");
    for m in ["envs/prod", "envs/dev", "other"] {
        std::fs::create_dir_all(work.join(m)).unwrap();
        std::fs::write(work.join(m).join("main.tf"), module(&[], "kms:Decrypt")).unwrap();
    }
    let o = kmsc(&work, &["build", "-r", ".", "--out-dir", "golden"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        files_of(&work.join("golden")),
        vec![
            ".kmsc-manifest",
            "envs/dev/aws_kms_key.app.json",
            "envs/prod/aws_kms_key.app.json",
            "other/aws_kms_key.app.json"
        ]
    );
    // A module given as `../x` stays inside: `..` is encoded.
    let o = kmsc(&work.join("other"), &["build", ".", "../envs/prod", "--out-dir", "g"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        files_of(&work.join("other/g")),
        vec!["%2E./envs/prod/aws_kms_key.app.json", ".kmsc-manifest", "aws_kms_key.app.json"]
    );
    // Removing a module removes its files and the subfolders left empty.
    std::fs::remove_dir_all(work.join("envs/dev")).unwrap();
    let o = kmsc(&work, &["build", "-r", ".", "--out-dir", "golden", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o)
            .contains("--- a/envs/dev/aws_kms_key.app.json\n+++ b/envs/dev/aws_kms_key.app.json\n@@ -1,35 +0,0 @@\n")
    );
    let o = kmsc(&work, &["build", "-r", ".", "--out-dir", "golden"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!work.join("golden/envs/dev").exists());
    assert!(work.join("golden/envs/prod/aws_kms_key.app.json").exists());
}

#[test]
fn stale_files_are_removed_and_other_files_left_alone() {
    let ws = workspace(&module(&["one", "two"], "kms:Decrypt"));
    let root = ws.path();
    let o = kmsc(root, &["build", "m", "--out-dir", "golden"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let two = "aws_kms_key.app[%22two%22].json";
    let golden = root.join("golden");
    std::fs::write(golden.join("README.md"), "hand-written\n").unwrap();
    // Looks like a policy, but kmsc never wrote it.
    std::fs::write(golden.join("aws_kms_key.legacy.json"), "{}\n").unwrap();
    std::fs::create_dir(golden.join("notes")).unwrap();
    std::fs::write(golden.join("notes/n.txt"), "n\n").unwrap();

    std::fs::write(root.join("m/main.tf"), module(&["one"], "kms:Decrypt")).unwrap();
    let o = kmsc(root, &["build", "m", "--out-dir", "golden", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.starts_with(&format!(
            "--- a/.kmsc-manifest\n+++ b/.kmsc-manifest\n@@ -1,2 +1 @@\n aws_kms_key.app[%22one%22].json\n-{two}\n--- a/{two}\n+++ b/{two}\n@@ -1,35 +0,0 @@\n-{{\n"
        )),
        "{out}"
    );
    assert!(!out.contains("README") && !out.contains("legacy") && !out.contains("notes"), "{out}");
    assert!(golden.join(two).exists());

    let o = kmsc(root, &["build", "m", "--out-dir", "golden"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        files_of(&golden),
        vec![
            ".kmsc-manifest",
            "README.md",
            "aws_kms_key.app[%22one%22].json",
            "aws_kms_key.legacy.json",
            "notes/n.txt"
        ]
    );
    assert_eq!(std::fs::read_to_string(golden.join("README.md")).unwrap(), "hand-written\n");
    assert_eq!(std::fs::read_to_string(golden.join(".kmsc-manifest")).unwrap(), "aws_kms_key.app[%22one%22].json\n");
    let o = kmsc(root, &["build", "m", "--out-dir", "golden", "--check"]);
    assert_eq!((o.status.code(), stdout(&o).as_str()), (Some(0), ""));

    // A stale file already deleted by hand is simply forgotten.
    std::fs::write(root.join("m/main.tf"), module(&["three"], "kms:Decrypt")).unwrap();
    let o = kmsc(root, &["build", "m", "--out-dir", "golden"]);
    assert_eq!(o.status.code(), Some(0));
    std::fs::write(root.join("m/main.tf"), module(&["four"], "kms:Decrypt")).unwrap();
    std::fs::remove_file(golden.join("aws_kms_key.app[%22three%22].json")).unwrap();
    let o = kmsc(root, &["build", "m", "--out-dir", "golden"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(golden.join(".kmsc-manifest")).unwrap(), "aws_kms_key.app[%22four%22].json\n");
}

#[test]
fn a_tampered_manifest_cannot_delete_outside() {
    let ws = workspace(&module(&[], "kms:Decrypt"));
    let root = ws.path();
    std::fs::create_dir(root.join("golden")).unwrap();
    std::fs::write(root.join("victim"), "keep\n").unwrap();
    std::fs::write(root.join("golden/.kmsc-manifest"), "../victim\n/etc/hostname\n../m/main.tf\n").unwrap();
    let o = kmsc(root, &["build", "m", "--out-dir", "golden"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(root.join("victim")).unwrap(), "keep\n");
    assert!(root.join("m/main.tf").exists());
    assert_eq!(std::fs::read_to_string(root.join("golden/.kmsc-manifest")).unwrap(), "aws_kms_key.app.json\n");
}

#[cfg(unix)]
#[test]
fn symlinks_inside_the_directory_are_not_followed() {
    use std::os::unix::fs::symlink;
    let ws = workspace(&module(&[], "kms:Decrypt"));
    let root = ws.path();
    std::fs::create_dir_all(root.join("outside")).unwrap();
    std::fs::write(root.join("outside/target.json"), "do not touch\n").unwrap();
    std::fs::create_dir(root.join("golden")).unwrap();
    symlink(root.join("outside/target.json"), root.join("golden/aws_kms_key.app.json")).unwrap();

    // `--check` sees a link, not the file it points to.
    let o = kmsc(root, &["build", "m", "--out-dir", "golden", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(
            "--- a/aws_kms_key.app.json\n+++ b/aws_kms_key.app.json\n# a/aws_kms_key.app.json is a symbolic link\n@@ -0,0 +1,35 @@\n"
        ),
        "{}",
        stdout(&o)
    );

    let o = kmsc(root, &["build", "m", "--out-dir", "golden"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(root.join("outside/target.json")).unwrap(), "do not touch\n");
    let meta = std::fs::symlink_metadata(root.join("golden/aws_kms_key.app.json")).unwrap();
    assert!(meta.is_file(), "the link itself was replaced");
    assert!(std::fs::read_to_string(root.join("golden/aws_kms_key.app.json")).unwrap().contains("kms:Decrypt"));

    // A symlinked subfolder is refused (exit 2), and nothing is written anywhere.
    std::fs::create_dir_all(root.join("envs/prod")).unwrap();
    std::fs::write(root.join("envs/prod/main.tf"), module(&[], "kms:Decrypt")).unwrap();
    std::fs::create_dir(root.join("outside/dir")).unwrap();
    symlink(root.join("outside/dir"), root.join("golden/envs")).unwrap();
    let before = listing(root);
    let o = kmsc(root, &["build", "m", "envs/prod", "--out-dir", "golden"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert_eq!(listing(root), before);
    assert_eq!(std::fs::read_dir(root.join("outside/dir")).unwrap().count(), 0);
}
