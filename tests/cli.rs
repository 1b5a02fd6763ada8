//! The command line as users and scripts see it: exit status, stdout, stderr.

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

/// A temporary module with one `main.tf`.
fn module(main_tf: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), main_tf).unwrap();
    dir
}

#[test]
fn seed_compiles_with_placeholders_kept_verbatim() {
    let o = kmsc(repo(), &["build", "tests/data/seed/main.tf"]);
    // The placeholders are errors, but the policy is still printed.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

/// The user's example: one error on each principal line, naming the placeholder, in
/// every format.
#[test]
fn seed_check_reports_each_placeholder_in_every_format() {
    let o = kmsc(repo(), &["check", "tests/data/seed/main.tf"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o));
    let o = kmsc(repo(), &["check", "tests/data/seed/main.tf", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let diags: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found: Vec<(u64, &str, &str)> = diags
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        vec![(18, "KMS201", "error"), (28, "KMS201", "error"), (53, "KMS201", "error"), (70, "KMS201", "error")]
    );
    assert!(diags.as_array().unwrap().iter().all(|d| d["message"].as_str().unwrap().contains("`[アカウントID]`")));
    let o = kmsc(repo(), &["check", "tests/data/seed/main.tf", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let lines: Vec<u64> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![18, 28, 53, 70]);
    let o = kmsc(repo(), &["check", "tests/data/seed/main.tf", "--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4);
    for (l, n) in lines.iter().zip([18, 28, 53, 70]) {
        assert!(l.starts_with(&format!("::error file=tests/data/seed/main.tf,line={n},col=31,")), "{l}");
        assert!(l.contains("KMS201"), "{l}");
    }
}

#[test]
fn bundled_example_compiles_with_the_account_left_symbolic() {
    let o = kmsc(repo(), &["build", "examples/wordpress"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn emit_terraform_with_key_prints_the_string_and_a_newline() {
    let case = repo().join("tests/data/oracle/differential/policy_0000");
    let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap();
    let o = kmsc(&case, &["build", "main.tf", "--key", "aws_kms_key.k", "--emit", "terraform"]);
    // This generated policy denies itself out (a lock-out, reported); the string is printed.
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), format!("{expected}\n"));
}

const CALLER: &str = r#"
data "aws_caller_identity" "current" {}

resource "aws_kms_key" "k" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Root"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}
"#;

#[test]
fn unknown_account_stays_symbolic_in_canonical_output() {
    let dir = module(CALLER);
    let o = kmsc(dir.path(), &["build", "main.tf", "--key", "aws_kms_key.k"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("\"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root\""),
        "{}",
        stdout(&o)
    );
}

#[test]
fn set_fixes_an_unknown_value() {
    let dir = module(CALLER);
    let o = kmsc(
        dir.path(),
        &[
            "build",
            "main.tf",
            "--key",
            "aws_kms_key.k",
            "--set",
            "data.aws_caller_identity.current.account_id=012345678901",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"arn:aws:iam::012345678901:root\""), "{}", stdout(&o));
    let o = kmsc(
        dir.path(),
        &[
            "build",
            "main.tf",
            "--key",
            "aws_kms_key.k",
            "--emit",
            "terraform",
            "--set",
            "data.aws_caller_identity.current.account_id=012345678901",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "{\"Statement\":[{\"Action\":\"kms:*\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::012345678901:root\"},\"Resource\":\"*\",\"Sid\":\"Root\"}],\"Version\":\"2012-10-17\"}\n"
    );
}

#[test]
fn emit_terraform_of_an_unknown_policy_names_the_reference() {
    let dir = module(CALLER);
    let o = kmsc(dir.path(), &["build", "main.tf", "--key", "aws_kms_key.k", "--emit", "terraform"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    insta::assert_snapshot!(stderr(&o));
}

#[test]
fn malformed_hcl_is_reported_with_its_location() {
    let dir = module("resource \"aws_kms_key\" \"k\" {\n  policy = jsonencode({ Version = \"2012-10-17\" \n");
    let o = kmsc(dir.path(), &["build", "main.tf"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&o));
}

#[test]
fn undefined_variable_and_local_are_reported() {
    let dir = module(
        r#"
resource "aws_kms_key" "a" {
  policy = jsonencode({ Id = var.missing })
}
resource "aws_kms_key" "b" {
  policy = jsonencode({ Id = local.nope })
}
"#,
    );
    let o = kmsc(dir.path(), &["build", "main.tf"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&o));
}

#[test]
fn function_errors_are_reported() {
    let dir = module(
        r#"
resource "aws_kms_key" "k" {
  policy = jsonencode({ Id = element([], 0) })
}
"#,
    );
    let o = kmsc(dir.path(), &["check", "main.tf", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn conditional_type_errors_are_reported() {
    let dir = module(
        r#"
variable "flag" {
  type    = string
  default = "yes"
}
resource "aws_kms_key" "k" {
  policy = jsonencode({ Id = var.flag ? "a" : "b", Sid = true ? ["x"] : "y" })
}
"#,
    );
    let o = kmsc(dir.path(), &["build", "main.tf"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&o));
}

#[test]
fn missing_path_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = kmsc(dir.path(), &["build", "nowhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "kmsc: error: cannot read `nowhere`: no such file or directory\n");
}

#[test]
fn same_input_gives_the_same_bytes() {
    let a = kmsc(repo(), &["build", "tests/data/seed/main.tf"]);
    let b = kmsc(repo(), &["build", "tests/data/seed/main.tf"]);
    assert_eq!(a.stdout, b.stdout);
    let a = kmsc(
        repo(),
        &[
            "build",
            "examples/wordpress",
            "--emit",
            "terraform",
            "--set",
            "data.aws_caller_identity.current.account_id=111122223333",
        ],
    );
    let b = kmsc(
        repo(),
        &[
            "build",
            "examples/wordpress",
            "--emit",
            "terraform",
            "--set",
            "data.aws_caller_identity.current.account_id=111122223333",
        ],
    );
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn variable_precedence_follows_terraform() {
    let dir = module(
        r#"
variable "name" {
  type    = string
  default = "default"
}
resource "aws_kms_key" "k" {
  policy = jsonencode({ Id = var.name })
}
"#,
    );
    let run = |extra: &[&str], env: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kmsc"));
        cmd.current_dir(dir.path())
            .args(["build", "main.tf", "--key", "aws_kms_key.k", "--emit", "terraform"])
            .args(extra);
        match env {
            Some(v) => cmd.env("TF_VAR_name", v),
            None => cmd.env_remove("TF_VAR_name"),
        };
        let o = cmd.output().unwrap();
        // `{ Id = ... }` is no valid policy (reported); only the value matters here.
        assert!(!stderr(&o).contains("KMS006"), "{}", stderr(&o));
        stdout(&o)
    };
    assert_eq!(run(&[], None), "{\"Id\":\"default\"}\n");
    assert_eq!(run(&[], Some("env")), "{\"Id\":\"env\"}\n");
    std::fs::write(dir.path().join("terraform.tfvars"), "name = \"tfvars\"\n").unwrap();
    assert_eq!(run(&[], Some("env")), "{\"Id\":\"tfvars\"}\n");
    std::fs::write(dir.path().join("b.auto.tfvars"), "name = \"auto\"\n").unwrap();
    assert_eq!(run(&[], Some("env")), "{\"Id\":\"auto\"}\n");
    std::fs::write(dir.path().join("extra.tfvars"), "name = \"file\"\n").unwrap();
    assert_eq!(run(&["--var", "name=cli", "--var-file", "extra.tfvars"], None), "{\"Id\":\"file\"}\n");
    assert_eq!(run(&["--var-file", "extra.tfvars", "--var", "name=cli"], None), "{\"Id\":\"cli\"}\n");
}

#[test]
fn var_values_of_complex_types_are_parsed_as_hcl() {
    let dir = module(
        r#"
variable "ids" {
  type = list(number)
}
variable "n" {
  type = number
}
resource "aws_kms_key" "k" {
  policy = jsonencode({ Id = var.ids, N = var.n })
}
"#,
    );
    let o = kmsc(
        dir.path(),
        &[
            "build",
            "main.tf",
            "--key",
            "aws_kms_key.k",
            "--emit",
            "terraform",
            "--var",
            "ids=[\"1\", 2]",
            "--var",
            "n=007",
        ],
    );
    // The value is not a valid policy (reported), but Terraform's string is still printed.
    assert!(!stderr(&o).contains("KMS006"), "{}", stderr(&o));
    assert_eq!(stdout(&o), "{\"Id\":[1,2],\"N\":7}\n");
}

#[test]
fn required_variable_without_value_is_unknown_not_an_error() {
    let dir = module(
        r#"
variable "role" {
  type = string
}
resource "aws_kms_key" "k" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { AWS = var.role }, Action = "kms:*", Resource = "*" }] })
}
"#,
    );
    let o = kmsc(dir.path(), &["build", "main.tf", "--key", "aws_kms_key.k"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"${var.role}\""), "{}", stdout(&o));
}

#[test]
fn tfvars_may_not_reference_variables() {
    let dir = module("variable \"a\" {}\nresource \"aws_kms_key\" \"k\" {\n  policy = jsonencode({ Id = var.a })\n}\n");
    std::fs::write(dir.path().join("terraform.tfvars"), "a = var.b\n").unwrap();
    let o = kmsc(dir.path(), &["check", "main.tf"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn explain_and_rules_document_every_code() {
    let o = kmsc(repo(), &["rules"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&o));
    let o = kmsc(repo(), &["explain", "kms010"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("KMS010 (error): the policy is not a valid IAM policy document\n"));
    let o = kmsc(repo(), &["explain", "KMS999"]);
    assert_eq!(o.status.code(), Some(2));
}

const REPEATED_KEY: &str = r#"
resource "aws_kms_key" "k" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "kms:*"
        Resource  = "*"
        Sid       = "Root"
      },
    ]
  })
}
"#;

#[test]
fn repeated_keys_are_reported_on_both_keys_and_the_last_wins() {
    let dir = module(REPEATED_KEY);
    let o = kmsc(dir.path(), &["build", "main.tf", "--key", "aws_kms_key.k", "--emit", "terraform"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("\"Sid\":\"Root\""), "{}", stdout(&o));
    insta::assert_snapshot!(stderr(&o));
}

#[test]
fn severity_overrides_change_the_exit_status() {
    let dir = module(REPEATED_KEY);
    let o = kmsc(dir.path(), &["check", "main.tf", "--warn", "KMS007"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).starts_with("warning[KMS007]"), "{}", stdout(&o));
    let o = kmsc(dir.path(), &["check", "main.tf", "--warn", "kms007", "--deny", "warnings"]);
    assert_eq!(o.status.code(), Some(1));
    let o = kmsc(dir.path(), &["check", "main.tf", "--allow", "KMS007"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    let o = kmsc(dir.path(), &["check", "main.tf", "--allow", "KMS999"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn ignore_comments_silence_a_statement_or_a_resource() {
    let above_statement = REPEATED_KEY.replace(
        "    Statement = [\n      {",
        "    Statement = [\n      # kmsc:ignore KMS007 -- kept for the audit trail\n      {",
    );
    let dir = module(&above_statement);
    let o = kmsc(dir.path(), &["check", "main.tf"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let above_resource = format!("# kmsc:ignore KMS001, KMS007 -- reviewed\n{}", REPEATED_KEY.trim_start());
    let dir = module(&above_resource);
    let o = kmsc(dir.path(), &["check", "main.tf"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // A comment naming another code silences nothing.
    let other = format!("# kmsc:ignore KMS001 -- reviewed\n{}", REPEATED_KEY.trim_start());
    let dir = module(&other);
    let o = kmsc(dir.path(), &["check", "main.tf"]);
    assert_eq!(o.status.code(), Some(1));
}

/// A comment above a resource also silences the findings of its policy shown in another
/// file (a JSON file read with `file`), for every instance of the resource, in a root of
/// `-r`; a comment above another resource does not.
#[test]
fn ignore_comments_above_a_resource_cover_its_policy_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("envs/prod");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("main.tf"),
        r#"
# kmsc:ignore KMS301 -- the typo is fixed upstream
resource "aws_kms_key" "app" {
  count  = 2
  policy = file("${path.module}/policy.json")
}

# kmsc:ignore KMS204 -- a different code
resource "aws_kms_key" "other" {
  policy = file("${path.module}/policy.json")
}
"#,
    )
    .unwrap();
    std::fs::write(
        root.join("policy.json"),
        r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": "kms:Encrpyt", "Resource": "*"}
  ]
}
"#,
    )
    .unwrap();
    let o = kmsc(dir.path(), &["check", "-r", ".", "--format", "github"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "::error file=./envs/prod/policy.json,line=5,col=95,endLine=5,endColumn=108,title=KMS301::KMS301: unknown KMS action `kms:Encrpyt` in `Action`%0Ahelp: did you mean `kms:Encrypt`?\n"
    );
}

/// A comment above a `module` block silences the listed codes in the findings of the
/// module's resources (shown in the module's files), for that call only.
#[test]
fn ignore_comments_above_a_module_block_cover_its_resources() {
    let dir = tempfile::tempdir().unwrap();
    let kms = dir.path().join("modules/kms");
    std::fs::create_dir_all(&kms).unwrap();
    std::fs::write(
        kms.join("main.tf"),
        r#"variable "actions" {}

resource "aws_kms_key" "this" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" },
      { Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:role/app" }, Action = var.actions, Resource = "*" },
    ]
  })
}
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"# kmsc:ignore KMS301 -- a vendored module, fixed upstream
module "vendored" {
  source  = "./modules/kms"
  count   = 2
  actions = ["kms:Encrpyt"]
}

module "ours" {
  source  = "./modules/kms"
  actions = ["kms:Decrpyt"]
}
"#,
    )
    .unwrap();
    let o = kmsc(dir.path(), &["check", ".", "--format", "github"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("`kms:Decrpyt`") && out.contains("file=./main.tf,line=10"), "{out}");
}

#[test]
fn machine_formats_carry_the_same_findings() {
    let dir = module(REPEATED_KEY);
    let o = kmsc(dir.path(), &["check", "main.tf", "--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "::error file=main.tf,line=7,col=9,endLine=7,endColumn=12,title=KMS007::KMS007: the key `Sid` is repeated in this object; Terraform keeps only the last value%0Ahelp: remove one of the two `Sid` entries, or merge them into one\n"
    );
    let o = kmsc(dir.path(), &["check", "main.tf", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "KMS007");
    assert_eq!(result["level"], "error");
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 7);
    assert_eq!(result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"], 12);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "KMS007");
}

#[test]
fn a_bad_value_from_tfvars_is_reported_there_and_labelled_at_its_use() {
    let dir = module(
        r#"
variable "admin_arn" {
  type = string
}
resource "aws_kms_key" "k" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Root", Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" },
      { Sid = "Admin", Effect = "Allow", Principal = { AWS = var.admin_arn }, Action = "kms:Describe*", Resource = "*" },
    ]
  })
}
"#,
    );
    std::fs::write(dir.path().join("terraform.tfvars"), "admin_arn = \"arn:aws:iam::<ACCOUNT_ID>:role/admin\"\n")
        .unwrap();
    let o = kmsc(dir.path(), &["check", "main.tf"]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&o));
    let o = kmsc(dir.path(), &["check", "main.tf", "--format", "json"]);
    let diags: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let d = &diags[0];
    assert_eq!(d["code"], "KMS201");
    assert_eq!(d["file"], "terraform.tfvars");
    assert_eq!(d["labels"][0]["file"], "main.tf");
    assert_eq!(d["labels"][0]["line"], 10);
}

/// Given one file of a module whose variables are declared in a file beside it (as in
/// `kmsc build main.tf` in CI), kmsc reads only that file, as documented, and says where
/// each undeclared variable is declared and what to give it instead; given the directory,
/// the same module is clean.
#[test]
fn one_file_of_a_module_points_at_the_variables_declared_beside_it() {
    let o = kmsc(repo(), &["check", "examples/wordpress/main.tf"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("help: `variables.tf` beside this file declares `var.web_role_arn`: a Terraform module is its whole directory, and kmsc given one file reads only that file; give kmsc the directory `examples/wordpress`"),
        "{out}"
    );
    // The value in terraform.tfvars for a variable declared beside gets the same hint.
    assert!(out.contains("warning[KMS006]: value for undeclared variable `name`"), "{out}");
    assert!(out.contains("help: `variables.tf` beside this file declares `var.name`"), "{out}");
    // Locals, data sources and resources declared beside get it too; a variable declared
    // nowhere keeps the plain advice.
    let dir = module(
        "locals {\n  x = [var.nowhere, local.names, data.aws_caller_identity.current.account_id, aws_iam_role.web.arn]\n}\n",
    );
    std::fs::write(
        dir.path().join("other.tf"),
        "variable \"elsewhere\" {}\nlocals {\n  names = []\n}\ndata \"aws_caller_identity\" \"current\" {}\nresource \"aws_iam_role\" \"web\" {}\n",
    )
    .unwrap();
    let o = kmsc(dir.path(), &["check", "main.tf"]);
    let out = stdout(&o);
    assert!(out.contains("reference to undeclared input variable `nowhere`"), "{out}");
    assert_eq!(out.matches("help: `other.tf` beside this file declares").count(), 3, "{out}");
    for reference in ["local.names", "data.aws_caller_identity.current", "aws_iam_role.web"] {
        assert!(out.contains(&format!("declares `{reference}`")), "{out}");
    }
    let o = kmsc(repo(), &["check", "examples/wordpress"]);
    assert!(!stdout(&o).contains("undeclared"), "{}", stdout(&o));
}
