//! The attributes of an object or the elements of a map value: a vector of `(key, value)`
//! pairs kept sorted by the keys' bytes, as cty orders them.
//!
//! Key policies are made of small objects (a statement has five or six attributes, a
//! `Principal` one or two): a `BTreeMap` gives each of them a node of eleven slots (over a
//! kilobyte for `String` → `Value`), which the evaluator allocates, fills and walks for
//! every statement of every policy. A sorted vector holds exactly what is there, is
//! searched by bisection, and is walked in order without chasing pointers.
//!
//! Building one from an iterator sorts once (`collect`); `insert` keeps the order, appending
//! when the key sorts last (the common case: keys written in order, or copied from another
//! `Members`). Code that inserts many keys in no particular order collects instead.

use std::fmt;

use crate::value::Value;

#[derive(Clone, Default, PartialEq)]
pub struct Members(Vec<(String, Value)>);

impl Members {
    pub const fn new() -> Members {
        Members(Vec::new())
    }

    pub fn with_capacity(n: usize) -> Members {
        Members(Vec::with_capacity(n))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.find(key).ok().map(|i| &mut self.0[i].1)
    }

    pub fn get_key_value(&self, key: &str) -> Option<(&String, &Value)> {
        self.find(key).ok().map(|i| (&self.0[i].0, &self.0[i].1))
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; the previous value, if there was one.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        // Keys that arrive in order are appended without a search.
        if self.0.last().is_none_or(|(last, _)| last.as_str() < key.as_str()) {
            self.0.push((key, value));
            return None;
        }
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter(self.0.iter())
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&String, &mut Value)> + ExactSizeIterator {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator + Clone {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator + Clone {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.0.iter_mut().map(|(_, v)| v)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = Value> + ExactSizeIterator {
        self.0.into_iter().map(|(_, v)| v)
    }

    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = String> + ExactSizeIterator {
        self.0.into_iter().map(|(k, _)| k)
    }

    /// Pairs in any order; a key given twice keeps its last value (as inserting them one
    /// after another would).
    fn from_pairs(mut pairs: Vec<(String, Value)>) -> Members {
        if pairs.windows(2).all(|w| w[0].0 < w[1].0) {
            return Members(pairs);
        }
        // Stable: equal keys stay in the order given; of each run of equal keys the first
        // pair is kept, with the value of the last.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                std::mem::swap(&mut later.1, &mut kept.1);
            }
            same
        });
        Members(pairs)
    }
}

impl std::ops::Index<&str> for Members {
    type Output = Value;
    /// The value of `key`; panics if there is none (as `BTreeMap` does).
    fn index(&self, key: &str) -> &Value {
        self.get(key).expect("no such key")
    }
}

impl fmt::Debug for Members {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Borrowing iterator, in key order.
#[derive(Clone)]
pub struct Iter<'a>(std::slice::Iter<'a, (String, Value)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Members {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for Members {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<(String, Value)> for Members {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Members {
        Members::from_pairs(iter.into_iter().collect())
    }
}

impl Extend<(String, Value)> for Members {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        let mut pairs = std::mem::take(&mut self.0);
        pairs.extend(iter);
        *self = Members::from_pairs(pairs);
    }
}

impl<const N: usize> From<[(String, Value); N]> for Members {
    fn from(pairs: [(String, Value); N]) -> Members {
        Members::from_pairs(pairs.into())
    }
}

impl From<std::collections::BTreeMap<String, Value>> for Members {
    fn from(map: std::collections::BTreeMap<String, Value>) -> Members {
        // Already in key order.
        Members(map.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::string(v)
    }

    #[test]
    fn keeps_keys_in_byte_order_and_the_last_value_of_a_repeated_key() {
        let m: Members = [("b", "1"), ("a", "2"), ("B", "3"), ("a", "4"), ("é", "5"), ("aa", "6")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), s(v)))
            .collect();
        let keys: Vec<&str> = m.keys().map(String::as_str).collect();
        assert_eq!(keys, ["B", "a", "aa", "b", "é"]);
        assert_eq!(m.get("a"), Some(&s("4")));
        assert_eq!(m.get("c"), None);
    }

    #[test]
    fn insert_in_any_order_matches_a_btreemap() {
        let keys = ["m", "c", "x", "c", "a", "z", "m", "b", "", "y"];
        let mut ours = Members::new();
        let mut theirs = std::collections::BTreeMap::new();
        for (i, k) in keys.iter().enumerate() {
            let v = Value::string(i.to_string());
            assert_eq!(ours.insert(k.to_string(), v.clone()), theirs.insert(k.to_string(), v));
        }
        assert_eq!(ours, Members::from(theirs.clone()));
        assert_eq!(ours.remove("c"), theirs.remove("c"));
        assert_eq!(ours.remove("nope"), None);
        assert_eq!(ours, Members::from(theirs));
        let mut extended = Members::new();
        extended.extend(keys.iter().enumerate().map(|(i, k)| (k.to_string(), Value::string(i.to_string()))));
        assert_eq!(extended.get("m"), Some(&s("6")));
        assert_eq!(extended.len(), 8);
    }
}
