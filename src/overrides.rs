//! Override files (`override.tf`, `*_override.tf` and their `.tf.json` forms), merged into
//! a module's declarations as Terraform does.
//!
//! Terraform loads the override files after the other files, in name order. A top-level
//! block of an override file changes the block of the same type and labels declared in
//! another file:
//!
//! - `resource`, `data`, `module`: each argument replaces the argument of the same name;
//!   nested blocks of a type replace every nested block of that type (a `dynamic "x"` block
//!   counts as a block of type `x`); what the override does not mention stays;
//! - `variable`: `type`, `default`, `sensitive` (and the others) one by one;
//! - `output`: `value` (and the others) one by one;
//! - `locals`: each local value replaces the one of the same name.
//!
//! A block with nothing to override is an error, as in Terraform.
//!
//! A merged `resource`, `data` or `module` block has arguments from two files, while a
//! [`Resource`](crate::module::Resource) is written in one: the merged body is written
//! out as a virtual file of the source map, copying each argument and nested block from
//! its own file (see [`SourceMap::add_virtual`]), and parsed again; spans resolve to the
//! files the text came from.

use std::path::Path;

use hcl::edit::Span as _;
use hcl::edit::structure::{Block, Body, Structure};

use crate::diagnostic::{Diagnostic, codes};
use crate::module::{Expr, Module};
use crate::source::{FileId, Origin, SourceMap, Span};

/// Whether `path` is an override file: `override.tf`, `NAME_override.tf`,
/// `override.tf.json` or `NAME_override.tf.json`.
pub fn is_override_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let Some(stem) = name.strip_suffix(".tf.json").or_else(|| name.strip_suffix(".tf")) else {
        return false;
    };
    stem == "override" || stem.ends_with("_override")
}

/// Merges the top-level blocks of one override file (`body`, written in `file`) into
/// `module`, which holds the declarations of the module's other files (and of the override
/// files merged before this one).
pub fn apply(module: &mut Module, sources: &mut SourceMap, file: FileId, body: &Body, diags: &mut Vec<Diagnostic>) {
    for block in body.blocks() {
        // The block's first line: its type and labels.
        let head_end = block.labels.last().and_then(|l| l.span()).or_else(|| block.ident.span()).map(|r| r.end);
        let span = block.span().map(|r| Span::new(file, r.start, head_end.unwrap_or(r.end)));
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        match (block.ident.as_str(), labels.as_slice()) {
            (ident @ ("resource" | "data"), [kind, name]) => {
                let data = ident == "data";
                let Some(res) =
                    module.resources.iter_mut().find(|r| r.data == data && r.kind == *kind && r.name == *name)
                else {
                    diags.push(missing(format!("{ident} \"{kind}\" \"{name}\""), span));
                    continue;
                };
                if let Some((merged_file, merged)) = merge_bodies(sources, (res.file, &res.body), (file, &block.body)) {
                    res.file = merged_file;
                    res.body = merged;
                    module.files.push(merged_file);
                }
            }
            ("module", [name]) => {
                let Some(call) = module.calls.iter_mut().find(|c| c.name == *name) else {
                    diags.push(missing(format!("module \"{name}\""), span));
                    continue;
                };
                if let Some((merged_file, merged)) = merge_bodies(sources, (call.file, &call.body), (file, &block.body))
                {
                    call.source = merged.get_attribute("source").and_then(|a| a.value.as_str().map(str::to_string));
                    call.file = merged_file;
                    call.body = merged;
                    module.files.push(merged_file);
                }
            }
            ("variable", [name]) => {
                let Some(var) = module.variables.get_mut(*name) else {
                    diags.push(missing(format!("variable \"{name}\""), span));
                    continue;
                };
                let attr = |n: &str| block.body.get_attribute(n).map(|a| Expr { file, expr: a.value.clone() });
                if let Some(t) = attr("type") {
                    var.type_expr = Some(t);
                }
                if let Some(d) = attr("default") {
                    var.default = Some(d);
                }
                if let Some(s) = block.body.get_attribute("sensitive") {
                    var.sensitive = s.value.as_bool().unwrap_or(false);
                }
            }
            ("output", [name]) => {
                let Some(output) = module.outputs.get_mut(*name) else {
                    diags.push(missing(format!("output \"{name}\""), span));
                    continue;
                };
                if let Some(v) = block.body.get_attribute("value") {
                    *output = Expr { file, expr: v.value.clone() };
                }
            }
            ("locals", []) => {
                for attr in block.body.attributes() {
                    let name = attr.key.as_str();
                    match module.locals.get_mut(name) {
                        Some(local) => *local = Expr { file, expr: attr.value.clone() },
                        None => {
                            let at = attr.span().map(|r| Span::new(file, r.start, r.end));
                            diags.push(missing(format!("local.{name}"), at));
                        }
                    }
                }
            }
            // Blocks with the wrong number of labels were reported by `collect`-like checks
            // of the primary files; here they simply match nothing.
            ("resource" | "data" | "module" | "variable" | "output" | "locals", _) => {
                diags.push(
                    Diagnostic::error(
                        codes::SYNTAX,
                        format!("this `{}` block has the wrong number of labels", block.ident.as_str()),
                    )
                    .at(span),
                );
            }
            // `terraform`, `provider`, ...: kmsc does not read them.
            _ => {}
        }
    }
}

