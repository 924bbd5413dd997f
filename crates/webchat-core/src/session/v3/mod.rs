//! Genesys Engage v3 (`pureengage-v3-rest`) as a [`Session`]: the `clientToken` and the ids it
//! carries, the poll loop (every 3 s, de-duplicating by index), the multi-step restore (resume with
//! the token, then replay the transcript) and history paging for async mode.
//!
//! * [`wire`] is the codec, [`token`] reads the JWT's claims, [`operation`] makes `operationId`s.
//! * `ops.rs` turns operations into calls; `answers.rs` turns answers into [`SessionEvent`]s.
//!
//! In async mode (`transport.async.enabled`) the customer keeps the session data, so
//! [`Session::resume`] also takes what `getSessionData` handed out (or the bare token), a restore
//! replays only the newest [`PAGE`] messages, and `fetchHistory` pages older ones in.

mod answers;
mod operation;
mod ops;
pub mod token;
mod wire;

#[cfg(test)]
mod tests;

use self::operation::OperationIds;
use self::token::Claims;
use self::wire::{Call, Target, V3Wire};
use super::outbox::Outbox;
use super::{Io, Op, OpId, OpOutcome, Session, SessionEvent, SocketEvent};
use crate::capabilities::Capabilities;
use crate::config::{EngageV3Config, WebChatConfig};
use crate::drive::{CommandId, RequestId};
use crate::http::HttpOutcome;
use crate::json;
use crate::json::Json;
use crate::session::poller::Poller;
use crate::texts;

/// The `transport` tag of a persisted record.
const RECORD_TAG: &str = "v3";
/// How many transcript indexes an async restore replays, and one `fetchHistory` page.
pub const PAGE: u64 = 20;
/// The `count` a restore asks for (as the vendor's client does).
const REPLAY_COUNT: u64 = 10_000;

/// The session's identity: the token and the ids inside it.
#[derive(Debug, Clone, PartialEq)]
struct Keys {
    token: String,
    claims: Claims,
}

impl Keys {
    fn from_token(token: &str) -> Option<Self> {
        Some(Self {
            claims: token::claims(token)?,
            token: token.to_owned(),
        })
    }
}

/// What an answer is for.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Start,
    /// Restore, first step: the token is presented again.
    Resume,
    /// Restore, second step: the transcript.
    Replay,
    /// The `poll` command, or the automatic loop (no [`OpId`]).
    Poll,
    /// Resolves with the server's answer (send, typing, userData).
    Answer,
    End,
    Upload {
        command: CommandId,
        index: usize,
        count: usize,
    },
    Download,
    /// A fetchHistory page starting at `from`.
    History {
        from: u64,
    },
}

#[derive(Debug)]
struct InFlight {
    id: RequestId,
    op: Option<OpId>,
    step: Step,
}

/// The Engage v3 REST session.
#[derive(Debug)]
pub struct V3Session {
    wire: V3Wire,
    async_mode: bool,
    poll_limit: u32,
    keys: Option<Keys>,
    /// The highest index delivered; polls ask for the next one.
    highest: u64,
    /// The lowest index the delivered transcript covers (1: all of it; 0: nothing yet).
    oldest: u64,
    poller: Poller,
    poll_at: Option<u64>,
    /// A restore found the server down: the first batch a poll brings is the replay.
    replaying: bool,
    /// endChat is in flight: no polls meanwhile.
    ending: bool,
    requests: Vec<InFlight>,
    operations: Option<OperationIds>,
    out: Outbox,
}

impl V3Session {
    /// A session for `v3`.
    pub fn new(v3: &EngageV3Config, config: &WebChatConfig) -> Self {
        Self {
            wire: V3Wire::new(v3, config.ajax_timeout_ms),
            async_mode: v3.async_enabled,
            poll_limit: config.poll_exception_limit,
            keys: None,
            highest: 0,
            oldest: 0,
            poller: Poller::new(config.poll_exception_limit),
            poll_at: None,
            replaying: false,
            ending: false,
            requests: Vec::new(),
            operations: None,
            out: Outbox::default(),
        }
    }

    /// The request for `call`, with a fresh `operationId`.
    fn request(&mut self, call: &Call, now: u64) -> crate::http::HttpRequest {
        let operation = self
            .operations
            .get_or_insert_with(|| OperationIds::new(now))
            .next_id();
        let target = self.keys.as_ref().map(|k| Target {
            session_id: &k.claims.session_id,
            participant_id: &k.claims.participant_id,
            token: &k.token,
        });
        self.wire.build(call, target, &operation)
    }

