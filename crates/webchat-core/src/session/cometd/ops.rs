//! Chat operations over the Bayeux channel: each [`Call`] of the REST codec becomes a publish
//! `{operation, chatId, userId, secureKey, alias, ...}`, and the envelope that answers it (a data
//! message with the publish's id) is read by the REST codec, so outcomes, texts and error objects
//! are the REST ones. Envelopes pushed without an id carry what happened in the chat.

use super::CometSession;
use super::link::State;
use crate::http::{HttpOutcome, ajax_error};
use crate::json;
use crate::json::{Json, Object};
use crate::session::gms::{Answer, Call, GmsKeys, Reply, nickname};
use crate::session::{OpId, OpOutcome, SessionEvent};

/// At most this many pushes wait for requestChat's answer (a bounded buffer whatever a server
/// sends).
const MAX_EARLY_PUSHES: usize = 100;

/// The call a push is read as (an envelope like a refresh's answer).
const REFRESH: Call = Call::Refresh {
    position: 0,
    preview: String::new(),
};

/// What the answer to a publish is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// requestChat.
    Start,
    /// The restore's `requestNotifications` from index 1.
    Restore,
    /// Resolves with the server's answer (send, typing, notice, updateData).
    Answer,
    /// disconnect.
    End,
    /// `requestNotifications` after a reconnect (no operation waits for it).
    Replay,
}

/// A publish waiting to be sent or answered.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The Bayeux message id (empty until sent).
    pub id: String,
    /// The operation it finishes.
    pub op: Option<OpId>,
    /// The REST call it stands for.
    pub call: Call,
    /// What its answer is for.
    pub step: Step,
    /// Unanswered by then, it finishes `Unreachable` (`ajaxTimeout` after sending).
    pub deadline: u64,
}

/// The publish data of `call`: the REST fields as JSON, with the keys.
pub fn chat_data(call: &Call, keys: Option<&GmsKeys>) -> Json {
    let mut data = Object::new();
    let mut put = |k: &str, v: Json| data.insert(k, v);
    match call {
        Call::RequestChat { form, user_data } => {
            let text = |v: &Option<String>| json!(v.clone().unwrap_or_default());
            put("operation", json!("requestChat"));
            put("nickname", json!(nickname(form)));
            put("firstName", text(&form.first_name));
            put("lastName", text(&form.last_name));
            put("emailAddress", text(&form.email));
            put("subject", text(&form.subject));
            put("userData", Json::Object(user_data.clone()));
            return Json::Object(data);
        }
        Call::Send { text } => {
            put("operation", json!("sendMessage"));
            put("message", json!(text));
            put("messageType", json!("text"));
        }
        Call::Refresh { position, .. } => {
            put("operation", json!("requestNotifications"));
            put("transcriptPosition", json!(position));
        }
        Call::StartTyping { position, text } | Call::StopTyping { position, text } => {
            let name = if matches!(call, Call::StartTyping { .. }) {
                "startTyping"
            } else {
                "stopTyping"
            };
            put("operation", json!(name));
            put("transcriptPosition", json!(position));
            put("message", json!(text));
        }
        Call::Disconnect => put("operation", json!("disconnect")),
        Call::CustomNotice { text } => {
            put("operation", json!("customNotice"));
            put("message", json!(text));
        }
        Call::UpdateData { user_data } => {
            put("operation", json!("updateData"));
            put("userData", Json::Object(user_data.clone()));
        }
        // File calls go over REST and never reach here.
        Call::UserData(u) => {
            put("operation", json!(u.operation()));
            put("key", json!(u.key()));
        }
        Call::FileLimits | Call::UploadFile { .. } | Call::DownloadFile { .. } => {}
    }
    if let Some(k) = keys {
        data.insert("chatId", json!(k.chat_id));
        data.insert("userId", json!(k.user_id));
        data.insert("secureKey", json!(k.secure_key));
        data.insert("alias", json!(k.alias));
    }
    Json::Object(data)
}

/// An answer body as commands and events may show it: without `secureKey`, `userId` and
/// `alias`, which stay in the session record.
fn public(mut body: Json) -> Json {
    if let Json::Object(m) = &mut body {
        for secret in ["secureKey", "userId", "alias"] {
            m.remove(secret);
        }
    }
    body
}

