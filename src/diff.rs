//! `kmsc diff`: what changed in the meaning of key policies.
//!
//! Both sides are normalised ([`crate::semantics::normalize`]), so that differences AWS
//! does not see (statement order, a string for a list of one, duplicates, an account ID
//! for its root ARN, `true` for `"true"`, the case of action names) vanish. Statements are
//! matched by content first (a statement whose `Sid` alone changed is the same
//! statement), then by `Sid`; what is left was added or removed. The effect on access is
//! the difference of the two [`crate::semantics::access`] summaries, per principal.
//! `Id` is an identifier with no effect on access and is not compared.

use std::collections::{BTreeMap, BTreeSet};

use crate::semantics::{
    self, Access, Grants, PolicySet, SemPolicy, SemStatement, When, Who, describe_actions, strings_json,
};

/// How one key compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Equivalent,
    Changed,
    /// Only in NEW.
    Added,
    /// Only in OLD.
    Removed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Equivalent => "equivalent",
            Status::Changed => "changed",
            Status::Added => "added",
            Status::Removed => "removed",
        }
    }
}

/// The items of one statement member that were added and removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// A statement present on both sides (same `Sid`) with a different content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangedStatement {
    pub old: SemStatement,
    pub new: SemStatement,
    pub changes: Vec<FieldChange>,
}

/// What one principal gained and lost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessChange {
    pub who: Who,
    pub gained: BTreeSet<String>,
    pub lost: BTreeSet<String>,
    /// Grants limited by conditions (or resources): gained and lost per limit.
    pub limited: Vec<(When, BTreeSet<String>, BTreeSet<String>)>,
}

/// The comparison of one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyDiff {
    pub address: Option<String>,
    pub status: Status,
    /// `(old, new)` when `Version` changed.
    pub version: Option<(Option<String>, Option<String>)>,
    pub added: Vec<SemStatement>,
    pub removed: Vec<SemStatement>,
    pub changed: Vec<ChangedStatement>,
    /// Statements of the same content whose `Sid` changed: `(old, new)`.
    pub renamed: Vec<(Option<String>, Option<String>)>,
    pub access: Vec<AccessChange>,
    pub caveats_added: Vec<String>,
    pub caveats_removed: Vec<String>,
}

/// The comparison of every pair of keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub keys: Vec<KeyDiff>,
}

impl Report {
    /// Whether every pair means the same.
    pub fn equivalent(&self) -> bool {
        self.keys.iter().all(|k| k.status == Status::Equivalent)
    }

    /// The report for people.
    pub fn human(&self) -> String {
        let mut out = String::new();
        if self.keys.is_empty() {
            out.push_str("no key policies to compare\n");
        }
        for (i, k) in self.keys.iter().enumerate() {
            if i > 0 && k.status != Status::Equivalent {
                out.push('\n');
            }
            k.write_human(&mut out);
        }
        out
    }

    /// The report for tools: `{"equivalent": bool, "keys": [...]}`.
    pub fn json(&self) -> String {
        let keys: Vec<serde_json::Value> = self.keys.iter().map(KeyDiff::to_json).collect();
        let doc = serde_json::json!({ "equivalent": self.equivalent(), "keys": keys });
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
        s.push('\n');
        s
    }
}

