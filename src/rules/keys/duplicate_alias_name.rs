//! KMS906 `duplicate-alias-name`.
//!
//! What it does: reports two aliases (or two instances of one alias) with the same name,
//! for the same provider configuration.
//!
//! Why is this bad: alias names are unique in an account and Region; the second
//! CreateAlias fails with `AlreadyExistsException`.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_alias" "app" {
//!   count         = 2
//!   name          = "alias/app" # the same name twice; use "alias/app-${count.index}"
//!   target_key_id = aws_kms_key.app[count.index].key_id
//! }
//! ```

use std::collections::{BTreeMap, HashMap};

use crate::analysis::{AliasInfo, Analysis};
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::resource_address;

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS906",
        severity: Severity::Error,
        summary: "two aliases have the same name",
        explanation: "Two `aws_kms_alias` resources, or two instances of one (`count`, `for_each`), have the same `name` and use the same provider configuration.\n\nWhy it matters: alias names are unique per account and Region; the second alias fails with AlreadyExistsException at apply time.\n\nExample:\n    count = 2\n    name  = \"alias/app\"\nFix:\n    name  = \"alias/app-${count.index}\"",
    },
    name: "duplicate-alias-name",
    check,
};

/// The source text of the alias's `provider` meta-argument (empty for the default).
fn provider(a: &Analysis, alias: &AliasInfo) -> String {
    a.module
        .resource(resource_address(&alias.address))
        .and_then(|r| r.attribute("provider"))
        .and_then(|e| e.span())
        .map(|s| a.sources.text(s).trim().to_string())
        .unwrap_or_default()
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    fn name_of(alias: &AliasInfo) -> Option<&str> {
        alias.name.as_ref().and_then(|v| v.as_str())
    }
    // Only a name given to several aliases can be used twice.
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for name in a.aliases.iter().filter_map(name_of) {
        *uses.entry(name).or_default() += 1;
    }
    let mut first: BTreeMap<(String, &str), &AliasInfo> = BTreeMap::new();
    for alias in a.aliases {
        let Some(name) = name_of(alias) else {
            continue;
        };
        if uses.get(name).is_none_or(|n| *n < 2) {
            continue;
        }
        let key = (provider(a, alias), name);
        let Some(earlier) = first.get(&key) else {
            first.insert(key, alias);
            continue;
        };
        let here = alias.name.as_ref().and_then(|v| v.span);
        let there = earlier.name.as_ref().and_then(|v| v.span);
        let mut d = RULE
            .diagnostic(format!("alias name `{name}` of `{}` is already used by `{}`", alias.address, earlier.address))
            .at(here)
            .help("alias names are unique in an account and Region; give each alias its own name");
        if there != here {
            d = d.label(there, format!("first used by `{}` here", earlier.address));
        }
        out.push(d.resource(alias.address.clone()));
    }
}
