//! Source files, file ids, byte spans and line/column lookup.

use std::path::{Path, PathBuf};

/// What is shown in place of a sensitive value.
pub const SENSITIVE: &str = "(sensitive value)";

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source file. Equality of values never looks at spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span { file, start: start as u32, end: end.max(start) as u32 }
    }

    /// The smallest span covering both (same file assumed; `self` wins otherwise).
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// One loaded source file.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    /// Byte offset of each line's start, computed on the first lookup (most files are
    /// never asked: only diagnostics need lines and columns).
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

/// A 1-based line and 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: String) -> SourceFile {
        SourceFile { path, text, line_starts: std::sync::OnceLock::new() }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        })
    }

    /// Line and column (both 1-based, column in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = line_starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[start..end].chars().count() + 1;
        LineCol { line: line + 1, column }
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Byte offset of the start of a 1-based line.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts().get(line.saturating_sub(1)).copied().unwrap_or(self.text.len())
    }

    /// The text covered by a span, clamped to the file.
    pub fn slice(&self, start: u32, end: u32) -> &str {
        let mut s = (start as usize).min(self.text.len());
        let mut e = (end as usize).min(self.text.len()).max(s);
        while !self.text.is_char_boundary(s) {
            s -= 1;
        }
        while !self.text.is_char_boundary(e) {
            e += 1;
        }
        &self.text[s..e]
    }
}

/// Where one byte of a virtual file comes from: a byte range of another file (a JSON
/// escape such as `\"` is two source bytes for one byte of the virtual text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Origin {
    pub fn new(file: FileId, start: usize, end: usize) -> Origin {
        Origin { file, start: start as u32, end: end.max(start) as u32 }
    }
}