    /// Sends `call` for `op`, remembering `step`.
    fn call(&mut self, call: Call, op: Option<OpId>, step: Step, now: u64) {
        let request = self.request(&call, now);
        let id = self.out.http(request);
        self.requests.push(InFlight { id, op, step });
    }

    /// Ends `op`. A resolution never carries a `clientToken`, whichever answer held one.
    fn finish(&mut self, op: Option<OpId>, outcome: OpOutcome) {
        let outcome = match outcome {
            OpOutcome::Done(body) => OpOutcome::Done(wire::without_token(&body)),
            other => other,
        };
        if let Some(op) = op {
            self.out.finish(op, outcome);
        }
    }

    /// Drops the session state, keeping in-flight requests (their answers then fail their ops).
    fn forget(&mut self) {
        self.keys = None;
        self.highest = 0;
        self.oldest = 0;
        self.poll_at = None;
        self.replaying = false;
        self.ending = false;
        self.poller = Poller::new(self.poll_limit);
    }

    /// The token inside customer-held session data: the JWT itself, or an object with `token`
    /// (what getSessionData hands out), possibly under `sessionData`.
    fn token_in(data: &Json) -> Option<&str> {
        match data {
            Json::String(s) => Some(s.as_str()),
            Json::Object(o) => o
                .get("token")
                .and_then(Json::as_str)
                .or_else(|| o.get("sessionData").and_then(Self::token_in)),
            _ => None,
        }
    }

    fn ids_json(&self, with_token: bool) -> Json {
        let Some(k) = &self.keys else {
            return json!({});
        };
        let mut data = json!({
            "participantId": k.claims.participant_id,
            "sessionId": k.claims.session_id,
            "token": k.token,
            "transportId": k.claims.transport_id,
        });
        if let (Json::Object(o), false) = (&mut data, with_token) {
            o.remove("token");
        }
        data
    }
}

impl Session for V3Session {
    fn capabilities(&self) -> Capabilities {
        Capabilities::engage_v3(self.async_mode)
    }

    fn begin(&mut self, op: OpId, what: Op, now: u64) {
        self.begin_op(op, what, now);
    }

    fn handle_http(&mut self, id: RequestId, outcome: HttpOutcome, now: u64) {
        let Some(at) = self.requests.iter().position(|r| r.id == id) else {
            return;
        };
        let f = self.requests.remove(at);
        self.answer(f, &outcome, now);
    }

    fn handle_socket(&mut self, _event: SocketEvent, _now: u64) {}

    fn handle_timeout(&mut self, now: u64) {
        if self.poll_at.is_some_and(|at| at <= now) {
            self.poll_at = None;
            if self.poller.enabled && self.keys.is_some() && !self.poller.in_flight {
                self.poll_now(None, now);
            }
        }
    }

    fn poll_io(&mut self) -> Option<Io> {
        self.out.pop_io()
    }

    fn poll_event(&mut self) -> Option<SessionEvent> {
        self.out.pop_event()
    }

    fn poll_timeout(&self) -> Option<u64> {
        self.poll_at
    }

    fn record(&self) -> Option<Json> {
        let k = self.keys.as_ref()?;
        Some(json!({"transport": RECORD_TAG, "token": k.token}))
    }

    fn resume(&mut self, record: &Json) -> bool {
        let token = if record.get("transport").and_then(Json::as_str) == Some(RECORD_TAG) {
            record.get("token").and_then(Json::as_str)
        } else if self.async_mode {
            Self::token_in(record)
        } else {
            None
        };
        let Some(keys) = token.and_then(Keys::from_token) else {
            return false;
        };
        self.forget();
        self.keys = Some(keys);
        true
    }

    fn reset(&mut self) {
        self.forget();
        for f in std::mem::take(&mut self.requests) {
            self.finish(f.op, OpOutcome::Failed(json!(texts::NO_ACTIVE_SESSION)));
        }
    }

    fn session_data(&self) -> Json {
        self.ids_json(true)
    }

    fn event_session_data(&self) -> Json {
        self.ids_json(false)
    }

    fn set_polling(&mut self, on: bool, now: u64) {
        if !self.poller.set_enabled(on) {
            return;
        }
        self.out.event(SessionEvent::Polling(on));
        if on {
            self.schedule_poll(now);
        } else {
            self.poll_at = None;
        }
    }

    fn reset_poll_exceptions(&mut self) {
        self.poller.reset_exceptions();
    }

    fn poll_in_flight(&self) -> bool {
        self.poller.in_flight
    }
}
