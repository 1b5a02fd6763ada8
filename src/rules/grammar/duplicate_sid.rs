//! What it does: reports two statements of one policy with the same `Sid`.
//!
//! Why is this bad: `Sid`s must be unique within a key policy; AWS rejects the policy
//! (MalformedPolicyDocumentException). A repeated `Sid` is often a copied statement whose
//! `Sid` was not updated, so one of the two may not say what was meant.
//!
//! Example:
//! ```hcl
//! { Sid = "Allow use of the key", ... },
//! { Sid = "Allow use of the key", ... },
//! ```
//! Use instead: give each statement its own `Sid`.

use std::collections::BTreeMap;

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};
use crate::source::Span;

use super::policies;

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS111",
        severity: Severity::Error,
        summary: "two statements have the same `Sid`",
        explanation: "Two statements of the same policy have the same `Sid`.\n\nWhy it matters: statement IDs must be unique within a key policy; AWS rejects the policy with MalformedPolicyDocumentException. A repeated `Sid` often marks a copied statement that was not fully edited.\n\nExample:\n    { Sid = \"Allow use of the key\", ... },\n    { Sid = \"Allow use of the key\", ... },\nFix: give each statement its own `Sid`:\n    { Sid = \"Allow use of the key\", ... },\n    { Sid = \"Allow attachment of persistent resources\", ... },",
    },
    name: "duplicate-sid",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for (cp, policy) in policies(a) {
        let mut first: BTreeMap<&str, Option<Span>> = BTreeMap::new();
        for st in policy.statements() {
            let Some(sid) = &st.sid else { continue };
            let Some(text) = sid.node.as_known() else {
                continue;
            };
            if text.is_empty() {
                continue;
            }
            let span = sid.span.or(st.span);
            match first.get(text) {
                Some(&earlier) => out.push(
                    RULE.diagnostic(format!("duplicate `Sid` `{text}`"))
                        .at(span)
                        .label(earlier, "first used here")
                        .help("statement IDs must be unique within a key policy: rename one of the statements")
                        .resource(&cp.address),
                ),
                None => {
                    first.insert(text, span);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};

    #[test]
    fn reports_the_second_and_labels_the_first() {
        let st = r#"{ Sid = "Enable IAM User Permissions", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:Decrypt", Resource = "*" }"#;
        let d = diagnostics_of("KMS111", &key_with(st));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].labels.len(), 1);
        assert!(d[0].labels[0].span.start < d[0].span.unwrap().start);
        let st = r#"{ Sid = "enable IAM User Permissions", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:Decrypt", Resource = "*" }"#;
        assert!(diagnostics_of("KMS111", &key_with(st)).is_empty());
    }
}
