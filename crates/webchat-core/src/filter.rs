//! Prefilters and filtered-message patterns. Patterns are JavaScript RegExps, so the core only
//! keeps their `source` and `flags` (which persist across restore) and asks a [`TextMatcher`] the
//! glue supplies (backed by `js_sys::RegExp`) whether one matches.

/// A JavaScript regular expression, by `source` and `flags`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pattern {
    /// `RegExp.prototype.source`.
    pub source: String,
    /// `RegExp.prototype.flags`.
    pub flags: String,
}

impl Pattern {
    /// A pattern from its parts.
    pub fn new(source: impl Into<String>, flags: impl Into<String>) -> Self {
        Self {
            source: source.into(),
            flags: flags.into(),
        }
    }
}

/// Evaluates patterns with JavaScript semantics. The glue should test with `lastIndex` reset
/// (or the `g`/`y` flags removed), so a match does not depend on earlier calls.
pub trait TextMatcher {
    /// Whether `pattern` matches somewhere in `text`.
    fn is_match(&self, pattern: &Pattern, text: &str) -> bool;
}

/// The two filter lists of a session.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Filters {
    /// addPrefilter patterns, applied first.
    pub prefilters: Vec<Pattern>,
    /// sendFilteredMessage patterns, applied second.
    pub filtered: Vec<Pattern>,
}

impl Filters {
    /// Whether a message with `text` is hidden: prefilters are asked first, then the
    /// filtered-message patterns; the first match wins. Empty text is never hidden.
    pub fn hides(&self, matcher: &dyn TextMatcher, text: &str) -> bool {
        !text.is_empty()
            && self
                .prefilters
                .iter()
                .chain(&self.filtered)
                .any(|p| matcher.is_match(p, text))
    }

    /// Adds prefilters, skipping ones already present.
    pub fn add_prefilters(&mut self, patterns: Vec<Pattern>) {
        for p in patterns {
            if !self.prefilters.contains(&p) {
                self.prefilters.push(p);
            }
        }
    }

    /// Adds a filtered-message pattern, skipping one already present.
    pub fn add_filtered(&mut self, pattern: Pattern) {
        if !self.filtered.contains(&pattern) {
            self.filtered.push(pattern);
        }
    }
}

/// A matcher for tests and native tools: a pattern matches when its source occurs in the text.
#[derive(Debug, Default, Clone, Copy)]
pub struct SubstringMatcher;

impl TextMatcher for SubstringMatcher {
    fn is_match(&self, pattern: &Pattern, text: &str) -> bool {
        text.contains(pattern.source.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    struct Recording(RefCell<Vec<String>>);
    impl TextMatcher for Recording {
        fn is_match(&self, p: &Pattern, text: &str) -> bool {
            self.0.borrow_mut().push(p.source.clone());
            text.contains(p.source.as_str())
        }
    }

    #[test]
    fn prefilters_are_asked_before_filtered_patterns() {
        let mut f = Filters::default();
        f.add_filtered(Pattern::new("secret", ""));
        f.add_prefilters(vec![Pattern::new("pre", "i")]);
        let m = Recording(RefCell::new(Vec::new()));
        assert!(f.hides(&m, "a secret"));
        assert_eq!(*m.0.borrow(), vec!["pre".to_owned(), "secret".to_owned()]);
    }

    #[test]
    fn a_prefilter_match_stops_the_pipeline() {
        let mut f = Filters::default();
        f.add_prefilters(vec![Pattern::new("x", "")]);
        f.add_filtered(Pattern::new("x", ""));
        let m = Recording(RefCell::new(Vec::new()));
        assert!(f.hides(&m, "x"));
        assert_eq!(m.0.borrow().len(), 1);
    }

    #[test]
    fn duplicate_patterns_are_kept_once() {
        let mut f = Filters::default();
        f.add_prefilters(vec![Pattern::new("a", ""), Pattern::new("a", "")]);
        assert_eq!(f.prefilters.len(), 1);
        assert!(!f.hides(&SubstringMatcher, ""));
    }
}
