//! Key policies: the typed AST ([`ast`]) and lowering from evaluated values ([`lower`]).

pub mod ast;
pub mod lower;

pub use ast::{
    ConditionBlock, Effect, KeyPolicy, PolicyString, Principal, Scalar, Spanned, Statement, Statements, StringList,
};
pub use lower::lower;

/// Value builders for tests of the policy and emit modules.
#[cfg(test)]
pub(crate) mod test_support {
    use std::cell::Cell;

    use crate::number::Number;
    use crate::source::{FileId, Span};
    use crate::value::{Part, Type, Value};

    /// Builds values, giving each a distinct span (`n*10 .. n*10+5` for the n-th value
    /// built), so tests can tell which value a diagnostic points at.
    pub(crate) struct B {
        next: Cell<usize>,
    }

    impl B {
        pub(crate) fn new() -> B {
            B { next: Cell::new(0) }
        }
        pub(crate) fn sp(&self, v: Value) -> Value {
            let n = self.next.get();
            self.next.set(n + 1);
            v.with_span(Some(Span::new(FileId(0), n * 10, n * 10 + 5)))
        }
        pub(crate) fn s(&self, x: &str) -> Value {
            self.sp(Value::string(x))
        }
        pub(crate) fn num(&self, x: &str) -> Value {
            self.sp(Value::number(Number::parse(x).expect("number literal")))
        }
        pub(crate) fn bool(&self, x: bool) -> Value {
            self.sp(Value::bool(x))
        }
        pub(crate) fn null(&self) -> Value {
            self.sp(Value::null())
        }
        pub(crate) fn t(&self, items: Vec<Value>) -> Value {
            self.sp(Value::tuple(items))
        }
        /// A tuple of strings.
        pub(crate) fn ss(&self, items: &[&str]) -> Value {
            let items = items.iter().map(|x| self.s(x)).collect();
            self.t(items)
        }
        pub(crate) fn o(&self, members: Vec<(&str, Value)>) -> Value {
            self.sp(Value::object(members.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
        }
        pub(crate) fn unknown(&self, expr: &str, ty: Type) -> Value {
            self.sp(Value::unknown(expr, ty))
        }
        pub(crate) fn partial(&self, parts: Vec<Part>) -> Value {
            self.sp(Value::partial(parts))
        }
    }
}
