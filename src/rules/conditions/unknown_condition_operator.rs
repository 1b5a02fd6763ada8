//! KMS501 `unknown-condition-operator`.
//!
//! What it does: reports a condition operator that IAM does not know, such as
//! `StringEqual` or `stringEquals` (operator names are case-sensitive), or a set prefix
//! other than `ForAllValues:` and `ForAnyValue:`.
//!
//! Why is this bad: AWS rejects the policy (`MalformedPolicyDocumentException: Invalid
//! Condition type`), so `terraform apply` fails when it creates or updates the key.
//!
//! Example:
//! ```hcl
//! Condition = {
//!   StringEqual = { "kms:CallerAccount" = "111122223333" } # did you mean `StringEquals`?
//! }
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::facts::{CONDITION_OPERATORS, OperatorKind};
use crate::rules::util::did_you_mean;
use crate::rules::{Ctx, Rule};

use super::{key_span, parse_operator, statements};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS501",
        severity: Severity::Error,
        summary: "unknown condition operator",
        explanation: "A `Condition` block uses an operator IAM does not know. Operators are case-sensitive: `String{Equals,NotEquals,EqualsIgnoreCase,NotEqualsIgnoreCase,Like,NotLike}`, `Numeric{Equals,NotEquals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals}`, `Date{...the same six}`, `Bool`, `BinaryEquals`, `IpAddress`, `NotIpAddress`, `Arn{Equals,Like,NotEquals,NotLike}` and `Null`; each may end in `IfExists` (except `Null`) and be prefixed with `ForAllValues:` or `ForAnyValue:`.\n\nWhy it matters: AWS rejects the policy with MalformedPolicyDocumentException (\"Invalid Condition type\") and the apply fails.\n\nExample:\n    Condition = { StringEqual = { \"kms:CallerAccount\" = \"111122223333\" } }\nFix:\n    Condition = { StringEquals = { \"kms:CallerAccount\" = \"111122223333\" } }",
    },
    name: "unknown-condition-operator",
    check,
};

/// Every valid operator without prefix: the bases and their `IfExists` forms.
fn candidates() -> Vec<String> {
    let mut v = Vec::new();
    for (name, kind) in CONDITION_OPERATORS {
        v.push((*name).to_string());
        if *kind != OperatorKind::Null {
            v.push(format!("{name}IfExists"));
        }
    }
    v
}

/// A suggestion for an unknown operator (with the prefix fixed too).
fn suggestion(op: &str) -> Option<String> {
    let all = candidates();
    let names = || all.iter().map(String::as_str);
    if let Some((prefix, rest)) = op.split_once(':') {
        let fixed_prefix = did_you_mean(prefix, ["ForAllValues", "ForAnyValue"])?;
        let parsed = parse_operator(rest);
        let base = if parsed.kind.is_some() { rest } else { did_you_mean(rest, names())? };
        return Some(format!("{fixed_prefix}:{base}"));
    }
    did_you_mean(op, names()).map(str::to_string)
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for s in statements(a) {
        let Some(cond) = &s.statement.condition else {
            continue;
        };
        for block in &cond.node {
            let op = block.operator.as_str();
            let parsed = parse_operator(op);
            if parsed.kind.is_some() {
                continue;
            }
            let help = match suggestion(op) {
                Some(fix) if fix.eq_ignore_ascii_case(op) => {
                    format!("condition operators are case-sensitive: write `{fix}`")
                }
                Some(fix) => format!("did you mean `{fix}`?"),
                None => "use one of IAM's condition operators, such as `StringEquals`, `StringLike`, `ArnLike`, `Bool`, `NumericLessThan`, `DateGreaterThan`, `IpAddress` or `Null`".to_string(),
            };
            out.push(
                RULE.diagnostic(format!("unknown condition operator `{op}`"))
                    .at(key_span(a.sources, block.operator.span, op).or(block.operator.span))
                    .help(help)
                    .resource(s.policy.address.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_intended_operator() {
        assert_eq!(suggestion("StringEqual").as_deref(), Some("StringEquals"));
        assert_eq!(suggestion("stringequals").as_deref(), Some("StringEquals"));
        assert_eq!(suggestion("ArnLikeIfExist").as_deref(), Some("ArnLikeIfExists"));
        assert_eq!(suggestion("ForAnyValues:StringLike").as_deref(), Some("ForAnyValue:StringLike"));
        assert_eq!(suggestion("ForAllValue:StringEqual").as_deref(), Some("ForAllValues:StringEquals"));
        assert_eq!(suggestion("Frobnicate"), None);
    }
}
