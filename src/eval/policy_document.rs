//! `data "aws_iam_policy_document"`, evaluated as the AWS provider (v5.100) reads it.
//!
//! The block is evaluated with Terraform's types (`actions` a set of strings, `principals`
//! a set of blocks, ...), turned into the provider's document model (statements whose
//! members are a string or a list of strings), merged with `source_policy_documents` and
//! `override_policy_documents` by Sid, and marshalled as Go's `encoding/json` does: members
//! in the provider's struct order, `json` indented with two spaces, `minified_json` without
//! whitespace. The rules of each step are those written in
//! `tests/data/oracle/README.md` (section policy-document).
//!
//! The result is the data source's object (`json`, `minified_json`, `id`, ...). Both JSON
//! strings carry in [`Value::encoded`] the structured document with the span of the HCL
//! that produced each part, so that a policy lowered from it reports findings in the data
//! block. When anything in the block is unknown until apply, Terraform reads the data
//! source during apply: the strings are then unknown, but the structure is still given,
//! with unknown parts kept as unknown values.

use std::collections::BTreeMap;
use std::sync::Arc;

use hcl::edit::expr::Expression;
use hcl::edit::structure::{Block, Body};

use super::{EvalResult, Evaluator, Reported, Scope};
use crate::diagnostic::{Diagnostic, codes};
use crate::module::Resource;
use crate::number::Number;
use crate::source::{FileId, Span};
use crate::value::{Part, Type, Value, ValueKind};

/// The evaluation state of one data block, cached on the evaluator.
#[derive(Clone, Debug)]
pub(crate) enum DocState {
    InProgress,
    Done(Value),
    Failed,
}

const DEFAULT_VERSION: &str = "2012-10-17";
const VERSIONS: &[&str] = &["2008-10-17", "2012-10-17"];

const DOC_ATTRS: &[&str] = &[
    "version",
    "policy_id",
    "source_policy_documents",
    "override_policy_documents",
    "count",
    "for_each",
    "depends_on",
    "provider",
];
const DOC_BLOCKS: &[&str] = &["statement", "lifecycle"];
const STATEMENT_ATTRS: &[&str] = &["sid", "effect", "actions", "not_actions", "resources", "not_resources"];
const STATEMENT_BLOCKS: &[&str] = &["principals", "not_principals", "condition"];
const PRINCIPAL_ATTRS: &[&str] = &["type", "identifiers"];
const CONDITION_ATTRS: &[&str] = &["test", "variable", "values"];

// ---------------------------------------------------------------------------------------
// The provider's document model
// ---------------------------------------------------------------------------------------

/// A JSON value as the provider writes it: object members in the order written.
#[derive(Clone, Debug)]
enum Node {
    /// A string, number, bool or null, or a value unknown until apply.
    Leaf(Value),
    Array(Vec<Node>, Option<Span>),
    Object(Vec<(String, Node)>, Option<Span>),
}

/// The provider's `any` holding a string or a `[]string` (principal identifiers,
/// condition values).
#[derive(Clone, Debug)]
enum Strings {
    One(Value),
    Many(Vec<Value>, Option<Span>),
    /// The whole list is unknown until apply.
    Unknown(Value),
}

impl Strings {
    /// One string for a list of one (the provider collapses it), the list otherwise.
    fn collapse(mut items: Vec<Value>, span: Option<Span>) -> Strings {
        if items.len() == 1 { Strings::One(items.remove(0)) } else { Strings::Many(items, span) }
    }

    fn node(self) -> Node {
        match self {
            Strings::One(v) | Strings::Unknown(v) => Node::Leaf(v),
            Strings::Many(items, span) => Node::Array(items.into_iter().map(Node::Leaf).collect(), span),
        }
    }
}

/// A principal entry: one `principals` block, or one kind of a decoded `Principal`.
#[derive(Clone, Debug)]
struct Principal {
    ty: String,
    ids: Strings,
    /// The block (or the decoded value).
    span: Option<Span>,
    /// Where the type is written: the span given to a list of identifiers of that type.
    ty_span: Option<Span>,
}

/// A condition entry: one `condition` block, or one key of a decoded `Condition`.
#[derive(Clone, Debug)]
struct Condition {
    test: String,
    variable: String,
    values: Strings,
    span: Option<Span>,
    test_span: Option<Span>,
    variable_span: Option<Span>,
}

/// A set of principal or condition entries, or something unknown until apply in their
/// place (an unknown `for_each`, type or test).
#[derive(Clone, Debug)]
enum Entries<T> {
    Items(Vec<T>),
    Unknown(Value),
}

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries::Items(Vec::new())
    }
}

#[derive(Clone, Debug)]
struct Statement {
    /// `""` when absent.
    sid: Value,
    effect: Value,
    action: Option<Node>,
    not_action: Option<Node>,
    resource: Option<Node>,
    not_resource: Option<Node>,
    principals: Entries<Principal>,
    not_principals: Entries<Principal>,
    conditions: Entries<Condition>,
    span: Option<Span>,
}

#[derive(Clone, Debug)]
enum Item {
    Known(Box<Statement>),
    /// Statements unknown until apply (an unknown `for_each`, source document, ...).
    Unknown(Value),
}

impl Item {
    /// The statement's Sid when known and not empty.
    fn sid(&self) -> Option<&str> {
        match self {
            Item::Known(st) => st.sid.as_str().filter(|s| !s.is_empty()),
            Item::Unknown(_) => None,
        }
    }
}

#[derive(Clone, Debug)]
struct Doc {
    version: Value,
    id: Value,
    statements: Vec<Item>,
}

impl Doc {
    fn empty() -> Doc {
        Doc { version: Value::string(""), id: Value::string(""), statements: Vec::new() }
    }

    /// `IAMPolicyDoc.Merge`: adopt a non-empty Id, let a greater Version win, replace the
    /// statement with the same non-empty Sid in place, append the others.
    fn merge(&mut self, new: Doc) {
        if !is_empty(&new.id) {
            self.id = new.id;
        }
        let upgrade = match (new.version.as_str(), self.version.as_str()) {
            (Some(n), Some(o)) => n > o,
            (Some(_), None) => false,
            (None, _) => true,
        };
        if upgrade {
            self.version = new.version;
        }
        for st in new.statements {
            let at = st.sid().and_then(|sid| self.statements.iter().position(|x| x.sid() == Some(sid)));
            match at {
                Some(i) => self.statements[i] = st,
                None => self.statements.push(st),
            }
        }
    }
}

/// A known empty string or null: left out of the output (`omitempty`).
fn is_empty(v: &Value) -> bool {
    v.is_null() || v.as_str() == Some("")
}

// ---------------------------------------------------------------------------------------
// Marshalling
// ---------------------------------------------------------------------------------------

