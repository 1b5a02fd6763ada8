//! Loading a Terraform module: its files, variables, locals, resources and data sources.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl::edit::Span as _;
use hcl::edit::expr::Expression;
use hcl::edit::structure::{Block, BlockLabel, Body};

use crate::diagnostic::{Diagnostic, codes, thousands};
use crate::source::{FileId, SourceMap, Span};

/// An expression together with the file it was written in.
#[derive(Clone, Debug)]
pub struct Expr {
    pub file: FileId,
    pub expr: Expression,
}

impl Expr {
    pub fn span(&self) -> Option<Span> {
        self.expr.span().map(|r| Span::new(self.file, r.start, r.end))
    }

    pub fn as_ref(&self) -> ExprRef<'_> {
        ExprRef { file: self.file, expr: &self.expr }
    }
}

/// An expression of a block, borrowed, with the file it was written in.
#[derive(Clone, Copy, Debug)]
pub struct ExprRef<'a> {
    pub file: FileId,
    pub expr: &'a Expression,
}

impl ExprRef<'_> {
    pub fn span(&self) -> Option<Span> {
        self.expr.span().map(|r| Span::new(self.file, r.start, r.end))
    }

    pub fn to_owned(self) -> Expr {
        Expr { file: self.file, expr: self.expr.clone() }
    }
}

/// A `variable` block.
#[derive(Clone, Debug)]
pub struct Variable {
    pub name: String,
    pub type_expr: Option<Expr>,
    pub default: Option<Expr>,
    pub sensitive: bool,
    pub span: Option<Span>,
}

/// A `resource` or `data` block.
#[derive(Clone, Debug)]
pub struct Resource {
    /// `aws_kms_key`.
    pub kind: String,
    /// The block's name label.
    pub name: String,
    /// `true` for a `data` block.
    pub data: bool,
    pub file: FileId,
    pub body: Body,
    /// The whole block.
    pub span: Option<Span>,
}

impl Resource {
    /// `aws_kms_key.app` or `data.aws_caller_identity.current`.
    pub fn address(&self) -> String {
        if self.data { format!("data.{}.{}", self.kind, self.name) } else { format!("{}.{}", self.kind, self.name) }
    }

    /// A top-level attribute of the block.
    pub fn attribute(&self, name: &str) -> Option<ExprRef<'_>> {
        self.body.get_attribute(name).map(|a| ExprRef { file: self.file, expr: &a.value })
    }
}

/// One Terraform module: every declaration of its files.
#[derive(Debug, Default)]
pub struct Module {
    pub dir: PathBuf,
    /// `path.module` as Terraform gives it: `.` for the root module, the module's
    /// directory relative to the root's for a called one (`modules/kms`); empty means `.`.
    pub path_module: String,
    /// The root module's directory, where Terraform runs: relative paths given to `file`
    /// and the other functions that read files are resolved from it.
    pub root_dir: PathBuf,
    pub files: Vec<FileId>,
    pub variables: BTreeMap<String, Variable>,
    pub locals: BTreeMap<String, Expr>,
    pub resources: Vec<Resource>,
    /// `output` blocks: name → value expression.
    pub outputs: BTreeMap<String, Expr>,
    /// `module` blocks.
    pub calls: Vec<ModuleCall>,
    /// Files read by `file(...)`/`templatefile(...)` calls, by the path as written (with
    /// `path.module` as [`Module::path_module`]), loaded before evaluation so that values
    /// keep their spans.
    pub loaded_files: BTreeMap<String, FileId>,
    /// Files such calls name that exist but could not be loaded, by the same key: the code
    /// and the reason to report when the call is evaluated.
    pub unreadable_files: BTreeMap<String, (&'static str, String)>,
    /// The files `fileset(path, pattern)` calls list, listed when the module is loaded: by
    /// the path's key (as for `file`) and the pattern; or why they cannot be listed.
    pub filesets: BTreeMap<(String, String), Result<Vec<String>, String>>,
    /// The results of `fileexists`, `filemd5`, ... calls (`eval::functions::FILE_FUNCTIONS`),
    /// computed when the module is loaded: by the function's name and the path's key.
    pub file_facts: BTreeMap<(String, String), Result<crate::eval::functions::FileFact, String>>,
    /// For a module compiled from one file: what the other `.tf` files of its directory
    /// declare, by the reference that names it (`var.x`, `local.x`, `data.T.N`, `T.N`) →
    /// file name, for a hint when one is referenced.
    pub declared_beside: BTreeMap<String, String>,
    /// Address → index in `resources` (first declaration), built on the first lookup: by
    /// then every file and override is collected.
    resource_index: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
    /// `files` as a set, built on the first lookup (every file is loaded by then).
    file_set: std::sync::OnceLock<std::collections::HashSet<FileId>>,
}

impl Module {
    /// Where a path a `file`-like call of the module names is: an absolute path as it is,
    /// a relative one (`./a`, `a`, `modules/kms/a`) from where Terraform runs, the root
    /// module's directory.
    pub fn resolve(&self, path: &str) -> PathBuf {
        if Path::new(path).is_absolute() { PathBuf::from(path) } else { self.root_dir.join(file_key(path)) }
    }

