//! Golden files: `build --out-dir DIR` writes each canonical policy to `DIR/<address>.json`
//! and `--check` compares DIR with what would be written.
//!
//! Rules:
//! - A file name is the resource address percent-encoded (every byte of a character outside
//!   `A-Za-z0-9._-[]` as `%XX`, `%` included) followed by `.json`: whatever a `for_each` key
//!   holds, the name has no `/`, is never `.` or `..`, and two addresses never share one.
//! - With several root modules, each gets the subfolder of its relative path; each path
//!   component is encoded the same way, with a leading `.` encoded too (so `..` becomes
//!   `%2E.`), `.` and empty components dropped and an absolute path's root becoming `%2F`.
//! - Every file is written to a temporary file in its own directory, then renamed over the
//!   target: a symlink in DIR is replaced, never followed. A symlinked or non-directory
//!   parent inside DIR is refused.
//! - kmsc only deletes what it wrote: `DIR/.kmsc-manifest` lists the files it wrote (one
//!   relative path per line, `/`-separated, sorted). A listed file that no key produces any
//!   more is stale and removed; anything else in DIR is never touched.
//!
//! `plan` only reads; `write` and `check` act on the plan. The caller decides whether to
//! write at all (nothing is written when the build has errors).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Component, Path, PathBuf};

/// The manifest of the files kmsc wrote, at the top of the output directory.
pub const MANIFEST: &str = ".kmsc-manifest";
/// Prefix of temporary files (`.kmsc-tmp-<pid>-<n>`), which never outlive a run.
const TMP_PREFIX: &str = ".kmsc-tmp-";
/// The longest file name most file systems accept, in bytes.
const MAX_NAME: usize = 255;

/// The file name of the policy of `address`: its percent-encoding plus `.json`.
pub fn file_name(address: &str) -> String {
    let mut out = encode(address);
    out.push_str(".json");
    out
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'[' | b']') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One directory component: encoded, and a leading `.` encoded so that no component is
/// `.`, `..` or hidden.
fn encode_component(s: &str) -> String {
    match s.strip_prefix('.') {
        Some(rest) => format!("%2E{}", encode(rest)),
        None => encode(s),
    }
}

/// The subfolder of a root module whose prefix (its path as given, relative to the working
/// directory) is `prefix`; `.` is DIR itself.
pub fn module_dir(prefix: &str) -> PathBuf {
    let mut out = PathBuf::new();
    let sep = |c: char| c == '/' || std::path::is_separator(c);
    if prefix.starts_with(sep) {
        out.push("%2F");
    }
    for part in prefix.split(sep) {
        if part.is_empty() || part == "." {
            continue;
        }
        out.push(encode_component(part));
    }
    out
}

/// The path, relative to DIR, of the policy of `address` in the root module `module`
/// (`None` when there is only one root module).
pub fn rel_path(module: Option<&str>, address: &str) -> PathBuf {
    let mut out = module.map(module_dir).unwrap_or_default();
    out.push(file_name(address));
    out
}

/// What is at a path in DIR now (symlinks not followed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Existing {
    Absent,
    File(Vec<u8>),
    Symlink,
    /// A FIFO, socket or device.
    Other,
}

/// A file the build produces.
#[derive(Clone, Debug)]
pub struct Planned {
    /// Relative to DIR.
    pub rel: PathBuf,
    pub content: String,
    pub existing: Existing,
}

impl Planned {
    /// Whether writing would change DIR.
    pub fn changes(&self) -> bool {
        !matches!(&self.existing, Existing::File(b) if *b == self.content.as_bytes())
    }
}

/// A file kmsc wrote earlier that no key produces any more.
#[derive(Clone, Debug)]
pub struct Stale {
    pub rel: PathBuf,
    pub existing: Existing,
}

