//! The options of `startSession` and `restoreSession` (seed 003), checked, with their defaults,
//! and the WebChatService configuration they select: `serverUrl` is the built-in CometD transport
//! (GMS Chat v2 over Bayeux; WebSocket unless `disableWebSockets`), a `transport` object
//! `{type: 'rest', dataURL}` is GMS Chat v2 over REST.

use super::errors::{ApiError, ErrorCode};
use crate::json;
use crate::json::{Json, Object};

/// The user name when `username` is absent.
pub const DEFAULT_USERNAME: &str = "User";
/// `maxOfflineDuration` when absent, in seconds.
pub const DEFAULT_MAX_OFFLINE_S: u64 = 5;
/// The `restoreTimeout` given to WebChatService: the API decides itself how old a state may be.
const NO_RESTORE_TIMEOUT_MS: u64 = 1 << 50;

/// Which entry point the options are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// `startSession`: `serverUrl` or `transport` is mandatory.
    Start,
    /// `restoreSession`: both optional (the saved state knows the CometD endpoint).
    Restore,
}

/// What the glue saw of the live values among the options, which have no JSON form.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveOptions {
    /// `stateStorage`: `None` when absent, `Some(true)` when it has `read` and `write`
    /// functions, `Some(false)` for anything else.
    pub state_storage: Option<bool>,
    /// `logger`: `None` when absent, `Some(true)` for a function.
    pub logger: Option<bool>,
}

/// Checked options.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiOptions {
    /// The WebChatService configuration `serverUrl` or `transport` selects, if given.
    pub webchat: Option<Json>,
    /// Whether it is the built-in CometD transport (its configuration is saved in the state, so
    /// `restoreSession` needs no `serverUrl`).
    pub built_in: bool,
    /// `username`, default "User".
    pub username: String,
    /// `subject`.
    pub subject: Option<String>,
    /// `userData`.
    pub user_data: Object,
    /// A page-supplied `stateStorage`.
    pub custom_storage: bool,
    /// `maxOfflineDuration` in ms.
    pub max_offline_ms: u64,
}

fn bad(name: &str) -> ApiError {
    ApiError::new(ErrorCode::BadParameter, name)
}

/// `options[name]`, treating `null` as absent.
fn field<'a>(options: &'a Object, name: &str) -> Option<&'a Json> {
    options.get(name).filter(|v| !v.is_null())
}

fn text(options: &Object, name: &str) -> Result<Option<String>, ApiError> {
    match field(options, name) {
        None => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(name)),
    }
}

/// Checks `options` (as `JSON.parse(JSON.stringify(options))` reads them) for `entry`.
pub fn parse(options: &Json, live: LiveOptions, entry: Entry) -> Result<ApiOptions, ApiError> {
    let empty = Object::new();
    let options = match options {
        Json::Null => &empty,
        Json::Object(o) => o,
        _ => return Err(bad("options")),
    };
    let disable_websockets = match field(options, "disableWebSockets") {
        None => false,
        Some(v) => v.as_bool().ok_or_else(|| bad("disableWebSockets"))?,
    };
    let server_url = text(options, "serverUrl")?;
    if server_url.as_deref() == Some("") {
        return Err(bad("serverUrl"));
    }
    let webchat = match (field(options, "transport"), server_url) {
        (Some(t), _) => Some(transport(t)?),
        (None, Some(url)) => Some(comet(&url, disable_websockets)),
        (None, None) if entry == Entry::Start => {
            return Err(ApiError::new(
                ErrorCode::ParameterMissing,
                "serverUrl or transport",
            ));
        }
        (None, None) => None,
    };
    let built_in = field(options, "transport").is_none() && webchat.is_some();
    let username = text(options, "username")?
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_USERNAME.to_owned());
    let subject = text(options, "subject")?;
    let user_data = match field(options, "userData") {
        None => Object::new(),
        Some(Json::Object(m)) => m.clone(),
        Some(_) => return Err(bad("userData")),
    };
    if live.state_storage == Some(false) {
        return Err(bad("stateStorage"));
    }
    if live.logger == Some(false) {
        return Err(bad("logger"));
    }
    let max_offline_ms = match field(options, "maxOfflineDuration") {
        None => DEFAULT_MAX_OFFLINE_S * 1000,
        Some(v) => seconds_to_ms(v).ok_or_else(|| bad("maxOfflineDuration"))?,
    };
    Ok(ApiOptions {
        webchat,
        built_in,
        username,
        subject,
        user_data,
        custom_storage: live.state_storage == Some(true),
        max_offline_ms,
    })
}

/// A non-negative number of seconds (at most a year) in whole milliseconds.
fn seconds_to_ms(v: &Json) -> Option<u64> {
    let s = v.as_f64().filter(|s| s.is_finite() && *s >= 0.0)?;
    let s = s.min(365.0 * 24.0 * 3600.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some((s * 1000.0) as u64)
}

/// The built-in CometD transport on `server_url`.
fn comet(server_url: &str, disable_websockets: bool) -> Json {
    json!({"cometD": {"enabled": true, "cometURL": server_url,
                      "websocketEnabled": !disable_websockets},
           "restoreTimeout": NO_RESTORE_TIMEOUT_MS})
}

/// A `transport` object: `{type: 'rest', dataURL, apikey?}` is GMS Chat v2 over REST.
fn transport(t: &Json) -> Result<Json, ApiError> {
    let Json::Object(t) = t else {
        return Err(bad("transport"));
    };
    if t.get("type").and_then(Json::as_str) != Some("rest") {
        return Err(bad("transport.type"));
    }
    let data_url = match text(t, "dataURL")? {
        Some(u) if !u.is_empty() => u,
        Some(_) => return Err(bad("transport.dataURL")),
        None => {
            return Err(ApiError::new(
                ErrorCode::ParameterMissing,
                "transport.dataURL",
            ));
        }
    };
    let mut config = json!({"dataURL": data_url, "restoreTimeout": NO_RESTORE_TIMEOUT_MS});
    if let (Some(key), Json::Object(c)) = (text(t, "apikey")?, &mut config) {
        c.insert("apikey", Json::String(key));
    }
    Ok(config)
}
