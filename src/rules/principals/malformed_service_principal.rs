//! KMS203 `malformed-service-principal`.
//!
//! What it does: reports a `Service` principal that is not a lowercase service name
//! ending in `.amazonaws.com` (or `.amazonaws.com.cn`): an ARN, uppercase letters, a bare
//! service name (`logs`), another domain.
//!
//! Why is this bad: AWS rejects the policy (MalformedPolicyDocumentException: invalid
//! principals), or the service never matches and cannot use the key.
//!
//! Example:
//! ```hcl
//! Principal = { Service = "Logs.amazonaws.com" } # logs.amazonaws.com
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::identifiers;

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS203",
        severity: Severity::Error,
        summary: "malformed service principal",
        explanation: "A `Service` principal must be the service's name in lowercase, ending in `.amazonaws.com` (`.amazonaws.com.cn` in China), such as `logs.amazonaws.com` or `logs.us-east-1.amazonaws.com`. An ARN belongs under `AWS`.\n\nWhy it matters: AWS rejects the policy with MalformedPolicyDocumentException (invalid principals), or the service never matches and cannot use the key.\n\nExample:\n    Principal = { Service = \"Logs.amazonaws.com\" }\nFix:\n    Principal = { Service = \"logs.amazonaws.com\" }",
    },
    name: "malformed-service-principal",
    check,
};

/// What is wrong with a service principal, as (message, help).
fn problem(id: &str) -> Option<(String, String)> {
    if id == "*" {
        return None;
    }
    if id.starts_with("arn:") {
        return Some((
            format!("service principal `{id}` is an ARN"),
            "an ARN names an IAM principal: move it under `AWS`; a service principal looks like `logs.amazonaws.com`"
                .to_string(),
        ));
    }
    let lower = id.to_ascii_lowercase();
    if lower != id {
        return Some((format!("service principal `{id}` is not lowercase"), format!("write `{lower}`")));
    }
    let valid_chars = id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    let head = [".amazonaws.com", ".amazonaws.com.cn"].iter().find_map(|s| id.strip_suffix(s));
    match head {
        Some(h) if valid_chars && !h.is_empty() && !h.starts_with('.') && !h.contains("..") => None,
        Some(_) => Some((
            format!("service principal `{id}` is not a service name"),
            "a service principal is `<service>.amazonaws.com`, such as `logs.amazonaws.com`".to_string(),
        )),
        None => {
            let help = if valid_chars && !id.is_empty() && !id.contains('.') {
                format!("did you mean `{id}.amazonaws.com`?")
            } else if let Some(service) =
                id.strip_suffix(".amazon.com").or_else(|| id.strip_suffix(".aws.amazon.com")).filter(|_| valid_chars)
            {
                format!("did you mean `{service}.amazonaws.com`?")
            } else {
                "a service principal is `<service>.amazonaws.com`, such as `logs.amazonaws.com`".to_string()
            };
            Some((format!("service principal `{id}` does not end in `.amazonaws.com`"), help))
        }
    }
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for p in identifiers(a) {
        if p.kind.as_str() != "Service" {
            continue;
        }
        let Some(id) = p.id.as_known() else { continue };
        if p.placeholder.is_some() {
            continue;
        }
        if let Some((message, help)) = problem(id) {
            out.push(RULE.diagnostic(message).at(p.id.span).help(help).resource(p.policy.address.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_principals_are_checked() {
        for ok in [
            "logs.amazonaws.com",
            "logs.us-east-1.amazonaws.com",
            "delivery.logs.amazonaws.com",
            "ec2.amazonaws.com.cn",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        assert!(problem("Logs.amazonaws.com").unwrap().1.contains("logs.amazonaws.com"));
        assert!(problem("logs").unwrap().1.contains("logs.amazonaws.com"));
        assert!(problem("logs.amazon.com").unwrap().1.contains("logs.amazonaws.com"));
        assert!(problem("arn:aws:iam::111122223333:role/x").unwrap().0.contains("ARN"));
        assert!(problem(".amazonaws.com").is_some());
        assert!(problem("logs amazonaws.com").is_some());
    }
}
