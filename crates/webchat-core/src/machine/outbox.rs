//! The durable outbox: customer messages waiting for the server, in the order they were typed.
//!
//! Pure bookkeeping, no IO and no WebChatService: `sending.rs` asks it what to do next
//! ([`Outbox::next_step`]) and tells it how each attempt ended. The rules:
//!
//! - **One in flight.** Only the head is ever sent, so the server sees messages in typed order.
//! - **Never twice.** An attempt that got no answer (a network error, a timeout, a cut
//!   connection, a 500/502/504) may have reached the server. Such a head is *maybe delivered*:
//!   before it is sent again the transcript is caught up (a poll, CometD's
//!   `requestNotifications`, Genesys Cloud's `GET …/messages?after=`), and a customer message
//!   with the same text and a higher index than the transcript had before the first attempt
//!   ([`Outbox::echoed`]) counts as its delivery. Its echo seen while an attempt is in flight
//!   counts too. Only a completed catch-up allows a resend: no timer stands in for it (an echo
//!   can come late), and a transport that could not catch up would wait for the echo or the
//!   deadline rather than risk a second copy.
//! - **Backoff.** 1 s doubling to 10 s between attempts; a `Retry-After` from the server is a
//!   floor. The link coming back (or the browser going online) retries at once.
//! - **Deadline.** A message not delivered by `queued_at + outbox.timeout` fails; it is never
//!   dropped without a word.
//! - **Durable.** [`Outbox::to_json`] goes into the session record; [`Outbox::load`] takes it
//!   back after a reload (the command promises are gone then; the events remain).

use crate::drive::CommandId;
use crate::json;
use crate::json::{Json, number_text};
use crate::session::OpId;

/// First retry delay; doubled per failure up to [`MAX_BACKOFF_MS`].
pub const FIRST_BACKOFF_MS: u64 = 1_000;
/// Longest wait between two attempts (unless the server's `Retry-After` asks for more).
pub const MAX_BACKOFF_MS: u64 = 10_000;
/// At most this many messages are queued; more are refused as if the server had refused them
/// (storage and memory stay bounded whatever a page does).
pub const MAX_QUEUED: usize = 200;

/// Who waits for a queued message (nobody after a reload).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiter {
    /// sendMessage: resolved with the server's answer.
    Answer(CommandId),
    /// sendFilteredMessage: resolved with `undefined`.
    Empty(CommandId),
}

/// Where a queued message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendState {
    /// Waiting for its turn, the link, or the backoff.
    Waiting,
    /// Sent as this operation; no answer yet.
    Sending(OpId),
    /// A poll is catching the transcript up before a maybe-delivered message is sent again.
    Checking(OpId),
}

/// One queued message.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    /// Our id for it (`o<time>-<n>`), unique per browser; events carry it.
    pub client_id: String,
    /// The text.
    pub text: String,
    /// When it was typed (ms).
    pub queued_at: u64,
    /// When it fails if not delivered (ms).
    pub deadline: u64,
    /// Where it stands.
    pub state: SendState,
    /// An attempt ended without an answer: the server may have it.
    pub maybe_delivered: bool,
    /// The transcript has been caught up since the last uncertain attempt.
    pub checked: bool,
    /// The highest transcript index before its first attempt: only a later echo can be it.
    pub after_index: u64,
    /// `messagePending` was published for it.
    pub announced: bool,
    /// Its echo (the published message) reached the transcript while an attempt was in flight.
    pub echo: Option<Json>,
    /// The command to settle.
    pub waiter: Option<Waiter>,
}

/// What the machine should do for the outbox now.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Send the head's text.
    Send(String),
    /// Catch the transcript up (poll once) before deciding about the head.
    Check,
}

/// The queue and its retry clock.
#[derive(Debug, Default, Clone)]
pub struct Outbox {
    queue: Vec<Queued>,
    next_seq: u64,
    /// The head is not attempted before this (backoff).
    retry_at: u64,
    /// The server's `Retry-After`: no attempt before this, whatever happens.
    not_before: u64,
    /// Failed attempts of the head in a row.
    failures: u32,
    /// The browser said `offline`.
    browser_offline: bool,
    /// The session reported its link down (offline polls, a dropped socket).
    link_down: bool,
}

impl Outbox {
    /// The queued messages, oldest first.
    #[cfg(test)]
    pub fn queued(&self) -> &[Queued] {
        &self.queue
    }

    /// Whether nothing is queued.
    pub fn is_idle(&self) -> bool {
        self.queue.is_empty()
    }

    /// Whether new messages are shown as pending at once: the browser or link is down, or an
    /// earlier message is pending already.
    pub fn degraded(&self) -> bool {
        self.browser_offline || self.link_down || self.queue.iter().any(|q| q.announced)
    }