    /// `path.module`: `.` for the root module, `modules/kms` for one it calls.
    pub fn path_module(&self) -> &str {
        if self.path_module.is_empty() { "." } else { &self.path_module }
    }

    /// The module's directory as an absolute path without links (as it is if that fails).
    pub fn canonical_dir(&self) -> PathBuf {
        canonical(&self.dir)
    }

    /// The root module's directory (where Terraform runs), as [`Module::canonical_dir`].
    pub fn canonical_root_dir(&self) -> PathBuf {
        canonical(&self.root_dir)
    }
}

/// `dir` as an absolute path without links (as it is if that fails; `""` is `.`).
fn canonical(dir: &Path) -> PathBuf {
    let d = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    std::fs::canonicalize(d).unwrap_or_else(|_| dir.to_path_buf())
}

/// A `module "NAME" { source = ... }` block.
#[derive(Clone, Debug)]
pub struct ModuleCall {
    pub name: String,
    /// The `source` argument, when it is a literal string.
    pub source: Option<String>,
    pub file: FileId,
    pub body: Body,
    pub span: Option<Span>,
}

impl ModuleCall {
    /// Whether `source` is a local path (`./x`, `../x`), the only kind kmsc loads.
    pub fn is_local(&self) -> bool {
        self.source.as_deref().is_some_and(|s| s.starts_with("./") || s.starts_with("../"))
    }

    /// The input arguments: every attribute but the meta-arguments.
    pub fn inputs(&self) -> Vec<(String, ExprRef<'_>)> {
        self.body
            .attributes()
            .filter(|a| {
                !matches!(a.key.as_str(), "source" | "version" | "count" | "for_each" | "providers" | "depends_on")
            })
            .map(|a| (a.key.as_str().to_string(), ExprRef { file: self.file, expr: &a.value }))
            .collect()
    }

    pub fn attribute(&self, name: &str) -> Option<ExprRef<'_>> {
        self.body.get_attribute(name).map(|a| ExprRef { file: self.file, expr: &a.value })
    }
}

impl Module {
    pub fn resource(&self, address: &str) -> Option<&Resource> {
        let index = self.resource_index.get_or_init(|| {
            let mut index = std::collections::HashMap::with_capacity(self.resources.len());
            for (i, r) in self.resources.iter().enumerate() {
                index.entry(r.address()).or_insert(i);
            }
            index
        });
        index.get(address).and_then(|&i| self.resources.get(i))
    }

    /// Whether `file` is one of the module's files (a value whose span is elsewhere came
    /// from a `.tfvars` file or the command line). A set: in a module of thousands of
    /// files a search of `files` per variable reference made evaluation quadratic.
    pub fn has_file(&self, file: FileId) -> bool {
        self.file_set.get_or_init(|| self.files.iter().copied().collect()).contains(&file)
    }
}

/// Parses one HCL file, reporting a syntax error as a diagnostic.
///
/// hcl-edit refuses an object constructor that repeats a key, while Terraform accepts it
/// and keeps the last value. Such a repeated key is reported (`KMS007`, on both keys) and
/// the file is parsed again with the earlier key renamed to a placeholder of the same
/// length; the placeholder's position is recorded in the source map so that evaluation
/// drops that entry, as Terraform does.
pub fn parse_file(sources: &mut SourceMap, file: FileId, diags: &mut Vec<Diagnostic>) -> Option<Body> {
    parse_file_from(sources, file, diags, None)
}

