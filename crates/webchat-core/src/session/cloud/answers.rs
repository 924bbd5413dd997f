//! Answers to requests, routed by what each was sent for.

use super::held::{Held, Member};
use super::wire::MAX_PAGES;
use super::{Chat, CloudSession, Pending, Purpose, Socket};
use crate::http::{HttpOutcome, ajax_error};
use crate::json::Json;
use crate::session::{OpOutcome, SessionEvent};

/// How an answer reads.
enum Answer {
    /// 2xx, with its JSON (null when none).
    Ok(Json),
    /// 4xx: the server refused.
    Refused(Json),
    /// Network error, timeout, or any other status.
    Unreachable(Json),
}

fn read(outcome: &HttpOutcome) -> Answer {
    match outcome {
        HttpOutcome::Response { status, body } if (200..300).contains(status) => {
            Answer::Ok(body.json.clone().unwrap_or(Json::Null))
        }
        HttpOutcome::Response { status, .. } if (400..500).contains(status) => {
            Answer::Refused(ajax_error(outcome))
        }
        _ => Answer::Unreachable(ajax_error(outcome)),
    }
}

impl Answer {
    /// The end of an operation this answer ends, `Done` carrying the JSON.
    fn outcome(self) -> OpOutcome {
        match self {
            Answer::Ok(json) => OpOutcome::Done(json),
            Answer::Refused(error) => OpOutcome::Failed(error),
            Answer::Unreachable(error) => OpOutcome::Unreachable(error),
        }
    }
}

impl CloudSession {
    pub(super) fn answer(&mut self, pending: Pending, outcome: HttpOutcome, now: u64) {
        let answer = read(&outcome);
        match pending {
            Pending::Create { op } => match answer {
                Answer::Ok(json) => match chat_of(&json) {
                    Some((chat, me)) => {
                        self.directory.me = me;
                        self.chat = Some(Chat {
                            starting: Some((op, without_secrets(json))),
                            ..chat
                        });
                        self.out.event(SessionEvent::RecordChanged);
                        self.open_socket(now);
                    }
                    None => self.out.finish(op, OpOutcome::Failed(ajax_error(&outcome))),
                },
                other => self.out.finish(op, other.outcome()),
            },
            Pending::Attach {
                op,
                answer: created,
            } => match answer {
                Answer::Refused(error) => {
                    self.out.finish(op, OpOutcome::Failed(error));
                    self.forget();
                }
                // The conversation exists and its stream is attached: a member lookup that
                // could not be made does not undo that.
                other => {
                    if let Answer::Ok(member) = &other {
                        self.learn_own_name(member);
                    }
                    self.out.finish(op, OpOutcome::Done(created));
                }
            },
            Pending::Restore { op } => self.restore_checked(op, answer, &outcome, now),
            Pending::Member { id } => {
                let member = match &answer {
                    Answer::Ok(json) => Member::from_wire(json),
                    _ => Member::unknown(),
                };
                self.directory.learn(&id, member);
                self.release();
            }
            Pending::Page => self.page(answer, now),
            Pending::Members { op, bodies } => {
                if let Answer::Ok(list) = &answer {
                    for member in list["entities"].as_array().into_iter().flatten() {
                        if let Some(id) = member["id"].as_str() {
                            self.directory.learn(id, Member::from_wire(member));
                        }
                    }
                }
                self.replace_barrier(vec![Held::Restored { op, bodies }]);
                self.release();
            }
            Pending::Send { op } => match answer {
                Answer::Ok(entity) => {
                    if entity.is_object() {
                        self.hold_wire(entity.clone(), false);
                    }
                    let outcome = OpOutcome::Done(entity);
                    self.held.push_back(Held::Finish { op, outcome });
                    self.release();
                }
                other => self.out.finish(op, other.outcome()),
            },
            Pending::Typing { op } => self.out.finish(op, answer.outcome()),
            Pending::Leave { op } => match answer {
                Answer::Unreachable(error) => self.out.finish(op, OpOutcome::Unreachable(error)),
                done_or_refused => {
                    self.out.finish(op, done_or_refused.outcome());
                    self.forget();
                }
            },
        }
    }

    fn learn_own_name(&mut self, member: &Json) {
        if let Some(name) = member["displayName"].as_str() {
            self.directory.my_name = name.to_owned();
        }
    }

    /// The own-member answer of a restore: still connected, gone, or unknown for now.
    fn restore_checked(
        &mut self,
        op: super::OpId,
        answer: Answer,
        outcome: &HttpOutcome,
        now: u64,
    ) {
        match answer {
            Answer::Ok(member) if member["state"].as_str() == Some("CONNECTED") => {
                self.learn_own_name(&member);
                if self.socket == Socket::Closed {
                    self.open_socket(now);
                }
                self.start_walk(Purpose::Restore(op));
            }
            Answer::Ok(_) => {
                self.out.finish(op, OpOutcome::Failed(ajax_error(outcome)));
                self.forget();
            }
            Answer::Refused(error) => {
                self.out.finish(op, OpOutcome::Failed(error));
                self.forget();
            }
            Answer::Unreachable(error) => {
                self.out.finish(op, OpOutcome::Unreachable(error));
                self.keep_trying(now);
            }
        }
    }

