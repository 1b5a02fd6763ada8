//! Terraform's `fileset(path, pattern)`: the regular files under `path` whose path relative
//! to it matches the glob `pattern`, with `/` separators, sorted.
//!
//! Patterns are Terraform's (its `doublestar` library): `*` is any run of characters but
//! `/`, `?` one character but `/`, `**` as a whole path component any number of components
//! (none included), `[abc]`, `[a-z]` and `[^...]` one character of (or not of) a class,
//! `{a,b}` one of the alternatives, and `\` makes the next character literal. Files are
//! listed once, when the module is loaded (the evaluator only reads the result), and only
//! for calls whose path is a literal or built from `path.module` and whose pattern is a
//! literal.
//!
//! Limits: a listing visits at most [`MAX_VISITED`] directory entries and returns at most
//! [`MAX_MATCHES`] files; braces may expand to at most [`MAX_ALTERNATIVES`] patterns.
//! Symbolic links to files are listed (as Terraform does); symbolic links to directories
//! are not followed (no loops). As in Terraform, the pattern is joined to the path and
//! cleaned, so leading `..` components list files outside the path (`../shared/*.json`).

use std::path::Path;

/// Directory entries one listing may visit.
pub const MAX_VISITED: usize = 100_000;
/// Files one listing may return.
pub const MAX_MATCHES: usize = 10_000;
/// Patterns one pattern's braces may expand to.
pub const MAX_ALTERNATIVES: usize = 1_000;

/// The files matching `pattern` from `base`, relative to `base`, sorted; or why they
/// cannot be listed (an invalid pattern, a limit). As in Terraform, the pattern is joined
/// to the path and cleaned, so `..` components lead out of `base` (`../shared/*.json`
/// gives `../shared/a.json`).
pub fn list(base: &Path, pattern: &str) -> Result<Vec<String>, String> {
    let patterns = expand_braces(pattern)?;
    // Each pattern cleaned, by the number of directories it first goes up.
    let mut by_ups: std::collections::BTreeMap<usize, Vec<Vec<String>>> = std::collections::BTreeMap::new();
    for p in &patterns {
        let parts = cleaned(p);
        for c in parts.iter().filter(|c| *c != "**") {
            check_component(c)?;
        }
        let ups = parts.iter().take_while(|c| *c == "..").count();
        by_ups.entry(ups).or_default().push(parts[ups..].to_vec());
    }
    let mut found = Vec::new();
    let mut visited = 0usize;
    for (ups, patterns) in &by_ups {
        let mut from = base.to_path_buf();
        for _ in 0..*ups {
            from.push("..");
        }
        let prefix = "../".repeat(*ups);
        let patterns: Vec<Vec<&str>> = patterns.iter().map(|p| p.iter().map(String::as_str).collect()).collect();
        walk(&from, &patterns, &prefix, &mut visited, &mut found)?;
    }
    found.sort();
    found.dedup();
    Ok(found)
}

/// The components of `pattern` cleaned as Go's `filepath.Join` cleans the joined path:
/// empty and `.` components dropped, `a/..` pairs removed; `..` components left at the
/// start go up from the path.
fn cleaned(pattern: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in components(pattern) {
        if c == ".." && out.last().is_some_and(|l| l != "..") {
            out.pop();
        } else {
            out.push(c.to_string());
        }
    }
    out
}

/// Lists the regular files under `base` matching one of `patterns` (components), each
/// added to `found` as `prefix` and its path relative to `base`.
fn walk(
    base: &Path,
    patterns: &[Vec<&str>],
    prefix: &str,
    visited: &mut usize,
    found: &mut Vec<String>,
) -> Result<(), String> {
    // How deep to look: every component of the longest pattern, or all the way for `**`.
    let depth = if patterns.iter().any(|p| p.contains(&"**")) {
        usize::MAX
    } else {
        patterns.iter().map(Vec::len).max().unwrap_or(0)
    };
    let mut stack: Vec<(std::path::PathBuf, String, usize)> = vec![(base.to_path_buf(), String::new(), 0)];
    while let Some((dir, rel, level)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            *visited += 1;
            if *visited > MAX_VISITED {
                return Err(format!("it visits more than {MAX_VISITED} files and directories, over kmsc's limit"));
            }
            let Ok(name) = entry.file_name().into_string() else { continue };
            let path = if rel.is_empty() { name } else { format!("{rel}/{name}") };
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                if level + 1 < depth {
                    stack.push((entry.path(), path, level + 1));
                }
                continue;
            }
            // A symbolic link counts when it leads to a regular file.
            let regular =
                kind.is_file() || (kind.is_symlink() && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file()));
            if regular && patterns.iter().any(|p| matches_path(p, &path)) {
                found.push(format!("{prefix}{path}"));
                if found.len() > MAX_MATCHES {
                    return Err(format!("it matches more than {MAX_MATCHES} files, over kmsc's limit"));
                }
            }
        }
    }
    Ok(())
}

