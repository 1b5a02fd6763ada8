//! `kmsc diff` and `kmsc access` as users and scripts see them.

use std::path::Path;
use std::process::{Command, Output};

fn kmsc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kmsc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("TF_VAR_name")
        .output()
        .expect("kmsc runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A key policy in the usual layout.
const ORIGINAL: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Root",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
      "Action": "kms:*",
      "Resource": "*"
    },
    {
      "Sid": "Use",
      "Effect": "Allow",
      "Principal": {"AWS": ["arn:aws:iam::111122223333:role/app"]},
      "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
      "Resource": "*"
    },
    {
      "Sid": "Grants",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"},
      "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      "Resource": "*",
      "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}
    }
  ]
}"#;

/// The same policy written differently: statement order, a string for a list of one,
/// duplicates, the account ID for its root ARN, `true` for `"true"`, action case.
const REWRITTEN: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Grants",
      "Effect": "Allow",
      "Principal": {"AWS": ["arn:aws:iam::111122223333:role/app", "arn:aws:iam::111122223333:role/app"]},
      "Action": ["kms:RevokeGrant", "kms:listgrants", "kms:CreateGrant"],
      "Resource": ["*"],
      "Condition": {"Bool": {"kms:GrantIsForAWSResource": true}}
    },
    {
      "Sid": "Use",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"},
      "Action": ["kms:GenerateDataKey*", "kms:Decrypt", "kms:Encrypt", "kms:Decrypt"],
      "Resource": "*"
    },
    {
      "Sid": "Root",
      "Effect": "Allow",
      "Principal": {"AWS": "111122223333"},
      "Action": ["kms:*"],
      "Resource": "*"
    },
    {
      "Sid": "Root",
      "Effect": "Allow",
      "Principal": {"AWS": ["111122223333"]},
      "Action": "kms:*",
      "Resource": "*"
    }
  ]
}"#;

fn files(pairs: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in pairs {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn policies_written_differently_are_equivalent() {
    let dir = files(&[("old.json", ORIGINAL), ("new.json", REWRITTEN)]);
    let o = kmsc(dir.path(), &["diff", "old.json", "new.json"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "policies are equivalent\n");
    assert_eq!(stderr(&o), "");
    let o = kmsc(dir.path(), &["diff", "old.json", "new.json", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["equivalent"], true);
    assert_eq!(report["keys"][0]["status"], "equivalent");
}

/// Terraform's `true` and a JSON file's `"true"`, an account ID and its root ARN: one
/// meaning across the two kinds of input.
#[test]
fn terraform_and_json_compare_by_meaning() {
    let tf = r#"
resource "aws_kms_key" "k" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Grants", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:role/app" },
        Action = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], Resource = "*",
        Condition = { Bool = { "kms:GrantIsForAWSResource" = true } } },
      { Sid = "Use", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:role/app" },
        Action = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"], Resource = "*" },
      { Sid = "Root", Effect = "Allow", Principal = { AWS = "111122223333" }, Action = "kms:*", Resource = "*" },
    ]
  })
}
"#;
    let dir = files(&[("old.json", ORIGINAL), ("mod/main.tf", tf)]);
    let o = kmsc(dir.path(), &["diff", "old.json", "mod"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "aws_kms_key.k: policies are equivalent\n");
}

#[test]
fn granting_decrypt_to_a_new_role_is_a_difference() {
    let reporting = r#"    {
      "Sid": "Reporting",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:role/reporting"},
      "Action": "kms:Decrypt",
      "Resource": "*"
    },