/// What `write` would do to DIR, from what DIR holds now.
#[derive(Clone, Debug)]
pub struct Plan {
    pub dir: PathBuf,
    /// Sorted by path.
    pub files: Vec<Planned>,
    /// Listed in the manifest, still present, produced no more; sorted.
    pub stale: Vec<Stale>,
    /// The valid entries of the current manifest.
    pub old_manifest: Vec<String>,
    /// The manifest file as it is.
    pub manifest_existing: Existing,
}

impl Plan {
    /// The manifest text after `write`.
    pub fn manifest(&self) -> String {
        manifest_text(self.files.iter().map(|f| slash_path(&f.rel)))
    }

    fn manifest_changes(&self) -> bool {
        !matches!(&self.manifest_existing, Existing::File(b) if *b == self.manifest().as_bytes())
    }
}

fn manifest_text(paths: impl Iterator<Item = String>) -> String {
    let set: BTreeSet<String> = paths.collect();
    let mut out = String::new();
    for p in set {
        out.push_str(&p);
        out.push('\n');
    }
    out
}

/// `a/b/c.json` whatever the platform.
fn slash_path(p: &Path) -> String {
    p.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn show(p: &Path) -> String {
    format!("`{}`", p.display())
}

fn io_err(what: &str, p: &Path, e: &std::io::Error) -> String {
    format!("cannot {what} {}: {}", show(p), crate::module::io_reason(e))
}

/// A relative path kmsc may own: plain components only, none a temporary file name, and
/// not the manifest itself.
fn valid_rel(rel: &Path) -> Result<(), String> {
    let mut n = 0;
    for c in rel.components() {
        let Component::Normal(name) = c else {
            return Err(format!("{} is not a plain relative path", show(rel)));
        };
        let Some(name) = name.to_str() else {
            return Err(format!("{} is not valid UTF-8", show(rel)));
        };
        if name.len() > MAX_NAME {
            return Err(format!("the file name {} is longer than {MAX_NAME} bytes", show(Path::new(name))));
        }
        if name.starts_with(TMP_PREFIX) || (n == 0 && name == MANIFEST) || name.contains(['/', '\\', '\0']) {
            return Err(format!("{} is reserved", show(rel)));
        }
        n += 1;
    }
    if n == 0 { Err("an empty path".to_string()) } else { Ok(()) }
}

/// Checks the parents of `rel` inside `dir`: an existing one must be a real directory.
/// Returns false when one does not exist (neither does `rel`).
fn parents_ok(dir: &Path, rel: &Path) -> Result<bool, String> {
    let mut p = dir.to_path_buf();
    let comps: Vec<_> = rel.components().collect();
    for c in &comps[..comps.len().saturating_sub(1)] {
        p.push(c);
        match fs::symlink_metadata(&p) {
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(io_err("read", &p, &e)),
            Ok(m) if m.file_type().is_symlink() => {
                return Err(format!(
                    "{} is a symbolic link; kmsc does not write through links inside the output directory",
                    show(&p)
                ));
            }
            Ok(m) if !m.is_dir() => return Err(format!("{} is not a directory", show(&p))),
            Ok(_) => {}
        }
    }
    Ok(true)
}

/// What is at `path` (a file is read; a directory is `None`).
fn existing(path: &Path) -> Result<Option<Existing>, String> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(Some(Existing::Absent)),
        Err(e) => Err(io_err("read", path, &e)),
        Ok(m) if m.file_type().is_symlink() => Ok(Some(Existing::Symlink)),
        Ok(m) if m.is_dir() => Ok(None),
        Ok(m) if m.is_file() => fs::read(path).map(|b| Some(Existing::File(b))).map_err(|e| io_err("read", path, &e)),
        Ok(_) => Ok(Some(Existing::Other)),
    }
}

