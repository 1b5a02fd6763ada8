//! Extracts key settings, aliases and key uses from a module for the rules.
//!
//! Key and alias arguments are evaluated once per instance (`count`/`for_each`); the
//! attributes of resources that consume a key are only read syntactically, for references
//! to the module's keys and aliases.

use std::collections::BTreeMap;

use hcl::edit::expr::{Expression, Traversal, TraversalOperator};
use hcl::edit::structure::Body;
use hcl::edit::template::ForTemplateExpr;
use hcl::edit::visit::{Visit, visit_for_template_expr, visit_traversal};

use crate::analysis::{AliasInfo, KeyInfo, KeyUse, Reference};
use crate::compile::instances;
use crate::eval::{Evaluator, Scope};
use crate::module::{Module, Resource};
use crate::source::{FileId, Span};
use crate::value::Value;

/// Resource types that create a KMS key.
pub const KEY_RESOURCE_TYPES: &[&str] =
    &["aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key", "aws_kms_replica_external_key"];

/// The resource type of an alias.
pub const ALIAS_TYPE: &str = "aws_kms_alias";

/// Top-level arguments of a key resource that the rules read.
const KEY_ARGUMENTS: &[&str] = &[
    "key_spec",
    "customer_master_key_spec",
    "key_usage",
    "enable_key_rotation",
    "rotation_period_in_days",
    "deletion_window_in_days",
    "description",
    "custom_key_store_id",
    "xks_key_id",
    "multi_region",
    "bypass_policy_lockout_safety_check",
    "is_enabled",
];

/// Attributes of a key resource that identify the key.
const KEY_REFERENCE_ATTRIBUTES: &[&str] = &["arn", "key_id", "id"];

/// Attributes of an alias that identify the key it targets.
const ALIAS_REFERENCE_ATTRIBUTES: &[&str] = &["arn", "name", "id", "target_key_arn", "target_key_id"];

/// Resource types whose `count` (or `for_each`) compile.rs evaluates again for the policy:
/// errors in it are reported there, not twice.
const POLICY_RESOURCE_TYPES: &[&str] = crate::compile::KEY_TYPES;

/// Key instances, alias instances and the attributes of other resources that use a key.
pub fn collect(ev: &mut Evaluator, module: &Module) -> (Vec<KeyInfo>, Vec<AliasInfo>, Vec<KeyUse>) {
    let mut keys = Vec::new();
    let mut aliases = Vec::new();
    let mut alias_targets: BTreeMap<String, Reference> = BTreeMap::new();
    for res in module.resources.iter().filter(|r| !r.data) {
        if KEY_RESOURCE_TYPES.contains(&res.kind.as_str()) {
            collect_key(ev, res, &mut keys);
        } else if res.kind == ALIAS_TYPE {
            let target = res
                .body
                .get_attribute("target_key_id")
                .and_then(|a| references(&a.value, res.file, KEY_RESOURCE_TYPES).into_iter().next());
            if let Some(t) = &target {
                alias_targets.insert(res.address(), t.clone());
            }
            collect_alias(ev, res, target, &mut aliases);
        }
    }
    let mut uses = Vec::new();
    for res in module.resources.iter().filter(|r| !r.data) {
        for (kind, path) in crate::facts::SYMMETRIC_CONSUMERS {
            if res.kind == *kind {
                collect_uses(res, path, &alias_targets, &mut uses);
            }
        }
    }
    (keys, aliases, uses)
}

