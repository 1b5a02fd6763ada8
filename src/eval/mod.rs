//! Terraform expression evaluation over `hcl::edit` syntax.
//!
//! Values Terraform only knows at apply time (data sources, resource attributes, module
//! outputs, variables without a value) evaluate to [`ValueKind::Unknown`] carrying the
//! expression text, and templates over them to partially known strings, so that a policy
//! can still be lowered and printed with `${...}` in place.

pub mod budget;
pub mod convert;
pub mod functions;
mod policy_document;
mod template;
pub mod types;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use hcl::edit::Span as _;
use hcl::edit::expr::{
    BinaryOperator, Expression, ForExpr, FuncCall, ObjectKey, Traversal, TraversalOperator, UnaryOperator,
};

use crate::diagnostic::{Diagnostic, codes};
use crate::module::Module;
use crate::number::Number;
use crate::source::{FileId, SourceMap, Span};
use crate::value::{Type, Value, ValueKind};

use self::functions::FnError;

/// Maximum nesting of expressions evaluated (deeper input is refused with a diagnostic).
pub const MAX_DEPTH: usize = 400;
/// Maximum number of elements a `for` expression may produce.
pub const MAX_FOR_ITEMS: usize = 1_000_000;

/// The error was already reported as a diagnostic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reported;

pub type EvalResult = Result<Value, Reported>;

/// Names bound by `for` expressions, `count` and `for_each`, innermost first.
#[derive(Clone, Copy)]
pub struct Scope<'p> {
    binding: Option<(&'p str, &'p Value)>,
    parent: Option<&'p Scope<'p>>,
}

impl<'p> Scope<'p> {
    pub const EMPTY: Scope<'static> = Scope { binding: None, parent: None };

    pub fn bind(&'p self, name: &'p str, value: &'p Value) -> Scope<'p> {
        Scope { binding: Some((name, value)), parent: Some(self) }
    }

    /// Binds a loop's variables: the key (when the loop names one) and the value. `slot`
    /// holds the key's scope node for the lifetime of the result.
    pub fn bind_loop(
        &'p self,
        key: Option<(&'p str, &'p Value)>,
        name: &'p str,
        value: &'p Value,
        slot: &'p mut Option<Scope<'p>>,
    ) -> Scope<'p> {
        match key {
            Some((key_name, key_value)) => slot.insert(self.bind(key_name, key_value)).bind(name, value),
            None => self.bind(name, value),
        }
    }

    fn lookup(&self, name: &str) -> Option<&'p Value> {
        let mut cur = Some(self);
        while let Some(s) = cur {
            if let Some((n, v)) = s.binding
                && n == name
            {
                return Some(v);
            }
            cur = s.parent;
        }
        None
    }
}

#[derive(Clone)]
enum LocalState {
    InProgress,
    Done(Value),
    Failed,
}

/// Evaluates expressions of one module.
pub struct Evaluator<'a> {
    pub sources: &'a SourceMap,
    pub module: &'a Module,
    /// Values of input variables (already converted to their declared types).
    pub variables: BTreeMap<String, Value>,
    /// Values fixed with `--set ADDRESS=VALUE`.
    pub sets: &'a BTreeMap<String, Value>,
    /// Resource address prefixed to diagnostics, when evaluating inside a resource.
    pub resource: Option<String>,
    locals: RefCell<HashMap<String, LocalState>>,
    /// `data "aws_iam_policy_document"` blocks evaluated so far, by address.
    policy_documents: HashMap<String, policy_document::DocState>,
    pub diags: Vec<Diagnostic>,
    depth: usize,
    /// Local modules this module calls, for `module.NAME.OUTPUT`.
    pub children: Vec<ChildModule<'a>>,
    /// The address of this module instance (`module.kms.`), empty for the root.
    pub address_prefix: String,
    module_outputs: RefCell<HashMap<String, Value>>,
    /// The compilation's evaluation budget (the one installed on this thread when created).
    pub budget: budget::Budget,
    /// Set when a local value, policy document or module output is evaluated (rather than
    /// found evaluated already): a fork ([`Evaluator::fork`]) that never sets it saw only
    /// the values its parent had, so its results are those the parent would have had.
    pub(crate) evaluated_anew: bool,
    /// The function whose template is being evaluated (`templatefile`, `templatestring`).
    template_fn: Option<&'static str>,
    /// The template text `templatestring` is evaluating, under [`INLINE_FILE`].
    inline: Option<Inline>,
}

/// The file id of the template text given to `templatestring`: a string, not a file of the
/// source map. Its nodes are placed by [`Evaluator::place`].
const INLINE_FILE: FileId = FileId(u32::MAX);

/// The template text `templatestring` evaluates: spans of its nodes are mapped back to
/// where the text was written (a heredoc, a quoted string, a file) when the string still
/// has its place, and put on the template argument otherwise.
struct Inline {
    text: String,
    aligned: Option<crate::align::Aligned>,
    fallback: Option<Span>,
}

/// A local module called by the evaluated module.
#[derive(Clone)]
pub struct ChildModule<'a> {
    pub call: &'a crate::module::ModuleCall,
    pub module: &'a Module,
    pub children: Vec<ChildModule<'a>>,
}

/// The hint for what `reference` names (`var.x`, `local.x`, ...), declared in `file`, a
/// file beside the one kmsc was given alone (in `dir`).
pub fn beside_help(file: &str, reference: &str, dir: &std::path::Path) -> String {
    let dir = if dir.as_os_str().is_empty() { ".".into() } else { dir.to_string_lossy() };
    format!(
        "`{file}` beside this file declares `{reference}`: a Terraform module is its whole directory, and kmsc given one file reads only that file; give kmsc the directory `{dir}`"
    )
}

/// The functions that read files, which Terraform refuses inside a `templatestring`
/// template.
fn reads_files(name: &str) -> bool {
    matches!(name, "file" | "fileset") || functions::FILE_FUNCTIONS.contains(&name)
}