/// Reads DIR and its manifest and works out what writing `entries` there means. Fails when
/// an entry is not a plain relative path, two entries share a path, or DIR cannot be
/// written safely (a symlinked or non-directory parent, a directory where a file goes).
pub fn plan(entries: &[(PathBuf, String)], dir: &Path) -> Result<Plan, String> {
    let dir_exists = match fs::metadata(dir) {
        Ok(m) if m.is_dir() => true,
        Ok(_) => return Err(format!("{} is not a directory", show(dir))),
        Err(e) if e.kind() == ErrorKind::NotFound => false,
        Err(e) => return Err(io_err("read", dir, &e)),
    };
    let mut by_path: BTreeMap<String, (PathBuf, &String)> = BTreeMap::new();
    for (rel, content) in entries {
        valid_rel(rel)?;
        if by_path.insert(slash_path(rel), (rel.clone(), content)).is_some() {
            return Err(format!("two policies would be written to {}", show(rel)));
        }
    }
    // A path cannot be both a file and a directory.
    for key in by_path.keys() {
        for (i, _) in key.match_indices('/') {
            if by_path.contains_key(&key[..i]) {
                return Err(format!("{} would be both a file and a directory", show(Path::new(&key[..i]))));
            }
        }
    }
    let mut files = Vec::new();
    for (rel, content) in by_path.values() {
        let existing = if dir_exists && parents_ok(dir, rel)? {
            let target = dir.join(rel);
            existing(&target)?.ok_or_else(|| format!("{} is a directory", show(&target)))?
        } else {
            Existing::Absent
        };
        files.push(Planned { rel: rel.clone(), content: (*content).clone(), existing });
    }
    let mut old_manifest = Vec::new();
    let mut manifest_existing = Existing::Absent;
    if dir_exists {
        // A symlinked manifest is not read (and is replaced on write).
        let path = dir.join(MANIFEST);
        manifest_existing = existing(&path)?.ok_or_else(|| format!("{} is a directory", show(&path)))?;
        if let Existing::File(bytes) = &manifest_existing {
            let text = String::from_utf8_lossy(bytes);
            let set: BTreeSet<&str> =
                text.lines().map(|l| l.trim_end_matches('\r')).filter(|l| !l.is_empty()).collect();
            old_manifest = set
                .into_iter()
                .filter(|l| !l.contains('\\') && !l.starts_with('/') && valid_rel(Path::new(l)).is_ok())
                .filter(|l| l.split('/').all(|c| !c.is_empty() && c != "." && c != ".."))
                .map(str::to_string)
                .collect();
        }
    }
    let mut stale = Vec::new();
    for line in &old_manifest {
        if by_path.contains_key(line) {
            continue;
        }
        let rel: PathBuf = line.split('/').collect();
        if !parents_ok(dir, &rel)? {
            continue;
        }
        match existing(&dir.join(&rel))? {
            // Gone already, or replaced by a directory kmsc did not write: nothing to remove.
            None | Some(Existing::Absent) => {}
            Some(existing) => stale.push(Stale { rel, existing }),
        }
    }
    Ok(Plan { dir: dir.to_path_buf(), files, stale, old_manifest, manifest_existing })
}

/// Applies `plan`: DIR (with its parents) and subfolders are created, changed files written
/// atomically, stale files removed (and the subfolders they leave empty), the manifest
/// rewritten. Files already identical are left alone.
pub fn write(plan: &Plan) -> Result<(), String> {
    let dir = &plan.dir;
    fs::create_dir_all(dir).map_err(|e| io_err("create", dir, &e))?;
    // List new files in the manifest before they exist, so that an interrupted run leaves
    // nothing kmsc does not know it owns.
    let new: Vec<String> = plan.files.iter().map(|f| slash_path(&f.rel)).collect();
    let old: BTreeSet<&str> = plan.old_manifest.iter().map(String::as_str).collect();
    if new.iter().any(|p| !old.contains(p.as_str())) {
        let union = manifest_text(plan.old_manifest.iter().cloned().chain(new.iter().cloned()));
        write_atomic(&dir.join(MANIFEST), union.as_bytes())?;
    }
    for f in plan.files.iter().filter(|f| f.changes()) {
        let mut p = dir.clone();
        let comps: Vec<_> = f.rel.components().collect();
        for c in &comps[..comps.len() - 1] {
            p.push(c);
            create_real_dir(&p)?;
        }
        write_atomic(&dir.join(&f.rel), f.content.as_bytes())?;
    }
    for s in &plan.stale {
        let path = dir.join(&s.rel);
        // Re-checked: the parents must still be real directories.
        parents_ok(dir, &s.rel)?;
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(io_err("remove", &path, &e)),
        }
        let mut parent = s.rel.parent();
        while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
            if fs::remove_dir(dir.join(p)).is_err() {
                break;
            }
            parent = p.parent();
        }
    }
    if plan.manifest_changes() {
        write_atomic(&dir.join(MANIFEST), plan.manifest().as_bytes())?;
    }
    Ok(())
}

