//! KMS709 `deletion-window-out-of-range`.
//!
//! What it does: reports a `deletion_window_in_days` outside 7–30.
//!
//! Why is this bad: ScheduleKeyDeletion accepts a waiting period of 7 to 30 days only; the
//! provider rejects other values.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_key" "app" {
//!   deletion_window_in_days = 90 # at most 30
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{AtValue, whole_number};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS709",
        severity: Severity::Error,
        summary: "deletion window outside 7–30 days",
        explanation: "`deletion_window_in_days`, the waiting period before a key scheduled for deletion is deleted, must be between 7 and 30 days (30 when left out).\n\nWhy it matters: the provider rejects the value at plan time.\n\nExample:\n    deletion_window_in_days = 90\nFix:\n    deletion_window_in_days = 30",
    },
    name: "deletion-window-out-of-range",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for key in a.keys {
        let Some((days, v)) = whole_number(key, "deletion_window_in_days") else {
            continue;
        };
        if (7..=30).contains(&days) {
            continue;
        }
        let shown = super::number(v).map(|n| n.to_string()).unwrap_or_else(|| days.to_string());
        let bound = if days < 7 { "at least 7" } else { "at most 30" };
        out.push(
            RULE.diagnostic(format!("deletion window of {shown} days is out of range; it must be {bound} days"))
                .at_value(key, "deletion_window_in_days")
                .help("AWS accepts a deletion waiting period of 7 to 30 days")
                .resource(key.address.clone()),
        );
    }
}