fn doc_node(doc: Doc, span: Option<Span>) -> Node {
    let mut members = Vec::new();
    if !is_empty(&doc.version) {
        members.push(("Version".to_string(), Node::Leaf(doc.version)));
    }
    if !is_empty(&doc.id) {
        members.push(("Id".to_string(), Node::Leaf(doc.id)));
    }
    if !doc.statements.is_empty() {
        let items = doc
            .statements
            .into_iter()
            .map(|it| match it {
                Item::Known(st) => statement_node(*st),
                Item::Unknown(v) => Node::Leaf(v),
            })
            .collect();
        members.push(("Statement".to_string(), Node::Array(items, span)));
    }
    Node::Object(members, span)
}

fn statement_node(st: Statement) -> Node {
    let mut m = Vec::new();
    let span = st.span;
    if !is_empty(&st.sid) {
        m.push(("Sid".to_string(), Node::Leaf(st.sid)));
    }
    if !is_empty(&st.effect) {
        m.push(("Effect".to_string(), Node::Leaf(st.effect)));
    }
    for (name, v) in [
        ("Action", st.action),
        ("NotAction", st.not_action),
        ("Resource", st.resource),
        ("NotResource", st.not_resource),
    ] {
        if let Some(v) = v {
            m.push((name.to_string(), v));
        }
    }
    if let Some(p) = principals_node(st.principals) {
        m.push(("Principal".to_string(), p));
    }
    if let Some(p) = principals_node(st.not_principals) {
        m.push(("NotPrincipal".to_string(), p));
    }
    if let Some(c) = conditions_node(st.conditions) {
        m.push(("Condition".to_string(), c));
    }
    Node::Object(m, span)
}

/// Appends `new` to what a member accumulated so far, as the provider's `MarshalJSON`
/// of principals and conditions does (a string and a string make a list).
fn accumulate(slot: &mut Option<Strings>, new: Strings, list_span: Option<Span>) {
    let next = match (slot.take(), new) {
        (Some(Strings::Unknown(v)), _) | (_, Strings::Unknown(v)) => Strings::Unknown(v),
        (None, Strings::Many(items, span)) => Strings::Many(items, span.or(list_span)),
        (None, one) => one,
        (Some(Strings::One(a)), Strings::One(b)) => Strings::Many(vec![a, b], list_span),
        (Some(Strings::One(a)), Strings::Many(items, _)) => {
            let mut all = vec![a];
            all.extend(items);
            Strings::Many(all, list_span)
        }
        (Some(Strings::Many(mut all, span)), Strings::One(b)) => {
            all.push(b);
            Strings::Many(all, span)
        }
        (Some(Strings::Many(mut all, span)), Strings::Many(items, _)) => {
            all.extend(items);
            Strings::Many(all, span)
        }
    };
    *slot = Some(next);
}

fn principals_node(entries: Entries<Principal>) -> Option<Node> {
    let ps = match entries {
        Entries::Unknown(v) => return Some(Node::Leaf(v)),
        Entries::Items(ps) if ps.is_empty() => return None,
        Entries::Items(ps) => ps,
    };
    // Only a lone `*` principal of type `*` is written as `"*"`.
    if let [p] = ps.as_slice()
        && p.ty == "*"
    {
        let star = match &p.ids {
            Strings::One(v) => v.as_str() == Some("*"),
            Strings::Many(items, _) => items.len() == 1 && items[0].as_str() == Some("*"),
            Strings::Unknown(_) => false,
        };
        if star {
            return Some(Node::Leaf(Value::string("*").with_span(p.span)));
        }
    }
    let span = ps.first().and_then(|p| p.span);
    let mut raw: Members = BTreeMap::new();
    for p in ps {
        let ids = match p.ids {
            Strings::Many(items, s) => Strings::Many(sort_reversed(items), s),
            other => other,
        };
        accumulate(raw.entry(p.ty).or_default(), ids, p.ty_span);
    }
    let members = raw.into_iter().filter_map(|(k, v)| v.map(|v| (k, v.node()))).collect();
    Some(Node::Object(members, span))
}

/// The accumulated members of a principal or condition-operator object.
type Members = BTreeMap<String, Option<Strings>>;

fn conditions_node(entries: Entries<Condition>) -> Option<Node> {
    let cs = match entries {
        Entries::Unknown(v) => return Some(Node::Leaf(v)),
        Entries::Items(cs) if cs.is_empty() => return None,
        Entries::Items(cs) => cs,
    };
    let span = cs.first().and_then(|c| c.span);
    let mut raw: BTreeMap<String, (Option<Span>, Members)> = BTreeMap::new();
    for c in cs {
        let (_, vars) = raw.entry(c.test).or_insert_with(|| (c.test_span, BTreeMap::new()));
        accumulate(vars.entry(c.variable).or_default(), c.values, c.variable_span);
    }
    let members = raw
        .into_iter()
        .map(|(test, (tspan, vars))| {
            let inner = vars.into_iter().filter_map(|(k, v)| v.map(|v| (k, v.node()))).collect();
            (test, Node::Object(inner, tspan))
        })
        .collect();
    Some(Node::Object(members, span))
}

/// Known strings sorted by bytes and reversed (Go's `sort.Reverse(sort.StringSlice)`),
/// then the values not known yet, in their order.
fn sort_reversed(items: Vec<Value>) -> Vec<Value> {
    let (mut known, unknown): (Vec<Value>, Vec<Value>) = items.into_iter().partition(|v| v.as_str().is_some());
    known.sort_by(|a, b| b.as_str().unwrap_or("").as_bytes().cmp(a.as_str().unwrap_or("").as_bytes()));
    known.extend(unknown);
    known
}

/// Go's `json.Marshal` (`indent` false) or `json.MarshalIndent(v, "", "  ")`; `None` when
/// something is unknown until apply.
fn render(node: &Node, indent: bool) -> Option<String> {
    let mut out = String::new();
    write_node(node, &mut out, indent.then_some(0))?;
    Some(out)
}

fn newline(out: &mut String, level: Option<usize>) {
    if let Some(l) = level {
        out.push('\n');
        for _ in 0..l {
            out.push_str("  ");
        }
    }
}

fn write_node(node: &Node, out: &mut String, level: Option<usize>) -> Option<()> {
    let inner = level.map(|l| l + 1);
    match node {
        Node::Leaf(v) => write_leaf(v, out)?,
        Node::Array(items, _) if items.is_empty() => out.push_str("[]"),
        Node::Object(members, _) if members.is_empty() => out.push_str("{}"),
        Node::Array(items, _) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, inner);
                write_node(item, out, inner)?;
            }
            newline(out, level);
            out.push(']');
        }
        Node::Object(members, _) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, inner);
                crate::json::encode_string(out, k);
                out.push_str(if level.is_some() { ": " } else { ":" });
                write_node(v, out, inner)?;
            }
            newline(out, level);
            out.push('}');
        }
    }
    Some(())
}

fn write_leaf(v: &Value, out: &mut String) -> Option<()> {
    match &v.kind {
        ValueKind::String(s) => crate::json::encode_string(out, s),
        ValueKind::Unknown(_) | ValueKind::Partial(_) => return None,
        _ => out.push_str(&crate::json::encode(v).ok()?),
    }
    Some(())
}

