//! KMS201 `placeholder-account`.
//!
//! What it does: reports a principal that still holds a placeholder copied from
//! documentation or a tutorial: text in brackets (`[ACCOUNT_ID]`, `<account-id>`,
//! `【アカウントID】`, `［...］`), non-ASCII text anywhere in the identifier, AWS's
//! documentation account `123456789012`, `xxxxxxxxxxxx`, or words such as `ACCOUNT_ID`,
//! `AccountId`, `account-id` where the account ID belongs.
//!
//! Why is this bad: AWS rejects a policy naming a principal that does not exist
//! (MalformedPolicyDocumentException: "Policy contains a statement with one or more
//! invalid principals"), so the key cannot be created; `123456789012` is worse: it may be
//! accepted as some stranger's account.
//!
//! Example:
//! ```hcl
//! Principal = { AWS = "arn:aws:iam::[アカウントID]:root" } # the account ID was never filled in
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{identifiers, narrow};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS201",
        severity: Severity::Error,
        summary: "principal holds a placeholder instead of an account ID or name",
        explanation: "A `Principal` or `NotPrincipal` identifier still holds a placeholder from documentation or a tutorial: text in brackets (`[ACCOUNT_ID]`, `<account-id>`, `【アカウントID】`, `［...］`), non-ASCII text (IAM names and ARNs are ASCII), AWS's documentation account `123456789012`, `xxxxxxxxxxxx`, or a word such as `ACCOUNT_ID`, `AccountId` or `account-id` where the account ID belongs.\n\nWhy it matters: AWS rejects a key policy naming a principal that does not exist (MalformedPolicyDocumentException: invalid principals), so the apply fails; the example account `123456789012` may even be accepted and grant access to someone else's account.\n\nExample:\n    Principal = { AWS = \"arn:aws:iam::[アカウントID]:root\" }\nFix: write the 12-digit account ID, or take it from the account Terraform runs in:\n    data \"aws_caller_identity\" \"current\" {}\n    Principal = { AWS = \"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root\" }",
    },
    name: "placeholder-account",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for p in identifiers(a) {
        let kind = p.kind.as_str();
        let Some(found) = &p.placeholder else {
            continue;
        };
        let text = p.id.render();
        let is_arn = text.starts_with("arn:");
        let subject = match (kind, is_arn) {
            ("Service", _) => "service principal",
            (_, true) => "principal ARN",
            _ => "principal",
        };
        let message = if found.example_account {
            format!(
                "{subject} holds `123456789012`, the example account ID of AWS's documentation, instead of a real account ID"
            )
        } else if found.in_account {
            format!("{subject} holds the placeholder `{}` instead of a 12-digit account ID", found.text)
        } else {
            let what = match text.rsplit(':').next().and_then(|r| r.split_once('/')).map(|(t, _)| t) {
                Some("user") => "a user name",
                Some("role") => "a role name",
                _ => "a real value",
            };
            format!("{subject} holds the placeholder `{}` instead of {what}", found.text)
        };
        let help = if found.in_account {
            let example = if is_arn && p.id.is_known() {
                text.replacen(&found.text, "${data.aws_caller_identity.current.account_id}", 1)
            } else {
                "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root".to_string()
            };
            format!(
                "replace it with the account ID, or with `data.aws_caller_identity.current.account_id` for the account Terraform runs in: `\"{example}\"`"
            )
        } else {
            "replace the placeholder with the actual name".to_string()
        };
        out.push(
            RULE.diagnostic(message)
                .at(narrow(a.sources, p.id.span, &found.text))
                .help(help)
                .resource(p.policy.address.clone()),
        );
    }
}
