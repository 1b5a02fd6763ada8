//! KMS901 `alias-missing-prefix`.
//!
//! What it does: reports an alias `name` (or `name_prefix`) that does not start with
//! `alias/`.
//!
//! Why is this bad: every KMS alias name starts with `alias/`; the provider rejects any
//! other name at plan time.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_alias" "app" {
//!   name          = "ailias/app" # did you mean `alias/app`?
//!   target_key_id = aws_kms_key.app.key_id
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::util::did_you_mean;
use crate::rules::{Ctx, Rule};

use super::{alias_names, display, known_prefix};

const PREFIX: &str = "alias/";

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS901",
        severity: Severity::Error,
        summary: "alias name does not start with `alias/`",
        explanation: "An `aws_kms_alias` `name` or `name_prefix` does not start with `alias/`. Alias names are case-sensitive, so `Alias/app` is wrong too.\n\nWhy it matters: the provider rejects the name at plan time.\n\nExample:\n    name = \"app-key\"\nFix:\n    name = \"alias/app-key\"",
    },
    name: "alias-missing-prefix",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for alias in a.aliases {
        for (arg, v) in alias_names(alias) {
            let Some(p) = known_prefix(v) else { continue };
            let exact = v.as_str().is_some();
            if p.is_empty() || p.starts_with(PREFIX) || (!exact && PREFIX.starts_with(p)) {
                continue;
            }
            let Some(text) = display(v) else { continue };
            let what = if arg == "name" { "alias name" } else { "alias name prefix" };
            let help = help(&text);
            out.push(
                RULE.diagnostic(format!("{what} `{text}` does not start with `alias/`"))
                    .at(v.span)
                    .help(help)
                    .resource(alias.address.clone()),
            );
        }
    }
}

/// A corrected name when the mistake is plain (`ailias/app`, `Alias/app`, `/alias/app`),
/// else how alias names look.
fn help(text: &str) -> String {
    let t = text.trim_start_matches('/');
    if t.starts_with(PREFIX) {
        return format!("did you mean `{t}`?");
    }
    match t.split_once('/') {
        Some((head, rest)) if did_you_mean(head, ["alias"]).is_some() => {
            format!("did you mean `{PREFIX}{rest}`?")
        }
        _ if did_you_mean(t, ["alias"]).is_some() => {
            "an alias name is `alias/` followed by a name, as in `alias/app`".to_string()
        }
        _ => format!("alias names start with `alias/`: `{PREFIX}{t}`"),
    }
}