    /// Queues `text`; `None` when the queue is full.
    pub fn push(
        &mut self,
        text: String,
        waiter: Option<Waiter>,
        now: u64,
        timeout_ms: u64,
        after_index: u64,
    ) -> Option<&mut Queued> {
        if self.queue.len() >= MAX_QUEUED {
            return None;
        }
        self.next_seq = self.next_seq.wrapping_add(1);
        let mut client_id = String::from("o");
        client_id.push_str(&number_text(now as f64));
        client_id.push('-');
        client_id.push_str(&number_text(self.next_seq as f64));
        let announced = self.degraded();
        self.queue.push(Queued {
            client_id,
            text,
            queued_at: now,
            deadline: now.saturating_add(timeout_ms),
            state: SendState::Waiting,
            maybe_delivered: false,
            checked: false,
            after_index,
            announced,
            echo: None,
            waiter,
        });
        self.queue.last_mut()
    }

    /// What to do now, if anything. `polls`: the transport can catch the transcript up on
    /// demand (`Capabilities::catch_up`).
    pub fn next_step(&self, now: u64, polls: bool) -> Option<Step> {
        let head = self.queue.first()?;
        if head.state != SendState::Waiting || self.browser_offline {
            return None;
        }
        if now < self.retry_at || now < self.not_before {
            return None;
        }
        if head.maybe_delivered && !head.checked {
            // Never sent again on a guess: without a catch-up only its echo or its deadline
            // settles it.
            return polls.then_some(Step::Check);
        }
        Some(Step::Send(head.text.clone()))
    }

    /// The head was sent (`Step::Send`) or is being checked (`Step::Check`) as `op`.
    pub fn started(&mut self, op: OpId, step: &Step, after_index: u64) {
        if let Some(head) = self.queue.first_mut() {
            head.state = match step {
                Step::Send(_) => {
                    if !head.maybe_delivered {
                        head.after_index = after_index;
                    }
                    SendState::Sending(op)
                }
                Step::Check => SendState::Checking(op),
            };
        }
    }

    /// Whether `op` is one of ours, and which kind.
    pub fn owns(&self, op: OpId) -> Option<SendState> {
        self.queue
            .first()
            .map(|h| h.state)
            .filter(|s| matches!(s, SendState::Sending(o) | SendState::Checking(o) if *o == op))
    }

    /// The head's attempt `op` was answered: it is delivered and leaves the queue.
    pub fn delivered(&mut self, op: OpId) -> Option<Queued> {
        if self.owns(op) != Some(SendState::Sending(op)) {
            return None;
        }
        self.failures = 0;
        self.retry_at = 0;
        Some(self.queue.remove(0))
    }

    /// The in-flight head's echo, if seen: its attempt reached the server whatever its answer
    /// says.
    pub fn head_echo(&self) -> Option<&Json> {
        self.queue.first().and_then(|q| q.echo.as_ref())
    }

    /// The server refused the head's attempt `op` for good: it leaves the queue.
    pub fn refused(&mut self, op: OpId) -> Option<Queued> {
        if self.owns(op) != Some(SendState::Sending(op)) {
            return None;
        }
        self.failures = 0;
        Some(self.queue.remove(0))
    }

    /// The head's attempt or check `op` got no usable answer. `reached`: the request may have
    /// got to the server (anything but a refusal such as 429); `retry_after_ms`: the server's
    /// `Retry-After`. Returns whether the head and those behind it must now be announced as
    /// pending.
    pub fn unreachable(
        &mut self,
        op: OpId,
        reached: bool,
        retry_after_ms: Option<u64>,
        now: u64,
    ) -> bool {
        let Some(state) = self.owns(op) else {
            return false;
        };
        let Some(head) = self.queue.first_mut() else {
            return false;
        };
        head.state = SendState::Waiting;
        if matches!(state, SendState::Sending(_)) && reached {
            head.maybe_delivered = true;
            head.checked = false;
        }
        let wait = FIRST_BACKOFF_MS
            .checked_shl(self.failures.min(5))
            .unwrap_or(MAX_BACKOFF_MS)
            .min(MAX_BACKOFF_MS);
        self.failures = self.failures.saturating_add(1);
        self.retry_at = now.saturating_add(wait);
        if let Some(ms) = retry_after_ms {
            self.not_before = now.saturating_add(ms);
        }
        self.queue.iter().any(|q| !q.announced)
    }

    /// The check `op` caught the transcript up and the head was not in it: send it again.
    pub fn checked(&mut self, op: OpId) {
        if self.owns(op) == Some(SendState::Checking(op))
            && let Some(head) = self.queue.first_mut()
        {
            head.state = SendState::Waiting;
            head.checked = true;
        }
    }

    /// A customer message with `text` at `index` reached the transcript: when it is the echo of
    /// a maybe-delivered head, the head is delivered and returned.
    pub fn echoed(&mut self, text: &str, index: u64, message: &Json) -> Option<Queued> {
        let head = self.queue.first_mut()?;
        if head.text != text || index <= head.after_index {
            return None;
        }
        if matches!(head.state, SendState::Sending(_)) {
            // In flight: the answer decides, and if it is lost, this echo says it arrived.
            head.echo = Some(message.clone());
            return None;
        }
        if !head.maybe_delivered {
            return None;
        }
        self.failures = 0;
        self.retry_at = 0;
        Some(self.queue.remove(0))
    }

