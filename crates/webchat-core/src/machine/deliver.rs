//! Messages from the session to the page: the reorder buffer (live messages in index order),
//! de-duplication and filters, then roster and agent typing, then one messageReceived (the glue
//! applies preprocessors) followed by the per-message events. A customer message may be the
//! echo of an outbox message whose answer was lost (`sending.rs`).

use super::WebChat;
use crate::drive::Effect;
use crate::event::Event;
use crate::filter::TextMatcher;
use crate::json;
use crate::json::Json;
use crate::message::{Message, SenderType, kind};
use crate::timing::AGENT_TYPING_TIMEOUT_MS;

impl<M: TextMatcher> WebChat<M> {
    /// Messages from the session. A restore's replay is published as it comes; live messages
    /// pass the reorder buffer first.
    pub(super) fn deliver(&mut self, messages: Vec<Message>, raw: Vec<Json>, restoring: bool) {
        if restoring {
            return self.publish_messages(messages, raw, true);
        }
        let highest = self.transcript.highest_index();
        let ready = self.reorder.admit(messages, raw, highest, self.now);
        self.publish_messages(ready.messages, ready.raw, false);
    }

    /// Held messages whose wait is over.
    pub(super) fn release_held(&mut self) {
        if !matches!(self.phase, super::Phase::Active | super::Phase::Ending) {
            return self.reorder.clear();
        }
        let highest = self.transcript.highest_index();
        let ready = self.reorder.expire(highest, self.now);
        self.publish_messages(ready.messages, ready.raw, false);
    }

    fn publish_messages(&mut self, messages: Vec<Message>, raw: Vec<Json>, restoring: bool) {
        let mut published = Vec::new();
        let mut events: Vec<(Event, Json)> = Vec::new();
        for msg in messages {
            if msg.index.is_some_and(|i| self.transcript.has_seen(i)) {
                continue;
            }
            if msg.kind == kind::MESSAGE && self.filters.hides(&self.matcher, &msg.text) {
                if let Some(i) = msg.index {
                    self.transcript.mark_seen(i);
                }
                continue;
            }
            let Some(msg) = self.transcript.accept(msg).cloned() else {
                continue;
            };
            let json = msg.to_json();
            if msg.from.kind == SenderType::Client
                && msg.kind == kind::MESSAGE
                && let Some(index) = msg.index
            {
                self.outbox_echo(&msg.text, index, &json);
            }
            if let Some(event) = self.roster.apply(&msg) {
                events.push((event, self.roster.event_payload(&msg)));
            }
            if msg.from.kind != SenderType::Client {
                match msg.kind.as_str() {
                    kind::TYPING_STARTED => {
                        let due = self.now.saturating_add(AGENT_TYPING_TIMEOUT_MS);
                        self.agent_typing = Some((json.clone(), due));
                        events.push((Event::AgentTypingStarted, json.clone()));
                    }
                    kind::TYPING_STOPPED | kind::MESSAGE if self.agent_typing.is_some() => {
                        self.agent_typing = None;
                        events.push((Event::AgentTypingStopped, json.clone()));
                    }
                    _ => {}
                }
            }
            published.push(json);
        }
        if !published.is_empty() {
            let payload = json!({
                "originalMessages": raw,
                "messages": published,
                "restoring": restoring,
                "sessionData": self.event_session_data(),
            });
            self.out.push(Effect::PublishMessages { payload });
        }
        for (event, payload) in events {
            self.publish(event, payload);
        }
    }
}
