//! Facts about AWS KMS, as data. The action and condition-key tables are embedded from
//! `data/kms-service-reference.json` (AWS's Service Authorization Reference); the smaller
//! tables below come from `data/AWS-FACTS.md`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// One KMS action.
#[derive(Debug, Deserialize)]
pub struct Action {
    /// `kms:Encrypt`, the documented spelling.
    pub action: String,
    pub access_level: String,
    /// `key*`, `alias*`; empty for account-level actions.
    pub resource_types: Vec<String>,
    pub condition_keys: Vec<String>,
}

impl Action {
    /// Account-level actions (no key resource) do nothing in a key policy.
    pub fn is_account_level(&self) -> bool {
        !self.resource_types.iter().any(|r| r.starts_with("key"))
    }
}

/// The type of a condition key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum KeyType {
    String,
    ArrayOfString,
    Bool,
    Numeric,
    #[serde(rename = "ARN")]
    Arn,
    Date,
}

/// One condition key (`kms:ViaService`, or a pattern `kms:EncryptionContext:${EncryptionContextKey}`).
#[derive(Debug, Deserialize)]
pub struct ConditionKey {
    pub key: String,
    #[serde(rename = "type")]
    pub ty: KeyType,
}

#[derive(Debug, Deserialize)]
struct Reference {
    actions: Vec<Action>,
    condition_keys: Vec<ConditionKey>,
}

/// The embedded tables.
#[derive(Debug)]
pub struct Facts {
    pub actions: Vec<Action>,
    pub condition_keys: Vec<ConditionKey>,
    by_lower: BTreeMap<String, usize>,
    /// The exact (non-pattern) condition keys by lowercase name, sorted: (name, index in
    /// [`Facts::key_at`] order), the first written kept for each name.
    exact_keys: Vec<(String, usize)>,
    /// The pattern keys (`kms:EncryptionContext:${EncryptionContextKey}`) in
    /// [`Facts::key_at`] order: the lowercase text before `${`, and the index.
    pattern_keys: Vec<(String, usize)>,
}

const REFERENCE: &str = include_str!("../data/kms-service-reference.json");

/// The facts, parsed once.
pub fn facts() -> &'static Facts {
    static FACTS: OnceLock<Facts> = OnceLock::new();
    FACTS.get_or_init(|| {
        let r: Reference =
            serde_json::from_str(REFERENCE).unwrap_or(Reference { actions: Vec::new(), condition_keys: Vec::new() });
        let by_lower = r.actions.iter().enumerate().map(|(i, a)| (a.action.to_ascii_lowercase(), i)).collect();
        let keys = r.condition_keys.iter().map(|k| k.key.as_str()).chain(GLOBAL_CONDITION_KEYS.iter().map(|(k, _)| *k));
        let mut exact_keys = Vec::new();
        let mut pattern_keys = Vec::new();
        for (i, k) in keys.enumerate() {
            match k.as_bytes().windows(2).position(|w| w == b"${") {
                Some(at) => pattern_keys.push((k[..at].to_ascii_lowercase(), i)),
                None => exact_keys.push((k.to_ascii_lowercase(), i)),
            }
        }
        // By name, then in order: the first written of a name comes first and stays.
        exact_keys.sort_unstable();
        exact_keys.dedup_by(|b, a| a.0 == b.0);
        Facts { actions: r.actions, condition_keys: r.condition_keys, by_lower, exact_keys, pattern_keys }
    })
}

impl Facts {
    /// The action named `name`, case-insensitively (AWS compares action names so).
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.by_lower.get(&name.to_ascii_lowercase()).map(|&i| &self.actions[i])
    }

    /// Actions matched by an IAM action pattern (`kms:*`, `kms:Re*`, `kms:Get?`), case-insensitively.
    pub fn matching_actions(&self, pattern: &str) -> Vec<&Action> {
        let pattern = pattern.to_ascii_lowercase();
        self.by_lower
            .iter()
            .filter(|(name, _)| wildcard_match(&pattern, name))
            .map(|(_, &i)| &self.actions[i])
            .collect()
    }

    /// The KMS or global condition key `name` refers to, with its type: exact keys first
    /// (case-insensitively), then `${...}` patterns (`kms:EncryptionContext:Department`).
    pub fn condition_key(&self, name: &str) -> Option<(&str, KeyType)> {
        let lower = name.to_ascii_lowercase();
        let i = match self.exact_keys.binary_search_by(|(k, _)| k.as_str().cmp(&lower)) {
            Ok(at) => self.exact_keys[at].1,
            Err(_) => {
                self.pattern_keys
                    .iter()
                    .find(|(prefix, _)| lower.len() > prefix.len() && lower.starts_with(prefix.as_str()))?
                    .1
            }
        };
        Some(self.key_at(i))
    }

    /// The `i`-th condition key: KMS's, then the global ones.
    fn key_at(&self, i: usize) -> (&str, KeyType) {
        match self.condition_keys.get(i) {
            Some(k) => (&k.key, k.ty),
            None => GLOBAL_CONDITION_KEYS[i - self.condition_keys.len()],
        }
    }
}

