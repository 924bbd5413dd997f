//! GMS Chat API v2 over CometD (`webchat.cometD.enabled`) as a [`Session`]: the REST API's
//! operations published on the Bayeux channel `/service/chatV2/{serviceName}`, and the server's
//! envelopes pushed back the moment something happens instead of at the next poll.
//!
//! * [`bayeux`] is the Bayeux client codec; [`link`] keeps the connection: handshake, subscribe,
//!   the connect loop over long-polling (`Io::Http`) or one WebSocket (`Io::Socket`) when
//!   `websocketEnabled`, reconnects, rehandshake on `402`, the link events;
//! * [`ops`] turns operations into publishes and answers into outcomes with the GMS REST codec
//!   (`session::gms`), so texts, error objects and envelopes are the REST ones;
//! * file calls (limits, upload, download) still go over REST on `dataURL`: they are delegated
//!   to a [`GmsSession`] holding the same keys, whose polling is never started.
//!
//! After any reconnect (or a reload) `requestNotifications` asks the server again from the
//! first index not yet seen ([`Seen`]); the machine drops what it already has, so nothing pushed
//! meanwhile is lost or doubled.

mod bayeux;
mod link;
mod ops;

#[cfg(test)]
mod tests;

use self::bayeux::{Advice, Carrier, DEFAULT_CHANNEL};
use self::link::{Carried, Link};
use self::ops::{Pending, Step};
use super::gms::{Call, GmsKeys, GmsSession, GmsWire};
use super::outbox::Outbox;
use super::{Io, Op, OpId, OpOutcome, Session, SessionEvent, SocketEvent};
use crate::capabilities::Capabilities;
use crate::command::Environment;
use crate::config::{GmsConfig, WebChatConfig};
use crate::drive::RequestId;
use crate::http::HttpOutcome;
use crate::json;
use crate::json::Json;
use crate::texts;

/// The `transport` tag of a persisted record.
const RECORD_TAG: &str = "cometd";

/// Our request ids start above this; the REST session's (file calls) stay below.
const OWN_IDS: u64 = 1 << 40;

/// Transcript indexes seen: all up to `contiguous`, and some above it (sorted; few, since
/// the gaps close as soon as what was missed arrives).
#[derive(Debug, Default, Clone)]
struct Seen {
    contiguous: u64,
    above: Vec<u64>,
    highest: u64,
}

impl Seen {
    fn mark(&mut self, index: u64) {
        self.highest = self.highest.max(index);
        if index > self.contiguous
            && let Err(at) = self.above.binary_search(&index)
        {
            self.above.insert(at, index);
        }
        if self.above.len() > 256 {
            // A server sending far-off indexes: stop waiting for the oldest gap.
            self.contiguous = self.above.remove(0);
        }
        while self.above.first() == Some(&self.contiguous.saturating_add(1)) {
            self.above.remove(0);
            self.contiguous = self.contiguous.saturating_add(1);
        }
    }

    /// The first index not seen: where a replay starts.
    fn first_missing(&self) -> u64 {
        self.contiguous.saturating_add(1)
    }

    /// After the newest index: the REST client's `transcriptPosition` for typing.
    fn next_position(&self) -> u64 {
        self.highest.saturating_add(1)
    }
}

/// The GMS CometD session.
#[derive(Debug)]
pub struct CometSession {
    comet_url: String,
    channel: String,
    ajax_timeout_ms: u64,
    poll_limit: u32,
    wire: GmsWire,
    /// File calls over REST, with the same keys.
    rest: GmsSession,
    keys: Option<GmsKeys>,
    seen: Seen,
    link: Link,
    /// Publishes sent and not yet answered.
    pending: Vec<Pending>,
    /// Operations waiting for the link.
    queued: Vec<Pending>,
    /// A restore is replaying: the next replay delivers with `restoring: true`.
    replaying: bool,
    /// Envelopes pushed while requestChat waited for its answer (bounded): delivered once the
    /// answer names the chat, if they are of it ([`ops`]).
    early_pushes: Vec<Json>,
    /// What each long-polling request carried.
    sent: Vec<(RequestId, Carried)>,
    next_message: u64,
    out: Outbox,
}

