//! String templates: interpolations, `%{ if }` and `%{ for }` directives, strip markers.

use std::ops::Range;

use hcl::edit::Span as _;
use hcl::edit::expr::Expression;
use hcl::edit::template::{Directive, Element, Template};

use super::{EvalResult, Evaluator, Reported, Scope};
use crate::diagnostic::codes;
use crate::source::FileId;
use crate::value::{Part, Value, ValueKind};

/// Whether the first literal of a template loses its leading whitespace and the last its
/// trailing whitespace (strip markers on the enclosing directive).
#[derive(Clone, Copy, Default)]
struct Strip {
    lead: bool,
    trail: bool,
}

impl Evaluator<'_> {
    /// Evaluates a quoted or heredoc template. A quoted template made of exactly one
    /// interpolation yields the interpolated value itself, unconverted, as in HCL.
    pub(super) fn eval_template(&mut self, t: &Template, file: FileId, scope: &Scope, quoted: bool) -> EvalResult {
        let span = self.span_of(file, t);
        if quoted
            && t.len() == 1
            && let Some(Element::Interpolation(i)) = t.iter().next()
        {
            return self.eval(&i.expr, file, scope);
        }
        let mut parts = Vec::new();
        let mut sensitive = false;
        self.template_parts(t, file, scope, Strip::default(), &mut parts, &mut sensitive)?;
        let mut v = Value::partial(parts).with_span(span);
        v.sensitive = sensitive;
        Ok(v)
    }

    fn template_parts(
        &mut self,
        t: &Template,
        file: FileId,
        scope: &Scope,
        strip: Strip,
        parts: &mut Vec<Part>,
        sensitive: &mut bool,
    ) -> Result<(), Reported> {
        let elements: Vec<&Element> = t.iter().collect();
        let n = elements.len();
        let mut failed = false;
        for (i, el) in elements.iter().enumerate() {
            match el {
                Element::Literal(lit) => {
                    let mut s: &str = lit.value();
                    let strip_lead = if i == 0 { strip.lead } else { strips_after(elements[i - 1]) };
                    let strip_trail = if i + 1 == n { strip.trail } else { strips_before(elements[i + 1]) };
                    if strip_lead {
                        s = s.trim_start();
                    }
                    if strip_trail {
                        s = s.trim_end();
                    }
                    push_known(parts, s);
                }
                Element::Interpolation(interp) => match self.eval(&interp.expr, file, scope) {
                    Ok(v) => {
                        *sensitive |= v.contains_sensitive();
                        if self.push_interpolated(&v, file, &interp.expr, parts).is_err() {
                            failed = true;
                        }
                    }
                    Err(_) => failed = true,
                },
                Element::Directive(d) => {
                    if self.directive(d, file, scope, parts, sensitive).is_err() {
                        failed = true;
                    }
                }
            }
        }
        if failed { Err(Reported) } else { Ok(()) }
    }

    fn push_interpolated(
        &mut self,
        v: &Value,
        file: FileId,
        expr: &hcl::edit::expr::Expression,
        parts: &mut Vec<Part>,
    ) -> Result<(), Reported> {
        match &v.kind {
            ValueKind::String(s) => push_known(parts, s),
            ValueKind::Number(n) => parts.push(Part::Known(n.to_string())),
            ValueKind::Bool(b) => parts.push(Part::Known(b.to_string())),
            ValueKind::Partial(p) => parts.extend(p.iter().cloned()),
            ValueKind::Unknown(u) => parts.push(Part::Unknown(u.expr.clone())),
            ValueKind::Null => {
                return Err(self.error(
                    codes::TYPE,
                    v.span.or_else(|| self.span_of(file, expr)),
                    "invalid template interpolation value: the expression result is null",
                ));
            }
            _ => {
                let msg = format!("cannot include a {} in a string template; a string is required", v.ty());
                return Err(self.error(codes::TYPE, self.span_of(file, expr).or(v.span), msg));
            }
        }
        Ok(())
    }

    fn directive(
        &mut self,
        d: &Directive,
        file: FileId,
        scope: &Scope,
        parts: &mut Vec<Part>,
        sensitive: &mut bool,
    ) -> Result<(), Reported> {
        match d {
            Directive::If(ifd) => {
                let cond = self.eval(&ifd.if_expr.cond_expr, file, scope)?;
                if cond.is_unknown() {
                    let text = self.text_of(file, &ifd.if_expr.cond_expr);
                    parts.push(Part::Unknown(format!("%{{if {text}}}...")));
                    return Ok(());
                }
                let b = self.expect_bool(&cond)?;
                let if_strip = Strip {
                    lead: ifd.if_expr.strip.strip_end(),
                    trail: match &ifd.else_expr {
                        Some(e) => e.strip.strip_start(),
                        None => ifd.endif_expr.strip.strip_start(),
                    },
                };
                if b {
                    self.template_parts(&ifd.if_expr.template, file, scope, if_strip, parts, sensitive)
                } else if let Some(e) = &ifd.else_expr {
                    let else_strip = Strip { lead: e.strip.strip_end(), trail: ifd.endif_expr.strip.strip_start() };
                    self.template_parts(&e.template, file, scope, else_strip, parts, sensitive)
                } else {
                    Ok(())
                }
            }
            Directive::For(ford) => {
                let f = &ford.for_expr;
                let coll = self.eval(&f.collection_expr, file, scope)?;
                if coll.is_unknown() {
                    let text = self.text_of(file, &f.collection_expr);
                    parts.push(Part::Unknown(format!("%{{for ... in {text}}}...")));
                    return Ok(());
                }
                let Some(items) = super::iteration_items(&coll) else {
                    let msg = format!("a `for` directive needs a collection, found {}", coll.ty());
                    return Err(self.error(codes::TYPE, coll.span, msg));
                };
                let strip = Strip { lead: f.strip.strip_end(), trail: ford.endfor_expr.strip.strip_start() };
                let value_name = f.value_var.as_str();
                let key_name = f.key_var.as_ref().map(|k| k.as_str());
                for (k, v) in &items {
                    let mut slot = None;
                    let inner = &scope.bind_loop(key_name.map(|n| (n, k)), value_name, v, &mut slot);
                    self.charge_iteration(coll.span)?;
                    // Known text is appended to the last part when it is known too.
                    let before = parts.len();
                    let last_len = |parts: &[Part]| match before.checked_sub(1).and_then(|i| parts.get(i)) {
                        Some(Part::Known(s)) => s.len(),
                        _ => 0,
                    };
                    let grown_from = last_len(parts);
                    self.template_parts(&f.template, file, inner, strip, parts, sensitive)?;
                    // What this iteration added (literals included) counts against the budget.
                    let added: usize = last_len(parts) - grown_from
                        + parts
                            .get(before..)
                            .unwrap_or_default()
                            .iter()
                            .map(|p| match p {
                                Part::Known(s) | Part::Unknown(s) => s.len(),
                            })
                            .sum::<usize>();
                    let spend = self.budget.spend_bytes(added as u64, coll.span);
                    self.settle(spend)?;
                    if parts.len() > 1_000_000 {
                        return Err(self.error(codes::LIMIT, coll.span, "template produces too many parts"));
                    }
                }
                Ok(())
            }
        }
    }
}

