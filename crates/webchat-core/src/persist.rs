//! The session record kept in browser storage so a chat survives page loads, and the restore
//! decision made from it. The server keys inside are the session's own record
//! ([`crate::Session::record`]): opaque here, tagged with the transport.

use crate::error::CoreError;
use crate::filter::{Filters, Pattern};
use crate::json;
use crate::json::Json;

/// The storage key the glue reads at configure time and the machine writes to.
pub const STORAGE_KEY: &str = "_genesys.widgets.webchat.session";
/// Engage v3 async mode, where the site keeps the session data: the outbox's own key.
pub const OUTBOX_KEY: &str = "_genesys.widgets.webchat.outbox";
/// Record format version; a different version is ignored.
pub const RECORD_VERSION: u32 = 1;

/// What is stored: session keys, last index, filters and the last-activity stamp. Stored as
/// `{"version", "keys", "lastIndex", "filters": {"prefilters", "filtered"}, "startTime",
/// "lastActivity"}`, patterns as `{"source", "flags"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct PersistedSession {
    /// [`RECORD_VERSION`].
    pub version: u32,
    /// The session's own record (`{"transport": ..., ...}`), opaque here.
    pub keys: Json,
    /// Highest transcript index seen.
    pub last_index: u64,
    /// Prefilters and filtered-message patterns.
    pub filters: Filters,
    /// When the session started (ms).
    pub start_time: u64,
    /// Last activity (ms); restore is refused when older than `restoreTimeout`.
    pub last_activity: u64,
    /// Customer messages still waiting for the server (the machine's outbox), stored as
    /// `"outbox": [...]` only when there are some; records without it read as empty.
    pub outbox: Json,
}

impl PersistedSession {
    /// The value to store (the glue writes it with `JSON.stringify`).
    pub fn to_storage(&self) -> Json {
        let patterns =
            |list: &[Pattern]| -> Vec<Json> { list.iter().map(pattern_to_json).collect() };
        let mut value = json!({
            "version": self.version,
            "keys": self.keys,
            "lastIndex": self.last_index,
            "filters": {"prefilters": patterns(&self.filters.prefilters),
                        "filtered": patterns(&self.filters.filtered)},
            "startTime": self.start_time,
            "lastActivity": self.last_activity,
        });
        let queued = self.outbox.as_array().is_some_and(|a| !a.is_empty());
        if let (true, Json::Object(m)) = (queued, &mut value) {
            m.insert("outbox", self.outbox.clone());
        }
        value
    }

    /// Reads a stored record (as `JSON.parse` read it). Every field must be there with its type;
    /// unknown fields are ignored.
    pub fn from_storage(value: &Json) -> Result<Self, CoreError> {
        let version = whole(value, "version")?;
        if version != u64::from(RECORD_VERSION) {
            return Err(CoreError::BadStoredSession("unknown version"));
        }
        let keys = value
            .get("keys")
            .ok_or(CoreError::BadStoredSession("keys"))?;
        if keys.get("transport").and_then(Json::as_str).is_none() {
            return Err(CoreError::BadStoredSession("keys.transport"));
        }
        let filters = value
            .get("filters")
            .ok_or(CoreError::BadStoredSession("filters"))?;
        Ok(Self {
            version: RECORD_VERSION,
            keys: keys.clone(),
            last_index: whole(value, "lastIndex")?,
            filters: Filters {
                prefilters: patterns(filters, "prefilters")?,
                filtered: patterns(filters, "filtered")?,
            },
            start_time: whole(value, "startTime")?,
            last_activity: whole(value, "lastActivity")?,
            outbox: value
                .get("outbox")
                .filter(|o| o.is_array())
                .cloned()
                .unwrap_or(Json::Array(Vec::new())),
        })
    }
}

fn pattern_to_json(p: &Pattern) -> Json {
    json!({"source": p.source, "flags": p.flags})
}

fn whole(v: &Json, key: &'static str) -> Result<u64, CoreError> {
    v.get(key)
        .and_then(Json::as_u64)
        .ok_or(CoreError::BadStoredSession(key))
}

fn text(v: &Json, key: &'static str) -> Result<String, CoreError> {
    v.get(key)
        .and_then(Json::as_str)
        .map(str::to_owned)
        .ok_or(CoreError::BadStoredSession(key))
}

