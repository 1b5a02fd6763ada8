//! Rules of the `principals` family: `Principal` and `NotPrincipal`.
//!
//! The helpers here walk every principal identifier, recognise placeholders left from
//! documentation or tutorials (`[ACCOUNT_ID]`, `123456789012`, `【アカウントID】`) and take
//! IAM ARNs apart.

use std::borrow::Cow;

use super::conditions::statements;
use super::{Ctx, Rule};
use crate::compile::CompiledPolicy;
use crate::policy::ast::{PolicyString, Principal, Spanned};
use crate::source::{SourceMap, Span};
use crate::value::Part;

mod malformed_principal_arn;
mod malformed_service_principal;
mod not_principal_with_allow;
mod placeholder_account;
mod wildcard_principal;

/// The rules of this family.
pub static RULES: &[&Rule] = &[
    &placeholder_account::RULE,
    &malformed_principal_arn::RULE,
    &malformed_service_principal::RULE,
    &wildcard_principal::RULE,
    &not_principal_with_allow::RULE,
];

/// One identifier of a `Principal` or `NotPrincipal` object.
pub(crate) struct PrincipalRef<'a> {
    pub policy: &'a CompiledPolicy,
    /// `AWS`, `Service`, `Federated`, `CanonicalUser` (or whatever was written).
    pub kind: &'a Spanned<String>,
    pub id: &'a Spanned<PolicyString>,
    /// `placeholder(id, kind)`.
    pub placeholder: Option<Placeholder>,
}

/// Every identifier of every principal object, in order (computed once per run).
pub(crate) fn identifiers<'c, 'a>(a: &'c Ctx<'a>) -> &'c [PrincipalRef<'a>] {
    a.identifiers.get_or_init(|| {
        let mut out = Vec::new();
        for s in statements(a) {
            let st = s.statement;
            for p in [&st.principal, &st.not_principal] {
                let Some(Spanned { node: Principal::Map(kinds), .. }) = p else {
                    continue;
                };
                for (kind, list) in kinds {
                    for id in &list.items {
                        let placeholder = placeholder(&id.node, kind);
                        out.push(PrincipalRef { policy: s.policy, kind, id, placeholder });
                    }
                }
            }
        }
        out
    })
}

/// The part of `span` whose source text is `needle`, when `needle` occurs exactly once in
/// it (a literal without escapes); otherwise `span` itself.
pub(crate) fn narrow(sources: &SourceMap, span: Option<Span>, needle: &str) -> Option<Span> {
    let s = span?;
    let text = sources.text(s);
    if needle.is_empty() || text.matches(needle).count() != 1 {
        return Some(s);
    }
    let at = text.find(needle)?;
    let start = s.start as usize + at;
    Some(Span::new(s.file, start, start + needle.len()))
}

/// An ARN taken apart (`arn:partition:service:region:account:resource`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

/// Splits an ARN into its six fields; `None` when `s` is not `arn:` and five more fields.
pub(crate) fn parse_arn(s: &str) -> Option<Arn<'_>> {
    let mut rest = s.strip_prefix("arn:")?;
    let mut next = || {
        let i = rest.bytes().position(|b| b == b':')?;
        let field = &rest[..i];
        rest = &rest[i + 1..];
        Some(field)
    };
    let (partition, service, region, account) = (next()?, next()?, next()?, next()?);
    Some(Arn { partition, service, region, account, resource: rest })
}

/// Whether `s` is a 12-digit account ID.
pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Stands for an unknown part of a string while looking for placeholders.
const UNKNOWN: char = '\u{1}';
const UNKNOWN_TEXT: &str = "\u{1}";

/// A placeholder found in a principal identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Placeholder {
    /// The placeholder as written (`[アカウントID]`, `123456789012`).
    pub text: String,
    /// It stands where the account ID belongs (the account field of an ARN, or a whole
    /// bare `AWS` value).
    pub in_account: bool,
    /// It is `123456789012`, the example account of AWS's documentation.
    pub example_account: bool,
}

