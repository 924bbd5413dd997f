//! Typing, which WebChatService keeps itself whatever the transport: the registered preview
//! input (typing start on the first key, stop after [`TYPING_IDLE_MS`] without keys) and the
//! agent-typing timeout, as two deadlines folded into [`WebChat::poll_timeout`].

use super::{Purpose, WebChat};
use crate::event::Event;
use crate::filter::TextMatcher;
use crate::json::Json;
use crate::session::Op;
use crate::timing::TYPING_IDLE_MS;
use crate::validate::Phase;

impl<M: TextMatcher> WebChat<M> {
    pub(super) fn preview_key(&mut self, text: String) {
        if !self.preview_registered || self.phase != Phase::Active {
            return;
        }
        self.preview_text.clone_from(&text);
        if !self.preview_typing {
            self.preview_typing = true;
            self.publish(Event::ClientTypingStarted, Json::Null);
            self.begin(Op::StartTyping { text }, Purpose::Fire);
        }
        self.typing_idle_at = Some(self.now.saturating_add(TYPING_IDLE_MS));
    }

    /// Fires whatever is due: the machine's own deadlines, then the session's.
    pub(super) fn timeout(&mut self) {
        let now = self.now;
        if self.typing_idle_at.is_some_and(|at| at <= now) {
            self.typing_idle_at = None;
            if std::mem::take(&mut self.preview_typing) && self.phase == Phase::Active {
                let text = std::mem::take(&mut self.preview_text);
                self.publish(Event::ClientTypingStopped, Json::Null);
                self.begin(Op::StopTyping { text }, Purpose::Fire);
            }
        }
        if self.agent_typing.as_ref().is_some_and(|(_, at)| *at <= now)
            && let Some((msg, _)) = self.agent_typing.take()
        {
            self.publish(Event::AgentTypingTimeout, msg);
        }
        self.with_session_mut(|s, now| s.handle_timeout(now));
        self.release_held();
        self.outbox_tick();
    }
}
