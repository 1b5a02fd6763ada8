//! The evaluation work one compilation may do, shared by the evaluators of all its modules
//! (variables, locals, module outputs, resources), so that no input, however small, makes
//! kmsc run out of time or memory: `for` expressions nested over large collections, chains
//! of locals that each copy the previous one twice, functions building huge results.
//!
//! What counts: every value a function or a `for` expression produces (each element of a
//! collection is a value, each byte of a string a byte), every copy a reference makes
//! (`local.x`, `var.x`, a `for` variable), every iteration of a `for` expression or `%{for}`
//! directive, and every resource or module instance. Literals written in the sources are
//! not counted: the source size limit bounds them. Once the budget is exhausted it stays
//! so: every later evaluation fails at once, and the compilation reports one `KMS009`.
//!
//! The budget of the running compilation is installed on its thread ([`Budget::install`]),
//! so that every [`super::Evaluator`] created during it shares the same budget.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use crate::diagnostic::{Diagnostic, codes, thousands};
use crate::source::Span;
use crate::value::{Part, Value, ValueKind};

/// Most values (elements, `for` iterations, copies made by references) one compilation may
/// produce, plus one for every [`SOURCE_BYTES_PER_VALUE`] bytes of its sources.
pub const MAX_VALUES: u64 = 500_000;
/// Most bytes of strings one compilation may produce (64 MiB), plus
/// [`STRING_BYTES_PER_SOURCE_BYTE`] for each byte of its sources.
pub const MAX_STRING_BYTES: u64 = 64 << 20;
/// A large configuration may do proportionally more: one value for every 4 bytes of
/// sources (a key with a 60-line `jsonencode` policy, about 2 KB, produces about 150), ...
pub const SOURCE_BYTES_PER_VALUE: u64 = 4;
/// ... and 4 bytes of strings for every byte of sources (its `jsonencode` text and
/// templates, about 5 KB). A small input cannot make kmsc do more than the fixed part.
pub const STRING_BYTES_PER_SOURCE_BYTE: u64 = 4;
/// Most resource and module instances (`count`, `for_each`, or one per block) in one
/// compilation, plus one for every [`SOURCE_BYTES_PER_INSTANCE`] bytes of its sources.
pub const MAX_INSTANCES: u64 = 10_000;
/// A resource block takes some 60 bytes at least: that many bytes of sources allow one
/// more instance.
pub const SOURCE_BYTES_PER_INSTANCE: u64 = 64;
/// Most local module calls loaded in one compilation (a module called twice is loaded
/// twice, with the modules it calls).
pub const MAX_MODULE_LOADS: u64 = 1_000;

/// The start of the message of the diagnostic reported when the budget runs out.
const MESSAGE_START: &str = "evaluation stopped:";

/// A compilation's evaluation budget (cheap to clone: clones share it).
#[derive(Clone, Debug, Default)]
pub struct Budget(Arc<Mutex<State>>);

#[derive(Clone, Debug, Default)]
struct State {
    values: u64,
    bytes: u64,
    /// The room added for the size of the sources (`Budget::allow_sources`).
    extra_values: u64,
    extra_bytes: u64,
    extra_instances: u64,
    instances: u64,
    module_loads: u64,
    /// Resources and module calls (by address) whose instances are counted already.
    counted: HashSet<String>,
    exceeded: Option<Exceeded>,
}

impl State {
    fn max_values(&self) -> u64 {
        MAX_VALUES.saturating_add(self.extra_values)
    }

    fn max_bytes(&self) -> u64 {
        MAX_STRING_BYTES.saturating_add(self.extra_bytes)
    }

    fn max_instances(&self) -> u64 {
        MAX_INSTANCES.saturating_add(self.extra_instances)
    }
}

/// A copy of a budget's state ([`Budget::snapshot`]).
#[derive(Debug)]
pub struct Snapshot(State);

/// Where and how the budget ran out.
#[derive(Clone, Debug)]
pub struct Exceeded {
    pub span: Option<Span>,
    pub message: String,
}

