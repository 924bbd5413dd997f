//! The session record kept in browser storage so a chat survives page loads, and the restore
//! decision made from it.

use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::filter::Filters;

/// The storage key the glue reads at configure time and the machine writes to.
pub const STORAGE_KEY: &str = "_genesys.widgets.webchat.session";
/// Record format version; a different version is ignored.
pub const RECORD_VERSION: u32 = 1;

/// The keys that identify a session on the server, per transport.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "transport", rename_all = "camelCase")]
pub enum SessionKeys {
    /// GMS Chat API v2.
    #[serde(rename_all = "camelCase")]
    Gms {
        /// `chatId`.
        chat_id: String,
        /// `userId`.
        user_id: String,
        /// `secureKey`.
        secure_key: String,
        /// `alias`; may change during a session.
        alias: String,
    },
}

/// What is stored: session keys, last index, filters and the last-activity stamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersistedSession {
    /// [`RECORD_VERSION`].
    pub version: u32,
    /// Server session keys.
    pub keys: SessionKeys,
    /// Highest transcript index seen.
    pub last_index: u64,
    /// Prefilters and filtered-message patterns.
    pub filters: Filters,
    /// When the session started (ms).
    pub start_time: u64,
    /// Last activity (ms); restore is refused when older than `restoreTimeout`.
    pub last_activity: u64,
}

impl PersistedSession {
    /// The JSON text to store.
    pub fn to_storage(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored record.
    pub fn from_storage(text: &str) -> Result<Self, CoreError> {
        let rec: Self =
            serde_json::from_str(text).map_err(|e| CoreError::BadStoredSession(e.to_string()))?;
        if rec.version != RECORD_VERSION {
            return Err(CoreError::BadStoredSession(format!(
                "version {}",
                rec.version
            )));
        }
        Ok(rec)
    }
}

/// What to do with what storage held at startup.
#[derive(Debug, Clone, PartialEq, Eq)]
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
pub fn decide(stored: Option<&str>, now_ms: u64, timeout_ms: u64) -> RestoreDecision {
    let Some(text) = stored.filter(|s| !s.trim().is_empty()) else {
        return RestoreDecision::Nothing;
    };
    match PersistedSession::from_storage(text) {
        Err(_) => RestoreDecision::Unreadable,
        Ok(rec) if now_ms.saturating_sub(rec.last_activity) > timeout_ms => RestoreDecision::TooOld,
        Ok(rec) => RestoreDecision::Restore(Box::new(rec)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Pattern;

    fn record(last_activity: u64) -> PersistedSession {
        PersistedSession {
            version: RECORD_VERSION,
            keys: SessionKeys::Gms {
                chat_id: "c".into(),
                user_id: "u".into(),
                secure_key: "s".into(),
                alias: "117".into(),
            },
            last_index: 9,
            filters: Filters {
                prefilters: vec![Pattern::new("a", "i")],
                filtered: vec![],
            },
            start_time: 1,
            last_activity,
        }
    }

    #[test]
    fn a_record_round_trips_through_storage_text() {
        let r = record(5);
        let text = r.to_storage();
        assert!(text.contains("\"chatId\":\"c\""));
        assert!(text.contains("\"transport\":\"gms\""));
        assert_eq!(PersistedSession::from_storage(&text), Ok(r));
    }

    #[test]
    fn a_session_within_restore_timeout_is_restored_and_an_older_one_times_out() {
        let text = record(1_000).to_storage();
        assert!(matches!(
            decide(Some(&text), 61_000, 60_000),
            RestoreDecision::Restore(_)
        ));
        assert_eq!(decide(Some(&text), 61_001, 60_000), RestoreDecision::TooOld);
    }

    #[test]
    fn garbage_in_storage_is_unreadable_not_a_panic() {
        assert_eq!(decide(Some("{not json"), 0, 1), RestoreDecision::Unreadable);
        assert_eq!(
            decide(Some(r#"{"version":2}"#), 0, 1),
            RestoreDecision::Unreadable
        );
        assert_eq!(decide(None, 0, 1), RestoreDecision::Nothing);
        assert_eq!(decide(Some(""), 0, 1), RestoreDecision::Nothing);
    }
}
