//! Crossing the boundary between bus payloads (`JsValue`) and the core's `serde_json::Value`.
//!
//! The text route (`JSON.stringify` / `JSON.parse` on the JS side, `serde_json` on ours) costs
//! almost nothing in the bundle, because the core already links `serde_json`, and it yields plain
//! objects and arrays, never `Map`s. Values JSON cannot carry (functions, DOM nodes, cycles)
//! become `null` instead of throwing.

use js_sys::{JSON, Reflect};
use serde_json::Value;
use wasm_bindgen::JsValue;

/// A JS value as JSON data; `null` when it has no JSON form.
pub fn to_json(value: &JsValue) -> Value {
    if value.is_undefined() {
        return Value::Null;
    }
    JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null)
}

/// JSON data as a fresh JS value; `null` becomes `undefined` (an event "with no data").
pub fn to_js(value: &Value) -> JsValue {
    if value.is_null() {
        return JsValue::UNDEFINED;
    }
    serde_json::to_string(value)
        .ok()
        .and_then(|text| JSON::parse(&text).ok())
        .unwrap_or(JsValue::UNDEFINED)
}

/// `object[key]`, or `undefined` when `object` is not an object or the read throws.
pub fn get(object: &JsValue, key: &str) -> JsValue {
    if object.is_object() || object.is_function() {
        Reflect::get(object, &JsValue::from_str(key)).unwrap_or_default()
    } else {
        JsValue::UNDEFINED
    }
}

/// `object[key]` as a string, if it is one.
pub fn get_string(object: &JsValue, key: &str) -> Option<String> {
    get(object, key).as_string()
}