impl Exceeded {
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::error(codes::LIMIT, self.message.clone()).at(self.span).help(
            "kmsc counts the values functions and `for` expressions produce, the copies references make and \
             the instances of resources and modules; a key policy needs far less: look for a `for` \
             expression, `count`, `for_each` or function over a huge collection",
        )
    }

    /// Whether `d` is the diagnostic of an exhausted budget.
    pub fn is_budget_diagnostic(d: &Diagnostic) -> bool {
        d.code == codes::LIMIT && d.message.starts_with(MESSAGE_START)
    }
}

/// The outcome of spending.
#[derive(Debug)]
pub enum Spend {
    Ok,
    /// The budget ran out just now: report this (once).
    Exceeded(Exceeded),
    /// The budget ran out earlier (reported then).
    Exhausted,
}

thread_local! {
    static CURRENT: RefCell<Option<Budget>> = const { RefCell::new(None) };
}

/// Restores the previously installed budget when dropped.
pub struct Installed(Option<Budget>);

impl Drop for Installed {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

impl Budget {
    /// The budget installed on this thread, or a fresh one.
    pub fn current() -> Budget {
        CURRENT.with(|c| c.borrow().clone()).unwrap_or_default()
    }

    /// Makes this the budget of evaluators created on this thread until the guard drops.
    pub fn install(&self) -> Installed {
        Installed(CURRENT.with(|c| c.borrow_mut().replace(self.clone())))
    }

    /// Grows the budget for a compilation of `bytes` bytes of sources.
    pub fn allow_sources(&self, bytes: u64) {
        let mut s = self.state();
        s.extra_values = bytes / SOURCE_BYTES_PER_VALUE;
        s.extra_bytes = bytes.saturating_mul(STRING_BYTES_PER_SOURCE_BYTE);
        s.extra_instances = bytes / SOURCE_BYTES_PER_INSTANCE;
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The budget as spent so far, to go back to with [`Budget::restore`].
    pub fn snapshot(&self) -> Snapshot {
        Snapshot(self.state().clone())
    }

    /// Undoes everything spent since `snapshot` was taken (work that is thrown away and
    /// done again, such as a parallel evaluation redone on one thread).
    pub fn restore(&self, snapshot: Snapshot) {
        *self.state() = snapshot.0;
    }

    /// Where the budget ran out, if it did.
    pub fn exceeded(&self) -> Option<Exceeded> {
        self.state().exceeded.clone()
    }

    pub fn is_exhausted(&self) -> bool {
        self.state().exceeded.is_some()
    }

    /// Spends the values and string bytes of `v` (a computed value or a copy).
    pub fn spend_value(&self, v: &Value, at: Option<Span>) -> Spend {
        let (room_values, room_bytes) = {
            let s = self.state();
            if s.exceeded.is_some() {
                return Spend::Exhausted;
            }
            (s.max_values() - s.values, s.max_bytes() - s.bytes)
        };
        let mut size = Size { values: 0, bytes: 0, cap_values: room_values, cap_bytes: room_bytes };
        size.add(v);
        self.spend(size.values, size.bytes, at)
    }

    /// Spends `n` iterations of a `for` expression or directive.
    pub fn spend_iterations(&self, n: u64, at: Option<Span>) -> Spend {
        self.spend(n, 0, at)
    }

    /// Spends `n` bytes of strings copied or parsed.
    pub fn spend_bytes(&self, n: u64, at: Option<Span>) -> Spend {
        self.spend(0, n, at)
    }

    fn spend(&self, values: u64, bytes: u64, at: Option<Span>) -> Spend {
        let mut s = self.state();
        if s.exceeded.is_some() {
            return Spend::Exhausted;
        }
        s.values = s.values.saturating_add(values);
        s.bytes = s.bytes.saturating_add(bytes);
        let message = if s.values > s.max_values() {
            format!(
                "{MESSAGE_START} the expressions produce more than {} values (kmsc's limit)",
                thousands(s.max_values())
            )
        } else if s.bytes > s.max_bytes() {
            format!(
                "{MESSAGE_START} the expressions produce more than {} MiB of strings (kmsc's limit)",
                s.max_bytes() >> 20
            )
        } else {
            return Spend::Ok;
        };
        let e = Exceeded { span: at, message };
        s.exceeded = Some(e.clone());
        Spend::Exceeded(e)
    }

    /// Spends the loading of one local module call.
    pub fn spend_module_load(&self, at: Option<Span>) -> Spend {
        let mut s = self.state();
        if s.exceeded.is_some() {
            return Spend::Exhausted;
        }
        s.module_loads += 1;
        if s.module_loads <= MAX_MODULE_LOADS {
            return Spend::Ok;
        }
        let e = Exceeded {
            span: at,
            message: format!(
                "{MESSAGE_START} more than {} local module calls to load (kmsc's limit)",
                thousands(MAX_MODULE_LOADS)
            ),
        };
        s.exceeded = Some(e.clone());
        Spend::Exceeded(e)
    }

    /// Spends the `n` instances of the resource or module call `address` (counted once
    /// per address, however often its instances are listed).
    pub fn spend_instances(&self, address: &str, n: u64, at: Option<Span>) -> Spend {
        let mut s = self.state();
        if s.exceeded.is_some() {
            return Spend::Exhausted;
        }
        if s.counted.contains(address) {
            return Spend::Ok;
        }
        s.counted.insert(address.to_string());
        s.instances = s.instances.saturating_add(n);
        if s.instances <= s.max_instances() {
            return Spend::Ok;
        }
        let e = Exceeded {
            span: at,
            message: format!(
                "{MESSAGE_START} more than {} resource and module instances (kmsc's limit); `{address}` has {n}",
                thousands(s.max_instances())
            ),
        };
        s.exceeded = Some(e.clone());
        Spend::Exceeded(e)
    }
}

/// The size of a value, counted up to a cap (so that measuring a huge value is cheap).
struct Size {
    values: u64,
    bytes: u64,
    cap_values: u64,
    cap_bytes: u64,
}

impl Size {
    fn full(&self) -> bool {
        self.values > self.cap_values || self.bytes > self.cap_bytes
    }

