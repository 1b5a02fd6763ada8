//! What it does: reports empty lists where a policy expects strings: `Action = []`,
//! `Resource = []`, `Principal = { AWS = [] }` (or `Principal = {}`), a condition key with
//! `[]` as its values.
//!
//! Why is this bad: an empty list matches nothing, so the statement (or the condition)
//! cannot apply to any request. It usually comes from a variable or a `for` expression
//! that turned out empty (a list of administrators nobody filled in).
//!
//! Example:
//! ```hcl
//! Principal = { AWS = var.key_users }   # key_users = []
//! ```
//! Use instead: give the list at least one element, or leave the statement out when it is
//! empty (`concat(..., length(var.key_users) > 0 ? [ {...} ] : [])`).

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::policy::ast::{Principal, Spanned, StringList};
use crate::rules::{Ctx, Rule};
use crate::source::Span;
use crate::value::Value;

use super::{each_statement, policies};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS110",
        severity: Severity::Warning,
        summary: "an empty list matches nothing",
        explanation: "`Action`, `NotAction`, `Resource`, `NotResource`, a principal (`Principal = { AWS = [] }`, `Principal = {}`) or the values of a condition key is an empty list.\n\nWhy it matters: an empty list matches nothing: the statement or the condition cannot apply to any request. It usually comes from a variable or a `for` expression that turned out empty.\n\nExample:\n    Principal = { AWS = var.key_users }   # key_users = []\nFix: give the list at least one element, or leave the statement out when it would be empty:\n    Statement = concat([local.root_statement], length(var.key_users) > 0 ? [local.users_statement] : [])",
    },
    name: "empty-list",
    check,
};

/// Whether the raw value (when known) was itself an empty list: the lowering also empties a
/// list whose elements it reported as malformed.
fn raw_empty(raw: Option<&Value>) -> bool {
    raw.is_none_or(|v| v.as_seq().is_some_and(<[_]>::is_empty))
}

fn get<'a>(raw: Option<&'a Value>, key: &str) -> Option<&'a Value> {
    raw?.as_map()?.get(key)
}

/// The finding for `list` when it is an empty list as written (`raw` is the value as
/// written, `message` the finding's message: both asked for only then).
fn empty<'v>(
    list: &StringList,
    raw: impl FnOnce() -> Option<&'v Value>,
    st_span: Option<Span>,
    message: impl FnOnce() -> String,
    help: &str,
) -> Option<Diagnostic> {
    (list.items.is_empty() && raw_empty(raw())).then(|| RULE.diagnostic(message()).at(list.span.or(st_span)).help(help))
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for (cp, policy) in policies(a) {
        let mut found: Vec<Diagnostic> = Vec::new();
        each_statement(cp, policy, |st, raw_st| {
            let member = |name: &str| raw_st.and_then(|m| m.get(name));
            for (name, list, what) in [
                ("Action", &st.action, "the statement matches no action and grants nothing"),
                ("Resource", &st.resource, "the statement matches no resource and grants nothing"),
                ("NotAction", &st.not_action, "it excludes no action"),
                ("NotResource", &st.not_resource, "it excludes no resource"),
            ] {
                if let Some(list) = list {
                    let help = match name {
                        "Action" => "list the KMS actions the statement is for, or remove the statement",
                        "Resource" => "write `Resource = \"*\"`, which in a key policy means this key",
                        _ => "list what to exclude, or use the positive member instead",
                    };
                    found.extend(empty(
                        list,
                        || member(name),
                        st.span,
                        || format!("`{name}` is an empty list: {what}"),
                        help,
                    ));
                }
            }
            for (name, principal) in [("Principal", &st.principal), ("NotPrincipal", &st.not_principal)] {
                let Some(Spanned { node: Principal::Map(kinds), span }) = principal else {
                    continue;
                };
                let raw_p = || member(name);
                if kinds.is_empty() && raw_p().is_none_or(|p| p.as_map().is_some_and(crate::value::Members::is_empty)) {
                    found.push(
                        RULE.diagnostic(format!("`{name}` is an empty object: it names no principal"))
                            .at(span.or(st.span))
                            .help(format!("write `{name} = {{ AWS = \"arn:aws:iam::<account>:role/<name>\" }}`")),
                    );
                }
                for (kind, ids) in kinds {
                    let message = || format!("`{name}.{}` is an empty list: it names no principal", kind.node);
                    let help = "list at least one principal, or remove the statement";
                    found.extend(empty(ids, || get(raw_p(), &kind.node), st.span, message, help));
                }
            }
            if let Some(cond) = &st.condition {
                let raw_c = || member("Condition");
                for block in &cond.node {
                    let raw_b = || get(raw_c(), &block.operator.node);
                    for (key, values) in &block.entries {
                        let message = || {
                            format!(
                                "condition `{}` on `{}` has an empty list of values: it matches nothing",
                                block.operator.node, key.node
                            )
                        };
                        let help = "list the values to compare with, or remove the condition key";
                        found.extend(empty(values, || get(raw_b(), &key.node), st.span, message, help));
                    }
                }
            }
        });
        out.extend(found.into_iter().map(|d| d.resource(&cp.address)));
    }
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};

    fn messages(st: &str) -> Vec<String> {
        diagnostics_of("KMS110", &(key_with(st) + "variable \"v\" {}\n")).into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn reports_each_empty_list() {
        let st = r#"{ Sid = "Use", Effect = "Allow", Principal = { AWS = [] }, Action = [], Resource = "*",
            Condition = { StringEquals = { "kms:CallerAccount" = [] } } }"#;
        assert_eq!(
            messages(st),
            [
                "`Action` is an empty list: the statement matches no action and grants nothing",
                "`Principal.AWS` is an empty list: it names no principal",
                "condition `StringEquals` on `kms:CallerAccount` has an empty list of values: it matches nothing",
            ]
        );
        let st = r#"{ Sid = "Use", Effect = "Allow", Principal = {}, Action = "kms:Decrypt", Resource = toset([]) }"#;
        assert_eq!(
            messages(st),
            [
                "`Resource` is an empty list: the statement matches no resource and grants nothing",
                "`Principal` is an empty object: it names no principal",
            ]
        );
    }

    #[test]
    fn silent_on_unknown_and_malformed_lists() {
        for st in [
            r#"{ Sid = "Use", Effect = "Allow", Principal = { AWS = var.v }, Action = var.v, Resource = "*" }"#,
            r#"{ Sid = "Use", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = [null], Resource = "*" }"#,
        ] {
            assert!(messages(st).is_empty(), "{st}");
        }
    }
}
