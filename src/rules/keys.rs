//! Rules of the `keys` family: the settings of each key (KMS7xx), the resources that use a
//! key (KMS8xx) and the aliases (KMS9xx). They never report values unknown until apply.

use crate::analysis::{AliasInfo, Analysis, KeyInfo, Reference};
use crate::diagnostic::Diagnostic;
use crate::facts::KEY_SPECS;
use crate::number::Number;
use crate::source::Span;
use crate::value::{Part, Value, ValueKind};

use super::Rule;

mod alias_invalid_character;
mod alias_missing_prefix;
mod alias_name_and_prefix;
mod alias_reserved_prefix;
mod alias_too_long;
mod custom_key_store_unsupported;
mod deletion_window_out_of_range;
mod deprecated_customer_master_key_spec;
mod description_too_long;
mod duplicate_alias_name;
mod duplicate_key_spec;
mod key_usage_mismatch;
mod non_symmetric_key_consumer;
mod rotation_period_out_of_range;
mod rotation_period_without_rotation;
mod rotation_unsupported;
mod unknown_key_spec;
mod unknown_key_usage;
mod xks_key_without_custom_key_store;

/// The rules of this family.
pub static RULES: &[&Rule] = &[
    &unknown_key_spec::RULE,
    &unknown_key_usage::RULE,
    &key_usage_mismatch::RULE,
    &deprecated_customer_master_key_spec::RULE,
    &duplicate_key_spec::RULE,
    &rotation_unsupported::RULE,
    &rotation_period_out_of_range::RULE,
    &rotation_period_without_rotation::RULE,
    &deletion_window_out_of_range::RULE,
    &description_too_long::RULE,
    &custom_key_store_unsupported::RULE,
    &xks_key_without_custom_key_store::RULE,
    &non_symmetric_key_consumer::RULE,
    &alias_missing_prefix::RULE,
    &alias_reserved_prefix::RULE,
    &alias_invalid_character::RULE,
    &alias_too_long::RULE,
    &alias_name_and_prefix::RULE,
    &duplicate_alias_name::RULE,
];

/// The spec AWS uses when none is given.
const DEFAULT_SPEC: &str = "SYMMETRIC_DEFAULT";
/// The usage AWS uses when none is given.
const DEFAULT_USAGE: &str = "ENCRYPT_DECRYPT";

/// An argument that is written and not null.
fn set<'k>(key: &'k KeyInfo, name: &str) -> Option<&'k Value> {
    key.attrs.get(name).filter(|v| !v.is_null())
}

/// An argument that is certainly given a value: a string, known or partly known, or any
/// other known non-null value (an unknown value may still turn out null).
fn surely_set<'k>(key: &'k KeyInfo, name: &str) -> Option<&'k Value> {
    set(key, name).filter(|v| !matches!(v.kind, ValueKind::Unknown(_)))
}

/// Where to report about argument `name`: its value, else its name.
fn value_span(key: &KeyInfo, name: &str) -> Option<Span> {
    key.attrs.get(name).and_then(|v| v.span).or_else(|| key.attr_spans.get(name).copied())
}

/// Runs `find` and keeps one of the findings that differ only in the instance they are
/// about (`aws_kms_key.app[0]`, `aws_kms_key.app[1]`: the same value written once).
fn once_per_resource(a: &Analysis, out: &mut Vec<Diagnostic>, find: fn(&Analysis, &mut Vec<Diagnostic>)) {
    let start = out.len();
    find(a, out);
    let found: Vec<Diagnostic> = out.drain(start..).collect();
    let mut seen = std::collections::HashSet::new();
    for d in found {
        let mut general = d.clone();
        if let Some(instance) = &d.resource {
            let resource = resource_address(instance);
            general.message = d.message.replace(instance.as_str(), resource);
            general.resource = Some(resource.to_string());
        }
        if seen.insert(format!("{general:?}")) {
            out.push(d);
        }
    }
}

/// Placing a finding about a key argument.
trait AtValue {
    /// At the value of argument `name` (else its name); when the value was written outside
    /// the resource block (a variable's default, a local, a tfvars file), the argument is
    /// labelled too.
    fn at_value(self, key: &KeyInfo, name: &str) -> Self;
}

impl AtValue for Diagnostic {
    fn at_value(self, key: &KeyInfo, name: &str) -> Diagnostic {
        let at = value_span(key, name);
        let outside = match (at, key.span) {
            (Some(v), Some(r)) => v.file != r.file || v.start < r.start || v.end > r.end,
            _ => false,
        };
        let d = self.at(at);
        if outside { d.label(key.attr_spans.get(name).copied(), format!("used as `{name}` here")) } else { d }
    }
}

