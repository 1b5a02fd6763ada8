//! The canonical form of a key policy: a stable, sorted, indented JSON document that two
//! equivalent policies share, whatever style they were written in.
//!
//! The contract:
//! 1. A JSON object with members in this order, when present: `Version`, `Id`, `Statement`.
//! 2. `Statement` is always an array (a lone statement object becomes an array of one);
//!    statements keep their source order.
//! 3. Statement members in this order: `Sid`, `Effect`, `Principal`, `NotPrincipal`,
//!    `Action`, `NotAction`, `Resource`, `NotResource`, `Condition`.
//! 4. `Version`, `Id`, `Sid` are strings exactly as written.
//! 5. `Effect` is `Allow` or `Deny` (whatever string it was if it is neither).
//! 6. `Action`, `NotAction`, `Resource`, `NotResource`: arrays of strings, sorted in
//!    code-point order, duplicates removed (a lone string becomes an array of one).
//! 7. `Principal`, `NotPrincipal`: `"*"` stays `"*"`. An object has its members sorted by
//!    name, each value an array of strings, sorted, duplicates removed. Under `AWS`, a bare
//!    12-digit account ID becomes `arn:<partition>:iam::<id>:root`.
//! 8. `Condition`: operators sorted by name; within each, condition keys sorted by name;
//!    each value an array of strings, sorted, duplicates removed. Booleans and numbers
//!    become strings (`true` → `"true"`, `1.50` → `"1.5"`).
//! 9. Layout: two-space indentation, one member or element per line, `": "` after a member
//!    name, empty arrays and objects as `[]` and `{}`, a newline at the end.
//! 10. Strings: only `"`, `\` and control characters (U+0000–U+001F) are escaped (`\b \f
//!     \n \r \t`, others as `\u00xx` in lowercase hex); everything else is raw UTF-8.
//! 11. A part unknown until apply is written `${<the Terraform expression>}` inside the
//!     string; an unknown whole list contributes one such string.
//!
//! Sorting is Rust's `str` order of the rendered strings (`${...}` text included).

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::policy::ast::{ConditionBlock, KeyPolicy, PolicyString, Principal, Spanned, Statement};

/// The canonical text of `policy` (see the module documentation), in `partition`
/// (`aws`, `aws-cn`, ...), ending with a newline.
pub fn canonical(policy: &KeyPolicy, partition: &str) -> String {
    canonical_at(policy, partition, 0)
}

/// [`canonical`] with every line but the first indented by `level` levels (two spaces
/// each): the text a [`DocumentSet`] entry holds at `level` 1.
pub fn canonical_at(policy: &KeyPolicy, partition: &str, level: usize) -> String {
    let mut out = String::with_capacity(4096);
    write_policy(&mut out, policy, partition, level);
    out.push('\n');
    out
}

/// Writes `s` as a JSON string literal, escaping only `"`, `\` and control characters
/// (contract rule 10).
pub fn write_json_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Runs of characters that need no escape are copied at once (escaped ones are ASCII,
    // so `start..i` is on char boundaries).
    let bytes = s.as_bytes();
    let mut start = 0;
    while let Some(n) = bytes[start..].iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\') {
        let i = start + n;
        let b = bytes[i];
        out.push_str(&s[start..i]);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => out.push_str(&format!("\\u{b:04x}")),
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// What a [`DocumentSet`] maps addresses to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetValues {
    /// Canonical policies, as [`canonical_at`] writes them at level 1 (indented for an
    /// entry).
    Policies,
    /// Strings (Terraform's text of each policy), written as JSON strings.
    Strings,
}

/// Writes `{ "address": value, ... }` one entry at a time, so that a long build can print
/// as it goes; entries must be given in address order.
#[derive(Debug)]
pub struct DocumentSet {
    values: SetValues,
    entries: usize,
}

impl DocumentSet {
    pub fn new(values: SetValues) -> DocumentSet {
        DocumentSet { values, entries: 0 }
    }

    /// Appends the text of one more entry to `out`.
    pub fn entry(&mut self, out: &mut String, address: &str, value: &str) {
        out.push_str(if self.entries == 0 { "{\n  " } else { ",\n  " });
        self.entries += 1;
        write_json_string(out, address);
        out.push_str(": ");
        match self.values {
            SetValues::Strings => write_json_string(out, value),
            SetValues::Policies => out.push_str(value.strip_suffix('\n').unwrap_or(value)),
        }
    }

    /// The text that closes the set.
    pub fn finish(self) -> String {
        if self.entries == 0 { "{}\n".to_string() } else { "\n}\n".to_string() }
    }
}

