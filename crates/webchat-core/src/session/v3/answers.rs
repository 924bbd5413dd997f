//! Answers from the v3 server, turned into operation outcomes and [`SessionEvent`]s.
//!
//! A 404 or `INVALID_SESSION` on any call of a running session means the server no longer knows
//! it: the operation fails, polling stops and [`SessionEvent::Lost`] is reported once; nothing
//! is retried.

use super::wire::{self, Reply};
use super::{InFlight, Keys, PAGE, Step, V3Session};
use crate::http::HttpOutcome;
use crate::json;
use crate::json::Json;
use crate::message::{Message, kind};
use crate::session::poller::Connection;
use crate::session::{Link, OpId, OpOutcome, Session, SessionEvent};
use crate::texts;

/// A start or restore answer that does not name a session, as the AJAX error it rejects with.
fn no_session(body: &Json) -> Json {
    json!({"readyState": 4, "status": 200, "statusText": "error",
           "responseJSON": wire::without_token(body)})
}

fn index(message: &Message) -> u64 {
    message.index.unwrap_or(0)
}

fn is_typing(message: &Message) -> bool {
    matches!(
        message.kind.as_str(),
        kind::TYPING_STARTED | kind::TYPING_STOPPED
    )
}

impl V3Session {
    pub(super) fn answer(&mut self, f: InFlight, outcome: &HttpOutcome, now: u64) {
        let InFlight { op, step, .. } = f;
        if step == Step::Poll {
            self.poller.in_flight = false;
        }
        if self.keys.is_none() && step != Step::Start {
            // The session was forgotten meanwhile (lost or reset).
            return self.finish(op, OpOutcome::Failed(json!(texts::NO_ACTIVE_SESSION)));
        }
        let reply = wire::parse(outcome);
        match step {
            Step::Start => self.on_started(op, reply, now),
            Step::Resume => self.on_resumed(op, reply, now),
            Step::Replay => self.on_replayed(op, reply, now),
            Step::Poll => self.on_polled(op, reply, now),
            Step::History { from } => self.on_history(op, reply, from, now),
            Step::Upload {
                command,
                index,
                count,
            } => match reply {
                Reply::Done(_) if index.saturating_add(1) < count => {
                    self.upload(op, command, index.saturating_add(1), count, now);
                }
                other => self.settle(op, other, now),
            },
            Step::Download => {
                let reply = match reply {
                    Reply::Done(_) => Reply::Done(Json::Null),
                    other => other,
                };
                self.settle(op, reply, now);
            }
            Step::Answer => self.settle(op, reply, now),
            Step::End => {
                self.ending = false;
                match reply {
                    // Gone already: the chat is over either way; the machine ends it.
                    Reply::Lost(error) => self.finish(op, OpOutcome::Failed(error)),
                    other => self.settle(op, other, now),
                }
                self.schedule_poll(now);
            }
        }
    }

    /// Finishes `op` with `reply`; a lost session is also reported.
    fn settle(&mut self, op: Option<OpId>, reply: Reply, now: u64) {
        match reply {
            Reply::Done(body) => self.finish(op, OpOutcome::Done(body)),
            Reply::Refused(error) => self.finish(op, OpOutcome::Failed(error)),
            Reply::Unreachable(error) => self.finish(op, OpOutcome::Unreachable(error)),
            Reply::Lost(error) => {
                self.finish(op, OpOutcome::Failed(error.clone()));
                self.lose(error, now);
            }
        }
    }

    /// The server no longer knows the session: stop polling, report it once, forget it.
    fn lose(&mut self, error: Json, now: u64) {
        self.set_polling(false, now);
        self.out.event(SessionEvent::Lost { error });
        self.forget();
    }

    fn on_started(&mut self, op: Option<OpId>, reply: Reply, now: u64) {
        match reply {
            Reply::Done(body) => match wire::client_token(&body).and_then(Keys::from_token) {
                Some(keys) => {
                    self.keys = Some(keys);
                    self.oldest = 1;
                    self.finish(op, OpOutcome::Done(body));
                    self.start_polling(now);
                }
                None => self.finish(op, OpOutcome::Failed(no_session(&body))),
            },
            Reply::Lost(error) | Reply::Refused(error) => {
                self.finish(op, OpOutcome::Failed(error));
            }
            Reply::Unreachable(error) => self.finish(op, OpOutcome::Unreachable(error)),
        }
    }

