//! KMS707 `rotation-period-out-of-range`.
//!
//! What it does: reports a `rotation_period_in_days` outside 90–2560.
//!
//! Why is this bad: AWS accepts rotation periods from 90 to 2560 days only; the provider
//! or EnableKeyRotation rejects anything else.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_key" "app" {
//!   enable_key_rotation     = true
//!   rotation_period_in_days = 30 # at least 90
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{AtValue, whole_number};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS707",
        severity: Severity::Error,
        summary: "rotation period outside 90–2560 days",
        explanation: "`rotation_period_in_days` must be between 90 and 2560 (about seven years). The default is 365.\n\nWhy it matters: the provider or AWS rejects the value and the key's rotation is not configured.\n\nExample:\n    rotation_period_in_days = 30\nFix:\n    rotation_period_in_days = 90",
    },
    name: "rotation-period-out-of-range",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for key in a.keys {
        let Some((days, v)) = whole_number(key, "rotation_period_in_days") else {
            continue;
        };
        if (90..=2560).contains(&days) {
            continue;
        }
        let shown = super::number(v).map(|n| n.to_string()).unwrap_or_else(|| days.to_string());
        let bound = if days < 90 { "at least 90" } else { "at most 2560" };
        out.push(
            RULE.diagnostic(format!("rotation period of {shown} days is out of range; it must be {bound} days"))
                .at_value(key, "rotation_period_in_days")
                .help("AWS accepts rotation periods from 90 to 2560 days")
                .resource(key.address.clone()),
        );
    }
}
