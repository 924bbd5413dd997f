//! The session record in `localStorage`. Storage may be disabled (privacy modes, sandboxed
//! frames) or full; then the chat still works, it just cannot survive a reload.

use web_sys::Storage;
use webchat_core::Json;

use crate::convert;
use crate::error::WebError;

fn local() -> Result<Storage, WebError> {
    web_sys::window()
        .ok_or(WebError::NoWindow)?
        .local_storage()
        .ok()
        .flatten()
        .ok_or(WebError::NoStorage)
}

/// What is stored under `key`, read with `JSON.parse`: `None` when nothing (or only whitespace)
/// is stored, `null` when the text is not JSON.
pub fn read(key: &str) -> Option<Json> {
    let text = local().ok()?.get_item(key).ok().flatten()?;
    (!text.trim().is_empty()).then(|| convert::parse(&text).unwrap_or(Json::Null))
}

/// Stores `value` under `key` as `JSON.stringify` text; a refusal (quota, disabled) is ignored.
pub fn write(key: &str, value: &Json) {
    if let Ok(s) = local() {
        let _ = s.set_item(key, &convert::stringify(value));
    }
}

/// Removes `key`.
pub fn remove(key: &str) {
    if let Ok(s) = local() {
        let _ = s.remove_item(key);
    }
}
