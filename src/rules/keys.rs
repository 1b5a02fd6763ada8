//! Rules of the `keys` family.

use super::Rule;

/// The rules of this family.
pub static RULES: &[&Rule] = &[];
