//! KMS712 `xks-key-without-custom-key-store`.
//!
//! What it does: reports `xks_key_id` on a key without `custom_key_store_id`.
//!
//! Why is this bad: an external key (`xks_key_id`) only exists in an external key store,
//! which the key names with `custom_key_store_id`; AWS rejects CreateKey without it.
//!
//! Example:
//! ```hcl
//! resource "aws_kms_key" "xks" {
//!   xks_key_id = "bb8562717f809024" # needs custom_key_store_id
//! }
//! ```

use crate::analysis::Analysis;
use crate::diagnostic::{CodeInfo, Diagnostic, Severity};
use crate::rules::{Ctx, Rule};

use super::{AtValue, set, surely_set};

pub static RULE: Rule = Rule {
    info: CodeInfo {
        code: "KMS712",
        severity: Severity::Error,
        summary: "`xks_key_id` without `custom_key_store_id`",
        explanation: "A key sets `xks_key_id` (the ID of the key in an external key manager) but not `custom_key_store_id`, the external key store that reaches it.\n\nWhy it matters: AWS rejects CreateKey: an external key ID means nothing outside an external key store.\n\nExample:\n    xks_key_id = \"bb8562717f809024\"\nFix:\n    custom_key_store_id = aws_kms_custom_key_store.xks.id\n    xks_key_id          = \"bb8562717f809024\"",
    },
    name: "xks-key-without-custom-key-store",
    check,
};

fn check(a: &Ctx, out: &mut Vec<Diagnostic>) {
    super::once_per_resource(a, out, find);
}

fn find(a: &Analysis, out: &mut Vec<Diagnostic>) {
    for key in a.keys {
        if surely_set(key, "xks_key_id").is_none() {
            continue;
        }
        // Written but not evaluated (an error already reported), or set: nothing to say.
        if set(key, "custom_key_store_id").is_some()
            || (key.attr_spans.contains_key("custom_key_store_id") && !key.attrs.contains_key("custom_key_store_id"))
        {
            continue;
        }
        out.push(
            RULE.diagnostic("`xks_key_id` needs `custom_key_store_id`, the external key store that holds the key")
                .at_value(key, "xks_key_id")
                .help("add `custom_key_store_id` naming the external key store")
                .resource(key.address.clone()),
        );
    }
}
