//! Rules of the `grammar` family.

use super::Rule;

/// The rules of this family.
pub static RULES: &[&Rule] = &[];