/// Appends known text, to the last part when it is known too (`Value::partial` would merge
/// them anyway; this spares a string per literal and interpolation).
fn push_known(parts: &mut Vec<Part>, s: &str) {
    match parts.last_mut() {
        Some(Part::Known(last)) => last.push_str(s),
        _ if s.is_empty() => {}
        _ => parts.push(Part::Known(s.to_string())),
    }
}

/// The element asks the literal after it to lose its leading whitespace (`~}`).
fn strips_after(el: &Element) -> bool {
    match el {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_end(),
        Element::Directive(d) => match &**d {
            Directive::If(i) => i.endif_expr.strip.strip_end(),
            Directive::For(f) => f.endfor_expr.strip.strip_end(),
        },
    }
}

/// The element asks the literal before it to lose its trailing whitespace (`${~`, `%{~`).
fn strips_before(el: &Element) -> bool {
    match el {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_start(),
        Element::Directive(d) => match &**d {
            Directive::If(i) => i.if_expr.strip.strip_start(),
            Directive::For(f) => f.for_expr.strip.strip_start(),
        },
    }
}

/// The first name `t` refers to that is neither among `names` nor bound by one of its own
/// `for`s, with the byte range of the reference. Terraform checks every reference of a
/// `templatefile` or `templatestring` template against the variables given to it before
/// evaluating the template, so a reference in a branch not taken fails too.
pub(super) fn first_free_name(t: &Template, names: &[&str]) -> Option<(String, Option<Range<usize>>)> {
    use hcl::edit::expr::ForExpr;
    use hcl::edit::template::ForTemplateExpr;
    use hcl::edit::visit::{Visit, visit_expr, visit_template};

    struct Walk<'n> {
        names: &'n [&'n str],
        bound: Vec<String>,
        found: Option<(String, Option<Range<usize>>)>,
    }
    impl Walk<'_> {
        /// Walks `inside` with the loop's names bound.
        fn bound_in(&mut self, key: Option<&str>, value: &str, inside: impl FnOnce(&mut Self)) {
            let mark = self.bound.len();
            self.bound.extend(key.map(str::to_string));
            self.bound.push(value.to_string());
            inside(self);
            self.bound.truncate(mark);
        }
    }
    // hcl-edit's walk reaches every variable through `visit_expr`; attribute names and
    // identifier object keys are not expressions. Its walk of a template `for` skips the
    // collection, and neither `for` knows its names are bound, hence the two overrides.
    impl Visit for Walk<'_> {
        fn visit_expr(&mut self, e: &Expression) {
            if self.found.is_some() {
                return;
            }
            match e {
                Expression::Variable(id) => {
                    let name = id.as_str();
                    if !self.names.contains(&name) && !self.bound.iter().any(|b| b == name) {
                        self.found = Some((name.to_string(), id.span()));
                    }
                }
                e => visit_expr(self, e),
            }
        }
        fn visit_for_expr(&mut self, f: &ForExpr) {
            self.visit_expr(&f.intro.collection_expr);
            let key = f.intro.key_var.as_ref().map(|k| k.as_str());
            self.bound_in(key, f.intro.value_var.as_str(), |w| {
                if let Some(k) = &f.key_expr {
                    w.visit_expr(k);
                }
                w.visit_expr(&f.value_expr);
                if let Some(c) = &f.cond {
                    w.visit_expr(&c.expr);
                }
            });
        }
        fn visit_for_template_expr(&mut self, f: &ForTemplateExpr) {
            self.visit_expr(&f.collection_expr);
            let key = f.key_var.as_ref().map(|k| k.as_str());
            self.bound_in(key, f.value_var.as_str(), |w| visit_template(w, &f.template));
        }
    }
    let mut walk = Walk { names, bound: Vec::new(), found: None };
    visit_template(&mut walk, t);
    walk.found
}

