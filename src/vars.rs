//! Values of input variables, from every source Terraform reads, with its precedence:
//! defaults, then `TF_VAR_` environment variables, then `terraform.tfvars`,
//! `terraform.tfvars.json`, `*.auto.tfvars[.json]` (by file name), then `--var-file` and
//! `--var` in command-line order. Each later source overrides the earlier ones.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl::edit::Span as _;

use crate::diagnostic::{Diagnostic, Severity, codes};
use crate::eval::types::{ParseMode, parse_mode, parse_type};
use crate::eval::{Evaluator, Scope, convert};
use crate::module::Module;
use crate::source::{FileId, SourceMap, Span};
use crate::value::{Type, Value};

/// A variable value given on the command line or in the environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CliVar {
    /// `--var NAME=VALUE`.
    Var { name: String, value: String },
    /// `--var-file FILE`.
    File(PathBuf),
}

/// Where the raw values come from, in the order they are applied.
#[derive(Clone, Debug, Default)]
pub struct VarInputs {
    /// `TF_VAR_name` values (name without the prefix), as read by the caller.
    pub env: Vec<(String, String)>,
    /// Files Terraform loads automatically, already in Terraform's order.
    pub auto_files: Vec<PathBuf>,
    /// Variable files given as `(path, text)` instead of read from disk (in-memory
    /// compilations, see `compile::compile_sources_with_tfvars`), applied after
    /// `auto_files` in this order. The path names the file in diagnostics; a name ending in
    /// `.json` is read as `.tfvars.json`.
    pub auto_texts: Vec<(PathBuf, String)>,
    /// `--var` and `--var-file`, in command-line order.
    pub cli: Vec<CliVar>,
}