impl KeyDiff {
    fn write_human(&self, out: &mut String) {
        let head = |what: &str| match &self.address {
            Some(a) => format!("{a}: {what}\n"),
            None => format!("{what}\n"),
        };
        out.push_str(&head(match self.status {
            Status::Equivalent => "policies are equivalent",
            Status::Changed => "policies differ",
            Status::Added => "only in NEW",
            Status::Removed => "only in OLD",
        }));
        for (old, new) in &self.renamed {
            let name = |s: &Option<String>| s.as_ref().map_or("(no Sid)".to_string(), |s| format!("\"{s}\""));
            out.push_str(&format!("  note: statement {} is now {}\n", name(old), name(new)));
        }
        if self.status == Status::Equivalent {
            return;
        }
        if let Some((old, new)) = &self.version {
            let v = |s: &Option<String>| s.clone().unwrap_or_else(|| "(none)".to_string());
            out.push_str(&format!("  Version: {} -> {}\n", v(old), v(new)));
        }
        if !(self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()) {
            out.push_str("  statements:\n");
            for s in &self.removed {
                write_statement(out, '-', s);
            }
            for c in &self.changed {
                out.push_str(&format!("    ~ {}\n", c.new.label()));
                for f in &c.changes {
                    for x in &f.removed {
                        out.push_str(&format!("        - {} {x}\n", f.field));
                    }
                    for x in &f.added {
                        out.push_str(&format!("        + {} {x}\n", f.field));
                    }
                }
            }
            for s in &self.added {
                write_statement(out, '+', s);
            }
        }
        if self.access.is_empty() {
            out.push_str("  access: unchanged\n");
        } else {
            out.push_str("  access:\n");
            for a in &self.access {
                out.push_str(&format!("    {}\n", a.who));
                for x in describe_actions(&a.lost) {
                    out.push_str(&format!("      - {x}\n"));
                }
                for x in describe_actions(&a.gained) {
                    out.push_str(&format!("      + {x}\n"));
                }
                for (when, gained, lost) in &a.limited {
                    out.push_str(&format!("      when {}:\n", when.summary()));
                    for x in describe_actions(lost) {
                        out.push_str(&format!("        - {x}\n"));
                    }
                    for x in describe_actions(gained) {
                        out.push_str(&format!("        + {x}\n"));
                    }
                }
            }
        }
        if !(self.caveats_added.is_empty() && self.caveats_removed.is_empty()) {
            out.push_str("  caveats:\n");
            for c in &self.caveats_removed {
                out.push_str(&format!("    - {c}\n"));
            }
            for c in &self.caveats_added {
                out.push_str(&format!("    + {c}\n"));
            }
        }
    }

    fn to_json(&self) -> serde_json::Value {
        let statements =
            |v: &[SemStatement]| -> Vec<serde_json::Value> { v.iter().map(SemStatement::to_json).collect() };
        let changed: Vec<serde_json::Value> = self
            .changed
            .iter()
            .map(|c| {
                let changes: Vec<serde_json::Value> = c
                    .changes
                    .iter()
                    .map(|f| {
                        serde_json::json!({
                            "field": f.field,
                            "added": strings_json(f.added.iter()),
                            "removed": strings_json(f.removed.iter()),
                        })
                    })
                    .collect();
                serde_json::json!({
                    "sid": c.new.sid,
                    "old": c.old.to_json(),
                    "new": c.new.to_json(),
                    "changes": changes,
                })
            })
            .collect();
        let renamed: Vec<serde_json::Value> =
            self.renamed.iter().map(|(o, n)| serde_json::json!({ "old": o, "new": n })).collect();
        let access: Vec<serde_json::Value> = self
            .access
            .iter()
            .map(|a| {
                let mut m = a.who.to_json();
                m.insert("gained".into(), strings_json(a.gained.iter()));
                m.insert("lost".into(), strings_json(a.lost.iter()));
                let limited: Vec<serde_json::Value> = a
                    .limited
                    .iter()
                    .map(|(w, g, l)| {
                        serde_json::json!({
                            "when": w.to_json(),
                            "gained": strings_json(g.iter()),
                            "lost": strings_json(l.iter()),
                        })
                    })
                    .collect();
                m.insert("conditional".into(), limited.into());
                serde_json::Value::Object(m)
            })
            .collect();
        serde_json::json!({
            "address": self.address,
            "status": self.status.as_str(),
            "version": self.version.as_ref().map(|(o, n)| serde_json::json!({ "old": o, "new": n })),
            "statements": {
                "added": statements(&self.added),
                "removed": statements(&self.removed),
                "changed": changed,
                "renamed": renamed,
            },
            "access": access,
            "caveats": {
                "added": strings_json(self.caveats_added.iter()),
                "removed": strings_json(self.caveats_removed.iter()),
            },
        })
    }
}

fn write_statement(out: &mut String, sign: char, s: &SemStatement) {
    out.push_str(&format!("    {sign} {}\n", s.label()));
    for (field, items) in s.fields() {
        for x in items {
            out.push_str(&format!("        {field} {x}\n"));
        }
    }
}

