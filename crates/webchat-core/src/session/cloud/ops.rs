//! Operations begun by the machine, turned into Cloud requests.

use super::held::Held;
use super::wire::{MAX_BODY_UNITS, create_body};
use super::{CloudSession, Pending, Purpose, Walk};
use crate::http::{Body, HttpRequest, Method};
use crate::json;
use crate::json::Json;
use crate::json::number_text;
use crate::session::{Op, OpId, OpOutcome};
use crate::texts;

impl CloudSession {
    pub(super) fn begin_op(&mut self, op: OpId, what: Op, _now: u64) {
        let failed = |text: &str| OpOutcome::Failed(json!(text));
        match what {
            Op::Start { .. } if self.chat.is_some() => {
                self.out.finish(op, failed(texts::ALREADY_ACTIVE));
            }
            Op::Start { form, user_data } => {
                self.directory.my_name = super::wire::display_name(&form);
                let body = create_body(&self.cloud, &form, &user_data);
                let request = self.api.create(body);
                self.send(request, Pending::Create { op });
            }
            Op::StopTyping { .. } => self.out.finish(op, OpOutcome::Done(Json::Null)),
            Op::Send { text } if text.encode_utf16().count() > MAX_BODY_UNITS => {
                self.out.finish(op, failed(texts::CLOUD_MESSAGE_TOO_LONG));
            }
            Op::CustomNotice { .. }
            | Op::UpdateData { .. }
            | Op::SendFiles { .. }
            | Op::Download { .. }
            | Op::FetchHistory
            | Op::UserData(_) => self.out.finish(op, failed(texts::UNSUPPORTED_BY_TRANSPORT)),
            _ if self.chat.is_none() => self.out.finish(op, failed(texts::NO_ACTIVE_SESSION)),
            // Only the outbox polls here (the poll command needs a polling transport).
            Op::Poll => self.start_walk(Purpose::CatchUp(Some(op))),
            Op::Send { text } => {
                let body = json!({"body": text, "bodyType": "standard"});
                let request = self.own_member_call(Method::Post, "/messages", Body::Json(body));
                self.send(request, Pending::Send { op });
            }
            Op::StartTyping { .. } => {
                let request = self.own_member_call(Method::Post, "/typing", Body::Empty);
                self.send(request, Pending::Typing { op });
            }
            Op::End => {
                let request = self.own_member_call(Method::Delete, "", Body::Empty);
                self.send(request, Pending::Leave { op });
            }
            Op::Restore => {
                let request = self.own_member_call(Method::Get, "", Body::Empty);
                self.send(request, Pending::Restore { op });
            }
        }
    }

    /// `method` on `…/members/{me}{tail}`, authorised. Only called with a chat.
    fn own_member_call(&self, method: Method, tail: &str, body: Body) -> HttpRequest {
        let (conversation, jwt) = match &self.chat {
            Some(chat) => (chat.conversation.as_str(), Some(chat.jwt.as_str())),
            None => ("", None),
        };
        let me = self.directory.me.as_str();
        let url = self.api.url(conversation, &["/members/", me, tail]);
        self.api.request(method, url, jwt, body)
    }

    /// Starts walking history for `purpose`, holding later frames behind it. A walk already
    /// under way covers a reconnect's catch-up; a restore cannot share it and fails; the outbox's
    /// check cannot either (that walk may have asked before the message was stored), so it ends
    /// unreachable and is tried again.
    pub(super) fn start_walk(&mut self, purpose: Purpose) {
        if self.walk.is_some() {
            match purpose {
                Purpose::Restore(op) => {
                    let outcome = OpOutcome::Failed(json!(texts::ALREADY_RESTORING));
                    self.out.finish(op, outcome);
                }
                Purpose::CatchUp(Some(op)) => {
                    let error = crate::http::ajax_error(&crate::http::HttpOutcome::NetworkError);
                    self.out.finish(op, OpOutcome::Unreachable(error));
                }
                Purpose::CatchUp(None) => {
                    self.walk_again = matches!(
                        self.walk.as_ref().map(|w| w.purpose),
                        Some(Purpose::CatchUp(Some(_)))
                    );
                }
            }
            return;
        }
        let cursor = self.chat.as_ref().and_then(|c| c.last_message.clone());
        let query = match (purpose, cursor.clone()) {
            (Purpose::Restore(_), _) => {
                let size = if self.cloud.pagination {
                    self.cloud.max_message_page_size.clamp(1, 100)
                } else {
                    100
                };
                crate::http::concat(&[
                    "?sortOrder=descending&maxResults=",
                    &number_text(f64::from(size)),
                ])
            }
            (Purpose::CatchUp(_), Some(last)) => {
                crate::http::concat(&["?after=", &last, "&maxResults=100"])
            }
            (Purpose::CatchUp(_), None) => "?sortOrder=ascending&maxResults=100".to_owned(),
        };
        let Some(request) = self.get(&["/messages", &query]) else {
            return;
        };
        self.walk = Some(Walk {
            purpose,
            cursor,
            bodies: Vec::new(),
            pages: 0,
        });
        self.held.push_back(Held::Walking);
        self.send(request, Pending::Page);
    }
}