/// Resolves every declared variable of `module` to a value (unknown when none is given).
pub fn resolve(
    sources: &mut SourceMap,
    module: &Module,
    inputs: &VarInputs,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Value> {
    let (types, mut values) = declared(sources, module, diags);

    let mut raw: Vec<(String, Value)> = Vec::new();
    // Environment.
    for (name, text) in &inputs.env {
        if !module.variables.contains_key(name) {
            continue; // Terraform ignores TF_VAR_ values for undeclared variables.
        }
        let label = format!("<value for var.{name} from TF_VAR_{name}>");
        if let Some(v) = parse_cli_value(sources, name, text, types.get(name).and_then(|t| t.as_ref()), &label, diags) {
            raw.push((name.clone(), v));
        }
    }
    // Files loaded automatically.
    for path in &inputs.auto_files {
        load_file(sources, module, path, false, &mut raw, diags);
    }
    for (path, text) in &inputs.auto_texts {
        load_text(sources, module, path, text.clone(), &mut raw, diags);
    }
    // Command line.
    for item in &inputs.cli {
        match item {
            CliVar::File(path) => load_file(sources, module, path, true, &mut raw, diags),
            CliVar::Var { name, value } => {
                if !module.variables.contains_key(name) {
                    diags.push(
                        Diagnostic::error(codes::VARIABLE, format!("`--var` sets undeclared variable `{name}`"))
                            .help(format!("declare it with a `variable \"{name}\"` block, or remove the `--var`")),
                    );
                    continue;
                }
                let label = format!("<value for var.{name} from --var>");
                if let Some(v) =
                    parse_cli_value(sources, name, value, types.get(name).and_then(|t| t.as_ref()), &label, diags)
                {
                    raw.push((name.clone(), v));
                }
            }
        }
    }
    // Values of sensitive variables given outside the module's files are never shown in
    // diagnostics (their text in a tfvars file or `--var` is hidden too); defaults are.
    for (name, v) in &mut raw {
        if !module.variables.get(name.as_str()).is_some_and(|d| d.sensitive) {
            continue;
        }
        // A literal `--var`/`TF_VAR_` value has no text in any file: it gets one, so that a
        // finding about it points there (hidden), not at its use with the value in words.
        if v.span.is_none()
            && let Some(text) = v.as_str().map(str::to_string)
        {
            let file = sources.add(PathBuf::from(format!("<sensitive value for var.{name}>")), text.clone());
            v.span = Some(Span::new(file, 0, text.len()));
        }
        if let Some(span) = v.span {
            sources.mark_sensitive(span);
        }
    }
    for (name, v) in raw {
        values.insert(name, v);
    }
    for (name, v) in &values {
        if module.variables.get(name).is_some_and(|d| d.sensitive) {
            crate::compile::record_secrets(sources, v, true);
        }
    }

    convert_all(module, &types, values, None, diags)
}

/// Parses a `--var` or `TF_VAR_` value: a literal string for primitive or undeclared types,
/// an HCL expression otherwise.
fn parse_cli_value(
    sources: &mut SourceMap,
    name: &str,
    text: &str,
    ty: Option<&Type>,
    label: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Value> {
    match parse_mode(ty) {
        ParseMode::Literal => Some(Value::string(text)),
        ParseMode::Hcl => {
            let file = sources.add(PathBuf::from(label), text.to_string());
            if let Some(costly) = crate::parse_guard::check(text) {
                diags.push(Diagnostic::error(
                    codes::VARIABLE,
                    format!("invalid value for variable `{name}`: {}", costly.summary()),
                ));
                return None;
            }
            let expr = match hcl::edit::parser::parse_expr(text) {
                Ok(e) => e,
                Err(e) => {
                    diags.push(Diagnostic::error(
                        codes::VARIABLE,
                        format!("invalid value for variable `{name}`: {}", e.message().trim_end_matches('.')),
                    ));
                    return None;
                }
            };
            constant(sources, file, &expr, diags)
        }
    }
}

/// Evaluates a constant expression (no references, no function calls), as tfvars require.
fn constant(
    sources: &SourceMap,
    file: FileId,
    expr: &hcl::edit::expr::Expression,
    diags: &mut Vec<Diagnostic>,
) -> Option<Value> {
    if let Some(span) = first_non_constant(expr) {
        diags.push(
            Diagnostic::error(codes::VARIABLE, "variables may not be used here; a variable value must be a constant")
                .at(Some(Span::new(file, span.start, span.end))),
        );
        return None;
    }
    let empty = Module::default();
    let no_sets = BTreeMap::new();
    let mut ev = Evaluator::new(sources, &empty, BTreeMap::new(), &no_sets);
    let v = ev.eval(expr, file, &Scope::EMPTY).ok();
    diags.append(&mut ev.diags);
    v
}

/// The first reference or function call in a constant-only context.
fn first_non_constant(expr: &hcl::edit::expr::Expression) -> Option<std::ops::Range<usize>> {
    use hcl::edit::expr::Expression as E;
    match expr {
        E::Variable(_) | E::Traversal(_) | E::FuncCall(_) | E::ForExpr(_) => expr.span(),
        E::Array(items) => items.iter().find_map(first_non_constant),
        E::Object(obj) => obj.iter().find_map(|(k, v)| {
            let key = match k {
                hcl::edit::expr::ObjectKey::Expression(e) if !matches!(e, E::Variable(_)) => first_non_constant(e),
                _ => None,
            };
            key.or_else(|| first_non_constant(v.expr()))
        }),
        E::Parenthesis(p) => first_non_constant(p.inner()),
        E::UnaryOp(op) => first_non_constant(&op.expr),
        E::BinaryOp(op) => first_non_constant(&op.lhs_expr).or_else(|| first_non_constant(&op.rhs_expr)),
        E::Conditional(c) => first_non_constant(&c.cond_expr)
            .or_else(|| first_non_constant(&c.true_expr))
            .or_else(|| first_non_constant(&c.false_expr)),
        E::StringTemplate(t) => t.iter().find_map(|el| match el {
            hcl::edit::template::Element::Interpolation(i) => first_non_constant(&i.expr).or_else(|| i.expr.span()),
            _ => None,
        }),
        _ => None,
    }
}

/// Loads a `.tfvars` or `.tfvars.json` file into `raw`.
fn load_file(
    sources: &mut SourceMap,
    module: &Module,
    path: &Path,
    explicit: bool,
    raw: &mut Vec<(String, Value)>,
    diags: &mut Vec<Diagnostic>,
) {
    let what = if explicit { "variable file" } else { "file" };
    if let Some(file) = crate::module::load_source(sources, path, what, diags) {
        load_added(sources, module, file, path, raw, diags);
    }
}

/// Loads the text of a `.tfvars` or `.tfvars.json` file (named `path`) into `raw`.
fn load_text(
    sources: &mut SourceMap,
    module: &Module,
    path: &Path,
    text: String,
    raw: &mut Vec<(String, Value)>,
    diags: &mut Vec<Diagnostic>,
) {
    let file = sources.add(path.to_path_buf(), text);
    load_added(sources, module, file, path, raw, diags);
}

/// Loads the variable file `file` (already in `sources`, named `path`) into `raw`.
fn load_added(
    sources: &mut SourceMap,
    module: &Module,
    file: FileId,
    path: &Path,
    raw: &mut Vec<(String, Value)>,
    diags: &mut Vec<Diagnostic>,
) {
    let is_json = path.to_string_lossy().ends_with(".json");
    let mut entries: Vec<(String, Value, Option<Span>)> = Vec::new();
    if is_json {
        let src = sources.get(file).text.clone();
        let map = |s: usize, e: usize| Some(Span::new(file, s, e));
        match crate::json::decode_spanned(&src, &map) {
            Ok(v) => match v.as_map() {
                Some(m) => {
                    for (k, v) in m {
                        entries.push((k.clone(), v.clone(), v.span));
                    }
                }
                None => diags.push(
                    Diagnostic::error(
                        codes::VARIABLE,
                        "a `.tfvars.json` file must hold a JSON object of variable values",
                    )
                    .at(v.span),
                ),
            },
            Err(e) => {
                diags.push(
                    Diagnostic::error(codes::SYNTAX, format!("invalid JSON: {}", e.message)).at(Some(Span::new(
                        file,
                        e.offset,
                        e.offset + 1,
                    ))),
                );
            }
        }
    } else {
        let Some(body) = crate::module::parse_file(sources, file, diags) else {
            return;
        };
        for block in body.blocks() {
            let span = block.span().map(|r| Span::new(file, r.start, r.end));
            diags.push(
                Diagnostic::error(
                    codes::VARIABLE,
                    "blocks are not allowed in a variable file, only `name = value` lines",
                )
                .at(span),
            );
        }
        for attr in body.attributes() {
            let name = attr.key.as_str().to_string();
            let key_span = attr.key.span().map(|r| Span::new(file, r.start, r.end));
            if let Some(v) = constant(sources, file, &attr.value, diags) {
                entries.push((name, v, key_span));
            }
        }
    }
    for (name, value, span) in entries {
        if !module.variables.contains_key(&name) {
            diags.push(
                Diagnostic::new(codes::VARIABLE, Severity::Warning, format!("value for undeclared variable `{name}`"))
                    .at(span)
                    .help(match module.declared_beside.get(&format!("var.{name}")) {
                        Some(beside) => crate::eval::beside_help(beside, &format!("var.{name}"), &module.dir),
                        None => format!("declare it with a `variable \"{name}\"` block, or remove it from this file"),
                    }),
            );
            continue;
        }
        raw.push((name, value));
    }
}

/// Declared types (parsed) and default values of a module's variables.
fn declared(
    sources: &SourceMap,
    module: &Module,
    diags: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, Option<Type>>, BTreeMap<String, Value>) {
    let empty = Module::default();
    let no_sets = BTreeMap::new();
    let mut types: BTreeMap<String, Option<Type>> = BTreeMap::new();
    let mut values: BTreeMap<String, Value> = BTreeMap::new();
    for (name, var) in &module.variables {
        let ty = match &var.type_expr {
            Some(e) => match parse_type(&e.expr) {
                Ok(t) => Some(t),
                Err(msg) => {
                    diags.push(
                        Diagnostic::error(codes::TYPE, format!("invalid type for variable `{name}`: {msg}"))
                            .at(e.span()),
                    );
                    None
                }
            },
            None => None,
        };
        types.insert(name.clone(), ty);
        if let Some(def) = &var.default {
            let mut ev = Evaluator::new(sources, &empty, BTreeMap::new(), &no_sets);
            if let Ok(v) = ev.eval(&def.expr, def.file, &Scope::EMPTY) {
                values.insert(name.clone(), v);
            }
            diags.append(&mut ev.diags);
        }
    }
    (types, values)
}

/// The variables of a child module from the arguments of its `module` block (already
/// evaluated in the calling module): defaults, then the arguments.
pub fn resolve_inputs(
    sources: &SourceMap,
    module: &Module,
    call: &crate::module::ModuleCall,
    inputs: Vec<(String, Value, Option<Span>)>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Value> {
    let (types, mut values) = declared(sources, module, diags);
    for (name, value, span) in inputs {
        if !module.variables.contains_key(&name) {
            diags.push(
                Diagnostic::error(codes::VARIABLE, format!("module `{}` has no variable `{name}`", call.name))
                    .at(span)
                    .help(format!(
                        "declare `variable \"{name}\"` in `{}`, or remove the argument",
                        module.dir.display()
                    )),
            );
            continue;
        }
        values.insert(name, value);
    }
    convert_all(module, &types, values, Some(call), diags)
}

/// Converts values to their declared types; a variable without a value is unknown (an
/// error for a child module, where Terraform requires the argument).
fn convert_all(
    module: &Module,
    types: &BTreeMap<String, Option<Type>>,
    mut values: BTreeMap<String, Value>,
    call: Option<&crate::module::ModuleCall>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Value> {
    // Convert to declared types; variables without a value are unknown.
    let mut out = BTreeMap::new();
    for (name, var) in &module.variables {
        let ty = types.get(name).cloned().flatten();
        let mut v = match values.remove(name) {
            Some(v) => match &ty {
                Some(t) => match convert::convert(&v, t) {
                    Ok(c) => c,
                    Err(msg) => {
                        diags.push(
                            Diagnostic::error(codes::VARIABLE, format!("invalid value for variable `{name}`: {msg}"))
                                .at(v.span)
                                .label(var.type_expr.as_ref().and_then(|e| e.span()), format!("declared as {t}")),
                        );
                        Value::unknown(format!("var.{name}"), t.clone())
                    }
                },
                None => v,
            },
            None => {
                if let Some(call) = call {
                    diags.push(
                        Diagnostic::error(
                            codes::VARIABLE,
                            format!("module `{}` needs a value for its variable `{name}`", call.name),
                        )
                        .at(call.span)
                        .label(var.span, "declared here without a default"),
                    );
                }
                Value::unknown(format!("var.{name}"), ty.clone().unwrap_or(Type::Dynamic))
            }
        };
        if var.sensitive {
            v.sensitive = true;
        }
        out.insert(name.clone(), v);
    }
    out
}