/// The components of a pattern: `a//b/` is `a`, `b` (as the path it is joined to is
/// cleaned); `.` components are dropped.
fn components(pattern: &str) -> Vec<&str> {
    pattern.split('/').filter(|c| !c.is_empty() && *c != ".").collect()
}

/// `{a,b}` alternatives expanded into whole patterns (nested braces too).
fn expand_braces(pattern: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut pending = vec![pattern.to_string()];
    while let Some(p) = pending.pop() {
        match innermost_braces(&p)? {
            None => out.push(p),
            Some((open, close)) => {
                for alt in split_alternatives(&p[open + 1..close]) {
                    pending.push(format!("{}{}{}", &p[..open], alt, &p[close + 1..]));
                }
                if out.len() + pending.len() > MAX_ALTERNATIVES {
                    return Err(format!("its braces make more than {MAX_ALTERNATIVES} patterns, over kmsc's limit"));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The first `{` whose group holds no other `{`, and its `}` (escapes skipped).
fn innermost_braces(p: &str) -> Result<Option<(usize, usize)>, String> {
    let b = p.as_bytes();
    let mut open = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'{' => open = Some(i),
            b'}' => {
                return match open {
                    Some(o) => Ok(Some((o, i))),
                    None => Err("the pattern has a `}` without its `{`".to_string()),
                };
            }
            _ => {}
        }
        i += 1;
    }
    match open {
        Some(_) => Err("the pattern has a `{` without its `}`".to_string()),
        None => Ok(None),
    }
}

/// The comma-separated alternatives of a brace group (escaped commas kept).
fn split_alternatives(group: &str) -> Vec<&str> {
    let b = group.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b',' => {
                out.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&group[start..]);
    out
}

/// Refuses a component with an unclosed class or a trailing `\`.
fn check_component(c: &str) -> Result<(), String> {
    let chars: Vec<char> = c.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 == chars.len() => return Err("the pattern ends with a `\\`".to_string()),
            '\\' => i += 1,
            '[' => match class_end(&chars, i) {
                Some(end) => i = end,
                None => return Err("the pattern has a `[` without its `]`".to_string()),
            },
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Whether the path (components separated by `/`) matches the pattern's components.
fn matches_path(pattern: &[&str], path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    matches_parts(pattern, &parts)
}

/// `pattern[i..]` against `parts[j..]` for every `i`, `j`, from the ends: linear in the
/// pattern times the path, however many `**` the pattern has.
fn matches_parts(pattern: &[&str], parts: &[&str]) -> bool {
    let (k, d) = (pattern.len(), parts.len());
    // row[j]: whether pattern[i + 1..] matches parts[j..] (the row below the one computed).
    let mut below: Vec<bool> = (0..=d).map(|j| j == d).collect();
    for i in (0..k).rev() {
        let mut row = vec![false; d + 1];
        for j in (0..=d).rev() {
            row[j] = if pattern[i] == "**" {
                below[j] || (j < d && row[j + 1])
            } else {
                j < d && below[j + 1] && matches_component(pattern[i], parts[j])
            };
        }
        below = row;
    }
    below[0]
}

/// One component against one path component: `*`, `?`, classes and escapes. Iterative,
/// with one backtracking point for the last `*` (linear in practice, quadratic at worst).
fn matches_component(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        let step = match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
                continue;
            }
            Some('?') => Some(pi + 1),
            Some('[') => match class_end(&p, pi) {
                Some(end) if class_matches(&p[pi + 1..end], n[ni]) => Some(end + 1),
                _ => None,
            },
            Some('\\') if p.get(pi + 1) == Some(&n[ni]) => Some(pi + 2),
            Some(&c) if c != '\\' && c == n[ni] => Some(pi + 1),
            _ => None,
        };
        match step {
            Some(next) => {
                pi = next;
                ni += 1;
            }
            None => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The index of the `]` closing the class opened at `open` (a `]` first in the class, or
/// after `^`, is literal).
fn class_end(p: &[char], open: usize) -> Option<usize> {
    let mut i = open + 1;
    if p.get(i) == Some(&'^') {
        i += 1;
    }
    if p.get(i) == Some(&']') {
        i += 1;
    }
    while i < p.len() {
        match p[i] {
            '\\' => i += 1,
            ']' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether `c` is in the class (its text between the brackets).
fn class_matches(class: &[char], c: char) -> bool {
    let (negated, class) = match class.split_first() {
        Some(('^', rest)) => (true, rest),
        _ => (false, class),
    };
    let mut i = 0;
    let mut hit = false;
    while i < class.len() {
        let lo = if class[i] == '\\' && i + 1 < class.len() {
            i += 1;
            class[i]
        } else {
            class[i]
        };
        if class.get(i + 1) == Some(&'-') && i + 2 < class.len() {
            let hi = class[i + 2];
            hit |= lo <= c && c <= hi;
            i += 3;
        } else {
            hit |= lo == c;
            i += 1;
        }
    }
    hit != negated && c != '/'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, path: &str) -> bool {
        expand_braces(pattern).unwrap().iter().any(|p| matches_path(&components(p), path))
    }

    #[test]
    fn patterns_match_as_terraform_documents_them() {
        assert!(m("files/*.txt", "files/hello.txt"));
        assert!(!m("files/*.txt", "files/sub/hello.txt"));
        assert!(!m("*.txt", "files/hello.txt"));
        assert!(m("**", "hello.txt") && m("**", "subdirectory/anotherfile.txt"));
        assert!(m("**/*.json", "a.json") && m("**/*.json", "a/b/c.json"));
        assert!(m("policies/**/*.json", "policies/a.json") && m("policies/**/*.json", "policies/x/y/a.json"));
        assert!(m("files/{hello,world}.txt", "files/world.txt"));
        assert!(!m("files/{hello,world}.txt", "files/other.txt"));
        assert!(m("?.json", "a.json") && !m("?.json", "ab.json"));
        assert!(m("[a-c].json", "b.json") && !m("[a-c].json", "d.json"));
        assert!(m("[^a-c].json", "d.json") && !m("[^a-c].json", "a.json"));
        assert!(m("\\*.json", "*.json") && !m("\\*.json", "a.json"));
        assert!(m("./policies/*.json", "policies/a.json"));
        assert!(m("*", ".hidden"));
        assert!(m("{a,{b,c}}.json", "c.json"));
        assert!(m("a*b*c", "aXXbYYc") && !m("a*b*c", "aXXbYY"));
        // Many `**` against a deep path: answered at once, not by trying every split.
        let deep = vec!["d"; 60].join("/");
        assert!(!m(&format!("{}x", "**/d/".repeat(30)), &deep));
        assert!(m(&format!("{}d", "**/d/".repeat(29)), &deep));
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert!(list(Path::new("."), "[abc").unwrap_err().contains("`[`"));
        assert!(list(Path::new("."), "{a,b").unwrap_err().contains("`{`"));
        assert!(list(Path::new("."), "a}").unwrap_err().contains("`}`"));
        assert!(list(Path::new("."), "a\\").unwrap_err().contains("`\\`"));
        let many = "{a,b,c,d,e,f,g,h,i,j}".repeat(4);
        assert!(list(Path::new("."), &many).unwrap_err().contains("braces"));
    }

    #[test]
    fn files_are_listed_relative_and_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("policies/team")).unwrap();
        for f in ["policies/b.json", "policies/a.json", "policies/team/c.json", "policies/notes.txt", "top.json"] {
            std::fs::write(root.join(f), "{}").unwrap();
        }
        // A directory whose name matches is not a file.
        std::fs::create_dir_all(root.join("policies/dir.json")).unwrap();
        assert_eq!(list(root, "policies/*.json").unwrap(), ["policies/a.json", "policies/b.json"]);
        assert_eq!(list(&root.join("policies"), "**/*.json").unwrap(), ["a.json", "b.json", "team/c.json"]);
        assert_eq!(list(root, "*.json").unwrap(), ["top.json"]);
        assert!(list(root, "nothing/*").unwrap().is_empty());
        assert!(list(&root.join("missing"), "*").unwrap().is_empty());
        // `..` leads out of the path, as Terraform joins and cleans the two.
        let team = root.join("policies/team");
        assert_eq!(list(&team, "../*.json").unwrap(), ["../a.json", "../b.json"]);
        assert_eq!(list(&team, "../../*.json").unwrap(), ["../../top.json"]);
        assert_eq!(list(&team, "x/../../a.json").unwrap(), ["../a.json"]);
        assert_eq!(list(&team, "{../a.json,c.json,./c.json}").unwrap(), ["../a.json", "c.json"]);
    }

    /// More matches than the limit: refused, not listed.
    #[test]
    fn too_many_matches_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..=MAX_MATCHES {
            std::fs::write(dir.path().join(format!("{i}.json")), "").unwrap();
        }
        assert!(list(dir.path(), "*.json").unwrap_err().contains("more than 10000 files"));
        assert_eq!(list(dir.path(), "1?.json").unwrap().len(), 10);
    }

    /// A symbolic link to a directory above is not followed: no loop.
    #[cfg(unix)]
    #[test]
    fn directory_links_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.json"), "{}").unwrap();
        std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
        std::os::unix::fs::symlink(root.join("a.json"), root.join("link.json")).unwrap();
        assert_eq!(list(root, "**/*.json").unwrap(), ["a.json", "link.json"]);
    }
}
