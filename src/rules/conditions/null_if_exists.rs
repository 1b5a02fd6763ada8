//! KMS502 `null-if-exists`.
//!
//! What it does: reports the `NullIfExists` operator (with or without a set prefix).
//!
//! Why is this bad: `Null` tests whether a key is present; "if exists" makes no sense for
//! it and IAM does not accept it: AWS rejects the policy as malformed.
//!
//! Example:
//! ```hcl
//! Condition = {
//!   NullIfExists = { "aws:PrincipalOrgID" = "false" } # write `Null`
//! }
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::facts::OperatorKind;
use crate::rules::{Ctx, Rule};

use super::{key_span, parse_operator, statements};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS502",
        severity: Severity::Error,
        summary: "`IfExists` on the `Null` operator",
        explanation: "A `Condition` uses `NullIfExists`. Every condition operator may end in `IfExists` except `Null`, which itself tests whether the key is present.\n\nWhy it matters: AWS rejects the policy with MalformedPolicyDocumentException and the apply fails.\n\nExample:\n    Condition = { NullIfExists = { \"aws:PrincipalOrgID\" = \"false\" } }\nFix:\n    Condition = { Null = { \"aws:PrincipalOrgID\" = \"false\" } }",
    },
    name: "null-if-exists",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for s in statements(a) {
        let Some(cond) = &s.statement.condition else {
            continue;
        };
        for block in &cond.node {
            let op = block.operator.as_str();
            let parsed = parse_operator(op);
            if parsed.kind != Some(OperatorKind::Null) || !parsed.if_exists {
                continue;
            }
            let fixed = op.strip_suffix("IfExists").unwrap_or(op);
            out.push(
                RULE.diagnostic(format!("`{op}` is not a condition operator: `Null` cannot take `IfExists`"))
                    .at(key_span(a.sources, block.operator.span, op).or(block.operator.span))
                    .help(format!("write `{fixed}`: it already tests whether the key is present"))
                    .resource(s.policy.address.clone()),
            );
        }
    }
}
