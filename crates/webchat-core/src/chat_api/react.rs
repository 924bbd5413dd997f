//! What WebChatService's machine does, turned into the API's effects: IO passed on, the session
//! record into the state, events into callbacks (messages, link changes, the end with its
//! reason), command settlements into done/fail with numbered errors.

use super::errors::{ApiError, Attempt, ErrorCode, from_rejection};
use super::events::{Callback, EndReason, map_message};
use super::{ApiEffect, ApiPhase, ChatApi, MAX_HELD, OPEN_CALL, Waiting, state};
use crate::drive::{CommandId, Effect, Reply};
use crate::event::Event;
use crate::filter::TextMatcher;
use crate::json;
use crate::json::Json;

impl<M: TextMatcher> ChatApi<M> {
    pub(super) fn absorb(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Http { .. } | Effect::Download { .. } | Effect::Socket(_) => {
                    self.out.push(ApiEffect::Io(effect));
                }
                Effect::SaveSession { value } => {
                    self.secrets = state::secrets_of(&value);
                    self.write_state(&value);
                    self.session = Some(value);
                }
                Effect::ClearSession => {
                    self.session = None;
                    self.out.push(ApiEffect::WriteState(Json::Null));
                }
                Effect::Publish { event, .. } => self.on_event(event),
                Effect::PublishMessages { payload } => self.on_messages(&payload),
                Effect::Resolve { id, reply } => self.answered(id, true, reply),
                Effect::Reject { id, reply } => self.answered(id, false, reply),
                // The JS API has no async mode.
                Effect::SetData { .. }
                | Effect::SaveOutbox { .. }
                | Effect::KeepPreprocessor(_)
                | Effect::WatchPreviewInput(_) => {}
            }
        }
    }

    pub(super) fn write_state(&mut self, session: &Json) {
        let state = state::build(self.webchat.as_ref(), session, self.now);
        self.out.push(ApiEffect::WriteState(state));
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Restored | Event::RestoredOffline if self.phase == ApiPhase::Opening => {
                self.phase = ApiPhase::Active;
                self.log("restoreSession: chat restored");
                self.settle(OPEN_CALL, true, Json::Null);
                if event == Event::RestoredOffline {
                    self.interrupted();
                }
            }
            Event::RestoreFailed if self.phase == ApiPhase::Opening => {
                self.fail_open(&ApiError::new(ErrorCode::UnknownSession, ""));
            }
            Event::Error if self.phase == ApiPhase::Active => {
                self.lost = true;
                self.error(&ApiError::new(ErrorCode::UnknownSession, ""));
            }
            Event::Disconnected | Event::ConnectionPending | Event::ChatServerWentOffline => {
                self.interrupted();
            }
            Event::Reconnected | Event::ChatServerBackOnline | Event::ConnectionRestored
                if std::mem::take(&mut self.interrupted) =>
            {
                self.log("connection continued");
                self.callback(Callback::Continued, Json::Null);
            }
            Event::Ended if self.phase == ApiPhase::Active => self.ended(),
            _ => {}
        }
    }

    fn interrupted(&mut self) {
        if self.phase != ApiPhase::Active || std::mem::replace(&mut self.interrupted, true) {
            return;
        }
        self.error(&ApiError::new(ErrorCode::NetworkInterrupted, ""));
        self.callback(Callback::Interrupted, Json::Null);
    }

    fn ended(&mut self) {
        let reason = if self.leaving {
            EndReason::LeaveRequest
        } else if self.lost {
            EndReason::Error
        } else {
            EndReason::Agent
        };
        self.phase = ApiPhase::Over;
        self.agents.clear();
        self.transcript.push(reason.entry(self.now));
        self.log(match reason {
            EndReason::LeaveRequest => "session ended: by leave request",
            EndReason::Agent => "session ended: by an agent",
            EndReason::Error => "session ended: by error",
        });
        self.callback(Callback::SessionEnded, reason.event());
    }

    fn on_messages(&mut self, payload: &Json) {
        let restoring = payload.get("restoring").and_then(Json::as_bool) == Some(true);
        let Some(messages) = payload.get("messages").and_then(Json::as_array) else {
            return;
        };
        for message in messages {
            let Some(mapped) = map_message(message, restoring) else {
                continue;
            };
            if let Some(entry) = mapped.entry {
                self.transcript.push(entry);
            }
            match (mapped.callback, mapped.agent) {
                (Callback::AgentConnected, Some(id)) if !self.agents.contains(&id) => {
                    self.agents.push(id);
                }
                (Callback::AgentDisconnected, Some(id)) => self.agents.retain(|a| *a != id),
                _ => {}
            }
            self.callback(mapped.callback, mapped.event);
        }
    }

    /// A callback event: delivered when the callback is registered; else, for the transcript
    /// callbacks, held for a later registration (the page registers its callbacks once the open
    /// promise has settled, after a restore's replay or the first messages may have come). At
    /// most [`MAX_HELD`] are kept.
    pub(super) fn callback(&mut self, callback: Callback, event: Json) {
        if self.listening.contains(&callback) {
            self.out.push(ApiEffect::Callback { callback, event });
        } else if callback.replays() {
            if self.held.len() >= MAX_HELD {
                self.held.remove(0);
            }
            self.held.push((callback, event));
        }
    }

    pub(super) fn answered(&mut self, id: CommandId, ok: bool, reply: Reply) {
        let Some(at) = self.waiting.iter().position(|(i, _)| *i == id) else {
            return;
        };
        let waiting = self.waiting.remove(at).1;
        let reply = match reply {
            Reply::Json(v) => v,
            _ => Json::Null,
        };
        let (call, value) = match waiting {
            Waiting::Nobody => return,
            Waiting::Open => {
                if ok {
                    self.phase = ApiPhase::Active;
                    self.log("startSession: chat started");
                    self.settle(OPEN_CALL, true, Json::Null);
                } else {
                    self.fail_open(&from_rejection(&reply, Attempt::Start));
                }
                return;
            }
            Waiting::Plain(call) => (call, Json::Null),
            Waiting::Read(call) => {
                let data = reply.get("userData").filter(|d| d.is_object()).cloned();
                (
                    call,
                    json!({ "userData": data.unwrap_or_else(|| json!({})) }),
                )
            }
            Waiting::Delete(call) => (call, json!({ "timestamp": self.now })),
        };
        if ok {
            self.settle(call, true, value);
        } else {
            let error = from_rejection(&reply, Attempt::Command);
            self.log_error(&error);
            let event = self.error_event(&error);
            self.settle(call, false, event);
        }
    }
}