/// The structured document as a value (what the JSON says), for lowering.
fn node_value(node: &Node) -> Value {
    match node {
        Node::Leaf(v) => v.clone(),
        Node::Array(items, span) => Value::tuple(items.iter().map(node_value).collect()).with_span(*span),
        Node::Object(members, span) => {
            Value::object(members.iter().map(|(k, v)| (k.clone(), node_value(v))).collect::<crate::value::Members>())
                .with_span(*span)
        }
    }
}

/// A decoded JSON value held in the provider's `any`: written back as it was read.
fn any_node(v: &Value) -> Node {
    match &v.kind {
        ValueKind::Tuple(items) | ValueKind::List(items) | ValueKind::Set(items) => {
            Node::Array(items.iter().map(any_node).collect(), v.span)
        }
        ValueKind::Object(m) | ValueKind::Map(m) => {
            Node::Object(m.iter().map(|(k, x)| (k.clone(), any_node(x))).collect(), v.span)
        }
        _ => Node::Leaf(v.clone()),
    }
}

// ---------------------------------------------------------------------------------------
// terraform-plugin-sdk set order
// ---------------------------------------------------------------------------------------

/// CRC-32 (IEEE), as `hashcode.String` computes it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// The set code of a serialised element: the CRC-32 in decimal, compared as a string.
fn set_code(serialised: &str) -> String {
    crc32(serialised.as_bytes()).to_string()
}

/// Strings of a set in the SDK's order (each hashed as `value;`), duplicates removed.
fn sdk_string_set_order(items: &[&str]) -> Vec<String> {
    let mut coded: Vec<(String, &str)> = items.iter().map(|s| (set_code(&format!("{s};")), *s)).collect();
    coded.sort_by(|a, b| a.0.cmp(&b.0));
    coded.dedup_by(|a, b| a.0 == b.0);
    coded.into_iter().map(|(_, s)| s.to_string()).collect()
}

/// Orders set elements by their SDK set code and drops elements with the same code.
/// Elements without a code (something unknown) keep their order, and then nothing is
/// reordered.
fn sdk_set_order<T>(items: Vec<(Option<String>, T)>) -> Vec<T> {
    if items.iter().any(|(c, _)| c.is_none()) {
        return items.into_iter().map(|(_, t)| t).collect();
    }
    let mut items = items;
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items.dedup_by(|a, b| a.0 == b.0);
    items.into_iter().map(|(_, t)| t).collect()
}

fn known_strs(items: &[Value]) -> Option<Vec<&str>> {
    items.iter().map(Value::as_str).collect()
}

// ---------------------------------------------------------------------------------------
// Evaluation of the block
// ---------------------------------------------------------------------------------------

/// What is being evaluated for one instance of the data block.
struct Ctx {
    file: FileId,
    /// The document's own `version` when known (for the `&{` check).
    version: Option<String>,
    /// Something in the block is unknown until apply: the JSON is too.
    unknown: bool,
    failed: bool,
}

/// Blocks after `dynamic` expansion, in source order.
enum Expanded<T> {
    Block(T),
    /// A `dynamic` block whose `for_each` is unknown until apply.
    Unknown(Value),
}

