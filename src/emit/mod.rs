//! Output formats for compiled policies.

pub mod canonical;

pub use canonical::{canonical, canonical_document_set, write_json_string};
