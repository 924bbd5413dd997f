//! The outbox and the reorder buffer through the real machine, against a simulated chat server
//! (a [`Session`] that stores what is sent and answers as each step says): arbitrary
//! interleavings of typing, answers, lost answers, refusals, rate limits, dropped links, the
//! browser going offline, shuffled pushes and reloads never lose, duplicate or reorder a message.
//!
//! This file is the simulated server and the world that drives the machine against it;
//! `property.rs` holds the property test, `behaviour.rs` one behaviour per test.

use std::cell::RefCell;
use std::rc::Rc;

use proptest::prelude::*;

use super::*;
use crate::command::Command;
use crate::config::WebChatConfig;
use crate::drive::{CommandId, Effect, Input, RequestId};
use crate::filter::SubstringMatcher;
use crate::http::HttpOutcome;
use crate::message::{Message, Sender, SenderType, kind};
use crate::persist::PersistedSession;
use crate::session::{Io, Link, Op, OpId, OpOutcome, Session, SessionEvent, SocketEvent};

mod behaviour;
mod property;

/// The server: its transcript (index order) and what it has pushed to the client.
#[derive(Default)]
struct Server {
    /// `(index, text, from the customer)`.
    transcript: Vec<(u64, String, bool)>,
    pushed: usize,
    /// Operations begun and not answered, oldest first.
    in_flight: Vec<(OpId, Op)>,
    events: Vec<SessionEvent>,
    polling: bool,
    /// Push transports: the socket is up, so what is stored is pushed at once.
    socket_up: bool,
    /// Push transports whose frames come late: only `Step::Push` pushes (an echo may arrive
    /// long after its send's answer was lost).
    late_pushes: bool,
}

impl Server {
    fn store(&mut self, text: &str, customer: bool) {
        let index = self.transcript.len() as u64 + 1;
        self.transcript.push((index, text.to_owned(), customer));
        if !self.polling && self.socket_up && !self.late_pushes {
            self.push_unpushed();
        }
    }

    fn push_unpushed(&mut self) {
        let from = self.pushed;
        let messages = self.messages(from);
        self.pushed = self.transcript.len();
        self.events.push(SessionEvent::Messages {
            messages,
            raw: Vec::new(),
            restoring: false,
        });
    }

    fn messages(&self, from: usize) -> Vec<Message> {
        self.transcript[from..]
            .iter()
            .map(|(i, t, c)| sim_message(*i, t, *c))
            .collect()
    }
}

fn sim_message(index: u64, text: &str, customer: bool) -> Message {
    let kind_of = if customer {
        SenderType::Client
    } else {
        SenderType::Agent
    };
    Message {
        index: Some(index),
        id: None,
        kind: kind::MESSAGE.into(),
        text: text.into(),
        timestamp: index,
        from: Sender {
            name: "x".into(),
            kind: kind_of,
            participant_id: "1".into(),
        },
        extra: Object::new(),
    }
}

struct Sim(Rc<RefCell<Server>>);

impl Session for Sim {
    fn capabilities(&self) -> Capabilities {
        if self.0.borrow().polling {
            Capabilities::GMS_REST
        } else {
            Capabilities::CLOUD
        }
    }
    fn begin(&mut self, op: OpId, what: Op, _now: u64) {
        let mut s = self.0.borrow_mut();
        match what {
            Op::Restore => {
                let messages = s.messages(0);
                s.pushed = s.transcript.len();
                s.events.push(SessionEvent::Finished {
                    op,
                    outcome: OpOutcome::Done(Json::Null),
                });
                s.events.push(SessionEvent::Messages {
                    messages,
                    raw: Vec::new(),
                    restoring: true,
                });
            }
            Op::Start { .. } => s.events.push(SessionEvent::Finished {
                op,
                outcome: OpOutcome::Done(json!({})),
            }),
            other => s.in_flight.push((op, other)),
        }
    }
    fn handle_http(&mut self, _: RequestId, _: HttpOutcome, _: u64) {}
    fn handle_socket(&mut self, _: SocketEvent, _: u64) {}
    fn handle_timeout(&mut self, _: u64) {}
    fn poll_io(&mut self) -> Option<Io> {
        None
    }
    fn poll_event(&mut self) -> Option<SessionEvent> {
        let mut s = self.0.borrow_mut();
        (!s.events.is_empty()).then(|| s.events.remove(0))
    }
    fn poll_timeout(&self) -> Option<u64> {
        None
    }
    fn record(&self) -> Option<Json> {
        Some(json!({"transport": "sim"}))
    }
    fn resume(&mut self, record: &Json) -> bool {
        record.get("transport").and_then(Json::as_str) == Some("sim")
    }
    fn reset(&mut self) {}
    fn session_data(&self) -> Json {
        json!({})
    }
}

/// How the server answers the oldest operation in flight.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Ok,
    /// Stored, but the answer is lost (a dropped connection, a 504).
    LostReply,
    /// Not stored: 503.
    Down,
    /// Not stored: 429 with `Retry-After: 1`.
    RateLimited,
}

