//! KMS202 `malformed-principal-arn`.
//!
//! What it does: reports an `AWS` principal that is neither `*`, a 12-digit account ID nor
//! a valid IAM or STS ARN (`arn:<partition>:iam::<12 digits>:root|user/...|role/...`,
//! `arn:<partition>:sts::<12 digits>:assumed-role/...|federated-user/...`), and a
//! `Federated` ARN that does not name a SAML or OIDC provider: unknown partition, another
//! service, a region, an account that is not 12 digits, an IAM group (groups cannot be
//! principals), an unknown resource type, or a wildcard inside the ARN. Placeholders are
//! left to `placeholder-account`.
//!
//! Why is this bad: AWS rejects the policy (MalformedPolicyDocumentException: invalid
//! principals) and the apply fails.
//!
//! Example:
//! ```hcl
//! Principal = { AWS = "arn:aws:iam::111122223333:group/admins" } # groups are not principals
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::facts::PARTITIONS;
use crate::rules::util::did_you_mean;
use crate::rules::{Ctx, Rule};

use super::{identifiers, is_account_id, narrow, parse_arn};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS202",
        severity: Severity::Error,
        summary: "principal is not a valid account ID or IAM ARN",
        explanation: "An `AWS` principal must be `*`, a 12-digit account ID, or an IAM or STS ARN: `arn:<partition>:iam::<account>:root`, `...:user/<name>`, `...:role/<name>`, `arn:<partition>:sts::<account>:assumed-role/<role>/<session>` or `...:federated-user/<name>`, with a known partition (`aws`, `aws-cn`, `aws-us-gov`, ...), an empty region and no wildcard. A `Federated` ARN names a SAML or OIDC provider (`arn:aws:iam::<account>:saml-provider/<name>`). IAM groups cannot be principals.\n\nWhy it matters: AWS rejects the policy with MalformedPolicyDocumentException (invalid principals) and the apply fails.\n\nExample:\n    Principal = { AWS = \"arn:aws:iam::111122223333:group/admins\" }\nFix: name the users or a role (or grant the group through an IAM policy):\n    Principal = { AWS = \"arn:aws:iam::111122223333:role/admins\" }",
    },
    name: "malformed-principal-arn",
    check,
};

/// A problem: message, help, and the part of the identifier to point at.
struct Problem {
    message: String,
    help: String,
    part: String,
}

fn problem(message: String, help: impl Into<String>, part: &str) -> Option<Problem> {
    Some(Problem { message, help: help.into(), part: part.to_string() })
}

const PRINCIPAL_FORMS: &str = "a principal ARN ends in `root`, `user/<name>` or `role/<name>` (service `iam`), or `assumed-role/<role>/<session>` or `federated-user/<name>` (service `sts`)";

