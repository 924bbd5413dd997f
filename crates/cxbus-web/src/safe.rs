//! JavaScript operations on values from page code that cannot throw through the module.
//!
//! A JavaScript exception that unwinds through wasm frames skips their destructors, so a
//! `RefCell` borrow alive in one of them stays borrowed forever and every later call traps. Page
//! values can throw from almost anything: getters, `toString`/`valueOf`, proxies (revoked ones
//! throw from `typeof`-free checks such as `Array.isArray` and `instanceof`). Every such call on an
//! outside value goes through here: each import is bound with `catch`, and a failure reads as
//! "nothing there".

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `String(value)`.
    #[wasm_bindgen(catch, js_name = String)]
    fn string_of(value: &JsValue) -> Result<JsValue, JsValue>;

    /// `Array.isArray(value)`.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array_js(value: &JsValue) -> Result<bool, JsValue>;

    /// `Object.entries(value)`.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = entries)]
    fn entries_js(value: &JsValue) -> Result<Array, JsValue>;

    /// `Object.getPrototypeOf(value)`.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = getPrototypeOf)]
    fn prototype_of(value: &JsValue) -> Result<JsValue, JsValue>;

    /// `Object.keys(value)`.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn keys_js(value: &JsValue) -> Result<Array, JsValue>;
}

/// The most items read from one outside array-like (arguments lists, header maps).
pub const MAX_ITEMS: u32 = 10_000;

/// `String(value)`, or `None` when it throws.
pub fn text(value: &JsValue) -> Option<String> {
    value
        .as_string()
        .or_else(|| string_of(value).ok().and_then(|s| s.as_string()))
}

/// `Array.isArray(value)`; `false` when it throws (a revoked proxy).
pub fn is_array(value: &JsValue) -> bool {
    value.is_object() && is_array_js(value).unwrap_or(false)
}

/// The value as an `Object` when it is a non-null object (not a function); no `instanceof`, so
/// null-prototype objects and proxies count.
pub fn object(value: &JsValue) -> Option<Object> {
    (value.is_object() && !value.is_function()).then(|| value.clone().unchecked_into())
}

/// Whether `instanceof` checks (`dyn_ref`) on `value` cannot throw: not an object, or one whose
/// prototype can be read (a revoked proxy's cannot). Check before `dyn_ref` on page values.
pub fn inspectable(value: &JsValue) -> bool {
    !value.is_object() && !value.is_function() || prototype_of(value).is_ok()
}

/// `value[key]`, or `undefined` when `value` is not an object or the read throws.
pub fn get(value: &JsValue, key: &str) -> JsValue {
    if value.is_object() || value.is_function() {
        Reflect::get(value, &JsValue::from_str(key)).unwrap_or_default()
    } else {
        JsValue::UNDEFINED
    }
}

/// `Object.entries(value)` as `(key, value)` pairs, at most [`MAX_ITEMS`]; empty when it throws.
pub fn entries(value: &JsValue) -> Vec<(String, JsValue)> {
    if !value.is_object() {
        return Vec::new();
    }
    let Ok(list) = entries_js(value) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in 0..list.length().min(MAX_ITEMS) {
        let pair = list.get(i);
        if let Some(key) = Reflect::get_u32(&pair, 0).ok().and_then(|k| k.as_string()) {
            out.push((key, Reflect::get_u32(&pair, 1).unwrap_or_default()));
        }
    }
    out
}

/// `Object.keys(value)`, at most [`MAX_ITEMS`]; empty when it throws.
pub fn keys(value: &JsValue) -> Vec<String> {
    if !value.is_object() {
        return Vec::new();
    }
    let Ok(list) = keys_js(value) else {
        return Vec::new();
    };
    (0..list.length().min(MAX_ITEMS))
        .filter_map(|i| list.get(i).as_string())
        .collect()
}

/// The items of an array or array-like (`length` and indexed reads), at most [`MAX_ITEMS`];
/// a read that throws ends the list there.
pub fn items(value: &JsValue) -> Vec<JsValue> {
    if !value.is_object() {
        return Vec::new();
    }
    // The key is a cached JS string: argument lists are read on every settle.
    let length = Reflect::get(value, &crate::host::name("length"))
        .unwrap_or_default()
        .as_f64()
        .unwrap_or(0.0);
    let length = if length > 0.0 {
        (length as u32).min(MAX_ITEMS)
    } else {
        0
    };
    let mut out = Vec::new();
    for i in 0..length {
        match Reflect::get_u32(value, i) {
            Ok(item) => out.push(item),
            Err(_) => break,
        }
    }
    out
}
