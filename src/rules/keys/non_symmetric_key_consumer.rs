//! KMS801 `non-symmetric-key-consumer`.
//!
//! What it does: reports a resource that encrypts data at rest (an EBS volume, an RDS
//! instance, an S3 bucket's default encryption, ...) given a key of the module that is not
//! a symmetric encryption key, directly or through an alias.
//!
//! Why is this bad: AWS services that encrypt data at rest accept only symmetric
//! encryption keys (`SYMMETRIC_DEFAULT` with `ENCRYPT_DECRYPT`); the resource fails to
//! create, after the key was created.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_key" "sign" {
//!   key_spec  = "RSA_2048"
//!   key_usage = "SIGN_VERIFY"
//! }
//! resource "aws_ebs_volume" "data" {
//!   kms_key_id = aws_kms_key.sign.arn # EBS needs a symmetric key
//! }
//! ```

use crate::analysis::{Analysis, KeyInfo};
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{DEFAULT_SPEC, DEFAULT_USAGE, known_usage, referenced_keys, valid_spec, value_span};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS801",
        severity: Severity::Error,
        summary: "a resource that needs a symmetric encryption key uses another kind of key",
        explanation: "A resource that encrypts data at rest (`aws_ebs_volume`, `aws_instance` and `aws_launch_template` block devices, `aws_db_instance`, `aws_rds_cluster`, `aws_efs_file_system`, S3 default encryption, `aws_cloudwatch_log_group`, `aws_secretsmanager_secret`, `aws_sns_topic`, `aws_sqs_queue`, `aws_dynamodb_table`, `aws_cloudtrail`, `aws_lambda_function`, `aws_redshift_cluster`, `aws_kinesis_stream`, `aws_ecr_repository`, ...) refers, directly or through an `aws_kms_alias`, to a key of the module that is asymmetric, HMAC, or not for `ENCRYPT_DECRYPT`.\n\nWhy it matters: these services only work with symmetric encryption keys; the resource fails to create at apply time, after the key already exists.\n\nExample:\n    resource \"aws_kms_key\" \"sign\" { key_spec = \"RSA_2048\" ... }\n    resource \"aws_ebs_volume\" \"data\" { kms_key_id = aws_kms_key.sign.arn ... }\nFix: give the resource a symmetric key (the default `key_spec`), and keep the asymmetric key for signing.",
    },
    name: "non-symmetric-key-consumer",
    check,
};

/// Why a key is not a symmetric encryption key, and where that is declared.
fn problem(key: &KeyInfo) -> Option<(String, Option<crate::source::Span>, &'static str)> {
    let (spec, spec_value) = valid_spec(key)?;
    if spec != DEFAULT_SPEC {
        let label = if spec.starts_with("HMAC_") { "declared as an HMAC key here" } else { "declared asymmetric here" };
        let at = spec_value.and_then(|v| v.span).or_else(|| value_span(key, "key_spec"));
        return Some((format!("is `{spec}`"), at, label));
    }
    let (usage, usage_value) = known_usage(key)?;
    if usage != DEFAULT_USAGE {
        return Some((format!("has key usage `{usage}`"), usage_value.and_then(|v| v.span), "key usage declared here"));
    }
    None
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for u in a.key_uses {
        let key_ref = if u.reference.address.starts_with("aws_kms_alias.") {
            match &u.via_alias {
                Some(t) => t,
                None => continue,
            }
        } else {
            &u.reference
        };
        let Some((key, (what, at, label))) =
            referenced_keys(a, key_ref).into_iter().find_map(|k| problem(k).map(|p| (k, p)))
        else {
            continue;
        };
        let consumer = &u.consumer;
        let message = match &u.via_alias {
            Some(_) if key_ref != &u.reference => format!(
                "`{consumer}` needs a symmetric encryption key, but `{}` targets `{}`, which {what}",
                u.reference.address, key.address
            ),
            _ => format!("`{consumer}` needs a symmetric encryption key, but `{}` {what}", key.address),
        };
        let mut d = RULE.diagnostic(message).at(u.reference.span).label(at, label);
        if key_ref != &u.reference {
            d = d.label(key_ref.span, "the alias targets this key");
        }
        out.push(
            d.help(format!(
                "`{}` of `{}` accepts only `SYMMETRIC_DEFAULT` keys with `ENCRYPT_DECRYPT`; use a symmetric key",
                u.attribute,
                consumer.split('.').next().unwrap_or(consumer)
            ))
            .resource(consumer.clone()),
        );
    }
}