    /// Removes every message past its deadline that is not in flight, oldest first.
    pub fn expire(&mut self, now: u64) -> Vec<Queued> {
        let mut gone = Vec::new();
        let mut i = 0;
        while i < self.queue.len() {
            let q = &self.queue[i];
            if q.deadline <= now && q.state == SendState::Waiting {
                gone.push(self.queue.remove(i));
                if i == 0 {
                    self.failures = 0;
                }
            } else {
                i += 1;
            }
        }
        gone
    }

    /// The in-flight head's deadline passed while it was in flight: whether it should fail now
    /// rather than be retried.
    pub fn head_expired(&self, now: u64) -> bool {
        self.queue.first().is_some_and(|q| q.deadline <= now)
    }

    /// Removes everything but an in-flight head, whose operation still settles it (the chat
    /// is over).
    pub fn drain_all(&mut self) -> Vec<Queued> {
        self.failures = 0;
        self.retry_at = 0;
        let in_flight = self
            .queue
            .first()
            .is_some_and(|q| q.state != SendState::Waiting);
        let keep = if in_flight { 1 } else { 0 };
        self.queue.split_off(keep.min(self.queue.len()))
    }

    /// The browser went offline (`false`) or online (`true`). Online retries at once.
    pub fn set_browser_online(&mut self, online: bool, now: u64) {
        self.browser_offline = !online;
        if online {
            self.retry_at = now;
        }
    }

    /// The session's link went down.
    pub fn link_lost(&mut self) {
        self.link_down = true;
    }

    /// The session's link is back: retry at once (a maybe-delivered head is checked first).
    pub fn link_back(&mut self, now: u64) {
        self.link_down = false;
        self.retry_at = now;
        self.failures = 0;
    }

    /// When [`Outbox::next_step`] or [`Outbox::expire`] may have something new to say.
    pub fn poll_timeout(&self) -> Option<u64> {
        let head = self.queue.first()?;
        let retry = (head.state == SendState::Waiting && !self.browser_offline)
            .then(|| self.retry_at.max(self.not_before));
        let deadline = self
            .queue
            .iter()
            .filter(|q| q.state == SendState::Waiting)
            .map(|q| q.deadline)
            .min();
        [retry, deadline].into_iter().flatten().min()
    }

    /// Marks every queued message as announced; returns those that were not.
    pub fn announce_all(&mut self) -> Vec<Queued> {
        let mut fresh = Vec::new();
        for q in &mut self.queue {
            if !q.announced {
                q.announced = true;
                fresh.push(q.clone());
            }
        }
        fresh
    }

    /// The queue as the session record keeps it.
    pub fn to_json(&self) -> Json {
        Json::Array(
            self.queue
                .iter()
                .map(|q| {
                    json!({
                        "clientId": q.client_id,
                        "text": q.text,
                        "queuedAt": q.queued_at,
                        "deadline": q.deadline,
                        "maybeDelivered": q.maybe_delivered,
                        "afterIndex": q.after_index,
                    })
                })
                .collect(),
        )
    }

    /// Takes back what [`Outbox::to_json`] stored (anything unreadable is skipped): every
    /// message waits again, nobody waits for it, and it will be announced anew.
    pub fn load(&mut self, stored: Option<&Json>) {
        self.queue.clear();
        self.failures = 0;
        self.retry_at = 0;
        let Some(list) = stored.and_then(Json::as_array) else {
            return;
        };
        for v in list.iter().take(MAX_QUEUED) {
            let text = |k: &str| v.get(k).and_then(Json::as_str).map(str::to_owned);
            let whole = |k: &str| v.get(k).and_then(Json::as_u64);
            let (Some(client_id), Some(text), Some(queued_at), Some(deadline)) = (
                text("clientId"),
                text("text"),
                whole("queuedAt"),
                whole("deadline"),
            ) else {
                continue;
            };
            self.queue.push(Queued {
                client_id,
                text,
                queued_at,
                deadline,
                state: SendState::Waiting,
                maybe_delivered: v.get("maybeDelivered").and_then(Json::as_bool) == Some(true),
                checked: false,
                after_index: whole("afterIndex").unwrap_or(0),
                announced: false,
                echo: None,
                waiter: None,
            });
        }
    }
}

/// The `pending: true` message object `messagePending` carries.
pub fn pending_json(q: &Queued) -> Json {
    json!({
        "index": Json::Null,
        "type": "Message",
        "text": q.text,
        "timestamp": q.queued_at,
        "from": {"type": "Client"},
        "pending": true,
        "clientId": q.client_id,
    })
}