/// hcl-edit's parse of a file's text as it is (what [`parse_file`] tries first), or `None`
/// when `parse_file` would not parse it (a NUL byte).
pub type FirstParse = Option<Result<Body, hcl::edit::parser::Error>>;

/// [`FirstParse`] of `text`.
pub fn first_parse(text: &str) -> FirstParse {
    if text.contains('\0') || crate::parse_guard::check(text).is_some() {
        None
    } else {
        Some(hcl::edit::parser::parse_body(text))
    }
}

/// [`parse_file`], given the result of [`first_parse`] when it was computed already (on
/// another thread).
pub fn parse_file_from(
    sources: &mut SourceMap,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
    mut first: FirstParse,
) -> Option<Body> {
    // Terraform refuses a NUL byte anywhere in a configuration file; one diagnostic for
    // the first (a binary file would otherwise give a pile of syntax errors, or none).
    if let Some(at) = sources.get(file).text.find('\0') {
        diags.push(
            Diagnostic::error(
                codes::SYNTAX,
                "invalid HCL: the file contains a NUL byte, which Terraform does not accept",
            )
            .at(Some(Span::new(file, at, at + 1)))
            .help("configuration files are text; remove the NUL byte (or check that this is not a binary file)"),
        );
        return None;
    }
    // Objects of very many members would take the parser minutes (see `parse_guard`). A
    // first parse was done only if the text passed already.
    if first.is_none()
        && let Some(costly) = crate::parse_guard::check(&sources.get(file).text)
    {
        diags.push(
            Diagnostic::error(
                codes::LIMIT,
                format!(
                    "this object has {} members: the objects of this file are too big for kmsc to parse in bounded time",
                    thousands(costly.members)
                ),
            )
            .at(Some(Span::new(file, costly.offset, costly.offset + 1)))
            .help(format!(
                "the parser compares each key of an object with every key before it; kmsc parses a file when the squares of its objects' member counts add up to at most {} ({} plus {} per byte of the file), and here they add up to {}: split the object, or keep the data in a JSON file read with `jsondecode(file(...))`",
                thousands(crate::parse_guard::max_work(sources.get(file).text.len())),
                thousands(crate::parse_guard::FIXED_WORK),
                crate::parse_guard::WORK_PER_BYTE,
                thousands(costly.work)
            )),
        );
        return None;
    }
    let mut text: Option<String> = None;
    let mut renamed = 0usize;
    let size = sources.get(file).text.len();
    loop {
        let current = text.as_deref().unwrap_or(&sources.get(file).text);
        let parsed = match first.take() {
            Some(r) => r,
            None => hcl::edit::parser::parse_body(current),
        };
        let err = match parsed {
            Ok(body) => return Some(body),
            Err(err) => err,
        };
        let loc = err.location();
        let src = sources.get(file);
        let start = src.line_start(loc.line()) + byte_offset_of_column(err.line(), loc.column());
        // Each repeated key costs one more parse of the whole file: at most 1,000 of them
        // and 64 MiB of text parsed again in all.
        if err.message().contains("redefined object key")
            && renamed < 1000
            && (renamed + 1).saturating_mul(size) <= MAX_REPARSE_BYTES
            && let Some((first, second)) = repeated_key(current, start)
        {
            let name = current[second.0..second.1].trim_matches('"').to_string();
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_KEY,
                    format!("the key `{name}` is repeated in this object; Terraform keeps only the last value"),
                )
                .at(Some(Span::new(file, first.0, first.1)))
                .label(Some(Span::new(file, second.0, second.1)), "repeated here; this value replaces the first")
                .help(format!("remove one of the two `{name}` entries, or merge them into one")),
            );
            let placeholder = placeholder_ident(first.1 - first.0, renamed)?;
            let mut next = current.to_string();
            next.replace_range(first.0..first.1, &placeholder);
            sources.drop_key(file, first.0);
            text = Some(next);
            renamed += 1;
            continue;
        }
        let span = Span::new(file, start, start + 1);
        diags.push(Diagnostic::error(codes::SYNTAX, syntax_message(err.message())).at(Some(span)));
        return None;
    }
}

