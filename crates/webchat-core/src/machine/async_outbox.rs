//! The outbox in Engage v3 async mode, where the site keeps the session data.
//!
//! Outside async mode the outbox is part of the session record in localStorage. In async mode
//! the site's `getSessionData` callback keeps the session data, and nothing says it keeps more
//! than the token (seed 004's example stores the object in a cookie; a site may keep only the
//! JWT), so the queue cannot ride along. It is kept by itself in localStorage under
//! [`crate::OUTBOX_KEY`] as `{sessionId, outbox}` ([`Effect::SaveOutbox`]), only while messages
//! are queued, and:
//!
//! - an async restore of the same session (the data from `setSessionData` at configure, or the
//!   public `restore {sessionData}` command) takes the queue back, so the messages are pending
//!   again and go when the server is reachable, as after any reload;
//! - the queue of another session (the site restored or started a different chat), or of a
//!   session whose restore fails, is reported: `messageFailed` with
//!   [`texts::OUTBOX_CHAT_ENDED`], never dropped without a word.
//!
//! Until a restore or a new chat decides, what was stored stays untouched (a site may call
//! `restore` late).

use super::WebChat;
use crate::drive::Effect;
use crate::filter::TextMatcher;
use crate::json;
use crate::json::Json;
use crate::texts;

/// What async mode keeps of the outbox: the queue stored at configure, not yet taken back or
/// reported, and the value last written.
#[derive(Debug, Default)]
pub(super) struct AsyncOutbox {
    /// `{sessionId, outbox}` read at configure; `None` once decided (or when nothing was kept).
    undecided: Option<Json>,
    /// What [`Effect::SaveOutbox`] last wrote (`Null`: nothing stored).
    written: Json,
}

impl AsyncOutbox {
    /// What localStorage held at configure (async mode only).
    pub(super) fn stored(value: Option<Json>) -> Self {
        let kept = value.filter(|v| v.get("outbox").and_then(Json::as_array).is_some());
        Self {
            written: kept.clone().unwrap_or(Json::Null),
            undecided: kept,
        }
    }
}

impl<M: TextMatcher> WebChat<M> {
    /// The session id of the running chat (`sessionId` of the session data), if any.
    fn async_session_id(&self) -> Option<Json> {
        self.session_data()
            .get("sessionId")
            .filter(|v| !v.is_null())
            .cloned()
    }

    /// An async chat resumed (restore begun): the stored queue when it is this session's;
    /// another session's queue is reported failed first.
    pub(super) fn take_async_outbox(&mut self) -> Json {
        let Some(stored) = self.async_outbox.undecided.take() else {
            return Json::Array(Vec::new());
        };
        let mine = self.async_session_id();
        if mine.is_some() && stored.get("sessionId") == mine.as_ref() {
            return stored.get("outbox").cloned().unwrap_or(Json::Null);
        }
        self.fail_stored_outbox(&stored);
        Json::Array(Vec::new())
    }

    /// A new async chat started: a queue left from an earlier one can no longer be delivered.
    pub(super) fn forget_async_outbox(&mut self) {
        if let Some(stored) = self.async_outbox.undecided.take() {
            self.fail_stored_outbox(&stored);
        }
    }

    fn fail_stored_outbox(&mut self, stored: &Json) {
        // The running queue is empty here (nothing restored yet, or a fresh chat).
        self.outbox.load(stored.get("outbox"));
        self.outbox.announce_all();
        self.fail_outbox(texts::OUTBOX_CHAT_ENDED);
    }

    /// Writes the queue to localStorage when it changed: `{sessionId, outbox}` while messages
    /// wait, removed (`Null`) once none do. The end of every input in async mode.
    pub(super) fn sync_async_outbox(&mut self) {
        if !self.async_mode() || self.async_outbox.undecided.is_some() {
            return;
        }
        let value = if self.outbox.is_idle() {
            Json::Null
        } else {
            json!({"sessionId": self.async_session_id(), "outbox": self.outbox.to_json()})
        };
        if value != self.async_outbox.written {
            self.async_outbox.written = value.clone();
            self.out.push(Effect::SaveOutbox { value });
        }
    }
}
