//! GMS Chat API v2 over REST as a [`Session`]: the keys (`chatId`, `userId`, `secureKey`, the
//! changing `alias`), the transcript position, the poll loop with its exception count, and the
//! multi-step operations (file limits then uploads). The codec is in [`wire`]; this file only
//! sequences calls and turns answers into [`SessionEvent`]s.

mod files;
mod wire;

pub use super::poller::{POLL_ACTIVE_MS, POLL_BACKOFF, POLL_IDLE_MS};
#[cfg(feature = "cometd")]
pub(crate) use wire::nickname;
/// The REST codec, which the CometD flavour shares: the same calls, envelope and errors.
pub(crate) use wire::{Answer, Call, GmsKeys, GmsWire, Reply};

use self::files::check_limits;
use super::outbox::Outbox;
use super::poller::{Connection, Poller};
use super::{Io, Link, Op, OpId, OpOutcome, Session, SessionEvent, SocketEvent};
use crate::capabilities::Capabilities;
use crate::command::{Environment, FileInfo};
use crate::config::{GmsConfig, WebChatConfig};
use crate::drive::{CommandId, RequestId};
use crate::http::HttpOutcome;
use crate::json;
use crate::json::Json;
use crate::texts;

/// The `transport` tag of a persisted record.
const RECORD_TAG: &str = "gms";

/// What an answer is for.
#[derive(Debug, Clone)]
enum Step {
    Start,
    Restore,
    /// Resolves with the server's answer (send, typing, notice, updateData).
    Answer,
    End,
    /// The `poll` command, or the automatic loop (no [`OpId`]).
    Poll,
    Limits {
        command: CommandId,
        files: Vec<FileInfo>,
    },
    Upload {
        command: CommandId,
        index: usize,
        count: usize,
    },
    Download,
}

#[derive(Debug)]
struct InFlight {
    id: RequestId,
    op: Option<OpId>,
    call: Call,
    step: Step,
}

/// The GMS v2 REST session.
#[derive(Debug)]
pub struct GmsSession {
    wire: GmsWire,
    poll_limit: u32,
    keys: Option<GmsKeys>,
    highest_index: u64,
    poller: Poller,
    poll_at: Option<u64>,
    /// A restore is replaying: the next delivered batch carries `restoring: true`.
    replaying: bool,
    /// endChat is in flight: no polls meanwhile.
    ending: bool,
    requests: Vec<InFlight>,
    out: Outbox,
}

impl GmsSession {
    /// A session for `gms`; `env.custom_headers` are attached when `enableCustomHeader` is set.
    pub fn new(gms: &GmsConfig, config: &WebChatConfig, env: &Environment) -> Self {
        Self {
            wire: GmsWire::new(gms, config.ajax_timeout_ms, env),
            poll_limit: config.poll_exception_limit,
            keys: None,
            highest_index: 0,
            poller: Poller::new(config.poll_exception_limit),
            poll_at: None,
            replaying: false,
            ending: false,
            requests: Vec::new(),
            out: Outbox::default(),
        }
    }

    fn call(&mut self, call: Call, op: Option<OpId>, step: Step) {
        let request = self.wire.build(&call, self.keys.as_ref());
        let id = self.out.http(request);
        self.requests.push(InFlight { id, op, call, step });
    }

    fn finish(&mut self, op: Option<OpId>, outcome: OpOutcome) {
        if let Some(op) = op {
            self.out.finish(op, outcome);
        }
    }

    fn schedule_poll(&mut self, now: u64) {
        if self.poller.enabled && self.keys.is_some() && !self.poller.in_flight && !self.ending {
            self.poll_at = Some(now.saturating_add(self.poller.next_delay_ms()));
        }
    }

    fn poll_now(&mut self, op: Option<OpId>) {
        self.poller.in_flight = true;
        self.poll_at = None;
        let call = Call::Refresh {
            position: self.next_position(),
            preview: String::new(),
        };
        self.call(call, op, Step::Poll);
    }

    fn next_position(&self) -> u64 {
        self.highest_index.saturating_add(1)
    }

    /// Takes keys an answer carries; a changed alias is persisted again.
    fn take_keys(&mut self, answer: &Answer) {
        if let Some(k) = &answer.keys
            && self.keys.is_some()
            && self.keys.as_ref() != Some(k)
        {
            self.keys = Some(k.clone());
            self.out.event(SessionEvent::RecordChanged);
        }
    }

    fn deliver(&mut self, answer: Answer, restoring: bool) {
        for m in &answer.messages {
            if let Some(i) = m.index {
                self.highest_index = self.highest_index.max(i);
            }
        }
        if !answer.messages.is_empty() {
            self.out.event(SessionEvent::Messages {
                messages: answer.messages,
                raw: answer.raw_messages,
                restoring,
            });
        }
    }

