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
    Sarif,
}

/// Renders all diagnostics in `format`. `color` only affects `Human`.
pub fn render(sources: &SourceMap, diags: &[Diagnostic], format: Format, color: bool) -> String {
    match format {
        Format::Human => human(sources, diags, color),
        Format::Json => json(sources, diags),
        Format::Github => github(sources, diags),
        Format::Sarif => sarif(sources, diags),
    }
}

/// Renders the diagnostics of several compilations (several root modules) as one output:
/// one JSON array, one SARIF run.
pub fn render_all(parts: &[(&SourceMap, &[Diagnostic])], format: Format, color: bool) -> String {
    let mut stream = DiagStream::new(format, color);
    let mut out: String = parts.iter().map(|(s, d)| stream.push(s, d)).collect();
    out.push_str(&stream.finish());
    out
}

/// Renders the diagnostics of compilations one at a time, so that a compilation (and its
/// sources) can be dropped once its diagnostics are rendered. Human and GitHub output is
/// returned by `push`, ready to print; JSON and SARIF are one document, returned by
/// `finish`, and keep only the rendered items meanwhile.
pub struct DiagStream {
    format: Format,
    color: bool,
    items: Vec<serde_json::Value>,
    /// Every code, for SARIF's rule indexes.
    codes: Vec<&'static crate::diagnostic::CodeInfo>,
}

impl DiagStream {
    pub fn new(format: Format, color: bool) -> DiagStream {
        let codes = if format == Format::Sarif { crate::rules::all_codes() } else { Vec::new() };
        DiagStream { format, color, items: Vec::new(), codes }
    }

    /// The text to print now for these diagnostics (empty for JSON and SARIF).
    pub fn push(&mut self, sources: &SourceMap, diags: &[Diagnostic]) -> String {
        if diags.is_empty() {
            return String::new();
        }
        match self.format {
            Format::Human | Format::Github => render(sources, diags, self.format, self.color),
            Format::Json => {
                self.items.extend(json_items(sources, diags));
                String::new()
            }
            Format::Sarif => {
                self.items.extend(sarif_results(sources, diags, &self.codes));
                String::new()
            }
        }
    }

    /// The closing document (JSON array, SARIF log); empty for human and GitHub output.
    pub fn finish(self) -> String {
        match self.format {
            Format::Human | Format::Github => String::new(),
            Format::Json => finish_json(&serde_json::Value::Array(self.items)),
            Format::Sarif => sarif_document(self.items),
        }
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
            let ex = Excerpt::new(sources, span.file, text, offset);
            let (start, end) = (ex.start(span.start as usize), ex.end(span.end as usize));
            let mut snippet = Snippet::source(ex.text.clone())
                .line_start(first_line)
                .path(path)
                .annotation(AnnotationKind::Primary.span(start..end.max(start)));
            for l in d.labels.iter().filter(|l| l.span.file == span.file) {
                let ls = l.span.start as usize;
                let le = l.span.end as usize;
                if ls >= offset && le <= offset + text.len() {
                    let (ls, le) = (ex.start(ls), ex.end(le));
                    snippet =
                        snippet.annotation(AnnotationKind::Context.span(ls..le.max(ls)).label(l.message.as_str()));
                }
            }
            let mut group = title.element(snippet);
            // Labels in other files get a snippet of their own.
            let mut other_files: Vec<crate::source::FileId> =
                d.labels.iter().map(|l| l.span.file).filter(|f| *f != span.file).collect();
            other_files.dedup();
            for f in other_files {
                let labels: Vec<&crate::diagnostic::Label> = d.labels.iter().filter(|l| l.span.file == f).collect();
                let first = labels[0].span;
                let rest: Vec<crate::diagnostic::Label> = labels[1..].iter().map(|l| (*l).clone()).collect();
                let (text, offset, first_line) = excerpt(sources, first, &rest);
                let src = sources.get(f);
                let ex = Excerpt::new(sources, f, text, offset);
                let mut snip = Snippet::source(ex.text.clone())
                    .line_start(first_line)
                    .path(src.path.to_string_lossy().to_string());
                for l in labels {
                    let (ls, le) = (ex.start(l.span.start as usize), ex.end(l.span.end as usize));
                    snip = snip.annotation(AnnotationKind::Context.span(ls..le.max(ls)).label(l.message.as_str()));
                }
                group = group.element(snip);
            }
            groups.push(group);
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

/// The text of an excerpt as shown: each sensitive value in it (`SourceMap::is_sensitive`)
/// replaced by `(sensitive value)` (followed by as many line breaks as it spanned, so that
/// line numbers stay right), and the mapping of file offsets into that text.
struct Excerpt<'a> {
    text: std::borrow::Cow<'a, str>,
    /// Where the excerpt starts in the file.
    offset: usize,
    /// Its length in the file.
    len: usize,
    /// The file's text, for character boundaries.
    file_text: &'a str,
    /// `(start, end)` in the file of each replaced value, with the start of its
    /// replacement in `text`, in order.
    replaced: Vec<(usize, usize, usize)>,
}

impl<'a> Excerpt<'a> {
    fn new(sources: &'a SourceMap, file: crate::source::FileId, text: &'a str, offset: usize) -> Excerpt<'a> {
        let file_text = sources.get(file).text.as_str();
        let end = offset + text.len();
        let ranges: Vec<(usize, usize)> = sources
            .sensitive_ranges(file)
            .iter()
            .map(|&(s, e)| ((s as usize).max(offset), (e as usize).min(end)))
            .filter(|(s, e)| s < e)
            .collect();
        let mut ex = Excerpt { text: text.into(), offset, len: text.len(), file_text, replaced: Vec::new() };
        if ranges.is_empty() {
            return ex;
        }
        let mut out = String::new();
        let mut at = offset;
        for (s, e) in ranges {
            let s = floor_boundary(file_text, s.max(at));
            if s >= e {
                continue;
            }
            let e = ceil_boundary(file_text, e);
            out.push_str(&file_text[at..s]);
            ex.replaced.push((s, e, out.len()));
            out.push_str(crate::source::SENSITIVE);
            out.push_str(&"\n".repeat(file_text[s..e].matches('\n').count()));
            at = e;
        }
        out.push_str(&file_text[at..end]);
        ex.text = out.into();
        ex
    }

