//! Terraform's JSON configuration syntax (`*.tf.json`): the same declarations as HCL, with
//! diagnostics placed inside the JSON text.

mod fixture_module;

use std::path::Path;

use kmsc::compile::Compilation;

use fixture_module::{compile, errors, kmsc, terraform, text};

/// `(line, column)` of a diagnostic's start.
fn position(c: &Compilation, code: &str) -> (String, usize, usize) {
    let d = c.diagnostics.iter().find(|d| d.code == code).unwrap_or_else(|| panic!("no {code}: {:?}", errors(c)));
    let span = d.span.expect("a span");
    let file = c.sources.get(span.file);
    let lc = file.line_col(span.start as usize);
    (file.path.display().to_string(), lc.line, lc.column)
}

#[test]
fn json_module_builds_like_hcl() {
    let o = kmsc(&["build", "tf-json"]);
    // The misspelt action is an error; the policy is still printed.
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    insta::assert_snapshot!("tf_json_build", text(&o.stdout));
    assert!(text(&o.stderr).contains("error[KMS301]: unknown KMS action `kms:Encrpyt`"), "{}", text(&o.stderr));
}

#[test]
fn findings_point_inside_the_json_string() {
    let o = kmsc(&["check", "tf-json", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let diags: serde_json::Value = serde_json::from_str(&text(&o.stdout)).unwrap();
    let all = diags.as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:#?}");
    let d = &all[0];
    assert_eq!(d["code"], "KMS301");
    assert_eq!(d["file"], "tf-json/main.tf.json");
    assert_eq!(d["line"], 25);
    assert_eq!(d["column"], 421);
    // The span is the HCL string literal as written inside the JSON string, escapes and all.
    assert_eq!(d["snippet"], "\\\"kms:Encrpyt\\\"");
}

#[test]
fn a_single_tf_json_file_is_a_module() {
    // Without `variables.tf`, `var.account_id` is undeclared.
    let o = kmsc(&["check", "tf-json/main.tf.json"]);
    let out = text(&o.stdout);
    assert!(
        out.contains("reference to undeclared input variable `account_id`")
            && out.contains("--> tf-json/main.tf.json:14:29"),
        "{out}"
    );
}

const HCL_MODULE: &str = r#"
variable "account" {
  type    = string
  default = "111122223333"
}
locals {
  actions = ["kms:Decrypt", "kms:Encrypt"]
}
resource "aws_kms_key" "k" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Use"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.account}:root" }
      Action    = local.actions
      Resource  = "*"
      Condition = { NumericLessThan = { "kms:GrantCount" = 1.50 } }
    }]
  })
}
"#;

const JSON_MODULE: &str = r#"{
  "variable": [{"account": {"type": "string", "default": "111122223333"}}],
  "locals": [{"actions": ["kms:Decrypt", "kms:Encrypt"]}],
  "resource": {
    "aws_kms_key": {
      "k": {
        "policy": "${jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Sid       = \"Use\"\n      Effect    = \"Allow\"\n      Principal = { AWS = \"arn:aws:iam::${var.account}:root\" }\n      Action    = local.actions\n      Resource  = \"*\"\n      Condition = { NumericLessThan = { \"kms:GrantCount\" = 1.50 } }\n    }]\n  })}"
      }
    }
  }
}"#;

#[test]
fn the_same_module_in_hcl_and_json_gives_the_same_string() {
    let hcl = compile(&[("m/main.tf", HCL_MODULE)]);
    let json = compile(&[("m/main.tf.json", JSON_MODULE)]);
    assert_eq!(errors(&hcl), errors(&json));
    assert_eq!(terraform(&hcl, "aws_kms_key.k"), terraform(&json, "aws_kms_key.k"));
}

#[test]
fn json_values_are_expressions_and_defaults_are_literal() {
    let c = compile(&[(
        "m/main.tf.json",
        r#"{
  "//": "comments are ignored, here and in bodies",
  "variable": {
    "literal": {"default": "a-${b}-%{c}"},
    "big": {"type": "number", "default": 12345678901234567890123456789},
    "tags": {"type": "map(string)", "default": {"${k}": "v"}}
  },
  "locals": {
    "escaped": "$${not} %%{this}",
    "obj": {"n": 0.1, "t": true, "z": null, "${var.literal}": ["x"]},
    "doc": "${jsonencode([var.literal, var.big, var.tags, local.escaped, local.obj])}"
  },
  "resource": {"aws_kms_key": {"k": {"//": "x", "policy": "${local.doc}"}}}
}"#,
    )]);
    assert_eq!(
        terraform(&c, "aws_kms_key.k"),
        r#"["a-${b}-%{c}",12345678901234567890123456789,{"${k}":"v"},"${not} %{this}",{"a-${b}-%{c}":["x"],"n":0.1,"t":true,"z":null}]"#
    );
}

