//! What the rules look at besides policies: the settings of each key, the aliases, and
//! which resources use which key. Built once per module by `compile`, plain data.

use std::collections::{BTreeMap, HashMap};

use crate::compile::CompiledPolicy;
use crate::module::Module;
use crate::source::{SourceMap, Span};
use crate::value::Value;

/// A syntactic reference to a resource attribute (`aws_kms_key.app.arn`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The resource address without instance key (`aws_kms_key.app`).
    pub address: String,
    /// The attribute (`arn`, `key_id`, `id`, `name`, `target_key_arn`, ...).
    pub attribute: String,
    /// Where the reference is written.
    pub span: Option<Span>,
}

/// One instance of a KMS key resource (`aws_kms_key`, `aws_kms_replica_key`, ...).
#[derive(Clone, Debug)]
pub struct KeyInfo {
    /// Instance address (`aws_kms_key.app[0]`).
    pub address: String,
    /// The resource address without instance key (`aws_kms_key.app`).
    pub resource: String,
    /// Resource type (`aws_kms_key`).
    pub kind: String,
    /// Evaluated top-level arguments (`key_spec`, `key_usage`, `enable_key_rotation`, ...);
    /// each value's span points at where it was written.
    pub attrs: BTreeMap<String, Value>,
    /// Where each argument's name is written (for arguments present in the source).
    pub attr_spans: BTreeMap<String, Span>,
    /// The whole resource block.
    pub span: Option<Span>,
}

impl KeyInfo {
    /// A known string argument.
    pub fn str_attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).and_then(Value::as_str)
    }
    /// A known bool argument (`"true"` counts, as Terraform converts it).
    pub fn bool_attr(&self, name: &str) -> Option<bool> {
        let v = self.attrs.get(name)?;
        v.as_bool().or_else(|| match v.as_str()? {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        })
    }
    /// The effective key spec (`key_spec`, else the deprecated `customer_master_key_spec`,
    /// else AWS's default `SYMMETRIC_DEFAULT`), with the value it came from when written.
    pub fn key_spec(&self) -> (&str, Option<&Value>) {
        for name in ["key_spec", "customer_master_key_spec"] {
            if let Some(v) = self.attrs.get(name)
                && let Some(s) = v.as_str()
            {
                return (s, Some(v));
            }
        }
        ("SYMMETRIC_DEFAULT", None)
    }
}

/// One `aws_kms_alias` instance.
#[derive(Clone, Debug)]
pub struct AliasInfo {
    pub address: String,
    pub name: Option<Value>,
    pub name_prefix: Option<Value>,
    /// `target_key_id` when it refers to a resource of the module (or would: an undeclared
    /// `aws_kms_key.x` reference is kept so the rule can report it).
    pub target: Option<Reference>,
    /// The evaluated `target_key_id`.
    pub target_value: Option<Value>,
    pub span: Option<Span>,
}

/// An attribute of a resource that takes a KMS key and refers to one of the module's keys.
#[derive(Clone, Debug)]
pub struct KeyUse {
    /// The consumer's address (`aws_ebs_volume.data`).
    pub consumer: String,
    /// The attribute path (`kms_key_id`, `root_block_device.kms_key_id`).
    pub attribute: String,
    /// The key (or alias) referred to.
    pub reference: Reference,
    /// When the reference goes through an alias: the key the alias targets.
    pub via_alias: Option<Reference>,
}

/// Everything the rules see.
pub struct Analysis<'a> {
    pub sources: &'a SourceMap,
    pub module: &'a Module,
    pub policies: &'a [CompiledPolicy],
    pub keys: &'a [KeyInfo],
    pub aliases: &'a [AliasInfo],
    pub key_uses: &'a [KeyUse],
    /// `keys` by instance and by resource address, built on the first lookup: rules look
    /// keys up once per policy, alias and use, which a linear search made quadratic in
    /// the size of a module (20,000 keys, 20,000 aliases).
    key_index: std::sync::OnceLock<KeyIndex>,
}

#[derive(Default)]
struct KeyIndex {
    /// Instance address → index of its first entry in `keys`.
    by_address: HashMap<String, usize>,
    /// Resource address → indices of its instances in `keys`, in order.
    by_resource: HashMap<String, Vec<usize>>,
}

impl<'a> Analysis<'a> {
    pub fn new(
        sources: &'a SourceMap,
        module: &'a Module,
        policies: &'a [CompiledPolicy],
        keys: &'a [KeyInfo],
        aliases: &'a [AliasInfo],
        key_uses: &'a [KeyUse],
    ) -> Analysis<'a> {
        Analysis { sources, module, policies, keys, aliases, key_uses, key_index: std::sync::OnceLock::new() }
    }

    fn key_index(&self) -> &KeyIndex {
        self.key_index.get_or_init(|| {
            let mut index = KeyIndex::default();
            for (i, k) in self.keys.iter().enumerate() {
                index.by_address.entry(k.address.clone()).or_insert(i);
                index.by_resource.entry(k.resource.clone()).or_default().push(i);
            }
            index
        })
    }

    /// The key instance whose policy this is (same address), if any.
    pub fn key(&self, address: &str) -> Option<&'a KeyInfo> {
        self.key_index().by_address.get(address).map(|&i| &self.keys[i])
    }

    /// Every instance of the key resource `resource` (`aws_kms_key.app`), in order.
    pub fn key_instances(&self, resource: &str) -> impl Iterator<Item = &'a KeyInfo> + use<'a, '_> {
        let keys = self.keys;
        self.key_index().by_resource.get(resource).into_iter().flatten().map(move |&i| &keys[i])
    }
}