    fn fresh(&self, answer: &Answer) -> bool {
        answer
            .messages
            .iter()
            .any(|m| m.index.is_some_and(|i| i > self.highest_index))
    }

    fn start_polling(&mut self, now: u64) {
        self.set_polling(true, now);
        self.schedule_poll(now);
    }

    fn on_answer(&mut self, f: InFlight, reply: Reply, now: u64) {
        let InFlight { op, step, .. } = f;
        match step {
            Step::Start => self.on_started(op, reply, now),
            Step::Restore => self.on_restored(op, reply, now),
            Step::Poll => self.on_polled(op, reply, now),
            Step::Answer | Step::Download | Step::End => {
                if matches!(step, Step::End) {
                    self.ending = false;
                }
                match reply {
                    Reply::Done(a) => {
                        self.take_keys(&a);
                        let body = if matches!(step, Step::Download) {
                            Json::Null
                        } else {
                            a.body
                        };
                        self.finish(op, OpOutcome::Done(body));
                        self.schedule_poll(now);
                    }
                    Reply::Failed { error, .. } => self.finish(op, OpOutcome::Failed(error)),
                    Reply::Transient(error) => {
                        self.finish(op, OpOutcome::Unreachable(error));
                        self.schedule_poll(now);
                    }
                }
            }
            Step::Limits { command, files } => match reply {
                Reply::Done(a) => {
                    let limits = a.file_limits.unwrap_or_default();
                    match check_limits(&limits, &files) {
                        Err(error) => self.finish(op, OpOutcome::Failed(error)),
                        Ok(()) => self.upload(op, command, 0, files.len()),
                    }
                }
                other => self.fail(op, other),
            },
            Step::Upload {
                command,
                index,
                count,
            } => match reply {
                Reply::Done(a) => {
                    self.take_keys(&a);
                    let next = index.saturating_add(1);
                    if next < count {
                        self.upload(op, command, next, count);
                    } else {
                        self.poller.activity();
                        self.schedule_poll(now);
                        self.finish(op, OpOutcome::Done(a.body));
                    }
                }
                other => self.fail(op, other),
            },
        }
    }

    fn upload(&mut self, op: Option<OpId>, command: CommandId, index: usize, count: usize) {
        let call = Call::UploadFile {
            command,
            file_index: index,
        };
        self.call(
            call,
            op,
            Step::Upload {
                command,
                index,
                count,
            },
        );
    }

    /// Finishes `op` with a failed reply.
    fn fail(&mut self, op: Option<OpId>, reply: Reply) {
        match reply {
            Reply::Failed { error, .. } => self.finish(op, OpOutcome::Failed(error)),
            Reply::Transient(error) => self.finish(op, OpOutcome::Unreachable(error)),
            Reply::Done(a) => self.finish(op, OpOutcome::Done(a.body)),
        }
    }

    fn on_started(&mut self, op: Option<OpId>, reply: Reply, now: u64) {
        match reply {
            Reply::Done(a) if a.keys.is_some() => {
                self.keys.clone_from(&a.keys);
                self.poller.activity();
                let body = a.body.clone();
                self.finish(op, OpOutcome::Done(body));
                self.deliver(*a, false);
                self.start_polling(now);
            }
            Reply::Done(a) => {
                let error = json!({"status": 200, "statusText": "error", "responseJSON": a.body});
                self.finish(op, OpOutcome::Failed(error));
            }
            other => self.fail(op, other),
        }
    }

    fn on_restored(&mut self, op: Option<OpId>, reply: Reply, now: u64) {
        if self.keys.is_none() {
            return;
        }
        match reply {
            // The answer must say `"chatEnded": false` literally; a missing field means gone.
            Reply::Done(a) if a.chat_ended == Some(false) => {
                if let Some(k) = &a.keys {
                    self.keys = Some(k.clone());
                }
                self.replaying = false;
                self.finish(op, OpOutcome::Done(Json::Null));
                self.deliver(*a, true);
                self.out.event(SessionEvent::RecordChanged);
                self.start_polling(now);
            }
            Reply::Transient(error) => {
                // Server down: the session is kept and polling goes on until it answers; the
                // first batch it brings is still the restore's replay.
                self.poller.set_offline();
                self.finish(op, OpOutcome::Unreachable(error));
                self.start_polling(now);
            }
            Reply::Done(a) => {
                self.forget();
                self.finish(op, OpOutcome::Failed(a.body));
            }
            Reply::Failed { error, .. } => {
                self.forget();
                self.finish(op, OpOutcome::Failed(error));
            }
        }
    }

