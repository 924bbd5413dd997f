//! The state a Chat Service JS API session keeps across page loads (`stateStorage.write`): the
//! WebChatService session record, the built-in transport's configuration (so `restoreSession`
//! needs no `serverUrl`) and when it was saved (the built-in storage honours
//! `maxOfflineDuration` with it). Written as `{chatService: 1, savedAt, webchat?, session}`.

use crate::json;
use crate::json::Json;

/// The `chatService` version tag.
const VERSION: u64 = 1;

/// A state read back.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedState {
    /// The built-in transport's WebChatService configuration, if it was that one.
    pub webchat: Option<Json>,
    /// WebChatService's session record.
    pub session: Json,
    /// When it was written (ms).
    pub saved_at: u64,
}

/// The state to write.
pub fn build(webchat: Option<&Json>, session: &Json, now: u64) -> Json {
    let mut state = json!({"chatService": VERSION, "savedAt": now, "session": session});
    if let (Some(w), Json::Object(m)) = (webchat, &mut state) {
        m.insert("webchat", w.clone());
    }
    state
}

/// Reads what `stateStorage.read()` (or the built-in storage) gave; `None` when it is not a
/// state of ours.
pub fn read(value: &Json) -> Option<SavedState> {
    if value.get("chatService").and_then(Json::as_u64) != Some(VERSION) {
        return None;
    }
    Some(SavedState {
        webchat: value.get("webchat").filter(|w| w.is_object()).cloned(),
        session: value.get("session").filter(|s| s.is_object())?.clone(),
        saved_at: value.get("savedAt").and_then(Json::as_u64).unwrap_or(0),
    })
}

/// Whether a state saved at `saved_at` is past `maxOfflineDuration` (built-in storage only).
pub fn expired(saved_at: u64, now: u64, max_offline_ms: u64) -> bool {
    now.saturating_sub(saved_at) > max_offline_ms
}

/// Every secret in a session record (keys, ids, tokens: any string but the transport tag and the
/// chat id), for redacting log lines.
pub fn secrets_of(session: &Json) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(keys) = session.get("keys").and_then(Json::as_object) {
        for (k, v) in keys.iter() {
            if let Some(s) = v.as_str()
                && k != "transport"
                && k != "chatId"
                && s.len() >= 3
            {
                out.push(s.to_owned());
            }
        }
    }
    out
}