fn patterns(v: &Json, key: &'static str) -> Result<Vec<Pattern>, CoreError> {
    let bad = || CoreError::BadStoredSession(key);
    v.get(key)
        .and_then(Json::as_array)
        .ok_or_else(bad)?
        .iter()
        .map(|p| Ok(Pattern::new(text(p, "source")?, text(p, "flags")?)))
        .collect()
}

/// What to do with what storage held at startup.
#[derive(Debug, Clone, PartialEq)]
pub enum RestoreDecision {
    /// Nothing stored.
    Nothing,
    /// Stored but unreadable: drop it silently.
    Unreadable,
    /// Older than `restoreTimeout`: publish restoreTimeout and drop it.
    TooOld,
    /// Young enough: restore it.
    Restore(Box<PersistedSession>),
}

/// Decides whether a stored record is restored, `now_ms` and `timeout_ms` in milliseconds.
/// `stored` is what the glue read: `None` for nothing (or blank text), [`Json::Null`] for text
/// that is not JSON.
pub fn decide(stored: Option<&Json>, now_ms: u64, timeout_ms: u64) -> RestoreDecision {
    let Some(value) = stored else {
        return RestoreDecision::Nothing;
    };
    match PersistedSession::from_storage(value) {
        Err(_) => RestoreDecision::Unreadable,
        Ok(rec) if now_ms.saturating_sub(rec.last_activity) > timeout_ms => RestoreDecision::TooOld,
        Ok(rec) => RestoreDecision::Restore(Box::new(rec)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::testing;

    /// What the glue hands over for stored `text`.
    fn read(text: &str) -> Option<Json> {
        (!text.trim().is_empty()).then(|| testing::parse(text).unwrap_or(Json::Null))
    }

    fn record(last_activity: u64) -> PersistedSession {
        PersistedSession {
            version: RECORD_VERSION,
            keys: json!({"transport": "gms", "chatId": "c", "userId": "u", "secureKey": "s",
                         "alias": "117"}),
            last_index: 9,
            filters: Filters {
                prefilters: vec![Pattern::new("a", "i")],
                filtered: vec![],
            },
            start_time: 1,
            last_activity,
            outbox: Json::Array(Vec::new()),
        }
    }

    #[test]
    fn a_record_round_trips_through_storage_text() {
        let r = record(5);
        let text = testing::text(&r.to_storage());
        assert!(text.contains("\"chatId\":\"c\""));
        assert!(text.contains("\"transport\":\"gms\""));
        assert_eq!(
            read(&text).map(|v| PersistedSession::from_storage(&v)),
            Some(Ok(r))
        );
    }

    #[test]
    fn a_session_within_restore_timeout_is_restored_and_an_older_one_times_out() {
        let text = read(&testing::text(&record(1_000).to_storage()));
        assert!(matches!(
            decide(text.as_ref(), 61_000, 60_000),
            RestoreDecision::Restore(_)
        ));
        assert_eq!(
            decide(text.as_ref(), 61_001, 60_000),
            RestoreDecision::TooOld
        );
    }

    #[test]
    fn a_record_keeps_its_outbox_and_an_old_record_without_one_still_reads() {
        let mut r = record(5);
        r.outbox = json!([{"clientId": "o1-1", "text": "hi", "queuedAt": 1, "deadline": 9}]);
        let text = testing::text(&r.to_storage());
        assert!(text.contains("\"outbox\":[{"));
        assert_eq!(
            read(&text).map(|v| PersistedSession::from_storage(&v)),
            Some(Ok(r))
        );
        let old = testing::text(&record(5).to_storage());
        assert!(!old.contains("outbox"));
        let back = read(&old).map(|v| PersistedSession::from_storage(&v));
        assert_eq!(back, Some(Ok(record(5))));
    }

    #[test]
    fn garbage_in_storage_is_unreadable_not_a_panic() {
        assert_eq!(
            decide(read("{not json").as_ref(), 0, 1),
            RestoreDecision::Unreadable
        );
        assert_eq!(
            decide(read(r#"{"version":2}"#).as_ref(), 0, 1),
            RestoreDecision::Unreadable
        );
        assert_eq!(decide(None, 0, 1), RestoreDecision::Nothing);
        assert_eq!(decide(read("").as_ref(), 0, 1), RestoreDecision::Nothing);
    }
}
