//! Messages from the session to the page: the reorder buffer (live messages in index order),
//! de-duplication and filters, then roster and agent typing, then one messageReceived (the glue
//! applies preprocessors) followed by the per-message events. A customer message may be the
//! echo of an outbox message whose answer was lost (`sending.rs`). Live messages that come while
//! a restore or a start runs wait in the reorder buffer until its answer is in.

use super::WebChat;
use crate::drive::Effect;
use crate::event::Event;
use crate::filter::TextMatcher;
use crate::json;
use crate::json::Json;
use crate::message::{Message, SenderType, kind};
use crate::timing::AGENT_TYPING_TIMEOUT_MS;
use crate::validate::Phase;

impl<M: TextMatcher> WebChat<M> {
    /// Messages from the session. A restore's replay is published as it comes; live messages
    /// pass the reorder buffer first. A replay may fill the gap that live messages wait behind
    /// (pushes held while the restore ran, or that came before a late replay): they go right
    /// after it, and those the replay already brought are dropped as seen.
    pub(super) fn deliver(&mut self, messages: Vec<Message>, raw: Vec<Json>, restoring: bool) {
        if restoring {
            self.publish_messages(messages, raw, true);
            return self.release_in_order();
        }
        let highest = self.transcript.highest_index();
        let ready = self.reorder.admit(messages, raw, highest, self.now);
        self.publish_messages(ready.messages, ready.raw, false);
    }

    /// Live messages that came while a restore or a start waited for its answer: held,
    /// unpublished, until it is answered (`WebChat::end_input` releases them once the phase is
    /// Active, after what the answer brought: a restore's replay, a start's first messages; the
    /// transcript drops the copies it already has). A start or restore that fails drops them.
    pub(super) fn hold_until_answered(&mut self, messages: Vec<Message>, raw: Vec<Json>) {
        self.reorder.hold(messages, raw);
    }

    /// What is held, leaving the buffer empty (kept across `begin_session`).
    pub(super) fn take_held(&mut self) -> super::order::Reorder {
        std::mem::take(&mut self.reorder)
    }

    /// Publishes the held messages that follow the transcript without a gap (a chat running).
    pub(super) fn release_in_order(&mut self) {
        if self.reorder.is_empty() || !matches!(self.phase, Phase::Active | Phase::Ending) {
            return;
        }
        let highest = self.transcript.highest_index();
        let ready = self
            .reorder
            .admit(Vec::new(), Vec::new(), highest, self.now);
        self.publish_messages(ready.messages, ready.raw, false);
    }

    /// Held messages whose wait is over. While a start or a restore waits for its answer they
    /// wait for it instead; with no chat left they are dropped.
    pub(super) fn release_held(&mut self) {
        match self.phase {
            Phase::Active | Phase::Ending => {
                let highest = self.transcript.highest_index();
                let ready = self.reorder.expire(highest, self.now);
                self.publish_messages(ready.messages, ready.raw, false);
            }
            Phase::Restoring | Phase::Starting => {}
            Phase::Idle => self.reorder.clear(),
        }
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
