//! JavaScript RegExp semantics for prefilters and filtered-message patterns.
//!
//! Patterns reach the core as `source` + `flags` (that is what persists across a reload); here
//! they become `RegExp` objects again. The constructor is bound with `catch`, so a pattern that
//! came back from tampered storage cannot throw through the wasm stack.

use js_sys::{Object, RegExp};
use wasm_bindgen::prelude::*;
use webchat_core::{Pattern, TextMatcher};

#[wasm_bindgen]
extern "C" {
    /// `new RegExp(source, flags)`, returning the error instead of throwing.
    #[wasm_bindgen(catch, js_name = RegExp)]
    fn try_regexp(source: &str, flags: &str) -> Result<RegExp, JsValue>;

    /// `regexp.test(text)`, which page code may have replaced with one that throws. It runs
    /// inside `WebChat::handle`, so a throw must not unwind through the borrowed core.
    type Tested;

    #[wasm_bindgen(method, catch, js_name = test)]
    fn try_test(this: &Tested, text: &str) -> Result<bool, JsValue>;
}

/// A `RegExp` for `pattern`, or `None` when it does not compile.
pub fn regexp(pattern: &Pattern) -> Option<RegExp> {
    try_regexp(&pattern.source, &pattern.flags).ok()
}

/// The pattern of a JS value, when it is a RegExp.
pub fn pattern_of(value: &JsValue) -> Option<Pattern> {
    if !cxbus_web::safe::inspectable(value) {
        return None;
    }
    value.dyn_ref::<RegExp>()?;
    // Read through `catch`: `source` and `flags` are getters page code can replace.
    let text = |key| cxbus_web::safe::get(value, key).as_string();
    Some(Pattern::new(text("source")?, text("flags")?))
}

/// Evaluates patterns with `RegExp.prototype.test`, `lastIndex` reset first so `g`/`y` patterns
/// do not depend on earlier calls.
#[derive(Debug, Default, Clone, Copy)]
pub struct JsMatcher;

impl TextMatcher for JsMatcher {
    fn is_match(&self, pattern: &Pattern, text: &str) -> bool {
        regexp(pattern).is_some_and(|re| {
            let _ = js_sys::Reflect::set(&re, &"lastIndex".into(), &0.into());
            re.unchecked_ref::<Tested>().try_test(text).unwrap_or(false)
        })
    }
}

/// An array of RegExp objects for the given patterns (addPrefilter's resolution).
pub fn regexp_array(patterns: &[Pattern]) -> js_sys::Array {
    patterns
        .iter()
        .filter_map(regexp)
        .map(Object::from)
        .collect()
}
