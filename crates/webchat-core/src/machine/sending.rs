//! sendMessage through the outbox: the machine's side of `outbox.rs`.
//!
//! Every customer message is queued and only the head is sent, so order holds. Online, the head
//! goes at once and its command settles with the server's answer exactly as without an outbox.
//! When the server cannot be reached (`Unreachable`, a `429`, the browser offline, the link down)
//! the message stays queued and is published as `messagePending` (the message object with
//! `pending: true` and its `clientId`); it is retried with backoff and, once it reaches the
//! server, `messageDelivered` is published and sendMessage resolves (with the server's answer, or
//! with the transcript message when the answer was lost and the transcript showed it arrived).
//! Past `outbox.timeout`, or when the chat ends first, `messageFailed` is published and
//! sendMessage rejects with the text in `texts`. With `outbox.enabled: false` a send is one attempt, as in the vendor's widgets.

use super::outbox::{Queued, SendState, Step, Waiter, pending_json};
use super::{Purpose, WebChat};
use crate::drive::{CommandId, Reply};
use crate::event::Event;
use crate::filter::TextMatcher;
use crate::json;
use crate::json::Json;
use crate::session::{Op, OpId, OpOutcome};
use crate::texts;
use crate::validate::Phase;

/// The status of a rejection object (`{status: 429, ...}`), 0 when none.
fn status_of(error: &Json) -> u64 {
    error.get("status").and_then(Json::as_u64).unwrap_or(0)
}

/// Whether a failed send is worth another attempt: no answer at all (network, timeout, a
/// dropped socket), a 5xx, a 429, or GMS's transient `statusCode: 1`. An answer the server did
/// give but that cannot be read (a 200 without an envelope) fails at once, as before.
fn retryable(error: &Json) -> bool {
    let transient = error
        .get("responseJSON")
        .and_then(|b| b.get("statusCode"))
        .and_then(Json::as_u64)
        == Some(1);
    matches!(status_of(error), 0 | 429 | 500..) || transient
}

/// `Retry-After` as the glue put it on the rejection object (`retryAfter`, in seconds).
fn retry_after_ms(error: &Json) -> Option<u64> {
    error
        .get("retryAfter")
        .and_then(Json::as_u64)
        .map(|s| s.saturating_mul(1000))
}

impl<M: TextMatcher> WebChat<M> {
    fn outbox_settings(&self) -> (bool, u64) {
        self.setup.as_ref().map_or((false, 0), |s| {
            (s.config.outbox.enabled, s.config.outbox.timeout_ms)
        })
    }

    /// Queues a customer message for `waiter` and sends it if it is its turn.
    pub(super) fn queue_send(&mut self, text: String, waiter: Waiter) {
        let (enabled, timeout) = self.outbox_settings();
        if !enabled {
            let purpose = match waiter {
                Waiter::Answer(id) => Purpose::Answer(id),
                Waiter::Empty(id) => Purpose::AnswerEmpty(id),
            };
            return self.begin(Op::Send { text }, purpose);
        }
        let after = self.transcript.highest_index();
        let pending = match self
            .outbox
            .push(text, Some(waiter), self.now, timeout, after)
        {
            None => {
                let id = waiter_id(waiter);
                return self.reject(id, Reply::text(texts::OUTBOX_FULL));
            }
            Some(q) => q.announced.then(|| pending_json(q)),
        };
        if let Some(message) = pending {
            self.publish(Event::MessagePending, message);
        }
        self.save_due = true;
        self.pump_outbox();
    }

    /// Starts the outbox's next step, if one is due.
    pub(super) fn pump_outbox(&mut self) {
        if self.phase != Phase::Active {
            return;
        }
        let polls = self.capabilities().is_some_and(|c| c.catch_up);
        let Some(step) = self.outbox.next_step(self.now, polls) else {
            return;
        };
        let what = match &step {
            Step::Send(text) => Op::Send { text: text.clone() },
            Step::Check => Op::Poll,
        };
        let op = self.begin_op(what, Purpose::Outbox);
        let highest = self.transcript.highest_index();
        self.outbox.started(op, &step, highest);
    }

