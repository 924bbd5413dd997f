//! Crossing the boundary between bus payloads (`JsValue`) and the core's [`Json`].
//!
//! Values cross as JSON text, one call each way: a payload is printed with `JSON.stringify` (which
//! applies `toJSON`, drops functions and `undefined`, and turns values JSON cannot carry, such as
//! cycles, into `null`) and read by the core's reader (`webchat_core::json_text`); response bodies
//! and storage are read the same way. Going back, the core prints the value and `JSON.parse`
//! builds it, so every key (`__proto__` included) becomes an own property. Crossing value by value
//! took several calls per value; a 2,000-message restore spent most of its time there.
//!
//! Values from outside may be anything: the reader is iterative and refuses ([`Refused`]) values
//! nested deeper than [`MAX_DEPTH`], with more than [`MAX_VALUES`] values in all, or whose JSON
//! text is longer than [`MAX_TEXT`], so neither the wasm stack nor the page's time runs out. The
//! core's own values are built from these, so they stay within the same bounds.

use js_sys::{JSON, Reflect};
use wasm_bindgen::JsValue;
use webchat_core::Json;
use webchat_core::json_text::{self, Limits, TextError};

/// Deepest nesting of arrays and objects read from outside.
pub const MAX_DEPTH: usize = 100;
/// Most values (scalars, arrays and objects each count one) read from one outside value.
pub const MAX_VALUES: usize = 200_000;
/// Longest JSON text read from outside, in UTF-16 units.
pub const MAX_TEXT: u32 = 8 * 1024 * 1024;
/// [`MAX_DEPTH`] and [`MAX_VALUES`] for the reader.
const LIMITS: Limits = Limits {
    max_depth: MAX_DEPTH,
    max_values: MAX_VALUES,
};

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `Number.parseFloat(text)`, for numbers the core's reader leaves to JavaScript.
    #[wasm_bindgen(catch, js_namespace = Number, js_name = parseFloat)]
    fn parse_float(text: &str) -> Result<f64, JsValue>;
    /// `String(n)`, for numbers the core's printer leaves to JavaScript.
    #[wasm_bindgen(catch, js_name = String)]
    fn number_string(n: f64) -> Result<String, JsValue>;
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
    Ok(read(&String::from(text))?.unwrap_or_default())
}

/// JSON text read by the core's reader (`webchat_core::json_text`); `None` when it is not JSON or
/// is refused.
pub fn parse(text: &str) -> Option<Json> {
    read(text).ok().flatten()
}

/// JSON text: `Ok(None)` when it is not JSON, [`Refused`] when too deep or too large.
fn read(text: &str) -> Result<Option<Json>, Refused> {
    if text.len() > MAX_TEXT as usize * 3 {
        return Err(Refused);
    }
    // Numbers other than small whole ones are read by JavaScript's own `parseFloat` (the text is
    // already checked to be a JSON number), so the bundle has no float parser.
    let mut number = |n: &str| parse_float(n).ok().filter(|n| !n.is_nan());
    match json_text::parse(text, LIMITS, &mut number) {
        Ok(value) => Ok(Some(value)),
        Err(TextError::Syntax) => Ok(None),
        Err(TextError::TooLarge) => Err(Refused),
    }
}

/// JSON data as `JSON.stringify` text.
pub fn stringify(value: &Json) -> String {
    json_text::write(value, &mut print_number)
}

/// A number as `String(n)` prints it (JavaScript's own printer; the core's if that throws).
fn print_number(n: f64) -> String {
    number_string(n).unwrap_or_else(|_| webchat_core::json::number_text(n))
}

/// JSON data as a fresh JS value; `null` becomes `undefined` (an event "with no data"). Printed
/// here and read by `JSON.parse` in one call, which is many times faster than building the value
/// with a call per key; so every key (`__proto__` included) is an own property.
pub fn to_js(value: &Json) -> JsValue {
    if value.is_null() {
        return JsValue::UNDEFINED;
    }
    JSON::parse(&stringify(value)).unwrap_or(JsValue::NULL)
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
