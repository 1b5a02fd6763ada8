//! Policy forms found in real Terraform: separate key policies, default policies,
//! `count`/`for_each` instances, heredoc JSON. Canonical output and diagnostics are
//! snapshots.

use std::path::Path;
use std::process::{Command, Output};

fn kmsc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kmsc"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/forms"))
        .env("NO_COLOR", "1")
        .output()
        .expect("kmsc runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

#[test]
fn separate_key_policy_and_default_policy() {
    let o = kmsc(&["build", "key_policy.tf"]);
    assert_eq!(o.status.code(), Some(1), "the key with two policies is an error");
    insta::assert_snapshot!("key_policy_stdout", text(&o.stdout));
    insta::assert_snapshot!("key_policy_stderr", text(&o.stderr));
}

#[test]
fn default_policy_takes_the_account_from_set() {
    let o = kmsc(&[
        "build",
        "key_policy.tf",
        "--key",
        "aws_kms_key.plain",
        "--set",
        "data.aws_caller_identity.current.account_id=111122223333",
    ]);
    assert!(text(&o.stdout).contains("\"arn:aws:iam::111122223333:root\""), "{}", text(&o.stdout));
}

#[test]
fn count_and_for_each_expand_into_instances() {
    let o = kmsc(&["build", "instances.tf"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    for address in [
        "aws_kms_key.env[\\\"blue\\\"]",
        "aws_kms_key.env[\\\"green\\\"]",
        "aws_kms_key.shard[0]",
        "aws_kms_key.shard[1]",
    ] {
        assert!(out.contains(address), "{address} missing in\n{out}");
    }
    assert!(!out.contains("aws_kms_key.none"));
    insta::assert_snapshot!("instances", out);
    let o = kmsc(&["build", "instances.tf", "--key", "aws_kms_key.env[\"green\"]", "--emit", "terraform"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("green-admin"));
}

#[test]
fn unknown_count_is_reported_not_guessed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "data \"aws_availability_zones\" \"all\" {}\nresource \"aws_kms_key\" \"k\" {\n  count  = length(data.aws_availability_zones.all.names)\n  policy = \"{}\"\n}\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_kmsc"))
        .args(["build", "main.tf"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stdout), "{}\n");
    assert!(text(&o.stderr).contains("`count` of `aws_kms_key.k` is unknown until apply"), "{}", text(&o.stderr));
}

#[test]
fn heredoc_policy_reports_on_its_own_line() {
    let o = kmsc(&["check", "heredoc.tf", "--format", "json"]);
    let diags: serde_json::Value = serde_json::from_str(&text(&o.stdout)).unwrap();
    let bad = diags
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap_or("").contains("kms:Encrpyt"))
        .expect("the misspelt action is reported");
    assert_eq!(bad["line"], 15);
    assert_eq!(bad["snippet"], "\"kms:Encrpyt\"");
    let o = kmsc(&["check", "heredoc.tf"]);
    insta::assert_snapshot!("heredoc", text(&o.stdout));
}