const BRACKETS: &[(char, char)] =
    &[('[', ']'), ('<', '>'), ('{', '}'), ('【', '】'), ('［', '］'), ('〔', '〕'), ('＜', '＞'), ('｛', '｝')];

/// The byte range of the account field of an ARN-like text (`arn:p:s:r:ACCOUNT:...`).
fn account_range(text: &str) -> Option<(usize, usize)> {
    if !text.starts_with("arn:") {
        return None;
    }
    let mut colons = text.bytes().enumerate().filter(|(_, b)| *b == b':').map(|(i, _)| i);
    let a = colons.nth(3)?;
    Some((a + 1, colons.next().unwrap_or(text.len())))
}

/// Whether a whole account field is a placeholder word: `ACCOUNT_ID`, `AccountId`,
/// `your-account-id`, `xxxxxxxxxxxx`.
fn placeholder_word(field: &str) -> bool {
    if field.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    field.as_bytes().windows(7).any(|w| w.eq_ignore_ascii_case(b"account"))
        || (field.len() >= 3 && field.bytes().all(|b| b == b'x' || b == b'X'))
}

/// A placeholder in a principal identifier of kind `kind`, if any. Only the known parts of
/// the identifier are looked at.
pub(crate) fn placeholder(id: &PolicyString, kind: &str) -> Option<Placeholder> {
    let text: Cow<'_, str> = match id.parts.as_slice() {
        [] => Cow::Borrowed(""),
        [Part::Known(s)] => Cow::Borrowed(s),
        parts => Cow::Owned(
            parts
                .iter()
                .map(|p| match p {
                    Part::Known(s) => s.as_str(),
                    Part::Unknown(_) => UNKNOWN_TEXT,
                })
                .collect(),
        ),
    };
    let text = text.as_ref();
    let iam_kind = kind == "AWS" || kind == "Federated";
    let account = account_range(text)
        .filter(|_| iam_kind)
        .or_else(|| (kind == "AWS" && !text.contains([':', '/', '.'])).then_some((0, text.len())));
    let in_account = |at: usize| account.is_some_and(|(a, b)| a <= at && at < b.max(a + 1));
    let found =
        |at: usize, t: &str| Placeholder { text: t.to_string(), in_account: in_account(at), example_account: false };
    // Brackets and non-ASCII text: none in most identifiers.
    let plain = !text.bytes().any(|b| matches!(b, b'[' | b'<' | b'{') || !b.is_ascii());
    // Brackets around a description: `[ACCOUNT_ID]`, `<account-id>`, `【アカウントID】`.
    let mut best: Option<(usize, usize)> = None;
    for (open, close) in BRACKETS.iter().filter(|_| !plain) {
        for (i, _) in text.match_indices(*open) {
            let Some(j) = text[i + open.len_utf8()..].find(*close) else {
                continue;
            };
            let end = i + open.len_utf8() + j + close.len_utf8();
            if !text[i..end].contains(UNKNOWN) && best.is_none_or(|(b, _)| i < b) {
                best = Some((i, end));
            }
        }
    }
    if let Some((i, end)) = best {
        return Some(found(i, &text[i..end]));
    }
    // Non-ASCII text (IAM names and ARNs are ASCII): the segment that holds it.
    let non_ascii = if plain { None } else { text.char_indices().find(|(_, c)| !c.is_ascii()) };
    if let Some((i, _)) = non_ascii {
        let start = text[..i].rfind([':', '/']).map_or(0, |x| x + 1);
        let end = text[i..].find([':', '/']).map_or(text.len(), |x| i + x);
        let segment = &text[start..end];
        if !segment.contains(UNKNOWN) {
            return Some(found(start, segment));
        }
        let run_end = text[i..].find(|c: char| c.is_ascii()).map_or(text.len(), |x| i + x);
        return Some(found(i, &text[i..run_end]));
    }
    // The account field itself.
    let (a, b) = account?;
    let field = &text[a..b];
    if field.contains(UNKNOWN) {
        return None;
    }
    if field == "123456789012" {
        return Some(Placeholder { example_account: true, ..found(a, field) });
    }
    placeholder_word(field).then(|| found(a, field))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::ast::Scalar;

    fn known(s: &str) -> PolicyString {
        PolicyString::known(s, Scalar::String)
    }

    fn text(s: &str, kind: &str) -> Option<(String, bool)> {
        placeholder(&known(s), kind).map(|p| (p.text, p.in_account))
    }

    #[test]
    fn placeholders_are_found() {
        let some = |t: &str, acct: bool| Some((t.to_string(), acct));
        assert_eq!(text("arn:aws:iam::[アカウントID]:root", "AWS"), some("[アカウントID]", true));
        assert_eq!(text("arn:aws:iam::【アカウントID】:root", "AWS"), some("【アカウントID】", true));
        assert_eq!(text("arn:aws:iam::［ACCOUNT_ID］:root", "AWS"), some("［ACCOUNT_ID］", true));
        assert_eq!(text("arn:aws:iam::<account-id>:role/admin", "AWS"), some("<account-id>", true));
        assert_eq!(text("arn:aws:iam::111122223333:user/CPI-HIG[IAMユーザー]", "AWS"), some("[IAMユーザー]", false));
        assert_eq!(text("arn:aws:iam::アカウントID:root", "AWS"), some("アカウントID", true));
        assert_eq!(text("arn:aws:iam::ACCOUNT_ID:root", "AWS"), some("ACCOUNT_ID", true));
        assert_eq!(text("arn:aws:iam::AccountId:root", "AWS"), some("AccountId", true));
        assert_eq!(text("arn:aws:iam::xxxxxxxxxxxx:root", "AWS"), some("xxxxxxxxxxxx", true));
        assert_eq!(text("XXXXXXXXXXXX", "AWS"), some("XXXXXXXXXXXX", true));
        assert_eq!(text("account-id", "AWS"), some("account-id", true));
        assert_eq!(text("{ACCOUNT_ID}.amazonaws.com", "Service"), some("{ACCOUNT_ID}", false));
        let example = placeholder(&known("arn:aws:iam::123456789012:root"), "AWS").unwrap();
        assert!(example.example_account && example.in_account);
        for clean in [
            "arn:aws:iam::111122223333:root",
            "111122223333",
            "*",
            "arn:aws:iam::111122223333:role/account-reader",
            "logs.amazonaws.com",
        ] {
            assert_eq!(text(clean, "AWS"), None, "{clean}");
        }
    }

    #[test]
    fn unknown_parts_are_not_placeholders() {
        let id = PolicyString::from_parts(vec![
            Part::Known("arn:aws:iam::".into()),
            Part::Unknown("data.aws_caller_identity.current.account_id".into()),
            Part::Known(":root".into()),
        ]);
        assert_eq!(placeholder(&id, "AWS"), None);
        let id = PolicyString::from_parts(vec![
            Part::Known("arn:aws:iam::[ACCOUNT]:role/".into()),
            Part::Unknown("var.role".into()),
        ]);
        assert_eq!(placeholder(&id, "AWS").map(|p| p.text), Some("[ACCOUNT]".to_string()));
    }

    #[test]
    fn arns_are_taken_apart() {
        let arn = parse_arn("arn:aws:iam::111122223333:role/path/name").unwrap();
        assert_eq!(
            (arn.partition, arn.service, arn.region, arn.account, arn.resource),
            ("aws", "iam", "", "111122223333", "role/path/name")
        );
        assert_eq!(parse_arn("arn:aws:iam::111122223333"), None);
        assert_eq!(parse_arn("111122223333"), None);
    }
}