    /// An outbox operation ended.
    pub(super) fn on_outbox_finished(&mut self, op: OpId, outcome: OpOutcome) {
        let sending = matches!(self.outbox.owns(op), Some(SendState::Sending(_)));
        let echo = self.outbox.head_echo().cloned();
        if let (true, Some(echo), false) = (sending, echo, matches!(outcome, OpOutcome::Done(_))) {
            // The answer was lost but the message is in the transcript already.
            if let Some(q) = self.outbox.delivered(op) {
                self.outbox_delivered(q, echo);
            }
            self.save_due = true;
            return self.pump_outbox();
        }
        let error = match outcome {
            OpOutcome::Done(body) => {
                if sending {
                    if let Some(q) = self.outbox.delivered(op) {
                        self.outbox_delivered(q, body);
                    }
                } else {
                    // Sent again only at the end of this input: a session may report the
                    // catch-up's messages after its end, and the echo among them must be seen
                    // first (`end_input`).
                    self.outbox.checked(op);
                    return;
                }
                self.save_due = true;
                return self.pump_outbox();
            }
            OpOutcome::Failed(error) if sending && status_of(&error) != 429 => Err(error),
            OpOutcome::Unreachable(error) if sending && !retryable(&error) => Err(error),
            OpOutcome::Failed(error) | OpOutcome::Unreachable(error) => Ok(error),
        };
        match error {
            // The server refused it for good (or gave an answer that cannot be read).
            Err(error) => {
                self.call_failed(&error);
                if let Some(q) = self.outbox.refused(op) {
                    self.outbox_failed(q, error);
                }
            }
            // An attempt that failed after the message's time was up: it fails now.
            Ok(_) if sending && self.outbox.head_expired(self.now) => {
                if let Some(q) = self.outbox.refused(op) {
                    self.outbox_failed(q, Json::String(texts::OUTBOX_TIMED_OUT.into()));
                }
            }
            Ok(error) => {
                // No answer at all, or a gateway's: the server may have the message.
                let reached = sending && matches!(status_of(&error), 0 | 500 | 502 | 504);
                let wait = retry_after_ms(&error);
                if self.outbox.unreachable(op, reached, wait, self.now) {
                    self.announce_pending();
                }
            }
        }
        self.save_due = true;
        self.pump_outbox();
    }

    /// Publishes `messagePending` for every queued message not yet shown as pending.
    pub(super) fn announce_pending(&mut self) {
        for q in self.outbox.announce_all() {
            self.publish(Event::MessagePending, pending_json(&q));
        }
    }

    /// A customer message reached the transcript: the echo of a head whose answer was lost.
    pub(super) fn outbox_echo(&mut self, text: &str, index: u64, message: &Json) {
        if let Some(q) = self.outbox.echoed(text, index, message) {
            self.outbox_delivered(q, message.clone());
            self.save_due = true;
        }
    }

    /// The outbox's deadlines: messages past their time fail; the head may be due again.
    pub(super) fn outbox_tick(&mut self) {
        for q in self.outbox.expire(self.now) {
            self.save_due = true;
            self.outbox_failed(q, Json::String(texts::OUTBOX_TIMED_OUT.into()));
        }
        self.pump_outbox();
    }

    /// The browser's `online`/`offline` events.
    pub(super) fn browser_online(&mut self, online: bool) {
        self.outbox.set_browser_online(online, self.now);
        self.pump_outbox();
    }

    /// The session's link went down (`false`) or came back.
    pub(super) fn outbox_link(&mut self, up: bool) {
        if up {
            self.outbox.link_back(self.now);
            self.pump_outbox();
        } else {
            self.outbox.link_lost();
        }
    }

    /// Fails everything queued with `reason` (the chat is over).
    pub(super) fn fail_outbox(&mut self, reason: &str) {
        for q in self.outbox.drain_all() {
            self.outbox_failed(q, Json::String(reason.into()));
        }
    }

    fn outbox_delivered(&mut self, q: Queued, answer: Json) {
        match q.waiter {
            Some(Waiter::Answer(id)) => self.resolve(id, Reply::Json(answer)),
            Some(Waiter::Empty(id)) => self.resolve(id, Reply::Undefined),
            None => {}
        }
        if q.announced {
            let payload = json!({"clientId": q.client_id, "text": q.text});
            self.publish(Event::MessageDelivered, payload);
        }
    }

    fn outbox_failed(&mut self, q: Queued, reason: Json) {
        if let Some(w) = q.waiter {
            self.reject(waiter_id(w), Reply::Json(reason.clone()));
        }
        if q.announced {
            let payload = json!({"clientId": q.client_id, "text": q.text, "reason": reason});
            self.publish(Event::MessageFailed, payload);
        }
    }
}

fn waiter_id(w: Waiter) -> CommandId {
    match w {
        Waiter::Answer(id) | Waiter::Empty(id) => id,
    }
}
