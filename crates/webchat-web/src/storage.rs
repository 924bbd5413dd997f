//! Where the session record is kept. Today that is `localStorage` under
//! [`webchat_core::STORAGE_KEY`]; async transports will hand it to customer callbacks instead
//! ([`SessionStore`] is the one place that choice is made). Storage may be disabled (privacy
//! modes, sandboxed frames) or full; then the chat still works, it just cannot survive a reload.

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

/// The sink the configuration chose for the session record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SessionStore {
    /// `localStorage` under [`webchat_core::STORAGE_KEY`].
    #[default]
    Local,
}

impl SessionStore {
    /// What the sink holds, as [`read`] gives it.
    pub fn load(self) -> Option<Json> {
        match self {
            Self::Local => read(webchat_core::STORAGE_KEY),
        }
    }

    /// Keeps `record`.
    pub fn save(self, record: &Json) {
        match self {
            Self::Local => write(webchat_core::STORAGE_KEY, record),
        }
    }

    /// Drops the record.
    pub fn clear(self) {
        match self {
            Self::Local => remove(webchat_core::STORAGE_KEY),
        }
    }
}