#[test]
fn policy_documents_with_statement_blocks_and_dynamic_blocks() {
    let c = compile(&[(
        "m/main.tf.json",
        r#"{
  "variable": {"extra": {"default": {"Extra": ["kms:Encrypt"]}}},
  "data": {
    "aws_iam_policy_document": {
      "key": {
        "statement": [
          {
            "sid": "Root",
            "actions": ["kms:*"],
            "resources": ["*"],
            "principals": {"type": "AWS", "identifiers": ["arn:aws:iam::111122223333:root"]}
          },
          {
            "sid": "Use",
            "actions": ["kms:Decrypt"],
            "resources": ["*"],
            "principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::111122223333:role/App"]}],
            "condition": [{"test": "StringEquals", "variable": "kms:ViaService", "values": ["s3.eu-west-1.amazonaws.com"]}]
          }
        ],
        "dynamic": {
          "statement": {
            "for_each": "${var.extra}",
            "iterator": "x",
            "content": {"sid": "${x.key}", "actions": "${x.value}", "resources": ["*"]}
          }
        }
      }
    }
  },
  "resource": {"aws_kms_key": {"k": {"policy": "${data.aws_iam_policy_document.key.json}"}}}
}"#,
    )]);
    let s = terraform(&c, "aws_kms_key.k");
    let doc: serde_json::Value = serde_json::from_str(&s).unwrap();
    let sids: Vec<&str> = doc["Statement"].as_array().unwrap().iter().map(|s| s["Sid"].as_str().unwrap()).collect();
    assert_eq!(sids, ["Root", "Use", "Extra"]);
    assert_eq!(doc["Statement"][1]["Condition"]["StringEquals"]["kms:ViaService"], "s3.eu-west-1.amazonaws.com");
}

#[test]
fn json_and_hcl_files_mix_in_one_module() {
    let c = compile(&[
        ("m/variables.tf", "variable \"n\" {\n  default = 2\n}\n"),
        (
            "m/main.tf.json",
            r#"{"resource": {"aws_kms_key": {"k": {"count": "${var.n}", "policy": "${jsonencode({Statement = []})}"}}}}"#,
        ),
    ]);
    let addresses: Vec<&str> = c.policies.iter().map(|p| p.address.as_str()).collect();
    assert_eq!(addresses, ["aws_kms_key.k[0]", "aws_kms_key.k[1]"]);
}

#[test]
fn syntax_errors_are_placed_in_the_json_text() {
    let c = compile(&[("m/main.tf.json", "{\n  \"resource\": {\"aws_kms_key\": {\"k\": {\"policy\": 1,}}}\n}\n")]);
    assert_eq!(position(&c, "KMS002"), ("m/main.tf.json".into(), 2, 50));
    assert!(errors(&c)[0].contains("invalid JSON"), "{:?}", errors(&c));

    let c = compile(&[("m/main.tf.json", "{\"locals\": {\n  \"a\": \"x ${1 + } y\"\n}}\n")]);
    assert_eq!(position(&c, "KMS002"), ("m/main.tf.json".into(), 2, 17));
    assert!(errors(&c)[0].starts_with("KMS002: invalid template"), "{:?}", errors(&c));

    let c = compile(&[("m/main.tf.json", "{\"resource\": {\"aws_kms_key\": \"k\"}}")]);
    assert!(errors(&c)[0].contains("must be given as a JSON object"), "{:?}", errors(&c));
}

#[test]
fn evaluation_errors_point_into_the_string() {
    let c = compile(&[(
        "m/main.tf.json",
        "{\"resource\": {\"aws_kms_key\": {\"k\": {\n  \"policy\": \"${jsonencode({a = var.nope})}\"\n}}}}",
    )]);
    // `var.nope` starts at column 32 of line 2.
    assert_eq!(position(&c, "KMS003"), ("m/main.tf.json".into(), 2, 32));
}

#[test]
fn truncated_and_mutated_json_never_panics() {
    let fixture =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tf-json/main.tf.json"))
            .unwrap();
    let mut inputs: Vec<String> = Vec::new();
    let cuts: Vec<usize> = (0..fixture.len()).step_by(23).filter(|i| fixture.is_char_boundary(*i)).collect();
    for &i in &cuts {
        inputs.push(fixture[..i].to_string());
        for replacement in ["\"", "\\", "{", "}", "$", "%{", "\\u00", "\u{e9}"] {
            let mut s = fixture.clone();
            s.replace_range(i..(i + 1).min(s.len()), replacement);
            inputs.push(s);
        }
    }
    for text in inputs {
        let c = compile(&[("m/main.tf.json", &text)]);
        for d in &c.diagnostics {
            if let Some(span) = d.span {
                // Every span is in the JSON file, inside its text.
                assert!(!c.sources.is_virtual(span.file));
                assert!(span.end as usize <= c.sources.get(span.file).text.len(), "{d:?}");
            }
        }
    }
}

#[test]
fn a_key_handed_to_a_consumer_in_a_dynamic_block_is_checked() {
    // `dynamic "ebs_block_device"` in JSON syntax: the key reaches the consumer through the
    // block's `content`, as in HCL.
    let key = r#"{"key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY", "description": "signing", "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Root\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"}"#;
    let instance = |for_each: &str| {
        format!(
            r#"{{"ami": "ami-1", "instance_type": "t3.micro", "dynamic": {{"ebs_block_device": {{"for_each": {for_each}, "content": {{"device_name": "${{ebs_block_device.value}}", "kms_key_id": "${{aws_kms_key.sign.arn}}"}}}}}}}}"#
        )
    };
    let module = |for_each: &str| {
        format!(
            r#"{{"resource": {{"aws_kms_key": {{"sign": {key}}}, "aws_instance": {{"app": {}}}}}}}"#,
            instance(for_each)
        )
    };
    let c = compile(&[("main.tf.json", &module(r#"["/dev/sdf"]"#))]);
    let (file, line, column) = position(&c, "KMS801");
    assert_eq!((file.as_str(), line), ("main.tf.json", 1), "{:?}", errors(&c));
    let text = module(r#"["/dev/sdf"]"#);
    // The finding points at the reference inside the JSON string.
    assert!(text[column - 1..].starts_with("aws_kms_key.sign.arn}\""), "column {column}: {}", &text[column - 1..]);
    // An empty `for_each` generates no block: no finding.
    let c = compile(&[("main.tf.json", &module("[]"))]);
    assert!(!c.diagnostics.iter().any(|d| d.code == "KMS801"), "{:?}", errors(&c));
}