impl<'a> Evaluator<'a> {
    pub fn new(
        sources: &'a SourceMap,
        module: &'a Module,
        variables: BTreeMap<String, Value>,
        sets: &'a BTreeMap<String, Value>,
    ) -> Evaluator<'a> {
        Evaluator {
            sources,
            module,
            variables,
            sets,
            resource: None,
            locals: RefCell::new(HashMap::new()),
            policy_documents: HashMap::new(),
            diags: Vec::new(),
            depth: 0,
            children: Vec::new(),
            address_prefix: String::new(),
            module_outputs: RefCell::new(HashMap::new()),
            budget: budget::Budget::current(),
            evaluated_anew: false,
            template_fn: None,
            inline: None,
        }
    }

    /// An evaluator of the same module in the same state (variables, the local values and
    /// policy documents evaluated so far, the same budget), with no findings yet.
    pub fn fork(&self) -> Evaluator<'a> {
        Evaluator {
            sources: self.sources,
            module: self.module,
            variables: self.variables.clone(),
            sets: self.sets,
            resource: None,
            locals: RefCell::new(self.locals.borrow().clone()),
            policy_documents: self.policy_documents.clone(),
            diags: Vec::new(),
            depth: 0,
            children: self.children.clone(),
            address_prefix: self.address_prefix.clone(),
            module_outputs: RefCell::new(self.module_outputs.borrow().clone()),
            budget: self.budget.clone(),
            evaluated_anew: false,
            template_fn: None,
            inline: None,
        }
    }

    /// Evaluates every local value and `aws_iam_policy_document` of the module, as
    /// Terraform does whether or not anything uses them, in the order of their names and
    /// addresses. Afterwards, evaluating a resource only reads their values: the results
    /// no longer depend on which resource is evaluated first (nor on which thread).
    pub fn evaluate_locals_and_documents(&mut self) {
        for name in self.module.locals.keys() {
            let _ = self.local(name, None);
        }
        let documents: Vec<&'a crate::module::Resource> =
            self.module.resources.iter().filter(|r| r.data && r.kind == "aws_iam_policy_document").collect();
        for res in documents {
            let _ = self.policy_document(res, res.span);
        }
    }

    /// Counts `v` (a computed value or a copy) against the compilation's budget.
    pub(crate) fn charge(&mut self, v: &Value, span: Option<Span>) -> Result<(), Reported> {
        let spend = self.budget.spend_value(v, span);
        self.settle(spend)
    }

    /// Counts one iteration of a `for` expression or directive against the budget.
    pub(crate) fn charge_iteration(&mut self, span: Option<Span>) -> Result<(), Reported> {
        let spend = self.budget.spend_iterations(1, span);
        self.settle(spend)
    }

    /// `Err` once the budget is exhausted; the diagnostic is reported the first time.
    pub(crate) fn settle(&mut self, spend: budget::Spend) -> Result<(), Reported> {
        match spend {
            budget::Spend::Ok => Ok(()),
            budget::Spend::Exhausted => Err(Reported),
            budget::Spend::Exceeded(e) => {
                let mut d = e.diagnostic();
                if let Some(r) = &self.resource {
                    d = d.resource(r.clone());
                }
                self.diags.push(d);
                Err(Reported)
            }
        }
    }

    fn span_of(&self, file: FileId, node: &impl hcl::edit::Span) -> Option<Span> {
        node.span().and_then(|r| self.place(file, r.start, r.end))
    }

    /// The span of bytes `start..end` of `file`: for the template text of `templatestring`
    /// ([`INLINE_FILE`]), where that text was written.
    fn place(&self, file: FileId, start: usize, end: usize) -> Option<Span> {
        if file != INLINE_FILE {
            return Some(Span::new(file, start, end));
        }
        let inline = self.inline.as_ref()?;
        inline.aligned.as_ref().and_then(|a| a.span(start, end)).or(inline.fallback)
    }

    /// The source text of bytes `start..end` of `file` (clamped to it).
    fn source_text(&self, file: FileId, start: usize, end: usize) -> &str {
        if file != INLINE_FILE {
            return self.sources.get(file).slice(start as u32, end as u32);
        }
        let text = self.inline.as_ref().map_or("", |i| i.text.as_str());
        let (s, e) = (start.min(text.len()), end.min(text.len()));
        text.get(s..e.max(s)).unwrap_or("")
    }

    /// The source text of a node, trimmed, for unknown values and messages.
    fn text_of(&self, file: FileId, node: &impl hcl::edit::Span) -> String {
        match node.span() {
            Some(r) => self.source_text(file, r.start, r.end).trim().to_string(),
            None => String::from("(expression)"),
        }
    }

    /// The error of a reference to something the module does not declare: with a hint when
    /// a file beside the one kmsc was given alone declares it.
    fn undeclared(&mut self, span: Option<Span>, message: String, reference: &str) -> Reported {
        let err = self.error(codes::UNDEFINED, span, message);
        if let Some(beside) = self.module.declared_beside.get(reference) {
            let help = beside_help(beside, reference, &self.module.dir);
            if let Some(d) = self.diags.last_mut() {
                d.help = Some(help);
            }
        }
        err
    }

    pub(crate) fn error(&mut self, code: &'static str, span: Option<Span>, message: impl Into<String>) -> Reported {
        let mut d = Diagnostic::error(code, message).at(span);
        if let Some(r) = &self.resource {
            d = d.resource(r.clone());
        }
        self.diags.push(d);
        Reported
    }

    /// Evaluates `expr` written in `file`.
    pub fn eval(&mut self, expr: &Expression, file: FileId, scope: &Scope) -> EvalResult {
        if self.depth >= MAX_DEPTH {
            let span = self.span_of(file, expr);
            return Err(self.error(codes::LIMIT, span, format!("expression nested more than {MAX_DEPTH} levels deep")));
        }
        self.depth += 1;
        let result = self.eval_inner(expr, file, scope);
        self.depth -= 1;
        result.map(|v| if v.span.is_none() { v.with_span(self.span_of(file, expr)) } else { v })
    }

    fn eval_inner(&mut self, expr: &Expression, file: FileId, scope: &Scope) -> EvalResult {
        let span = self.span_of(file, expr);
        match expr {
            Expression::Null(_) => Ok(Value::null().with_span(span)),
            Expression::Bool(b) => Ok(Value::bool(*b.value()).with_span(span)),
            Expression::Number(n) => {
                let text = match n.span() {
                    Some(r) => self.source_text(file, r.start, r.end).trim().to_string(),
                    None => n.value().to_string(),
                };
                match Number::parse(&text) {
                    Some(num) => Ok(Value::number(num).with_span(span)),
                    None => Err(self.error(codes::SYNTAX, span, format!("invalid number literal `{text}`"))),
                }
            }
            Expression::String(s) => Ok(Value::string(s.value()).with_span(span)),
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut failed = false;
                for item in items.iter() {
                    match self.eval(item, file, scope) {
                        Ok(v) => out.push(v),
                        Err(_) => failed = true,
                    }
                }
                if failed {
                    return Err(Reported);
                }
                Ok(Value::tuple(out).with_span(span))
            }
            Expression::Object(obj) => {
                // Members in the order written, sorted once at the end (a key written
                // twice keeps its last value), and where each key is written, to name the
                // earlier one when a key repeats.
                let mut out: Vec<(String, Value)> = Vec::with_capacity(obj.len());
                let mut key_spans: Vec<Option<Span>> = Vec::with_capacity(obj.len());
                // Keys so far, for objects too big to search `out` for a repeat.
                let mut index: Option<std::collections::HashSet<String>> = None;
                let mut failed = false;
                let mut unknown_key = None;
                for (key, value) in obj.iter() {
                    if let Some(r) = key.span()
                        && self.sources.is_dropped_key(file, r.start)
                    {
                        continue;
                    }
                    let k = match key {
                        ObjectKey::Ident(id) => Ok(id.as_str().to_string()),
                        ObjectKey::Expression(e) => self.object_key(e, file, scope),
                    };
                    let v = self.eval(value.expr(), file, scope);
                    match (k, v) {
                        (Ok(k), Ok(v)) => {
                            let k = crate::value::into_nfc(k);
                            let key_span = self.span_of(file, key);
                            let repeated = if out.len() < 32 {
                                out.iter().any(|(o, _)| *o == k)
                            } else {
                                let index = index.get_or_insert_with(|| out.iter().map(|(o, _)| o.clone()).collect());
                                !index.insert(k.clone())
                            };
                            let earlier = if repeated {
                                out.iter().rposition(|(o, _)| *o == k).map(|i| key_spans[i])
                            } else {
                                None
                            };
                            key_spans.push(key_span);
                            if let Some(first) = earlier {
                                let d = Diagnostic::error(
                                    codes::DUPLICATE_KEY,
                                    format!(
                                        "the key `{k}` is repeated in this object; Terraform keeps only the last value"
                                    ),
                                )
                                .at(first)
                                .label(key_span, "repeated here; this value replaces the first")
                                .help(format!("remove one of the two `{k}` entries, or merge them into one"));
                                self.diags.push(match &self.resource {
                                    Some(r) => d.resource(r.clone()),
                                    None => d,
                                });
                            }
                            out.push((k, v));
                        }
                        (Err(KeyError::Unknown), Ok(_)) => {
                            if let ObjectKey::Expression(e) = key {
                                unknown_key = Some(self.text_of(file, e));
                            }
                        }
                        _ => failed = true,
                    }
                }
                if failed {
                    return Err(Reported);
                }
                if unknown_key.is_some() {
                    return Ok(Value::unknown(self.text_of(file, expr), Type::Dynamic).with_span(span));
                }
                Ok(Value::object(out.into_iter().collect()).with_span(span))
            }
            Expression::StringTemplate(t) => self.eval_template(t, file, scope, true),
            Expression::HeredocTemplate(h) => self.eval_template(&h.template, file, scope, false),
            Expression::Parenthesis(p) => self.eval(p.inner(), file, scope),
            Expression::Variable(id) => {
                let name = id.as_str();
                if let Some(v) = scope.lookup(name) {
                    self.charge(v, span)?;
                    return Ok(v.clone());
                }
                Err(self.error(codes::UNDEFINED, span, undefined_root_message(name)))
            }
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, file, scope)?;
                let mark = self.diags.len();
                let t = self.eval(&c.true_expr, file, scope);
                let t_diags: Vec<Diagnostic> = self.diags.drain(mark..).collect();
                let f = self.eval(&c.false_expr, file, scope);
                let f_diags: Vec<Diagnostic> = self.diags.drain(mark..).collect();
                let types: Vec<Type> =
                    [&t, &f].iter().filter_map(|r| r.as_ref().ok()).filter(|v| !v.is_null()).map(|v| v.ty()).collect();
                let unified = if types.len() == 2 { convert::unify(&types) } else { types.first().cloned() };
                if types.len() == 2 && unified.is_none() {
                    let s = self.span_of(file, &**c);
                    return Err(self.error(
                        codes::TYPE,
                        s,
                        format!(
                            "inconsistent conditional result types: the true result is {} and the false result is {}",
                            t.as_ref().map(|v| v.ty().to_string()).unwrap_or_default(),
                            f.as_ref().map(|v| v.ty().to_string()).unwrap_or_default()
                        ),
                    ));
                }
                if cond.is_unknown() {
                    return Ok(Value::unknown(self.text_of(file, expr), unified.unwrap_or(Type::Dynamic)));
                }
                let b = match &cond.kind {
                    ValueKind::Bool(b) => *b,
                    ValueKind::String(s) if s == "true" => true,
                    ValueKind::String(s) if s == "false" => false,
                    ValueKind::Null => {
                        return Err(self.error(
                            codes::TYPE,
                            cond.span,
                            "the condition value is null; conditions must be either true or false",
                        ));
                    }
                    _ => {
                        let msg = format!("the condition must be a bool, found {}", cond.ty());
                        let use_span = self.span_of(file, &c.cond_expr);
                        self.error(codes::TYPE, cond.span.or(use_span), msg);
                        if let Some(d) = self.diags.last_mut()
                            && use_span != d.span
                        {
                            *d = d.clone().label(use_span, "used as a condition here");
                        }
                        return Err(Reported);
                    }
                };
                let (result, diags) = if b { (t, t_diags) } else { (f, f_diags) };
                self.diags.extend(diags);
                let v = result?;
                match unified {
                    Some(ty) if !v.is_null() => match convert::convert(&v, &ty) {
                        Ok(c) => Ok(c),
                        Err(msg) => Err(self.error(codes::TYPE, v.span, msg)),
                    },
                    _ => Ok(v),
                }
            }
            Expression::FuncCall(call) => self.eval_call(call, file, scope),
            Expression::Traversal(t) => self.eval_traversal(t, file, scope),
            Expression::UnaryOp(op) => {
                let v = self.eval(&op.expr, file, scope)?;
                if v.is_unknown() {
                    return Ok(Value::unknown(self.text_of(file, expr), Type::Dynamic));
                }
                match op.operator.value() {
                    UnaryOperator::Neg => {
                        let n = self.expect_number(&v)?;
                        Ok(Value::number(n.neg()).with_span(span))
                    }
                    UnaryOperator::Not => {
                        let b = self.expect_bool(&v)?;
                        Ok(Value::bool(!b).with_span(span))
                    }
                }
            }
            Expression::BinaryOp(op) => {
                let l = self.eval(&op.lhs_expr, file, scope);
                let r = self.eval(&op.rhs_expr, file, scope);
                let (l, r) = (l?, r?);
                self.binary(*op.operator.value(), l, r, span, (file, expr))
            }
            Expression::ForExpr(f) => self.eval_for(f, file, scope),
        }
    }

    fn object_key(&mut self, e: &Expression, file: FileId, scope: &Scope) -> Result<String, KeyError> {
        // A bare identifier used as a key is the key's name, not a variable reference.
        if let Expression::Variable(id) = e {
            return Ok(id.as_str().to_string());
        }
        let v = self.eval(e, file, scope).map_err(|_| KeyError::Failed)?;
        if v.is_unknown() {
            return Err(KeyError::Unknown);
        }
        match &v.kind {
            ValueKind::String(s) => Ok(s.clone()),
            ValueKind::Number(n) => Ok(n.to_string()),
            ValueKind::Bool(b) => Ok(b.to_string()),
            ValueKind::Null => {
                self.error(codes::TYPE, v.span, "object key is null; a key must be a string");
                Err(KeyError::Failed)
            }
            _ => {
                let msg = format!("object key must be a string, found {}", v.ty());
                self.error(codes::TYPE, v.span, msg);
                Err(KeyError::Failed)
            }
        }
    }

    pub(crate) fn expect_number(&mut self, v: &Value) -> Result<Number, Reported> {
        match &v.kind {
            ValueKind::Number(n) => Ok((**n).clone()),
            ValueKind::String(s) => match Number::parse(s) {
                Some(n) => Ok(n),
                None => Err(self.error(codes::TYPE, v.span, format!("a number is required, found string `{s}`"))),
            },
            ValueKind::Null => Err(self.error(codes::TYPE, v.span, "a number is required, found null")),
            _ => {
                let msg = format!("a number is required, found {}", v.ty());
                Err(self.error(codes::TYPE, v.span, msg))
            }
        }
    }

    pub(crate) fn expect_bool(&mut self, v: &Value) -> Result<bool, Reported> {
        match &v.kind {
            ValueKind::Bool(b) => Ok(*b),
            ValueKind::String(s) if s == "true" => Ok(true),
            ValueKind::String(s) if s == "false" => Ok(false),
            ValueKind::Null => Err(self.error(codes::TYPE, v.span, "a bool is required, found null")),
            _ => {
                let msg = format!("a bool is required, found {}", v.ty());
                Err(self.error(codes::TYPE, v.span, msg))
            }
        }
    }

    fn binary(
        &mut self,
        op: BinaryOperator,
        l: Value,
        r: Value,
        span: Option<Span>,
        (file, expr): (FileId, &Expression),
    ) -> EvalResult {
        use BinaryOperator as B;
        let sensitive = l.contains_sensitive() || r.contains_sensitive();
        let equality = matches!(op, B::Eq | B::NotEq);
        if (equality && (!l.is_wholly_known() || !r.is_wholly_known()))
            || (!equality && (l.is_unknown() || r.is_unknown()))
        {
            return Ok(Value::unknown(self.text_of(file, expr), Type::Dynamic));
        }
        let mut out = match op {
            B::Eq => Value::bool(l == r),
            B::NotEq => Value::bool(l != r),
            B::And | B::Or => {
                let a = self.expect_bool(&l);
                let b = self.expect_bool(&r);
                let (a, b) = (a?, b?);
                Value::bool(if op == B::And { a && b } else { a || b })
            }
            _ => {
                let a = self.expect_number(&l);
                let b = self.expect_number(&r);
                let (a, b) = (a?, b?);
                match op {
                    B::Plus => Value::number(a.add(&b)),
                    B::Minus => Value::number(a.sub(&b)),
                    B::Mul => Value::number(a.mul(&b)),
                    B::Div => match a.div(&b) {
                        Some(n) => Value::number(n),
                        None => return Err(self.error(codes::FUNCTION, span, "division by zero")),
                    },
                    // cty's modulo by zero yields the dividend unchanged.
                    B::Mod => Value::number(a.rem(&b).unwrap_or_else(|| a.clone())),
                    B::Less => Value::bool(a < b),
                    B::LessEq => Value::bool(a <= b),
                    B::Greater => Value::bool(a > b),
                    B::GreaterEq => Value::bool(a >= b),
                    _ => unreachable_op(),
                }
            }
        };
        out.sensitive = sensitive;
        Ok(out.with_span(span))
    }

    fn eval_for(&mut self, f: &ForExpr, file: FileId, scope: &Scope) -> EvalResult {
        let span = self.span_of(file, f);
        let coll = self.eval(&f.intro.collection_expr, file, scope)?;
        if coll.is_unknown() {
            return Ok(Value::unknown(self.text_of(file, f), Type::Dynamic));
        }
        let items: Vec<(Value, Value)> = match iteration_items(&coll) {
            Some(items) => items,
            None if coll.is_null() => {
                return Err(self.error(
                    codes::TYPE,
                    coll.span,
                    "cannot iterate over a null value in a `for` expression",
                ));
            }
            None => {
                let msg = format!("a `for` expression needs a collection, found {}", coll.ty());
                return Err(self.error(codes::TYPE, coll.span, msg));
            }
        };
        if items.len() > MAX_FOR_ITEMS {
            return Err(self.error(
                codes::LIMIT,
                span,
                format!("`for` expression over more than {MAX_FOR_ITEMS} elements"),
            ));
        }
        let value_name = f.intro.value_var.as_str();
        let key_name = f.intro.key_var.as_ref().map(|k| k.as_str());
        let object = f.key_expr.is_some();
        let mut tuple = Vec::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut object_out: BTreeMap<String, Value> = BTreeMap::new();
        let mut failed = false;
        for (k, v) in &items {
            let mut slot = None;
            let inner = &scope.bind_loop(key_name.map(|n| (n, k)), value_name, v, &mut slot);
            self.charge_iteration(span)?;
            if let Some(cond) = &f.cond {
                let c = match self.eval(&cond.expr, file, inner) {
                    Ok(c) => c,
                    Err(_) => {
                        failed = true;
                        continue;
                    }
                };
                if c.is_unknown() {
                    return Ok(Value::unknown(self.text_of(file, f), Type::Dynamic));
                }
                match self.expect_bool(&c) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(_) => {
                        failed = true;
                        continue;
                    }
                }
            }
            let val = match self.eval(&f.value_expr, file, inner) {
                Ok(v) => v,
                Err(_) => {
                    failed = true;
                    continue;
                }
            };
            self.charge(&val, span)?;
            if let Some(key_expr) = &f.key_expr {
                let key = match self.eval(key_expr, file, inner) {
                    Ok(k) => k,
                    Err(_) => {
                        failed = true;
                        continue;
                    }
                };
                if key.is_unknown() {
                    return Ok(Value::unknown(self.text_of(file, f), Type::Dynamic));
                }
                let key_s = match &key.kind {
                    ValueKind::String(s) => s.clone(),
                    ValueKind::Number(n) => n.to_string(),
                    ValueKind::Bool(b) => b.to_string(),
                    _ => {
                        let msg = format!("the key in a `for` expression must be a string, found {}", key.ty());
                        self.error(codes::TYPE, key.span, msg);
                        failed = true;
                        continue;
                    }
                };
                if f.grouping {
                    groups.entry(key_s).or_default().push(val);
                } else {
                    match object_out.entry(key_s) {
                        std::collections::btree_map::Entry::Occupied(e) => {
                            let msg = format!(
                                "duplicate object key `{}` in `for` expression; add `...` after the value to group values by key",
                                e.key()
                            );
                            self.error(codes::DUPLICATE_KEY, key.span, msg);
                            failed = true;
                        }
                        std::collections::btree_map::Entry::Vacant(e) => {
                            e.insert(val);
                        }
                    }
                }
            } else {
                tuple.push(val);
            }
        }
        if failed {
            return Err(Reported);
        }
        if object {
            if f.grouping {
                object_out = groups.into_iter().map(|(k, v)| (k, Value::tuple(v))).collect();
            }
            Ok(Value::object(object_out.into()).with_span(span))
        } else {
            Ok(Value::tuple(tuple).with_span(span))
        }
    }

    fn eval_call(&mut self, call: &FuncCall, file: FileId, scope: &Scope) -> EvalResult {
        let span = self.span_of(file, call);
        let name = call.name.name.as_str();
        if call.name.is_namespaced() {
            let text = self.text_of(file, &call.name.name);
            return Err(self.error(codes::FUNCTION, span, format!("provider functions are not supported (`{text}`)")));
        }
        if let Some(outer) = self.template_fn {
            if matches!(name, "templatefile" | "templatestring") {
                let msg =
                    format!("error in `{name}`: cannot recursively call {name} from inside another template function");
                return Err(self.error(codes::FUNCTION, span, msg));
            }
            if outer == "templatestring" && reads_files(name) {
                let msg = format!(
                    "error in `{name}`: cannot use filesystem access functions like {name} in templatestring templates; consider passing the function result as a template variable instead"
                );
                return Err(self.error(codes::FUNCTION, span, msg));
            }
        }
        match name {
            "try" => return self.eval_try(call, file, scope),
            "file" | "templatefile" => return self.eval_file_call(name, call, file, scope),
            "templatestring" => return self.eval_templatestring(call, file, scope),
            "can" => {
                let [arg] = call.args.iter().collect::<Vec<_>>()[..] else {
                    return Err(self.error(codes::FUNCTION, span, "`can` takes exactly one argument"));
                };
                let mark = self.diags.len();
                let r = self.eval(arg, file, scope);
                if self.budget.is_exhausted() {
                    return Err(Reported);
                }
                self.diags.truncate(mark);
                return Ok(match r {
                    Ok(v) if !v.is_wholly_known() => Value::unknown(self.text_of(file, call), Type::Bool),
                    Ok(_) => Value::bool(true),
                    Err(_) => Value::bool(false),
                });
            }
            _ => {}
        }
        let mut args = Vec::with_capacity(call.args.len());
        let mut failed = false;
        for a in call.args.iter() {
            match self.eval(a, file, scope) {
                Ok(v) => args.push(v),
                Err(_) => failed = true,
            }
        }
        if failed {
            return Err(Reported);
        }
        if call.args.expand_final()
            && let Some(last) = args.pop()
        {
            if last.is_unknown() {
                return Ok(Value::unknown(self.text_of(file, call), Type::Dynamic));
            }
            match last.as_seq() {
                Some(items) => args.extend(items.iter().cloned()),
                None => {
                    let msg =
                        format!("the final argument before `...` must be a list, set or tuple, found {}", last.ty());
                    return Err(self.error(codes::FUNCTION, last.span, msg));
                }
            }
        }
        let sensitive = !matches!(name, "nonsensitive" | "issensitive") && args.iter().any(Value::contains_sensitive);
        let result = match name {
            "jsonencode" => self.jsonencode(args, span, file, call),
            "jsondecode" => {
                let text = self.text_of(file, call);
                self.jsondecode(&args, span, text)
            }
            "yamldecode" if args.len() == 1 && args[0].as_str().is_some() => self.yamldecode(&args[0], span),
            "fileset" => self.fileset(&args, span, file, call),
            name if functions::FILE_FUNCTIONS.contains(&name) => self.file_fact(name, &args, span, file, call),
            "abspath" if args.len() == 1 && args[0].as_str().is_some() => {
                Ok(Value::string(self.abspath(args[0].as_str().unwrap_or_default())))
            }
            // No value of kmsc is ephemeral.
            "ephemeralasnull" if args.len() == 1 => Ok(args[0].clone()),
            _ => {
                if args.iter().any(Value::is_unknown) && !matches!(name, "sensitive" | "nonsensitive" | "issensitive") {
                    if functions::call(name, &[]).is_none() {
                        return Err(self.unknown_function(name, span));
                    }
                    return Ok(Value::unknown(self.text_of(file, call), Type::Dynamic).with_span(span));
                }
                match functions::call(name, &args) {
                    None => Err(self.unknown_function(name, span)),
                    Some(Ok(v)) => Ok(v),
                    Some(Err(FnError::Unknown)) => Ok(Value::unknown(self.text_of(file, call), Type::Dynamic)),
                    Some(Err(FnError::Error { message, arg })) => {
                        let at = arg.and_then(|i| args.get(i)).and_then(|v| v.span).or(span);
                        let msg = format!("error in `{name}`: {message}");
                        Err(self.error(codes::FUNCTION, at, msg))
                    }
                }
            }
        }?;
        self.charge(&result, span)?;
        let mut result = if result.span.is_none() { result.with_span(span) } else { result };
        if sensitive {
            result.sensitive = true;
        }
        Ok(result)
    }

    /// `file(path)` and `templatefile(path, vars)`, over files loaded with the module (see
    /// `module::referenced_files`), so that their content keeps its spans.
    fn eval_file_call(&mut self, name: &str, call: &FuncCall, file: FileId, scope: &Scope) -> EvalResult {
        let span = self.span_of(file, call);
        let mut args = Vec::new();
        for a in call.args.iter() {
            args.push(self.eval(a, file, scope)?);
        }
        let arity_ok = if name == "file" { args.len() == 1 } else { args.len() == 2 };
        if !arity_ok {
            let want =
                if name == "file" { "one argument, the path" } else { "two arguments, the path and the variables" };
            return Err(self.error(codes::FUNCTION, span, format!("`{name}` takes {want}")));
        }
        if args.iter().any(|a| !a.is_wholly_known()) {
            return Ok(Value::unknown(self.text_of(file, call), Type::String));
        }
        let Some(path) = args[0].as_str().map(str::to_string) else {
            let msg = format!("the path given to `{name}` must be a string, found {}", args[0].ty());
            return Err(self.error(codes::FUNCTION, args[0].span.or(span), msg));
        };
        let Some(&id) = self.module.loaded_files.get(&crate::module::file_key(&path)) else {
            if let Some((code, why)) = self.module.unreadable_files.get(&crate::module::file_key(&path)) {
                let (code, why) = (*code, why.clone());
                return Err(self.error(
                    code,
                    args[0].span.or(span),
                    format!("cannot read `{path}` for `{name}`: {why}"),
                ));
            }
            return Err(self.not_loaded(name, &path, args[0].span.or(span)));
        };
        // Each call copies (and `templatefile` parses) the whole file.
        let spend = self.budget.spend_bytes(self.sources.get(id).text.len() as u64, span);
        self.settle(spend)?;
        let text = self.sources.get(id).text.clone();
        let whole = Some(Span::new(id, 0, text.len()));
        if name == "file" {
            return Ok(Value::string(&text).with_span(whole));
        }
        if let Some(costly) = crate::parse_guard::check(&text) {
            return Err(self.error(
                codes::LIMIT,
                Some(Span::new(id, costly.offset, costly.offset + 1)),
                format!("cannot parse the template of `templatefile`: {}", costly.summary()),
            ));
        }
        let template = match hcl::edit::parser::parse_template(&text) {
            Ok(t) => t,
            Err(e) => {
                let loc = e.location();
                let at = self.sources.get(id).line_start(loc.line()) + loc.column().saturating_sub(1);
                return Err(self.error(
                    codes::SYNTAX,
                    Some(Span::new(id, at, at + 1)),
                    format!("invalid template: {}", e.message()),
                ));
            }
        };
        let v = self.render_template("templatefile", &template, id, &args[1], span)?;
        Ok(if v.span.is_none() { v.with_span(whole) } else { v })
    }

    /// Renders the template of `templatefile` or `templatestring` (`name`), parsed from
    /// `file`, as Terraform does: the variables must be an object (or a map) whose keys are
    /// identifiers; the template may refer to them and to nothing else (every reference is
    /// checked before evaluating, those in branches not taken too); inside it, calls to
    /// `templatefile` and `templatestring` (and, under `templatestring`, to the functions
    /// that read files) fail.
    fn render_template(
        &mut self,
        name: &'static str,
        template: &hcl::edit::template::Template,
        file: FileId,
        vars: &Value,
        span: Option<Span>,
    ) -> EvalResult {
        let Some(members) = vars.as_map() else {
            let msg = format!("the variables of `{name}` must be an object, found {}", vars.ty());
            return Err(self.error(codes::FUNCTION, vars.span.or(span), msg));
        };
        let vars_at = vars.span.or(span);
        let vars: Vec<(String, Value)> = members.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        if let Some((bad, _)) = vars.iter().find(|(k, _)| hcl::edit::Ident::try_new(k.as_str()).is_err()) {
            let msg = format!(
                "error in `{name}`: invalid template variable name {}: must start with a letter, followed by zero or more letters, digits, and underscores",
                functions::go_quote(bad)
            );
            return Err(self.error(codes::FUNCTION, vars_at, msg));
        }
        let names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
        if let Some((free, at)) = template::first_free_name(template, &names) {
            let msg = format!("error in `{name}`: vars map does not contain key {}", functions::go_quote(&free));
            let at = at.and_then(|r| self.place(file, r.start, r.end)).or(span);
            return Err(self.error(codes::FUNCTION, at, msg));
        }
        let outer = self.template_fn.replace(name);
        // A template that is one interpolation and nothing else gives its value unconverted,
        // as a quoted one does (`${jsonencode(...)}` without a final newline, `${[...]}`).
        let v =
            self.with_bindings(&vars, &Scope::EMPTY, &mut |ev, inner| ev.eval_template(template, file, inner, true));
        self.template_fn = outer;
        v
    }

    /// `templatestring(ref, vars)`: the string `ref` refers to, rendered as a template.
    /// As in Terraform, `ref` must be a reference (`local.template`,
    /// `data.aws_s3_object.t.body`), not a template written in place, and its value a
    /// string.
    fn eval_templatestring(&mut self, call: &FuncCall, file: FileId, scope: &Scope) -> EvalResult {
        let span = self.span_of(file, call);
        let args: Vec<&Expression> = call.args.iter().collect();
        let [template_arg, vars_arg] = args[..] else {
            return Err(self.error(
                codes::FUNCTION,
                span,
                "`templatestring` takes two arguments, the template and the variables",
            ));
        };
        let arg_span = self.span_of(file, template_arg);
        if let Some(why) = template::not_a_template_reference(template_arg) {
            let msg = format!("error in `templatestring`: invalid template expression: {why}");
            return Err(self.error(codes::FUNCTION, arg_span, msg));
        }
        let template_value = self.eval(template_arg, file, scope);
        let vars = self.eval(vars_arg, file, scope)?;
        let template_value = template_value?;
        if !template_value.is_wholly_known() || vars.is_unknown() {
            return Ok(Value::unknown(self.text_of(file, call), Type::String));
        }
        let text = match template_value.as_str() {
            Some(t) if template_value.ty() == Type::String => t.to_string(),
            _ => {
                let msg = "error in `templatestring`: invalid template value: a string is required";
                return Err(self.error(codes::FUNCTION, template_value.span.or(arg_span), msg));
            }
        };
        let sensitive = template_value.contains_sensitive();
        let base = template_value.span.filter(|_| !sensitive);
        let inline = Inline {
            aligned: base.map(|b| crate::align::Aligned::new(&text, b, self.sources.text(b))),
            fallback: arg_span,
            text,
        };
        let outer = self.inline.replace(inline);
        let v = self.render_inline(&vars, span);
        self.inline = outer;
        let mut v = v?;
        if sensitive {
            v.sensitive = true;
        }
        Ok(v)
    }

    /// Parses and renders the template text of `templatestring` (installed in
    /// `self.inline`).
    fn render_inline(&mut self, vars: &Value, span: Option<Span>) -> EvalResult {
        let text = self.inline.as_ref().map(|i| i.text.clone()).unwrap_or_default();
        let spend = self.budget.spend_bytes(text.len() as u64, span);
        self.settle(spend)?;
        if let Some(costly) = crate::parse_guard::check(&text) {
            let at = self.place(INLINE_FILE, costly.offset, costly.offset + 1);
            let msg = format!("cannot parse the template of `templatestring`: {}", costly.summary());
            return Err(self.error(codes::LIMIT, at, msg));
        }
        let template = match hcl::edit::parser::parse_template(&text) {
            Ok(t) => t,
            Err(e) => {
                let loc = e.location();
                let line_start: usize =
                    text.split_inclusive('\n').take(loc.line().saturating_sub(1)).map(str::len).sum();
                let at = (line_start + loc.column().saturating_sub(1)).min(text.len());
                let place = self.place(INLINE_FILE, at, at + 1);
                let msg = format!("error in `templatestring`: invalid template: {}", e.message());
                return Err(self.error(codes::SYNTAX, place, msg));
            }
        };
        let v = self.render_template("templatestring", &template, INLINE_FILE, vars, span)?;
        // A parsed template has no span of its own: the result is the whole text.
        let v = if v.span.is_none() { v.with_span(self.place(INLINE_FILE, 0, text.len())) } else { v };
        // Unlike `templatefile`, the result is always a string.
        convert::convert(&v, &Type::String).map_err(|why| {
            let msg = format!("error in `templatestring`: invalid template result: {why}");
            self.error(codes::FUNCTION, v.span.or(span), msg)
        })
    }

    /// `fileset(path, pattern)`: the files listed when the module was loaded (see
    /// `crate::fileset`), as a set of strings.
    fn fileset(&mut self, args: &[Value], span: Option<Span>, file: FileId, call: &FuncCall) -> EvalResult {
        let [path, pattern] = args else {
            return Err(self.error(codes::FUNCTION, span, "`fileset` takes two arguments, the path and the pattern"));
        };
        if !path.is_wholly_known() || !pattern.is_wholly_known() {
            return Ok(Value::unknown(self.text_of(file, call), Type::Set(Box::new(Type::String))));
        }
        let (Some(p), Some(pat)) = (path.as_str(), pattern.as_str()) else {
            let bad = if path.as_str().is_none() { path } else { pattern };
            let msg = format!("the arguments of `fileset` must be strings, found {}", bad.ty());
            return Err(self.error(codes::FUNCTION, bad.span.or(span), msg));
        };
        match self.module.filesets.get(&(crate::module::file_key(p), pat.to_string())) {
            Some(Ok(found)) => Ok(Value::set(found.iter().map(Value::string).collect())),
            Some(Err(why)) => {
                let msg = format!("cannot list `{pat}` in `{p}` for `fileset`: {why}");
                Err(self.error(codes::FUNCTION, pattern.span.or(span), msg))
            }
            None => Err(self.error(
                codes::FUNCTION,
                span,
                format!("cannot list `{pat}` in `{p}` for `fileset`: kmsc lists files when the path is a literal or built from `path.module` and the pattern is a literal"),
            )),
        }
    }

    /// `fileexists(path)`, `filemd5(path)`, ...: the result computed when the module was
    /// loaded (see `functions::file_fact`).
    fn file_fact(
        &mut self,
        name: &str,
        args: &[Value],
        span: Option<Span>,
        file: FileId,
        call: &FuncCall,
    ) -> EvalResult {
        let [path] = args else {
            return Err(self.error(codes::FUNCTION, span, format!("`{name}` takes one argument, the path")));
        };
        if !path.is_wholly_known() {
            let ty = if name == "fileexists" { Type::Bool } else { Type::String };
            return Ok(Value::unknown(self.text_of(file, call), ty));
        }
        let Some(p) = path.as_str() else {
            let msg = format!("the path given to `{name}` must be a string, found {}", path.ty());
            return Err(self.error(codes::FUNCTION, path.span.or(span), msg));
        };
        match self.module.file_facts.get(&(name.to_string(), crate::module::file_key(p))) {
            Some(Ok(functions::FileFact::Bool(b))) => Ok(Value::bool(*b)),
            Some(Ok(functions::FileFact::String(s))) => Ok(Value::string(s.clone())),
            Some(Err(why)) => Err(self.error(codes::FUNCTION, path.span.or(span), format!("error in `{name}`: {why}"))),
            None => Err(self.not_loaded(name, p, path.span.or(span))),
        }
    }

    /// The error of a `file`-like call whose file was not loaded with the module: its path
    /// was not known before evaluation.
    fn not_loaded(&mut self, name: &str, path: &str, at: Option<Span>) -> Reported {
        let msg = format!(
            "cannot read `{path}` for `{name}`: kmsc reads files whose path is a literal or built from `path.module`"
        );
        self.error(codes::FUNCTION, at, msg)
    }

    /// `abspath(path)`: the path made absolute from where Terraform runs (the root
    /// module's directory) and cleaned, with `/` separators.
    fn abspath(&self, path: &str) -> String {
        if path.starts_with('/') {
            return functions::clean_path(path);
        }
        let dir = self.module.canonical_root_dir();
        functions::clean_path(&format!("{}/{path}", dir.to_string_lossy().replace('\\', "/")))
    }

    /// Runs `f` in a scope where each of `vars` is bound.
    fn with_bindings(
        &mut self,
        vars: &[(String, Value)],
        scope: &Scope,
        f: &mut dyn FnMut(&mut Self, &Scope) -> EvalResult,
    ) -> EvalResult {
        match vars.split_first() {
            None => f(self, scope),
            Some(((name, value), rest)) => {
                let inner = scope.bind(name, value);
                self.with_bindings(rest, &inner, f)
            }
        }
    }

    fn unknown_function(&mut self, name: &str, span: Option<Span>) -> Reported {
        let msg = match name {
            "file" | "templatefile" | "fileexists" | "filebase64" => {
                format!("function `{name}` is not supported by this version of kmsc")
            }
            _ => format!("call to unknown function `{name}`"),
        };
        self.error(codes::FUNCTION, span, msg)
    }

    fn eval_try(&mut self, call: &FuncCall, file: FileId, scope: &Scope) -> EvalResult {
        let span = self.span_of(file, call);
        if call.args.is_empty() {
            return Err(self.error(codes::FUNCTION, span, "`try` needs at least one argument"));
        }
        let mark = self.diags.len();
        let mut last_err = Vec::new();
        for a in call.args.iter() {
            let r = self.eval(a, file, scope);
            if self.budget.is_exhausted() {
                return Err(Reported);
            }
            match r {
                Ok(v) => {
                    self.diags.truncate(mark);
                    if !v.is_wholly_known() {
                        return Ok(Value::unknown(self.text_of(file, call), Type::Dynamic));
                    }
                    return Ok(v);
                }
                Err(_) => {
                    last_err = self.diags.drain(mark..).collect();
                }
            }
        }
        let detail = last_err.first().map(|d| d.message.clone()).unwrap_or_default();
        Err(self.error(
            codes::FUNCTION,
            span,
            format!("error in `try`: no expression succeeded; the last one failed with: {detail}"),
        ))
    }

    fn jsonencode(&mut self, args: Vec<Value>, span: Option<Span>, file: FileId, call: &FuncCall) -> EvalResult {
        let Ok([arg]) = <[Value; 1]>::try_from(args) else {
            return Err(self.error(codes::FUNCTION, span, "`jsonencode` takes exactly one argument"));
        };
        // Encoding stops at the first unknown part (the only way it fails): the result is
        // then unknown, in one walk over the argument.
        let mut out = match crate::json::encode(&arg) {
            Ok(s) => Value::string(s),
            Err(_) => Value::unknown(self.text_of(file, call), Type::String),
        };
        out.encoded = Some(Arc::new(arg));
        Ok(out.with_span(span))
    }

    fn jsondecode(&mut self, args: &[Value], span: Option<Span>, text: String) -> EvalResult {
        let [arg] = args else {
            return Err(self.error(codes::FUNCTION, span, "`jsondecode` takes exactly one argument"));
        };
        if arg.is_unknown() {
            return Ok(Value::unknown(text, Type::Dynamic));
        }
        let Some(s) = arg.as_str() else {
            let msg = format!("`jsondecode` needs a string, found {}", arg.ty());
            return Err(self.error(codes::FUNCTION, arg.span, msg));
        };
        self.decode_in_place("jsondecode", arg, s, span, |text, map| {
            crate::json::decode_spanned(text, map).map_err(|e| (e.message, Some(e.offset)))
        })
    }

    /// `yamldecode` of the known string `arg`, its values keeping their places as with
    /// `jsondecode`.
    fn yamldecode(&mut self, arg: &Value, span: Option<Span>) -> EvalResult {
        let s = arg.as_str().unwrap_or_default();
        self.decode_in_place("yamldecode", arg, s, span, functions::yamldecode_spanned)
    }

    /// `name` (`jsondecode`, `yamldecode`) of the string `arg` (its text `s`) by `decode`,
    /// which gives every value the span `map` returns for its text, and an error the byte
    /// offset it is about. The values point at their own text where the string was written
    /// (a heredoc, a quoted string, a file read with `file`), so that an error or a finding
    /// in them is shown there; not when the string is sensitive (its text is never shown).
    fn decode_in_place(
        &mut self,
        name: &str,
        arg: &Value,
        s: &str,
        span: Option<Span>,
        decode: impl FnOnce(&str, &dyn Fn(usize, usize) -> Option<Span>) -> Result<Value, (String, Option<usize>)>,
    ) -> EvalResult {
        let map = crate::align::span_map(s, arg.span.filter(|_| !arg.contains_sensitive()), self.sources);
        match decode(s, &map) {
            Ok(mut v) => {
                if arg.via.is_some() {
                    v.mark_via(arg.via);
                }
                Ok(v)
            }
            Err((message, place)) => {
                let at = place.and_then(|p| map(p, p + 1)).or(arg.span).or(span);
                Err(self.error(codes::FUNCTION, at, format!("error in `{name}`: {message}")))
            }
        }
    }

    fn eval_traversal(&mut self, t: &Traversal, file: FileId, scope: &Scope) -> EvalResult {
        let ops = &t.operators;
        let attr = |i: usize| -> Option<&str> {
            match ops.get(i).map(|o| o.value()) {
                Some(TraversalOperator::GetAttr(id)) => Some(id.as_str()),
                _ => None,
            }
        };
        let root_span = self.span_of(file, &t.expr);
        let (base, consumed, path) = match &t.expr {
            Expression::Variable(root) if scope.lookup(root.as_str()).is_none() => {
                let root = root.as_str();
                match root {
                    "var" => {
                        let Some(name) = attr(0) else {
                            return Err(self.error(
                                codes::UNDEFINED,
                                root_span,
                                "`var` must be followed by a variable name, as in `var.name`",
                            ));
                        };
                        let s = self.span_of(file, t);
                        match self.variables.get(name) {
                            Some(v) => {
                                let mut v = v.clone();
                                let external = v.span.is_some_and(|sp| !self.module.has_file(sp.file));
                                if external {
                                    v.mark_via(s);
                                }
                                (v, 1, None)
                            }
                            None => {
                                return Err(self.undeclared(
                                    s,
                                    format!("reference to undeclared input variable `{name}`; declare it with a `variable \"{name}\"` block"),
                                    &format!("var.{name}"),
                                ));
                            }
                        }
                    }
                    "local" => {
                        let Some(name) = attr(0) else {
                            return Err(self.error(
                                codes::UNDEFINED,
                                root_span,
                                "`local` must be followed by a name, as in `local.name`",
                            ));
                        };
                        let s = self.span_of(file, t);
                        (self.local(name, s)?, 1, None)
                    }
                    "path" => {
                        let Some(name) = attr(0) else {
                            return Err(self.error(
                                codes::UNDEFINED,
                                root_span,
                                "`path` must be followed by `module`, `root` or `cwd`",
                            ));
                        };
                        let v = match name {
                            "module" => Value::string(self.module.path_module()),
                            "root" => Value::string("."),
                            "cwd" => {
                                Value::string(self.module.canonical_root_dir().to_string_lossy().replace('\\', "/"))
                            }
                            _ => {
                                return Err(self.error(
                                    codes::UNDEFINED,
                                    root_span,
                                    format!(
                                        "unknown attribute `path.{name}`; use `path.module`, `path.root` or `path.cwd`"
                                    ),
                                ));
                            }
                        };
                        (v, 1, None)
                    }
                    "terraform" => match attr(0) {
                        Some("workspace") => (Value::string("default"), 1, None),
                        _ => {
                            return Err(self.error(
                                codes::UNDEFINED,
                                root_span,
                                "unknown attribute of `terraform`; only `terraform.workspace` exists",
                            ));
                        }
                    },
                    "count" | "each" | "self" => {
                        return Err(self.error(
                            codes::UNDEFINED,
                            root_span,
                            format!(
                                "`{root}` can only be used in a resource block with {}",
                                match root {
                                    "count" => "`count`",
                                    "each" => "`for_each`",
                                    _ => "a provisioner",
                                }
                            ),
                        ));
                    }
                    "data" => {
                        let (Some(kind), Some(name)) = (attr(0), attr(1)) else {
                            return Err(self.error(codes::UNDEFINED, root_span, "a data source reference needs a type and a name, as in `data.aws_caller_identity.current`"));
                        };
                        let address = format!("data.{kind}.{name}");
                        if self.module.resource(&address).is_none() {
                            let s = self.span_of(file, t);
                            return Err(self.undeclared(
                                s,
                                format!("reference to undeclared data source `{address}`"),
                                &address,
                            ));
                        }
                        let base = match self.module.resource(&address) {
                            Some(res) if kind == "aws_iam_policy_document" => {
                                let s = self.span_of(file, t);
                                self.policy_document(res, s)?
                            }
                            _ => Value::unknown(address.clone(), Type::Dynamic),
                        };
                        (base, 2, Some(address))
                    }
                    "module" => {
                        let Some(name) = attr(0) else {
                            return Err(self.error(
                                codes::UNDEFINED,
                                root_span,
                                "a module reference needs a name, as in `module.kms`",
                            ));
                        };
                        let address = format!("module.{name}");
                        match self.module_output_values(name) {
                            Some(outputs) => (outputs, 1, None),
                            None => (Value::unknown(address.clone(), Type::Dynamic), 1, Some(address)),
                        }
                    }
                    kind => {
                        let Some(name) = attr(0) else {
                            return Err(self.error(codes::UNDEFINED, root_span, undefined_root_message(kind)));
                        };
                        let address = format!("{kind}.{name}");
                        if self.module.resource(&address).is_none() {
                            let s = self.span_of(file, t);
                            return Err(self.undeclared(
                                s,
                                format!("reference to undeclared resource `{address}`"),
                                &address,
                            ));
                        }
                        (Value::unknown(address.clone(), Type::Dynamic), 1, Some(address))
                    }
                }
            }
            other => (self.eval(other, file, scope)?, 0, None),
        };
        self.charge(&base, root_span)?;
        self.apply_ops(base, &ops[consumed..], path, file, scope, t)
    }

    /// Applies traversal operators. `path` is the reference path so far when the base is a
    /// value from outside the module (for `--set` and unknown expression text).
    fn apply_ops(
        &mut self,
        mut cur: Value,
        ops: &[hcl::edit::Decorated<TraversalOperator>],
        mut path: Option<String>,
        file: FileId,
        scope: &Scope,
        whole: &Traversal,
    ) -> EvalResult {
        if let Some(p) = &path
            && let Some(v) = self.sets.get(p)
        {
            cur = v.clone();
        }
        let mut i = 0;
        while i < ops.len() {
            let op = ops[i].value();
            let op_span = self.span_of(file, &ops[i]);
            match op {
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let full = matches!(op, TraversalOperator::FullSplat(_));
                    let rest_end = if full {
                        ops.len()
                    } else {
                        i + 1
                            + ops[i + 1..]
                                .iter()
                                .take_while(|o| matches!(o.value(), TraversalOperator::GetAttr(_)))
                                .count()
                    };
                    let rest = &ops[i + 1..rest_end];
                    if cur.is_unknown() {
                        return Ok(Value::unknown(self.text_of(file, whole), Type::Dynamic));
                    }
                    let (items, list) = match &cur.kind {
                        ValueKind::Null => (Vec::new(), false),
                        ValueKind::Tuple(v) => (v.clone(), false),
                        ValueKind::List(v) | ValueKind::Set(v) => (v.clone(), true),
                        _ => (vec![cur.clone()], false),
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.apply_ops(item, rest, None, file, scope, whole)?);
                    }
                    cur = if list { Value::list(out) } else { Value::tuple(out) };
                    i = rest_end;
                    path = None;
                    continue;
                }
                TraversalOperator::GetAttr(id) => {
                    let name = id.as_str();
                    path = path.map(|p| format!("{p}.{name}"));
                    if let Some(p) = &path
                        && let Some(v) = self.sets.get(p)
                    {
                        cur = v.clone();
                    } else if let ValueKind::Unknown(u) = &cur.kind {
                        cur = Value::unknown(format!("{}.{name}", u.expr), Type::Dynamic);
                    } else if cur.is_unknown() {
                        return Ok(Value::unknown(self.text_of(file, whole), Type::Dynamic));
                    } else {
                        cur = self.get_attr(&cur, name, op_span)?;
                    }
                }
                TraversalOperator::Index(e) => {
                    let key = self.eval(e, file, scope)?;
                    if key.is_unknown() {
                        return Ok(Value::unknown(self.text_of(file, whole), Type::Dynamic));
                    }
                    let key_text = match &key.kind {
                        ValueKind::String(s) => format!("[{}]", quote_hcl(s)),
                        ValueKind::Number(n) => format!("[{n}]"),
                        _ => String::from("[?]"),
                    };
                    path = path.map(|p| format!("{p}{key_text}"));
                    if let Some(p) = &path
                        && let Some(v) = self.sets.get(p)
                    {
                        cur = v.clone();
                    } else if let ValueKind::Unknown(u) = &cur.kind {
                        cur = Value::unknown(format!("{}{key_text}", u.expr), Type::Dynamic);
                    } else if cur.is_unknown() {
                        return Ok(Value::unknown(self.text_of(file, whole), Type::Dynamic));
                    } else {
                        cur = self.index(&cur, &key, op_span)?;
                    }
                }
                TraversalOperator::LegacyIndex(n) => {
                    let key = Value::number(Number::from_u64(*n.value()));
                    path = path.map(|p| format!("{p}[{}]", n.value()));
                    if let ValueKind::Unknown(u) = &cur.kind {
                        cur = Value::unknown(format!("{}[{}]", u.expr, n.value()), Type::Dynamic);
                    } else if cur.is_unknown() {
                        return Ok(Value::unknown(self.text_of(file, whole), Type::Dynamic));
                    } else {
                        cur = self.index(&cur, &key, op_span)?;
                    }
                }
            }
            i += 1;
        }
        Ok(cur)
    }

    fn get_attr(&mut self, v: &Value, name: &str, span: Option<Span>) -> EvalResult {
        match &v.kind {
            ValueKind::Object(m) => match m.get(name) {
                Some(x) => Ok(x.clone()),
                None => Err(self.error(
                    codes::UNDEFINED,
                    span,
                    format!("this object does not have an attribute named `{name}`"),
                )),
            },
            ValueKind::Map(m) => match m.get(name) {
                Some(x) => Ok(x.clone()),
                None => Err(self.error(
                    codes::UNDEFINED,
                    span,
                    format!("the map does not have an element with the key `{name}`"),
                )),
            },
            ValueKind::Null => {
                Err(self.error(codes::TYPE, span, format!("attempt to get attribute `{name}` from a null value")))
            }
            _ => {
                let msg = format!("cannot get attribute `{name}` of a {}", v.ty());
                Err(self.error(codes::TYPE, span, msg))
            }
        }
    }

    fn index(&mut self, v: &Value, key: &Value, span: Option<Span>) -> EvalResult {
        match &v.kind {
            ValueKind::Tuple(items) | ValueKind::List(items) => {
                let idx = match &key.kind {
                    ValueKind::Number(n) => (**n).clone(),
                    ValueKind::String(s) => match Number::parse(s) {
                        Some(n) => n,
                        None => {
                            return Err(self.error(
                                codes::TYPE,
                                span,
                                format!("a list index must be a number, found `{s}`"),
                            ));
                        }
                    },
                    _ => {
                        let msg = format!("a list index must be a number, found {}", key.ty());
                        return Err(self.error(codes::TYPE, span, msg));
                    }
                };
                match idx.to_i64() {
                    Some(i) if i >= 0 && (i as usize) < items.len() => Ok(items[i as usize].clone()),
                    _ => Err(self.error(
                        codes::TYPE,
                        span,
                        format!("index {idx} is out of range for a list of {} elements", items.len()),
                    )),
                }
            }
            ValueKind::Object(m) | ValueKind::Map(m) => {
                let k = match &key.kind {
                    ValueKind::String(s) => s.clone(),
                    ValueKind::Number(n) => n.to_string(),
                    ValueKind::Bool(b) => b.to_string(),
                    _ => {
                        let msg = format!("a map key must be a string, found {}", key.ty());
                        return Err(self.error(codes::TYPE, span, msg));
                    }
                };
                match m.get(&k) {
                    Some(x) => Ok(x.clone()),
                    None => Err(self.error(codes::UNDEFINED, span, format!("the given key `{k}` does not exist"))),
                }
            }
            ValueKind::Set(_) => Err(self.error(
                codes::TYPE,
                span,
                "elements of a set cannot be accessed by index; convert it with `tolist` first",
            )),
            ValueKind::Null => Err(self.error(codes::TYPE, span, "cannot index a null value")),
            _ => {
                let msg = format!("cannot index a {}", v.ty());
                Err(self.error(codes::TYPE, span, msg))
            }
        }
    }

    /// The outputs of the local module `name` as an object, when it is loaded and called
    /// once (no `count`/`for_each`). Evaluated in a fresh evaluator of the child module with
    /// the arguments evaluated here; its diagnostics are reported when the child itself is
    /// compiled.
    fn module_output_values(&mut self, name: &str) -> Option<Value> {
        if let Some(v) = self.module_outputs.borrow().get(name) {
            return Some(v.clone());
        }
        let child = self.children.iter().find(|c| c.call.name == name)?.clone();
        if child.call.attribute("count").is_some() || child.call.attribute("for_each").is_some() {
            return None;
        }
        // Guard against outputs that refer back to this module (a cycle).
        self.module_outputs
            .borrow_mut()
            .insert(name.to_string(), Value::unknown(format!("module.{name}"), Type::Dynamic));
        let mark = self.diags.len();
        let mut inputs = Vec::new();
        for (arg, expr) in child.call.inputs() {
            let v = self
                .eval(expr.expr, expr.file, &Scope::EMPTY)
                .unwrap_or_else(|_| Value::unknown(format!("var.{arg}"), Type::Dynamic));
            inputs.push((arg, v, expr.span()));
        }
        let mut scratch = Vec::new();
        let vars = crate::vars::resolve_inputs(self.sources, child.module, child.call, inputs, &mut scratch);
        self.diags.truncate(mark);
        let mut inner = Evaluator::new(self.sources, child.module, vars, self.sets);
        inner.children = child.children.clone();
        inner.depth = self.depth;
        let mut outputs = BTreeMap::new();
        for (out, expr) in &child.module.outputs {
            let v = inner
                .eval(&expr.expr, expr.file, &Scope::EMPTY)
                .unwrap_or_else(|_| Value::unknown(format!("module.{name}.{out}"), Type::Dynamic));
            outputs.insert(out.clone(), v);
        }
        let value = Value::object(outputs.into());
        self.module_outputs.borrow_mut().insert(name.to_string(), value.clone());
        self.evaluated_anew = true;
        Some(value)
    }

    /// The value of `local.NAME`, evaluated once.
    pub fn local(&mut self, name: &str, use_span: Option<Span>) -> EvalResult {
        let state = self.locals.borrow().get(name).cloned();
        match state {
            Some(LocalState::Done(v)) => return Ok(v),
            Some(LocalState::Failed) => return Err(Reported),
            Some(LocalState::InProgress) => {
                return Err(self.error(
                    codes::UNDEFINED,
                    use_span,
                    format!("local value `{name}` refers to itself (a cycle)"),
                ));
            }
            None => {}
        }
        let Some(def) = self.module.locals.get(name) else {
            let msg = format!("reference to undeclared local value `{name}`");
            return Err(self.undeclared(use_span, msg, &format!("local.{name}")));
        };
        let def = def.clone();
        self.locals.borrow_mut().insert(name.to_string(), LocalState::InProgress);
        let saved_resource = self.resource.take();
        let saved_depth = self.depth;
        let r = self.eval(&def.expr, def.file, &Scope::EMPTY);
        self.depth = saved_depth;
        self.resource = saved_resource;
        let state = match &r {
            Ok(v) => LocalState::Done(v.clone()),
            Err(_) => LocalState::Failed,
        };
        self.locals.borrow_mut().insert(name.to_string(), state);
        self.evaluated_anew = true;
        r
    }
}