"#;
    let grants = "    {\n      \"Sid\": \"Grants\"";
    let new = ORIGINAL.replacen(grants, &format!("{reporting}{grants}"), 1);
    assert_ne!(new, ORIGINAL);
    let dir = files(&[("old.json", ORIGINAL), ("new.json", &new)]);
    let o = kmsc(dir.path(), &["diff", "old.json", "new.json"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("arn:aws:iam::111122223333:role/reporting"), "{out}");
    assert!(out.contains("+ kms:Decrypt"), "{out}");
    insta::assert_snapshot!(out);
    let o = kmsc(dir.path(), &["diff", "old.json", "new.json", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["equivalent"], false);
    let access = &report["keys"][0]["access"];
    assert_eq!(access.as_array().unwrap().len(), 1, "{access:#}");
    assert_eq!(access[0]["principal"], "arn:aws:iam::111122223333:role/reporting");
    assert_eq!(access[0]["gained"], serde_json::json!(["kms:Decrypt"]));
    assert_eq!(report["keys"][0]["statements"]["added"][0]["Sid"], "Reporting");
}

#[test]
fn golden_directory_against_terraform() {
    let dir = tempfile::tempdir().unwrap();
    let golden = dir.path().join("golden");
    let golden = golden.to_str().unwrap();
    let o = kmsc(repo(), &["build", "examples/wordpress", "--out-dir", golden]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = kmsc(repo(), &["diff", golden, "examples/wordpress"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "aws_kms_key.wordpress: policies are equivalent\n");

    // The module with one more key user: the new role gains the use of the key.
    let module = dir.path().join("wordpress");
    std::fs::create_dir(&module).unwrap();
    for f in ["main.tf", "variables.tf", "terraform.tfvars"] {
        std::fs::copy(repo().join("examples/wordpress").join(f), module.join(f)).unwrap();
    }
    let tfvars = module.join("terraform.tfvars");
    let mut vars = std::fs::read_to_string(&tfvars).unwrap();
    vars.push_str("extra_key_users = [\"arn:aws:iam::111122223333:role/batch\"]\n");
    std::fs::write(&tfvars, vars).unwrap();
    let o = kmsc(repo(), &["diff", golden, module.to_str().unwrap(), "--key", "aws_kms_key.wordpress"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn access_lists_every_principal_of_the_example() {
    let o = kmsc(repo(), &["access", "examples/wordpress"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    insta::assert_snapshot!(stdout(&o));
    let o = kmsc(repo(), &["access", "examples/wordpress", "--key", "aws_kms_key.wordpress", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let principals = doc["aws_kms_key.wordpress"]["principals"].as_array().unwrap();
    let names: Vec<&str> = principals.iter().map(|p| p["principal"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root",
            "arn:aws:iam::111122223333:role/KeyAdministrator",
            "arn:aws:iam::111122223333:role/wordpress-web",
        ]
    );
    assert_eq!(principals[0]["all_actions"], true);
    assert_eq!(principals[0]["actions"].as_array().unwrap().len(), 56);
    let web = &principals[2];
    assert_eq!(
        web["conditional"][0]["actions"],
        serde_json::json!(["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"])
    );
    assert_eq!(
        web["conditional"][0]["when"]["Condition"]["Bool"]["kms:GrantIsForAWSResource"],
        serde_json::json!(["true"])
    );
}

#[test]
fn access_subtracts_denies_and_lists_caveats() {
    let policy = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:*", "Resource": "*"},
    {"Sid": "Ops", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ops"}, "NotAction": "kms:Decrypt", "Resource": "*"},
    {"Sid": "NoDeletion", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ops"}, "Action": "kms:ScheduleKeyDeletion", "Resource": "*"},
    {"Sid": "Org", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}}}
  ]
}"#;
    let dir = files(&[("p.json", policy)]);
    let o = kmsc(dir.path(), &["access", "p.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn unreadable_inputs_exit_2() {
    let dir =
        files(&[("ok.json", ORIGINAL), ("bad.json", "{\"Statement\": ["), ("set.json", "{\"a\": {}, \"b\": {}}")]);
    for args in [
        &["diff", "ok.json", "missing.json"][..],
        &["diff", "bad.json", "ok.json"],
        &["diff", "ok.json", "set.json"],
        &["diff", "set.json", "set.json", "--key", "c"],
        &["access", "missing"],
        &["access", "bad.json"],
    ] {
        let o = kmsc(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}{}", stdout(&o), stderr(&o));
        assert!(stderr(&o).starts_with("kmsc: error: "), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), "", "{args:?}");
    }
    let o = kmsc(dir.path(), &["diff", "ok.json", "set.json"]);
    assert_eq!(
        stderr(&o),
        "kmsc: error: `ok.json` is one policy but `set.json` has 2; choose one with `--key ADDRESS`\n"
    );
}

/// `diff` and `access` take the values `build` and `check` take: `--var`, `--var-file`
/// (in order), `--set` and `TF_VAR_` variables, for a side given as Terraform.
#[test]
fn variables_and_set_values_reach_diff_and_access() {
    let tf = r#"variable "reader" {
  type = string
}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "k" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Root", Effect = "Allow", Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" },
        Action = "kms:*", Resource = "*" },
      { Sid = "Read", Effect = "Allow", Principal = { AWS = var.reader }, Action = "kms:Decrypt", Resource = "*" },
    ]
  })
}
"#;
    let expected = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
    {"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"}, "Action": "kms:Decrypt", "Resource": "*"}
  ]
}"#;
    let dir = files(&[
        ("mod/main.tf", tf),
        ("expected.json", expected),
        ("other.json", ORIGINAL),
        ("reader.tfvars", "reader = \"arn:aws:iam::111122223333:role/reader\"\n"),
        ("wrong.tfvars", "reader = \"arn:aws:iam::111122223333:role/wrong\"\n"),
    ]);
    let account = "data.aws_caller_identity.current.account_id=111122223333";

    // Without values the reader is unknown: the module is not the expected policy.
    let o = kmsc(dir.path(), &["access", "mod"]);
    assert!(!stdout(&o).contains("role/reader"), "{}", stdout(&o));
    let o = kmsc(dir.path(), &["diff", "expected.json", "mod"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));

    // With them, `access` names the reader and the account's root.
    let o =
        kmsc(dir.path(), &["access", "mod", "--var", "reader=arn:aws:iam::111122223333:role/reader", "--set", account]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("arn:aws:iam::111122223333:role/reader"), "{out}");
    assert!(out.contains("arn:aws:iam::111122223333:root"), "{out}");

    // `diff`: the later of `--var-file` and `--var` wins, as in Terraform.
    let o = kmsc(dir.path(), &["diff", "expected.json", "mod", "--var-file", "reader.tfvars", "--set", account]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "aws_kms_key.k: policies are equivalent\n");
    let later_file =
        ["diff", "expected.json", "mod", "--var", "reader=x", "--var-file", "reader.tfvars", "--set", account];
    assert_eq!(kmsc(dir.path(), &later_file).status.code(), Some(0));
    let later_var =
        ["diff", "expected.json", "mod", "--var-file", "reader.tfvars", "--var-file", "wrong.tfvars", "--set", account];
    assert_eq!(kmsc(dir.path(), &later_var).status.code(), Some(1));

    // `TF_VAR_` variables count too.
    let o = Command::new(env!("CARGO_BIN_EXE_kmsc"))
        .args(["diff", "expected.json", "mod", "--set", account])
        .current_dir(dir.path())
        .env("TF_VAR_reader", "arn:aws:iam::111122223333:role/reader")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    // A variable file that cannot be read stops the run (exit 2), whatever the sides are.
    for args in [
        &["diff", "expected.json", "other.json", "--var-file", "missing.tfvars"][..],
        &["access", "mod", "--var-file", "missing.tfvars"][..],
    ] {
        let o = kmsc(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&o),
            "kmsc: error: cannot read variable file `missing.tfvars`: no such file or directory\n",
            "{args:?}"
        );
        assert_eq!(stdout(&o), "", "{args:?}");
    }
    let o = kmsc(dir.path(), &["access", "mod", "--var", "reader"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "kmsc: error: invalid `--var reader`: expected NAME=VALUE\n");
}