/// Most text parsed again, in all, to recover from repeated object keys in one file.
const MAX_REPARSE_BYTES: usize = 64 << 20;

/// A valid identifier of exactly `len` bytes, distinct for each `n`.
fn placeholder_ident(len: usize, n: usize) -> Option<String> {
    let digits = format!("{n:x}");
    if len < digits.len() + 1 {
        return None;
    }
    Some(format!("_{}{digits}", "_".repeat(len - 1 - digits.len())))
}

/// The byte ranges of the earlier key and of the repeated key starting at `at`.
fn repeated_key(text: &str, at: usize) -> Option<((usize, usize), (usize, usize))> {
    let second = key_token(text, at)?;
    let name = text[second.0..second.1].trim_matches('"');
    // Walk back over the enclosing object at depth 0, looking for the same key.
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut i = second.0;
    let mut in_string = false;
    while i > 0 {
        i -= 1;
        let c = bytes[i];
        if in_string {
            if c == b'"' && !escaped(bytes, i) {
                in_string = false;
            }
            continue;
        }
        match c {
            b'"' => {
                // A key written as a quoted string ends here.
                let end = i + 1;
                let mut j = i;
                while j > 0 {
                    j -= 1;
                    if bytes[j] == b'"' && !escaped(bytes, j) {
                        break;
                    }
                }
                if depth == 0 && is_key_at(text, j, end) && &text[j + 1..end - 1] == name {
                    return Some(((j, end), second));
                }
                in_string = false;
                i = j;
            }
            b'}' | b']' | b')' => depth += 1,
            b'{' | b'[' | b'(' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            c if depth == 0 && is_ident_byte(c) && (i == 0 || !is_ident_byte(bytes[i - 1])) => {
                let end = text[i..]
                    .find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '-'))
                    .map_or(text.len(), |e| i + e);
                if &text[i..end] == name && is_key_at(text, i, end) {
                    return Some(((i, end), second));
                }
            }
            _ => {}
        }
    }
    None
}

fn escaped(bytes: &[u8], i: usize) -> bool {
    let mut n = 0;
    let mut j = i;
    while j > 0 && bytes[j - 1] == b'\\' {
        n += 1;
        j -= 1;
    }
    n % 2 == 1
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c >= 0x80
}

/// The key token (identifier or quoted string) starting at `at`.
fn key_token(text: &str, at: usize) -> Option<(usize, usize)> {
    let rest = text.get(at..)?;
    if let Some(inner) = rest.strip_prefix('"') {
        let mut prev = ' ';
        for (i, ch) in inner.char_indices() {
            if ch == '"' && prev != '\\' {
                return Some((at, at + i + 2));
            }
            prev = ch;
        }
        return None;
    }
    let end = rest.find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '-')).unwrap_or(rest.len());
    (end > 0).then_some((at, at + end))
}

/// `start..end` is followed by `=` or `:` (an object key) and preceded by `{`, `,` or a
/// line break.
fn is_key_at(text: &str, start: usize, end: usize) -> bool {
    let after = text[end..].trim_start_matches([' ', '\t']);
    let before = text[..start].trim_end_matches([' ', '\t']);
    (after.starts_with('=') && !after.starts_with("==") || after.starts_with(':'))
        && (before.is_empty() || before.ends_with(['{', ',', '\n']))
}

fn syntax_message(raw: &str) -> String {
    let msg = raw.trim().trim_end_matches('.');
    let mut chars = msg.chars();
    match chars.next() {
        Some(c) => format!("invalid HCL: {}{}", c.to_lowercase(), chars.as_str()),
        None => "invalid HCL".to_string(),
    }
}

/// hcl-edit reports 1-based columns in characters of the line.
fn byte_offset_of_column(line: &str, column: usize) -> usize {
    line.char_indices().nth(column.saturating_sub(1)).map(|(i, _)| i).unwrap_or(line.len())
}

fn label_str(label: &BlockLabel) -> &str {
    label.as_str()
}