    fn on_resumed(&mut self, op: Option<OpId>, reply: Reply, now: u64) {
        match reply {
            Reply::Done(body) => {
                // The server may hand out a fresh token for the same session.
                let fresh = wire::client_token(&body).and_then(Keys::from_token);
                if let (Some(fresh), Some(current)) = (fresh, &self.keys)
                    && fresh.claims.session_id == current.claims.session_id
                    && fresh != *current
                {
                    self.keys = Some(fresh);
                    self.out.event(SessionEvent::RecordChanged);
                }
                self.replay(op, now);
            }
            other => self.restore_refused(op, other, now),
        }
    }

    fn on_replayed(&mut self, op: Option<OpId>, reply: Reply, now: u64) {
        match reply {
            Reply::Done(body) => {
                let (list, ended) = wire::messages(&body);
                if ended {
                    self.forget();
                    return self.finish(op, OpOutcome::Failed(no_session(&body)));
                }
                // Done first: the machine takes messages only once the restore has succeeded.
                self.finish(op, OpOutcome::Done(Json::Null));
                self.deliver_replay(list);
                self.set_polling(true, now);
            }
            other => self.restore_refused(op, other, now),
        }
    }

    /// A restore step failed: a lost or refused session is gone; an unreachable server keeps
    /// it, polling until it answers (its first batch is then the replay).
    fn restore_refused(&mut self, op: Option<OpId>, reply: Reply, now: u64) {
        match reply {
            Reply::Done(body) => self.finish(op, OpOutcome::Failed(no_session(&body))),
            Reply::Lost(error) | Reply::Refused(error) => {
                self.forget();
                self.finish(op, OpOutcome::Failed(error));
            }
            Reply::Unreachable(error) => {
                self.poller.set_offline();
                self.replaying = true;
                self.finish(op, OpOutcome::Unreachable(error));
                self.set_polling(true, now);
            }
        }
    }

    fn on_polled(&mut self, op: Option<OpId>, reply: Reply, now: u64) {
        match reply {
            Reply::Done(body) => {
                if self.poller.succeeded(false) == Connection::BackOnline {
                    self.out.event(SessionEvent::Link(Link::BackOnline));
                }
                let (list, ended) = wire::messages(&body);
                if std::mem::take(&mut self.replaying) {
                    self.deliver_replay(list);
                } else {
                    self.deliver_new(list);
                }
                self.finish(op, OpOutcome::Done(body));
                if ended {
                    self.out.event(SessionEvent::Ended);
                } else {
                    self.schedule_poll(now);
                }
            }
            Reply::Lost(error) => {
                self.finish(op, OpOutcome::Failed(error.clone()));
                self.lose(error, now);
            }
            Reply::Refused(error) | Reply::Unreachable(error) => {
                if self.poller.failed() == Connection::WentOffline {
                    self.out.event(SessionEvent::Link(Link::Offline));
                }
                self.finish(op, OpOutcome::Unreachable(error));
                self.schedule_poll(now);
            }
        }
    }

    fn on_history(&mut self, op: Option<OpId>, reply: Reply, from: u64, now: u64) {
        match reply {
            Reply::Done(body) => {
                let (list, _) = wire::messages(&body);
                let oldest = self.oldest;
                let older = list
                    .into_iter()
                    .filter(|(m, _)| (from..oldest).contains(&index(m)) && !is_typing(m));
                self.oldest = from;
                self.emit(older.collect(), true);
                self.finish(op, OpOutcome::Done(body));
            }
            other => self.settle(op, other, now),
        }
    }

    /// A restore's transcript: in async mode only the newest [`PAGE`] indexes (fetchHistory
    /// pages in the rest), typing notifications left out.
    fn deliver_replay(&mut self, list: Vec<(Message, Json)>) {
        let highest = list.iter().map(|(m, _)| index(m)).max().unwrap_or(0);
        let cut = if self.async_mode {
            highest.saturating_sub(PAGE)
        } else {
            0
        };
        self.oldest = cut.saturating_add(1);
        self.highest = self.highest.max(highest);
        let kept = list
            .into_iter()
            .filter(|(m, _)| index(m) > cut && !is_typing(m))
            .collect();
        self.emit(kept, true);
    }

    /// A poll's batch: only what is newer than anything delivered (a server that ignores
    /// `index` sends the whole transcript every time).
    fn deliver_new(&mut self, list: Vec<(Message, Json)>) {
        let highest = self.highest;
        let fresh: Vec<_> = list
            .into_iter()
            .filter(|(m, _)| index(m) > highest)
            .collect();
        if let Some(top) = fresh.iter().map(|(m, _)| index(m)).max() {
            self.highest = top;
        }
        self.emit(fresh, false);
    }

    fn emit(&mut self, list: Vec<(Message, Json)>, restoring: bool) {
        if list.is_empty() {
            return;
        }
        let (messages, raw) = list.into_iter().unzip();
        self.out.event(SessionEvent::Messages {
            messages,
            raw,
            restoring,
        });
    }
}
