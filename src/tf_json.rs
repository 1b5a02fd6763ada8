//! Terraform's JSON configuration syntax (`*.tf.json`).
//!
//! A `.tf.json` file is rewritten into the HCL it stands for, held as a *virtual file* of
//! the source map (see [`SourceMap::add_virtual`]): every byte of the HCL text remembers
//! the byte range of the JSON file it comes from, so the ordinary parser, `collect` and the
//! evaluator work unchanged and every span resolves to the JSON text.
//!
//! The mapping follows HCL's JSON specification as Terraform uses it:
//!
//! - the root object's properties are top-level block types: `resource` and `data` (two
//!   labels), `variable`, `output`, `module` (one label), `locals` (none); other block
//!   types (`terraform`, `provider`, `moved`, ...) are ignored, as kmsc ignores them in HCL;
//! - a block type's value is an object keyed by the first label, whose values are keyed by
//!   the next label, down to the body; at every level an array of objects stands for
//!   several of them;
//! - a property named `//` in a body is a comment;
//! - an argument's JSON string is a string template (`${...}`, `%{...}`, `$${` escapes);
//!   numbers, bools, null, arrays and objects are the corresponding expressions, and an
//!   object's property names are templates too;
//! - in a `variable` block, `type` is a string holding a type expression and `default`,
//!   `description` are literal values (their strings are not templates); `source` and
//!   `version` of a `module` block and an output's `description` are literal too;
//! - `provider` is a string holding a reference; `depends_on`, `lifecycle`,
//!   `provisioner`, `connection`, a module's `providers` and `validation`/`precondition`
//!   blocks are dropped (kmsc does not use them);
//! - nested blocks need the resource type's schema: kmsc knows the blocks of
//!   `data "aws_iam_policy_document"` and those of the resources whose nested arguments it
//!   reads ([`crate::facts::SYMMETRIC_CONSUMERS`]); `dynamic` blocks are supported in both.
//!   Any other property is an argument.

use std::path::PathBuf;

use hcl::edit::Span as _;
use hcl::edit::structure::Body;

use crate::diagnostic::{Diagnostic, codes};
use crate::source::{FileId, Origin, SourceMap, Span};

/// The deepest nesting of JSON arrays and objects accepted.
const MAX_DEPTH: usize = 500;

/// Whether `path` names a file in Terraform's JSON syntax.
pub fn is_tf_json(path: &std::path::Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".tf.json"))
}

/// Converts the `.tf.json` file `file` into HCL, adds it to `sources` as a virtual file and
/// parses it. Returns the virtual file and its body; errors are diagnostics (and `None`
/// when the file cannot be used at all).
pub fn parse_json_file(sources: &mut SourceMap, file: FileId, diags: &mut Vec<Diagnostic>) -> Option<(FileId, Body)> {
    let text = sources.get(file).text.clone();
    let root = match Parser::new(&text).document() {
        Ok(root) => root,
        Err((offset, message)) => {
            let at = Span::new(file, offset, (offset + 1).min(text.len()).max(offset));
            diags.push(Diagnostic::error(codes::SYNTAX, format!("invalid JSON: {message}")).at(Some(at)));
            return None;
        }
    };
    let mut w = Writer { file, src: &text, text: String::new(), origins: Vec::new(), diags, failed: false };
    w.root(&root);
    if w.failed {
        return None;
    }
    let Writer { text: hcl, origins, .. } = w;
    let path: PathBuf = sources.path(file).to_path_buf();
    let virtual_file = sources.add_virtual(path, hcl, origins);
    let body = crate::module::parse_file(sources, virtual_file, diags)?;
    Some((virtual_file, body))
}

// ---------------------------------------------------------------------------------------
// JSON with byte ranges
// ---------------------------------------------------------------------------------------

/// A JSON string: its decoded value and, for each byte of the value, the byte range of the
/// file it was decoded from (an escape, or the whole UTF-8 character).
#[derive(Debug)]
struct JStr {
    value: String,
    origins: Vec<(usize, usize)>,
    /// The literal, quotes included.
    start: usize,
    end: usize,
}

impl JStr {
    fn origin(&self, i: usize) -> (usize, usize) {
        self.origins.get(i).copied().unwrap_or((self.end.saturating_sub(1), self.end))
    }
}

