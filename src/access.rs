//! `kmsc access`: for every principal of each key policy, the KMS actions it is allowed and
//! what limits them (see [`crate::semantics::access`]).

use crate::semantics::{self, Access, PolicySet, describe_actions};

/// Width of the actions column before it wraps.
const ACTIONS_WIDTH: usize = 56;

/// The access summary of every selected key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessReport {
    /// `(address, summary)`; a lone policy document has no address.
    pub keys: Vec<(Option<String>, Access)>,
}

/// Summarises the policies of `set` (only `key`'s when given).
pub fn access_report(set: &PolicySet, key: Option<&str>) -> Result<AccessReport, String> {
    let keys = set
        .select(key)?
        .into_iter()
        .map(|(address, p)| (address, semantics::access(&semantics::normalize(p, semantics::PARTITION))))
        .collect();
    Ok(AccessReport { keys })
}

impl AccessReport {
    /// A table per key: principal, actions, conditions; then the caveats.
    pub fn human(&self) -> String {
        let mut out = String::new();
        if self.keys.is_empty() {
            out.push_str("no key policies\n");
        }
        for (i, (address, access)) in self.keys.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(address.as_deref().unwrap_or("policy"));
            out.push('\n');
            if access.principals.is_empty() {
                out.push_str("  no principal is allowed anything\n");
            } else {
                out.push_str(&table(access));
            }
            if !access.caveats.is_empty() {
                out.push_str("  caveats:\n");
                for c in &access.caveats {
                    out.push_str(&format!("    - {c}\n"));
                }
            }
        }
        out
    }

    /// `{"<address>": {"principals": [...], "caveats": [...]}}`; a lone policy document is
    /// keyed `""`.
    pub fn json(&self) -> String {
        let mut doc = serde_json::Map::new();
        for (address, access) in &self.keys {
            doc.insert(address.clone().unwrap_or_default(), access_json(access));
        }
        let mut s = serde_json::to_string_pretty(&serde_json::Value::Object(doc)).unwrap_or_default();
        s.push('\n');
        s
    }
}

fn access_json(access: &Access) -> serde_json::Value {
    let principals: Vec<serde_json::Value> = access
        .principals
        .iter()
        .map(|(who, g)| {
            let mut m = who.to_json();
            m.insert("actions".into(), semantics::strings_json(g.always.iter()));
            let all = semantics::describe_actions(&g.always).first().is_some_and(|d| d == "all KMS actions (kms:*)");
            m.insert("all_actions".into(), all.into());
            let limited: Vec<serde_json::Value> = g
                .limited
                .iter()
                .map(|(w, a)| serde_json::json!({ "when": w.to_json(), "actions": semantics::strings_json(a.iter()) }))
                .collect();
            m.insert("conditional".into(), limited.into());
            serde_json::Value::Object(m)
        })
        .collect();
    let caveats: Vec<serde_json::Value> =
        access.caveats.iter().map(|c| serde_json::json!({ "sid": c.sid, "message": c.message })).collect();
    serde_json::json!({ "principals": principals, "caveats": caveats })
}

/// Joins `items` with `, `, wrapping lines at `width`.
fn wrap(items: &[String], width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() { format!("{item},") } else { item.clone() };
        if !cur.is_empty() && cur.len() + 1 + piece.len() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&piece);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The principals of one key as a three-column table.
