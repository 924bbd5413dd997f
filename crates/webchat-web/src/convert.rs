//! Crossing the boundary between bus payloads (`JsValue`) and the core's [`Json`].
//!
//! JavaScript does the JSON work, so the bundle has no JSON parser or printer: a payload is first
//! normalised with `JSON.parse(JSON.stringify(value))` (which applies `toJSON`, drops functions and
//! `undefined`, and turns values JSON cannot carry, such as cycles, into `null`), then the plain
//! result is walked. Going back, objects are built with `Object.fromEntries`, so every key
//! (`__proto__` included) becomes an own property, as `JSON.parse` would make it.

use js_sys::{Array, JSON, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use webchat_core::Json;

/// A JS value as JSON data; `null` when it has no JSON form.
pub fn to_json(value: &JsValue) -> Json {
    if value.is_undefined() {
        return Json::Null;
    }
    JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .and_then(|text| parse(&text))
        .unwrap_or(Json::Null)
}

/// JSON text read with `JSON.parse`; `None` when it is not JSON.
pub fn parse(text: &str) -> Option<Json> {
    JSON::parse(text).ok().map(|v| walk(&v))
}

/// JSON data as `JSON.stringify` text.
pub fn stringify(value: &Json) -> String {
    JSON::stringify(&build(value))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// Reads a value `JSON.parse` produced (only null, booleans, numbers, strings, arrays and plain
/// objects occur).
fn walk(value: &JsValue) -> Json {
    if let Some(b) = value.as_bool() {
        Json::Bool(b)
    } else if let Some(n) = value.as_f64() {
        Json::Number(n)
    } else if let Some(s) = value.as_string() {
        Json::String(s)
    } else if let Some(a) = value.dyn_ref::<Array>() {
        Json::Array(a.iter().map(|v| walk(&v)).collect())
    } else if let Some(o) = value.dyn_ref::<Object>() {
        Json::Object(
            Object::entries(o)
                .iter()
                .filter_map(|pair| {
                    let key = Reflect::get_u32(&pair, 0).ok()?.as_string()?;
                    let v = Reflect::get_u32(&pair, 1).ok()?;
                    Some((key, walk(&v)))
                })
                .collect(),
        )
    } else {
        Json::Null
    }
}

/// A fresh JS value for `value`.
fn build(value: &Json) -> JsValue {
    match value {
        Json::Null => JsValue::NULL,
        Json::Bool(b) => JsValue::from_bool(*b),
        Json::Number(n) => JsValue::from_f64(*n),
        Json::String(s) => JsValue::from_str(s),
        Json::Array(items) => items.iter().map(build).collect::<Array>().into(),
        Json::Object(entries) => {
            let pairs: Array = entries
                .iter()
                .map(|(k, v)| Array::of2(&JsValue::from_str(k), &build(v)))
                .collect();
            Object::from_entries(&pairs).map_or(JsValue::NULL, JsValue::from)
        }
    }
}

/// JSON data as a fresh JS value; `null` becomes `undefined` (an event "with no data").
pub fn to_js(value: &Json) -> JsValue {
    if value.is_null() {
        return JsValue::UNDEFINED;
    }
    build(value)
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
