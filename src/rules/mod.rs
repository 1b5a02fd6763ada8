//! The checks: one rule per file, grouped in families, each with a stable code, a default
//! severity and its documentation (what `kmsc explain` prints). Rules read the
//! [`Analysis`] through a [`Ctx`], which computes the views several rules share once per
//! run, and push diagnostics; severity overrides and suppression comments are applied
//! afterwards, in one place.

pub mod suppress;
pub mod util;

pub mod actions;
pub mod conditions;
pub mod grammar;
pub mod keys;
pub mod principals;

use std::cell::OnceCell;
use std::ops::Deref;

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, REGISTRY, Severity};

/// A check over the analysed module.
pub struct Rule {
    /// Code, default severity, summary and documentation.
    pub info: CodeInfo,
    /// Short kebab-case name of the pattern caught (`placeholder-principal`).
    pub name: &'static str,
    /// Pushes one diagnostic per finding, with `info.code` and `info.severity`.
    pub check: fn(&Ctx, &mut Vec<Diagnostic>),
}

/// What the rules read: the [`Analysis`] (through `Deref`), with the views several rules
/// share (every statement, principal identifier, action, resource and condition entry),
/// each computed once per run, on first use.
pub struct Ctx<'a> {
    analysis: &'a Analysis<'a>,
    statements: OnceCell<Vec<conditions::StatementRef<'a>>>,
    conditions: OnceCell<Vec<conditions::Entry<'a>>>,
    identifiers: OnceCell<Vec<principals::PrincipalRef<'a>>>,
    actions: OnceCell<Vec<actions::Item<'a>>>,
    resources: OnceCell<Vec<actions::Item<'a>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(analysis: &'a Analysis<'a>) -> Ctx<'a> {
        Ctx {
            analysis,
            statements: OnceCell::new(),
            conditions: OnceCell::new(),
            identifiers: OnceCell::new(),
            actions: OnceCell::new(),
            resources: OnceCell::new(),
        }
    }
}

impl<'a> Deref for Ctx<'a> {
    type Target = Analysis<'a>;
    fn deref(&self) -> &Analysis<'a> {
        self.analysis
    }
}

impl Rule {
    /// A diagnostic of this rule at its default severity.
    pub fn diagnostic(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.info.code, self.info.severity, message)
    }
}

/// Every rule, in code order.
pub fn all() -> Vec<&'static Rule> {
    let mut v: Vec<&'static Rule> = Vec::new();
    v.extend_from_slice(grammar::RULES);
    v.extend_from_slice(principals::RULES);
    v.extend_from_slice(actions::RULES);
    v.extend_from_slice(conditions::RULES);
    v.extend_from_slice(keys::RULES);
    v.sort_by_key(|r| r.info.code);
    v
}

/// Every code kmsc can report: the compiler's, then the rules', in code order.
pub fn all_codes() -> Vec<&'static CodeInfo> {
    let mut v: Vec<&'static CodeInfo> = REGISTRY.iter().collect();
    v.extend(all().into_iter().map(|r| &r.info));
    v.sort_by_key(|c| c.code);
    v
}

/// The documentation of `code`, case-insensitively.
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    all_codes().into_iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// Runs every rule.
pub fn run(analysis: &Analysis) -> Vec<Diagnostic> {
    let ctx = Ctx::new(analysis);
    let mut out = Vec::new();
    for rule in all() {
        (rule.check)(&ctx, &mut out);
    }
    out
}

/// Severity overrides from the command line (`--deny CODE`, `--warn CODE`, `--allow CODE`).
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub deny: Vec<String>,
    pub warn: Vec<String>,
    pub allow: Vec<String>,
}

impl Overrides {
    /// Applies the overrides: `allow` drops a code, `warn` and `deny` set its severity.
    /// When a code is named in several lists, the strictest wins.
    pub fn apply(&self, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let has = |list: &[String], code: &str| list.iter().any(|c| c.eq_ignore_ascii_case(code));
        diags
            .into_iter()
            .filter_map(|mut d| {
                if has(&self.deny, d.code) {
                    d.severity = Severity::Error;
                } else if has(&self.warn, d.code) {
                    d.severity = Severity::Warning;
                } else if has(&self.allow, d.code) {
                    return None;
                }
                Some(d)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_documented() {
        let codes = all_codes();
        for w in codes.windows(2) {
            assert_ne!(w[0].code, w[1].code, "duplicate code");
        }
        for c in &codes {
            assert!(c.code.starts_with("KMS") && c.code.len() == 6, "{}", c.code);
            assert!(!c.summary.is_empty() && !c.explanation.is_empty(), "{}", c.code);
            assert!(
                c.summary.chars().next().is_some_and(|ch| !ch.is_uppercase()),
                "{}: summary starts lowercase",
                c.code
            );
        }
        let names: Vec<&str> = all().iter().map(|r| r.name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "duplicate rule name");
    }
}