    fn on_polled(&mut self, op: Option<OpId>, reply: Reply, now: u64) {
        self.poller.in_flight = false;
        if self.keys.is_none() {
            return;
        }
        match reply {
            Reply::Done(a) => {
                let fresh = self.fresh(&a);
                if self.poller.succeeded(fresh) == Connection::BackOnline {
                    self.out.event(SessionEvent::Link(Link::BackOnline));
                }
                if let Some(k) = &a.keys {
                    self.keys = Some(k.clone());
                }
                let restoring = std::mem::take(&mut self.replaying);
                let body = a.body.clone();
                let ended = a.chat_ended == Some(true);
                self.deliver(*a, restoring);
                self.finish(op, OpOutcome::Done(body));
                if ended {
                    self.out.event(SessionEvent::Ended);
                } else {
                    // Also refreshes the record's last-activity stamp.
                    self.out.event(SessionEvent::RecordChanged);
                    self.schedule_poll(now);
                }
            }
            Reply::Failed {
                error,
                chat_ended: true,
            } => {
                self.finish(op, OpOutcome::Failed(error));
                self.out.event(SessionEvent::Ended);
            }
            Reply::Failed { error, .. } | Reply::Transient(error) => {
                if self.poller.failed() == Connection::WentOffline {
                    self.out.event(SessionEvent::Link(Link::Offline));
                }
                self.finish(op, OpOutcome::Unreachable(error));
                self.schedule_poll(now);
            }
        }
    }

    /// Drops the session state, keeping in-flight requests (their answers are then ignored).
    fn forget(&mut self) {
        self.keys = None;
        self.highest_index = 0;
        self.poll_at = None;
        self.replaying = false;
        self.ending = false;
        self.poller = Poller::new(self.poll_limit);
    }
}

impl Session for GmsSession {
    fn capabilities(&self) -> Capabilities {
        Capabilities::GMS_REST
    }

    fn begin(&mut self, op: OpId, what: Op, _now: u64) {
        let op = Some(op);
        match what {
            Op::Start { form, user_data } => {
                self.forget();
                self.call(Call::RequestChat { form, user_data }, op, Step::Start);
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
                self.call(call, op, Step::Restore);
            }
            Op::Send { text } => {
                self.poller.activity();
                self.call(Call::Send { text }, op, Step::Answer);
            }
            Op::StartTyping { text } => {
                let position = self.next_position();
                self.call(Call::StartTyping { position, text }, op, Step::Answer);
            }
            Op::StopTyping { text } => {
                let position = self.next_position();
                self.call(Call::StopTyping { position, text }, op, Step::Answer);
            }
            Op::End => {
                self.ending = true;
                self.poll_at = None;
                self.call(Call::Disconnect, op, Step::End);
            }
            Op::CustomNotice { text } => self.call(Call::CustomNotice { text }, op, Step::Answer),
            Op::UpdateData { user_data } => {
                self.call(Call::UpdateData { user_data }, op, Step::Answer);
            }
            Op::UserData(u) => self.call(Call::UserData(u), op, Step::Answer),
            Op::Poll => self.poll_now(op),
            Op::SendFiles { command, files } => {
                self.call(Call::FileLimits, op, Step::Limits { command, files });
            }
            Op::Download { file_id, file_name } => {
                let call = Call::DownloadFile { file_id };
                let request = self.wire.build(&call, self.keys.as_ref());
                let id = self.out.download(request, file_name);
                self.requests.push(InFlight {
                    id,
                    op,
                    call,
                    step: Step::Download,
                });
            }
            Op::FetchHistory => self.finish(
                op,
                OpOutcome::Failed(json!(texts::UNSUPPORTED_BY_TRANSPORT)),
            ),
        }
    }

    fn handle_http(&mut self, id: RequestId, outcome: HttpOutcome, now: u64) {
        let Some(at) = self.requests.iter().position(|r| r.id == id) else {
            return;
        };
        let f = self.requests.remove(at);
        let reply = self.wire.parse(&f.call, self.keys.as_ref(), &outcome);
        self.on_answer(f, reply, now);
    }

    fn handle_socket(&mut self, _event: SocketEvent, _now: u64) {}

    fn handle_timeout(&mut self, now: u64) {
        if self.poll_at.is_some_and(|at| at <= now) {
            self.poll_at = None;
            if self.poller.enabled && self.keys.is_some() && !self.poller.in_flight {
                self.poll_now(None);
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
        Some(self.keys.as_ref()?.record(RECORD_TAG))
    }

    fn resume(&mut self, record: &Json) -> bool {
        let Some(keys) = GmsKeys::from_record(record, RECORD_TAG) else {
            return false;
        };
        self.forget();
        self.keys = Some(keys);
        true
    }

    fn reset(&mut self) {
        self.forget();
        for f in std::mem::take(&mut self.requests) {
            if f.op.is_some() {
                self.finish(f.op, OpOutcome::Failed(json!(texts::NO_ACTIVE_SESSION)));
            }
        }
    }

    fn session_data(&self) -> Json {
        GmsWire::session_data(self.keys.as_ref())
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

    fn set_custom_headers(&mut self, headers: &[(String, String)]) {
        self.wire.set_custom_headers(headers);
    }
}

#[cfg(test)]
mod tests;
