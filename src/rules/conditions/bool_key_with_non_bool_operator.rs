//! KMS505 `bool-key-with-non-bool-operator`.
//!
//! What it does: reports a boolean condition key (`kms:GrantIsForAWSResource`,
//! `aws:SecureTransport`, ...) compared with a `String*` or `Numeric*` operator.
//!
//! Why is this bad: a string comparison of a boolean works only while the spelling
//! matches exactly (`"True"` never matches under `StringEquals`), a numeric one never
//! does; the `Bool` operator says what is meant.
//!
//! Example:
//! ```hcl
//! Condition = {
//!   StringEquals = { "kms:GrantIsForAWSResource" = "true" } # use `Bool`
//! }
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::facts::{KeyType, OperatorKind};
use crate::rules::{Ctx, Rule};

use super::{entries, key_span, known_values};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS505",
        severity: Severity::Warning,
        summary: "boolean condition key compared with a string or numeric operator",
        explanation: "A condition key whose type is boolean (`kms:GrantIsForAWSResource`, `kms:MultiRegion`, `aws:SecureTransport`, `aws:MultiFactorAuthPresent`, ...) is compared with a `String*` or `Numeric*` operator.\n\nWhy it matters: a string comparison only matches the exact spelling AWS puts in the request context, and a numeric comparison never matches: the condition may silently never apply. The `Bool` operator compares booleans.\n\nExample:\n    StringEquals = { \"kms:GrantIsForAWSResource\" = \"true\" }\nFix:\n    Bool = { \"kms:GrantIsForAWSResource\" = true }",
    },
    name: "bool-key-with-non-bool-operator",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in entries(a) {
        let (block, key, values) = (e.block, e.key, e.values);
        let op = block.operator.as_str();
        let parsed = e.op;
        if !matches!(parsed.kind, Some(OperatorKind::String | OperatorKind::Numeric)) {
            continue;
        }
        let Some((canonical, KeyType::Bool)) = e.key_info else {
            continue;
        };
        let value = match known_values(values).map(|(v, _)| v.to_ascii_lowercase()).collect::<Vec<_>>().as_slice() {
            [v] if v == "true" || v == "false" => v.clone(),
            _ => "true".to_string(),
        };
        let if_exists = if parsed.if_exists { "IfExists" } else { "" };
        out.push(
            RULE.diagnostic(format!(
                "`{}` is a boolean key, but `{op}` compares it as a {}",
                key.as_str(),
                if parsed.kind == Some(OperatorKind::Numeric) { "number" } else { "string" }
            ))
            .at(key_span(a.sources, key.span, key).or(key.span))
            .label(key_span(a.sources, block.operator.span, op), "compared here")
            .help(format!("use the `Bool` operator: `Bool{if_exists} = {{ \"{canonical}\" = {value} }}`"))
            .resource(e.policy.address.clone()),
        );
    }
}