impl CometSession {
    /// A session for `gms` (whose `comet` is set); file calls use `gms.data_url`.
    pub fn new(gms: &GmsConfig, config: &WebChatConfig, env: &Environment) -> Self {
        let (comet_url, channel, websocket) = match &gms.comet {
            Some(c) => (
                c.comet_url.trim_end_matches('/').to_owned(),
                c.channel
                    .clone()
                    .unwrap_or_else(|| DEFAULT_CHANNEL.to_owned()),
                c.websocket_enabled,
            ),
            None => (String::new(), DEFAULT_CHANNEL.to_owned(), false),
        };
        let carrier = if websocket {
            Carrier::WebSocket
        } else {
            Carrier::LongPolling
        };
        Self {
            comet_url,
            channel,
            ajax_timeout_ms: config.ajax_timeout_ms,
            poll_limit: config.poll_exception_limit.max(1),
            wire: GmsWire::new(gms, config.ajax_timeout_ms, env),
            rest: GmsSession::new(gms, config, env),
            keys: None,
            seen: Seen::default(),
            link: Link::new(carrier, Advice::default()),
            pending: Vec::new(),
            queued: Vec::new(),
            replaying: false,
            early_pushes: Vec::new(),
            sent: Vec::new(),
            next_message: 0,
            out: Outbox::ids_after(OWN_IDS),
        }
    }

    fn finish(&mut self, op: Option<OpId>, outcome: OpOutcome) {
        if let Some(op) = op {
            self.out.finish(op, outcome);
        }
    }

    fn next_id(&mut self) -> String {
        self.next_message = self.next_message.wrapping_add(1);
        self.next_message.to_string()
    }

    /// Takes new keys and hands them to the REST session; `announce` persists them again (a
    /// start needs not: the machine saves a started chat).
    fn set_keys(&mut self, keys: GmsKeys, announce: bool) {
        if self.keys.as_ref() == Some(&keys) {
            return;
        }
        self.rest.resume(&keys.record("gms"));
        self.keys = Some(keys);
        if announce {
            self.out.event(SessionEvent::RecordChanged);
        }
    }

    /// Drops the chat: keys, transcript positions, replay state.
    fn forget(&mut self) {
        self.keys = None;
        self.seen = Seen::default();
        self.replaying = false;
        self.early_pushes.clear();
        self.link.replay_due = false;
        self.rest.reset();
    }

    /// Events of the REST session (file calls), passed on; an alias it learnt becomes ours.
    fn drain_rest(&mut self) {
        while let Some(event) = self.rest.poll_event() {
            match event {
                SessionEvent::RecordChanged => {
                    let learnt = self
                        .rest
                        .record()
                        .and_then(|r| GmsKeys::from_record(&r, "gms"));
                    if let Some(keys) = learnt
                        && self.keys.is_some()
                    {
                        self.set_keys(keys, true);
                    }
                }
                SessionEvent::Polling(_) | SessionEvent::Link(_) => {}
                other => self.out.event(other),
            }
        }
    }
}

impl Session for CometSession {
    fn capabilities(&self) -> Capabilities {
        Capabilities::GMS_COMETD
    }

