//! KMS507 `malformed-via-service`.
//!
//! What it does: reports a `kms:ViaService` value that is not of the form
//! `<service>.<region>.amazonaws.com` in lowercase (`ec2.us-east-1.amazonaws.com`).
//! Wildcards (`*`, `?`) are accepted with `StringLike`/`StringNotLike` only.
//!
//! Why is this bad: AWS puts exactly that form in the request context; any other value
//! (`ec2.amazonaws.com`, `EC2.us-east-1.amazonaws.com`, a wildcard under `StringEquals`)
//! never matches, so the statement never grants (or always denies) what it is about.
//!
//! Example:
//! ```hcl
//! Condition = {
//!   StringEquals = { "kms:ViaService" = "ec2.amazonaws.com" } # ec2.us-east-1.amazonaws.com
//! }
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::facts::OperatorKind;
use crate::rules::{Ctx, Rule};

use super::{entries, known_values};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS507",
        severity: Severity::Error,
        summary: "`kms:ViaService` value is not `<service>.<region>.amazonaws.com`",
        explanation: "A `kms:ViaService` condition compares with a value that is not the name AWS uses, `<service>.<region>.amazonaws.com` in lowercase (`ec2.us-east-1.amazonaws.com`, `rds.eu-west-1.amazonaws.com`; `.amazonaws.com.cn` in China). Wildcards work only with `StringLike`/`StringNotLike`.\n\nWhy it matters: the value never equals what a request carries, so an `Allow` never applies (the service cannot use the key) and a `Deny` with a negated operator applies to every request.\n\nExample:\n    StringEquals = { \"kms:ViaService\" = \"ec2.amazonaws.com\" }\nFix:\n    StringEquals = { \"kms:ViaService\" = \"ec2.us-east-1.amazonaws.com\" }\nor, for every Region:\n    StringLike = { \"kms:ViaService\" = \"ec2.*.amazonaws.com\" }",
    },
    name: "malformed-via-service",
    check,
};

const SUFFIXES: &[&str] = &[".amazonaws.com", ".amazonaws.com.cn"];

/// A Region name: lowercase parts separated by `-`, the last one a number
/// (`us-east-1`, `us-gov-west-1`, `eusc-de-east-1`).
fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// What is wrong with a value, as (message tail, help).
fn problem(value: &str, like: bool, ignore_case: bool) -> Option<(String, String)> {
    let wild = value.contains(['*', '?']);
    if wild && !like {
        return Some((
            "has a wildcard, but the operator compares literally".to_string(),
            "use `StringLike` to match with wildcards".to_string(),
        ));
    }
    let lower = value.to_ascii_lowercase();
    if !ignore_case && lower != value {
        return Some(("is not lowercase".to_string(), format!("write `{lower}`")));
    }
    let example = |service: &str| {
        format!(
            "name the service and the Region: `{service}.us-east-1.amazonaws.com`, or `{service}.*.amazonaws.com` with `StringLike` for every Region"
        )
    };
    let form = "is not of the form `<service>.<region>.amazonaws.com`".to_string();
    if lower.bytes().any(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.*?".contains(&b))) {
        return Some((
            form,
            "write `<service>.<region>.amazonaws.com`, such as `ec2.us-east-1.amazonaws.com`".to_string(),
        ));
    }
    let Some(head) = SUFFIXES.iter().find_map(|s| lower.strip_suffix(s)) else {
        if wild && lower.ends_with('*') {
            return None;
        }
        let service = lower.split('.').next().unwrap_or_default();
        let help = if !service.is_empty() && !lower.contains(".amazonaws.") {
            example(service)
        } else {
            "write `<service>.<region>.amazonaws.com`, such as `ec2.us-east-1.amazonaws.com`".to_string()
        };
        return Some((form, help));
    };
    if wild {
        return None;
    }
    match head.split('.').collect::<Vec<_>>().as_slice() {
        [service, region] if !service.is_empty() && is_region(region) => None,
        [service] if !service.is_empty() => Some((form, example(service))),
        _ => {
            Some((form, "write `<service>.<region>.amazonaws.com`, such as `ec2.us-east-1.amazonaws.com`".to_string()))
        }
    }
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for e in entries(a) {
        let (key, values) = (e.key, e.values);
        if !key.eq_ignore_ascii_case("kms:ViaService") {
            continue;
        }
        let parsed = e.op;
        if parsed.kind != Some(OperatorKind::String) {
            continue;
        }
        for (value, item) in known_values(values) {
            if value.contains("${") {
                continue;
            }
            if let Some((tail, help)) = problem(value, parsed.is_like(), parsed.base.ends_with("IgnoreCase")) {
                out.push(
                    RULE.diagnostic(format!("`kms:ViaService` value `{value}` {tail}"))
                        .at(item.span)
                        .help(help)
                        .resource(e.policy.address.clone()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked() {
        for ok in [
            "ec2.us-east-1.amazonaws.com",
            "rds.cn-north-1.amazonaws.com.cn",
            "secretsmanager.us-gov-west-1.amazonaws.com",
        ] {
            assert_eq!(problem(ok, false, false), None, "{ok}");
        }
        for ok in ["ec2.*.amazonaws.com", "*.us-east-1.amazonaws.com", "ec2.*"] {
            assert_eq!(problem(ok, true, false), None, "{ok}");
        }
        assert!(problem("ec2.*.amazonaws.com", false, false).unwrap().0.contains("wildcard"));
        assert!(problem("EC2.us-east-1.amazonaws.com", false, false).unwrap().0.contains("lowercase"));
        assert_eq!(problem("EC2.us-east-1.amazonaws.com", false, true), None);
        assert!(problem("ec2.amazonaws.com", false, false).unwrap().1.contains("ec2.us-east-1.amazonaws.com"));
        assert!(problem("ec2", false, false).unwrap().1.contains("ec2.us-east-1.amazonaws.com"));
        assert!(problem("ec2.us-east.amazonaws.com", false, false).is_some());
        assert!(problem("ec2.us-east-1.amazon.com", false, false).is_some());
    }
}
