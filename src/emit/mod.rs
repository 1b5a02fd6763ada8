//! Output formats for compiled policies.

pub mod canonical;

pub use canonical::{DocumentSet, SetValues, canonical, canonical_at, write_json_string};