/// Compares two policies (a missing side is a key that does not exist there).
pub fn diff_policies(address: Option<String>, old: Option<&SemPolicy>, new: Option<&SemPolicy>) -> KeyDiff {
    let empty = SemPolicy::default();
    let status = match (old, new) {
        (Some(o), Some(n)) if o.equivalent(n) => Status::Equivalent,
        (Some(_), Some(_)) => Status::Changed,
        (None, _) => Status::Added,
        (_, None) => Status::Removed,
    };
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let version =
        (old.is_some() && new.is_some() && o.version != n.version).then(|| (o.version.clone(), n.version.clone()));
    let mut diff = KeyDiff {
        address,
        status,
        version,
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        renamed: Vec::new(),
        access: Vec::new(),
        caveats_added: Vec::new(),
        caveats_removed: Vec::new(),
    };
    match_statements(&o.statements, &n.statements, &mut diff);
    let (ao, an) = (semantics::access(o), semantics::access(n));
    diff.access = access_changes(&ao, &an);
    let caveats = |a: &Access| -> BTreeSet<String> { a.caveats.iter().map(|c| c.message.clone()).collect() };
    let (co, cn) = (caveats(&ao), caveats(&an));
    diff.caveats_added = cn.difference(&co).cloned().collect();
    diff.caveats_removed = co.difference(&cn).cloned().collect();
    diff
}

fn match_statements(old: &[SemStatement], new: &[SemStatement], diff: &mut KeyDiff) {
    let mut old_left: Vec<Option<&SemStatement>> = old.iter().map(Some).collect();
    let mut new_left: Vec<Option<&SemStatement>> = new.iter().map(Some).collect();
    // 1. The same content (the same `Sid` preferred), 2. the same content, 3. the same `Sid`.
    for pass in 0..3 {
        for o in old_left.iter_mut() {
            let Some(os) = *o else { continue };
            let found = new_left.iter_mut().find(|n| {
                n.is_some_and(|ns| match pass {
                    0 => ns.same_content(os) && ns.sid == os.sid,
                    1 => ns.same_content(os),
                    _ => os.sid.is_some() && ns.sid == os.sid,
                })
            });
            let Some(n) = found else { continue };
            let ns = n.take().expect("found a statement");
            *o = None;
            match pass {
                0 => {}
                1 => diff.renamed.push((os.sid.clone(), ns.sid.clone())),
                _ => diff.changed.push(ChangedStatement {
                    old: os.clone(),
                    new: ns.clone(),
                    changes: field_changes(os, ns),
                }),
            }
        }
    }
    diff.removed = old_left.into_iter().flatten().cloned().collect();
    diff.added = new_left.into_iter().flatten().cloned().collect();
    // Shown by `Sid` (statements without one last), then by content.
    let by_sid = |a: &SemStatement, b: &SemStatement| (a.sid.is_none(), &a.sid, a).cmp(&(b.sid.is_none(), &b.sid, b));
    diff.removed.sort_by(by_sid);
    diff.added.sort_by(by_sid);
    diff.changed.sort_by(|a, b| by_sid(&a.new, &b.new));
}

