//! Crossing the boundary between bus payloads (`JsValue`) and the core's [`Json`].
//!
//! JavaScript does the JSON work, so the bundle has no JSON parser or printer: a payload is first
//! normalised with `JSON.parse(JSON.stringify(value))` (which applies `toJSON`, drops functions and
//! `undefined`, and turns values JSON cannot carry, such as cycles, into `null`), then the plain
//! result is walked. Going back, objects are built with `Object.fromEntries`, so every key
//! (`__proto__` included) becomes an own property, as `JSON.parse` would make it.
//!
//! Values from outside may be anything: the walk is iterative and refuses ([`Refused`]) values
//! nested deeper than [`MAX_DEPTH`], with more than [`MAX_VALUES`] values in all, or whose JSON
//! text is longer than [`MAX_TEXT`], so neither the wasm stack nor the page's time runs out. The
//! core's own values are built from these, so they stay within the same bounds.

use js_sys::{Array, JSON, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use webchat_core::Json;

/// Deepest nesting of arrays and objects read from outside.
pub const MAX_DEPTH: usize = 100;
/// Most values (scalars, arrays and objects each count one) read from one outside value.
pub const MAX_VALUES: usize = 200_000;
/// Longest JSON text read from outside, in UTF-16 units.
pub const MAX_TEXT: u32 = 8 * 1024 * 1024;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `Object.entries(object)`.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = entries)]
    fn entries(object: &Object) -> Result<Array, JsValue>;
}

/// A value too deep or too large to take in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

/// A JS value as JSON data; `null` when it has no JSON form (including when `JSON.stringify`
/// throws: cycles, throwing `toJSON` or getters, revoked proxies); [`Refused`] when too deep or
/// too large.
pub fn to_json(value: &JsValue) -> Result<Json, Refused> {
    if value.is_undefined() {
        return Ok(Json::Null);
    }
    let Some(text) = JSON::stringify(value).ok().filter(|t| t.is_string()) else {
        return Ok(Json::Null);
    };
    if text.length() > MAX_TEXT {
        return Err(Refused);
    }
    match JSON::parse(&String::from(text)) {
        Ok(plain) => walk(&plain),
        Err(_) => Ok(Json::Null),
    }
}

/// JSON text read with `JSON.parse`; `None` when it is not JSON or is refused.
pub fn parse(text: &str) -> Option<Json> {
    if text.len() > MAX_TEXT as usize * 3 {
        return None;
    }
    JSON::parse(text).ok().and_then(|v| walk(&v).ok())
}

/// JSON data as `JSON.stringify` text.
pub fn stringify(value: &Json) -> String {
    JSON::stringify(&build(value))
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// An array or object being read: its items (for an object, `[key, value]` pairs from
/// `Object.entries`), the next one to read, and what is read so far.
struct Frame {
    items: Array,
    next: u32,
    read: Read,
}

enum Read {
    Array(Vec<Json>),
    /// The entries so far and the key of the value being read.
    Object(Vec<(String, Json)>, String),
}

impl Frame {
    /// A frame for a container, or the value itself for a scalar.
    fn open(value: &JsValue) -> Result<Frame, Json> {
        if let Some(b) = value.as_bool() {
            Err(Json::Bool(b))
        } else if let Some(n) = value.as_f64() {
            Err(Json::Number(n))
        } else if let Some(s) = value.as_string() {
            Err(Json::String(s))
        } else if cxbus_web::safe::is_array(value) {
            let a: &Array = value.unchecked_ref();
            let read = Read::Array(Vec::with_capacity(a.length() as usize));
            Ok(Frame {
                items: a.clone(),
                next: 0,
                read,
            })
        } else if let Some(o) = value.dyn_ref::<Object>() {
            // Page code may have replaced `Object.entries`; a throw reads as no entries.
            let Ok(items) = entries(o) else {
                return Err(Json::Null);
            };
            let read = Read::Object(Vec::with_capacity(items.length() as usize), String::new());
            Ok(Frame {
                items,
                next: 0,
                read,
            })
        } else {
            Err(Json::Null)
        }
    }

    /// The next item to read, if any.
    fn next_item(&mut self) -> Option<JsValue> {
        if self.next >= self.items.length() {
            return None;
        }
        let item = self.items.get(self.next);
        self.next += 1;
        match &mut self.read {
            Read::Array(_) => Some(item),
            Read::Object(_, key) => {
                *key = Reflect::get_u32(&item, 0).ok()?.as_string()?;
                Reflect::get_u32(&item, 1).ok()
            }
        }
    }

    fn push(&mut self, value: Json) {
        match &mut self.read {
            Read::Array(items) => items.push(value),
            Read::Object(entries, key) => entries.push((std::mem::take(key), value)),
        }
    }

    fn finish(self) -> Json {
        match self.read {
            Read::Array(items) => Json::Array(items),
            Read::Object(entries, _) => Json::Object(entries.into_iter().collect()),
        }
    }
}

/// Reads a value `JSON.parse` produced (only null, booleans, numbers, strings, arrays and plain
/// objects occur), by an explicit stack, within [`MAX_DEPTH`] and [`MAX_VALUES`].
fn walk(root: &JsValue) -> Result<Json, Refused> {
    let mut budget = MAX_VALUES;
    let mut stack: Vec<Frame> = Vec::new();
    let mut pending = Some(root.clone());
    loop {
        let mut done = None;
        if let Some(value) = pending.take() {
            budget = budget.checked_sub(1).ok_or(Refused)?;
            match Frame::open(&value) {
                Ok(frame) if stack.len() < MAX_DEPTH => stack.push(frame),
                Ok(_) => return Err(Refused),
                Err(scalar) => done = Some(scalar),
            }
        }
        let Some(top) = stack.last_mut() else {
            return Ok(done.unwrap_or_default());
        };
        if let Some(value) = done {
            top.push(value);
        }
        pending = top.next_item();
        if pending.is_none()
            && let Some(finished) = stack.pop()
        {
            let value = finished.finish();
            match stack.last_mut() {
                Some(parent) => parent.push(value),
                None => return Ok(value),
            }
        }
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