/// IAM wildcard matching: `*` any run of characters, `?` one character.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        return wildcard_match_units(pattern.as_bytes(), text.as_bytes(), |a, b| a == b);
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    wildcard_match_units(&p, &t, |a, b| a == b)
}

/// [`wildcard_match`] with ASCII letters compared case-insensitively: the same as
/// `wildcard_match(&pattern.to_ascii_lowercase(), &text.to_ascii_lowercase())`.
pub fn wildcard_match_ignore_ascii_case(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        return wildcard_match_units(pattern.as_bytes(), text.as_bytes(), |a: u8, b: u8| a.eq_ignore_ascii_case(&b));
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    wildcard_match_units(&p, &t, |a: char, b: char| a.eq_ignore_ascii_case(&b))
}

fn wildcard_match_units<T: PartialEq + Copy + From<u8>>(p: &[T], t: &[T], eq: impl Fn(T, T) -> bool) -> bool {
    let (star, any) = (T::from(b'*'), T::from(b'?'));
    let (mut pi, mut ti) = (0, 0);
    let (mut last_star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == any || eq(p[pi], t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == star {
            last_star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = last_star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == star {
        pi += 1;
    }
    pi == p.len()
}

/// AWS global condition keys usable in a key policy, with their types.
pub const GLOBAL_CONDITION_KEYS: &[(&str, KeyType)] = &[
    ("aws:PrincipalArn", KeyType::Arn),
    ("aws:PrincipalAccount", KeyType::String),
    ("aws:PrincipalOrgID", KeyType::String),
    ("aws:PrincipalOrgPaths", KeyType::ArrayOfString),
    ("aws:PrincipalTag/${TagKey}", KeyType::String),
    ("aws:PrincipalType", KeyType::String),
    ("aws:PrincipalIsAWSService", KeyType::Bool),
    ("aws:PrincipalServiceName", KeyType::String),
    ("aws:PrincipalServiceNamesList", KeyType::ArrayOfString),
    ("aws:SourceArn", KeyType::Arn),
    ("aws:SourceAccount", KeyType::String),
    ("aws:SourceOrgID", KeyType::String),
    ("aws:SourceOrgPaths", KeyType::ArrayOfString),
    ("aws:SourceVpc", KeyType::String),
    ("aws:SourceVpce", KeyType::String),
    ("aws:SourceIp", KeyType::String),
    ("aws:VpcSourceIp", KeyType::String),
    ("aws:CalledVia", KeyType::ArrayOfString),
    ("aws:CalledViaFirst", KeyType::String),
    ("aws:CalledViaLast", KeyType::String),
    ("aws:ViaAWSService", KeyType::Bool),
    ("aws:SecureTransport", KeyType::Bool),
    ("aws:CurrentTime", KeyType::Date),
    ("aws:EpochTime", KeyType::Numeric),
    ("aws:MultiFactorAuthPresent", KeyType::Bool),
    ("aws:MultiFactorAuthAge", KeyType::Numeric),
    ("aws:RequestedRegion", KeyType::String),
    ("aws:RequestTag/${TagKey}", KeyType::String),
    ("aws:ResourceTag/${TagKey}", KeyType::String),
    ("aws:TagKeys", KeyType::ArrayOfString),
    ("aws:ResourceAccount", KeyType::String),
    ("aws:ResourceOrgID", KeyType::String),
    ("aws:ResourceOrgPaths", KeyType::ArrayOfString),
    ("aws:UserAgent", KeyType::String),
    ("aws:userid", KeyType::String),
    ("aws:username", KeyType::String),
    ("aws:TokenIssueTime", KeyType::Date),
    ("aws:SourceIdentity", KeyType::String),
    ("aws:FederatedProvider", KeyType::String),
    ("aws:Ec2InstanceSourceVpc", KeyType::String),
    ("aws:Ec2InstanceSourcePrivateIPv4", KeyType::String),
];

/// Condition keys that narrow a wildcard principal to known callers.
pub const NARROWING_CONDITION_KEYS: &[&str] = &[
    "kms:CallerAccount",
    "kms:ViaService",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:userid",
    "aws:username",
];

/// AWS partitions.
pub const PARTITIONS: &[&str] =
    &["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

/// Condition operator base names (before `IfExists`, without `ForAllValues:`/`ForAnyValue:`).
pub const CONDITION_OPERATORS: &[(&str, OperatorKind)] = &[
    ("StringEquals", OperatorKind::String),
    ("StringNotEquals", OperatorKind::String),
    ("StringEqualsIgnoreCase", OperatorKind::String),
    ("StringNotEqualsIgnoreCase", OperatorKind::String),
    ("StringLike", OperatorKind::String),
    ("StringNotLike", OperatorKind::String),
    ("NumericEquals", OperatorKind::Numeric),
    ("NumericNotEquals", OperatorKind::Numeric),
    ("NumericLessThan", OperatorKind::Numeric),
    ("NumericLessThanEquals", OperatorKind::Numeric),
    ("NumericGreaterThan", OperatorKind::Numeric),
    ("NumericGreaterThanEquals", OperatorKind::Numeric),
    ("DateEquals", OperatorKind::Date),
    ("DateNotEquals", OperatorKind::Date),
    ("DateLessThan", OperatorKind::Date),
    ("DateLessThanEquals", OperatorKind::Date),
    ("DateGreaterThan", OperatorKind::Date),
    ("DateGreaterThanEquals", OperatorKind::Date),
    ("Bool", OperatorKind::Bool),
    ("BinaryEquals", OperatorKind::Binary),
    ("IpAddress", OperatorKind::Ip),
    ("NotIpAddress", OperatorKind::Ip),
    ("ArnEquals", OperatorKind::Arn),
    ("ArnLike", OperatorKind::Arn),
    ("ArnNotEquals", OperatorKind::Arn),
    ("ArnNotLike", OperatorKind::Arn),
    ("Null", OperatorKind::Null),
];

/// What an operator compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorKind {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// Key specs and the key usages each allows.
pub const KEY_SPECS: &[(&str, &[&str])] = &[
    ("SYMMETRIC_DEFAULT", &["ENCRYPT_DECRYPT"]),
    ("RSA_2048", &["ENCRYPT_DECRYPT", "SIGN_VERIFY"]),
    ("RSA_3072", &["ENCRYPT_DECRYPT", "SIGN_VERIFY"]),
    ("RSA_4096", &["ENCRYPT_DECRYPT", "SIGN_VERIFY"]),
    ("ECC_NIST_P256", &["SIGN_VERIFY", "KEY_AGREEMENT"]),
    ("ECC_NIST_P384", &["SIGN_VERIFY", "KEY_AGREEMENT"]),
    ("ECC_NIST_P521", &["SIGN_VERIFY", "KEY_AGREEMENT"]),
    ("ECC_SECG_P256K1", &["SIGN_VERIFY"]),
    ("ECC_NIST_EDWARDS25519", &["SIGN_VERIFY"]),
    ("HMAC_224", &["GENERATE_VERIFY_MAC"]),
    ("HMAC_256", &["GENERATE_VERIFY_MAC"]),
    ("HMAC_384", &["GENERATE_VERIFY_MAC"]),
    ("HMAC_512", &["GENERATE_VERIFY_MAC"]),
    ("ML_DSA_44", &["SIGN_VERIFY"]),
    ("ML_DSA_65", &["SIGN_VERIFY"]),
    ("ML_DSA_87", &["SIGN_VERIFY"]),
    ("SM2", &["ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT"]),
];

/// Every key usage.
pub const KEY_USAGES: &[&str] = &["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"];

/// Resource attributes that take a KMS key and accept only symmetric encryption keys:
/// (resource type, attribute path; nested blocks separated by `.`).
pub const SYMMETRIC_CONSUMERS: &[(&str, &str)] = &[
    ("aws_ebs_volume", "kms_key_id"),
    ("aws_ebs_default_kms_key", "key_arn"),
    ("aws_instance", "root_block_device.kms_key_id"),
    ("aws_instance", "ebs_block_device.kms_key_id"),
    ("aws_launch_template", "block_device_mappings.ebs.kms_key_id"),
    ("aws_db_instance", "kms_key_id"),
    ("aws_db_instance", "performance_insights_kms_key_id"),
    ("aws_rds_cluster", "kms_key_id"),
    ("aws_efs_file_system", "kms_key_id"),
    (
        "aws_s3_bucket_server_side_encryption_configuration",
        "rule.apply_server_side_encryption_by_default.kms_master_key_id",
    ),
    ("aws_cloudwatch_log_group", "kms_key_id"),
    ("aws_secretsmanager_secret", "kms_key_id"),
    ("aws_sns_topic", "kms_master_key_id"),
    ("aws_sqs_queue", "kms_master_key_id"),
    ("aws_dynamodb_table", "server_side_encryption.kms_key_arn"),
    ("aws_cloudtrail", "kms_key_id"),
    ("aws_lambda_function", "kms_key_arn"),
    ("aws_ebs_snapshot_copy", "kms_key_id"),
    ("aws_redshift_cluster", "kms_key_id"),
    ("aws_elasticache_replication_group", "kms_key_id"),
    ("aws_kinesis_stream", "kms_key_id"),
    ("aws_ecr_repository", "encryption_configuration.kms_key"),
];

/// The policy size limit of KMS, in bytes.
pub const MAX_POLICY_BYTES: usize = 32_768;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load() {
        let f = facts();
        assert_eq!(f.actions.len(), 56);
        assert_eq!(f.condition_keys.len(), 98);
        assert!(f.action("KMS:decrypt").is_some());
        assert!(f.action("kms:CreateKey").unwrap().is_account_level());
        assert!(!f.action("kms:Encrypt").unwrap().is_account_level());
    }

    #[test]
    fn wildcards_match_like_iam() {
        assert!(wildcard_match("kms:re*", "kms:reencryptfrom"));
        assert!(wildcard_match("kms:get?eypolicy", "kms:getkeypolicy"));
        assert!(!wildcard_match("kms:x*", "kms:encrypt"));
        assert_eq!(facts().matching_actions("kms:*").len(), 56);
        assert!(facts().matching_actions("kms:Encrpyt*").is_empty());
    }

    #[test]
    fn condition_keys_resolve_with_patterns() {
        let f = facts();
        assert_eq!(f.condition_key("kms:viaservice").map(|k| k.0), Some("kms:ViaService"));
        assert!(f.condition_key("kms:EncryptionContext:Department").is_some());
        assert_eq!(f.condition_key("aws:PrincipalOrgID").map(|k| k.1), Some(KeyType::String));
        assert!(f.condition_key("kms:Nope").is_none());
    }

    /// The lookup as a linear search: exact keys first (case-insensitively), then patterns.
    fn condition_key_by_search<'f>(f: &'f Facts, name: &str) -> Option<(&'f str, KeyType)> {
        let lower = name.to_ascii_lowercase();
        let all: Vec<(&str, KeyType)> = f
            .condition_keys
            .iter()
            .map(|k| (k.key.as_str(), k.ty))
            .chain(GLOBAL_CONDITION_KEYS.iter().copied())
            .collect();
        if let Some(&(k, t)) = all.iter().find(|(k, _)| !k.contains("${") && k.to_ascii_lowercase() == lower) {
            return Some((k, t));
        }
        all.into_iter().find(|(k, _)| {
            k.split_once("${").is_some_and(|(prefix, _)| {
                lower.len() > prefix.len() && lower.starts_with(&prefix.to_ascii_lowercase())
            })
        })
    }

    #[test]
    fn condition_key_index_finds_what_a_search_finds() {
        let f = facts();
        let mut names: Vec<String> = Vec::new();
        for (k, _) in
            f.condition_keys.iter().map(|k| (k.key.as_str(), k.ty)).chain(GLOBAL_CONDITION_KEYS.iter().copied())
        {
            let filled = k.replace("${", "").replace('}', "");
            for n in [k.to_string(), filled.clone(), k.to_ascii_uppercase(), filled.to_ascii_lowercase()] {
                names.push(n);
            }
            if let Some((prefix, _)) = k.split_once("${") {
                names.push(prefix.to_string());
                names.push(format!("{prefix}x"));
            }
        }
        names.extend(
            ["", "kms:", "aws:", "kms:Nope", "s3:prefix", "aws:PrincipalTag", "kms:EncryptionContext"]
                .map(String::from),
        );
        for n in &names {
            assert_eq!(f.condition_key(n), condition_key_by_search(f, n), "{n}");
        }
    }

    #[test]
    fn case_insensitive_wildcards_match_like_lowercased_ones() {
        let texts = ["kms:PutKeyPolicy", "KMS:putkeypolicy", "kms:Décrypt", "", "a*b", "kms:ß"];
        let patterns =
            ["kms:put*", "KMS:Put*", "*", "kms:p?tkeypolicy", "kms:d?crypt", "kms:d??crypt", "*Policy", "a*b", "", "?"];
        for p in patterns {
            for t in texts {
                assert_eq!(
                    wildcard_match_ignore_ascii_case(p, t),
                    wildcard_match(&p.to_ascii_lowercase(), &t.to_ascii_lowercase()),
                    "{p} {t}"
                );
            }
        }
    }
}
