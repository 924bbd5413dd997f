//! The session commands (seed 002 and the extended API of seed 000): their arguments checked
//! (codes 1, 2, 3; 50 without an open session) and mapped onto WebChatService commands or
//! session operations; `getTranscript` is answered from the API's own transcript.

use super::errors::{ApiError, ErrorCode};
use super::{ApiPhase, ChatApi, Waiting};
use crate::command::Command;
use crate::filter::TextMatcher;
use crate::json;
use crate::json::Json;
use crate::session::{Op, UserDataOp};

/// The session commands (the shim's chat-session.js has the same list).
pub const COMMANDS: [&str; 7] = [
    "getTranscript",
    "sendMessage",
    "sendTyping",
    "leave",
    "setUserData",
    "getUserData",
    "deleteUserData",
];

impl<M: TextMatcher> ChatApi<M> {
    pub(super) fn session_command(
        &mut self,
        call: u64,
        name: &str,
        arg: &Json,
    ) -> Result<(), ApiError> {
        let bad = |p: &str| ApiError::new(ErrorCode::BadParameter, p);
        let missing = |p: &str| ApiError::new(ErrorCode::ParameterMissing, p);
        if name == "getTranscript" {
            let from = match arg.get("fromIndex").filter(|v| !v.is_null()) {
                None => 0,
                Some(v) => v.as_u64().ok_or_else(|| bad("fromIndex"))?,
            };
            let transcript: Vec<Json> = self
                .transcript
                .iter()
                .filter(|e| {
                    e.get("index")
                        .and_then(Json::as_u64)
                        .is_none_or(|i| i >= from)
                })
                .cloned()
                .collect();
            self.settle(call, true, json!({ "transcript": transcript }));
            return Ok(());
        }
        if !COMMANDS.contains(&name) {
            return Err(ApiError::new(ErrorCode::UnknownCommand, name));
        }
        if self.phase != ApiPhase::Active {
            return Err(ApiError::new(ErrorCode::UnknownSession, ""));
        }
        match name {
            "sendMessage" => {
                let (text, kind) = match arg {
                    Json::String(s) => (Some(s.clone()), None),
                    Json::Object(o) => (
                        match o.get("message").filter(|m| !m.is_null()) {
                            None => None,
                            Some(Json::String(s)) => Some(s.clone()),
                            Some(_) => return Err(bad("message")),
                        },
                        o.get("type").filter(|t| !t.is_null()),
                    ),
                    _ => return Err(bad("message")),
                };
                let text = text
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| missing("message"))?;
                if kind.is_some_and(|k| k.as_str() != Some("text") && k.as_str() != Some("url")) {
                    return Err(bad("type"));
                }
                self.run(
                    Command::SendMessage(json!({ "message": text })),
                    Waiting::Plain(call),
                );
            }
            "sendTyping" => {
                let typing = match arg.get("isTyping").filter(|v| !v.is_null()) {
                    None => true,
                    Some(v) => v.as_bool().ok_or_else(|| bad("isTyping"))?,
                };
                if typing {
                    self.run(
                        Command::SendTyping(json!({"message": ""})),
                        Waiting::Plain(call),
                    );
                } else {
                    self.run_op(
                        Op::StopTyping {
                            text: String::new(),
                        },
                        Waiting::Plain(call),
                    );
                }
            }
            "leave" => {
                self.leaving = true;
                self.log("leave: ending the chat");
                self.run(Command::EndChat, Waiting::Plain(call));
            }
            "setUserData" => match arg {
                Json::Object(o) if !o.is_empty() => {
                    self.run(Command::UpdateUserData(arg.clone()), Waiting::Plain(call));
                }
                Json::Null => return Err(missing("userData")),
                _ => return Err(bad("userData")),
            },
            _ => {
                let key = match arg {
                    Json::String(k) if !k.is_empty() => k.clone(),
                    Json::Null => return Err(missing("key")),
                    _ => return Err(bad("key")),
                };
                let (op, waiting) = if name == "getUserData" {
                    (UserDataOp::Read { key }, Waiting::Read(call))
                } else {
                    (UserDataOp::Delete { key }, Waiting::Delete(call))
                };
                self.run_op(Op::UserData(op), waiting);
            }
        }
        Ok(())
    }
}
