//! Helpers shared by integration tests.
//!
//! `reference_canonical` is an independent reference implementation of the canonical form
//! (CLI-CONTRACT.md, rules 1-11), applied to the JSON text of a policy.

use serde_json::Value as J;

/// Rule 10: escape only `"`, `\` and control characters.
fn string(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\u{8}' => o.push_str("\\b"),
            '\u{c}' => o.push_str("\\f"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn scalar(v: &J) -> String {
    match v {
        J::String(s) => s.clone(),
        J::Bool(b) => b.to_string(),
        J::Number(n) => n.to_string(),
        J::Null => "null".into(),
        other => other.to_string(),
    }
}

/// Rules 6-8: a sorted, de-duplicated list of strings.
fn list(v: &J, expand_account: bool) -> Vec<String> {
    let items: Vec<String> = match v {
        J::Array(a) => a.iter().map(scalar).collect(),
        other => vec![scalar(other)],
    };
    let mut items: Vec<String> = items
        .into_iter()
        .map(|s| {
            if expand_account && s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
                format!("arn:aws:iam::{s}:root")
            } else {
                s
            }
        })
        .collect();
    items.sort();
    items.dedup();
    items
}

fn write_list(out: &mut String, items: &[String], indent: usize) {
    if items.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push_str("[\n");
    for (i, s) in items.iter().enumerate() {
        out.push_str(&" ".repeat(indent + 2));
        out.push_str(&string(s));
        out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
    }
    out.push_str(&" ".repeat(indent));
    out.push(']');
}

/// Writes `members` as an object at `indent`; each member's value is pre-rendered.
fn write_object(out: &mut String, members: Vec<(String, String)>, indent: usize) {
    if members.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push_str("{\n");
    let n = members.len();
    for (i, (k, v)) in members.into_iter().enumerate() {
        out.push_str(&" ".repeat(indent + 2));
        out.push_str(&string(&k));
        out.push_str(": ");
        out.push_str(&v);
        out.push_str(if i + 1 < n { ",\n" } else { "\n" });
    }
    out.push_str(&" ".repeat(indent));
    out.push('}');
}

fn rendered_list(v: &J, indent: usize, expand: bool) -> String {
    let mut s = String::new();
    write_list(&mut s, &list(v, expand), indent);
    s
}

fn principal(v: &J, indent: usize) -> String {
    match v {
        J::String(s) if s == "*" => string("*"),
        J::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let members = keys.into_iter().map(|k| (k.clone(), rendered_list(&m[k], indent + 2, k == "AWS"))).collect();
            let mut s = String::new();
            write_object(&mut s, members, indent);
            s
        }
        other => string(&scalar(other)),
    }
}

fn statement(st: &J, indent: usize) -> String {
    let m = st.as_object().expect("statement object");
    let mut members = Vec::new();
    for key in
        ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]
    {
        let Some(v) = m.get(key) else { continue };
        let rendered = match key {
            "Sid" | "Effect" => string(&scalar(v)),
            "Principal" | "NotPrincipal" => principal(v, indent + 2),
            "Condition" => {
                let ops = v.as_object().expect("condition object");
                let mut names: Vec<&String> = ops.keys().collect();
                names.sort();
                let members = names
                    .into_iter()
                    .map(|op| {
                        let keys = ops[op].as_object().expect("condition keys");
                        let mut ks: Vec<&String> = keys.keys().collect();
                        ks.sort();
                        let inner =
                            ks.into_iter().map(|k| (k.clone(), rendered_list(&keys[k], indent + 6, false))).collect();
                        let mut s = String::new();
                        write_object(&mut s, inner, indent + 4);
                        (op.clone(), s)
                    })
                    .collect();
                let mut s = String::new();
                write_object(&mut s, members, indent + 2);
                s
            }
            _ => rendered_list(v, indent + 2, false),
        };
        members.push((key.to_string(), rendered));
    }
    let mut s = String::new();
    write_object(&mut s, members, indent);
    s
}

pub fn reference_canonical(text: &str) -> String {
    let doc: J = serde_json::from_str(text).expect("Terraform's JSON");
    let m = doc.as_object().expect("policy object");
    let mut members = Vec::new();
    for key in ["Version", "Id"] {
        if let Some(v) = m.get(key) {
            members.push((key.to_string(), string(&scalar(v))));
        }
    }
    if let Some(st) = m.get("Statement") {
        let items: Vec<&J> = match st {
            J::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        let mut s = String::new();
        if items.is_empty() {
            s.push_str("[]");
        } else {
            s.push_str("[\n");
            for (i, it) in items.iter().enumerate() {
                s.push_str("    ");
                s.push_str(&statement(it, 4));
                s.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            s.push_str("  ]");
        }
        members.push(("Statement".to_string(), s));
    }
    let mut out = String::new();
    write_object(&mut out, members, 0);
    out.push('\n');
    out
}
