//! KMS205 `not-principal-with-allow`.
//!
//! What it does: reports an `Allow` statement that uses `NotPrincipal`.
//!
//! Why is this bad: `Allow` with `NotPrincipal` grants the actions to every principal
//! except the ones listed, including principals of other accounts and anonymous callers.
//! AWS recommends against it; the intent is almost always a `Principal` list.
//!
//! Example:
//! ```hcl
//! {
//!   Effect       = "Allow"
//!   NotPrincipal = { AWS = "arn:aws:iam::111122223333:user/intern" } # everyone else is allowed
//!   Action       = "kms:Decrypt"
//!   Resource     = "*"
//! }
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::policy::ast::Effect;
use crate::rules::conditions::{key_span, statements};
use crate::rules::{Ctx, Rule};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS205",
        severity: Severity::Warning,
        summary: "`NotPrincipal` in an `Allow` statement",
        explanation: "An `Allow` statement uses `NotPrincipal`: it grants its actions to every principal except the ones listed.\n\nWhy it matters: \"everyone except\" includes every other AWS account and anonymous callers; AWS advises against `NotPrincipal` with `Allow`. The intent is almost always a list of the principals that need access.\n\nExample:\n    { Effect = \"Allow\", NotPrincipal = { AWS = \"arn:aws:iam::111122223333:user/intern\" }, Action = \"kms:Decrypt\", Resource = \"*\" }\nFix:\n    { Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:role/app\" }, Action = \"kms:Decrypt\", Resource = \"*\" }",
    },
    name: "not-principal-with-allow",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for s in statements(a) {
        let st = s.statement;
        let (Some(np), Some(effect)) = (&st.not_principal, &st.effect) else {
            continue;
        };
        if effect.node != Effect::Allow {
            continue;
        }
        out.push(
            RULE.diagnostic("`NotPrincipal` in an `Allow` statement grants access to every principal not listed")
                .at(key_span(a.sources, np.span, "NotPrincipal").or(np.span))
                .label(effect.span, "`Allow` here")
                .help("list the principals that need access in `Principal` instead")
                .resource(s.policy.address.clone()),
        );
    }
}
