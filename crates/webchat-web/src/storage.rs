//! The session record in `localStorage`. Storage may be disabled (privacy modes, sandboxed
//! frames) or full; then the chat still works, it just cannot survive a reload.

use web_sys::Storage;

use crate::error::WebError;

fn local() -> Result<Storage, WebError> {
    web_sys::window()
        .ok_or(WebError::NoWindow)?
        .local_storage()
        .ok()
        .flatten()
        .ok_or(WebError::NoStorage)
}

/// The text stored under `key`, if any.
pub fn read(key: &str) -> Option<String> {
    local().ok()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`; a refusal (quota, disabled) is ignored.
pub fn write(key: &str, value: &str) {
    if let Ok(s) = local() {
        let _ = s.set_item(key, value);
    }
}

/// Removes `key`.
pub fn remove(key: &str) {
    if let Ok(s) = local() {
        let _ = s.remove_item(key);
    }
}