/// Creates `p` unless it is already a directory; a symlink or file there is refused.
fn create_real_dir(p: &Path) -> Result<(), String> {
    match fs::create_dir(p) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => match fs::symlink_metadata(p) {
            Ok(m) if m.file_type().is_symlink() => Err(format!(
                "{} is a symbolic link; kmsc does not write through links inside the output directory",
                show(p)
            )),
            Ok(m) if m.is_dir() => Ok(()),
            Ok(_) => Err(format!("{} is not a directory", show(p))),
            Err(e) => Err(io_err("read", p, &e)),
        },
        Err(e) => Err(io_err("create", p, &e)),
    }
}

/// Writes `bytes` to a new temporary file beside `target`, then renames it over `target`
/// (which replaces a symlink rather than following it). The temporary file never remains.
fn write_atomic(target: &Path, bytes: &[u8]) -> Result<(), String> {
    let parent = target.parent().unwrap_or(Path::new("."));
    let pid = std::process::id();
    let mut n = 0u32;
    let (tmp, mut file) = loop {
        let tmp = parent.join(format!("{TMP_PREFIX}{pid}-{n}"));
        // `create_new` never follows or reuses anything already at that name.
        match fs::OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == ErrorKind::AlreadyExists && n < 10_000 => n += 1,
            Err(e) => return Err(io_err("create a temporary file in", parent, &e)),
        }
    };
    let result =
        file.write_all(bytes).and_then(|()| file.sync_all()).map_err(|e| io_err("write", &tmp, &e)).and_then(|()| {
            drop(file);
            fs::rename(&tmp, target).map_err(|e| io_err("write", target, &e))
        });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// How a file in DIR differs from what `write` would leave there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffKind {
    /// Present with other content (or not a regular file).
    Changed,
    /// Would be created.
    Missing,
    /// Would be removed.
    Stale,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// `--- a/...` and `+++ b/...`.
    Header,
    /// `@@ -1,3 +1,4 @@`.
    Hunk,
    Context,
    Delete,
    Insert,
    /// `\ No newline at end of file`, or what a non-regular file is.
    Note,
}

/// The unified diff of one file, line by line (without newlines).
#[derive(Clone, Debug)]
pub struct FileDiff {
    /// Relative to DIR, `/`-separated.
    pub path: String,
    pub kind: DiffKind,
    pub lines: Vec<(LineKind, String)>,
}