fn table(access: &Access) -> String {
    // One row per grant: (principal lines, action lines, condition lines); an empty row
    // between principals.
    let mut rows: Vec<[Vec<String>; 3]> =
        vec![[vec!["PRINCIPAL".to_string()], vec!["ACTIONS".to_string()], vec!["CONDITIONS".to_string()]]];
    for (i, (who, g)) in access.principals.iter().enumerate() {
        if i > 0 {
            rows.push([vec![String::new()], Vec::new(), Vec::new()]);
        }
        let mut first = true;
        let mut principal = || {
            let p = if first { vec![who.to_string()] } else { Vec::new() };
            first = false;
            p
        };
        if !g.always.is_empty() || g.limited.is_empty() {
            let actions = if g.always.is_empty() {
                vec!["none (all denied)".to_string()]
            } else {
                wrap(&describe_actions(&g.always), ACTIONS_WIDTH)
            };
            rows.push([principal(), actions, vec!["-".to_string()]]);
        }
        for (when, actions) in &g.limited {
            rows.push([principal(), wrap(&describe_actions(actions), ACTIONS_WIDTH), when.lines()]);
        }
    }
    let width = |col: usize| rows.iter().flat_map(|r| r[col].iter()).map(|s| s.chars().count()).max().unwrap_or(0);
    let (w0, w1) = (width(0), width(1));
    let mut out = String::new();
    for r in &rows {
        let height = r.iter().map(Vec::len).max().unwrap_or(1);
        for i in 0..height {
            let cell = |c: usize| r[c].get(i).map_or("", String::as_str);
            let line = format!("  {:<w0$}   {:<w1$}   {}", cell(0), cell(1), cell(2));
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::{Who, normalize};

    fn access_of(json: &str) -> Access {
        let v = crate::json::decode(json).expect("valid JSON");
        let (p, diags) = crate::policy::lower(&v, "k");
        assert!(diags.is_empty(), "{diags:#?}");
        semantics::access(&normalize(&p.expect("a policy"), "aws"))
    }

    fn report(json: &str) -> AccessReport {
        AccessReport { keys: vec![(Some("aws_kms_key.k".to_string()), access_of(json))] }
    }

    #[test]
    fn wildcards_not_action_and_deny() {
        let a = access_of(
            r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:*", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ops"}, "NotAction": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": "kms:ReEncrypt*", "Resource": "*"},
            {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ops"}, "Action": "kms:ScheduleKeyDeletion", "Resource": "*"}
        ]}"#,
        );
        let root =
            Who::Principal(semantics::PrincipalId { kind: "AWS".into(), id: "arn:aws:iam::111122223333:root".into() });
        assert_eq!(a.principals[&root].always.len(), 56);
        let app = a.principals.iter().find(|(w, _)| w.to_string().ends_with("role/app")).unwrap().1;
        let app: Vec<&str> = app.always.iter().map(String::as_str).collect();
        assert_eq!(app, ["kms:ReEncryptFrom", "kms:ReEncryptTo"]);
        let ops = a.principals.iter().find(|(w, _)| w.to_string().ends_with("role/ops")).unwrap().1;
        assert_eq!(ops.always.len(), 53);
        assert!(!ops.always.contains("kms:Decrypt") && !ops.always.contains("kms:ScheduleKeyDeletion"));
        assert!(a.caveats.is_empty());
    }

    #[test]
    fn a_deny_on_the_account_covers_its_roles() {
        let a = access_of(
            r#"{"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"},
            {"Effect": "Deny", "Principal": {"AWS": "111122223333"}, "Action": "kms:Decrypt", "Resource": "*"}
        ]}"#,
        );
        let (_, g) = a.principals.iter().next().unwrap();
        assert_eq!(g.always.iter().collect::<Vec<_>>(), ["kms:Encrypt"]);
    }

    #[test]
    fn conditions_not_principal_and_caveats() {
        let r = report(
            r#"{"Statement": [
            {"Sid": "Svc", "Effect": "Allow", "Principal": {"Service": "logs.amazonaws.com"}, "Action": ["kms:Encrypt*", "kms:Decrypt"], "Resource": "*",
             "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:*"}}},
            {"Sid": "Everyone", "Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/x"}, "Action": "kms:DescribeKey", "Resource": "*"},
            {"Sid": "Org", "Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-123"}}}
        ]}"#,
        );
        insta::assert_snapshot!(r.human(), @r#"
        aws_kms_key.k
          PRINCIPAL                                          ACTIONS                    CONDITIONS
          Service:logs.amazonaws.com                         kms:Decrypt, kms:Encrypt   ArnLike kms:EncryptionContext:aws:logs:arn = arn:aws:logs:*

          everyone except arn:aws:iam::111122223333:role/x   kms:DescribeKey            -
          caveats:
            - statement "Org": denies all KMS actions (kms:*) to * when StringNotEquals aws:PrincipalOrgID = o-123; not subtracted
        "#);
        let v: serde_json::Value = serde_json::from_str(&r.json()).unwrap();
        let k = &v["aws_kms_key.k"];
        assert_eq!(k["principals"][0]["type"], "Service");
        assert_eq!(k["principals"][0]["conditional"][0]["actions"][1], "kms:Encrypt");
        assert_eq!(k["principals"][1]["type"], "NotPrincipal");
        assert_eq!(k["caveats"][0]["sid"], "Org");
    }

    #[test]
    fn unknown_actions_are_shown_as_written() {
        let v = crate::json::decode(
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}"#,
        )
        .unwrap();
        let (p, _) = crate::policy::lower(&v, "k");
        let mut p = p.unwrap();
        let st = &mut p.statement.as_mut().unwrap().items[0];
        st.action
            .as_mut()
            .unwrap()
            .items
            .push(crate::policy::Spanned::new(crate::policy::PolicyString::unknown("var.actions"), None));
        let a = semantics::access(&normalize(&p, "aws"));
        let g = &a.principals[&Who::Everyone];
        assert_eq!(g.always.iter().collect::<Vec<_>>(), ["${var.actions}", "kms:Decrypt"]);
    }

    #[test]
    fn wrapping_keeps_lines_short() {
        let items: Vec<String> = (0..10).map(|i| format!("kms:Action{i}")).collect();
        let lines = wrap(&items, 30);
        assert!(lines.iter().all(|l| l.len() <= 30), "{lines:?}");
        assert_eq!(lines.join(" "), items.join(", "));
    }
}
