//! Where the session record is kept: `localStorage` under [`webchat_core::STORAGE_KEY`], or, in
//! Engage v3 async mode, the customer's `transport.async` callbacks ([`SessionStore`] is the one
//! place that choice is made). Storage may be disabled (privacy modes, sandboxed frames) or full;
//! then the chat still works, it just cannot survive a reload. A callback that is missing or
//! throws is reported as a [`CallbackError`] (the service publishes it as `error`) and never
//! stops the plugin.

#[cfg(feature = "v3")]
use js_sys::Function;
#[cfg(feature = "v3")]
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use web_sys::Storage;
use webchat_core::Json;

use crate::convert;
#[cfg(feature = "v3")]
use crate::convert::get;
#[cfg(feature = "v3")]
use crate::cookie;

/// `transport.type` of Engage v3 (`webchat_core`'s configuration reads the same).
#[cfg(feature = "v3")]
const ENGAGE_V3_TYPE: &str = "pureengage-v3-rest";
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

/// Keeps Engage v3 async mode's outbox under `webchat_core::OUTBOX_KEY` (`Null`: removes it).
pub fn save_outbox(value: &Json) {
    if value.is_null() {
        remove(webchat_core::OUTBOX_KEY);
    } else {
        write(webchat_core::OUTBOX_KEY, value);
    }
}

/// The sink the configuration chose for the session record.
#[derive(Clone)]
pub enum SessionStore {
    /// `localStorage` under [`webchat_core::STORAGE_KEY`].
    Local,
    /// Engage v3 async mode: the customer's `transport.async` callbacks keep the session data.
    #[cfg(feature = "v3")]
    Callbacks(AsyncCallbacks),
}

/// `transport.async.{getSessionData, setSessionData, deleteSessionData}` and what they are
/// called with besides the data: `Cookie` and `CookieOptions` ([`crate::cookie`]).
#[cfg(feature = "v3")]
#[derive(Clone)]
pub struct AsyncCallbacks {
    get_session_data: JsValue,
    set_session_data: JsValue,
    delete_session_data: JsValue,
    /// The `Cookie` object.
    cookie: JsValue,
    /// `_genesys.widgets`, for `main.cookieOptions`.
    widgets: JsValue,
}

/// A customer callback that is missing or threw: the text of the `error` event it causes.
#[cfg(feature = "v3")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackError(pub String);

/// Without Engage v3 there are no customer callbacks, so nothing can fail (and the failure
/// paths compile away).
#[cfg(not(feature = "v3"))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackError {}

impl SessionStore {
    /// The sink `webchat` (`_genesys.widgets.webchat`) selects: `localStorage` in a bundle
    /// without Engage v3.
    #[cfg(not(feature = "v3"))]
    pub fn for_config(_webchat: &JsValue, _widgets: &JsValue) -> Self {
        Self::Local
    }

    /// The sink `webchat` (`_genesys.widgets.webchat`) selects: the async callbacks when
    /// `transport.type` is Engage v3 and `transport.async.enabled` (or `enable`) is `true`.
    #[cfg(feature = "v3")]
    pub fn for_config(webchat: &JsValue, widgets: &JsValue) -> Self {
        let transport = get(webchat, "transport");
        let callbacks = get(&transport, "async");
        let enabled = [get(&callbacks, "enabled"), get(&callbacks, "enable")]
            .iter()
            .any(|v| v.as_bool() == Some(true));
        if get(&transport, "type").as_string().as_deref() != Some(ENGAGE_V3_TYPE) || !enabled {
            return Self::Local;
        }
        Self::Callbacks(AsyncCallbacks {
            get_session_data: get(&callbacks, "getSessionData"),
            set_session_data: get(&callbacks, "setSessionData"),
            delete_session_data: get(&callbacks, "deleteSessionData"),
            cookie: cookie::make_cookie(),
            widgets: widgets.clone(),
        })
    }

    /// What the sink holds, as [`read`] gives it; for the callbacks, what `setSessionData(open,
    /// Cookie, CookieOptions)` returns (JSON text is read into its object).
    pub fn load(&self) -> Result<Option<Json>, CallbackError> {
        match self {
            Self::Local => Ok(read(webchat_core::STORAGE_KEY)),
            #[cfg(feature = "v3")]
            Self::Callbacks(c) => {
                let open = JsValue::FALSE;
                let value = c.call("setSessionData", &c.set_session_data, &open)?;
                Ok(session_data(&value))
            }
        }
    }

    /// Keeps `record`; the callbacks get it through `getSessionData(sessionData, Cookie,
    /// CookieOptions)`.
    pub fn save(&self, record: &Json) -> Result<(), CallbackError> {
        match self {
            Self::Local => {
                write(webchat_core::STORAGE_KEY, record);
                Ok(())
            }
            #[cfg(feature = "v3")]
            Self::Callbacks(c) => {
                let data = convert::to_js(record);
                c.call("getSessionData", &c.get_session_data, &data)
                    .map(drop)
            }
        }
    }

    /// Async mode's outbox, kept in localStorage apart from the site's session data
    /// (`webchat_core::OUTBOX_KEY`); `None` with `localStorage` as the sink, where the outbox is
    /// part of the record.
    pub fn load_outbox(&self) -> Option<Json> {
        match self {
            Self::Local => None,
            #[cfg(feature = "v3")]
            Self::Callbacks(_) => read(webchat_core::OUTBOX_KEY),
        }
    }

    /// Drops the record; the callbacks get `deleteSessionData(errorData, Cookie, CookieOptions)`.
    pub fn clear(&self, error_data: &JsValue) -> Result<(), CallbackError> {
        match self {
            Self::Local => {
                let _ = error_data; // only the callbacks take it
                remove(webchat_core::STORAGE_KEY);
                Ok(())
            }
            #[cfg(feature = "v3")]
            Self::Callbacks(c) => c
                .call("deleteSessionData", &c.delete_session_data, error_data)
                .map(drop),
        }
    }
}

#[cfg(feature = "v3")]
impl AsyncCallbacks {
    /// Calls callback `name` (`f`) with `first`, `Cookie` and `CookieOptions`.
    fn call(&self, name: &str, f: &JsValue, first: &JsValue) -> Result<JsValue, CallbackError> {
        let failure = |what: &str| {
            let mut text = String::from("transport.async.");
            text.push_str(name);
            text.push_str(what);
            CallbackError(text)
        };
        let Some(f) = f.dyn_ref::<Function>() else {
            return Err(failure(" is not a function"));
        };
        // Not the exception itself in the message: customer code may throw what it was given.
        cookie::call(f, first, &self.cookie, &self.widgets)
            .map_err(|_| failure(" threw an exception"))
    }
}

/// setSessionData's answer as session data: an object, the object in JSON text, or the text
/// itself (a bare token); nothing for `undefined`, `null` or blank text.
#[cfg(feature = "v3")]
fn session_data(value: &JsValue) -> Option<Json> {
    if let Some(text) = value.as_string() {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return None;
        }
        return match convert::parse(trimmed) {
            Some(parsed @ Json::Object(_)) => Some(parsed),
            _ => Some(Json::String(text)),
        };
    }
    // Data too deep or too large to read is no session data.
    match convert::to_json(value) {
        Ok(Json::Null) | Err(_) => None,
        Ok(other) => Some(other),
    }
}