/// Collects the declarations of a parsed file into `module`.
pub fn collect(module: &mut Module, file: FileId, body: Body, diags: &mut Vec<Diagnostic>) {
    for block in body.into_blocks() {
        let span = block.span().map(|r| Span::new(file, r.start, r.end));
        match block.ident.as_str() {
            "variable" => {
                if let Some(name) = single_label(&block, file, diags) {
                    let attr = |n: &str| block.body.get_attribute(n).map(|a| Expr { file, expr: a.value.clone() });
                    let sensitive =
                        block.body.get_attribute("sensitive").and_then(|a| a.value.as_bool()).unwrap_or(false);
                    module.variables.insert(
                        name.clone(),
                        Variable { name, type_expr: attr("type"), default: attr("default"), sensitive, span },
                    );
                }
            }
            "locals" => {
                for attr in block.body.into_attributes() {
                    module.locals.insert(attr.key.as_str().to_string(), Expr { file, expr: attr.value });
                }
            }
            "output" => {
                if let Some(name) = single_label(&block, file, diags)
                    && let Some(v) = block.body.get_attribute("value")
                {
                    module.outputs.insert(name, Expr { file, expr: v.value.clone() });
                }
            }
            "module" => {
                if let Some(name) = single_label(&block, file, diags) {
                    let source = block.body.get_attribute("source").and_then(|a| a.value.as_str().map(str::to_string));
                    module.calls.push(ModuleCall { name, source, file, body: block.body, span });
                }
            }
            "resource" | "data" => {
                if block.labels.len() != 2 {
                    diags.push(
                        Diagnostic::error(
                            codes::SYNTAX,
                            format!("a `{}` block needs two labels, a type and a name", block.ident.as_str()),
                        )
                        .at(span),
                    );
                    continue;
                }
                module.resources.push(Resource {
                    kind: label_str(&block.labels[0]).to_string(),
                    name: label_str(&block.labels[1]).to_string(),
                    data: block.ident.as_str() == "data",
                    file,
                    body: block.body,
                    span,
                });
            }
            _ => {}
        }
    }
}

fn single_label(block: &Block, file: FileId, diags: &mut Vec<Diagnostic>) -> Option<String> {
    if block.labels.len() == 1 {
        return Some(label_str(&block.labels[0]).to_string());
    }
    let span = block.span().map(|r| Span::new(file, r.start, r.end));
    diags.push(
        Diagnostic::error(codes::SYNTAX, format!("a `{}` block needs exactly one label", block.ident.as_str()))
            .at(span),
    );
    None
}

/// The files that make up the module at `path` (a directory, or one `.tf` or `.tf.json`
/// file), sorted by name (override files included), and the tfvars files Terraform loads
/// automatically beside them.
#[derive(Debug, Default)]
pub struct ModuleFiles {
    pub dir: PathBuf,
    pub tf: Vec<PathBuf>,
    pub auto_tfvars: Vec<PathBuf>,
}

/// Lists a module's files. Errors are messages about the path itself.
pub fn module_files(path: &Path) -> Result<ModuleFiles, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read `{}`: {}", path.display(), io_reason(&e)))?;
    let (dir, tf) = if meta.is_dir() {
        let mut tf = Vec::new();
        for entry in read_dir_sorted(path)? {
            let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if (name.ends_with(".tf") || name.ends_with(".tf.json")) && entry.is_file() {
                tf.push(entry);
            }
        }
        (path.to_path_buf(), tf)
    } else {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        (dir, vec![path.to_path_buf()])
    };
    let mut auto_tfvars = Vec::new();
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = dir.join(name);
        if p.is_file() {
            auto_tfvars.push(p);
        }
    }
    for entry in read_dir_sorted(&dir)? {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if (name.ends_with(".auto.tfvars") || name.ends_with(".auto.tfvars.json")) && entry.is_file() {
            auto_tfvars.push(entry);
        }
    }
    Ok(ModuleFiles { dir, tf, auto_tfvars })
}

/// Lists a directory; entries keep the directory as written (none for the working directory).
fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let listing = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let rd = std::fs::read_dir(listing)
        .map_err(|e| format!("cannot read directory `{}`: {}", dir.display(), io_reason(&e)))?;
    let mut out: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| dir.join(e.file_name()))).collect();
    out.sort();
    Ok(out)
}