#[derive(Debug)]
enum JKind {
    Null,
    Bool(bool),
    /// The literal text is `text[start..end]`.
    Number,
    String(JStr),
    Array(Vec<JNode>),
    Object(Vec<(JStr, JNode)>),
}

#[derive(Debug)]
struct JNode {
    kind: JKind,
    start: usize,
    end: usize,
}

impl JNode {
    fn first(&self) -> (usize, usize) {
        (self.start, (self.start + 1).min(self.end))
    }
    fn last(&self) -> (usize, usize) {
        (self.end.saturating_sub(1).max(self.start), self.end)
    }
}

type JResult<T> = Result<T, (usize, String)>;

struct Parser<'t> {
    text: &'t str,
    pos: usize,
    depth: usize,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str) -> Parser<'t> {
        Parser { text, pos: 0, depth: 0 }
    }

    fn document(&mut self) -> JResult<JNode> {
        if self.text.starts_with('\u{feff}') {
            return Err((0, "unexpected byte order mark at the start of the file".into()));
        }
        self.ws();
        let v = self.value()?;
        self.ws();
        if self.pos < self.text.len() {
            return Err((self.pos, "unexpected text after the JSON value".into()));
        }
        Ok(v)
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> JResult<JNode> {
        let start = self.pos;
        match self.peek() {
            None => Err((start, "unexpected end of file, expected a value".into())),
            Some(b'{') => self.nested(|p| p.object(start)),
            Some(b'[') => self.nested(|p| p.array(start)),
            Some(b'"') => {
                let s = self.string()?;
                Ok(JNode { start: s.start, end: s.end, kind: JKind::String(s) })
            }
            Some(b't') => self.word("true", JKind::Bool(true)),
            Some(b'f') => self.word("false", JKind::Bool(false)),
            Some(b'n') => self.word("null", JKind::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => {
                let c = self.text[start..].chars().next().unwrap_or(' ');
                Err((start, format!("unexpected character `{c}`, expected a value")))
            }
        }
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self) -> JResult<JNode>) -> JResult<JNode> {
        if self.depth >= MAX_DEPTH {
            return Err((self.pos, format!("arrays and objects nested more than {MAX_DEPTH} levels deep")));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn word(&mut self, word: &str, kind: JKind) -> JResult<JNode> {
        let start = self.pos;
        if self.text[start..].starts_with(word) {
            self.pos += word.len();
            Ok(JNode { kind, start, end: self.pos })
        } else {
            Err((start, "invalid literal, expected `true`, `false` or `null`".into()))
        }
    }

    fn digits(&mut self) -> usize {
        let from = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - from
    }

    fn number(&mut self) -> JResult<JNode> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        let n = self.digits();
        if n == 0 {
            return Err((self.pos, "invalid number, expected a digit".into()));
        }
        if n > 1 && self.text.as_bytes()[int_start] == b'0' {
            return Err((int_start, "invalid number, leading zeros are not allowed".into()));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err((self.pos, "invalid number, expected a digit after `.`".into()));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err((self.pos, "invalid number, expected a digit in the exponent".into()));
            }
        }
        Ok(JNode { kind: JKind::Number, start, end: self.pos })
    }

    fn hex4(&self, at: usize) -> JResult<u32> {
        let h = self
            .text
            .get(at..at + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or((at, "invalid `\\u` escape, expected four hexadecimal digits".to_string()))?;
        u32::from_str_radix(h, 16).map_err(|_| (at, "invalid `\\u` escape".to_string()))
    }

    fn string(&mut self) -> JResult<JStr> {
        let start = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let mut origins = Vec::new();
        loop {
            let at = self.pos;
            let Some(c) = self.text[at..].chars().next() else {
                return Err((start, "unterminated string".into()));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    break;
                }
                '\\' => {
                    let (ch, len) = match self.text.as_bytes().get(at + 1) {
                        Some(b'"') => ('"', 2),
                        Some(b'\\') => ('\\', 2),
                        Some(b'/') => ('/', 2),
                        Some(b'b') => ('\u{8}', 2),
                        Some(b'f') => ('\u{c}', 2),
                        Some(b'n') => ('\n', 2),
                        Some(b'r') => ('\r', 2),
                        Some(b't') => ('\t', 2),
                        Some(b'u') => {
                            let hi = self.hex4(at + 2)?;
                            if (0xD800..0xDC00).contains(&hi)
                                && self.text[at + 6..].starts_with("\\u")
                                && let Ok(lo) = self.hex4(at + 8)
                                && (0xDC00..0xE000).contains(&lo)
                            {
                                let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                (char::from_u32(cp).unwrap_or('\u{fffd}'), 12)
                            } else {
                                // A lone surrogate decodes to U+FFFD, as in Go.
                                (char::from_u32(hi).unwrap_or('\u{fffd}'), 6)
                            }
                        }
                        _ => return Err((at, "invalid escape sequence in string".into())),
                    };
                    for _ in 0..ch.len_utf8() {
                        origins.push((at, at + len));
                    }
                    value.push(ch);
                    self.pos = at + len;
                }
                c if (c as u32) < 0x20 => {
                    return Err((at, "control character in string; write it as an escape such as `\\n`".into()));
                }
                c => {
                    let len = c.len_utf8();
                    for _ in 0..len {
                        origins.push((at, at + len));
                    }
                    value.push(c);
                    self.pos = at + len;
                }
            }
        }
        Ok(JStr { value, origins, start, end: self.pos })
    }

    fn array(&mut self, start: usize) -> JResult<JNode> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JNode { kind: JKind::Array(items), start, end: self.pos });
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err((self.pos, "expected `,` or `]` in array".into())),
            }
        }
        Ok(JNode { kind: JKind::Array(items), start, end: self.pos })
    }

    fn object(&mut self, start: usize) -> JResult<JNode> {
        self.pos += 1;
        let mut members = Vec::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JNode { kind: JKind::Object(members), start, end: self.pos });
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err((self.pos, "expected a property name in double quotes".into()));
            }
            let key = self.string()?;
            self.ws();
            if self.peek() != Some(b':') {
                return Err((self.pos, "expected `:` after the property name".into()));
            }
            self.pos += 1;
            self.ws();
            let value = self.value()?;
            members.push((key, value));
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err((self.pos, "expected `,` or `}` in object".into())),
            }
        }
        Ok(JNode { kind: JKind::Object(members), start, end: self.pos })
    }
}

