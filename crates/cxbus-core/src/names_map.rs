//! A small insertion-ordered map keyed by name.
//!
//! A page has tens of plugins and events, so a linear scan is as fast as a tree and costs a
//! fraction of the code size in the WebAssembly bundle (one `BTreeMap` per value type was
//! several kilobytes each).

/// Entries in insertion order; keys are unique.
#[derive(Debug, Clone)]
pub struct NameMap<T> {
    entries: Vec<(String, T)>,
}

impl<T> Default for NameMap<T> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<T> NameMap<T> {
    fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == key)
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// The value under `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut T> {
        self.position(key).map(|i| &mut self.entries[i].1)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key` to `value`, keeping its place if it was present.
    pub fn insert(&mut self, key: String, value: T) {
        match self.position(&key) {
            Some(i) => self.entries[i].1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// The value under `key`, inserting `T::default()` first if absent.
    pub fn get_or_default(&mut self, key: &str) -> &mut T
    where
        T: Default,
    {
        let i = match self.position(key) {
            Some(i) => i,
            None => {
                self.entries.push((key.to_owned(), T::default()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[i].1
    }

    /// Removes and returns the value under `key`.
    pub fn remove(&mut self, key: &str) -> Option<T> {
        self.position(key).map(|i| self.entries.remove(i).1)
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::NameMap;

    #[test]
    fn insert_keeps_the_first_place_and_replaces_the_value() {
        let mut map = NameMap::default();
        map.insert("b".into(), 1);
        map.insert("a".into(), 2);
        map.insert("b".into(), 3);
        let order: Vec<_> = map.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(order, [("b", 3), ("a", 2)]);
        assert_eq!(map.remove("b"), Some(3));
        assert!(!map.contains_key("b"));
        *map.get_or_default("c") += 5;
        assert_eq!(map.get("c"), Some(&5));
    }
}