#[derive(Debug, Clone)]
enum Step {
    Type,
    Answer(Answer),
    AgentSays,
    /// Push everything not pushed yet, in a shuffled order split into two batches.
    Push {
        reverse: bool,
        split: u8,
    },
    Link(bool),
    Browser(bool),
    Advance(u16),
    Reload,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => Just(Step::Type),
        2 => Just(Step::Answer(Answer::Ok)),
        1 => Just(Step::Answer(Answer::LostReply)),
        1 => Just(Step::Answer(Answer::Down)),
        1 => Just(Step::Answer(Answer::RateLimited)),
        1 => Just(Step::AgentSays),
        2 => (any::<bool>(), any::<u8>()).prop_map(|(reverse, split)| Step::Push { reverse, split }),
        1 => any::<bool>().prop_map(Step::Link),
        1 => any::<bool>().prop_map(Step::Browser),
        3 => (0u16..40_000).prop_map(Step::Advance),
        1 => Just(Step::Reload),
    ]
}

struct World {
    chat: WebChat<SubstringMatcher>,
    server: Rc<RefCell<Server>>,
    now: u64,
    typed: Vec<String>,
    next_cmd: u64,
    /// Message indexes published live, in order, one list per page.
    published: Vec<Vec<u64>>,
    settled: Vec<CommandId>,
    failed_texts: Vec<String>,
    record: Option<Json>,
}

fn config() -> WebChatConfig {
    // Long enough that nothing times out in a run: losing nothing is what is checked.
    WebChatConfig::parse(&json!({"dataURL": "http://x", "outbox": {"timeout": 100_000_000}}))
        .expect("config")
}

impl World {
    fn new(polling: bool) -> Self {
        Self::with_pushes(polling, false)
    }

    /// A world whose push transport pushes only on `Step::Push` (`late_pushes`).
    fn with_pushes(polling: bool, late_pushes: bool) -> Self {
        let server = Rc::new(RefCell::new(Server {
            polling,
            socket_up: true,
            late_pushes,
            ..Server::default()
        }));
        let chat = WebChat::with_session(SubstringMatcher, config(), Box::new(Sim(server.clone())));
        let mut w = Self {
            chat,
            server,
            now: 1_000,
            typed: Vec::new(),
            next_cmd: 1,
            published: vec![Vec::new()],
            settled: Vec::new(),
            failed_texts: Vec::new(),
            record: None,
        };
        let id = w.cmd();
        let fx = w.chat.handle(
            Input::Command {
                id,
                caller: "p".into(),
                command: Command::StartChat {
                    data: json!({"nickname": "Jo"}),
                    page: Default::default(),
                },
            },
            w.now,
        );
        w.take(fx);
        w
    }

    fn cmd(&mut self) -> CommandId {
        self.next_cmd += 1;
        CommandId(self.next_cmd)
    }

    fn take(&mut self, fx: Vec<Effect>) {
        for e in fx {
            match e {
                Effect::PublishMessages { payload } if payload["restoring"] == false => {
                    let page = self.published.last_mut().expect("a page");
                    for m in payload["messages"].as_array().into_iter().flatten() {
                        page.extend(m["index"].as_u64());
                    }
                }
                Effect::Resolve { id, .. } | Effect::Reject { id, .. } => {
                    assert!(!self.settled.contains(&id), "{id:?} settled twice");
                    self.settled.push(id);
                }
                Effect::Publish {
                    event: Event::MessageFailed,
                    payload,
                } => self
                    .failed_texts
                    .extend(payload["text"].as_str().map(str::to_owned)),
                Effect::SaveSession { value } => self.record = Some(value),
                Effect::ClearSession => self.record = None,
                _ => {}
            }
        }
    }

    /// Lets the machine drain what the server queued.
    fn nudge(&mut self) {
        let fx = self
            .chat
            .handle(Input::Socket(SocketEvent::Opened), self.now);
        self.take(fx);
    }