impl FileDiff {
    fn new(path: String, kind: DiffKind, old: &Existing, new: &str) -> FileDiff {
        let mut lines = vec![(LineKind::Header, format!("--- a/{path}")), (LineKind::Header, format!("+++ b/{path}"))];
        let old_text = match old {
            Existing::File(b) => String::from_utf8_lossy(b).into_owned(),
            Existing::Symlink => {
                lines.push((LineKind::Note, format!("# a/{path} is a symbolic link")));
                String::new()
            }
            Existing::Other => {
                lines.push((LineKind::Note, format!("# a/{path} is not a regular file")));
                String::new()
            }
            Existing::Absent => String::new(),
        };
        let diff = similar::TextDiff::from_lines(old_text.as_str(), new);
        for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
            lines.push((LineKind::Hunk, hunk.header().to_string()));
            for change in hunk.iter_changes() {
                let (kind, sign) = match change.tag() {
                    similar::ChangeTag::Equal => (LineKind::Context, ' '),
                    similar::ChangeTag::Delete => (LineKind::Delete, '-'),
                    similar::ChangeTag::Insert => (LineKind::Insert, '+'),
                };
                let value = change.value();
                lines.push((kind, format!("{sign}{}", value.strip_suffix('\n').unwrap_or(value))));
                if change.missing_newline() {
                    lines.push((LineKind::Note, "\\ No newline at end of file".to_string()));
                }
            }
        }
        FileDiff { path, kind, lines }
    }

    /// The diff as text; with `color`, `-` lines red, `+` lines green, hunk headers cyan,
    /// file headers bold.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for (kind, text) in &self.lines {
            let style = match kind {
                LineKind::Header => "\x1b[1m",
                LineKind::Hunk => "\x1b[36m",
                LineKind::Delete => "\x1b[31m",
                LineKind::Insert => "\x1b[32m",
                LineKind::Context | LineKind::Note => "",
            };
            if color && !style.is_empty() {
                out.push_str(&format!("{style}{text}\x1b[0m\n"));
            } else {
                out.push_str(text);
                out.push('\n');
            }
        }
        out
    }
}

