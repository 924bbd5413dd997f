//! Genesys Cloud guest chat (`purecloud-v2-sockets`): REST calls with a Bearer JWT, and a
//! WebSocket event stream that carries messages, typing and member changes.
//!
//! * `begin` turns operations into requests ([`ops`]); `handle_http` routes answers by the
//!   [`Pending`] each request was sent for ([`answers`]).
//! * The socket ([`link`]) is watched by a heartbeat watchdog; a dead one is reopened every
//!   [`wire::REOPEN_MS`] and what was missed is fetched with `after=<last message id>`.
//! * Frames name senders by member id only: [`held`] keeps them in order until the member's
//!   role is known.

mod answers;
mod held;
mod link;
mod ops;
mod wire;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;

use super::outbox::Outbox;
use super::{Io, Op, OpId, OpOutcome, Session, SessionEvent, SocketEvent};
use crate::capabilities::Capabilities;
use crate::config::{CloudConfig, WebChatConfig};
use crate::drive::{RequestId, SocketAction};
use crate::http::{HttpOutcome, HttpRequest};
use crate::json;
use crate::json::{Json, Object};
use crate::texts;

use held::{Directory, Held};
use wire::{Api, STALL_MS};

/// The `transport` tag of a persisted record.
const RECORD_TAG: &str = "cloud";

/// The identity of one guest conversation.
#[derive(Debug, Clone)]
struct Chat {
    conversation: String,
    jwt: String,
    stream: String,
    /// The newest message id taken from the stream or a history walk (not from our own sends,
    /// which may overtake messages the socket has not delivered yet).
    last_message: Option<String>,
    /// A start waiting for the socket to open: its op and the create answer it resolves with.
    starting: Option<(OpId, Json)>,
}

/// What a request in flight was sent for.
#[derive(Debug)]
enum Pending {
    Create { op: OpId },
    Attach { op: OpId, answer: Json },
    Restore { op: OpId },
    Member { id: String },
    Page,
    Members { op: OpId, bodies: Vec<Json> },
    Send { op: OpId },
    Typing { op: OpId },
    Leave { op: OpId },
}

impl Pending {
    fn op(&self) -> Option<OpId> {
        match self {
            Self::Create { op }
            | Self::Attach { op, .. }
            | Self::Restore { op }
            | Self::Members { op, .. }
            | Self::Send { op }
            | Self::Typing { op }
            | Self::Leave { op } => Some(*op),
            Self::Member { .. } | Self::Page => None,
        }
    }
}

/// Why history is being walked.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Purpose {
    /// Messages missed while the socket was down, oldest first; with an op, the outbox's
    /// [`crate::Op::Poll`] (is a message whose answer was lost on the server?), which ends
    /// after the messages the walk found.
    CatchUp(Option<OpId>),
    /// A restore's replay, newest first.
    Restore(OpId),
}

/// A history walk following `next` links.
#[derive(Debug)]
struct Walk {
    purpose: Purpose,
    /// The last message id when the walk began; frames that arrive during the walk are newer
    /// than anything it fetches, so the walk moves the cursor only when none did.
    cursor: Option<String>,
    bodies: Vec<Json>,
    pages: u32,
}

/// The state of the one WebSocket.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Socket {
    Closed,
    Opening {
        since: u64,
    },
    Open {
        heard: u64,
    },
    /// Dead; reopen at `until`.
    Waiting {
        until: u64,
    },
}

/// The Genesys Cloud guest chat session.
#[derive(Debug)]
pub struct CloudSession {
    cloud: CloudConfig,
    api: Api,
    out: Outbox,
    chat: Option<Chat>,
    requests: Vec<(RequestId, Pending)>,
    socket: Socket,
    /// Link::Disconnected was published (or a restore found the server down): the next open
    /// publishes Link::Reconnected and fetches what was missed.
    disconnected: bool,
    directory: Directory,
    held: VecDeque<Held>,
    walk: Option<Walk>,
    /// A reconnect asked for a catch-up while an outbox check walked: that walk may have asked
    /// before the socket's gap ended, so another follows it.
    walk_again: bool,
}

impl CloudSession {
    /// A session for `config`.
    pub fn new(cloud: &CloudConfig, config: &WebChatConfig) -> Self {
        Self {
            cloud: cloud.clone(),
            api: Api::new(&cloud.data_url, config.ajax_timeout_ms),
            out: Outbox::default(),
            chat: None,
            requests: Vec::new(),
            socket: Socket::Closed,
            disconnected: false,
            directory: Directory::default(),
            held: VecDeque::new(),
            walk: None,
            walk_again: false,
        }
    }

    /// Sends `request`, remembering what for.
    fn send(&mut self, request: HttpRequest, pending: Pending) {
        let id = self.out.http(request);
        self.requests.push((id, pending));
    }

    /// Closes the socket if it is open or opening.
    fn close_socket(&mut self) {
        if matches!(self.socket, Socket::Open { .. } | Socket::Opening { .. }) {
            self.out.io(Io::Socket(SocketAction::Close));
        }
        self.socket = Socket::Closed;
    }