    /// The position in `text` of the file offset `at`, as the start of an annotation.
    fn start(&self, at: usize) -> usize {
        self.map(at, false)
    }

    /// The position in `text` of the file offset `at`, as the end of an annotation.
    fn end(&self, at: usize) -> usize {
        self.map(at, true)
    }

    fn map(&self, at: usize, is_end: bool) -> usize {
        let at = floor_boundary(self.file_text, at).clamp(self.offset, self.offset + self.len);
        let (mut from_file, mut from_text) = (self.offset, 0);
        for &(s, e, r) in &self.replaced {
            if at < s || (at == s && is_end) {
                break;
            }
            if at < e || (at == e && is_end) {
                // Inside a hidden value: the whole `(sensitive value)`.
                return if is_end { r + crate::source::SENSITIVE.len() } else { r };
            }
            (from_file, from_text) =
                (e, r + crate::source::SENSITIVE.len() + self.file_text[s..e].matches('\n').count());
        }
        from_text + (at - from_file)
    }
}

fn ceil_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The source text of a span as machine formats show it: `(sensitive value)` for a span
/// over a sensitive value.
fn shown_text(sources: &SourceMap, span: Span) -> &str {
    if sources.is_sensitive(span) { crate::source::SENSITIVE } else { sources.text(span) }
}

/// Position of a diagnostic for machine formats: (file, start, end).
fn position(sources: &SourceMap, span: Option<Span>) -> (String, Option<LineCol>, Option<LineCol>) {
    match span {
        Some(s) => {
            let f = sources.get(s.file);
            (f.path.to_string_lossy().to_string(), Some(f.line_col(s.start as usize)), Some(f.line_col(s.end as usize)))
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
    finish_json(&serde_json::Value::Array(json_items(sources, diags)))
}

fn finish_json(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}

fn json_items(sources: &SourceMap, diags: &[Diagnostic]) -> Vec<serde_json::Value> {
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
                snippet: d.span.map(|s| shown_text(sources, s)),
                labels: d
                    .labels
                    .iter()
                    .map(|l| {
                        let (file, s, e) = position(sources, Some(l.span));
                        let (s, e) =
                            (s.unwrap_or(LineCol { line: 0, column: 0 }), e.unwrap_or(LineCol { line: 0, column: 0 }));
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
    items.iter().filter_map(|i| serde_json::to_value(i).ok()).collect()
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

fn sarif_level(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn sarif_region(sources: &SourceMap, span: Span) -> serde_json::Value {
    let f = sources.get(span.file);
    let s = f.line_col(span.start as usize);
    let e = f.line_col(span.end as usize);
    serde_json::json!({
        "artifactLocation": { "uri": sarif_uri(&f.path) },
        "region": {
            "startLine": s.line,
            "startColumn": s.column,
            "endLine": e.line,
            "endColumn": e.column,
            "snippet": { "text": shown_text(sources, span) },
        },
    })
}

/// A relative URI with forward slashes, as code scanning expects.
fn sarif_uri(path: &std::path::Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.trim_start_matches("./").to_string()
}

/// SARIF 2.1.0: one run, every code as a rule with its documentation.
fn sarif(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    sarif_document(sarif_results(sources, diags, &crate::rules::all_codes()))
}

fn sarif_document(results: Vec<serde_json::Value>) -> String {
    let codes = crate::rules::all_codes();
    let rule_names: std::collections::BTreeMap<&str, &str> =
        crate::rules::all().iter().map(|r| (r.info.code, r.name)).collect();
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.code,
                "name": rule_names.get(c.code).copied().unwrap_or(c.code),
                "shortDescription": { "text": c.summary },
                "fullDescription": { "text": c.explanation },
                "help": { "text": c.explanation },
                "defaultConfiguration": { "level": sarif_level(c.severity) },
            })
        })
        .collect();
    let doc = sarif_wrap(rules, results);
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn sarif_results(
    sources: &SourceMap,
    diags: &[Diagnostic],
    codes: &[&crate::diagnostic::CodeInfo],
) -> Vec<serde_json::Value> {
    sorted(diags)
        .into_iter()
        .map(|d| {
            let mut r = serde_json::json!({
                "ruleId": d.code,
                "level": sarif_level(d.severity),
                "message": { "text": match &d.help {
                    Some(h) => format!("{}\nhelp: {h}", d.message),
                    None => d.message.clone(),
                } },
            });
            if let Some(i) = codes.iter().position(|c| c.code == d.code) {
                r["ruleIndex"] = serde_json::json!(i);
            }
            if let Some(span) = d.span {
                r["locations"] = serde_json::json!([{ "physicalLocation": sarif_region(sources, span) }]);
            }
            if !d.labels.is_empty() {
                r["relatedLocations"] = d
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        serde_json::json!({
                            "id": i + 1,
                            "message": { "text": l.message },
                            "physicalLocation": sarif_region(sources, l.span),
                        })
                    })
                    .collect();
            }
            if let Some(res) = &d.resource {
                r["properties"] = serde_json::json!({ "resource": res });
            }
            r
        })
        .collect()
}

fn sarif_wrap(rules: Vec<serde_json::Value>, results: Vec<serde_json::Value>) -> serde_json::Value {
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "kmsc",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}