/// Evaluates `expr` of `res` for one instance, with diagnostics attributed to `address`.
fn eval_in(
    ev: &mut Evaluator,
    address: &str,
    binding: &Option<(&'static str, Value)>,
    expr: &Expression,
    file: FileId,
) -> Option<Value> {
    ev.resource = Some(address.to_string());
    let value = match binding {
        Some((name, v)) => {
            let scope = Scope::EMPTY;
            let inner = scope.bind(name, v);
            ev.eval(expr, file, &inner)
        }
        None => ev.eval(expr, file, &Scope::EMPTY),
    };
    ev.resource = None;
    value.ok()
}

/// The instances of `res`, without reporting again what compile.rs reports for policies.
fn instances_of(ev: &mut Evaluator, res: &Resource) -> Vec<(String, Option<(&'static str, Value)>)> {
    let mark = ev.diags.len();
    let out = instances(ev, res);
    if POLICY_RESOURCE_TYPES.contains(&res.kind.as_str()) {
        ev.diags.truncate(mark);
    }
    out
}

fn span_in(file: FileId, node: &impl hcl::edit::Span) -> Option<Span> {
    node.span().map(|r| Span::new(file, r.start, r.end))
}

fn collect_key(ev: &mut Evaluator, res: &Resource, out: &mut Vec<KeyInfo>) {
    let resource = res.address();
    let present: Vec<(&str, &hcl::edit::structure::Attribute)> =
        KEY_ARGUMENTS.iter().filter_map(|name| res.body.get_attribute(name).map(|a| (*name, a))).collect();
    let attr_spans: BTreeMap<String, Span> =
        present.iter().filter_map(|(name, a)| span_in(res.file, &a.key).map(|s| (name.to_string(), s))).collect();
    for (address, binding) in instances_of(ev, res) {
        let mut attrs = BTreeMap::new();
        for (name, a) in &present {
            if let Some(v) = eval_in(ev, &address, &binding, &a.value, res.file) {
                attrs.insert(name.to_string(), v);
            }
        }
        out.push(KeyInfo {
            address,
            resource: resource.clone(),
            kind: res.kind.clone(),
            attrs,
            attr_spans: attr_spans.clone(),
            span: res.span,
        });
    }
}

fn collect_alias(ev: &mut Evaluator, res: &Resource, target: Option<Reference>, out: &mut Vec<AliasInfo>) {
    for (address, binding) in instances_of(ev, res) {
        let mut eval = |name: &str| {
            let a = res.body.get_attribute(name)?;
            eval_in(ev, &address, &binding, &a.value, res.file)
        };
        let name = eval("name");
        let name_prefix = eval("name_prefix");
        let target_value = eval("target_key_id");
        out.push(AliasInfo { address, name, name_prefix, target: target.clone(), target_value, span: res.span });
    }
}

/// Records the references to keys and aliases in the attribute at `path` of `res`.
fn collect_uses(res: &Resource, path: &str, alias_targets: &BTreeMap<String, Reference>, out: &mut Vec<KeyUse>) {
    let segments: Vec<&str> = path.split('.').collect();
    let Some((attr, blocks)) = segments.split_last() else {
        return;
    };
    let mut exprs = Vec::new();
    attribute_exprs(&res.body, blocks, attr, &mut exprs);
    let kinds: Vec<&str> = KEY_RESOURCE_TYPES.iter().copied().chain([ALIAS_TYPE]).collect();
    for expr in exprs {
        for reference in references(expr, res.file, &kinds) {
            let via_alias = if reference.address.starts_with("aws_kms_alias.") {
                alias_targets.get(&reference.address).cloned()
            } else {
                None
            };
            out.push(KeyUse { consumer: res.address(), attribute: path.to_string(), reference, via_alias });
        }
    }
}

/// The expressions of attribute `attr` inside nested blocks `blocks`: every block of each
/// name, and the `content` of every `dynamic` block generating blocks of that name (in
/// source order), unless its `for_each` is written as an empty collection and so generates
/// none.
fn attribute_exprs<'b>(body: &'b Body, blocks: &[&str], attr: &str, out: &mut Vec<&'b Expression>) {
    match blocks.split_first() {
        None => {
            if let Some(a) = body.get_attribute(attr) {
                out.push(&a.value);
            }
        }
        Some((first, rest)) => {
            for block in body.blocks() {
                if block.ident.as_str() == *first {
                    attribute_exprs(&block.body, rest, attr, out);
                } else if generates(block, first) {
                    for content in block.body.blocks().filter(|b| b.ident.as_str() == "content") {
                        attribute_exprs(&content.body, rest, attr, out);
                    }
                }
            }
        }
    }
}

/// Whether `block` is a `dynamic "name"` block that may generate blocks: one whose
/// `for_each` is not a literal `[]` or `{}`.
fn generates(block: &hcl::edit::structure::Block, name: &str) -> bool {
    if block.ident.as_str() != "dynamic" || block.labels.len() != 1 || block.labels[0].as_str() != name {
        return false;
    }
    let for_each = block.body.get_attribute("for_each").map(|a| &a.value);
    !matches!(for_each, Some(Expression::Array(a)) if a.is_empty())
        && !matches!(for_each, Some(Expression::Object(o)) if o.is_empty())
}

/// Every reference in `expr` to an attribute of a resource of one of `kinds`, in source
/// order: `aws_kms_key.app.arn`, `aws_kms_key.app[0].key_id`, also inside templates and
/// function calls.
pub fn references(expr: &Expression, file: FileId, kinds: &[&str]) -> Vec<Reference> {
    let mut v = RefCollector { file, kinds, out: Vec::new() };
    v.visit_expr(expr);
    v.out
}

struct RefCollector<'k> {
    file: FileId,
    kinds: &'k [&'k str],
    out: Vec<Reference>,
}

