//! KMS708 `rotation-period-without-rotation`.
//!
//! What it does: reports `rotation_period_in_days` on a key whose automatic rotation is not
//! enabled (`enable_key_rotation` left out or `false`).
//!
//! Why is this bad: the period only applies to automatic rotation; without
//! `enable_key_rotation = true` the key never rotates, whatever the period says.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_key" "app" {
//!   rotation_period_in_days = 180 # but rotation is off
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{AtValue, set, value_span};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS708",
        severity: Severity::Warning,
        summary: "rotation period set without rotation enabled",
        explanation: "A key sets `rotation_period_in_days` but not `enable_key_rotation = true`.\n\nWhy it matters: the period is only used by automatic rotation, which is off by default; the configuration reads as if the key rotated, and it does not.\n\nExample:\n    rotation_period_in_days = 180\nFix:\n    enable_key_rotation     = true\n    rotation_period_in_days = 180",
    },
    name: "rotation-period-without-rotation",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for key in a.keys {
        if set(key, "rotation_period_in_days").is_none() {
            continue;
        }
        let enabled = match set(key, "enable_key_rotation") {
            None if key.attr_spans.contains_key("enable_key_rotation")
                && !key.attrs.contains_key("enable_key_rotation") =>
            {
                continue; // written but failed to evaluate: already reported
            }
            None => Some(false),
            Some(_) => key.bool_attr("enable_key_rotation"),
        };
        if enabled != Some(false) {
            continue;
        }
        let d = RULE
            .diagnostic("`rotation_period_in_days` has no effect: automatic rotation is not enabled")
            .at_value(key, "rotation_period_in_days");
        let d = if key.attrs.contains_key("enable_key_rotation") {
            d.label(value_span(key, "enable_key_rotation"), "rotation disabled here")
                .help("set `enable_key_rotation = true`, or remove `rotation_period_in_days`")
        } else {
            d.help("add `enable_key_rotation = true`, or remove `rotation_period_in_days`")
        };
        out.push(d.resource(key.address.clone()));
    }
}
