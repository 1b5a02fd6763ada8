//! KMS506 `for-all-values-on-single-valued-key`.
//!
//! What it does: reports `ForAllValues:` used with a condition key that holds a single
//! value (every key whose type is not a list: `kms:CallerAccount`, `aws:PrincipalOrgID`, ...).
//!
//! Why is this bad: `ForAllValues:` is true when *every* value of the key in the request
//! is in the list, which is also true when the request has no value at all: a request
//! without the key passes the condition. In an `Allow` statement that widens access.
//!
//! Example:
//! ```hcl
//! Condition = {
//!   "ForAllValues:StringEquals" = { "kms:CallerAccount" = "111122223333" } # use `StringEquals`
//! }
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::facts::KeyType;
use crate::rules::{Ctx, Rule};

use super::{SetPrefix, entries, key_span};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS506",
        severity: Severity::Warning,
        summary: "`ForAllValues:` on a single-valued condition key",
        explanation: "A condition uses the `ForAllValues:` set operator with a key that holds one value (any key whose type is not a list; list keys are `kms:EncryptionContextKeys`, `kms:GrantOperations`, `kms:ResourceAliases`, `aws:TagKeys`, `aws:PrincipalOrgPaths`, `aws:CalledVia`, ...).\n\nWhy it matters: `ForAllValues:` is true when every value in the request is in the list, and therefore also when the request has no value for the key: a request without the key satisfies the condition, which in an `Allow` statement grants more than intended.\n\nExample:\n    \"ForAllValues:StringEquals\" = { \"kms:CallerAccount\" = \"111122223333\" }\nFix:\n    StringEquals = { \"kms:CallerAccount\" = \"111122223333\" }",
    },
    name: "for-all-values-on-single-valued-key",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in entries(a) {
        let (block, key) = (e.block, e.key);
        let op = block.operator.as_str();
        let parsed = e.op;
        if parsed.prefix != Some(SetPrefix::ForAllValues) || parsed.kind.is_none() {
            continue;
        }
        let Some((_, ty)) = e.key_info else {
            continue;
        };
        if ty == KeyType::ArrayOfString {
            continue;
        }
        let plain = op.strip_prefix("ForAllValues:").unwrap_or(op);
        out.push(
            RULE.diagnostic(format!(
                "`{op}` on the single-valued key `{}`: a request without the key matches too",
                key.as_str()
            ))
            .at(key_span(a.sources, key.span, key).or(key.span))
            .label(key_span(a.sources, block.operator.span, op), "set operator here")
            .help(format!("drop the prefix and write `{plain}`"))
            .resource(e.policy.address.clone()),
        );
    }
}