/// What is wrong with a known identifier of kind `kind` (`AWS` or `Federated`).
fn check_id(id: &str, kind: &str) -> Option<Problem> {
    if kind == "Federated" && !id.starts_with("arn:") {
        return None; // `cognito-identity.amazonaws.com`, `accounts.google.com`, ...
    }
    if id == "*" || is_account_id(id) {
        return None;
    }
    if !id.starts_with("arn:") {
        if id.ends_with(".amazonaws.com") || id.ends_with(".amazonaws.com.cn") {
            return problem(
                format!("`{id}` is a service principal, not an account or IAM ARN"),
                format!("move it under `Service`: `Service = \"{id}\"`"),
                id,
            );
        }
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit() || b == b'-') && id.bytes().any(|b| b == b'-') {
            let digits: String = id.chars().filter(char::is_ascii_digit).collect();
            if is_account_id(&digits) {
                return problem(
                    format!("account ID `{id}` has dashes"),
                    format!("write it without dashes: `{digits}`"),
                    id,
                );
            }
        }
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
            return problem(
                format!("account ID `{id}` does not have 12 digits"),
                "an account ID has exactly 12 digits; written as a number it loses its leading zeros, so quote it",
                id,
            );
        }
        return problem(
            format!("`{id}` is neither a 12-digit account ID nor an IAM ARN"),
            "write the account ID or an ARN such as `arn:aws:iam::111122223333:role/name`",
            id,
        );
    }
    let Some(arn) = parse_arn(id) else {
        return problem(
            format!("principal `{id}` is not a valid ARN"),
            "an IAM ARN has six fields: `arn:<partition>:iam::<account>:<resource>`, such as `arn:aws:iam::111122223333:role/name`",
            id,
        );
    };
    if !PARTITIONS.contains(&arn.partition) {
        let help = match did_you_mean(arn.partition, PARTITIONS.iter().copied()) {
            Some(p) => format!("did you mean `{p}`?"),
            None => {
                format!("partitions are {}", PARTITIONS.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "))
            }
        };
        return problem(format!("unknown partition `{}` in principal ARN `{id}`", arn.partition), help, arn.partition);
    }
    if arn.service != "iam" && arn.service != "sts" {
        return problem(
            format!("principal ARN `{id}` names the service `{}`, not `iam` or `sts`", arn.service),
            "a principal is an IAM identity, such as `arn:aws:iam::111122223333:role/name`; to grant a service, write `Service = \"<service>.amazonaws.com\"`",
            arn.service,
        );
    }
    if !arn.region.is_empty() {
        let fixed = format!("arn:{}:{}::{}:{}", arn.partition, arn.service, arn.account, arn.resource);
        return problem(
            format!("principal ARN `{id}` has the region `{}`: IAM ARNs have none", arn.region),
            format!("leave the region field empty: `{fixed}`"),
            arn.region,
        );
    }
    if !is_account_id(arn.account) {
        let digits: String = arn.account.chars().filter(char::is_ascii_digit).collect();
        let help = if arn.account.contains('-') && is_account_id(&digits) {
            format!("write the account ID without dashes: `{digits}`")
        } else if arn.account.contains(['*', '?']) {
            "wildcards are not allowed in principal ARNs; use `*` with a condition on `aws:PrincipalAccount` or `aws:PrincipalOrgID`".to_string()
        } else {
            "an account ID has exactly 12 digits".to_string()
        };
        return problem(
            format!("principal ARN `{id}` has the account `{}`, not 12 digits", arn.account),
            help,
            arn.account,
        );
    }
    let (kind_name, rest) = arn.resource.split_once('/').unwrap_or((arn.resource, ""));
    let valid: &[(&str, &str)] = if kind == "Federated" {
        &[("saml-provider", "iam"), ("oidc-provider", "iam")]
    } else {
        &[("root", "iam"), ("user", "iam"), ("role", "iam"), ("assumed-role", "sts"), ("federated-user", "sts")]
    };
    if kind_name == "group" && kind == "AWS" {
        return problem(
            format!("IAM groups cannot be principals: `{id}`"),
            "name the users or a role instead, or grant the group through an IAM policy attached to it",
            arn.resource,
        );
    }
    if kind == "AWS" && (kind_name == "saml-provider" || kind_name == "oidc-provider") {
        return problem(
            format!("`{id}` is an identity provider, not an AWS principal"),
            format!("move it under `Federated`: `Federated = \"{id}\"`"),
            arn.resource,
        );
    }
    let Some((_, service)) = valid.iter().find(|(k, _)| *k == kind_name) else {
        let help = if kind == "Federated" {
            "a federated principal ARN names a SAML or OIDC provider: `arn:aws:iam::<account>:saml-provider/<name>`"
                .to_string()
        } else {
            PRINCIPAL_FORMS.to_string()
        };
        return problem(format!("unknown resource type `{kind_name}` in principal ARN `{id}`"), help, arn.resource);
    };
    if arn.service != *service {
        let fixed = format!("arn:{}:{service}::{}:{}", arn.partition, arn.account, arn.resource);
        return problem(
            format!("`{kind_name}` principals belong to the service `{service}`, not `{}`", arn.service),
            format!("write `{fixed}`"),
            arn.service,
        );
    }
    if kind_name == "root" {
        return None;
    }
    if rest.is_empty() || rest.ends_with('/') {
        return problem(
            format!("principal ARN `{id}` has no name after `{kind_name}/`"),
            PRINCIPAL_FORMS,
            arn.resource,
        );
    }
    if rest.contains(['*', '?']) {
        return problem(
            format!("principal ARN `{id}` has a wildcard: only a whole `*` is allowed"),
            "name the principals, or use `*` with a condition such as `ArnLike = { \"aws:PrincipalArn\" = \"...\" }`",
            rest,
        );
    }
    None
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for p in identifiers(a) {
        let kind = p.kind.as_str();
        if kind != "AWS" && kind != "Federated" {
            continue;
        }
        let Some(id) = p.id.as_known() else { continue };
        if p.placeholder.is_some() {
            continue;
        }
        if let Some(pr) = check_id(id, kind) {
            out.push(
                RULE.diagnostic(pr.message)
                    .at(narrow(a.sources, p.id.span, &pr.part))
                    .help(pr.help)
                    .resource(p.policy.address.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: &str, kind: &str) -> Option<String> {
        check_id(id, kind).map(|p| p.message)
    }

    #[test]
    fn valid_principals_pass() {
        for id in [
            "*",
            "111122223333",
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::111122223333:role/path/app",
            "arn:aws-cn:iam::111122223333:role/app",
            "arn:aws:sts::111122223333:assumed-role/app/session",
            "arn:aws:sts::111122223333:federated-user/bob",
        ] {
            assert_eq!(msg(id, "AWS"), None, "{id}");
        }
        assert_eq!(msg("arn:aws:iam::111122223333:saml-provider/corp", "Federated"), None);
        assert_eq!(msg("cognito-identity.amazonaws.com", "Federated"), None);
    }

    #[test]
    fn malformed_principals_are_reported() {
        let cases = [
            ("arn:aws:iam::111122223333:group/admins", "groups"),
            ("arn:awz:iam::111122223333:root", "partition"),
            ("arn:aws:s3:::bucket", "service"),
            ("arn:aws:iam:us-east-1:111122223333:root", "region"),
            ("arn:aws:iam::11112222333:root", "12 digits"),
            ("arn:aws:iam::1111-2222-3333:root", "12 digits"),
            ("arn:aws:iam::111122223333:instance/x", "resource type"),
            ("arn:aws:iam::111122223333:assumed-role/x/y", "`sts`"),
            ("arn:aws:iam::111122223333:role/*", "wildcard"),
            ("arn:aws:iam::111122223333:role/", "no name"),
            ("arn:aws:iam::111122223333", "not a valid ARN"),
            ("logs.amazonaws.com", "service principal"),
            ("11112222333", "12 digits"),
            ("1111-2222-3333", "dashes"),
            ("admin", "neither"),
            ("arn:aws:iam::111122223333:saml-provider/corp", "identity provider"),
        ];
        for (id, part) in cases {
            let m = msg(id, "AWS").unwrap_or_else(|| panic!("{id} passes"));
            assert!(m.contains(part), "{id}: {m}");
        }
        assert!(msg("arn:aws:iam::111122223333:role/x", "Federated").is_some());
    }
}
