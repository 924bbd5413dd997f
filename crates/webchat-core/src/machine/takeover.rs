//! One chat across tabs: a following tab that becomes the leader takes the running chat over.
//!
//! The tab that led kept the session record fresh in storage, and every tab published the same
//! messages. [`Input::TakeOver`](crate::Input::TakeOver) hands the machine that record and the
//! messages this tab already published; the machine resumes the session from the record, seeds
//! the transcript and roster with those messages *silently* (they were published already), and
//! begins the session's restore. The restore fetches what the server holds, so messages that
//! arrived between the old leader's last broadcast and now are delivered (no gap), and the
//! transcript's de-duplication drops the ones already seen (no duplicate). Unlike a page-load
//! restore it publishes no `restored`, and the messages it delivers are new to the page
//! (`restoring: false`). A record that is missing or unusable means there is no chat to take
//! over: nothing happens. A tab that followed without ever seeing the chat (it never got the
//! leader's log) takes over loudly instead: a plain restore, as a page load would run it.

use super::{Purpose, WebChat};
use crate::event::Event;
use crate::filter::TextMatcher;
use crate::json::{Json, Object};
use crate::message::{Message, Sender, SenderType};
use crate::persist::PersistedSession;
use crate::session::{Op, OpOutcome};
use crate::validate::Phase;

impl<M: TextMatcher> WebChat<M> {
    /// Takes over the chat in `stored` (the record as storage holds it), with `seen` the
    /// messages this tab published already (in the published shape); `quiet` unless the tab
    /// never saw the chat.
    pub(super) fn take_over(&mut self, stored: Option<&Json>, seen: &[Json], quiet: bool) {
        if self.phase != Phase::Idle {
            return;
        }
        let Some(rec) = stored.and_then(|s| PersistedSession::from_storage(s).ok()) else {
            return;
        };
        let mut resumed = false;
        self.with_session_mut(|s, _| resumed = s.resume(&rec.keys));
        if !resumed {
            return;
        }
        self.begin_session();
        for msg in seen.iter().filter_map(message_from_published) {
            if let Some(msg) = self.transcript.accept(msg).cloned() {
                self.roster.apply(&msg);
            }
        }
        self.phase = Phase::Restoring;
        self.start_time = Some(rec.start_time);
        self.filters = rec.filters.clone();
        // Messages the tab that led still had queued go out from here; every tab announced them
        // as pending already, so they are not announced again.
        self.outbox.load(Some(&rec.outbox));
        self.record = Some(rec);
        self.taking_over = quiet;
        let purpose = if quiet {
            Purpose::TakeOver
        } else {
            Purpose::Restore(None)
        };
        self.begin(Op::Restore, purpose);
    }

    /// The takeover's restore ended: the chat goes on quietly, or it is over.
    pub(super) fn on_taken_over(&mut self, outcome: OpOutcome) {
        if self.phase != Phase::Restoring {
            return;
        }
        match outcome {
            // Server down: the session is kept and keeps trying, as after any restore.
            OpOutcome::Done(_) | OpOutcome::Unreachable(_) => {
                self.phase = Phase::Active;
                self.save_due = true;
            }
            // The server no longer knows the chat: it ended while no tab was leading.
            OpOutcome::Failed(error) => {
                self.phase = Phase::Active;
                self.publish(Event::Error, error);
                self.finish_session();
            }
        }
    }

    /// Whether messages delivered now are new to the page although a restore brought them.
    pub(super) fn restoring_flag(&self, restoring: bool) -> bool {
        restoring && !self.taking_over
    }
}

/// Reads a message back from its published shape (`Message::to_json`); `None` when it has no
/// index or type. Unknown keys come back as the transport extras they were.
pub(crate) fn message_from_published(v: &Json) -> Option<Message> {
    let obj = v.as_object()?;
    let text = |o: &Json, k: &str| o.get(k).and_then(Json::as_str).unwrap_or("").to_owned();
    let from = v.get("from").cloned().unwrap_or(Json::Null);
    let mut extra = Object::new();
    for (k, value) in obj.iter() {
        if !matches!(
            k.as_str(),
            "index" | "id" | "type" | "text" | "timestamp" | "from"
        ) {
            extra.insert(k.clone(), value.clone());
        }
    }
    Some(Message {
        index: Some(v.get("index")?.as_u64()?),
        id: v.get("id").and_then(Json::as_str).map(str::to_owned),
        kind: v.get("type")?.as_str()?.to_owned(),
        text: text(v, "text"),
        timestamp: v.get("timestamp").and_then(Json::as_u64).unwrap_or(0),
        from: Sender {
            name: text(&from, "name"),
            kind: SenderType::parse(&text(&from, "type")),
            participant_id: text(&from, "participantId"),
        },
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn a_published_message_reads_back_as_it_was() {
        let mut extra = Object::new();
        extra.insert("url", json!("https://example.com"));
        extra.insert("userData", json!({"a": 1}));
        let msg = Message {
            index: Some(4),
            id: Some("m4".into()),
            kind: "Message".into(),
            text: "hi".into(),
            timestamp: 1_700_000_000_000,
            from: Sender {
                name: "Alex".into(),
                kind: SenderType::Agent,
                participant_id: "2".into(),
            },
            extra,
        };
        assert_eq!(message_from_published(&msg.to_json()), Some(msg));
    }

    #[test]
    fn what_another_tab_sent_that_is_not_a_message_is_skipped() {
        for v in [
            json!(null),
            json!("text"),
            json!([1, 2]),
            json!({"type": "Message"}),
            json!({"index": -1, "type": "Message"}),
            json!({"index": 1.5, "type": "Message"}),
            json!({"index": 1}),
            json!({"index": 1, "type": 7}),
        ] {
            assert_eq!(message_from_published(&v), None, "{v:?}");
        }
        // Odd fields read as empty rather than refusing the message.
        let odd = json!({"index": 2, "type": "Message", "text": 5, "from": "x", "timestamp": "y"});
        let msg = message_from_published(&odd).expect("a message");
        assert_eq!((msg.text.as_str(), msg.timestamp), ("", 0));
        assert_eq!(msg.from.kind, SenderType::External);
    }
}
