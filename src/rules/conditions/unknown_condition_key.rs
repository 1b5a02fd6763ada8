//! KMS503 `unknown-condition-key`.
//!
//! What it does: reports a `kms:` condition key that AWS KMS does not define, or an `aws:`
//! key that is not an AWS global condition key (keys of other services are left alone).
//!
//! Why is this bad: IAM accepts unknown keys, but a request never carries them: a
//! condition on such a key never matches (or, with a negated operator or `IfExists`,
//! always does), so the statement silently grants or denies something else than meant.
//!
//! Example:
//! ```hcl
//! Condition = {
//!   StringEquals = { "kms:CallerAcount" = "111122223333" } # did you mean `kms:CallerAccount`?
//! }
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::facts::{GLOBAL_CONDITION_KEYS, facts};
use crate::rules::util::did_you_mean;
use crate::rules::{Ctx, Rule};

use super::{entries, key_span};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS503",
        severity: Severity::Error,
        summary: "unknown `kms:` or `aws:` condition key",
        explanation: "A condition uses a `kms:` key that AWS KMS does not define, or an `aws:` key that is not an AWS global condition key (keys are compared case-insensitively; keys of other services are not checked).\n\nWhy it matters: IAM accepts the policy, but no request ever carries the key: a condition on it never matches (`StringEquals`) or always matches (`StringNotEquals`, `...IfExists`), so the statement does not do what it says.\n\nExample:\n    StringEquals = { \"kms:CallerAcount\" = \"111122223333\" }\nFix:\n    StringEquals = { \"kms:CallerAccount\" = \"111122223333\" }",
    },
    name: "unknown-condition-key",
    check,
};

/// Global keys AWS documents that the facts table does not list (newer or rarely used in
/// key policies). Accepted silently.
const MORE_GLOBAL_KEYS: &[&str] =
    &["aws:Referer", "aws:SourceVpcArn", "aws:VpceAccount", "aws:VpceOrgID", "aws:VpceOrgPaths", "aws:AssumedRoot"];

/// The known keys of a namespace (`kms:` or `aws:`), split into exact names and pattern
/// prefixes (`aws:RequestTag/` for `aws:RequestTag/${TagKey}`).
fn known(namespace: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    let kms = facts().condition_keys.iter().map(|k| k.key.as_str());
    let global = GLOBAL_CONDITION_KEYS.iter().map(|(k, _)| *k);
    let (mut exact, mut patterns) = (Vec::new(), Vec::new());
    for k in kms.chain(global) {
        if !k.to_ascii_lowercase().starts_with(namespace) {
            continue;
        }
        match k.split_once("${") {
            Some((prefix, _)) => patterns.push(prefix),
            None => exact.push(k),
        }
    }
    exact.sort_unstable();
    exact.dedup();
    patterns.sort_unstable();
    patterns.dedup();
    (exact, patterns)
}

/// The help for an unknown key.
fn help(key: &str, namespace: &str) -> String {
    let (exact, patterns) = known(namespace);
    if key.eq_ignore_ascii_case("kms:EncryptionContext") {
        return "write `kms:EncryptionContext:<context key>` to test one pair of the encryption context, or `kms:EncryptionContextKeys` to test its keys".to_string();
    }
    // A pattern key with a typo in its fixed part: `aws:RequestTags/team`.
    let body = &key[namespace.len()..];
    if let Some(i) = body.find([':', '/']) {
        let (head, rest) = key.split_at(namespace.len() + i + 1);
        if let Some(p) = did_you_mean(head, patterns.iter().copied()) {
            return format!("did you mean `{p}{rest}`?");
        }
    }
    match did_you_mean(key, exact.iter().copied()) {
        Some(k) => format!("did you mean `{k}`?"),
        None if namespace == "kms:" => "see the condition keys of AWS KMS in the Service Authorization Reference; keys of other services need their own prefix".to_string(),
        None => "see the AWS global condition keys in the IAM User Guide; keys of a service use its own prefix (`kms:`, `s3:`, ...)".to_string(),
    }
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in entries(a) {
        let key = e.key;
        let name = key.as_str();
        let head = name.get(..4).unwrap_or_default();
        let namespace = if head.eq_ignore_ascii_case("kms:") {
            "kms:"
        } else if head.eq_ignore_ascii_case("aws:") {
            "aws:"
        } else {
            continue;
        };
        if e.key_info.is_some() || MORE_GLOBAL_KEYS.iter().any(|k| k.eq_ignore_ascii_case(name)) {
            continue;
        }
        let what = if namespace == "kms:" { "AWS KMS condition key" } else { "AWS global condition key" };
        out.push(
            RULE.diagnostic(format!("unknown {what} `{name}`"))
                .at(key_span(a.sources, key.span, name).or(key.span))
                .help(help(name, namespace))
                .resource(e.policy.address.clone()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys() {
        assert_eq!(help("kms:CallerAcount", "kms:"), "did you mean `kms:CallerAccount`?");
        assert_eq!(help("aws:PrincipalOrgId2", "aws:"), "did you mean `aws:PrincipalOrgID`?");
        assert_eq!(help("aws:RequestTags/team", "aws:"), "did you mean `aws:RequestTag/team`?");
        assert_eq!(help("kms:EncryptionContxt:Dept", "kms:"), "did you mean `kms:EncryptionContext:Dept`?");
        assert!(help("kms:EncryptionContext", "kms:").contains("kms:EncryptionContextKeys"));
    }
}
