//! String templates: interpolations, `%{ if }` and `%{ for }` directives, strip markers.

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
        let span = t.span_of_template(file);
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
                    v.span.or_else(|| span(file, expr)),
                    "invalid template interpolation value: the expression result is null",
                ));
            }
            _ => {
                let msg = format!("cannot include a {} in a string template; a string is required", v.ty());
                return Err(self.error(codes::TYPE, span(file, expr).or(v.span), msg));
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

fn span(file: FileId, e: &hcl::edit::expr::Expression) -> Option<crate::source::Span> {
    use hcl::edit::Span as _;
    e.span().map(|r| crate::source::Span::new(file, r.start, r.end))
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

trait TemplateSpan {
    fn span_of_template(&self, file: FileId) -> Option<crate::source::Span>;
}

impl TemplateSpan for Template {
    fn span_of_template(&self, file: FileId) -> Option<crate::source::Span> {
        use hcl::edit::Span as _;
        self.span().map(|r| crate::source::Span::new(file, r.start, r.end))
    }
}
