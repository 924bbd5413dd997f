//! What arrives before it can be published: the hold queue and the member directory.
//!
//! Cloud frames name their sender only by member id; the role and display name come from
//! `GET …/members/{id}`. Until that answers, the frame and everything after it wait here, in
//! arrival order, so the transcript never shows a message before an earlier one. Operation ends
//! that must follow a message (a sent message's echo, a restore's replay) and the barrier of a
//! history walk wait in the same queue.

use std::collections::VecDeque;

use crate::json::{Json, Object};
use crate::message::{Message, Sender, SenderType, kind};
use crate::session::{OpId, OpOutcome, Outbox, SessionEvent};

use super::wire::{iso_ms, message_kind};

/// One thing waiting to be published.
#[derive(Debug)]
pub enum Held {
    /// A message (or typing) eventBody.
    Wire {
        /// The eventBody.
        body: Json,
        /// A typing indicator rather than a message.
        typing: bool,
    },
    /// The end of an operation, published after what came before it.
    Finish {
        /// Which operation.
        op: OpId,
        /// How it ended.
        outcome: OpOutcome,
    },
    /// A history walk is under way: later frames wait behind what it fetches.
    Walking,
    /// A finished restore: its end, then its replay.
    Restored {
        /// The restore operation.
        op: OpId,
        /// History, oldest first.
        bodies: Vec<Json>,
    },
}

/// Who a member is, as far as messages show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// `displayName`.
    pub name: String,
    /// The sender type of its `role`.
    pub kind: SenderType,
}

impl Member {
    /// A member as `GET …/members/{id}` describes it.
    pub fn from_wire(member: &Json) -> Self {
        let kind = match member["role"].as_str().unwrap_or("") {
            "AGENT" => SenderType::Agent,
            "WORKFLOW" => SenderType::Bot,
            "CUSTOMER" => SenderType::Client,
            _ => SenderType::External,
        };
        Self {
            name: member["displayName"].as_str().unwrap_or("").to_owned(),
            kind,
        }
    }

    /// A member nothing is known about.
    pub fn unknown() -> Self {
        Self {
            name: String::new(),
            kind: SenderType::External,
        }
    }
}

/// The members seen so far, and the lookups under way.
#[derive(Debug, Default)]
pub struct Directory {
    /// The guest's own member id.
    pub me: String,
    /// The guest's display name.
    pub my_name: String,
    known: Vec<(String, Member)>,
    asked: Vec<String>,
}

impl Directory {
    /// Records what a lookup (or the member list) said about `id`.
    pub fn learn(&mut self, id: &str, member: Member) {
        self.asked.retain(|asked| asked != id);
        match self.known.iter_mut().find(|(known, _)| known == id) {
            Some((_, slot)) => *slot = member,
            None => self.known.push((id.to_owned(), member)),
        }
    }

    /// Whether `id` must be looked up; marks it asked when so.
    pub fn needs_lookup(&mut self, id: &str) -> bool {
        let unknown = !id.is_empty()
            && id != self.me
            && !self.known.iter().any(|(known, _)| known == id)
            && !self.asked.iter().any(|asked| asked == id);
        if unknown {
            self.asked.push(id.to_owned());
        }
        unknown
    }

    /// The sender `id`, or `None` while its lookup is under way (an unknown member when
    /// `give_up`).
    pub fn sender(&self, id: &str, give_up: bool) -> Option<Sender> {
        let member = if id == self.me && !id.is_empty() {
            Member {
                name: self.my_name.clone(),
                kind: SenderType::Client,
            }
        } else if let Some((_, member)) = self.known.iter().find(|(known, _)| known == id) {
            member.clone()
        } else if id.is_empty() || give_up || !self.asked.iter().any(|asked| asked == id) {
            Member::unknown()
        } else {
            return None;
        };
        Some(Sender {
            name: member.name,
            kind: member.kind,
            participant_id: id.to_owned(),
        })
    }
}

/// The sender id of an eventBody.
pub fn sender_id(body: &Json) -> &str {
    body["sender"]["id"].as_str().unwrap_or("")
}

/// The normalised form of a message (or typing) eventBody.
pub fn normalise(body: &Json, typing: bool, from: Sender) -> Message {
    let (message_type, id, text) = if typing {
        (kind::TYPING_STARTED, None, String::new())
    } else {
        (
            message_kind(body["bodyType"].as_str().unwrap_or("")),
            body["id"].as_str().map(str::to_owned),
            body["body"].as_str().unwrap_or("").to_owned(),
        )
    };
    Message {
        index: None,
        id,
        kind: message_type.to_owned(),
        text,
        timestamp: iso_ms(body["timestamp"].as_str().unwrap_or("")),
        from,
        extra: Object::new(),
    }
}

/// Messages gathered for one [`SessionEvent::Messages`].
#[derive(Default)]
struct Batch {
    messages: Vec<Message>,
    raw: Vec<Json>,
}

impl Batch {
    fn flush(&mut self, out: &mut Outbox) {
        if !self.messages.is_empty() {
            out.event(SessionEvent::Messages {
                messages: std::mem::take(&mut self.messages),
                raw: std::mem::take(&mut self.raw),
                restoring: false,
            });
        }
    }
}

/// Publishes the front of `queue` up to the first thing still waiting (everything when
/// `give_up`, unknown senders then published as unknown members).
pub fn release(queue: &mut VecDeque<Held>, directory: &Directory, out: &mut Outbox, give_up: bool) {
    let mut batch = Batch::default();
    while let Some(front) = queue.front() {
        match front {
            Held::Wire { body, typing } => {
                let Some(from) = directory.sender(sender_id(body), give_up) else {
                    break;
                };
                batch.messages.push(normalise(body, *typing, from));
                if let Some(Held::Wire { body, .. }) = queue.pop_front() {
                    batch.raw.push(body);
                }
            }
            Held::Walking if !give_up => break,
            Held::Walking => {
                queue.pop_front();
            }
            Held::Finish { .. } | Held::Restored { .. } => {
                batch.flush(out);
                match queue.pop_front() {
                    Some(Held::Finish { op, outcome }) => out.finish(op, outcome),
                    Some(Held::Restored { op, bodies }) => {
                        out.finish(op, OpOutcome::Done(Json::Null));
                        let messages = bodies
                            .iter()
                            .map(|body| {
                                let from = directory.sender(sender_id(body), true);
                                normalise(body, false, from.unwrap_or_else(|| unknown_sender(body)))
                            })
                            .collect();
                        out.event(SessionEvent::Messages {
                            messages,
                            raw: bodies,
                            restoring: true,
                        });
                    }
                    _ => {}
                }
            }
        }
    }
    batch.flush(out);
}

fn unknown_sender(body: &Json) -> Sender {
    Sender {
        name: String::new(),
        kind: SenderType::External,
        participant_id: sender_id(body).to_owned(),
    }
}