/// The (key, value) pairs a `for` expression or directive iterates over: indexes of a
/// tuple, list or set, keys of an object or map; `None` for anything else.
pub(crate) fn iteration_items(coll: &Value) -> Option<Vec<(Value, Value)>> {
    match &coll.kind {
        ValueKind::Tuple(v) | ValueKind::List(v) | ValueKind::Set(v) => {
            Some(v.iter().enumerate().map(|(i, x)| (Value::number(Number::from_u64(i as u64)), x.clone())).collect())
        }
        ValueKind::Object(m) | ValueKind::Map(m) => {
            Some(m.iter().map(|(k, x)| (Value::string(k), x.clone())).collect())
        }
        _ => None,
    }
}

enum KeyError {
    Unknown,
    Failed,
}

fn unreachable_op() -> Value {
    Value::null()
}

fn undefined_root_message(name: &str) -> String {
    match name {
        "var" | "local" | "data" | "module" | "path" | "count" | "each" | "terraform" | "self" => {
            format!("`{name}` cannot be used on its own; it must be followed by an attribute")
        }
        _ => format!(
            "unknown variable `{name}`; references start with `var.`, `local.`, `data.`, `module.` or a resource type"
        ),
    }
}

/// A string as an HCL quoted literal (for reference paths such as `x["key"]`).
pub fn quote_hcl(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
