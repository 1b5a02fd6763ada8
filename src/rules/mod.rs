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

use std::ops::Deref;
use std::sync::OnceLock;

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
    statements: OnceLock<Vec<conditions::StatementRef<'a>>>,
    conditions: OnceLock<Vec<conditions::Entry<'a>>>,
    identifiers: OnceLock<Vec<principals::PrincipalRef<'a>>>,
    actions: OnceLock<Vec<actions::Item<'a>>>,
    resources: OnceLock<Vec<actions::Item<'a>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(analysis: &'a Analysis<'a>) -> Ctx<'a> {
        Ctx {
            analysis,
            statements: OnceLock::new(),
            conditions: OnceLock::new(),
            identifiers: OnceLock::new(),
            actions: OnceLock::new(),
            resources: OnceLock::new(),
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
    run_on(analysis, 1)
}

/// Policies a module needs before its rules run on several threads.
const PARALLEL_POLICIES: usize = 64;

/// Runs every rule, on up to `jobs` threads when the module has many policies: each rule
/// runs on one thread and pushes its findings to its own list; the lists are put back in
/// the order of the rules, so the findings are those of one thread, in the same order.
/// The views the rules share (`Ctx`) are computed once, by the first rule that asks.
pub fn run_on(analysis: &Analysis, jobs: usize) -> Vec<Diagnostic> {
    let ctx = Ctx::new(analysis);
    let rules = all();
    if jobs <= 1 || analysis.policies.len() < PARALLEL_POLICIES {
        let mut out = Vec::new();
        for rule in &rules {
            (rule.check)(&ctx, &mut out);
        }
        return out;
    }
    let threads = vec![(); jobs.min(rules.len())];
    let (found, _) = crate::compile::in_order_on_threads(&rules, threads, |_, rule| {
        let mut out = Vec::new();
        (rule.check)(&ctx, &mut out);
        out
    });
    match found.into_iter().collect::<Option<Vec<_>>>() {
        Some(found) => found.into_iter().flatten().collect(),
        // No thread could start: on this one.
        None => run_on(analysis, 1),
    }
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