    /// Forgets the conversation. Operations still under way end as failed, so each op still
    /// ends exactly once.
    fn forget(&mut self) {
        self.close_socket();
        let gone = || OpOutcome::Failed(json!(texts::NO_ACTIVE_SESSION));
        let mut ended: Vec<OpId> = self
            .requests
            .drain(..)
            .filter_map(|(_, p)| p.op())
            .collect();
        if let Some(Walk {
            purpose: Purpose::Restore(op) | Purpose::CatchUp(Some(op)),
            ..
        }) = self.walk.take()
        {
            ended.push(op);
        }
        if let Some((op, _)) = self.chat.take().and_then(|c| c.starting) {
            ended.push(op);
        }
        for held in std::mem::take(&mut self.held) {
            match held {
                Held::Finish { op, outcome } => self.out.finish(op, outcome),
                Held::Restored { op, .. } => ended.push(op),
                Held::Wire { .. } | Held::Walking => {}
            }
        }
        for op in ended {
            self.out.finish(op, gone());
        }
        self.disconnected = false;
        self.walk_again = false;
        self.directory = Directory::default();
    }

    /// Publishes what no longer waits.
    fn release(&mut self) {
        held::release(&mut self.held, &self.directory, &mut self.out, false);
    }

    /// Queues a message-topic eventBody, looking its sender up when unknown.
    fn hold_wire(&mut self, body: Json, typing: bool) {
        let sender = held::sender_id(&body).to_owned();
        self.lookup(&sender);
        self.held.push_back(Held::Wire { body, typing });
    }

    /// Asks for member `id` unless it is known or asked for already.
    fn lookup(&mut self, id: &str) {
        if !self.directory.needs_lookup(id) {
            return;
        }
        if let Some(request) = self.get(&["/members/", id]) {
            self.send(request, Pending::Member { id: id.to_owned() });
        }
    }

    /// An authorised GET of `path` below the conversation.
    fn get(&self, path: &[&str]) -> Option<HttpRequest> {
        let chat = self.chat.as_ref()?;
        let url = self.api.url(&chat.conversation, path);
        Some(self.authorised_get(url))
    }

    /// An authorised GET of the absolute `url`.
    fn authorised_get(&self, url: String) -> HttpRequest {
        let jwt = self.chat.as_ref().map(|c| c.jwt.as_str());
        self.api
            .request(crate::http::Method::Get, url, jwt, crate::http::Body::Empty)
    }
}

impl Session for CloudSession {
    fn capabilities(&self) -> Capabilities {
        Capabilities::CLOUD
    }

    fn begin(&mut self, op: OpId, what: Op, now: u64) {
        self.begin_op(op, what, now);
    }

    fn handle_http(&mut self, id: RequestId, outcome: HttpOutcome, now: u64) {
        let Some(at) = self.requests.iter().position(|(known, _)| *known == id) else {
            return;
        };
        let (_, pending) = self.requests.remove(at);
        self.answer(pending, outcome, now);
    }

    fn handle_socket(&mut self, event: SocketEvent, now: u64) {
        if self.chat.is_some() {
            self.socket_event(event, now);
        }
    }

    fn handle_timeout(&mut self, now: u64) {
        self.timeout(now);
    }

    fn poll_io(&mut self) -> Option<Io> {
        self.out.pop_io()
    }

    fn poll_event(&mut self) -> Option<SessionEvent> {
        self.out.pop_event()
    }

    fn poll_timeout(&self) -> Option<u64> {
        match self.socket {
            Socket::Closed => None,
            Socket::Opening { since } => Some(since.saturating_add(STALL_MS)),
            Socket::Open { heard } => Some(heard.saturating_add(STALL_MS)),
            Socket::Waiting { until } => Some(until),
        }
    }

    fn record(&self) -> Option<Json> {
        let chat = self.chat.as_ref()?;
        let mut record = Object::new();
        record.insert("transport", json!(RECORD_TAG));
        record.insert("conversationId", json!(chat.conversation));
        record.insert("memberId", json!(self.directory.me));
        record.insert("jwt", json!(chat.jwt));
        record.insert("eventStreamUri", json!(chat.stream));
        if let Some(last) = &chat.last_message {
            record.insert("lastMessageId", json!(last));
        }
        Some(Json::Object(record))
    }

    fn resume(&mut self, record: &Json) -> bool {
        let text = |key: &str| record[key].as_str().map(str::to_owned);
        if record["transport"].as_str() != Some(RECORD_TAG) {
            return false;
        }
        let (Some(conversation), Some(me), Some(jwt), Some(stream)) = (
            text("conversationId"),
            text("memberId"),
            text("jwt"),
            text("eventStreamUri"),
        ) else {
            return false;
        };
        let last_message = text("lastMessageId");
        let ids = [Some(&conversation), Some(&me), last_message.as_ref()];
        if !ids
            .into_iter()
            .flatten()
            .all(|id| crate::http::is_url_safe_id(id))
        {
            return false;
        }
        self.forget();
        self.directory.me = me;
        self.chat = Some(Chat {
            conversation,
            jwt,
            stream,
            last_message,
            starting: None,
        });
        true
    }

    fn reset(&mut self) {
        self.forget();
    }

    fn session_data(&self) -> Json {
        match &self.chat {
            Some(chat) => {
                json!({"conversationId": chat.conversation, "memberId": self.directory.me})
            }
            None => json!({}),
        }
    }
}
