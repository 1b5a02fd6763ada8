//! Rendering diagnostics for people (source snippets) and for tools (JSON, GitHub workflow
//! commands). The only module that knows the rendering crate.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{LineCol, SourceMap, Span};

/// Output formats of diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// Renders all diagnostics in `format`. `color` only affects `Human`.
pub fn render(sources: &SourceMap, diags: &[Diagnostic], format: Format, color: bool) -> String {
    match format {
        Format::Human => human(sources, diags, color),
        Format::Json => json(sources, diags),
        Format::Github => github(sources, diags),
    }
}

/// Diagnostics in a stable order: by file, position, then code.
pub fn sorted(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    let mut v: Vec<&Diagnostic> = diags.iter().collect();
    v.sort_by(|a, b| {
        let ka = (a.span.map(|s| (s.file, s.start, s.end)), a.code, &a.message);
        let kb = (b.span.map(|s| (s.file, s.start, s.end)), b.code, &b.message);
        ka.cmp(&kb)
    });
    v.dedup_by(|a, b| a == b);
    v
}

fn level(sev: Severity) -> Level<'static> {
    match sev {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

fn human(sources: &SourceMap, diags: &[Diagnostic], color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for d in sorted(diags) {
        let mut groups = Vec::new();
        let title = level(d.severity).primary_title(d.message.as_str()).id(d.code);
        if let Some(span) = d.span {
            let file = sources.get(span.file);
            let path = file.path.to_string_lossy().to_string();
            let (text, offset, first_line) = excerpt(sources, span, &d.labels);
            let start = floor_boundary(&file.text, span.start as usize).clamp(offset, offset + text.len()) - offset;
            let end = floor_boundary(&file.text, span.end as usize).clamp(offset + start, offset + text.len()) - offset;
            let mut snippet = Snippet::source(text)
                .line_start(first_line)
                .path(path)
                .annotation(AnnotationKind::Primary.span(start..end.max(start)));
            for l in d.labels.iter().filter(|l| l.span.file == span.file) {
                let ls = l.span.start as usize;
                let le = l.span.end as usize;
                if ls >= offset && le <= offset + text.len() {
                    snippet = snippet.annotation(AnnotationKind::Context.span(ls - offset..le - offset).label(l.message.as_str()));
                }
            }
            groups.push(title.element(snippet));
        } else {
            groups.push(Group::with_title(title));
        }
        if let Some(help) = &d.help {
            groups.push(Group::with_title(Level::HELP.secondary_title(help.as_str())));
        }
        if let Some(r) = &d.resource {
            groups.push(Group::with_title(Level::NOTE.secondary_title(format!("in `{r}`"))));
        }
        out.push_str(&renderer.render(&groups));
        out.push_str("\n\n");
    }
    out
}

/// The lines of the file around a span and its same-file labels: (text, byte offset of the
/// text in the file, first line number).
fn excerpt<'a>(sources: &'a SourceMap, span: Span, labels: &[crate::diagnostic::Label]) -> (&'a str, usize, usize) {
    let file = sources.get(span.file);
    let mut lo = span.start as usize;
    let mut hi = span.end as usize;
    for l in labels.iter().filter(|l| l.span.file == span.file) {
        lo = lo.min(l.span.start as usize);
        hi = hi.max(l.span.end as usize);
    }
    let lo = floor_boundary(&file.text, lo);
    let hi = floor_boundary(&file.text, hi);
    let line_lo = file.line_col(lo).line;
    let start = file.line_start(line_lo);
    let end = file.text[hi..].find('\n').map(|i| hi + i).unwrap_or(file.text.len());
    (&file.text[start..end], start, line_lo)
}

fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Position of a diagnostic for machine formats: (file, start, end).
fn position(sources: &SourceMap, span: Option<Span>) -> (String, Option<LineCol>, Option<LineCol>) {
    match span {
        Some(s) => {
            let f = sources.get(s.file);
            (
                f.path.to_string_lossy().to_string(),
                Some(f.line_col(s.start as usize)),
                Some(f.line_col(s.end as usize)),
            )
        }
        None => (String::new(), None, None),
    }
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    resource: Option<&'a str>,
    help: Option<&'a str>,
    /// The text the primary span covers.
    snippet: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
}

fn json(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    let items: Vec<JsonDiagnostic> = sorted(diags)
        .into_iter()
        .map(|d| {
            let (file, start, end) = position(sources, d.span);
            JsonDiagnostic {
                code: d.code,
                severity: d.severity.as_str(),
                message: &d.message,
                file,
                line: start.map(|p| p.line),
                column: start.map(|p| p.column),
                end_line: end.map(|p| p.line),
                end_column: end.map(|p| p.column),
                resource: d.resource.as_deref(),
                help: d.help.as_deref(),
                snippet: d.span.map(|s| sources.text(s)),
                labels: d
                    .labels
                    .iter()
                    .map(|l| {
                        let (file, s, e) = position(sources, Some(l.span));
                        let (s, e) = (s.unwrap_or(LineCol { line: 0, column: 0 }), e.unwrap_or(LineCol { line: 0, column: 0 }));
                        JsonLabel {
                            message: &l.message,
                            file,
                            line: s.line,
                            column: s.column,
                            end_line: e.line,
                            end_column: e.column,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}

/// GitHub Actions workflow commands, one per diagnostic.
fn github(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in sorted(diags) {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let (file, start, end) = position(sources, d.span);
        out.push_str("::");
        out.push_str(kind);
        let mut props = Vec::new();
        if let (Some(s), Some(e)) = (start, end) {
            props.push(format!("file={}", escape_property(&file)));
            props.push(format!("line={}", s.line));
            props.push(format!("col={}", s.column));
            props.push(format!("endLine={}", e.line));
            props.push(format!("endColumn={}", e.column));
        }
        props.push(format!("title={}", escape_property(d.code)));
        out.push(' ');
        out.push_str(&props.join(","));
        out.push_str("::");
        let mut msg = format!("{}: {}", d.code, d.message);
        if let Some(h) = &d.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        out.push_str(&escape_data(&msg));
        out.push('\n');
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