/// The most bytes of source one compilation reads: its `.tf`, `.tf.json` and tfvars files,
/// the files of its local modules and the files read by `file()`/`templatefile()`, all
/// together (64 MiB: a module of 2,000 files of ten keys each is about 40 MiB). Parsing and
/// evaluating take up to about forty times the size of the sources in memory; a larger
/// file is refused before it is read.
pub const MAX_SOURCE_BYTES: u64 = 64 << 20;
/// [`MAX_SOURCE_BYTES`] in words, for messages.
pub const MAX_SOURCE_TEXT: &str = "64 MiB";

/// Why a source file could not be read.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// Over the remaining room: `size` bytes (`None` for a device or pipe, read up to the
    /// room only).
    TooBig {
        size: Option<u64>,
    },
    /// Not UTF-8: the text with invalid bytes replaced, and the offset of the first one.
    NotUtf8 {
        lossy: String,
        offset: usize,
    },
}

/// Reads a text file of at most `room` bytes; a larger one is refused without being read
/// whole (a device or a pipe is read up to `room + 1` bytes).
pub fn read_text(path: &Path, room: u64) -> Result<String, ReadError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::Io(std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a directory")));
    }
    if meta.is_file() && meta.len() > room {
        return Err(ReadError::TooBig { size: Some(meta.len()) });
    }
    let mut bytes = Vec::new();
    file.take(room.saturating_add(1)).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > room {
        return Err(ReadError::TooBig { size: meta.is_file().then_some(bytes.len() as u64) });
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        ReadError::NotUtf8 { lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(), offset }
    })
}

/// Bytes of the files read so far (virtual files are derived from them and not counted).
pub fn source_bytes(sources: &SourceMap) -> u64 {
    sources.files().map(|(_, f)| f.text.len() as u64).sum()
}

/// Reads a source file into `sources`, within [`MAX_SOURCE_BYTES`] for all the files of the
/// compilation, or reports why it cannot be read: `KMS001` (unreadable, or not UTF-8, at the
/// first invalid byte) or `KMS009` (too big). `what` names the file in messages
/// (`variable file` for `--var-file`, else `file`).
pub fn load_source(sources: &mut SourceMap, path: &Path, what: &str, diags: &mut Vec<Diagnostic>) -> Option<FileId> {
    let room = MAX_SOURCE_BYTES.saturating_sub(source_bytes(sources));
    let shown = path.display();
    let what = if what == "file" { String::new() } else { format!("{what} ") };
    match read_text(path, room) {
        Ok(text) => Some(sources.add(path.to_path_buf(), text)),
        Err(ReadError::Io(e)) => {
            diags.push(Diagnostic::error(codes::READ, format!("cannot read {what}`{shown}`: {}", io_reason(&e))));
            None
        }
        Err(ReadError::TooBig { size }) => {
            let message = match size {
                Some(size) if size <= MAX_SOURCE_BYTES => {
                    format!(
                        "`{shown}` ({size} bytes) would bring the sources read over kmsc's limit of {MAX_SOURCE_TEXT}"
                    )
                }
                Some(size) => {
                    format!("`{shown}` is {size} bytes long, over kmsc's limit of {MAX_SOURCE_TEXT} of sources")
                }
                None => format!("`{shown}` is longer than kmsc's limit of {MAX_SOURCE_TEXT} of sources"),
            };
            diags.push(Diagnostic::error(codes::LIMIT, message).help(
                "kmsc reads at most 64 MiB of `.tf`, tfvars and `file()` sources for one root module; \
                 split the configuration, or check that this is the file you meant",
            ));
            None
        }
        Err(ReadError::NotUtf8 { lossy, offset }) => {
            // The text is kept (invalid bytes replaced) to show where the first one is.
            let file = sources.add(path.to_path_buf(), lossy);
            diags.push(
                Diagnostic::error(codes::READ, format!("cannot read {what}`{shown}`: the file is not valid UTF-8"))
                    .at(Some(Span::new(file, offset, offset + 1)))
                    .help("Terraform reads configuration as UTF-8 text; is this a binary file?"),
            );
            None
        }
    }
}

