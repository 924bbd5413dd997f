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

/// `text` with every occurrence of each of `secrets` replaced by `[redacted]`. Byte by byte, so
/// the bundle needs no substring searcher and no string slicing (whose panic paths bring
/// Unicode tables); the secrets are ASCII, so the result stays UTF-8.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for secret in secrets
        .iter()
        .map(String::as_bytes)
        .filter(|s| !s.is_empty())
    {
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0usize;
        while let Some(&b) = bytes.get(i) {
            let end = i.saturating_add(secret.len());
            if bytes.get(i..end) == Some(secret) {
                out.extend_from_slice(b"[redacted]");
                i = end;
            } else {
                out.push(b);
                i = i.saturating_add(1);
            }
        }
        bytes = out;
    }
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_replaces_every_occurrence_of_every_secret_and_keeps_the_rest() {
        let secrets = vec!["4ee1".to_owned(), "117".to_owned()];
        assert_eq!(
            redact("key 4ee1, alias 117, again 4ee14ee1 — é", &secrets),
            "key [redacted], alias [redacted], again [redacted][redacted] — é"
        );
        assert_eq!(redact("nothing", &secrets), "nothing");
        assert_eq!(redact("", &secrets), "");
    }
}