impl CometSession {
    /// Publishes `call` now, or once the link is up.
    pub(super) fn submit(&mut self, op: Option<OpId>, call: Call, step: Step, now: u64) {
        let p = Pending {
            id: String::new(),
            op,
            call,
            step,
            deadline: 0,
        };
        match self.link.state {
            State::Open => self.publish(p, now),
            State::Handshaking => self.queued.push(p),
            State::Idle => {
                self.queued.push(p);
                self.start_handshake(now);
            }
            State::Waiting { .. } => {
                let error = ajax_error(&HttpOutcome::NetworkError);
                self.finish(p.op, OpOutcome::Unreachable(error));
            }
        }
    }

    /// Sends one publish and waits for its answer.
    pub(super) fn publish(&mut self, mut p: Pending, now: u64) {
        p.id = self.next_id();
        p.deadline = now.saturating_add(self.ajax_timeout_ms);
        let data = chat_data(&p.call, self.keys.as_ref());
        let message = super::bayeux::publish(&p.id, self.link.client(), &self.channel, data);
        let carried = super::link::Carried::Publish(p.id.clone());
        self.pending.push(p);
        self.transmit(vec![message], carried);
    }

    /// The `requestNotifications` that replays from the first index not seen.
    pub(super) fn replay_publish(&mut self, now: u64) {
        self.link.replay_due = false;
        if self.keys.is_none() || self.pending.iter().any(|p| p.step == Step::Replay) {
            return;
        }
        let call = Call::Refresh {
            position: self.seen.first_missing(),
            preview: String::new(),
        };
        let p = Pending {
            id: String::new(),
            op: None,
            call,
            step: Step::Replay,
            deadline: 0,
        };
        self.publish(p, now);
    }

    /// Publishes that could not be answered (their request or the socket failed).
    pub(super) fn unanswered(&mut self, ids: &[String], error: &Json) {
        while let Some(at) = self.pending.iter().position(|p| ids.contains(&p.id)) {
            let p = self.pending.remove(at);
            self.fail(p, OpOutcome::Unreachable(error.clone()));
        }
    }

    /// Publishes past their deadline finish `Unreachable` with a timeout.
    pub(super) fn expire_publishes(&mut self, now: u64) {
        let late: Vec<String> = self
            .pending
            .iter()
            .filter(|p| p.deadline <= now)
            .map(|p| p.id.clone())
            .collect();
        if !late.is_empty() {
            self.unanswered(&late, &ajax_error(&HttpOutcome::Timeout));
        }
    }

    /// Queued operations when the link could not be made.
    pub(super) fn fail_queued(&mut self, error: &Json) {
        for p in std::mem::take(&mut self.queued) {
            if p.step == Step::Restore {
                // Server down: the session is kept; the link keeps trying and replays then.
                self.replaying = true;
                self.link.replay_due = true;
                self.link.offline = true;
                self.link.disconnected = true;
            }
            self.fail(p, OpOutcome::Unreachable(error.clone()));
        }
    }

    fn fail(&mut self, p: Pending, outcome: OpOutcome) {
        if p.step == Step::Replay {
            self.link.replay_due = true;
        } else {
            self.finish(p.op, outcome);
        }
    }

    /// A data message on our channel: the answer to a publish, or a push.
    pub(super) fn data(&mut self, id: Option<String>, data: &Json) {
        let at = id.and_then(|id| self.pending.iter().position(|p| p.id == id));
        match at {
            Some(at) => {
                let p = self.pending.remove(at);
                let reply = self.wire.parse_pushed(&p.call, self.keys.as_ref(), data);
                self.answer(p, reply);
            }
            None => self.pushed(data),
        }
    }