    fn run(&mut self, step: Step) {
        match step {
            Step::Type => {
                let text = {
                    let mut t = String::from("m");
                    t.push_str(&self.typed.len().to_string());
                    t
                };
                self.typed.push(text.clone());
                let (_, fx) = self.send(&text);
                self.take(fx);
            }
            Step::Answer(how) => {
                let Some((op, what)) = ({
                    let mut s = self.server.borrow_mut();
                    (!s.in_flight.is_empty()).then(|| s.in_flight.remove(0))
                }) else {
                    return;
                };
                let outcome = {
                    let mut s = self.server.borrow_mut();
                    match (what, how) {
                        (Op::Poll, Answer::Ok | Answer::LostReply) => {
                            let from = s.pushed;
                            let messages = s.messages(from);
                            s.pushed = s.transcript.len();
                            let batch = SessionEvent::Messages {
                                messages,
                                raw: Vec::new(),
                                restoring: false,
                            };
                            if matches!(how, Answer::LostReply) {
                                // As CometD reports it: the catch-up ends before its messages.
                                s.events.push(SessionEvent::Finished {
                                    op,
                                    outcome: OpOutcome::Done(json!({})),
                                });
                                s.events.push(batch);
                                drop(s);
                                self.nudge();
                                return;
                            }
                            s.events.push(batch);
                            OpOutcome::Done(json!({}))
                        }
                        (Op::Send { text }, Answer::Ok) => {
                            s.store(&text, true);
                            OpOutcome::Done(json!({"statusCode": 0}))
                        }
                        (Op::Send { text }, Answer::LostReply) => {
                            s.store(&text, true);
                            OpOutcome::Unreachable(json!({"status": 0}))
                        }
                        (_, Answer::RateLimited) => {
                            OpOutcome::Failed(json!({"status": 429, "retryAfter": 1}))
                        }
                        _ => OpOutcome::Unreachable(json!({"status": 503})),
                    }
                };
                self.server
                    .borrow_mut()
                    .events
                    .push(SessionEvent::Finished { op, outcome });
                self.nudge();
            }
            Step::AgentSays => self.server.borrow_mut().store("agent", false),
            Step::Push { reverse, split } => {
                {
                    let mut s = self.server.borrow_mut();
                    let from = s.pushed;
                    let mut messages = s.messages(from);
                    s.pushed = s.transcript.len();
                    if reverse {
                        messages.reverse();
                    }
                    let at = usize::from(split) % (messages.len() + 1);
                    let second = messages.split_off(at);
                    for batch in [messages, second] {
                        s.events.push(SessionEvent::Messages {
                            messages: batch,
                            raw: Vec::new(),
                            restoring: false,
                        });
                    }
                }
                self.nudge();
            }
            Step::Link(up) => {
                {
                    let mut s = self.server.borrow_mut();
                    let link = if up {
                        Link::Reconnected
                    } else {
                        Link::Disconnected
                    };
                    let was_up = s.socket_up;
                    s.socket_up = up;
                    if up && !was_up && !s.polling {
                        // A push transport replays what it missed when it reconnects.
                        s.push_unpushed();
                    }
                    s.events.push(SessionEvent::Link(link));
                }
                self.nudge();
            }
            Step::Browser(online) => {
                let fx = self.chat.handle(Input::Online(online), self.now);
                self.take(fx);
            }
            Step::Advance(ms) => {
                self.now += u64::from(ms);
                if self.chat.poll_timeout().is_some_and(|t| t <= self.now) {
                    let fx = self.chat.handle(Input::Timeout, self.now);
                    self.take(fx);
                }
            }
            Step::Reload => self.reload(),
        }
    }

    /// A new page: requests in flight are lost (the server may or may not have stored them:
    /// what was answered `Ok`/`LostReply` is stored already), the record restores the chat.
    fn reload(&mut self) {
        let Some(stored) = self.record.clone() else {
            return;
        };
        {
            let mut s = self.server.borrow_mut();
            s.in_flight.clear();
            s.events.clear();
            s.pushed = 0;
            // The new page's restore reconnects (and replays everything).
            s.socket_up = true;
        }
        // Commands of the old page never settle now; their messages are followed by events.
        self.published.push(Vec::new());
        let sim = Box::new(Sim(self.server.clone()));
        self.chat = WebChat::with_session(SubstringMatcher, config(), sim);
        self.chat.now = self.now;
        let rec = PersistedSession::from_storage(&stored).expect("our own record reads");
        self.chat.begin_restore(rec, None);
        let fx = self.chat.end_input();
        self.take(fx);
    }

    /// Everything heals: the link and browser are up and the server answers every request.
    fn heal(&mut self) {
        self.run(Step::Browser(true));
        self.run(Step::Link(true));
        for _ in 0..400 {
            let busy = !self.server.borrow().in_flight.is_empty();
            if busy {
                self.run(Step::Answer(Answer::Ok));
            } else if self.chat.outbox.queued().is_empty() {
                break;
            } else {
                self.run(Step::Advance(31_000));
            }
            self.run(Step::Push {
                reverse: false,
                split: 0,
            });
        }
    }
}

// ----- helpers for one-behaviour tests -------------------------------------------------------

impl World {
    fn send(&mut self, text: &str) -> (CommandId, Vec<Effect>) {
        let id = self.cmd();
        let fx = self.chat.handle(
            Input::Command {
                id,
                caller: "p".into(),
                command: Command::SendMessage(json!({ "message": text })),
            },
            self.now,
        );
        (id, fx)
    }

    /// Answers the oldest request and returns the effects.
    fn answer(&mut self, outcome: OpOutcome) -> Vec<Effect> {
        let (op, _) = self.server.borrow_mut().in_flight.remove(0);
        self.server
            .borrow_mut()
            .events
            .push(SessionEvent::Finished { op, outcome });
        self.chat
            .handle(Input::Socket(SocketEvent::Opened), self.now)
    }

    fn at(&mut self, now: u64) -> Vec<Effect> {
        self.now = now;
        self.chat.handle(Input::Timeout, now)
    }

    fn sends_in_flight(&self) -> usize {
        let s = self.server.borrow();
        s.in_flight
            .iter()
            .filter(|(_, o)| matches!(o, Op::Send { .. }))
            .count()
    }
}