fn missing(what: String, span: Option<Span>) -> Diagnostic {
    Diagnostic::error(codes::UNDEFINED, format!("override file defines `{what}` which no other file declares"))
        .at(span)
        .help("an override file can only change blocks declared in the module's other files; move the block to a file whose name does not end in `override.tf`")
}

/// The body of `base` with the arguments and nested blocks of `over` merged in, written
/// as a virtual file. `None` (the base kept as it is) if the text cannot be parsed, which
/// does not happen for text taken from parsed files.
fn merge_bodies(sources: &mut SourceMap, base: (FileId, &Body), over: (FileId, &Body)) -> Option<(FileId, Body)> {
    let over_attrs: Vec<&str> = over.1.attributes().map(|a| a.key.as_str()).collect();
    let over_blocks: Vec<&str> = over.1.blocks().map(block_type).collect();
    let mut pieces: Vec<(FileId, std::ops::Range<usize>)> = Vec::new();
    for structure in base.1.iter() {
        let keep = match structure {
            Structure::Attribute(a) => !over_attrs.contains(&a.key.as_str()),
            Structure::Block(b) => !over_blocks.contains(&block_type(b)),
        };
        if keep && let Some(r) = structure.span() {
            pieces.push((base.0, r));
        }
    }
    for structure in over.1.iter() {
        if let Some(r) = structure.span() {
            pieces.push((over.0, r));
        }
    }
    let mut text = String::new();
    let mut origins = Vec::new();
    for (file, range) in pieces {
        let src = sources.get(file);
        let Some(part) = src.text.get(range.clone()) else {
            continue;
        };
        text.push_str(part);
        origins.extend(range.clone().map(|i| Origin::new(file, i, i + 1)));
        text.push('\n');
        let end = range.end.max(range.start + 1);
        origins.push(Origin::new(file, end - 1, end));
    }
    let path = sources.path(base.0).to_path_buf();
    let merged = sources.add_virtual(path, text, origins);
    // Errors were reported on the original files already (a repeated object key is
    // renamed again, silently).
    let body = crate::module::parse_file(sources, merged, &mut Vec::new())?;
    Some((merged, body))
}

/// The block type a nested block counts as: `x` for `dynamic "x"`.
fn block_type(b: &Block) -> &str {
    match (b.ident.as_str(), b.labels.first()) {
        ("dynamic", Some(label)) => label.as_str(),
        (ident, _) => ident,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_file_names() {
        for name in ["override.tf", "a_override.tf", "override.tf.json", "keys_override.tf.json"] {
            assert!(is_override_file(Path::new(name)), "{name}");
        }
        for name in ["main.tf", "overrides.tf", "aoverride.tf", "override.json", "x_override.tfvars"] {
            assert!(!is_override_file(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn arguments_and_block_types_are_replaced_one_by_one() {
        let mut sources = SourceMap::new();
        let base_text = "a = 1\nb = \"two\"\nstatement {\n  x = 1\n}\nstatement {\n  x = 2\n}\nother {\n}\n";
        let over_text = "b = 22\ndynamic \"statement\" {\n  for_each = []\n  content {}\n}\n";
        let base_file = sources.add("main.tf".into(), base_text.into());
        let over_file = sources.add("override.tf".into(), over_text.into());
        let base = hcl::edit::parser::parse_body(base_text).unwrap();
        let over = hcl::edit::parser::parse_body(over_text).unwrap();
        let (merged_file, merged) = merge_bodies(&mut sources, (base_file, &base), (over_file, &over)).unwrap();
        let attrs: Vec<String> =
            merged.attributes().map(|a| format!("{} = {}", a.key.as_str(), a.value.to_string().trim())).collect();
        assert_eq!(attrs, ["a = 1", "b = 22"]);
        let blocks: Vec<&str> = merged.blocks().map(|b| b.ident.as_str()).collect();
        assert_eq!(blocks, ["other", "dynamic"]);
        // `22` resolves to the override file.
        let b = merged.get_attribute("b").unwrap();
        let r = b.value.span().unwrap();
        let span = sources.resolve(Span::new(merged_file, r.start, r.end));
        assert_eq!(span.file, over_file);
        assert_eq!(sources.text(span), "22");
        assert!(sources.files().all(|(id, _)| id != merged_file));
    }
}
