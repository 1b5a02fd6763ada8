//! Extracts key settings, aliases and key uses from a module for the rules.

use crate::analysis::{AliasInfo, KeyInfo, KeyUse};
use crate::eval::Evaluator;
use crate::module::Module;

/// Key instances, alias instances and the attributes of other resources that use a key.
pub fn collect(ev: &mut Evaluator, module: &Module) -> (Vec<KeyInfo>, Vec<AliasInfo>, Vec<KeyUse>) {
    let _ = (ev, module);
    (Vec::new(), Vec::new(), Vec::new())
}
