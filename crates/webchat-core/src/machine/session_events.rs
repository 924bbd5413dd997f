//! What the session reports, turned into WebChatService events, phase changes and command
//! settlements.

use super::{Purpose, WebChat};
use crate::drive::{CommandId, Reply};
use crate::event::Event;
use crate::filter::{Filters, TextMatcher};
use crate::json::Json;
use crate::session::{Link, OpId, OpOutcome, SessionEvent};
use crate::validate::Phase;

impl<M: TextMatcher> WebChat<M> {
    pub(super) fn on_session_event(&mut self, event: SessionEvent) {
        match event {
            SessionEvent::Finished { op, outcome } => self.on_finished(op, outcome),
            SessionEvent::Messages {
                messages,
                raw,
                restoring,
            } => match self.phase {
                Phase::Active | Phase::Ending => {
                    let restoring = self.restoring_flag(restoring);
                    self.deliver(messages, raw, restoring);
                }
                // A push that overtook the restore's answer (CometD: the long-poll came back
                // before the restore's publish did). Dropping it loses it for good: the session
                // counts it as seen and no replay asks for it again. It waits until the restore's
                // transcript is in and goes then, de-duplicated against it (`deliver.rs`).
                //
                // The same for a message reported before the start is answered (Cloud: a frame
                // while the start's member lookup runs; the CometD session keeps a push that beat
                // requestChat's answer itself, until the answer names the chat). It goes right
                // after `started`, with what the answer brings (`deliver.rs`).
                Phase::Restoring | Phase::Starting => self.hold_until_answered(messages, raw),
                Phase::Idle => {}
            },
            SessionEvent::Ended => self.finish_session(),
            SessionEvent::Lost { error } => {
                if self.phase != Phase::Idle {
                    self.publish(Event::Error, error);
                    self.publish(Event::SessionLost, Json::Null);
                    self.finish_session();
                }
            }
            SessionEvent::Link(link) => {
                let events: &[Event] = match link {
                    Link::Offline => &[Event::ConnectionPending, Event::ChatServerWentOffline],
                    Link::BackOnline => &[Event::ChatServerBackOnline, Event::ConnectionRestored],
                    Link::Disconnected => &[Event::Disconnected],
                    Link::Reconnected => &[Event::Reconnected],
                };
                for e in events {
                    self.publish(*e, Json::Null);
                }
                self.outbox_link(matches!(link, Link::BackOnline | Link::Reconnected));
            }
            SessionEvent::Polling(on) => self.publish(
                if on {
                    Event::PollingStarted
                } else {
                    Event::PollingStopped
                },
                Json::Null,
            ),
            SessionEvent::RecordChanged => self.save_due = true,
        }
    }

    fn on_finished(&mut self, op: OpId, outcome: OpOutcome) {
        let Some(at) = self.ops.iter().position(|(o, _)| *o == op) else {
            return;
        };
        let purpose = self.ops.remove(at).1;
        match purpose {
            Purpose::Start(cmd) => self.on_started(cmd, outcome),
            Purpose::Answer(cmd) | Purpose::AnswerEmpty(cmd) => match outcome {
                OpOutcome::Done(body) => {
                    let reply = if matches!(purpose, Purpose::AnswerEmpty(_)) {
                        Reply::Undefined
                    } else {
                        Reply::Json(body)
                    };
                    self.resolve(cmd, reply);
                }
                OpOutcome::Failed(error) | OpOutcome::Unreachable(error) => {
                    self.call_failed(&error);
                    self.reject(cmd, Reply::Json(error));
                }
            },
            Purpose::End(cmd) => self.on_ended(cmd, outcome),
            Purpose::Restore(cmd) => self.on_restored(cmd, outcome),
            Purpose::TakeOver => self.on_taken_over(outcome),
            Purpose::Outbox => self.on_outbox_finished(op, outcome),
            Purpose::Fire => {
                if let OpOutcome::Failed(error) | OpOutcome::Unreachable(error) = &outcome {
                    self.call_failed(error);
                }
            }
        }
    }