// ---------------------------------------------------------------------------------------
// Writing the HCL equivalent
// ---------------------------------------------------------------------------------------

/// What a body's properties mean.
#[derive(Clone, Copy)]
enum BodyKind<'a> {
    /// A `resource` or `data` block of type `kind` (`depth` 0) or a block nested in one
    /// (`depth` levels down).
    Resource {
        kind: &'a str,
        data: bool,
        depth: usize,
    },
    Variable,
    Output,
    Module,
    Locals,
    /// The body of a `dynamic` block.
    Dynamic {
        kind: &'a str,
        data: bool,
        depth: usize,
    },
}

/// How a value is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Strings are templates.
    Expression,
    /// Strings are literal (`$${` written for `${`).
    Literal,
    /// A string holding an expression, copied as HCL (`type`, `provider`, `iterator`).
    Raw,
}

struct Writer<'d> {
    file: FileId,
    /// The JSON text.
    src: &'d str,
    text: String,
    origins: Vec<Origin>,
    diags: &'d mut Vec<Diagnostic>,
    failed: bool,
}

impl Writer<'_> {
    fn push(&mut self, s: &str, (start, end): (usize, usize)) {
        self.text.push_str(s);
        let o = Origin::new(self.file, start, end);
        self.origins.extend(std::iter::repeat_n(o, s.len()));
    }

    fn span(&self, (start, end): (usize, usize)) -> Option<Span> {
        Some(Span::new(self.file, start, end))
    }

    fn error(&mut self, at: (usize, usize), message: impl Into<String>) {
        let d = Diagnostic::error(codes::SYNTAX, message).at(self.span(at));
        self.diags.push(d);
        self.failed = true;
    }

    fn root(&mut self, root: &JNode) {
        let JKind::Object(members) = &root.kind else {
            self.error(
                root.first(),
                "a `.tf.json` file must hold a JSON object of block types, such as `{\"resource\": {...}}`",
            );
            return;
        };
        for (key, value) in members {
            let (ident, labels) = match key.value.as_str() {
                "resource" | "data" => (key.value.as_str(), 2),
                "variable" | "output" | "module" => (key.value.as_str(), 1),
                "locals" => ("locals", 0),
                // `//` comments, `terraform`, `provider`, `moved`, `import`, `check`, ...
                _ => continue,
            };
            let mut found = Vec::new();
            self.labelled(ident, value, labels, &mut Vec::new(), &mut found);
            for (labels, body) in found {
                self.top_block(ident, key, &labels, body);
            }
        }
    }

    /// Walks the label levels of a block type's value, collecting each body with its
    /// labels.
    fn labelled<'j>(
        &mut self,
        ident: &str,
        value: &'j JNode,
        remaining: usize,
        labels: &mut Vec<&'j JStr>,
        out: &mut Vec<(Vec<&'j JStr>, &'j JNode)>,
    ) {
        match &value.kind {
            JKind::Array(items) => {
                for item in items {
                    self.labelled(ident, item, remaining, labels, out);
                }
            }
            JKind::Object(members) => {
                if remaining == 0 {
                    out.push((labels.clone(), value));
                    return;
                }
                for (key, v) in members {
                    if key.value == "//" {
                        continue;
                    }
                    labels.push(key);
                    self.labelled(ident, v, remaining - 1, labels, out);
                    labels.pop();
                }
            }
            _ => {
                let what = if remaining == 0 { "the body" } else { "the labels" };
                self.error(
                    value.first(),
                    format!("{what} of a `{ident}` block must be given as a JSON object (or an array of objects)"),
                );
            }
        }
    }

    fn top_block(&mut self, ident: &str, key: &JStr, labels: &[&JStr], body: &JNode) {
        let kind = match ident {
            "resource" | "data" => BodyKind::Resource {
                kind: labels.first().map_or("", |l| l.value.as_str()),
                data: ident == "data",
                depth: 0,
            },
            "variable" => BodyKind::Variable,
            "output" => BodyKind::Output,
            "module" => BodyKind::Module,
            _ => BodyKind::Locals,
        };
        let head = labels.last().map_or((key.start, key.end), |l| (l.start, l.end));
        self.block(ident, head, labels, body, kind);
    }

    /// `ident "label" ... {` body `}`; `head` is where the block's first line maps to.
    fn block(&mut self, ident: &str, head: (usize, usize), labels: &[&JStr], body: &JNode, kind: BodyKind) {
        self.push(ident, head);
        for label in labels {
            self.push(" ", head);
            self.quoted(label, true);
        }
        self.push(" {\n", body.first());
        self.body(body, kind);
        self.push("}\n", body.last());
    }

    fn body(&mut self, body: &JNode, kind: BodyKind) {
        let JKind::Object(members) = &body.kind else {
            self.error(body.first(), "a block body must be a JSON object");
            return;
        };
        let mut seen: Vec<&str> = Vec::new();
        for (key, value) in members {
            let name = key.value.as_str();
            if name == "//" {
                continue;
            }
            match self.member(kind, name, value) {
                Member::Skip => continue,
                Member::Attribute(mode) => {
                    if !is_identifier(name) {
                        self.error((key.start, key.end), format!("`{name}` is not a valid argument name"));
                        continue;
                    }
                    if seen.contains(&name) {
                        self.error((key.start, key.end), format!("the argument `{name}` is given twice in this block"));
                        continue;
                    }
                    seen.push(name);
                    self.copy(key);
                    self.push(" = ", (key.start, key.end));
                    self.value(value, mode);
                    self.push("\n", value.last());
                }
                Member::Blocks(inner) => {
                    if !is_identifier(name) {
                        self.error((key.start, key.end), format!("`{name}` is not a valid block type"));
                        continue;
                    }
                    let mut found = Vec::new();
                    self.labelled(name, value, 0, &mut Vec::new(), &mut found);
                    for (_, b) in found {
                        self.block(name, (key.start, key.end), &[], b, inner);
                    }
                }
                Member::Dynamic { kind: k, data, depth } => {
                    let mut found = Vec::new();
                    self.labelled("dynamic", value, 1, &mut Vec::new(), &mut found);
                    for (labels, b) in found {
                        let head = labels.last().map_or((key.start, key.end), |l| (l.start, l.end));
                        self.block("dynamic", head, &labels, b, BodyKind::Dynamic { kind: k, data, depth });
                    }
                }
            }
        }
    }

    /// What property `name` of a body of `kind` is.
    fn member<'k>(&self, kind: BodyKind<'k>, name: &str, value: &JNode) -> Member<'k> {
        let is_block_value = match &value.kind {
            JKind::Object(_) => true,
            JKind::Array(items) => items.iter().all(|i| matches!(i.kind, JKind::Object(_))),
            _ => false,
        };
        match kind {
            BodyKind::Variable => match name {
                "type" => Member::Attribute(Mode::Raw),
                "default" | "description" | "sensitive" | "nullable" | "ephemeral" => Member::Attribute(Mode::Literal),
                _ => Member::Skip,
            },
            BodyKind::Output => match name {
                "value" => Member::Attribute(Mode::Expression),
                "description" | "sensitive" | "ephemeral" => Member::Attribute(Mode::Literal),
                _ => Member::Skip,
            },
            BodyKind::Module => match name {
                "source" | "version" => Member::Attribute(Mode::Literal),
                "providers" | "depends_on" => Member::Skip,
                _ => Member::Attribute(Mode::Expression),
            },
            BodyKind::Locals => Member::Attribute(Mode::Expression),
            BodyKind::Resource { kind: k, data, depth } => {
                if depth == 0 {
                    match name {
                        "depends_on" | "lifecycle" | "provisioner" | "connection" => {
                            return Member::Skip;
                        }
                        "provider" if matches!(value.kind, JKind::String(_)) => {
                            return Member::Attribute(Mode::Raw);
                        }
                        _ => {}
                    }
                }
                if name == "dynamic" && is_block_value {
                    return Member::Dynamic { kind: k, data, depth };
                }
                if is_block_value && nested_block_types(k, data, depth).contains(&name) {
                    return Member::Blocks(BodyKind::Resource { kind: k, data, depth: depth + 1 });
                }
                Member::Attribute(Mode::Expression)
            }
            BodyKind::Dynamic { kind: k, data, depth } => match name {
                "iterator" if matches!(value.kind, JKind::String(_)) => Member::Attribute(Mode::Raw),
                "content" if is_block_value => Member::Blocks(BodyKind::Resource { kind: k, data, depth: depth + 1 }),
                _ => Member::Attribute(Mode::Expression),
            },
        }
    }

    fn value(&mut self, v: &JNode, mode: Mode) {
        match &v.kind {
            JKind::Null => self.push("null", (v.start, v.end)),
            JKind::Bool(b) => self.push(if *b { "true" } else { "false" }, (v.start, v.end)),
            JKind::Number => {
                // Copied as written: the evaluator reads a number's literal text.
                let src = self.src;
                for i in v.start..v.end {
                    self.push(src.get(i..i + 1).unwrap_or("0"), (i, i + 1));
                }
            }
            JKind::String(s) => match mode {
                Mode::Expression => self.template(s),
                Mode::Literal => self.quoted(s, true),
                Mode::Raw => self.raw(s),
            },
            JKind::Array(items) => {
                self.push("[", v.first());
                for (i, item) in items.iter().enumerate() {
                    self.push("\n", item.first());
                    self.value(item, mode_inside(mode));
                    if i + 1 < items.len() {
                        self.push(",", item.last());
                    }
                }
                self.push("\n]", v.last());
            }
            JKind::Object(members) => {
                self.push("{", v.first());
                for (key, item) in members {
                    self.push("\n", (key.start, key.end));
                    if mode_inside(mode) == Mode::Expression && is_template(&key.value) {
                        self.push("(", (key.start, key.end));
                        self.template(key);
                        self.push(")", (key.start, key.end));
                    } else {
                        self.quoted(key, true);
                    }
                    self.push(" = ", (key.start, key.end));
                    self.value(item, mode_inside(mode));
                }
                self.push("\n}", v.last());
            }
        }
    }

    /// The decoded string copied byte for byte (for a property name used as an argument
    /// name, or a raw expression).
    fn copy(&mut self, s: &JStr) {
        for (i, c) in s.value.char_indices() {
            let mut buf = [0u8; 4];
            self.push(c.encode_utf8(&mut buf), s.origin(i));
        }
    }

    /// A string holding an expression (`type`, `provider`, `iterator`), copied as HCL;
    /// checked on its own first, so that an error points into the string.
    fn raw(&mut self, s: &JStr) {
        if self.too_costly(s, "invalid expression") {
            return;
        }
        if let Err(e) = hcl::edit::parser::parse_expr(&s.value) {
            self.parse_error(s, &e, "invalid expression");
            self.push("null", (s.start, s.end));
            return;
        }
        self.copy(s);
    }

    /// A string template: the same template written as a quoted HCL string. Only the
    /// template's literal text needs escaping; interpolations and directives are copied.
    fn template(&mut self, s: &JStr) {
        if !is_template(&s.value) {
            self.quoted(s, false);
            return;
        }
        if self.too_costly(s, "invalid template") {
            return;
        }
        let template = match hcl::edit::parser::parse_template(&s.value) {
            Ok(t) => t,
            Err(e) => {
                self.parse_error(s, &e, "invalid template");
                self.push("null", (s.start, s.end));
                return;
            }
        };
        let mut literals = Literals(Vec::new());
        hcl::edit::visit::visit_template(&mut literals, &template);
        let mut ranges = literals.0;
        ranges.sort_by_key(|r| r.start);
        self.push("\"", (s.start, s.start + 1));
        let mut at = 0;
        for r in ranges {
            if r.start < at || r.end > s.value.len() {
                continue;
            }
            self.copy_range(s, at, r.start);
            self.escaped_range(s, r.start, r.end, false);
            at = r.end;
        }
        self.copy_range(s, at, s.value.len());
        self.push("\"", (s.end.saturating_sub(1), s.end));
    }

    fn copy_range(&mut self, s: &JStr, from: usize, to: usize) {
        let Some(part) = s.value.get(from..to) else {
            return;
        };
        for (i, c) in part.char_indices() {
            let mut buf = [0u8; 4];
            self.push(c.encode_utf8(&mut buf), s.origin(from + i));
        }
    }

    /// A quoted HCL string with the value of `s`; `markers` writes `$${`/`%%{` for `${` and
    /// `%{` (a literal, not a template).
    fn quoted(&mut self, s: &JStr, markers: bool) {
        self.push("\"", (s.start, s.start + 1));
        self.escaped_range(s, 0, s.value.len(), markers);
        self.push("\"", (s.end.saturating_sub(1), s.end));
    }

    fn escaped_range(&mut self, s: &JStr, from: usize, to: usize, markers: bool) {
        let Some(part) = s.value.get(from..to) else {
            return;
        };
        let mut chars = part.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let origin = s.origin(from + i);
            let next_is_brace = chars.peek().is_some_and(|(_, n)| *n == '{');
            let escaped: String = match c {
                '"' => "\\\"".into(),
                '\\' => "\\\\".into(),
                '\n' => "\\n".into(),
                '\r' => "\\r".into(),
                '\t' => "\\t".into(),
                '$' | '%' if markers && next_is_brace => format!("{c}{c}"),
                c if (c as u32) < 0x20 || c == '\u{7f}' => format!("\\u{:04x}", c as u32),
                c => c.to_string(),
            };
            self.push(&escaped, origin);
        }
    }

    /// A string holding objects too big to parse in bounded time (`parse_guard`): reported
    /// and replaced by `null`.
    fn too_costly(&mut self, s: &JStr, what: &str) -> bool {
        let Some(costly) = crate::parse_guard::check(&s.value) else { return false };
        self.error(s.origin(costly.offset), format!("{what}: {}", costly.summary()));
        self.push("null", (s.start, s.end));
        true
    }

    /// Reports a template or expression syntax error at its place inside the string.
    fn parse_error(&mut self, s: &JStr, e: &hcl::edit::parser::Error, what: &str) {
        let loc = e.location();
        let line_start: usize = s.value.split_inclusive('\n').take(loc.line().saturating_sub(1)).map(str::len).sum();
        let col = e.line().char_indices().nth(loc.column().saturating_sub(1)).map_or(e.line().len(), |(i, _)| i);
        let at = s.origin(line_start + col);
        let msg = e.message().trim().trim_end_matches('.');
        let mut chars = msg.chars();
        let msg = match chars.next() {
            Some(c) => format!("{what}: {}{}", c.to_lowercase(), chars.as_str()),
            None => what.to_string(),
        };
        self.error(at, msg);
    }
}