/// The effective key spec when it is known (see [`KeyInfo::key_spec`]): `None` when a spec
/// argument is unknown or not a string.
fn known_spec(key: &KeyInfo) -> Option<(&str, Option<&Value>)> {
    for name in ["key_spec", "customer_master_key_spec"] {
        if let Some(v) = set(key, name)
            && v.as_str().is_none()
        {
            return None;
        }
    }
    Some(key.key_spec())
}

/// The effective spec when it is known and one AWS knows (unknown names are reported by
/// KMS701, not again by the rules that depend on the spec).
fn valid_spec(key: &KeyInfo) -> Option<(&str, Option<&Value>)> {
    known_spec(key).filter(|(s, _)| KEY_SPECS.iter().any(|(k, _)| k == s))
}

/// The effective key usage when it is known (AWS's default is `ENCRYPT_DECRYPT`).
fn known_usage(key: &KeyInfo) -> Option<(&str, Option<&Value>)> {
    match set(key, "key_usage") {
        None => Some((DEFAULT_USAGE, None)),
        Some(v) => v.as_str().map(|s| (s, Some(v))),
    }
}

/// A known number, also from a string Terraform would convert.
fn number(v: &Value) -> Option<Number> {
    match &v.kind {
        ValueKind::Number(n) => Some((**n).clone()),
        ValueKind::String(s) => Number::parse(s),
        _ => None,
    }
}

/// A known whole number argument.
fn whole_number<'k>(key: &'k KeyInfo, name: &str) -> Option<(i64, &'k Value)> {
    let v = set(key, name)?;
    let n = number(v)?;
    if !n.is_integer() {
        return None;
    }
    Some((n.to_i64().unwrap_or(if n.is_sign_negative() { i64::MIN } else { i64::MAX }), v))
}

/// The parts of a string value, known or not.
fn string_parts(v: &Value) -> Option<Vec<Part>> {
    match &v.kind {
        ValueKind::String(s) => Some(vec![Part::Known(s.clone())]),
        ValueKind::Partial(parts) => Some(parts.clone()),
        _ => None,
    }
}

/// A string value as written, with `${...}` for what is unknown.
fn display(v: &Value) -> Option<String> {
    let parts = string_parts(v)?;
    Some(
        parts
            .iter()
            .map(|p| match p {
                Part::Known(s) => s.chars().map(escape_control).collect(),
                Part::Unknown(e) => format!("${{{e}}}"),
            })
            .collect(),
    )
}

/// A control character as an escape (`\\t`), anything else as itself.
fn escape_control(c: char) -> String {
    if c.is_control() { c.escape_default().collect() } else { c.to_string() }
}

/// The number of characters known to be in a string value, and whether that is all of it.
fn known_chars(v: &Value) -> Option<(usize, bool)> {
    let parts = string_parts(v)?;
    let mut n = 0;
    let mut exact = true;
    for p in &parts {
        match p {
            Part::Known(s) => n += s.chars().count(),
            Part::Unknown(_) => exact = false,
        }
    }
    Some((n, exact))
}