    /// A server call failed: `error` is published with its AJAX response object, as the seeds'
    /// event table says ("An error occurred between the client and the server"). A text or
    /// nothing is a local refusal (no active chat, unsupported, too long), not a server call,
    /// and publishes nothing. Automatic polls never get here: their failures count towards
    /// `pollExceptionLimit` and show as connectionPending/chatServerWentOffline instead.
    pub(super) fn call_failed(&mut self, error: &Json) {
        if error.is_object() {
            self.publish(Event::CallFailed, error.clone());
        }
    }

    fn on_started(&mut self, cmd: CommandId, outcome: OpOutcome) {
        if self.phase != Phase::Starting {
            return self.reject(cmd, Reply::Undefined);
        }
        match outcome {
            OpOutcome::Done(body) => {
                // Pushes held while the start ran belong to this chat: kept across the new
                // session's clean slate, released at the end of this input (`end_input`).
                let held = self.take_held();
                self.begin_session();
                self.reorder = held;
                self.phase = Phase::Active;
                if self.async_mode() {
                    self.forget_async_outbox();
                }
                self.pending_user_data.clear();
                self.publish(Event::Started, body.clone());
                self.set_session_active(true);
                self.resolve_json(cmd, body);
                self.save_due = true;
            }
            OpOutcome::Failed(error) | OpOutcome::Unreachable(error) => {
                self.phase = Phase::Idle;
                self.reorder.clear();
                self.publish(Event::Error, error.clone());
                self.reject(cmd, Reply::Json(error));
            }
        }
    }

    fn on_ended(&mut self, cmd: CommandId, outcome: OpOutcome) {
        if self.phase == Phase::Idle {
            // The chat ended meanwhile, which is what was asked.
            return self.resolve(cmd, Reply::Undefined);
        }
        match outcome {
            OpOutcome::Done(body) => {
                self.finish_session();
                self.resolve_json(cmd, body);
            }
            OpOutcome::Failed(error) => {
                // The server no longer knows the chat: it is over either way.
                self.call_failed(&error);
                self.finish_session();
                self.reject(cmd, Reply::Json(error));
            }
            OpOutcome::Unreachable(error) => {
                self.phase = Phase::Active;
                self.call_failed(&error);
                self.reject(cmd, Reply::Json(error));
            }
        }
    }

    fn on_restored(&mut self, cmd: Option<CommandId>, outcome: OpOutcome) {
        if self.phase != Phase::Restoring {
            return;
        }
        match outcome {
            OpOutcome::Done(_) => {
                self.phase = Phase::Active;
                let payload = if self.async_mode() {
                    // getSessionData only if the restore changed the data (a fresh token).
                    self.save_due = true;
                    crate::json!({"async": true})
                } else {
                    Json::Null
                };
                self.publish(Event::Restored, payload);
                self.set_session_active(true);
            }
            OpOutcome::Unreachable(_) => {
                // Server down: the session is kept and the session keeps trying.
                self.phase = Phase::Active;
                self.publish(Event::RestoredOffline, Json::Null);
                self.set_session_active(true);
            }
            OpOutcome::Failed(error) => {
                if self.async_mode() {
                    // Async mode: the reason is the errorData of deleteSessionData.
                    self.publish(Event::Error, error);
                }
                self.phase = Phase::Idle;
                self.record = None;
                self.reorder.clear();
                self.filters = Filters::default();
                self.out.push(crate::drive::Effect::ClearSession);
                self.publish(Event::RestoreFailed, Json::Null);
                self.announce_pending();
                self.fail_outbox(crate::texts::OUTBOX_CHAT_ENDED);
                self.with_session_mut(|s, _| s.reset());
                if let Some(c) = cmd {
                    self.reject(c, Reply::Undefined);
                }
                return;
            }
        }
        if let Some(c) = cmd {
            self.resolve(c, Reply::Undefined);
        }
        // Messages queued before the reload are pending again, and go when they can (one whose
        // answer was lost waits for the replay first, as after a reconnect).
        self.announce_pending();
        self.outbox_link(true);
    }
}