    fn answer(&mut self, p: Pending, reply: Reply) {
        match (p.step, reply) {
            (Step::Start, Reply::Done(a)) if a.keys.is_some() => {
                if let Some(k) = a.keys.clone() {
                    self.set_keys(k, false);
                }
                self.finish(p.op, OpOutcome::Done(public(a.body.clone())));
                self.deliver(*a, false);
                self.deliver_early_pushes();
            }
            (Step::Start, Reply::Done(a)) => {
                let error = json!({"status": 200, "statusText": "error", "responseJSON": a.body});
                self.finish(p.op, OpOutcome::Failed(error));
                self.stop();
            }
            (Step::Restore, Reply::Done(a)) if a.chat_ended == Some(false) => {
                self.replaying = false;
                self.take_keys(&a);
                self.finish(p.op, OpOutcome::Done(Json::Null));
                self.deliver(*a, true);
                self.out.event(SessionEvent::RecordChanged);
            }
            (Step::Restore | Step::Start, Reply::Transient(error)) => {
                self.fail_queued_like(p, error);
            }
            (Step::Restore, Reply::Done(a)) => {
                self.lose(p.op, a.body, false);
            }
            (Step::Restore | Step::Start, Reply::Failed { error, .. }) => {
                self.lose(p.op, error, false);
            }
            (Step::Replay, Reply::Done(a)) => {
                let restoring = std::mem::take(&mut self.replaying);
                self.take_keys(&a);
                let ended = a.chat_ended == Some(true);
                self.deliver(*a, restoring);
                self.out.event(SessionEvent::RecordChanged);
                if ended {
                    self.ended();
                }
            }
            (
                Step::Replay,
                Reply::Failed {
                    chat_ended: true, ..
                },
            ) => self.ended(),
            (Step::Replay, Reply::Failed { error, .. }) => self.lose(None, error, true),
            (Step::Replay, Reply::Transient(_)) => self.link.replay_due = true,
            (Step::Answer | Step::End, Reply::Done(a)) => {
                self.take_keys(&a);
                let ended = a.chat_ended == Some(true);
                self.finish(p.op, OpOutcome::Done(public(a.body.clone())));
                self.deliver(*a, false);
                if ended && p.step != Step::End {
                    self.ended();
                }
            }
            (Step::Answer | Step::End, Reply::Failed { error, chat_ended }) => {
                self.finish(p.op, OpOutcome::Failed(error));
                if chat_ended {
                    self.ended();
                }
            }
            (Step::Answer | Step::End, Reply::Transient(error)) => {
                self.finish(p.op, OpOutcome::Unreachable(error));
            }
        }
    }

    /// A Start or Restore answered "try later" (statusCode 1): as if the link had failed.
    fn fail_queued_like(&mut self, p: Pending, error: Json) {
        self.queued.push(p);
        self.fail_queued(&error);
    }

    /// The server does not know the chat (any more): finish `op` as failed, or report the loss.
    fn lose(&mut self, op: Option<OpId>, error: Json, report: bool) {
        self.forget();
        self.stop();
        match op {
            Some(_) => self.finish(op, OpOutcome::Failed(error)),
            None if report => self.out.event(SessionEvent::Lost { error }),
            None => {}
        }
    }

    /// An envelope pushed without an id: what happened in the chat. One that comes while
    /// requestChat waits for its answer (the server attached this client when the operation
    /// ran, and a connect came back first) waits for that answer: it is delivered right after
    /// it if it is of the chat the answer names (not a late push of an earlier chat), and the
    /// machine publishes it after `started`.
    fn pushed(&mut self, data: &Json) {
        if self.keys.is_none() {
            if self.pending.iter().any(|p| p.step == Step::Start)
                && self.early_pushes.len() < MAX_EARLY_PUSHES
            {
                self.early_pushes.push(data.clone());
            }
            return;
        }
        match self.wire.parse_pushed(&REFRESH, self.keys.as_ref(), data) {
            Reply::Done(a) => {
                self.take_keys(&a);
                let ended = a.chat_ended == Some(true);
                self.deliver(*a, false);
                if ended {
                    self.ended();
                } else {
                    // Server traffic: the record's last-activity stamp is refreshed.
                    self.out.event(SessionEvent::RecordChanged);
                }
            }
            Reply::Failed {
                chat_ended: true, ..
            } => self.ended(),
            Reply::Failed { .. } | Reply::Transient(_) => {}
        }
    }

    /// The pushes that came before requestChat's answer, now that it named the chat: those of
    /// it go as if pushed now, others (an earlier chat's) are dropped.
    fn deliver_early_pushes(&mut self) {
        let chat_id = self.keys.as_ref().map(|k| k.chat_id.clone());
        for data in std::mem::take(&mut self.early_pushes) {
            let of_this_chat = match data.get("chatId") {
                Some(id) => Some(crate::http::scalar_text(id)) == chat_id,
                None => true,
            };
            if of_this_chat {
                self.pushed(&data);
            }
        }
    }

    fn take_keys(&mut self, answer: &Answer) {
        if let Some(k) = &answer.keys
            && self.keys.is_some()
        {
            self.set_keys(k.clone(), true);
        }
    }

    fn deliver(&mut self, answer: Answer, restoring: bool) {
        for i in answer.messages.iter().filter_map(|m| m.index) {
            self.seen.mark(i);
        }
        if !answer.messages.is_empty() {
            self.out.event(SessionEvent::Messages {
                messages: answer.messages,
                raw: answer.raw_messages,
                restoring,
            });
        }
    }

    /// The server ended the chat: report it once and let go of the link.
    fn ended(&mut self) {
        if self.keys.is_none() {
            return;
        }
        self.out.event(SessionEvent::Ended);
        self.forget();
        self.stop();
    }
}