/// A short lowercase reason for an I/O error.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::InvalidData => "the file is not valid UTF-8".to_string(),
        _ => {
            let s = e.to_string();
            let s = s.split(" (os error").next().unwrap_or(&s).to_string();
            let mut c = s.chars();
            match c.next() {
                Some(f) => format!("{}{}", f.to_lowercase(), c.as_str()),
                None => s,
            }
        }
    }
}

/// The first reference in `expr` to a resource of one of `kinds` (`aws_kms_key.app.arn` →
/// `aws_kms_key.app`), looking through templates, calls and operators.
pub fn resource_reference(expr: ExprRef<'_>, kinds: &[&str]) -> Option<String> {
    fn walk(e: &Expression, kinds: &[&str]) -> Option<String> {
        use hcl::edit::expr::{Expression as E, TraversalOperator};
        use hcl::edit::template::Element;
        match e {
            E::Traversal(t) => {
                if let E::Variable(root) = &t.expr
                    && kinds.contains(&root.as_str())
                    && let Some(TraversalOperator::GetAttr(name)) = t.operators.first().map(|o| o.value())
                {
                    return Some(format!("{}.{}", root.as_str(), name.as_str()));
                }
                walk(&t.expr, kinds)
            }
            E::StringTemplate(t) => t.iter().find_map(|el| match el {
                Element::Interpolation(i) => walk(&i.expr, kinds),
                _ => None,
            }),
            E::FuncCall(c) => c.args.iter().find_map(|a| walk(a, kinds)),
            E::Parenthesis(p) => walk(p.inner(), kinds),
            E::Conditional(c) => walk(&c.true_expr, kinds).or_else(|| walk(&c.false_expr, kinds)),
            E::Array(items) => items.iter().find_map(|a| walk(a, kinds)),
            _ => None,
        }
    }
    walk(expr.expr, kinds)
}

/// What a file's `file(...)`, `templatefile(...)`, `fileset(...)` and `fileexists(...)`,
/// `filemd5(...)`, ... calls read, when it is known before evaluation.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Referenced {
    /// The paths of `file` and `templatefile` calls.
    pub files: Vec<String>,
    /// The path and the pattern of `fileset` calls.
    pub filesets: Vec<(String, String)>,
    /// The function and the path of calls of `fileexists`, `filemd5`, ...
    pub file_facts: Vec<(String, String)>,
}

/// The paths of `file(...)`, `templatefile(...)` and `fileexists(...)`-like calls, and the
/// paths and patterns of `fileset(...)` calls, known before evaluation: a path is a literal or a template of
/// literals, `path.module` (`path_module`) and `path.root` (`.`), a pattern a literal.
/// `text` is the source of `body`: the tree is walked only where the word `file` is written.
pub fn referenced_files(text: &str, body: &Body, path_module: &str) -> Referenced {
    use hcl::edit::expr::{Expression as E, FuncCall, TraversalOperator};
    use hcl::edit::template::Element;
    use hcl::edit::template::ForTemplateExpr;
    use hcl::edit::visit::{Visit, visit_for_template_expr, visit_func_call};

    struct Finder<'m> {
        found: Referenced,
        path_module: &'m str,
    }
    impl Visit for Finder<'_> {
        fn visit_func_call(&mut self, call: &FuncCall) {
            let mut args = call.args.iter();
            let path = |e: Option<&E>| e.and_then(|e| static_path(e, self.path_module));
            match call.name.name.as_str() {
                "file" | "templatefile" => {
                    if let Some(path) = path(args.next()) {
                        self.found.files.push(path);
                    }
                }
                "fileset" => {
                    if let (Some(path), Some(E::String(pattern)), None) = (path(args.next()), args.next(), args.next())
                    {
                        self.found.filesets.push((path, pattern.value().to_string()));
                    }
                }
                name if crate::eval::functions::FILE_FUNCTIONS.contains(&name) => {
                    if let (Some(path), None) = (path(args.next()), args.next()) {
                        self.found.file_facts.push((name.to_string(), path));
                    }
                }
                _ => {}
            }
            visit_func_call(self, call);
        }
        fn visit_for_template_expr(&mut self, node: &ForTemplateExpr) {
            // hcl-edit's walk skips the collection a `%{ for }` iterates over.
            self.visit_expr(&node.collection_expr);
            visit_for_template_expr(self, node);
        }
    }
    /// `path.module` or `path.root`: its value.
    fn path_value<'m>(e: &E, path_module: &'m str) -> Option<&'m str> {
        let E::Traversal(tr) = e else { return None };
        if !matches!(&tr.expr, E::Variable(v) if v.as_str() == "path") || tr.operators.len() != 1 {
            return None;
        }
        match tr.operators.first().map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(a)) if a.as_str() == "module" => Some(path_module),
            Some(TraversalOperator::GetAttr(a)) if a.as_str() == "root" => Some("."),
            _ => None,
        }
    }
    fn static_path(e: &E, path_module: &str) -> Option<String> {
        match e {
            E::String(s) => Some(s.value().to_string()),
            E::StringTemplate(t) => {
                let mut out = String::new();
                for el in t.iter() {
                    match el {
                        Element::Literal(l) => out.push_str(l.value()),
                        Element::Interpolation(i) => out.push_str(path_value(&i.expr, path_module)?),
                        Element::Directive(_) => return None,
                    }
                }
                Some(out)
            }
            e => path_value(e, path_module).map(str::to_string),
        }
    }
    if !text.contains("file") {
        return Referenced::default();
    }
    let mut f = Finder { found: Referenced::default(), path_module };
    f.visit_body(body);
    f.found
}