/// Why the template argument of `templatestring` is not accepted, with Terraform's words:
/// it must be a reference to a value defined elsewhere (a name, possibly followed by
/// attributes, indexes and splats), not a template written in place nor any other
/// expression.
pub(super) fn not_a_template_reference(e: &Expression) -> Option<&'static str> {
    const WRAPPED: &str = "templatestring is only for rendering templates retrieved dynamically from elsewhere; to treat the inner expression as template syntax, write the reference expression directly without any template interpolation syntax";
    const LITERAL: &str = "templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead";
    const INLINE: &str = "templatestring is only for rendering templates retrieved dynamically from elsewhere; to render an inline template, consider using a plain template string expression";
    const OTHER: &str =
        "must be a direct reference to a single string from elsewhere, containing valid Terraform template syntax";
    let written = |t: &Template| {
        let elements: Vec<&Element> = t.iter().collect();
        if matches!(elements[..], [Element::Interpolation(_)]) {
            WRAPPED
        } else if elements.iter().all(|el| matches!(el, Element::Literal(_))) {
            LITERAL
        } else {
            INLINE
        }
    };
    match e {
        Expression::Variable(_) => None,
        Expression::Traversal(t) if matches!(t.expr, Expression::Variable(_)) => None,
        Expression::String(_) => Some(LITERAL),
        Expression::StringTemplate(t) => Some(written(t)),
        Expression::HeredocTemplate(h) => Some(written(&h.template)),
        _ => Some(OTHER),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free(text: &str, names: &[&str]) -> Option<(String, Option<Range<usize>>)> {
        let t = hcl::edit::parser::parse_template(text).expect("template parses");
        first_free_name(&t, names)
    }

    #[test]
    fn names_bound_by_fors_are_not_free_outside_them() {
        assert_eq!(free("${[for k, v in m : k if v]}", &["m"]), None);
        assert_eq!(free("%{ for r in rs }${r}%{ endfor }", &["rs"]), None);
        // The collection is outside the loop's scope, and the loop's names end with it.
        assert_eq!(free("${[for r in r : r]}", &[]), Some(("r".into(), Some(12..13))));
        assert_eq!(free("%{ for r in rs }${r}%{ endfor }${r}", &["rs"]), Some(("r".into(), Some(33..34))));
    }

    #[test]
    fn every_reference_is_found_wherever_it_is() {
        // Attribute names and object keys written as identifiers are not references.
        assert_eq!(free("${a.b[c].d} ${ {k = a} }", &["a", "c"]), None);
        assert_eq!(free("${a[c]}", &["a"]), Some(("c".into(), Some(4..5))));
        assert_eq!(free("${ {(k) = 1} }", &[]), Some(("k".into(), Some(5..6))));
        assert_eq!(free("%{ if false }${x}%{ else }${y}%{ endif }", &["x"]), Some(("y".into(), Some(28..29))));
        assert_eq!(free("${f(a, b...)} ${c ? d : -e}", &["a", "b", "c", "d"]), Some(("e".into(), Some(25..26))));
        assert_eq!(free("no references", &[]), None);
    }

    #[test]
    fn only_references_may_give_templatestring_its_template() {
        let expr = |text: &str| {
            hcl::edit::parser::parse_body(&format!("x = {text}\n"))
                .expect("parses")
                .get_attribute("x")
                .expect("x")
                .value
                .clone()
        };
        assert_eq!(not_a_template_reference(&expr("local.t")), None);
        assert_eq!(not_a_template_reference(&expr("local.t[\"a\"].b")), None);
        assert_eq!(not_a_template_reference(&expr("t")), None);
        assert!(not_a_template_reference(&expr("\"a\"")).is_some_and(|m| m.contains("literal template")));
        assert!(not_a_template_reference(&expr("\"${local.t}\"")).is_some_and(|m| m.contains("without any template")));
        assert!(not_a_template_reference(&expr("\"a${local.t}\"")).is_some_and(|m| m.contains("inline template")));
        assert!(not_a_template_reference(&expr("(local.t)")).is_some_and(|m| m.contains("direct reference")));
        assert!(not_a_template_reference(&expr("f(local.t)")).is_some_and(|m| m.contains("direct reference")));
    }
}