/// An array or object being written: members go one per line, an empty one stays `[]` or
/// `{}`.
struct Open {
    level: usize,
    empty: bool,
}

fn open(out: &mut String, bracket: char, level: usize) -> Open {
    out.push(bracket);
    Open { level, empty: true }
}

impl Open {
    /// Starts the next element.
    fn next(&mut self, out: &mut String) {
        out.push_str(if self.empty { "\n" } else { ",\n" });
        self.empty = false;
        push_indent(out, self.level + 1);
    }

    /// Starts the next member, up to its value.
    fn member(&mut self, out: &mut String, name: &str) {
        self.next(out);
        write_json_string(out, name);
        out.push_str(": ");
    }

    /// A member holding a policy string, when there is one.
    fn string(&mut self, out: &mut String, name: &str, value: Option<&Spanned<PolicyString>>) {
        if let Some(v) = value {
            self.member(out, name);
            write_json_string(out, &text(&v.node));
        }
    }

    fn close(self, out: &mut String, bracket: char) {
        if !self.empty {
            out.push('\n');
            push_indent(out, self.level);
        }
        out.push(bracket);
    }
}

fn push_indent(out: &mut String, level: usize) {
    const SPACES: &str = "                                ";
    let mut n = 2 * level;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

fn write_policy(out: &mut String, p: &KeyPolicy, partition: &str, level: usize) {
    let mut o = open(out, '{', level);
    o.string(out, "Version", p.version.as_ref());
    o.string(out, "Id", p.id.as_ref());
    if let Some(st) = &p.statement {
        o.member(out, "Statement");
        let mut items = open(out, '[', level + 1);
        for s in &st.items {
            items.next(out);
            write_statement(out, s, partition, level + 2);
        }
        items.close(out, ']');
    }
    o.close(out, '}');
}

/// The text of a policy string: itself when known, `${...}` for unknown parts.
fn text(s: &PolicyString) -> Cow<'_, str> {
    match s.as_known() {
        Some(t) => Cow::Borrowed(t),
        None => Cow::Owned(s.to_string()),
    }
}

fn write_statement(out: &mut String, s: &Statement, partition: &str, level: usize) {
    let mut o = open(out, '{', level);
    o.string(out, "Sid", s.sid.as_ref());
    if let Some(e) = &s.effect {
        o.member(out, "Effect");
        write_json_string(out, &e.node.to_string());
    }
    for (name, p) in [("Principal", &s.principal), ("NotPrincipal", &s.not_principal)] {
        if let Some(p) = p {
            o.member(out, name);
            write_principal(out, p, partition, level + 1);
        }
    }
    for (name, l) in [
        ("Action", &s.action),
        ("NotAction", &s.not_action),
        ("Resource", &s.resource),
        ("NotResource", &s.not_resource),
    ] {
        if let Some(l) = l {
            o.member(out, name);
            write_sorted(out, l.items.iter().map(|s| text(s)).collect(), level + 1);
        }
    }
    if let Some(c) = &s.condition {
        o.member(out, "Condition");
        write_condition(out, &c.node, level + 1);
    }
    o.close(out, '}');
}

/// A sorted array of distinct strings.
fn write_sorted(out: &mut String, mut items: Vec<Cow<'_, str>>, level: usize) {
    items.sort_unstable();
    items.dedup();
    let mut o = open(out, '[', level);
    for item in &items {
        o.next(out);
        write_json_string(out, item);
    }
    o.close(out, ']');
}