/// Every file read during a compilation.
///
/// Besides the files read from disk, the map holds *virtual* files: text kmsc derives from
/// other files (the HCL equivalent of a `.tf.json` file, a block merged with its override)
/// so that the parser and the evaluator see ordinary HCL, with every byte remembering the
/// byte of a real file it stands for; [`SourceMap::resolve`] maps spans back.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    /// Object keys that a later repeated key replaces (file, byte offset of the key).
    dropped_keys: std::collections::BTreeSet<(FileId, u32)>,
    /// The origin of every byte of each virtual file.
    virtuals: std::collections::BTreeMap<FileId, Vec<Origin>>,
    /// Byte ranges holding the values of sensitive variables given outside the module's
    /// files (tfvars files, `--var`, `TF_VAR_`): rendered diagnostics never show their text.
    sensitive: std::collections::BTreeMap<FileId, Vec<(u32, u32)>>,
    /// The texts of sensitive values: diagnostics never show them.
    secrets: std::collections::BTreeSet<String>,
    /// Where sensitive values are written or computed (their source may be shown, not their
    /// value): a diagnostic there quotes nothing of it.
    secret_spans: Vec<Span>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        self.files.push(SourceFile::new(path, text));
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn path(&self, id: FileId) -> &Path {
        &self.get(id).path
    }

    pub fn text(&self, span: Span) -> &str {
        self.get(span.file).slice(span.start, span.end)
    }

    /// Records that the object key at `offset` is replaced by a later repeated key.
    pub fn drop_key(&mut self, file: FileId, offset: usize) {
        self.dropped_keys.insert((file, offset as u32));
    }

    /// Whether the object key at `offset` is replaced by a later repeated key.
    pub fn is_dropped_key(&self, file: FileId, offset: usize) -> bool {
        !self.dropped_keys.is_empty() && self.dropped_keys.contains(&(file, offset as u32))
    }

    /// The files read from disk (virtual files are left out).
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f)).filter(|(id, _)| !self.is_virtual(*id))
    }

    /// Adds a virtual file: `origins[i]` is where byte `i` of `text` comes from (a shorter
    /// list maps the remaining bytes to its last entry). `path` is the path shown for it,
    /// usually that of the file it is derived from.
    pub fn add_virtual(&mut self, path: PathBuf, text: String, origins: Vec<Origin>) -> FileId {
        let id = self.add(path, text);
        self.virtuals.insert(id, origins);
        id
    }

    /// Marks the text of `span` as a sensitive value: renderers show `(sensitive value)`.
    pub fn mark_sensitive(&mut self, span: Span) {
        let ranges = self.sensitive.entry(span.file).or_default();
        if !ranges.contains(&(span.start, span.end)) {
            ranges.push((span.start, span.end));
            ranges.sort();
        }
    }

    /// The sensitive byte ranges of `file`, sorted.
    pub fn sensitive_ranges(&self, file: FileId) -> &[(u32, u32)] {
        self.sensitive.get(&file).map(Vec::as_slice).unwrap_or_default()
    }

    /// Whether `span` overlaps a sensitive range (an empty span: lies inside one).
    pub fn is_sensitive(&self, span: Span) -> bool {
        self.sensitive_ranges(span.file).iter().any(|&(s, e)| {
            if span.start == span.end { s <= span.start && span.start < e } else { span.start < e && s < span.end }
        })
    }

    /// Records the text of a sensitive value, which diagnostics must not show.
    pub fn add_secret(&mut self, text: &str) {
        if !self.secrets.contains(text) {
            self.secrets.insert(text.to_string());
        }
    }

    /// Records where a sensitive value is written or computed.
    pub fn add_secret_span(&mut self, span: Span) {
        if !self.secret_spans.contains(&span) {
            self.secret_spans.push(span);
        }
    }

    /// Whether `span` lies inside a sensitive value: one hidden (`is_sensitive`) or one
    /// written in the sources or computed (`add_secret_span`).
    pub fn is_about_secret(&self, span: Span) -> bool {
        self.is_sensitive(span)
            || self.secret_spans.iter().any(|s| {
                let s = self.resolve(*s);
                s.file == span.file && s.start <= span.start && span.end <= s.end
            })
    }

    /// The texts of sensitive values.
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        self.secrets.iter().map(String::as_str)
    }

    /// `text` with every sensitive value in it replaced by `(sensitive value)`, the longest
    /// first (a secret inside a longer one goes with it).
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        if self.secrets.is_empty() {
            return out;
        }
        let mut secrets: Vec<&String> = self.secrets.iter().collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        for s in secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), SENSITIVE);
            }
        }
        out
    }

    pub fn is_virtual(&self, id: FileId) -> bool {
        !self.virtuals.is_empty() && self.virtuals.contains_key(&id)
    }

    /// The span of a real file that a span of a virtual file stands for (the span itself
    /// for a real file). A span whose bytes come from several files is cut to the part in
    /// the file of its first byte.
    pub fn resolve(&self, span: Span) -> Span {
        let mut span = span;
        // Virtual files are derived from files added before them, so this ends.
        for _ in 0..64 {
            let Some(origins) = self.virtuals.get(&span.file) else {
                return span;
            };
            let Some(last) = origins.last() else {
                return span;
            };
            let at = |i: u32| origins.get(i as usize).copied().unwrap_or(*last);
            let first = at(span.start);
            let end = if span.end > span.start {
                (span.start..span.end).rev().map(at).find(|o| o.file == first.file).map_or(first.end, |o| o.end)
            } else {
                first.start
            };
            span = Span { file: first.file, start: first.start, end: end.max(first.start) };
        }
        span
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_ranges_and_secrets() {
        let mut m = SourceMap::new();
        let f = m.add("terraform.tfvars".into(), "a = \"s3cr3t\"\nb = 1\n".into());
        m.mark_sensitive(Span::new(f, 4, 12));
        assert!(m.is_sensitive(Span::new(f, 5, 6)));
        assert!(m.is_sensitive(Span::new(f, 0, 5)));
        assert!(!m.is_sensitive(Span::new(f, 13, 18)));
        assert!(!m.is_sensitive(Span::new(f, 12, 12)));
        m.add_secret("s3cr3t");
        m.add_secret("arn:aws:iam::s3cr3t:root");
        assert_eq!(m.redact("`arn:aws:iam::s3cr3t:root` and `s3cr3t`"), "`(sensitive value)` and `(sensitive value)`");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let f = SourceFile::new("a.tf".into(), "ab\n日本x\n".into());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // `x` is after two 3-byte characters.
        assert_eq!(f.line_col(9), LineCol { line: 2, column: 3 });
    }
}