/// The sibling files [`declared_beside`] reads at most.
const BESIDE_FILES: usize = 200;
/// The largest sibling file [`declared_beside`] reads.
const BESIDE_BYTES: u64 = 1 << 20;

/// What the other `.tf` files of `file`'s directory declare (by the reference that names
/// it: `var.x`, `local.x`, `data.T.N`, `T.N` → file name), for a module compiled from
/// `file` alone: Terraform's module is the whole directory, so a reference to one of them
/// gets a hint instead of a bare "undeclared". At most [`BESIDE_FILES`] files of at most
/// [`BESIDE_BYTES`] are read; files that cannot be read or parsed are skipped.
pub fn declared_beside(file: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    let mut siblings: Vec<(String, PathBuf)> = entries
        .flatten()
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .filter(|(name, _)| name.ends_with(".tf") && Some(std::ffi::OsStr::new(name)) != file.file_name())
        .collect();
    siblings.sort();
    for (name, path) in siblings.into_iter().take(BESIDE_FILES) {
        if !std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= BESIDE_BYTES) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        if crate::parse_guard::check(&text).is_some() {
            continue;
        }
        let Ok(body) = hcl::edit::parser::parse_body(&text) else { continue };
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(label_str).collect();
            let mut add = |reference: String| {
                out.entry(reference).or_insert_with(|| name.clone());
            };
            match (block.ident.as_str(), &labels[..]) {
                ("variable", [n]) => add(format!("var.{n}")),
                ("data", [t, n]) => add(format!("data.{t}.{n}")),
                ("resource", [t, n]) => add(format!("{t}.{n}")),
                ("locals", []) => block.body.attributes().for_each(|a| add(format!("local.{}", a.key.as_str()))),
                _ => {}
            }
        }
    }
    out
}

/// The key under which a `file()` path is recorded: `./a/b.json` and `a/b.json` are one.
pub fn file_key(path: &str) -> String {
    let mut p = path;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn referenced(src: &str, path_module: &str) -> Referenced {
        let body: Body = src.parse().expect("parses");
        referenced_files(src, &body, path_module)
    }

    #[test]
    fn files_read_with_literal_paths_and_path_module_are_found() {
        let r = referenced(
            "a = file(\"${path.module}/p.json\")\nb = filemd5(\"${path.root}/x\")\nc = fileset(path.module, \"*.json\")\nd = file(var.f)\n",
            "modules/kms",
        );
        assert_eq!(r.files, ["modules/kms/p.json"]);
        assert_eq!(r.file_facts, [("filemd5".to_string(), "./x".to_string())]);
        assert_eq!(r.filesets, [("modules/kms".to_string(), "*.json".to_string())]);
        // In the collection of a template's `%{ for }` too.
        let r = referenced("a = \"%{ for l in split(\"\\n\", file(\"principals.txt\")) }${l}%{ endfor }\"\n", ".");
        assert_eq!(r.files, ["principals.txt"]);
    }
}
