//! Deterministic order: live messages are published in transcript (index) order whatever order
//! the protocol delivered them in.
//!
//! A message whose index is past the next one expected waits here until the gap fills, or at
//! most [`REORDER_WAIT_MS`] (a gap that never fills, such as an index the server skipped). A
//! message that comes in order is released at once, so ordering adds no delay then. Messages
//! without an index (the transcript assigns one) and those at or below the highest index seen
//! (duplicates, history) pass straight through; de-duplication stays the transcript's.

use crate::json::Json;
use crate::message::Message;

/// The longest a message waits for an earlier index.
pub const REORDER_WAIT_MS: u64 = 1_000;
/// At most this many messages wait; more release the lot (a bounded buffer whatever a server
/// sends).
const MAX_HELD: usize = 500;

/// Messages held back for a gap, and the wire objects that came with them.
#[derive(Debug, Default)]
pub struct Reorder {
    held: Vec<Message>,
    /// Wire objects not published yet: they go out with the next messages published
    /// (`originalMessages` is what the server sent, so it is not reordered).
    raw: Vec<Json>,
    release_at: Option<u64>,
}

/// What is ready to publish now, in order, with the wire objects.
#[derive(Debug, Default)]
pub struct Ready {
    /// Messages in publishing order.
    pub messages: Vec<Message>,
    /// Their wire objects (`originalMessages`).
    pub raw: Vec<Json>,
}

impl Reorder {
    /// Takes a batch from the session. `highest` is the transcript's highest index seen (0 when
    /// none). Returns what can be published now.
    pub fn admit(
        &mut self,
        messages: Vec<Message>,
        raw: Vec<Json>,
        highest: u64,
        now: u64,
    ) -> Ready {
        self.held.extend(messages);
        self.raw.extend(raw);
        let all = self.held.len() > MAX_HELD;
        self.release(highest, now, all)
    }

    /// Takes a batch that came while a start or a restore waited for its answer: nothing is
    /// released and no deadline runs until [`Reorder::admit`] is called once it is answered
    /// (what then follows the transcript goes at once, the rest waits as any gap does).
    /// Bounded: past [`MAX_HELD`] more are not kept (a server flooding a restore that does not
    /// end).
    pub fn hold(&mut self, messages: Vec<Message>, raw: Vec<Json>) {
        self.held.extend(messages);
        self.raw.extend(raw);
        self.held.truncate(MAX_HELD);
        self.raw.truncate(MAX_HELD);
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// The release deadline passed: everything held goes, gaps or not.
    pub fn expire(&mut self, highest: u64, now: u64) -> Ready {
        if self.release_at.is_some_and(|at| at <= now) {
            self.release(highest, now, true)
        } else {
            Ready::default()
        }
    }

    /// When [`Reorder::expire`] is due.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.release_at
    }

    /// Forgets what is held (a new session).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Sorts what is held by index and releases the run that follows `highest` without a gap
    /// (all of it when `all`).
    fn release(&mut self, highest: u64, now: u64, all: bool) -> Ready {
        sort_held(&mut self.held);
        let mut next = highest.saturating_add(1);
        let mut go = 0;
        for m in &self.held {
            match m.index {
                Some(i) if i > next && !all => break,
                Some(i) => next = next.max(i.saturating_add(1)),
                None => {}
            }
            go += 1;
        }
        let rest = self.held.split_off(go);
        let messages = std::mem::replace(&mut self.held, rest);
        let raw = if messages.is_empty() {
            Vec::new()
        } else {
            std::mem::take(&mut self.raw)
        };
        self.release_at = match (self.held.is_empty(), self.release_at) {
            (true, _) => None,
            (false, Some(at)) => Some(at),
            (false, None) => Some(now.saturating_add(REORDER_WAIT_MS)),
        };
        Ready { messages, raw }
    }
}

/// Insertion sort by index, stable, messages without an index first: a handful of messages, and
/// the bundle then carries no general sort code.
fn sort_held(held: &mut [Message]) {
    let key = |m: &Message| m.index.map_or((0, 0), |i| (1, i));
    for i in 1..held.len() {
        let mut j = i;
        while j > 0 && key(&held[j - 1]) > key(&held[j]) {
            held.swap(j - 1, j);
            j -= 1;
        }
    }
}
