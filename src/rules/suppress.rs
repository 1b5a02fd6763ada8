//! Suppression comments: `# kmsc:ignore CODE[, CODE] -- reason` (or `//`) on the line
//! above a resource block or a policy statement silences those codes inside it.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceMap, Span};

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub file: FileId,
    /// 1-based line of the comment.
    pub line: usize,
    pub codes: Vec<String>,
    pub reason: Option<String>,
}

/// Every suppression comment in the sources.
pub fn find(sources: &SourceMap) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (file, src) in sources.files() {
        if !src.text.contains("kmsc:ignore") {
            continue;
        }
        for (i, line) in src.text.lines().enumerate() {
            let t = line.trim_start();
            let body = t.strip_prefix('#').or_else(|| t.strip_prefix("//"));
            let Some(rest) = body.map(str::trim_start).and_then(|b| b.strip_prefix("kmsc:ignore")) else {
                continue;
            };
            let (codes, reason) = match rest.split_once("--") {
                Some((c, r)) => (c, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
                None => (rest, None),
            };
            let codes: Vec<String> =
                codes.split([',', ' ']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_ascii_uppercase).collect();
            if !codes.is_empty() {
                out.push(Suppression { file, line: i + 1, codes, reason });
            }
        }
    }
    out
}

/// Drops the diagnostics that a suppression covers. `targets` are the spans a comment can
/// apply to (resource blocks and statements): a comment applies to the targets that start
/// on the next line that is neither blank nor a comment.
pub fn apply(diags: Vec<Diagnostic>, sources: &SourceMap, targets: &[Span]) -> Vec<Diagnostic> {
    let sups = find(sources);
    if sups.is_empty() {
        return diags;
    }
    let mut regions: Vec<(Span, &[String])> = Vec::new();
    for s in &sups {
        let src = sources.get(s.file);
        let next = src
            .text
            .lines()
            .enumerate()
            .skip(s.line)
            .find(|(_, l)| {
                let t = l.trim_start();
                !t.is_empty() && !t.starts_with('#') && !t.starts_with("//")
            })
            .map(|(i, _)| i + 1);
        let Some(next) = next else { continue };
        for t in targets.iter().filter(|t| t.file == s.file) {
            if src.line_col(t.start as usize).line == next {
                regions.push((*t, &s.codes));
            }
        }
    }
    diags
        .into_iter()
        .filter(|d| {
            let Some(span) = d.span else { return true };
            !regions.iter().any(|(r, codes)| {
                r.file == span.file
                    && r.start <= span.start
                    && span.end <= r.end
                    && codes.iter().any(|c| c.eq_ignore_ascii_case(d.code))
            })
        })
        .collect()
}