enum Member<'k> {
    Skip,
    Attribute(Mode),
    Blocks(BodyKind<'k>),
    Dynamic { kind: &'k str, data: bool, depth: usize },
}

fn mode_inside(mode: Mode) -> Mode {
    match mode {
        Mode::Raw => Mode::Literal,
        m => m,
    }
}

/// Whether a JSON string is a template with interpolations or directives (anything else is
/// its own literal value).
fn is_template(s: &str) -> bool {
    s.contains("${") || s.contains("%{")
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// The byte ranges of a template's literal text, its directives' included, but not of
/// string literals inside interpolations.
struct Literals(Vec<std::ops::Range<usize>>);

impl hcl::edit::visit::Visit for Literals {
    fn visit_expr(&mut self, _: &hcl::edit::expr::Expression) {}
    fn visit_literal(&mut self, lit: &hcl::edit::Spanned<String>) {
        if let Some(r) = lit.span() {
            self.0.push(r);
        }
    }
}

/// The nested block types kmsc knows at `depth` of a resource of type `kind` (only along
/// the paths it reads; any other property is an argument).
fn nested_block_types(kind: &str, data: bool, depth: usize) -> Vec<&'static str> {
    if data {
        return match (kind, depth) {
            ("aws_iam_policy_document", 0) => vec!["statement"],
            ("aws_iam_policy_document", 1) => vec!["principals", "not_principals", "condition"],
            _ => Vec::new(),
        };
    }
    let mut out = Vec::new();
    for (k, path) in crate::facts::SYMMETRIC_CONSUMERS {
        if *k != kind {
            continue;
        }
        let segments: Vec<&'static str> = path.split('.').collect();
        // Every segment but the last (the argument) is a block.
        if depth + 1 < segments.len() && !out.contains(&segments[depth]) {
            out.push(segments[depth]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(json: &str) -> (SourceMap, FileId, FileId, Vec<Diagnostic>) {
        let mut sources = SourceMap::new();
        let file = sources.add("main.tf.json".into(), json.into());
        let mut diags = Vec::new();
        let parsed = parse_json_file(&mut sources, file, &mut diags);
        let (hcl, _) = parsed.unwrap_or_else(|| panic!("{diags:?}"));
        (sources, file, hcl, diags)
    }

    #[test]
    fn templates_become_quoted_templates_and_literals_stay_literal() {
        let (sources, _, hcl, diags) = convert(
            r#"{"locals": {"a": "q\"${ \"x\\\\y\" }\n%{ if true }\\%{ endif }", "b": [1.50, true, null, {"k": "$${v}"}]},
                "variable": {"v": {"type": "list(string)", "default": ["${x}"]}}}"#,
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            sources.get(hcl).text,
            "locals {\n\
             a = \"q\\\"${ \"x\\\\y\" }\\n%{ if true }\\\\%{ endif }\"\n\
             b = [\n1.50,\ntrue,\nnull,\n{\n\"k\" = \"$${v}\"\n}\n]\n\
             }\n\
             variable \"v\" {\n\
             type = list(string)\n\
             default = [\n\"$${x}\"\n]\n\
             }\n"
        );
        assert!(sources.is_virtual(hcl));
        assert_eq!(sources.files().count(), 1);
    }

    #[test]
    fn spans_resolve_through_escapes() {
        let json = "{\"locals\": {\"a\": \"\\u0041${ \\\"b\\\" }\"}}";
        let (sources, file, hcl, _) = convert(json);
        let text = &sources.get(hcl).text;
        let at = text.find("\"b\"").unwrap();
        let span = sources.resolve(Span::new(hcl, at, at + 3));
        assert_eq!(span.file, file);
        assert_eq!(sources.text(span), "\\\"b\\\"");
        let a = text.find('A').unwrap();
        assert_eq!(sources.text(sources.resolve(Span::new(hcl, a, a + 1))), "\\u0041");
    }
}