    fn begin(&mut self, op: OpId, what: Op, now: u64) {
        let op = Some(op);
        match what {
            Op::Start { form, user_data } => {
                self.forget();
                self.submit(op, Call::RequestChat { form, user_data }, Step::Start, now);
            }
            Op::Restore => {
                if self.keys.is_none() {
                    return self.finish(op, OpOutcome::Failed(Json::Null));
                }
                self.replaying = true;
                let call = Call::Refresh {
                    position: 1,
                    preview: String::new(),
                };
                self.submit(op, call, Step::Restore, now);
            }
            Op::Send { text } => self.submit(op, Call::Send { text }, Step::Answer, now),
            Op::StartTyping { text } => {
                let position = self.seen.next_position();
                self.submit(op, Call::StartTyping { position, text }, Step::Answer, now);
            }
            Op::StopTyping { text } => {
                let position = self.seen.next_position();
                self.submit(op, Call::StopTyping { position, text }, Step::Answer, now);
            }
            Op::End => self.submit(op, Call::Disconnect, Step::End, now),
            Op::CustomNotice { text } => {
                self.submit(op, Call::CustomNotice { text }, Step::Answer, now);
            }
            Op::UpdateData { user_data } => {
                self.submit(op, Call::UpdateData { user_data }, Step::Answer, now);
            }
            Op::UserData(u) => self.submit(op, Call::UserData(u), Step::Answer, now),
            Op::SendFiles { .. } | Op::Download { .. } => {
                if let Some(op) = op {
                    self.rest.begin(op, what, now);
                    self.drain_rest();
                }
            }
            // Not a command here (no polling); the outbox's catch-up: what the server has from
            // the first index not seen, as after a reconnect.
            Op::Poll => {
                let position = self.seen.first_missing();
                let preview = String::new();
                self.submit(op, Call::Refresh { position, preview }, Step::Answer, now);
            }
            Op::FetchHistory => self.finish(
                op,
                OpOutcome::Failed(json!(texts::UNSUPPORTED_BY_TRANSPORT)),
            ),
        }
    }

    fn handle_http(&mut self, id: RequestId, outcome: HttpOutcome, now: u64) {
        if id.0 <= OWN_IDS {
            self.rest.handle_http(id, outcome, now);
            return self.drain_rest();
        }
        let Some(at) = self.sent.iter().position(|(r, _)| *r == id) else {
            return;
        };
        let (_, carried) = self.sent.remove(at);
        self.answered(carried, &outcome, now);
    }

    fn handle_socket(&mut self, event: SocketEvent, now: u64) {
        self.socket_event(event, now);
    }

    fn handle_timeout(&mut self, now: u64) {
        self.timeout(now);
        self.expire_publishes(now);
    }

    fn poll_io(&mut self) -> Option<Io> {
        self.out.pop_io().or_else(|| self.rest.poll_io())
    }

    fn poll_event(&mut self) -> Option<SessionEvent> {
        self.out.pop_event()
    }

    fn poll_timeout(&self) -> Option<u64> {
        let publishes = self.pending.iter().map(|p| p.deadline).min();
        [self.link.deadline(), publishes]
            .into_iter()
            .flatten()
            .min()
    }

    fn record(&self) -> Option<Json> {
        Some(self.keys.as_ref()?.record(RECORD_TAG))
    }

    fn resume(&mut self, record: &Json) -> bool {
        let Some(keys) = GmsKeys::from_record(record, RECORD_TAG) else {
            return false;
        };
        self.forget();
        self.rest.resume(&keys.record("gms"));
        self.keys = Some(keys);
        true
    }

    fn reset(&mut self) {
        self.stop();
        self.forget();
        for p in std::mem::take(&mut self.pending) {
            self.finish(p.op, OpOutcome::Failed(json!(texts::NO_ACTIVE_SESSION)));
        }
        for p in std::mem::take(&mut self.queued) {
            self.finish(p.op, OpOutcome::Failed(json!(texts::NO_ACTIVE_SESSION)));
        }
        self.drain_rest();
    }

    fn session_data(&self) -> Json {
        GmsWire::session_data(self.keys.as_ref())
    }

    /// Only the file calls go over REST (through the embedded session); Bayeux traffic carries
    /// no custom headers (a WebSocket cannot).
    fn set_custom_headers(&mut self, headers: &[(String, String)]) {
        self.rest.set_custom_headers(headers);
    }
}