impl Visit for RefCollector<'_> {
    fn visit_traversal(&mut self, t: &Traversal) {
        if let Some(r) = resource_reference(t, self.file, self.kinds) {
            self.out.push(r);
        }
        visit_traversal(self, t);
    }

    fn visit_for_template_expr(&mut self, node: &ForTemplateExpr) {
        // hcl-edit's walk skips the collection a `%{ for }` iterates over.
        self.visit_expr(&node.collection_expr);
        visit_for_template_expr(self, node);
    }
}

/// `KIND.NAME[index...].ATTRIBUTE` with `KIND` among `kinds` and an attribute that
/// identifies a key (for keys) or the key an alias targets (for aliases).
fn resource_reference(t: &Traversal, file: FileId, kinds: &[&str]) -> Option<Reference> {
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let kind = root.as_str();
    if !kinds.contains(&kind) {
        return None;
    }
    let mut ops = t.operators.iter().map(|o| o.value());
    let Some(TraversalOperator::GetAttr(name)) = ops.next() else {
        return None;
    };
    let attribute = ops.find_map(|op| match op {
        TraversalOperator::GetAttr(a) => Some(a.as_str()),
        TraversalOperator::Index(_)
        | TraversalOperator::LegacyIndex(_)
        | TraversalOperator::AttrSplat(_)
        | TraversalOperator::FullSplat(_) => None,
    })?;
    let allowed = if kind == ALIAS_TYPE { ALIAS_REFERENCE_ATTRIBUTES } else { KEY_REFERENCE_ATTRIBUTES };
    if !allowed.contains(&attribute) {
        return None;
    }
    Some(Reference {
        address: format!("{kind}.{}", name.as_str()),
        attribute: attribute.to_string(),
        span: span_in(file, t),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(src: &str) -> Vec<(String, String)> {
        let body: Body = src.parse().unwrap();
        let a = body.get_attribute("x").unwrap();
        let kinds: Vec<&str> = KEY_RESOURCE_TYPES.iter().copied().chain([ALIAS_TYPE]).collect();
        references(&a.value, FileId(0), &kinds).into_iter().map(|r| (r.address, r.attribute)).collect()
    }

    #[test]
    fn finds_references_in_templates_indexes_and_calls() {
        assert_eq!(refs("x = aws_kms_key.a.arn\n"), [("aws_kms_key.a".into(), "arn".into())]);
        assert_eq!(refs("x = aws_kms_key.a[0].key_id\n"), [("aws_kms_key.a".into(), "key_id".into())]);
        assert_eq!(refs("x = \"${aws_kms_alias.b.arn}\"\n"), [("aws_kms_alias.b".into(), "arn".into())]);
        assert_eq!(
            refs("x = coalesce(var.k, aws_kms_replica_key.c[\"a\"].arn)\n"),
            [("aws_kms_replica_key.c".into(), "arn".into())]
        );
        assert!(refs("x = aws_kms_key.a.policy\n").is_empty());
        assert!(refs("x = data.aws_kms_key.a.arn\n").is_empty());
        assert!(refs("x = aws_s3_bucket.a.arn\n").is_empty());
        // The collection a template's `%{ for }` iterates over.
        assert_eq!(
            refs("x = \"%{ for k in aws_kms_key.a[*].arn }${k}%{ endfor }\"\n"),
            [("aws_kms_key.a".into(), "arn".into())]
        );
    }
}
