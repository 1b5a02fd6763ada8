//! What it does: reports characters KMS does not accept in a key policy: anything outside
//! U+0020–U+00FF (printable ASCII and Latin-1) except tab, line feed and carriage return.
//!
//! Why is this bad: AWS rejects the policy (MalformedPolicyDocumentException). Such
//! characters usually arrive by copy and paste: typographic quotes and dashes, non-ASCII
//! text in a `Sid`, a zero-width space in an ARN.
//!
//! Example:
//! ```hcl
//! Sid = "Allow use of the key — application"
//! ```
//! Use instead:
//! ```hcl
//! Sid = "Allow use of the key - application"
//! ```

use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{policies, policy_strings};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS113",
        severity: Severity::Error,
        summary: "the policy contains a character KMS does not accept",
        explanation: "A string of the policy contains a character outside what KMS accepts in a key policy: printable ASCII and Latin-1 (U+0020 to U+00FF), tab, line feed and carriage return.\n\nWhy it matters: AWS rejects the policy with MalformedPolicyDocumentException. Such characters usually come from copy and paste: typographic quotes and dashes, a non-breaking or zero-width space, non-Latin text in a `Sid`.\n\nExample:\n    Sid = \"Allow use of the key — application\"\nFix:\n    Sid = \"Allow use of the key - application\"",
    },
    name: "invalid-character",
    check,
};

/// Whether KMS accepts `c` in a key policy.
pub(crate) fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}')
}

/// The first character of `s` KMS does not accept, if any.
fn disallowed(s: &str) -> Option<char> {
    // Most text is printable ASCII only: tested eight bytes at a time.
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = s.as_bytes().chunks_exact(8);
    let printable = words.all(|w| {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        // No byte at or above 0x80, and (exactly when so) none below 0x20.
        (w | (w.wrapping_sub(ONES * 0x20) & !w)) & HIGH == 0
    }) && words.remainder().iter().all(|b| (0x20..0x80).contains(b));
    if printable {
        return None;
    }
    s.chars().find(|&c| !allowed(c))
}

/// An ASCII replacement for common look-alikes.
fn replacement(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{2032}' => "'",
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{2033}' => "\"",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => "-",
        '\u{2026}' => "...",
        '\u{2002}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => " ",
        '\u{ff0a}' => "*",
        '\u{ff1a}' => ":",
        _ => return None,
    })
}

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    for (cp, policy) in policies(a) {
        for s in policy_strings(policy) {
            let Some(c) = s.find_map_part(disallowed) else { continue };
            // Non-ASCII in a principal ARN is a placeholder finding (KMS201) already.
            if s.what.in_principal() && s.parts().next().is_some_and(|p| p.starts_with("arn:")) {
                continue;
            }
            // `jsonencode` writes some characters as `\uXXXX` escapes (U+2028, U+2029,
            // control characters): the document KMS receives is then plain ASCII there.
            if cp.terraform.as_ref().is_some_and(|t| !t.contains(c)) {
                continue;
            }
            let code = format!("U+{:04X}", c as u32);
            let shown = if c.is_control() || c.is_whitespace() || is_invisible(c) {
                code.clone()
            } else {
                format!("{code} (`{c}`)")
            };
            let help = match replacement(c) {
                Some(r) => format!("replace it with `{r}`: KMS accepts only printable ASCII and Latin-1 (U+0020 to U+00FF), tab, line feed and carriage return"),
                None if is_invisible(c) => "remove it: KMS accepts only printable ASCII and Latin-1 (U+0020 to U+00FF), tab, line feed and carriage return".to_string(),
                None => "use only printable ASCII and Latin-1 (U+0020 to U+00FF), tab, line feed and carriage return".to_string(),
            };
            out.push(
                RULE.diagnostic(format!(
                    "{} contains {shown}, a character KMS does not accept in a key policy",
                    s.what
                ))
                .at(s.span.or(policy.span).or(cp.span))
                .help(help)
                .resource(&cp.address),
            );
        }
    }
}

/// Zero-width and formatting characters, invisible in an editor.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{202a}'..='\u{202e}')
}

#[cfg(test)]
mod tests {
    use super::super::{diagnostics_of, key_with};
    use super::allowed;

    #[test]
    fn accepted_characters() {
        for c in ['\t', '\n', '\r', ' ', '~', '\u{7f}', 'é', '\u{ff}'] {
            assert!(allowed(c), "{c:?}");
        }
        for c in ['\u{0}', '\u{1f}', '\u{100}', '\u{2014}', '😀'] {
            assert!(!allowed(c), "{c:?}");
        }
    }

    /// Non-ASCII in a principal ARN is KMS201's (placeholder) finding, not reported twice.
    #[test]
    fn names_the_character_and_the_string() {
        let st = "{ Sid = \"Allow use of the key \u{2014} app\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:role/app\u{200b}\", Service = \"logs\u{200b}.amazonaws.com\" }, Action = \"kms:Decrypt\", Resource = \"*\" }";
        let d = diagnostics_of("KMS113", &key_with(st));
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "`Sid` contains U+2014 (`\u{2014}`), a character KMS does not accept in a key policy",
                "`Principal.Service` contains U+200B, a character KMS does not accept in a key policy",
            ]
        );
        assert_eq!(d[0].help.as_deref().map(|h| h.starts_with("replace it with `-`")), Some(true));
    }

    #[test]
    fn characters_jsonencode_escapes_are_fine() {
        let st = "{ Sid = \"a\u{2028}b\", Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::111122223333:role/app\" }, Action = \"kms:Decrypt\", Resource = \"*\" }";
        assert!(diagnostics_of("KMS113", &key_with(st)).is_empty());
    }
}
