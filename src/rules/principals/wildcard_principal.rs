//! KMS204 `wildcard-principal`.
//!
//! What it does: reports an `Allow` statement whose principal is `*` (`Principal = "*"` or
//! `{ AWS = "*" }`, also when the `*` comes through a variable or a local) without a
//! condition that narrows it to known callers: a key of `kms:CallerAccount`,
//! `kms:ViaService`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalOrgID`,
//! `aws:PrincipalOrgPaths`, `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID`,
//! `aws:SourceOrgPaths`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:userid` or
//! `aws:username`, under any operator but `Null`.
//!
//! Why is this bad: the key policy alone then lets any AWS principal of any account use
//! the key for the statement's actions.
//!
//! Example:
//! ```hcl
//! {
//!   Effect    = "Allow"
//!   Principal = { AWS = "*" } # anyone, in any account
//!   Action    = ["kms:Decrypt"]
//!   Resource  = "*"
//! }
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::policy::ast::{Effect, Principal};
use crate::rules::conditions::{member_span, narrows, statements};
use crate::rules::{Ctx, Rule};
use crate::source::Span;

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS204",
        severity: Severity::Error,
        summary: "wildcard principal in an `Allow` statement without a narrowing condition",
        explanation: "An `Allow` statement names the principal `*` (`Principal = \"*\"` or `{ AWS = \"*\" }`) and has no condition that narrows it to known callers: `kms:CallerAccount`, `kms:ViaService`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID`, `aws:SourceOrgPaths`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:userid` or `aws:username` (under any operator but `Null`).\n\nWhy it matters: a key policy is a resource policy: with `*` it grants the statement's actions to every AWS principal of every account, without any IAM policy on their side.\n\nExample:\n    { Effect = \"Allow\", Principal = { AWS = \"*\" }, Action = \"kms:Decrypt\", Resource = \"*\" }\nFix: name the principals, or narrow the wildcard:\n    { Effect = \"Allow\", Principal = { AWS = \"*\" }, Action = \"kms:Decrypt\", Resource = \"*\",\n      Condition = { StringEquals = { \"kms:CallerAccount\" = \"111122223333\" } } }",
    },
    name: "wildcard-principal",
    check,
};

/// Whether `inner` lies within `outer`.
fn within(inner: Span, outer: Option<Span>) -> bool {
    outer.is_some_and(|o| o.file == inner.file && o.start <= inner.start && inner.end <= o.end)
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for s in statements(a) {
        let st = s.statement;
        let (Some(principal), Some(effect)) = (&st.principal, &st.effect) else {
            continue;
        };
        if effect.node != Effect::Allow || !s.complete {
            continue;
        }
        let stars: Vec<Option<Span>> = match &principal.node {
            Principal::Wildcard => vec![principal.span],
            Principal::Map(kinds) => kinds
                .iter()
                .filter(|(k, _)| k.as_str() == "AWS")
                .flat_map(|(_, l)| l.items.iter())
                .filter(|i| i.as_known() == Some("*"))
                .map(|i| i.span)
                .collect(),
        };
        if stars.is_empty() || narrows(st) {
            continue;
        }
        for star in stars {
            let mut d = RULE
                .diagnostic("anyone may use the key: `Allow` for the principal `*` without a condition that narrows it")
                .at(star.or_else(|| member_span(a.sources, st.span, "Principal")).or(st.span));
            // The `*` written elsewhere (a variable, a local): show where it is used.
            if let Some(at) = star
                && !within(at, st.span)
            {
                let used = if principal.span != star && principal.span.is_some_and(|p| within(p, st.span)) {
                    principal.span
                } else {
                    member_span(a.sources, st.span, "Principal")
                };
                d = match used {
                    Some(_) => d.label(used, "the principal of the statement"),
                    None => d.label(effect.span, "used in this `Allow` statement"),
                };
            }
            out.push(
                d.help("name the principals (`AWS = \"arn:aws:iam::111122223333:root\"`), or add a condition such as `StringEquals = { \"kms:CallerAccount\" = \"111122223333\" }` or on `aws:PrincipalOrgID`")
                    .resource(s.policy.address.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::conditions::codes_for;

    const ROOT: &str = r#"{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }"#;

    fn open(principal: &str, rest: &str, extra: &str) -> bool {
        let st = format!(
            r#"{ROOT}, {{ Effect = "Allow", Principal = {principal}, Action = "kms:Decrypt", Resource = "*" {rest} }}"#
        );
        codes_for(&st, "", extra).contains(&"KMS204")
    }

    #[test]
    fn wildcards_without_narrowing_are_reported() {
        assert!(open(r#""*""#, "", ""));
        assert!(open(r#"{ AWS = ["arn:aws:iam::111122223333:role/a", "*"] }"#, "", ""));
        assert!(open("local.p", "", r#"locals { p = "*" }"#));
        assert!(open(r#"{ AWS = "*" }"#, r#", Condition = { Null = { "aws:PrincipalOrgID" = "false" } }"#, ""));
        assert!(open(r#"{ AWS = "*" }"#, r#", Condition = { Bool = { "aws:SecureTransport" = "true" } }"#, ""));
    }

    #[test]
    fn narrowed_or_unknown_wildcards_are_not() {
        assert!(!open(
            r#"{ AWS = "*" }"#,
            r#", Condition = { StringEquals = { "KMS:callerAccount" = "111122223333" } }"#,
            ""
        ));
        assert!(!open(
            r#"{ AWS = "*" }"#,
            r#", Condition = { "ForAnyValue:StringLike" = { "aws:PrincipalOrgPaths" = "o-a1b2c3d4e5/*" } }"#,
            ""
        ));
        assert!(!open(r#"{ AWS = "*" }"#, ", Condition = var.c", r#"variable "c" {}"#));
        assert!(!open(r#"{ Service = "logs.amazonaws.com" }"#, "", ""));
        assert!(!open(r#"{ AWS = var.p }"#, "", r#"variable "p" { type = list(string) }"#));
        let deny = format!(r#"{ROOT}, {{ Effect = "Deny", Principal = "*", Action = "kms:Decrypt", Resource = "*" }}"#);
        assert!(!codes_for(&deny, "", "").contains(&"KMS204"));
    }
}