fn write_principal(out: &mut String, p: &Spanned<Principal>, partition: &str, level: usize) {
    match &p.node {
        Principal::Wildcard => write_json_string(out, "*"),
        Principal::Map(kinds) => {
            // Kinds sorted by name; a kind written twice (only possible in a hand-built
            // AST) has its identifiers merged.
            let mut by_kind: BTreeMap<&str, Vec<Cow<'_, str>>> = BTreeMap::new();
            for (kind, ids) in kinds {
                let rendered = ids.items.iter().map(|id| match id.as_known() {
                    Some(acct) if kind.node == "AWS" && is_account_id(acct) => {
                        Cow::Owned(format!("arn:{partition}:iam::{acct}:root"))
                    }
                    _ => text(id),
                });
                by_kind.entry(&kind.node).or_default().extend(rendered);
            }
            let mut o = open(out, '{', level);
            for (kind, ids) in by_kind {
                o.member(out, kind);
                write_sorted(out, ids, level + 1);
            }
            o.close(out, '}');
        }
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Operators sorted by name, then keys; an operator or key written twice (only possible
/// in a hand-built AST) has its values merged.
fn write_condition(out: &mut String, blocks: &[ConditionBlock], level: usize) {
    let mut ops: BTreeMap<&str, BTreeMap<&str, Vec<Cow<'_, str>>>> = BTreeMap::new();
    for block in blocks {
        let keys = ops.entry(&block.operator.node).or_default();
        for (key, values) in &block.entries {
            keys.entry(&key.node).or_default().extend(values.items.iter().map(|v| text(v)));
        }
    }
    let mut o = open(out, '{', level);
    for (op, keys) in ops {
        o.member(out, op);
        let mut k = open(out, '{', level + 1);
        for (key, values) in keys {
            k.member(out, key);
            write_sorted(out, values, level + 2);
        }
        k.close(out, '}');
    }
    o.close(out, '}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::ast::StringList;
    use crate::policy::lower;
    use crate::policy::test_support::B;
    use crate::value::{Part, Type, Value};

    /// Lowers `v` (expecting no diagnostics) and prints it canonically for `aws`.
    fn canon(v: &Value) -> String {
        let (p, diags) = lower(v, "aws_kms_key.k");
        assert!(diags.is_empty(), "{diags:#?}");
        canonical(&p.expect("a policy"), "aws")
    }

    fn acct_part() -> Part {
        Part::Unknown("data.aws_caller_identity.current.account_id".into())
    }

    /// The key policy of a WordPress key: root access, key administrators, key users, and
    /// grants for AWS resources.
    fn wordpress(b: &B) -> Value {
        let root = || b.partial(vec![Part::Known("arn:aws:iam::".into()), acct_part(), Part::Known(":root".into())]);
        let admin = "arn:aws:iam::111122223333:role/wordpress-admin";
        let app = "arn:aws:iam::111122223333:role/wordpress-app";
        b.o(vec![
            ("Version", b.s("2012-10-17")),
            ("Id", b.s("wordpress-key")),
            (
                "Statement",
                b.t(vec![
                    b.o(vec![
                        ("Sid", b.s("Enable IAM User Permissions")),
                        ("Effect", b.s("Allow")),
                        ("Principal", b.o(vec![("AWS", root())])),
                        ("Action", b.s("kms:*")),
                        ("Resource", b.s("*")),
                    ]),
                    b.o(vec![
                        ("Sid", b.s("Allow access for Key Administrators")),
                        ("Effect", b.s("Allow")),
                        ("Principal", b.o(vec![("AWS", b.s(admin))])),
                        (
                            "Action",
                            b.ss(&[
                                "kms:Create*",
                                "kms:Describe*",
                                "kms:Enable*",
                                "kms:List*",
                                "kms:Put*",
                                "kms:Update*",
                                "kms:Revoke*",
                                "kms:Disable*",
                                "kms:Get*",
                                "kms:Delete*",
                                "kms:TagResource",
                                "kms:UntagResource",
                                "kms:ScheduleKeyDeletion",
                                "kms:CancelKeyDeletion",
                            ]),
                        ),
                        ("Resource", b.s("*")),
                    ]),
                    b.o(vec![
                        ("Sid", b.s("Allow use of the key")),
                        ("Effect", b.s("Allow")),
                        ("Principal", b.o(vec![("AWS", b.ss(&[app]))])),
                        (
                            "Action",
                            b.ss(&[
                                "kms:Encrypt",
                                "kms:Decrypt",
                                "kms:ReEncrypt*",
                                "kms:GenerateDataKey*",
                                "kms:DescribeKey",
                            ]),
                        ),
                        ("Resource", b.s("*")),
                    ]),
                    b.o(vec![
                        ("Sid", b.s("Allow attachment of persistent resources")),
                        ("Effect", b.s("Allow")),
                        ("Principal", b.o(vec![("AWS", b.ss(&[app]))])),
                        ("Action", b.ss(&["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"])),
                        ("Resource", b.s("*")),
                        ("Condition", b.o(vec![("Bool", b.o(vec![("kms:GrantIsForAWSResource", b.s("true"))]))])),
                    ]),
                ]),
            ),
        ])
    }

    #[test]
    fn wordpress_key_policy() {
        let b = B::new();
        insta::assert_snapshot!(canon(&wordpress(&b)));
    }

    #[test]
    fn lone_statement_object_and_account_principals() {
        let b = B::new();
        let v = b.o(vec![(
            "Statement",
            b.o(vec![
                ("Effect", b.s("Allow")),
                (
                    "Principal",
                    b.o(vec![
                        (
                            "AWS",
                            b.ss(&["111122223333", "arn:aws:iam::111122223333:root", "444455556666", "12345678901"]),
                        ),
                        ("Service", b.s("logs.amazonaws.com")),
                        ("CanonicalUser", b.s("111122223333")),
                    ]),
                ),
                ("Action", b.s("kms:Decrypt")),
                ("Resource", b.s("*")),
            ]),
        )]);
        let (p, _) = lower(&v, "k");
        let p = p.unwrap();
        assert_eq!(
            canonical(&p, "aws"),
            r#"{
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "AWS": [
          "12345678901",
          "arn:aws:iam::111122223333:root",
          "arn:aws:iam::444455556666:root"
        ],
        "CanonicalUser": [
          "111122223333"
        ],
        "Service": [
          "logs.amazonaws.com"
        ]
      },
      "Action": [
        "kms:Decrypt"
      ],
      "Resource": [
        "*"
      ]
    }
  ]
}
"#
        );
        assert!(canonical(&p, "aws-cn").contains("\"arn:aws-cn:iam::444455556666:root\""));
    }

    #[test]
    fn unknown_parts_and_duplicates() {
        let b = B::new();
        let v = b.o(vec![
            ("Version", b.s("2012-10-17")),
            (
                "Statement",
                b.t(vec![b.o(vec![
                    ("Sid", b.unknown("var.sid", Type::String)),
                    ("Effect", b.s("Deny")),
                    ("NotPrincipal", b.o(vec![("AWS", b.unknown("var.admins", Type::Dynamic))])),
                    (
                        "NotAction",
                        b.t(vec![
                            b.s("kms:Encrypt"),
                            b.s("kms:Decrypt"),
                            b.s("kms:Encrypt"),
                            b.unknown("var.extra_action", Type::String),
                            b.s("kms:Decrypt"),
                        ]),
                    ),
                    (
                        "Resource",
                        b.partial(vec![
                            Part::Known("arn:aws:kms:".into()),
                            Part::Unknown("var.region".into()),
                            Part::Known(":".into()),
                            acct_part(),
                            Part::Known(":key/*".into()),
                        ]),
                    ),
                    (
                        "Condition",
                        b.o(vec![
                            (
                                "StringEquals",
                                b.o(vec![
                                    ("kms:ViaService", b.unknown("local.services", Type::Dynamic)),
                                    ("kms:CallerAccount", b.t(vec![b.s("222233334444"), b.num("222233334444")])),
                                ]),
                            ),
                            ("NumericLessThanEquals", b.o(vec![("kms:X", b.t(vec![b.num("1.50"), b.num("10")]))])),
                            ("Bool", b.o(vec![("aws:SecureTransport", b.bool(false))])),
                        ]),
                    ),
                ])]),
            ),
        ]);
        insta::assert_snapshot!(canon(&v));
    }

    #[test]
    fn empty_and_odd_values() {
        let b = B::new();
        let v = b.o(vec![
            ("Id", b.s("")),
            (
                "Statement",
                b.t(vec![
                    b.o(vec![]),
                    b.o(vec![
                        ("Effect", b.s("allow")),
                        ("Principal", b.s("*")),
                        ("Action", b.t(vec![])),
                        ("Condition", b.o(vec![("StringLike", b.o(vec![]))])),
                    ]),
                    b.o(vec![("Principal", b.o(vec![])), ("Condition", b.o(vec![]))]),
                ]),
            ),
        ]);
        assert_eq!(
            canon(&v),
            r#"{
  "Id": "",
  "Statement": [
    {},
    {
      "Effect": "allow",
      "Principal": "*",
      "Action": [],
      "Condition": {
        "StringLike": {}
      }
    },
    {
      "Principal": {},
      "Condition": {}
    }
  ]
}
"#
        );
        let b = B::new();
        assert_eq!(canon(&b.o(vec![])), "{}\n");
        assert_eq!(canon(&b.o(vec![("Statement", b.t(vec![]))])), "{\n  \"Statement\": []\n}\n");
    }

    #[test]
    fn member_order_and_sorting() {
        let b = B::new();
        // Every statement member, written in reverse order.
        let v = b.o(vec![
            (
                "Statement",
                b.o(vec![
                    ("NotResource", b.ss(&["b", "a", "B", "é", "Z", "_"])),
                    ("Resource", b.s("*")),
                    ("NotAction", b.s("kms:Decrypt")),
                    ("Action", b.s("kms:Encrypt")),
                    ("NotPrincipal", b.s("*")),
                    ("Principal", b.s("*")),
                    ("Effect", b.s("Deny")),
                    ("Sid", b.s("S")),
                ]),
            ),
            ("Id", b.s("I")),
            ("Version", b.s("V")),
        ]);
        let (p, diags) = lower(&v, "k");
        assert_eq!(diags.len(), 3); // the three `X` and `NotX` pairs
        assert_eq!(
            canonical(&p.unwrap(), "aws"),
            r#"{
  "Version": "V",
  "Id": "I",
  "Statement": [
    {
      "Sid": "S",
      "Effect": "Deny",
      "Principal": "*",
      "NotPrincipal": "*",
      "Action": [
        "kms:Encrypt"
      ],
      "NotAction": [
        "kms:Decrypt"
      ],
      "Resource": [
        "*"
      ],
      "NotResource": [
        "B",
        "Z",
        "_",
        "a",
        "b",
        "é"
      ]
    }
  ]
}
"#
        );
    }

    #[test]
    fn string_escaping() {
        let mut out = String::new();
        write_json_string(&mut out, "q\"b\\s/<>&\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}é日本😀\u{2028}");
        assert_eq!(out, "\"q\\\"b\\\\s/<>&\\b\\f\\n\\r\\t\\u0000\\u001f\u{7f}é日本😀\u{2028}\"");
        let b = B::new();
        let v = b.o(vec![("Id", b.s("a\"<b>\n"))]);
        assert_eq!(canon(&v), "{\n  \"Id\": \"a\\\"<b>\\n\"\n}\n");
    }

    #[test]
    fn document_set() {
        let set = |entries: &[(&str, String)]| {
            let mut set = DocumentSet::new(SetValues::Policies);
            let mut out = String::new();
            for (address, policy) in entries {
                set.entry(&mut out, address, policy);
            }
            out + &set.finish()
        };
        assert_eq!(set(&[]), "{}\n");
        let b = B::new();
        let at_entry_level = |v: &Value| {
            let (p, diags) = lower(v, "aws_kms_key.k");
            assert!(diags.is_empty(), "{diags:#?}");
            canonical_at(&p.expect("a policy"), "aws", 1)
        };
        let p1 = at_entry_level(&b.o(vec![("Version", b.s("2012-10-17"))]));
        let p2 =
            at_entry_level(&b.o(vec![("Statement", b.o(vec![("Effect", b.s("Allow")), ("Action", b.s("kms:*"))]))]));
        let empty = at_entry_level(&b.o(vec![]));
        let doc = set(&[("aws_kms_key.\"q\"", empty), ("aws_kms_key.a", p1), ("module.b.aws_kms_key.k", p2)]);
        assert_eq!(
            doc,
            r#"{
  "aws_kms_key.\"q\"": {},
  "aws_kms_key.a": {
    "Version": "2012-10-17"
  },
  "module.b.aws_kms_key.k": {
    "Statement": [
      {
        "Effect": "Allow",
        "Action": [
          "kms:*"
        ]
      }
    ]
  }
}
"#
        );
    }

    #[test]
    fn hand_built_duplicates_are_merged() {
        use crate::policy::ast::{PolicyString, Scalar, Statements};
        let s = |x: &str| Spanned::new(PolicyString::known(x, Scalar::String), None);
        let l = |xs: &[&str]| StringList { items: xs.iter().map(|x| s(x)).collect(), was_list: true, span: None };
        let name = |x: &str| Spanned::new(x.to_string(), None);
        let st = Statement {
            sid: None,
            effect: None,
            principal: Some(Spanned::new(
                Principal::Map(vec![
                    (name("Service"), l(&["b.amazonaws.com"])),
                    (name("AWS"), l(&["999988887777"])),
                    (name("Service"), l(&["a.amazonaws.com", "b.amazonaws.com"])),
                ]),
                None,
            )),
            not_principal: None,
            action: None,
            not_action: None,
            resource: None,
            not_resource: None,
            condition: Some(Spanned::new(
                vec![
                    ConditionBlock {
                        operator: name("StringEquals"),
                        entries: vec![(name("k2"), l(&["y"])), (name("k1"), l(&["x"]))],
                    },
                    ConditionBlock { operator: name("Bool"), entries: vec![(name("b"), l(&["true"]))] },
                    ConditionBlock { operator: name("StringEquals"), entries: vec![(name("k1"), l(&["w", "x"]))] },
                ],
                None,
            )),
            span: None,
        };
        let p = KeyPolicy {
            version: None,
            id: None,
            statement: Some(Statements { items: vec![st], was_object: false, span: None }),
            span: None,
        };
        insta::assert_snapshot!(canonical(&p, "aws-us-gov"));
    }
}