    /// The server is out of reach but the session is kept: reopen the stream every few
    /// seconds and publish Link::Reconnected when it opens.
    fn keep_trying(&mut self, now: u64) {
        self.disconnected = true;
        if self.socket == Socket::Closed {
            self.retry_later(now);
        }
    }

    /// One page of a history walk.
    fn page(&mut self, answer: Answer, now: u64) {
        let Some(walk) = self.walk.as_mut() else {
            return;
        };
        let purpose = walk.purpose;
        let page = match answer {
            Answer::Ok(page) => page,
            failed => return self.walk_failed(purpose, failed, now),
        };
        walk.bodies
            .extend(page["entities"].as_array().into_iter().flatten().cloned());
        walk.pages = walk.pages.saturating_add(1);
        let next = page["next"].as_str().filter(|n| !n.is_empty());
        if let Some(next) = next.filter(|_| walk.pages < MAX_PAGES) {
            let request = self.authorised_get(self.api.absolute(next));
            self.send(request, Pending::Page);
            return;
        }
        let Some(mut walk) = self.walk.take() else {
            return;
        };
        if let Purpose::Restore(_) = purpose {
            walk.bodies.reverse();
        }
        let newest = walk.bodies.iter().rev().find_map(|b| b["id"].as_str());
        if let (Some(chat), Some(id)) = (self.chat.as_mut(), newest)
            && chat.last_message == walk.cursor
        {
            chat.last_message = Some(id.to_owned());
        }
        match purpose {
            Purpose::Restore(op) => {
                if let Some(request) = self.get(&["/members"]) {
                    let bodies = walk.bodies;
                    self.send(request, Pending::Members { op, bodies });
                }
            }
            Purpose::CatchUp(check) => {
                let mut items = Vec::with_capacity(walk.bodies.len().saturating_add(1));
                for body in walk.bodies {
                    self.lookup(super::held::sender_id(&body));
                    items.push(Held::Wire {
                        body,
                        typing: false,
                    });
                }
                // The check ends after what it found is published.
                items.extend(check.map(|op| Held::Finish {
                    op,
                    outcome: OpOutcome::Done(Json::Null),
                }));
                self.replace_barrier(items);
                self.release();
                self.walk_again_if_asked();
            }
        }
    }

    /// Starts the catch-up a reconnect asked for while an outbox check was walking.
    fn walk_again_if_asked(&mut self) {
        if std::mem::take(&mut self.walk_again) {
            self.start_walk(Purpose::CatchUp(None));
        }
    }

    /// A history page could not be fetched.
    fn walk_failed(&mut self, purpose: Purpose, answer: Answer, now: u64) {
        self.walk = None;
        match purpose {
            Purpose::Restore(op) => {
                let refused = matches!(answer, Answer::Refused(_));
                let outcome = answer.outcome();
                self.replace_barrier(vec![Held::Finish { op, outcome }]);
                self.release();
                if refused {
                    self.forget();
                } else {
                    self.keep_trying(now);
                }
            }
            // Missed messages that could not be fetched stay missed; what came since goes on.
            // An outbox check fails with the answer and is tried again.
            Purpose::CatchUp(check) => {
                let outcome = answer.outcome();
                let items = check.map(|op| Held::Finish { op, outcome });
                self.replace_barrier(items.into_iter().collect());
                self.release();
                self.walk_again_if_asked();
            }
        }
    }

    /// Puts `items` where the walk's barrier waits in the queue.
    fn replace_barrier(&mut self, items: Vec<Held>) {
        let at = self
            .held
            .iter()
            .position(|h| matches!(h, Held::Walking))
            .unwrap_or(self.held.len());
        let mut rest = self.held.split_off(at);
        if matches!(rest.front(), Some(Held::Walking)) {
            rest.pop_front();
        }
        self.held.extend(items);
        self.held.extend(rest);
    }
}

/// The chat a create answer describes, and our member id.
fn chat_of(answer: &Json) -> Option<(Chat, String)> {
    let text = |v: &Json| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    // The ids go into request URLs.
    let id = |v: &Json| text(v).filter(|s| crate::http::is_url_safe_id(s));
    let chat = Chat {
        conversation: id(&answer["id"])?,
        jwt: text(&answer["jwt"])?,
        stream: text(&answer["eventStreamUri"])?,
        last_message: None,
        starting: None,
    };
    Some((chat, id(&answer["member"]["id"])?))
}

/// The create answer as `startChat` resolves with it and `started` publishes it: without the JWT
/// and the event-stream URI (which carries the JWT in its query), which the session keeps to
/// itself, so no secret reaches page code or the bus monitor.
fn without_secrets(mut created: Json) -> Json {
    if let Json::Object(o) = &mut created {
        o.remove("jwt");
        o.remove("eventStreamUri");
    }
    created
}