type BlockFn<'f, 'a, T> =
    dyn FnMut(&mut Evaluator<'a>, &mut Ctx, &Body, Option<Span>, &Scope) -> Result<T, Reported> + 'f;

/// A `principals` block as written.
struct PrincipalBlock {
    ty: Value,
    ids: Value,
    span: Option<Span>,
    ty_span: Option<Span>,
}

/// A `condition` block as written.
struct ConditionBlock {
    test: Value,
    variable: Value,
    values: Value,
    span: Option<Span>,
    test_span: Option<Span>,
    variable_span: Option<Span>,
}

impl<'a> Evaluator<'a> {
    /// The value of `data.aws_iam_policy_document.NAME` (an object; a tuple or object of
    /// them with `count` or `for_each`), evaluated once. `span` is where it is used.
    pub(crate) fn policy_document(&mut self, res: &Resource, span: Option<Span>) -> EvalResult {
        let address = res.address();
        match self.policy_documents.get(&address) {
            Some(DocState::Done(v)) => return Ok(v.clone()),
            Some(DocState::Failed) => return Err(Reported),
            Some(DocState::InProgress) => {
                return Err(self.error(
                    codes::UNDEFINED,
                    span,
                    format!("`{address}` refers to itself (a cycle through `source_policy_documents` or `override_policy_documents`)"),
                ));
            }
            None => {}
        }
        self.policy_documents.insert(address.clone(), DocState::InProgress);
        let saved_resource = self.resource.take();
        let saved_depth = self.depth;
        let result = self.policy_document_instances(res);
        self.depth = saved_depth;
        self.resource = saved_resource;
        let state = match &result {
            Ok(v) => DocState::Done(v.clone()),
            Err(_) => DocState::Failed,
        };
        self.policy_documents.insert(address, state);
        self.evaluated_anew = true;
        result
    }

    fn policy_document_instances(&mut self, res: &Resource) -> EvalResult {
        let base = res.address();
        if let Some(count) = res.attribute("count") {
            self.resource = Some(base.clone());
            let v = self.eval(count.expr, count.file, &Scope::EMPTY)?;
            if v.is_unknown() {
                return Ok(Value::unknown(base, Type::Dynamic));
            }
            let n = match self.expect_number(&v)?.to_i64() {
                Some(n) if (0..=10_000).contains(&n) => n,
                _ => {
                    return Err(self.error(
                        codes::TYPE,
                        v.span.or(count.span()),
                        "`count` must be a whole number from 0 to 10000",
                    ));
                }
            };
            let spend = self.budget.spend_instances(&format!("{}{base}", self.address_prefix), n as u64, count.span());
            self.settle(spend)?;
            let mut out = Vec::new();
            let mut failed = false;
            for i in 0..n {
                let obj = Value::object(crate::value::Members::from([(
                    "index".to_string(),
                    Value::number(Number::from_i64(i)),
                )]));
                let scope = Scope::EMPTY;
                let inner = scope.bind("count", &obj);
                match self.policy_document_instance(res, &format!("[{i}]"), &inner) {
                    Ok(v) => out.push(v),
                    Err(_) => failed = true,
                }
            }
            if failed {
                return Err(Reported);
            }
            return Ok(Value::tuple(out).with_span(res.span));
        }
        if let Some(fe) = res.attribute("for_each") {
            self.resource = Some(base.clone());
            let v = self.eval(fe.expr, fe.file, &Scope::EMPTY)?;
            if !v.is_wholly_known() {
                return Ok(Value::unknown(base, Type::Dynamic));
            }
            let pairs: Vec<(String, Value)> = match &v.kind {
                ValueKind::Map(m) | ValueKind::Object(m) => m.iter().map(|(k, x)| (k.clone(), x.clone())).collect(),
                ValueKind::Set(items) if items.iter().all(|x| x.as_str().is_some()) => {
                    items.iter().map(|x| (x.as_str().unwrap_or_default().to_string(), x.clone())).collect()
                }
                _ => {
                    let msg = format!("`for_each` must be a map or a set of strings, found {}", v.ty());
                    return Err(self.error(codes::TYPE, v.span.or(fe.span()), msg));
                }
            };
            let spend =
                self.budget.spend_instances(&format!("{}{base}", self.address_prefix), pairs.len() as u64, fe.span());
            self.settle(spend)?;
            let mut out = BTreeMap::new();
            let mut failed = false;
            for (k, x) in pairs {
                let obj = Value::object(crate::value::Members::from([
                    ("key".to_string(), Value::string(&k)),
                    ("value".to_string(), x),
                ]));
                let scope = Scope::EMPTY;
                let inner = scope.bind("each", &obj);
                match self.policy_document_instance(res, &format!("[{}]", super::quote_hcl(&k)), &inner) {
                    Ok(v) => {
                        out.insert(k, v);
                    }
                    Err(_) => failed = true,
                }
            }
            if failed {
                return Err(Reported);
            }
            return Ok(Value::object(out.into()).with_span(res.span));
        }
        self.policy_document_instance(res, "", &Scope::EMPTY)
    }

    /// One instance: its attributes (`json`, `minified_json`, `id`, and the arguments).
    fn policy_document_instance(&mut self, res: &Resource, key: &str, scope: &Scope) -> EvalResult {
        let address = format!("{}{key}", res.address());
        self.resource = Some(address.clone());
        let mut ctx = Ctx { file: res.file, version: None, unknown: false, failed: false };
        let (doc, echo) = self.doc_config(&mut ctx, &res.body, scope);
        if ctx.failed {
            return Err(Reported);
        }
        let node = doc_node(doc, res.span);
        let encoded = Arc::new(node_value(&node));
        let (json, minified) = if ctx.unknown { (None, None) } else { (render(&node, true), render(&node, false)) };
        let id = json.as_deref().map(|j| crc32(j.as_bytes()).to_string());
        let text = |s: Option<String>, attr: &str| -> Value {
            let mut v = match s {
                Some(s) => Value::string(s),
                None => Value::unknown(format!("{address}.{attr}"), Type::String),
            };
            v.encoded = Some(encoded.clone());
            v
        };
        let mut attrs = echo;
        attrs.insert("json".to_string(), text(json, "json"));
        attrs.insert("minified_json".to_string(), text(minified, "minified_json"));
        attrs.insert(
            "id".to_string(),
            match id {
                Some(id) => Value::string(id),
                None => Value::unknown(format!("{address}.id"), Type::String),
            },
        );
        Ok(Value::object(attrs.into()).with_span(res.span))
    }

    fn doc_error(&mut self, ctx: &mut Ctx, code: &'static str, span: Option<Span>, message: impl Into<String>) {
        ctx.failed = true;
        self.error(code, span, message);
    }

    /// Reports arguments and blocks a body does not accept.
    fn doc_check(&mut self, ctx: &mut Ctx, body: &Body, attrs: &[&str], blocks: &[&str], what: &str) {
        for attr in body.attributes() {
            let name = attr.key.as_str();
            if attrs.contains(&name) {
                continue;
            }
            let span = self.span_of(ctx.file, &attr.key);
            let msg = if blocks.contains(&name) {
                format!("`{name}` is a block in {what}, not an argument; write `{name} {{ ... }}`")
            } else {
                format!("an argument named `{name}` is not expected in {what}")
            };
            self.doc_error(ctx, codes::TYPE, span, msg);
        }
        for block in body.blocks() {
            let name = block.ident.as_str();
            let span = self.span_of(ctx.file, &block.ident);
            if name == "dynamic" {
                match block.labels.as_slice() {
                    [label] if blocks.contains(&label.as_str()) && label.as_str() != "lifecycle" => {}
                    [label] => {
                        let msg = format!("blocks of type `{}` are not expected in {what}", label.as_str());
                        self.doc_error(ctx, codes::TYPE, span, msg);
                    }
                    _ => self.doc_error(
                        ctx,
                        codes::TYPE,
                        span,
                        "a `dynamic` block needs exactly one label, the block type",
                    ),
                }
                continue;
            }
            if !blocks.contains(&name) {
                let msg = if attrs.contains(&name) {
                    format!("`{name}` is an argument in {what}, not a block; write `{name} = ...`")
                } else {
                    format!("blocks of type `{name}` are not expected in {what}")
                };
                self.doc_error(ctx, codes::TYPE, span, msg);
            } else if !block.labels.is_empty() {
                let msg = format!("a `{name}` block takes no labels");
                self.doc_error(ctx, codes::TYPE, span, msg);
            }
        }
    }

    /// Evaluates the argument `name` of `body` and converts it to `ty`. `None` when it is
    /// absent or null. Also returns the span of the expression.
    fn doc_attr(
        &mut self,
        ctx: &mut Ctx,
        body: &Body,
        name: &str,
        ty: &Type,
        scope: &Scope,
    ) -> Option<(Value, Option<Span>)> {
        let attr = body.get_attribute(name)?;
        let span = self.span_of(ctx.file, &attr.value);
        let v = match self.eval(&attr.value, ctx.file, scope) {
            Ok(v) => v,
            Err(_) => {
                ctx.failed = true;
                return None;
            }
        };
        if !v.is_wholly_known() {
            ctx.unknown = true;
        }
        if v.is_null() {
            return None;
        }
        match super::convert::convert(&v, ty) {
            Ok(c) => {
                let span_c = c.span.or(span);
                let c = c.with_span(span_c);
                if let Some(items) = c.as_seq()
                    && let Some(null) = items.iter().find(|x| x.is_null())
                {
                    let msg = format!("`{name}` must not contain null values");
                    self.doc_error(ctx, codes::TYPE, null.span.or(span), msg);
                    return None;
                }
                Some((c, span))
            }
            Err(msg) => {
                let msg = format!("inappropriate value for `{name}`: {msg}");
                self.doc_error(ctx, codes::TYPE, v.span.or(span), msg);
                None
            }
        }
    }

    /// A required argument: reports its absence at the block.
    fn doc_required(
        &mut self,
        ctx: &mut Ctx,
        body: &Body,
        name: &str,
        ty: &Type,
        scope: &Scope,
        block: (&str, Option<Span>),
    ) -> Option<(Value, Option<Span>)> {
        let attr = body.get_attribute(name);
        let mark = self.diags.len();
        let r = self.doc_attr(ctx, body, name, ty, scope);
        if r.is_none() && self.diags.len() == mark {
            let (msg, at) = match attr {
                Some(a) => (
                    format!("the argument `{name}` of a `{}` block must not be null", block.0),
                    self.span_of(ctx.file, &a.value),
                ),
                None => (format!("the argument `{name}` is required in a `{}` block", block.0), block.1),
            };
            self.doc_error(ctx, codes::TYPE, at, msg);
        }
        r
    }

    /// The blocks of type `ty` in `body`, `dynamic` ones expanded in place, each passed to
    /// `f` with its body, span and scope.
    fn doc_blocks<T>(
        &mut self,
        ctx: &mut Ctx,
        body: &Body,
        scope: &Scope,
        ty: &str,
        f: &mut BlockFn<'_, 'a, T>,
    ) -> Vec<Expanded<T>> {
        let mut out = Vec::new();
        for block in body.blocks() {
            let span = self.span_of(ctx.file, block);
            let name = block.ident.as_str();
            if name == ty {
                if let Ok(x) = f(self, ctx, &block.body, span, scope) {
                    out.push(Expanded::Block(x));
                }
            } else if name == "dynamic" && block.labels.first().map(|l| l.as_str()) == Some(ty) {
                self.doc_dynamic(ctx, block, span, scope, ty, f, &mut out);
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn doc_dynamic<T>(
        &mut self,
        ctx: &mut Ctx,
        block: &Block,
        span: Option<Span>,
        scope: &Scope,
        ty: &str,
        f: &mut BlockFn<'_, 'a, T>,
        out: &mut Vec<Expanded<T>>,
    ) {
        let what = format!("a `dynamic \"{ty}\"` block");
        self.doc_check(ctx, &block.body, &["for_each", "iterator", "labels"], &["content"], &what);
        let iterator: &str = match block.body.get_attribute("iterator") {
            None => ty,
            Some(a) => match &a.value {
                Expression::Variable(id) => id.as_str(),
                other => {
                    let s = self.span_of(ctx.file, other);
                    self.doc_error(ctx, codes::TYPE, s, "`iterator` must be a name, as in `iterator = item`");
                    return;
                }
            },
        };
        let contents: Vec<&Block> = block.body.get_blocks("content").collect();
        let [content] = contents.as_slice() else {
            let msg = format!("{what} needs exactly one `content` block");
            self.doc_error(ctx, codes::TYPE, span, msg);
            return;
        };
        let Some(fe) = block.body.get_attribute("for_each") else {
            let msg = format!("the argument `for_each` is required in {what}");
            self.doc_error(ctx, codes::TYPE, span, msg);
            return;
        };
        let coll = match self.eval(&fe.value, ctx.file, scope) {
            Ok(v) => v,
            Err(_) => {
                ctx.failed = true;
                return;
            }
        };
        if coll.is_unknown() {
            ctx.unknown = true;
            let expr = coll.first_unknown().unwrap_or_else(|| self.text_of(ctx.file, &fe.value));
            out.push(Expanded::Unknown(Value::unknown(expr, Type::Dynamic).with_span(span)));
            return;
        }
        if !coll.is_wholly_known() {
            ctx.unknown = true;
        }
        let items: Vec<(Value, Value)> = match &coll.kind {
            ValueKind::Tuple(v) | ValueKind::List(v) => {
                v.iter().enumerate().map(|(i, x)| (Value::number(Number::from_u64(i as u64)), x.clone())).collect()
            }
            ValueKind::Set(v) => v.iter().map(|x| (x.clone(), x.clone())).collect(),
            ValueKind::Object(m) | ValueKind::Map(m) => m.iter().map(|(k, x)| (Value::string(k), x.clone())).collect(),
            ValueKind::Null => {
                let s = coll.span.or(self.span_of(ctx.file, &fe.value));
                self.doc_error(ctx, codes::TYPE, s, "the `for_each` of a `dynamic` block must not be null");
                return;
            }
            _ => {
                let s = coll.span.or(self.span_of(ctx.file, &fe.value));
                let msg = format!("the `for_each` of a `dynamic` block must be a collection, found {}", coll.ty());
                self.doc_error(ctx, codes::TYPE, s, msg);
                return;
            }
        };
        for (k, v) in items {
            if self.charge_iteration(coll.span).is_err() {
                return;
            }
            let it = Value::object(crate::value::Members::from([("key".to_string(), k), ("value".to_string(), v)]));
            let inner = scope.bind(iterator, &it);
            if let Ok(x) = f(self, ctx, &content.body, span, &inner) {
                out.push(Expanded::Block(x));
            }
        }
    }

    /// The whole block: the merged document and the arguments echoed as attributes.
    fn doc_config(&mut self, ctx: &mut Ctx, body: &Body, scope: &Scope) -> (Doc, BTreeMap<String, Value>) {
        self.doc_check(ctx, body, DOC_ATTRS, DOC_BLOCKS, "a `aws_iam_policy_document` data source");
        let string = Type::String;
        let strings = Type::List(Box::new(Type::String));
        let mut echo = BTreeMap::new();

        let version = match self.doc_attr(ctx, body, "version", &string, scope) {
            Some((v, _)) => v,
            None => Value::string(DEFAULT_VERSION),
        };
        if let Some(s) = version.as_str()
            && !VERSIONS.contains(&s)
        {
            let msg = format!("`version` must be `2008-10-17` or `2012-10-17`, found `{s}`");
            self.doc_error(ctx, codes::POLICY_SHAPE, version.span, msg);
        }
        ctx.version = version.as_str().map(str::to_string);
        echo.insert("version".to_string(), version.clone());
        let policy_id = self.doc_attr(ctx, body, "policy_id", &string, scope).map(|(v, _)| v);
        echo.insert("policy_id".to_string(), policy_id.clone().unwrap_or_else(Value::null));

        let mut merged = Doc::empty();
        // The source documents, with no Sid repeated among them.
        let sources = self.doc_attr(ctx, body, "source_policy_documents", &strings, scope);
        echo.insert(
            "source_policy_documents".to_string(),
            sources.as_ref().map(|(v, _)| v.clone()).unwrap_or_else(Value::null),
        );
        let mut seen: BTreeMap<String, Option<Span>> = BTreeMap::new();
        for (i, src) in self.doc_list(&sources).into_iter().enumerate() {
            let Some(doc) = self.source_doc(ctx, &src, "source_policy_documents") else {
                continue;
            };
            for (j, st) in doc.statements.iter().enumerate() {
                let Some(sid) = st.sid() else { continue };
                let at = match st {
                    Item::Known(s) => s.sid.span.or(s.span),
                    Item::Unknown(_) => None,
                };
                if let Some(first) = seen.insert(sid.to_string(), at) {
                    let d = Diagnostic::error(
                        codes::POLICY_SHAPE,
                        format!("duplicate Sid `{sid}` in `source_policy_documents` (item {i}, statement {j}); remove the Sid or make the Sids unique"),
                    )
                    .at(at.or(src.span))
                    .label(first, "the same Sid is here");
                    let d = match &self.resource {
                        Some(r) => d.resource(r.clone()),
                        None => d,
                    };
                    self.diags.push(d);
                    ctx.failed = true;
                }
            }
            merged.merge(doc);
        }

        // The document's own statements.
        let items = self
            .doc_blocks(ctx, body, scope, "statement", &mut |ev, ctx, b, span, sc| ev.doc_statement(ctx, b, span, sc));
        let mut own = Vec::new();
        let mut sids: BTreeMap<String, Option<Span>> = BTreeMap::new();
        for it in items {
            match it {
                Expanded::Block(st) => {
                    if let Some(sid) = st.sid.as_str().filter(|s| !s.is_empty()) {
                        let at = st.sid.span.or(st.span);
                        if let Some(first) = sids.insert(sid.to_string(), at) {
                            let d = Diagnostic::error(
                                codes::POLICY_SHAPE,
                                format!("duplicate Sid `{sid}`; remove the Sid or make the Sids unique"),
                            )
                            .at(at)
                            .label(first, "the same Sid is here");
                            let d = match &self.resource {
                                Some(r) => d.resource(r.clone()),
                                None => d,
                            };
                            self.diags.push(d);
                            ctx.failed = true;
                        }
                    }
                    own.push(Item::Known(Box::new(st)));
                }
                Expanded::Unknown(v) => own.push(Item::Unknown(v)),
            }
        }
        merged.merge(Doc { version, id: policy_id.unwrap_or_else(|| Value::string("")), statements: own });

        // The override documents, in order.
        let overrides = self.doc_attr(ctx, body, "override_policy_documents", &strings, scope);
        echo.insert(
            "override_policy_documents".to_string(),
            overrides.as_ref().map(|(v, _)| v.clone()).unwrap_or_else(Value::null),
        );
        for src in self.doc_list(&overrides) {
            if let Some(doc) = self.source_doc(ctx, &src, "override_policy_documents") {
                merged.merge(doc);
            }
        }
        (merged, echo)
    }

    /// The elements of a list argument (an unknown list as one element), nulls left out.
    fn doc_list(&mut self, list: &Option<(Value, Option<Span>)>) -> Vec<Value> {
        match list {
            None => Vec::new(),
            Some((v, _)) => match v.as_seq() {
                Some(items) => items.iter().filter(|x| !x.is_null()).cloned().collect(),
                None => vec![v.clone()],
            },
        }
    }

    fn doc_statement(
        &mut self,
        ctx: &mut Ctx,
        body: &Body,
        span: Option<Span>,
        scope: &Scope,
    ) -> Result<Statement, Reported> {
        let failed_before = ctx.failed;
        ctx.failed = false;
        self.doc_check(ctx, body, STATEMENT_ATTRS, STATEMENT_BLOCKS, "a `statement` block");
        let string = Type::String;
        let sid = self.doc_attr(ctx, body, "sid", &string, scope).map(|(v, _)| v).unwrap_or_else(|| Value::string(""));
        let effect = match self.doc_attr(ctx, body, "effect", &string, scope) {
            Some((v, _)) => v,
            None => Value::string("Allow"),
        };
        if let Some(e) = effect.as_str()
            && e != "Allow"
            && e != "Deny"
        {
            let msg = format!("`effect` must be `Allow` or `Deny`, found `{e}`");
            self.doc_error(ctx, codes::POLICY_SHAPE, effect.span.or(span), msg);
        }
        let action = self.doc_string_set(ctx, body, "actions", scope, false);
        let not_action = self.doc_string_set(ctx, body, "not_actions", scope, false);
        let resource = self.doc_string_set(ctx, body, "resources", scope, true);
        let not_resource = self.doc_string_set(ctx, body, "not_resources", scope, true);
        let principals = self.doc_principals(ctx, body, scope, "principals");
        let not_principals = self.doc_principals(ctx, body, scope, "not_principals");
        let conditions = self.doc_conditions(ctx, body, scope);
        let failed = ctx.failed;
        ctx.failed = failed_before || failed;
        if failed {
            return Err(Reported);
        }
        Ok(Statement {
            sid,
            effect,
            action,
            not_action,
            resource,
            not_resource,
            principals,
            not_principals,
            conditions,
            span,
        })
    }

    /// `actions`, `resources`, ...: a set of strings, sorted and reversed, one element
    /// collapsed to a string; `&{` replaced in resources.
    fn doc_string_set(&mut self, ctx: &mut Ctx, body: &Body, name: &str, scope: &Scope, replace: bool) -> Option<Node> {
        let (v, span) = self.doc_attr(ctx, body, name, &Type::Set(Box::new(Type::String)), scope)?;
        let Some(items) = v.as_seq() else {
            return Some(Node::Leaf(v));
        };
        if items.is_empty() {
            return None;
        }
        let mut items = sort_reversed(items.to_vec());
        if replace {
            for it in &mut items {
                self.replace_vars(ctx, it);
            }
        }
        Some(Strings::collapse(items, span).node())
    }

    /// The provider's `&{` to `${` replacement (refused in version 2008-10-17 documents).
    fn replace_vars(&mut self, ctx: &mut Ctx, v: &mut Value) {
        let has = match &v.kind {
            ValueKind::String(s) => s.contains("&{"),
            ValueKind::Partial(parts) => parts.iter().any(|p| matches!(p, Part::Known(s) if s.contains("&{"))),
            _ => false,
        };
        if !has {
            return;
        }
        if ctx.version.as_deref() == Some("2008-10-17") {
            let msg = "found a `&{` sequence, which is not supported in document version 2008-10-17";
            self.doc_error(ctx, codes::POLICY_SHAPE, v.span, msg);
            return;
        }
        match &mut v.kind {
            ValueKind::String(s) => *s = s.replace("&{", "${"),
            ValueKind::Partial(parts) => {
                for p in parts {
                    if let Part::Known(s) = p {
                        *s = s.replace("&{", "${");
                    }
                }
            }
            _ => {}
        }
    }

    fn doc_principals(&mut self, ctx: &mut Ctx, body: &Body, scope: &Scope, ty: &str) -> Entries<Principal> {
        let blocks = self.doc_blocks(ctx, body, scope, ty, &mut |ev, ctx, b, span, sc| {
            ev.doc_check(ctx, b, PRINCIPAL_ATTRS, &[], &format!("a `{ty}` block"));
            let set = Type::Set(Box::new(Type::String));
            let t = ev.doc_required(ctx, b, "type", &Type::String, sc, (ty, span));
            let ids = ev.doc_required(ctx, b, "identifiers", &set, sc, (ty, span));
            match (t, ids) {
                (Some((t, ty_span)), Some((ids, _))) => Ok(PrincipalBlock { ty: t, ids, span, ty_span }),
                _ => Err(Reported),
            }
        });
        let mut coded = Vec::new();
        for b in blocks {
            let b = match b {
                Expanded::Block(b) => b,
                Expanded::Unknown(v) => return Entries::Unknown(v),
            };
            let Some(t) = b.ty.as_str().map(str::to_string) else {
                let expr = b.ty.first_unknown().unwrap_or_default();
                return Entries::Unknown(Value::unknown(expr, Type::Dynamic).with_span(b.span));
            };
            let (ids, code) = match b.ids.as_seq() {
                Some(items) => {
                    let code = known_strs(items).map(|strs| {
                        let ordered: String = sdk_string_set_order(&strs).iter().map(|s| format!("{s};")).collect();
                        set_code(&format!("identifiers:{{{ordered}}};type:{t};"))
                    });
                    let mut items = sort_reversed(items.to_vec());
                    for it in &mut items {
                        self.replace_vars(ctx, it);
                    }
                    (Strings::collapse(items, b.ty_span), code)
                }
                None => (Strings::Unknown(b.ids.clone()), None),
            };
            coded.push((code, Principal { ty: t, ids, span: b.span, ty_span: b.ty_span }));
        }
        Entries::Items(sdk_set_order(coded))
    }

    fn doc_conditions(&mut self, ctx: &mut Ctx, body: &Body, scope: &Scope) -> Entries<Condition> {
        let blocks = self.doc_blocks(ctx, body, scope, "condition", &mut |ev, ctx, b, span, sc| {
            ev.doc_check(ctx, b, CONDITION_ATTRS, &[], "a `condition` block");
            let list = Type::List(Box::new(Type::String));
            let what = ("condition", span);
            let test = ev.doc_required(ctx, b, "test", &Type::String, sc, what);
            let variable = ev.doc_required(ctx, b, "variable", &Type::String, sc, what);
            let values = ev.doc_required(ctx, b, "values", &list, sc, what);
            match (test, variable, values) {
                (Some((test, test_span)), Some((variable, variable_span)), Some((values, _))) => {
                    Ok(ConditionBlock { test, variable, values, span, test_span, variable_span })
                }
                _ => Err(Reported),
            }
        });
        let mut coded = Vec::new();
        for b in blocks {
            let b = match b {
                Expanded::Block(b) => b,
                Expanded::Unknown(v) => return Entries::Unknown(v),
            };
            let (Some(test), Some(variable)) = (b.test.as_str(), b.variable.as_str()) else {
                let expr = b.test.first_unknown().or_else(|| b.variable.first_unknown()).unwrap_or_default();
                return Entries::Unknown(Value::unknown(expr, Type::Dynamic).with_span(b.span));
            };
            let (values, code) = match b.values.as_seq() {
                Some(items) => {
                    let code = known_strs(items).map(|strs| {
                        let vals: String = strs.iter().map(|s| format!("{s};")).collect();
                        set_code(&format!("test:{test};values:({vals});variable:{variable};"))
                    });
                    let mut items = items.to_vec();
                    for it in &mut items {
                        self.replace_vars(ctx, it);
                    }
                    (Strings::collapse(items, b.variable_span), code)
                }
                None => (Strings::Unknown(b.values.clone()), None),
            };
            coded.push((
                code,
                Condition {
                    test: test.to_string(),
                    variable: variable.to_string(),
                    values,
                    span: b.span,
                    test_span: b.test_span,
                    variable_span: b.variable_span,
                },
            ));
        }
        Entries::Items(sdk_set_order(coded))
    }

    // -----------------------------------------------------------------------------------
    // Source and override documents
    // -----------------------------------------------------------------------------------

    /// A document of `source_policy_documents` or `override_policy_documents`, read as the
    /// provider's `json.Unmarshal` into its model does. `None` after an error.
    fn source_doc(&mut self, ctx: &mut Ctx, v: &Value, what: &str) -> Option<Doc> {
        let structured: Value = if let Some(text) = v.as_str() {
            let decoded = match self.decode_document(v, text) {
                Ok(d) => d,
                Err(e) => {
                    let msg = format!("a document of `{what}` is not valid JSON: {}", e.message);
                    self.doc_error(ctx, codes::POLICY_SHAPE, v.span, msg);
                    return None;
                }
            };
            // The structure the string was encoded from carries the spans of its source;
            // use it when it says exactly what the string says.
            let same = |enc: &Value| match (crate::json::encode(enc), crate::json::encode(&decoded)) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            };
            match &v.encoded {
                Some(enc) if same(enc) => (**enc).clone(),
                _ => decoded,
            }
        } else if let Some(enc) = &v.encoded {
            (**enc).clone()
        } else {
            return Some(Doc {
                version: Value::string(""),
                id: Value::string(""),
                statements: vec![Item::Unknown(v.clone())],
            });
        };
        let mut errors = Vec::new();
        let doc = unmarshal_doc(&structured, v.span, &mut errors);
        for (span, msg) in errors {
            let msg = format!("cannot read a document of `{what}`: {msg}");
            self.doc_error(ctx, codes::POLICY_SHAPE, span.or(v.span), msg);
        }
        if ctx.failed { None } else { Some(doc) }
    }

    /// Decodes a JSON document string, with spans into the template it was written in
    /// when the string came from one.
    fn decode_document(&self, v: &Value, text: &str) -> Result<Value, crate::json::JsonError> {
        crate::json::decode_spanned(text, &crate::align::span_map(text, v.span, self.sources))
    }
}

// ---------------------------------------------------------------------------------------
// Reading a JSON document into the provider's model (Go's json.Unmarshal)
// ---------------------------------------------------------------------------------------

type Errors = Vec<(Option<Span>, String)>;

/// A member of a JSON object as Go's decoder finds a struct field: the exact name, else
/// a name equal ignoring case.
fn field<'v>(m: &'v crate::value::Members, name: &str) -> Option<&'v Value> {
    m.get(name).or_else(|| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

fn go_type(v: &Value) -> &'static str {
    match &v.kind {
        ValueKind::Tuple(_) | ValueKind::List(_) | ValueKind::Set(_) => "array",
        ValueKind::Object(_) | ValueKind::Map(_) => "object",
        ValueKind::Number(_) => "number",
        ValueKind::Bool(_) => "bool",
        _ => "string",
    }
}

/// A string field (`Version`, `Id`, `Sid`, `Effect`): `""` when absent or null.
fn string_field(m: &crate::value::Members, name: &str, errors: &mut Errors) -> Value {
    match field(m, name) {
        None => Value::string(""),
        Some(v) => match &v.kind {
            ValueKind::Null => Value::string("").with_span(v.span),
            ValueKind::String(_) | ValueKind::Partial(_) | ValueKind::Unknown(_) => v.clone(),
            _ => {
                errors.push((v.span, format!("`{name}` must be a string, found {}", go_type(v))));
                Value::string("")
            }
        },
    }
}

fn unmarshal_doc(v: &Value, span: Option<Span>, errors: &mut Errors) -> Doc {
    let mut doc = Doc::empty();
    let m = match &v.kind {
        ValueKind::Null => return doc,
        ValueKind::Object(m) | ValueKind::Map(m) => m,
        ValueKind::Unknown(_) | ValueKind::Partial(_) => {
            doc.statements.push(Item::Unknown(v.clone()));
            return doc;
        }
        _ => {
            errors.push((v.span.or(span), format!("a policy document must be an object, found {}", go_type(v))));
            return doc;
        }
    };
    doc.version = string_field(m, "Version", errors);
    doc.id = string_field(m, "Id", errors);
    let Some(st) = field(m, "Statement") else {
        return doc;
    };
    match &st.kind {
        ValueKind::Null => {}
        ValueKind::Tuple(items) | ValueKind::List(items) | ValueKind::Set(items) => {
            for it in items {
                match &it.kind {
                    ValueKind::Object(sm) | ValueKind::Map(sm) => {
                        doc.statements.push(Item::Known(Box::new(unmarshal_statement(sm, it.span, errors))));
                    }
                    ValueKind::Unknown(_) => doc.statements.push(Item::Unknown(it.clone())),
                    _ => errors.push((it.span, format!("a statement must be an object, found {}", go_type(it)))),
                }
            }
        }
        ValueKind::Unknown(_) => doc.statements.push(Item::Unknown(st.clone())),
        _ => errors.push((st.span, format!("`Statement` must be an array, found {}", go_type(st)))),
    }
    doc
}

fn unmarshal_statement(m: &crate::value::Members, span: Option<Span>, errors: &mut Errors) -> Statement {
    let any = |name: &str| field(m, name).filter(|v| !v.is_null()).map(any_node);
    Statement {
        sid: string_field(m, "Sid", errors),
        effect: string_field(m, "Effect", errors),
        action: any("Action"),
        not_action: any("NotAction"),
        resource: any("Resource"),
        not_resource: any("NotResource"),
        principals: field(m, "Principal").map(|v| unmarshal_principals(v, errors)).unwrap_or_default(),
        not_principals: field(m, "NotPrincipal").map(|v| unmarshal_principals(v, errors)).unwrap_or_default(),
        conditions: field(m, "Condition").map(|v| unmarshal_conditions(v, errors)).unwrap_or_default(),
        span,
    }
}

/// A list of strings in a decoded document (bools written as strings when `bools`).
fn unmarshal_strings(v: &Value, bools: bool, what: &str, errors: &mut Errors) -> Option<Strings> {
    let one = |x: &Value| -> Option<Value> {
        match &x.kind {
            ValueKind::String(_) | ValueKind::Partial(_) | ValueKind::Unknown(_) => Some(x.clone()),
            ValueKind::Bool(b) if bools => Some(Value::string(b.to_string()).with_span(x.span)),
            ValueKind::Number(n) if bools => Some(Value::string(n.to_string()).with_span(x.span)),
            _ => None,
        }
    };
    match &v.kind {
        ValueKind::Unknown(_) => Some(Strings::Unknown(v.clone())),
        ValueKind::Tuple(items) | ValueKind::List(items) | ValueKind::Set(items) => {
            let mut out = Vec::with_capacity(items.len());
            for it in items {
                match one(it) {
                    Some(s) => out.push(s),
                    None => {
                        errors.push((it.span.or(v.span), format!("{what} must be strings, found {}", go_type(it))));
                        return None;
                    }
                }
            }
            Some(Strings::Many(out, v.span))
        }
        _ => match one(v) {
            Some(s) => Some(Strings::One(s)),
            None => {
                errors.push((v.span, format!("{what} must be a string or an array of strings, found {}", go_type(v))));
                None
            }
        },
    }
}

fn unmarshal_principals(v: &Value, errors: &mut Errors) -> Entries<Principal> {
    match &v.kind {
        ValueKind::Null => Entries::default(),
        ValueKind::String(_) => Entries::Items(vec![Principal {
            ty: "*".to_string(),
            ids: Strings::Many(vec![Value::string("*").with_span(v.span)], v.span),
            span: v.span,
            ty_span: v.span,
        }]),
        ValueKind::Partial(_) | ValueKind::Unknown(_) => Entries::Unknown(v.clone()),
        ValueKind::Object(m) | ValueKind::Map(m) => {
            let mut out = Vec::new();
            for (ty, raw) in m {
                if let Some(ids) = unmarshal_strings(raw, false, "principal identifiers", errors) {
                    out.push(Principal { ty: ty.clone(), ids, span: v.span, ty_span: raw.span });
                }
            }
            Entries::Items(out)
        }
        _ => {
            errors.push((v.span, format!("a principal must be a string or an object, found {}", go_type(v))));
            Entries::default()
        }
    }
}

fn unmarshal_conditions(v: &Value, errors: &mut Errors) -> Entries<Condition> {
    let m = match &v.kind {
        ValueKind::Null => return Entries::default(),
        ValueKind::Object(m) | ValueKind::Map(m) => m,
        ValueKind::Unknown(_) | ValueKind::Partial(_) => return Entries::Unknown(v.clone()),
        _ => {
            errors.push((v.span, format!("a condition must be an object, found {}", go_type(v))));
            return Entries::default();
        }
    };
    let mut out = Vec::new();
    for (test, vars) in m {
        let vm = match &vars.kind {
            ValueKind::Null => continue,
            ValueKind::Object(vm) | ValueKind::Map(vm) => vm,
            ValueKind::Unknown(_) | ValueKind::Partial(_) => return Entries::Unknown(vars.clone()),
            _ => {
                errors.push((vars.span, format!("condition `{test}` must be an object, found {}", go_type(vars))));
                continue;
            }
        };
        for (variable, values) in vm {
            if values.is_null() {
                continue;
            }
            if let Some(values) = unmarshal_strings(values, true, "condition values", errors) {
                out.push(Condition {
                    test: test.clone(),
                    variable: variable.clone(),
                    values,
                    span: v.span,
                    test_span: vars.span,
                    variable_span: vm.get(variable).and_then(|x| x.span),
                });
            }
        }
    }
    Entries::Items(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_is_ieee() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn sdk_set_order_sorts_codes_as_strings() {
        // 636693895 sorts after 2272348364 as strings.
        let a = set_code("identifiers:{*;};type:AWS;");
        let b = set_code("identifiers:{arn:aws:iam::494866201305:root;};type:AWS;");
        assert_eq!((a.as_str(), b.as_str()), ("636693895", "2272348364"));
        let out = sdk_set_order(vec![(Some(a), "star"), (Some(b), "root")]);
        assert_eq!(out, vec!["root", "star"]);
    }

    #[test]
    fn renders_like_go() {
        let node = Node::Object(
            vec![
                ("A".to_string(), Node::Leaf(Value::string("<&>"))),
                ("B".to_string(), Node::Array(vec![], None)),
                ("C".to_string(), Node::Array(vec![Node::Leaf(Value::string("x"))], None)),
            ],
            None,
        );
        assert_eq!(render(&node, false).unwrap(), r#"{"A":"\u003c\u0026\u003e","B":[],"C":["x"]}"#);
        assert_eq!(
            render(&node, true).unwrap(),
            "{\n  \"A\": \"\\u003c\\u0026\\u003e\",\n  \"B\": [],\n  \"C\": [\n    \"x\"\n  ]\n}"
        );
    }
}