/// The known text a string value starts with (all of it when wholly known).
fn known_prefix(v: &Value) -> Option<&str> {
    match &v.kind {
        ValueKind::String(s) => Some(s),
        ValueKind::Partial(parts) => match parts.first() {
            Some(Part::Known(s)) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// The span of bytes `start..end` of a string value, when the value is a plain literal
/// written in the source (no escapes, no template); else the value's span.
fn span_in_literal(a: &Analysis, v: &Value, start: usize, end: usize) -> Option<Span> {
    let span = v.span?;
    let Some(s) = v.as_str() else {
        return Some(span);
    };
    if a.sources.text(span) == format!("\"{s}\"") {
        Some(Span::new(span.file, span.start as usize + 1 + start, span.start as usize + 1 + end))
    } else {
        Some(span)
    }
}

/// The key instances a reference may denote: the one it indexes with a literal
/// (`aws_kms_key.app[0]`, `aws_kms_key.app["blue"]`) when that instance exists, else every
/// instance of the resource.
fn referenced_keys<'a>(a: &'a Analysis, reference: &Reference) -> Vec<&'a KeyInfo> {
    let all: Vec<&KeyInfo> = a.key_instances(&reference.address).collect();
    let Some(span) = reference.span else {
        return all;
    };
    let text = a.sources.text(span);
    let Some(rest) = text.strip_prefix(reference.address.as_str()) else {
        return all;
    };
    let index = rest.strip_prefix('[').and_then(|r| r.split_once(']')).map(|(i, _)| i.trim());
    let literal = index.filter(|i| {
        i.parse::<u64>().is_ok()
            || (i.len() >= 2
                && i.starts_with('"')
                && i.ends_with('"')
                && !i[1..i.len() - 1].contains(['"', '\\', '$', '%']))
    });
    let Some(i) = literal else { return all };
    let address = format!("{}[{i}]", reference.address);
    match all.iter().find(|k| k.address == address) {
        Some(k) => vec![*k],
        None => all,
    }
}

/// The resource address of an instance address (`aws_kms_alias.a[0]` → `aws_kms_alias.a`).
fn resource_address(address: &str) -> &str {
    address.split('[').next().unwrap_or(address)
}

/// The name arguments of an alias that are given: `name`, `name_prefix`.
fn alias_names(alias: &AliasInfo) -> impl Iterator<Item = (&'static str, &Value)> {
    [("name", alias.name.as_ref()), ("name_prefix", alias.name_prefix.as_ref())]
        .into_iter()
        .filter_map(|(n, v)| v.filter(|v| !v.is_null()).map(|v| (n, v)))
}

/// The longest alias name AWS accepts, in characters.
const MAX_ALIAS_CHARS: usize = 256;
/// The characters Terraform appends to a `name_prefix` (`id.PrefixedUniqueId`).
const UNIQUE_SUFFIX_CHARS: usize = 26;

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::compile::{Options, compile_sources};

    const POLICY: &str = r#"policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Sid = "Enable IAM User Permissions", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }]
  })"#;

    /// The codes reported for `src` (`POLICY` stands for a valid policy), in order.
    fn codes(src: &str) -> Vec<String> {
        let src = src.replace("POLICY", POLICY);
        let c = compile_sources(vec![(PathBuf::from("main.tf"), src)], &Options::default());
        let mut v: Vec<String> = c.diagnostics.iter().map(|d| d.code.to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn unknown_values_are_never_reported() {
        let src = r#"
variable "spec" { type = string }
variable "store" { type = string }
resource "aws_kms_key" "k" {
  key_spec                = var.spec
  key_usage               = "SIGN_VERIFY"
  enable_key_rotation     = true
  custom_key_store_id     = var.store
  deletion_window_in_days = var.spec
  description             = "${var.spec}"
  POLICY
}
resource "aws_kms_alias" "a" {
  name          = "${var.spec}/x"
  target_key_id = aws_kms_key.k.key_id
}
resource "aws_kms_alias" "b" {
  name          = "ali${var.spec}"
  target_key_id = aws_kms_key.k.key_id
}
resource "aws_ebs_volume" "v" {
  kms_key_id = aws_kms_key.k.arn
}
"#;
        assert_eq!(codes(src), Vec::<String>::new());
    }

    #[test]
    fn instances_with_the_same_finding_report_it_once() {
        let src = r#"
resource "aws_kms_key" "k" {
  count                   = 3
  deletion_window_in_days = 60
  key_spec                = "RSA_2048"
  key_usage               = "SIGN_VERIFY"
  enable_key_rotation     = true
  POLICY
}
resource "aws_kms_alias" "a" {
  count         = 3
  name          = "alias/app"
  target_key_id = aws_kms_key.k[count.index].key_id
}
"#;
        assert_eq!(codes(src), ["KMS706", "KMS709", "KMS906"]);
    }

    #[test]
    fn a_literal_index_selects_the_instance() {
        let src = r#"
resource "aws_kms_key" "k" {
  for_each  = { sign = "RSA_2048", data = "SYMMETRIC_DEFAULT" }
  key_spec  = each.value
  key_usage = each.key == "sign" ? "SIGN_VERIFY" : "ENCRYPT_DECRYPT"
  POLICY
}
resource "aws_ebs_volume" "ok" {
  kms_key_id = aws_kms_key.k["data"].arn
}
resource "aws_ebs_volume" "bad" {
  kms_key_id = aws_kms_key.k["sign"].arn
}
"#;
        assert_eq!(codes(src), ["KMS801"]);
    }

    #[test]
    fn an_alias_to_an_undeclared_key_is_reported_once_by_the_evaluator() {
        let src = r#"
resource "aws_kms_alias" "a" {
  name          = "alias/app"
  target_key_id = aws_kms_key.missing.key_id
}
resource "aws_ebs_volume" "v" {
  kms_key_id = aws_kms_alias.a.arn
}
"#;
        assert_eq!(codes(src), ["KMS003"]);
    }
}