fn field_changes(old: &SemStatement, new: &SemStatement) -> Vec<FieldChange> {
    let (fo, fnew) = (old.fields(), new.fields());
    let items = |f: &[(&'static str, Vec<String>)], name: &str| -> Vec<String> {
        f.iter().filter(|(n, _)| *n == name).flat_map(|(_, v)| v.clone()).collect()
    };
    let mut out = Vec::new();
    for field in ["Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]
    {
        let (a, b) = (items(&fo, field), items(&fnew, field));
        // Action names compare case-insensitively.
        let key = |s: &String| {
            if field.ends_with("Action") { s.to_ascii_lowercase() } else { s.clone() }
        };
        let ka: BTreeSet<String> = a.iter().map(key).collect();
        let kb: BTreeSet<String> = b.iter().map(key).collect();
        let added: Vec<String> = b.iter().filter(|x| !ka.contains(&key(x))).cloned().collect();
        let removed: Vec<String> = a.iter().filter(|x| !kb.contains(&key(x))).cloned().collect();
        if !added.is_empty() || !removed.is_empty() {
            out.push(FieldChange { field, added, removed });
        }
    }
    out
}

fn access_changes(old: &Access, new: &Access) -> Vec<AccessChange> {
    let empty = Grants::default();
    let whos: BTreeSet<&Who> = old.principals.keys().chain(new.principals.keys()).collect();
    let mut out = Vec::new();
    for who in whos {
        let o = old.principals.get(who).unwrap_or(&empty);
        let n = new.principals.get(who).unwrap_or(&empty);
        let gained: BTreeSet<String> = n.always.difference(&o.always).cloned().collect();
        let lost: BTreeSet<String> = o.always.difference(&n.always).cloned().collect();
        let whens: BTreeSet<&When> = o.limited.keys().chain(n.limited.keys()).collect();
        let none = BTreeSet::new();
        let mut limited = Vec::new();
        for w in whens {
            let lo = o.limited.get(w).unwrap_or(&none);
            let ln = n.limited.get(w).unwrap_or(&none);
            let g: BTreeSet<String> = ln.difference(lo).cloned().collect();
            let l: BTreeSet<String> = lo.difference(ln).cloned().collect();
            if !g.is_empty() || !l.is_empty() {
                limited.push((w.clone(), g, l));
            }
        }
        if !gained.is_empty() || !lost.is_empty() || !limited.is_empty() {
            out.push(AccessChange { who: who.clone(), gained, lost, limited });
        }
    }
    out
}

/// Pairs the policies of two inputs by address and compares each pair. With `key`, only
/// that address; a lone policy document pairs with the lone policy of the other side.
pub fn diff_sets(old: &PolicySet, new: &PolicySet, key: Option<&str>) -> Result<Report, String> {
    let pairs: Vec<(Option<String>, Option<&crate::policy::KeyPolicy>, Option<&crate::policy::KeyPolicy>)> =
        if key.is_some() || old.lone().is_some() || new.lone().is_some() {
            let (o, n) = (old.select(key)?, new.select(key)?);
            match (o.as_slice(), n.as_slice()) {
                ([(ao, po)], [(an, pn)]) => {
                    vec![(ao.clone().or_else(|| an.clone()), Some(*po), Some(*pn))]
                }
                _ => {
                    let (one, many) = if o.len() == 1 { (old, &n) } else { (new, &o) };
                    let other = if o.len() == 1 { new } else { old };
                    return Err(format!(
                        "`{}` is one policy but `{}` has {}; choose one with `--key ADDRESS`",
                        one.label,
                        other.label,
                        many.len()
                    ));
                }
            }
        } else {
            let mut by_address: BTreeMap<&str, (Option<&crate::policy::KeyPolicy>, Option<&crate::policy::KeyPolicy>)> =
                BTreeMap::new();
            for l in &old.policies {
                by_address.entry(l.address.as_deref().unwrap_or("")).or_default().0 = Some(old.policy_of(l)?);
            }
            for l in &new.policies {
                by_address.entry(l.address.as_deref().unwrap_or("")).or_default().1 = Some(new.policy_of(l)?);
            }
            by_address.into_iter().map(|(a, (o, n))| (Some(a.to_string()), o, n)).collect()
        };
    let keys = pairs
        .into_iter()
        .map(|(address, o, n)| {
            let o = o.map(|p| semantics::normalize(p, semantics::PARTITION));
            let n = n.map(|p| semantics::normalize(p, semantics::PARTITION));
            diff_policies(address, o.as_ref(), n.as_ref())
        })
        .collect();
    Ok(Report { keys })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(json: &str) -> SemPolicy {
        let v = crate::json::decode(json).expect("valid JSON");
        let (p, diags) = crate::policy::lower(&v, "k");
        assert!(diags.is_empty(), "{diags:#?}");
        semantics::normalize(&p.expect("a policy"), "aws")
    }

    fn diff(a: &str, b: &str) -> KeyDiff {
        diff_policies(None, Some(&policy(a)), Some(&policy(b)))
    }

    const BASE: &str = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:role/app"]}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": "kms:CreateGrant", "Resource": "*",
         "Condition": {"Bool": {"kms:GrantIsForAWSResource": true}}}
    ]}"#;

    #[test]
    fn equivalent_spellings_are_equivalent() {
        let other = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:role/app"]}, "Action": ["kms:creategrant"], "Resource": ["*"],
             "Condition": {"Bool": {"kms:grantisforawsresource": "true"}}},
            {"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": ["kms:Decrypt", "kms:Encrypt", "kms:Decrypt"], "Resource": "*"},
            {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:*", "Resource": "*"}
        ]}"#;
        let d = diff(BASE, other);
        assert_eq!(d.status, Status::Equivalent, "{d:#?}");
        assert!(d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty() && d.access.is_empty());
    }

    #[test]
    fn a_new_principal_gains_its_actions() {
        let new = BASE.replace(
            r#"["arn:aws:iam::111122223333:role/app"]"#,
            r#"["arn:aws:iam::111122223333:role/app", "arn:aws:iam::111122223333:role/new"]"#,
        );
        let d = diff(BASE, &new);
        assert_eq!(d.status, Status::Changed);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(
            d.changed[0].changes,
            vec![FieldChange {
                field: "Principal",
                added: vec!["arn:aws:iam::111122223333:role/new".to_string()],
                removed: vec![],
            }]
        );
        assert_eq!(d.access.len(), 1);
        assert_eq!(d.access[0].who.to_string(), "arn:aws:iam::111122223333:role/new");
        let gained: Vec<&str> = d.access[0].gained.iter().map(String::as_str).collect();
        assert_eq!(gained, ["kms:Decrypt", "kms:Encrypt"]);
        assert!(Report { keys: vec![d] }.human().contains("+ kms:Decrypt"));
    }

    #[test]
    fn a_renamed_statement_is_the_same_statement() {
        let d = diff(BASE, &BASE.replace("\"Use\"", "\"UseTheKey\""));
        assert_eq!(d.status, Status::Equivalent);
        assert_eq!(d.renamed, vec![(Some("Use".to_string()), Some("UseTheKey".to_string()))]);
    }

    #[test]
    fn statements_without_sid_are_added_and_removed() {
        let new = BASE.replace("kms:CreateGrant", "kms:ListGrants");
        let d = diff(BASE, &new);
        assert_eq!((d.added.len(), d.removed.len(), d.changed.len()), (1, 1, 0));
        let a = &d.access[0];
        assert!(a.gained.is_empty() && a.lost.is_empty());
        assert_eq!(a.limited.len(), 1);
        assert_eq!(a.limited[0].0.summary(), "Bool kms:GrantIsForAWSResource = true");
        assert!(a.limited[0].1.contains("kms:ListGrants"));
        assert!(a.limited[0].2.contains("kms:CreateGrant"));
    }

    #[test]
    fn an_unconditional_deny_takes_actions_away() {
        let new = format!(
            r#"{}, {{"Sid": "NoDecrypt", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}}]}}"#,
            BASE.strip_suffix("]}").unwrap()
        );
        let d = diff(BASE, &new);
        let lost: Vec<(String, Vec<&String>)> =
            d.access.iter().map(|a| (a.who.to_string(), a.lost.iter().collect())).collect();
        assert_eq!(lost.len(), 2, "{lost:?}");
        assert!(lost.iter().all(|(_, l)| l == &[&"kms:Decrypt".to_string()]));
    }

    #[test]
    fn version_changes_are_differences() {
        let d = diff(BASE, &BASE.replace("2012-10-17", "2008-10-17"));
        assert_eq!(d.status, Status::Changed);
        assert!(d.version.is_some());
        assert!(d.access.is_empty());
    }

    #[test]
    fn json_report_has_the_changes() {
        let new = BASE.replace("\"kms:Encrypt\", ", "");
        let r = Report { keys: vec![diff(BASE, &new)] };
        let v: serde_json::Value = serde_json::from_str(&r.json()).unwrap();
        assert_eq!(v["equivalent"], false);
        assert_eq!(v["keys"][0]["statements"]["changed"][0]["changes"][0]["removed"][0], "kms:Encrypt");
        assert_eq!(v["keys"][0]["access"][0]["lost"][0], "kms:Encrypt");
    }
}
