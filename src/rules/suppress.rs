//! Suppression comments: `# kmsc:ignore CODE[, CODE] -- reason` (or `//`) on the line
//! above a resource block or a policy statement silences those codes inside it.

use std::collections::{HashMap, HashSet};

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

/// The regions of one file that suppressions cover, with the codes each suppresses.
type Regions<'a> = Vec<(Span, &'a [String])>;

/// Drops the diagnostics that a suppression covers. `targets` are the spans a comment can
/// apply to (resource blocks and statements): a comment applies to the targets that start
/// on the next line that is neither blank nor a comment. `resources` are the resource
/// blocks and the `module` blocks that call the module, with their addresses: a comment
/// above one also covers the findings of that resource (of any of its instances), or of
/// every resource of that module, shown elsewhere, such as in a JSON file a policy reads
/// with `file`, in a local a policy uses, or in the called module's files.
pub fn apply(
    diags: Vec<Diagnostic>,
    sources: &SourceMap,
    targets: &[Span],
    resources: &[(Span, String)],
) -> Vec<Diagnostic> {
    let sups = find(sources);
    if sups.is_empty() {
        return diags;
    }
    // The targets starting on each line of the files that have suppressions, found once:
    // a module may have thousands of suppressions and of targets.
    let files: HashSet<FileId> = sups.iter().map(|s| s.file).collect();
    let mut starting: HashMap<(FileId, usize), Vec<Span>> = HashMap::new();
    for t in targets.iter().filter(|t| files.contains(&t.file)) {
        starting.entry((t.file, sources.get(t.file).line_of(t.start as usize))).or_default().push(*t);
    }
    let mut blocks: HashMap<(FileId, usize), Vec<&str>> = HashMap::new();
    for (span, address) in resources.iter().filter(|(t, _)| files.contains(&t.file)) {
        blocks.entry((span.file, sources.get(span.file).line_of(span.start as usize))).or_default().push(address);
    }
    // The codes suppressed for each resource address, wherever its findings are.
    let mut by_resource: HashMap<&str, Vec<&[String]>> = HashMap::new();
    // Per file, the regions each suppression covers, sorted by start.
    let mut regions: HashMap<FileId, Vec<(Span, &[String])>> = HashMap::new();
    for s in &sups {
        let src = sources.get(s.file);
        // The lines after the comment's, numbered from the next one.
        let after = &src.text[src.line_start(s.line + 1).min(src.text.len())..];
        let next = after
            .lines()
            .position(|l| {
                let t = l.trim_start();
                !t.is_empty() && !t.starts_with('#') && !t.starts_with("//")
            })
            .map(|i| s.line + 1 + i);
        let Some(next) = next else { continue };
        for t in starting.get(&(s.file, next)).into_iter().flatten() {
            regions.entry(s.file).or_default().push((*t, &s.codes));
        }
        for address in blocks.get(&(s.file, next)).into_iter().flatten() {
            by_resource.entry(address).or_default().push(&s.codes);
        }
    }
    // Sorted by start, with the furthest end of the regions up to each one: a finding is
    // looked for only among the regions that start before it and may reach past it.
    let regions: HashMap<FileId, (Regions, Vec<u32>)> = regions
        .into_iter()
        .map(|(file, mut r)| {
            r.sort_by_key(|(span, _)| span.start);
            let reach = r
                .iter()
                .scan(0u32, |m, (span, _)| {
                    *m = (*m).max(span.end);
                    Some(*m)
                })
                .collect();
            (file, (r, reach))
        })
        .collect();
    diags
        .into_iter()
        .filter(|d| {
            if let Some(resource) = &d.resource
                && resource_codes(&by_resource, resource).any(|c| c.eq_ignore_ascii_case(d.code))
            {
                return false;
            }
            let Some(span) = d.span else { return true };
            let Some((regions, reach)) = regions.get(&span.file) else { return true };
            let before = regions.partition_point(|(r, _)| r.start <= span.start);
            !(0..before).rev().take_while(|&i| reach[i] >= span.end).any(|i| {
                let (r, codes) = &regions[i];
                span.end <= r.end && codes.iter().any(|c| c.eq_ignore_ascii_case(d.code))
            })
        })
        .collect()
}

/// The codes suppressed for `resource`: for its own block's address and for every address
/// it starts with (`module.kms[0].aws_kms_key.app[1]` is covered by the comments above
/// `module.kms` and above `module.kms[0].aws_kms_key.app`).
fn resource_codes<'a>(
    by_resource: &'a HashMap<&str, Vec<&'a [String]>>,
    resource: &'a str,
) -> impl Iterator<Item = &'a String> {
    let outer = resource.match_indices(['.', '[']).map(|(i, _)| &resource[..i]);
    outer.chain(std::iter::once(resource)).filter_map(|a| by_resource.get(a)).flatten().flat_map(|codes| codes.iter())
}