    fn add(&mut self, v: &Value) {
        if self.full() {
            return;
        }
        self.values += 1;
        match &v.kind {
            ValueKind::String(s) => self.bytes += s.len() as u64,
            ValueKind::Partial(parts) => {
                for p in parts {
                    let (Part::Known(s) | Part::Unknown(s)) = p;
                    self.bytes += s.len() as u64;
                }
            }
            ValueKind::Tuple(items) | ValueKind::List(items) | ValueKind::Set(items) => {
                for x in items {
                    self.add(x);
                    if self.full() {
                        return;
                    }
                }
            }
            ValueKind::Object(m) | ValueKind::Map(m) => {
                for (k, x) in m {
                    self.bytes += k.len() as u64;
                    self.add(x);
                    if self.full() {
                        return;
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_run_out_once_and_stay_out() {
        let b = Budget::default();
        let big = Value::tuple(vec![Value::string("x"); 300_000]);
        assert!(matches!(b.spend_value(&big, None), Spend::Ok));
        assert!(matches!(b.spend_value(&big, None), Spend::Exceeded(_)));
        assert!(matches!(b.spend_value(&Value::null(), None), Spend::Exhausted));
        let e = b.exceeded().unwrap();
        assert!(e.message.contains("500,000 values"), "{}", e.message);
        assert!(Exceeded::is_budget_diagnostic(&e.diagnostic()));
    }

    #[test]
    fn strings_count_their_bytes() {
        let b = Budget::default();
        let s = Value::string("y".repeat(40 << 20));
        assert!(matches!(b.spend_value(&s, None), Spend::Ok));
        assert!(matches!(b.spend_value(&s, None), Spend::Exceeded(e) if e.message.contains("64 MiB")));
    }

    #[test]
    fn instances_are_counted_once_per_address() {
        let b = Budget::default();
        for _ in 0..3 {
            assert!(matches!(b.spend_instances("aws_kms_key.a", 6_000, None), Spend::Ok));
        }
        assert!(matches!(b.spend_instances("aws_kms_key.b", 6_000, None), Spend::Exceeded(_)));
    }

    #[test]
    fn the_installed_budget_is_shared_and_restored() {
        let b = Budget::default();
        {
            let _guard = b.install();
            let _ = Budget::current().spend_iterations(MAX_VALUES + 1, None);
        }
        assert!(b.is_exhausted());
        assert!(!Budget::current().is_exhausted());
    }
}