/// Every file in DIR that differs from what `write` would leave there, the manifest
/// included, sorted by path. Empty when `write` would change nothing.
pub fn check(plan: &Plan) -> Vec<FileDiff> {
    let mut out = Vec::new();
    for f in plan.files.iter().filter(|f| f.changes()) {
        let kind = if f.existing == Existing::Absent { DiffKind::Missing } else { DiffKind::Changed };
        out.push(FileDiff::new(slash_path(&f.rel), kind, &f.existing, &f.content));
    }
    for s in &plan.stale {
        out.push(FileDiff::new(slash_path(&s.rel), DiffKind::Stale, &s.existing, ""));
    }
    if plan.manifest_changes() {
        let kind = if plan.manifest_existing == Existing::Absent { DiffKind::Missing } else { DiffKind::Changed };
        out.push(FileDiff::new(MANIFEST.to_string(), kind, &plan.manifest_existing, &plan.manifest()));
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// All diffs, one after the other.
pub fn render(diffs: &[FileDiff], color: bool) -> String {
    diffs.iter().map(|d| d.render(color)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_percent_encoded() {
        assert_eq!(file_name("aws_kms_key.app"), "aws_kms_key.app.json");
        assert_eq!(file_name("aws_kms_key.k[0]"), "aws_kms_key.k[0].json");
        assert_eq!(
            file_name(r#"aws_kms_key.k["../../etc/passwd"]"#),
            "aws_kms_key.k[%22..%2F..%2Fetc%2Fpasswd%22].json"
        );
        assert_eq!(file_name(r#"aws_kms_key.k["a/b"]"#), "aws_kms_key.k[%22a%2Fb%22].json");
        assert_eq!(file_name("é"), "%C3%A9.json");
        assert_eq!(file_name("鍵 🔑"), "%E9%8D%B5%20%F0%9F%94%91.json");
        assert_eq!(file_name("100%"), "100%25.json");
        assert_eq!(file_name("a\\b:c\0"), "a%5Cb%3Ac%00.json");
        assert_eq!(file_name(".."), "...json");
        assert_eq!(file_name(""), ".json");
    }

    #[test]
    fn file_names_stay_in_their_directory() {
        for a in ["../../etc/passwd", "/etc/passwd", "..", ".", "a/b", "a\\b", "C:\\x", "\u{2215}"] {
            let name = file_name(a);
            let p = Path::new(&name);
            assert_eq!(p.components().count(), 1, "{name}");
            assert!(matches!(p.components().next(), Some(Component::Normal(_))), "{name}");
            assert!(!name.contains(['/', '\\']), "{name}");
        }
    }

    #[test]
    fn distinct_addresses_give_distinct_names() {
        let addrs = [
            "a/b", "a%2Fb", "a%252Fb", "a_b", "a-b", "a.b", "a b", "a+b", "a\\b", "a:b", "A/b", "é", "e\u{301}",
            "%C3%A9", "%", "%25", "", "a", "a.json", "a/b/",
        ];
        let names: BTreeSet<String> = addrs.iter().map(|a| file_name(a)).collect();
        assert_eq!(names.len(), addrs.len());
        // Encoding is reversible: decode and compare.
        for a in addrs {
            let name = file_name(a);
            let enc = name.strip_suffix(".json").unwrap();
            let mut bytes = Vec::new();
            let mut it = enc.bytes();
            while let Some(b) = it.next() {
                if b == b'%' {
                    let h: String = [it.next().unwrap() as char, it.next().unwrap() as char].iter().collect();
                    bytes.push(u8::from_str_radix(&h, 16).unwrap());
                } else {
                    bytes.push(b);
                }
            }
            assert_eq!(String::from_utf8(bytes).unwrap(), a);
        }
    }

    #[test]
    fn module_dirs_stay_inside() {
        assert_eq!(module_dir("envs/prod"), PathBuf::from("envs/prod"));
        assert_eq!(module_dir("."), PathBuf::new());
        assert_eq!(module_dir("./envs//prod/"), PathBuf::from("envs/prod"));
        assert_eq!(module_dir("../x"), PathBuf::from("%2E./x"));
        assert_eq!(module_dir("a/../../b"), PathBuf::from("a/%2E./%2E./b"));
        assert_eq!(module_dir("/tmp/m"), PathBuf::from("%2F/tmp/m"));
        assert_eq!(module_dir(".hidden/m y"), PathBuf::from("%2Ehidden/m%20y"));
        #[cfg(unix)]
        assert_eq!(module_dir("a\\b"), PathBuf::from("a%5Cb"));
        for p in ["../x", "/abs", "a/../..", "..", "C:\\x\\..\\y", ".kmsc-manifest", ".kmsc-tmp-1-0"] {
            let d = module_dir(p);
            assert!(d.components().all(|c| matches!(c, Component::Normal(_))), "{p}: {d:?}");
            assert!(valid_rel(&d.join("x.json")).is_ok(), "{p}: {d:?}");
        }
        assert_eq!(rel_path(Some("envs/prod"), "aws_kms_key.app"), PathBuf::from("envs/prod/aws_kms_key.app.json"));
        assert_eq!(rel_path(None, "aws_kms_key.app"), PathBuf::from("aws_kms_key.app.json"));
    }

    #[test]
    fn plan_refuses_paths_that_leave_the_directory() {
        let tmp = tempfile::tempdir().unwrap();
        for bad in ["../x.json", "/etc/x.json", "a/../../x.json", ".kmsc-manifest", "", "a/.kmsc-tmp-1-0"] {
            assert!(plan(&[(PathBuf::from(bad), "{}\n".into())], tmp.path()).is_err(), "{bad}");
        }
        let dup = [(PathBuf::from("a.json"), "1".into()), (PathBuf::from("a.json"), "2".into())];
        assert!(plan(&dup, tmp.path()).is_err());
        let both = [(PathBuf::from("a.json"), "1".into()), (PathBuf::from("a.json/b.json"), "2".into())];
        assert!(plan(&both, tmp.path()).is_err());
        let long = [(PathBuf::from(file_name(&"é".repeat(100))), "1".into())];
        assert!(plan(&long, tmp.path()).is_err());
    }

    fn entries(list: &[(&str, &str)]) -> Vec<(PathBuf, String)> {
        list.iter().map(|(p, c)| (PathBuf::from(p), c.to_string())).collect()
    }

    #[test]
    fn write_then_check_is_clean_and_stale_files_go() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("new/golden");
        let first = entries(&[("a.json", "A\n"), ("m/b.json", "B\n"), ("m/n/c.json", "C\n")]);
        let p = plan(&first, &dir).unwrap();
        assert_eq!(check(&p).iter().map(|d| d.kind).collect::<Vec<_>>(), vec![DiffKind::Missing; 4]);
        write(&p).unwrap();
        assert_eq!(fs::read_to_string(dir.join(MANIFEST)).unwrap(), "a.json\nm/b.json\nm/n/c.json\n");
        assert!(check(&plan(&first, &dir).unwrap()).is_empty());
        fs::write(dir.join("README.md"), "mine").unwrap();
        let second = entries(&[("a.json", "A2\n"), ("m/b.json", "B\n")]);
        let p = plan(&second, &dir).unwrap();
        let diffs = check(&p);
        let kinds: Vec<(&str, DiffKind)> = diffs.iter().map(|d| (d.path.as_str(), d.kind)).collect();
        assert_eq!(
            kinds,
            vec![(MANIFEST, DiffKind::Changed), ("a.json", DiffKind::Changed), ("m/n/c.json", DiffKind::Stale)]
        );
        assert_eq!(render(&diffs[1..2], false), "--- a/a.json\n+++ b/a.json\n@@ -1 +1 @@\n-A\n+A2\n");
        write(&p).unwrap();
        assert!(!dir.join("m/n").exists());
        assert_eq!(fs::read_to_string(dir.join("README.md")).unwrap(), "mine");
        assert_eq!(fs::read_to_string(dir.join("a.json")).unwrap(), "A2\n");
        assert!(check(&plan(&second, &dir).unwrap()).is_empty());
        let names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(names.iter().all(|n| !n.to_string_lossy().starts_with(TMP_PREFIX)));
    }

    #[test]
    fn a_tampered_manifest_never_deletes_outside() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("golden");
        fs::create_dir(&dir).unwrap();
        fs::write(tmp.path().join("victim"), "keep").unwrap();
        fs::write(dir.join(MANIFEST), "../victim\n/etc/passwd\n./x\na/../../victim\n").unwrap();
        let p = plan(&[], &dir).unwrap();
        assert!(p.stale.is_empty());
        write(&p).unwrap();
        assert_eq!(fs::read_to_string(tmp.path().join("victim")).unwrap(), "keep");
        assert_eq!(fs::read_to_string(dir.join(MANIFEST)).unwrap(), "");
    }

    #[test]
    fn colour_only_when_asked() {
        let d = FileDiff::new("x.json".into(), DiffKind::Changed, &Existing::File(b"a\nb".to_vec()), "a\nc\n");
        assert_eq!(
            d.render(false),
            "--- a/x.json\n+++ b/x.json\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n"
        );
        let c = d.render(true);
        assert!(c.contains("\x1b[31m-b\x1b[0m\n") && c.contains("\x1b[32m+c\x1b[0m\n"), "{c:?}");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_replaced_or_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("golden");
        let outside = tmp.path().join("outside");
        fs::create_dir_all(&dir).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("t"), "target").unwrap();
        std::os::unix::fs::symlink(outside.join("t"), dir.join("a.json")).unwrap();
        let p = plan(&entries(&[("a.json", "A\n")]), &dir).unwrap();
        assert_eq!(p.files[0].existing, Existing::Symlink);
        write(&p).unwrap();
        assert!(!fs::symlink_metadata(dir.join("a.json")).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(dir.join("a.json")).unwrap(), "A\n");
        assert_eq!(fs::read_to_string(outside.join("t")).unwrap(), "target");
        std::os::unix::fs::symlink(&outside, dir.join("m")).unwrap();
        let err = plan(&entries(&[("m/b.json", "B\n")]), &dir).unwrap_err();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(fs::read_dir(&outside).unwrap().count(), 1);
    }
}
