//! Override files (`override.tf`, `*_override.tf`, `.tf.json` forms) merge into the
//! module's other files as Terraform merges them.

mod fixture_module;

use std::path::Path;

use fixture_module::{compile, errors, kmsc, terraform, text};

#[test]
fn override_files_replace_arguments_and_locals() {
    let o = kmsc(&["build", "overrides"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    insta::assert_snapshot!("overrides_build", text(&o.stdout));
}

#[test]
fn arguments_not_overridden_stay() {
    let c = compile(&[
        ("m/main.tf", "resource \"aws_kms_key\" \"k\" {\n  count  = 2\n  policy = \"{\\\"Statement\\\": []}\"\n}\n"),
        ("m/override.tf", "resource \"aws_kms_key\" \"k\" {\n  policy = jsonencode({ Statement = [] })\n}\n"),
    ]);
    assert_eq!(terraform(&c, "aws_kms_key.k[1]"), "{\"Statement\":[]}");
}

#[test]
fn nested_blocks_of_a_type_are_replaced_together() {
    let main = r#"
data "aws_iam_policy_document" "d" {
  version = "2012-10-17"
  statement {
    sid       = "A"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
  }
  statement {
    sid       = "B"
    actions   = ["kms:Encrypt"]
    resources = ["*"]
  }
}
resource "aws_kms_key" "k" {
  policy = data.aws_iam_policy_document.d.json
}
"#;
    let over = r#"{
  "data": {"aws_iam_policy_document": {"d": {
    "statement": {"sid": "C", "actions": ["kms:DescribeKey"], "resources": ["*"]}
  }}}
}"#;
    let c = compile(&[("m/main.tf", main), ("m/keys_override.tf.json", over)]);
    let doc: serde_json::Value = serde_json::from_str(&terraform(&c, "aws_kms_key.k")).unwrap();
    let sids: Vec<&str> = doc["Statement"].as_array().unwrap().iter().map(|s| s["Sid"].as_str().unwrap()).collect();
    assert_eq!(sids, ["C"]);
    assert_eq!(doc["Version"], "2012-10-17");
}

#[test]
fn variables_are_overridden_attribute_by_attribute() {
    let c = compile(&[
        (
            "m/main.tf",
            "variable \"ids\" {\n  type    = list(string)\n  default = [\"a\"]\n}\nresource \"aws_kms_key\" \"k\" {\n  policy = jsonencode(var.ids)\n}\n",
        ),
        // Only the default changes; the type still converts it (a number becomes a string).
        ("m/override.tf", "variable \"ids\" {\n  default = [1, 2]\n}\n"),
    ]);
    assert_eq!(terraform(&c, "aws_kms_key.k"), r#"["1","2"]"#);
}

#[test]
fn later_override_files_win() {
    let c = compile(&[
        (
            "m/main.tf",
            "locals {\n  v = \"main\"\n}\nresource \"aws_kms_key\" \"k\" {\n  policy = jsonencode([local.v])\n}\n",
        ),
        ("m/a_override.tf", "locals {\n  v = \"a\"\n}\n"),
        ("m/b_override.tf", "locals {\n  v = \"b\"\n}\n"),
    ]);
    assert_eq!(terraform(&c, "aws_kms_key.k"), r#"["b"]"#);
}

#[test]
fn an_override_with_nothing_to_override_is_an_error() {
    let c = compile(&[
        ("m/main.tf", "locals {\n  a = 1\n}\n"),
        ("m/override.tf", "resource \"aws_kms_key\" \"x\" {\n}\nlocals {\n  b = 2\n}\n"),
    ]);
    assert_eq!(
        errors(&c),
        [
            "KMS003: override file defines `resource \"aws_kms_key\" \"x\"` which no other file declares",
            "KMS003: override file defines `local.b` which no other file declares",
        ]
    );
    let d = &c.diagnostics[0];
    let span = d.span.unwrap();
    assert_eq!(c.sources.path(span.file), Path::new("m/override.tf"));
    assert_eq!(c.sources.text(span), "resource \"aws_kms_key\" \"x\"");
}

#[test]
fn findings_in_an_overridden_argument_point_into_the_override_file() {
    let c = compile(&[
        ("m/main.tf", "resource \"aws_kms_key\" \"k\" {\n  description = \"x\"\n  policy      = \"{}\"\n}\n"),
        (
            "m/override.tf",
            "resource \"aws_kms_key\" \"k\" {\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Principal = \"*\", Action = \"kms:Encrpyt\", Resource = \"*\" }] })\n}\n",
        ),
    ]);
    let d = c.diagnostics.iter().find(|d| d.code == "KMS301").expect("KMS301");
    let span = d.span.unwrap();
    assert_eq!(c.sources.path(span.file), Path::new("m/override.tf"));
    assert_eq!(c.sources.text(span), "\"kms:Encrpyt\"");
    let lc = c.sources.get(span.file).line_col(span.start as usize);
    assert_eq!((lc.line, lc.column), (2, 84));
}
