//! Rules of the `principals` family.

use super::Rule;

/// The rules of this family.
pub static RULES: &[&Rule] = &[];