#[test]
fn local_modules_three_levels_deep_with_for_each_and_outputs() {
    let o = Command::new(env!("CARGO_BIN_EXE_kmsc"))
        .args(["build", "modules"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    // The git module is a warning: its keys are not checked.
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("\"module.tenant[\\\"blue\\\"].module.key.aws_kms_key.this\""), "{out}");
    // `module.roles.admin_arn`, an output of another module, reached the key policy.
    assert!(out.contains("arn:aws:iam::111122223333:role/platform-admin"), "{out}");
    insta::assert_snapshot!("modules_stdout", out);
    insta::assert_snapshot!("modules_stderr", text(&o.stderr));
}

#[test]
fn modules_that_include_each_other_are_reported() {
    let o = Command::new(env!("CARGO_BIN_EXE_kmsc"))
        .args(["check", "cycle"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stdout).contains("error[KMS012]: module `a` includes itself (through `../a`)"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn recursive_mode_finds_root_modules_and_skips_ignored_ones() {
    let dir = tempfile::tempdir().unwrap();
    let key = "resource \"aws_kms_key\" \"k\" {\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Sid = \"Root\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:root\" }, Action = \"kms:*\", Resource = \"*\" }] })\n}\n";
    for sub in ["envs/prod", "envs/dev", "envs/prod/.terraform/modules/x", "vendor/lib", "build"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("main.tf"), key).unwrap();
    }
    std::fs::write(dir.path().join(".gitignore"), "build/\n").unwrap();
    std::fs::write(dir.path().join("vendor/.gitignore"), "lib/\n").unwrap();
    let o =
        Command::new(env!("CARGO_BIN_EXE_kmsc")).args(["build", "-r", "."]).current_dir(dir.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let doc: serde_json::Value = serde_json::from_str(&text(&o.stdout)).unwrap();
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["envs/dev:aws_kms_key.k", "envs/prod:aws_kms_key.k"]);
}

#[test]
fn file_and_templatefile_policies_report_inside_the_file() {
    let o = kmsc(&["check", "files", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let diags: serde_json::Value = serde_json::from_str(&text(&o.stdout)).unwrap();
    let all = diags.as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["code"], "KMS301");
    assert_eq!(all[0]["file"], "files/policy.json.tftpl");
    assert_eq!(all[0]["line"], 15);
    let o = kmsc(&["build", "files", "--key", "aws_kms_key.from_template"]);
    insta::assert_snapshot!("templatefile", text(&o.stdout));
}

/// Hash functions give Terraform's digests (checked against `sha256sum` and friends);
/// `timestamp()` and `uuid()` stay unknown, as Terraform leaves them until apply.
#[test]
fn hash_functions_are_evaluated_and_impure_ones_stay_unknown() {
    let o = kmsc(&["build", "hashes.tf"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    // sha256("payments") starts with df384ae9, sha1 with 40c477.
    assert!(out.contains("\"Sid\": \"Admindf384ae9\""), "{out}");
    assert!(out.contains("role/admin-40c477"), "{out}");
    assert!(out.contains("\"${uuid()}\""), "{out}");
    insta::assert_snapshot!("hashes", out);
    let o = kmsc(&["build", "hashes.tf", "--key", "aws_kms_key.stamped", "--emit", "terraform"]);
    assert_eq!(o.status.code(), Some(1), "the policy is unknown until apply");
    let err = text(&o.stderr);
    assert!(err.contains("it depends on `uuid()`, which is unknown until apply"), "{err}");
    assert!(err.contains("`--set` cannot fix the result of a function"), "{err}");
}

/// `cidrsubnets`, `cidrsubnet`, `cidrhost` and `cidrnetmask` give Terraform's prefixes;
/// a prefix Go's parser refuses is reported at the argument.
#[test]
fn ip_network_functions_are_evaluated() {
    let o = kmsc(&["build", "network.tf"]);
    assert_eq!(o.status.code(), Some(1), "the typo is an error");
    let out = text(&o.stdout);
    for prefix in ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/24", "fd00:fd12:3456:7800:a200::/72"] {
        assert!(out.contains(&format!("\"{prefix}\"")), "{prefix} missing in\n{out}");
    }
    insta::assert_snapshot!("network_stdout", out);
    insta::assert_snapshot!("network_stderr", text(&o.stderr));
    let o = kmsc(&["build", "network.tf", "--key", "aws_kms_key.vpc", "--emit", "terraform"]);
    assert!(text(&o.stdout).contains(r#""aws:VpcSourceIp":["10.20.0.0/20","10.20.16.0/20""#), "{}", text(&o.stdout));
}

/// `timeadd` moves a timestamp in its own offset, as Terraform prints it; `timecmp`
/// compares instants.
#[test]
fn time_functions_are_evaluated() {
    let o = kmsc(&["build", "time.tf"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("\"2026-01-31T09:00:00+01:00\""), "{out}");
    insta::assert_snapshot!("time", out);
}

/// `csvdecode(file(...))` feeds principals from a CSV file (CRLF line ends, a quoted name
/// with a comma).
#[test]
fn principals_from_a_csv_file() {
    let o = kmsc(&["build", "csv", "--key", "aws_kms_key.data", "--emit", "terraform"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        r#"{"Statement":[{"Action":"kms:*","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/alice","arn:aws:iam::111122223333:role/bob"]},"Resource":"*","Sid":"Admins"}],"Version":"2012-10-17"}
"#
    );
}

/// A key whose whole policy is a YAML file read with `yamldecode`: block mappings and
/// sequences, quoted and plain scalars, an anchor; the account number is quoted so that it
/// stays a string (plain, it would be a number, as in Terraform).
#[test]
fn policy_from_a_yaml_file() {
    let o = kmsc(&["build", "yaml", "--key", "aws_kms_key.data", "--emit", "terraform"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        r#"{"Statement":[{"Action":"kms:*","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Resource":"*","Sid":"EnableRootAccess"},{"Action":["kms:Encrypt","kms:Decrypt","kms:GenerateDataKey*"],"Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"s3.eu-west-1.amazonaws.com"}},"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/app","arn:aws:iam::111122223333:role/batch"]},"Resource":"*","Sid":"AllowUseByApp"}],"Version":"2012-10-17"}
"#
    );
}

#[test]
fn unused_locals_and_documents_are_evaluated_as_terraform_does() {
    let o = kmsc(&["check", "unused"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    insta::assert_snapshot!("unused_check", text(&o.stdout));
    // The key's own policy still builds.
    let o = kmsc(&["build", "unused", "--key", "aws_kms_key.data", "--emit", "terraform"]);
    assert!(text(&o.stdout).contains("arn:aws:iam::111122223333:root"), "{}", text(&o.stdout));
}

/// JSON decoded with `jsondecode` (YAML with `yamldecode`) from a file, a heredoc or a quoted
/// string keeps the place of every value: a finding or a syntax error is shown at its own
/// line and column in the text (escapes and interpolations skipped), not on the whole call.
#[test]
fn findings_in_decoded_json_point_into_the_json_text() {
    let o = kmsc(&["check", "decoded"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("--> decoded/policy.json:15:18"), "{out}");
    assert!(out.contains("--> decoded/main.tf:44:64"), "{out}");
    // YAML too, past the file's non-ASCII comment.
    assert!(out.contains("--> decoded/policy.yaml:13:27"), "{out}");
    insta::assert_snapshot!("decoded_check", out);
}

/// `fileset` lists the module's files as Terraform does (relative to the path, `/`
/// separators, sorted, only regular files matching the pattern) and each listed file can be
/// read with `file`: one key per policy file, findings shown in the files. A pattern that
/// is not a literal is reported, not guessed.
#[test]
fn one_key_per_policy_file_listed_by_fileset() {
    let o = kmsc(&["check", "fileset"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("--> fileset/policies/team/data.json:5:118"), "{out}");
    insta::assert_snapshot!("fileset_check", out);
    let o = kmsc(&["build", "fileset", "--emit", "terraform", "--key", "aws_kms_key.team[\"policies-admin\"]"]);
    assert_eq!(
        text(&o.stdout),
        r#"{"Statement":[{"Action":"kms:*","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Resource":"*","Sid":"Root"}],"Version":"2012-10-17"}
"#
    );
    // Three keys: README.md is not listed, nor the directory `team` itself.
    let o = kmsc(&["build", "fileset"]);
    let out = text(&o.stdout);
    assert_eq!(out.matches("\"aws_kms_key.team[").count(), 3, "{out}");
}

/// A module that hashes a Lambda archive in its locals and reads its key policy from a file
/// when it exists: Terraform evaluates it without error, so kmsc reports nothing, and the
/// digests are Terraform's (`md5sum`, `sha256sum | base64` of the archive).
#[test]
fn file_digests_and_fileexists_evaluate_as_in_terraform() {
    let o = kmsc(&["check", "lambda"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert_eq!(text(&o.stdout), "");
    let o = kmsc(&["build", "lambda", "--emit", "terraform", "--key", "aws_kms_key.tags"]);
    assert_eq!(
        text(&o.stdout),
        r#"{"Statement":[{"Action":"kms:*","Condition":{"StringEquals":{"aws:PrincipalTag/archive":["37eda409e93a27068f66474a295e1772","+XCUN8Hk2ziupD059m6b9GBDmNLd9g3TjfQ2jeGzX80=","UEsDBP8A"],"aws:PrincipalTag/policy":"false"}},"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Resource":"*","Sid":"Root"}],"Version":"2012-10-17"}
"#
    );
    let o = kmsc(&["build", "lambda", "--emit", "terraform", "--key", "aws_kms_key.lambda"]);
    assert!(text(&o.stdout).contains("\"Sid\": \"FromFile\""), "{}", text(&o.stdout));
    // `abspath` from the module's directory, cleaned.
    let dir = std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/forms/lambda")).unwrap();
    let dir = dir.to_string_lossy();
    let o = kmsc(&["build", "lambda", "--emit", "terraform", "--key", "aws_kms_key.dir"]);
    assert!(text(&o.stdout).contains(&format!(r#"["{dir}","{dir}/b"]"#)), "{}", text(&o.stdout));
    // In a child module: `path.module` is its directory from the root module's, where
    // Terraform runs (`path.cwd`, absolute), and a relative path is read from there.
    let o = kmsc(&["build", "lambda", "--emit", "terraform", "--key", "module.dir.aws_kms_key.child"]);
    assert!(
        text(&o.stdout).contains(&format!(
            r#"["{dir}/modules/dir","{dir}","modules/dir",".","37eda409e93a27068f66474a295e1772"]"#
        )),
        "{}",
        text(&o.stdout)
    );
}

/// Templates kept in strings and rendered with `templatestring`: principals rendered from
/// a heredoc, a `%{ for }` template and a map of templates are Terraform's strings (and a
/// template file that is one interpolation gives its list unconverted); a
/// placeholder left in a template is shown in the template's own text; a finding on a
/// string rendered from a sensitive variable never shows it.
#[test]
fn templatestring_renders_templates_kept_in_strings() {
    let o = kmsc(&["check", "templatestring"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("--> templatestring/main.tf:21:29"), "{out}");
    assert!(!out.contains("break-glass"), "{out}");
    insta::assert_snapshot!("templatestring_check", out);
    let o = kmsc(&["build", "templatestring", "--emit", "terraform", "--key", "aws_kms_key.app"]);
    assert_eq!(
        text(&o.stdout),
        r#"{"Statement":[{"Action":"kms:*","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Resource":"*","Sid":"Root"},{"Action":["kms:Decrypt","kms:GenerateDataKey"],"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/app","arn:aws:iam::111122223333:role/reader","arn:aws:iam::111122223333:role/auditor","arn:aws:iam::111122223333:user/deploy","arn:aws:iam::111122223333:role/ops","arn:aws:iam::111122223333:role/sre"]},"Resource":"*","Sid":"Use"}],"Version":"2012-10-17"}
"#
    );
}

/// Every way Terraform refuses a template call: a template written in place, a value that
/// is not a string, a reference to a variable not given (even in a branch not taken), a
/// variable name that is not an identifier, a result that is not a string, a template
/// calling a template function or (in
/// `templatestring`) reading a file, a syntax error shown in the template's text, and a
/// template file referring to `var.`.
#[test]
fn template_calls_terraform_refuses_are_reported() {
    let o = kmsc(&["check", "template_errors"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert_eq!(out.matches("error[").count(), 13, "{out}");
    assert!(out.contains("--> template_errors/principal.tftpl:1:16"), "{out}");
    insta::assert_snapshot!("template_errors_check", out);
}
