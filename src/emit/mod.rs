//! Output formats for compiled policies.

pub mod canonical;

pub use canonical::{DocumentSet, SetValues, canonical, canonical_document_set, write_json_string};
