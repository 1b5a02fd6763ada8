//! Loading a Terraform module: its files, variables, locals, resources and data sources.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl::edit::Span as _;
use hcl::edit::expr::Expression;
use hcl::edit::structure::{Block, BlockLabel, Body};

use crate::diagnostic::{Diagnostic, codes};
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
        if self.data {
            format!("data.{}.{}", self.kind, self.name)
        } else {
            format!("{}.{}", self.kind, self.name)
        }
    }

    /// A top-level attribute of the block.
    pub fn attribute(&self, name: &str) -> Option<Expr> {
        self.body.get_attribute(name).map(|a| Expr {
            file: self.file,
            expr: a.value.clone(),
        })
    }
}

/// One Terraform module: every declaration of its files.
#[derive(Debug, Default)]
pub struct Module {
    pub dir: PathBuf,
    pub files: Vec<FileId>,
    pub variables: BTreeMap<String, Variable>,
    pub locals: BTreeMap<String, Expr>,
    pub resources: Vec<Resource>,
}

impl Module {
    pub fn resource(&self, address: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.address() == address)
    }
}

/// Parses one HCL file, reporting a syntax error as a diagnostic.
pub fn parse_file(sources: &SourceMap, file: FileId, diags: &mut Vec<Diagnostic>) -> Option<Body> {
    let text = &sources.get(file).text;
    match hcl::edit::parser::parse_body(text) {
        Ok(body) => Some(body),
        Err(err) => {
            let loc = err.location();
            let src = sources.get(file);
            let start = src.line_start(loc.line()) + byte_offset_of_column(err.line(), loc.column());
            let span = Span::new(file, start, start + 1);
            diags.push(Diagnostic::error(codes::SYNTAX, syntax_message(err.message())).at(Some(span)));
            None
        }
    }
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
    line.char_indices()
        .nth(column.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(line.len())
}

fn label_str(label: &BlockLabel) -> &str {
    label.as_str()
}

/// Collects the declarations of a parsed file into `module`.
pub fn collect(module: &mut Module, file: FileId, body: &Body, diags: &mut Vec<Diagnostic>) {
    for block in body.blocks() {
        let span = block.span().map(|r| Span::new(file, r.start, r.end));
        match block.ident.as_str() {
            "variable" => {
                if let Some(name) = single_label(block, file, diags) {
                    let attr = |n: &str| {
                        block.body.get_attribute(n).map(|a| Expr {
                            file,
                            expr: a.value.clone(),
                        })
                    };
                    let sensitive = block
                        .body
                        .get_attribute("sensitive")
                        .and_then(|a| a.value.as_bool())
                        .unwrap_or(false);
                    module.variables.insert(
                        name.clone(),
                        Variable {
                            name,
                            type_expr: attr("type"),
                            default: attr("default"),
                            sensitive,
                            span,
                        },
                    );
                }
            }
            "locals" => {
                for attr in block.body.attributes() {
                    module.locals.insert(
                        attr.key.as_str().to_string(),
                        Expr {
                            file,
                            expr: attr.value.clone(),
                        },
                    );
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
                    body: block.body.clone(),
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
        Diagnostic::error(
            codes::SYNTAX,
            format!("a `{}` block needs exactly one label", block.ident.as_str()),
        )
        .at(span),
    );
    None
}

/// The files that make up the module at `path` (a directory, or one `.tf` file), sorted by
/// name, and the tfvars files Terraform loads automatically beside them.
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
            if name.ends_with(".tf") && entry.is_file() {
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
    let rd = std::fs::read_dir(listing).map_err(|e| format!("cannot read directory `{}`: {}", dir.display(), io_reason(&e)))?;
    let mut out: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| dir.join(e.file_name()))).collect();
    out.sort();
    Ok(out)
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
