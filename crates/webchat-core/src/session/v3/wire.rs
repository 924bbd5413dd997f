//! The Engage v3 REST codec (transports.md §3 and §5): calls to requests, answers to [`Reply`]s.
//! Pure; the session in `mod.rs` owns the keys and the steps.
//!
//! Every request carries the configured headers (`x-api-key` and any others) and an opaque
//! `operationId`: in the form body of `POST`/`PUT`, in the query of `GET`/`DELETE`, as a text part
//! of uploads. After start, requests also carry `x-nexus-client-key: <clientToken>`. Errors are
//! `{status: {code, message}}`; `INVALID_SESSION` or a 404 means the session is lost.

use crate::config::EngageV3Config;
use crate::drive::CommandId;
use crate::http::{
    Body, HttpOutcome, HttpRequest, Method, Part, ajax_error, bracket_encode, concat,
    encode_segment, scalar_text,
};
use crate::json::{Json, Object, number_text};
use crate::message::{Message, Sender, SenderType, kind};
use crate::session::StartForm;

/// The header that carries the `clientToken` after start.
pub const CLIENT_KEY_HEADER: &str = "x-nexus-client-key";
/// The v3 error code of a session the server no longer knows.
const INVALID_SESSION: &str = "INVALID_SESSION";

/// One v3 call.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// `POST {dataURL}`: a new session.
    Start {
        /// Entry form.
        form: StartForm,
        /// Merged userData.
        user_data: Object,
    },
    /// `POST {dataURL}` with the token: take an existing session back (restore).
    Resume,
    /// `GET {sid}/messages`: new messages from `index` (or, with `count`, a history page).
    Messages {
        /// First index wanted.
        index: Option<u64>,
        /// How many, for history and restore.
        count: Option<u64>,
    },
    /// `POST {sid}/messages` with `data[type]` and `data[text]`.
    Post {
        /// `Text`, `TypingStarted` or `TypingStopped`.
        kind: &'static str,
        /// The text (typing preview for typing).
        text: String,
    },
    /// `PUT {sid}/userdata`.
    UserData {
        /// The new userData.
        user_data: Object,
    },
    /// `POST {sid}/images`: one file of a sendFile call.
    Upload {
        /// The sendFile call.
        command: CommandId,
        /// Which of its files.
        file_index: usize,
    },
    /// `GET {sid}/images/{fileId}`.
    Download {
        /// Server file id.
        file_id: String,
    },
    /// `DELETE {sid}/participants/{participantId}`.
    Leave,
}

/// Who the requests are for: the session id, our participant and the token to send.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// `sessionId`.
    pub session_id: &'a str,
    /// `participantId`.
    pub participant_id: &'a str,
    /// `clientToken`.
    pub token: &'a str,
}

/// What an answer said.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// 2xx; the parsed body (`Null` when empty).
    Done(Json),
    /// The server no longer knows the session (404 or `INVALID_SESSION`); the AJAX error.
    Lost(Json),
    /// Another 4xx; the AJAX error.
    Refused(Json),
    /// Network, timeout or 5xx; the AJAX error.
    Unreachable(Json),
}

/// The v3 codec.
#[derive(Debug, Clone)]
pub struct V3Wire {
    data_url: String,
    endpoint: String,
    headers: Vec<(String, String)>,
    timeout_ms: u64,
}

impl V3Wire {
    /// A codec for `config`, with `ajaxTimeout` = `timeout_ms`.
    pub fn new(config: &EngageV3Config, timeout_ms: u64) -> Self {
        Self {
            data_url: config.data_url.clone(),
            endpoint: config.endpoint.clone(),
            headers: config.headers.clone(),
            timeout_ms,
        }
    }

    /// The request for `call`, tagged `operation`; `target` is `None` only for [`Call::Start`].
    pub fn build(&self, call: &Call, target: Option<Target<'_>>, operation: &str) -> HttpRequest {
        let mut headers = self.headers.clone();
        if let (Some(t), false) = (target, matches!(call, Call::Start { .. })) {
            headers.push((CLIENT_KEY_HEADER.to_owned(), t.token.to_owned()));
        }
        let sid = encode_segment(target.map_or("", |t| t.session_id));
        let session = |tail: &str| concat(&[&self.data_url, "/", &sid, tail]);
        let op_query = concat(&["?operationId=", &encode_segment(operation)]);
        let form = |mut fields: Vec<(String, String)>| {
            fields.push(("operationId".to_owned(), operation.to_owned()));
            Body::Form(fields)
        };
        let (method, url, body) = match call {
            Call::Start { form: f, user_data } => (
                Method::Post,
                self.data_url.clone(),
                form(self.start_fields(f, user_data)),
            ),
            Call::Resume => (Method::Post, self.data_url.clone(), form(Vec::new())),
            Call::Messages { index, count } => {
                let mut query = op_query;
                for (name, value) in [("&index=", index), ("&count=", count)] {
                    if let Some(n) = value {
                        query.push_str(name);
                        query.push_str(&number_text(*n as f64));
                    }
                }
                (
                    Method::Get,
                    session(&concat(&["/messages", &query])),
                    Body::Empty,
                )
            }
            Call::Post { kind, text } => (
                Method::Post,
                session("/messages"),
                form(vec![
                    ("data[type]".to_owned(), (*kind).to_owned()),
                    ("data[text]".to_owned(), text.clone()),
                ]),
            ),
            Call::UserData { user_data } => {
                let mut fields = Vec::new();
                bracket_encode(
                    "data[userData]",
                    &Json::Object(user_data.clone()),
                    &mut fields,
                );
                (Method::Put, session("/userdata"), form(fields))
            }
            Call::Upload {
                command,
                file_index,
            } => (
                Method::Post,
                session("/images"),
                Body::Multipart(vec![
                    Part::Text {
                        name: "operationId".to_owned(),
                        value: operation.to_owned(),
                    },
                    Part::File {
                        name: "file".to_owned(),
                        command: *command,
                        file_index: *file_index,
                    },
                ]),
            ),
            Call::Download { file_id } => (
                Method::Get,
                session(&concat(&["/images/", &encode_segment(file_id), &op_query])),
                Body::Empty,
            ),
            Call::Leave => {
                let me = encode_segment(target.map_or("", |t| t.participant_id));
                let tail = concat(&["/participants/", &me, &op_query]);
                (Method::Delete, session(&tail), Body::Empty)
            }
        };
        HttpRequest {
            method,
            url,
            headers,
            body,
            timeout_ms: self.timeout_ms,
            with_credentials: false,
        }
    }

    /// The start form: `data[firstName|lastName|nickname|email|subject|endpoint]` and
    /// `data[userData][…]`.
    fn start_fields(&self, form: &StartForm, user_data: &Object) -> Vec<(String, String)> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let first = text(&form.first_name);
        let last = text(&form.last_name);
        let nickname = match form.nickname.as_deref().filter(|n| !n.trim().is_empty()) {
            Some(n) => n.to_owned(),
            None => concat(&[&first, " ", &last]).trim().to_owned(),
        };
        let mut fields = vec![
            ("data[firstName]".to_owned(), first),
            ("data[lastName]".to_owned(), last),
            ("data[nickname]".to_owned(), nickname),
            ("data[email]".to_owned(), text(&form.email)),
            ("data[subject]".to_owned(), text(&form.subject)),
            ("data[endpoint]".to_owned(), self.endpoint.clone()),
        ];
        bracket_encode(
            "data[userData]",
            &Json::Object(user_data.clone()),
            &mut fields,
        );
        fields
    }
}

/// Reads an answer.
pub fn parse(outcome: &HttpOutcome) -> Reply {
    let HttpOutcome::Response { status, body } = outcome else {
        return Reply::Unreachable(ajax_error(outcome));
    };
    let code = body
        .json
        .as_ref()
        .and_then(|b| b.get("status"))
        .and_then(|s| s.get("code"))
        .and_then(Json::as_str);
    match status {
        200..=299 => Reply::Done(body.json.clone().unwrap_or(Json::Null)),
        404 => Reply::Lost(ajax_error(outcome)),
        _ if code == Some(INVALID_SESSION) => Reply::Lost(ajax_error(outcome)),
        400..=499 => Reply::Refused(ajax_error(outcome)),
        _ => Reply::Unreachable(ajax_error(outcome)),
    }
}

/// The `clientToken` of a start or resume answer.
pub fn client_token(body: &Json) -> Option<&str> {
    body.get("data")?
        .get("clientToken")?
        .as_str()
        .filter(|t| !t.is_empty())
}

/// A start answer without its `clientToken`, for startChat's resolution and `started`.
pub fn without_token(body: &Json) -> Json {
    let mut body = body.clone();
    if let Json::Object(top) = &mut body
        && let Some(mut data) = top.get("data").cloned().and_then(Json::into_object)
    {
        data.remove("clientToken");
        top.insert("data", Json::Object(data));
    }
    body
}

/// The messages of a poll or history answer: `(normalised, wire)` pairs in server order, and
/// `chatEnded`. Messages without a readable index are dropped.
pub fn messages(body: &Json) -> (Vec<(Message, Json)>, bool) {
    let data = body.get("data");
    let ended = data
        .and_then(|d| d.get("chatEnded"))
        .and_then(Json::as_bool)
        .unwrap_or(false);
    let list = data
        .and_then(|d| d.get("messages"))
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|raw| Some((normalise(raw)?, raw.clone())))
                .collect()
        })
        .unwrap_or_default();
    (list, ended)
}

/// A v3 message to the published shape. `Text` becomes `Message`; indexes arrive as strings.
fn normalise(raw: &Json) -> Option<Message> {
    let index = match raw.get("index")? {
        Json::String(s) => s.trim().parse().ok()?,
        n @ Json::Number(_) => n.as_u64()?,
        _ => return None,
    };
    let wire_type = raw.get("type").and_then(Json::as_str).unwrap_or_default();
    let message_kind = match wire_type {
        "Text" | "Message" => kind::MESSAGE,
        other => other,
    };
    let from = raw.get("from");
    let field = |k: &str| from.and_then(|f| f.get(k)).map(scalar_text);
    let mut extra = Object::new();
    if let Some(url) = raw.get("url").filter(|u| u.is_string()) {
        extra.insert("url", url.clone());
    }
    if message_kind != wire_type {
        extra.insert("originalType", Json::String(wire_type.to_owned()));
    }
    Some(Message {
        index: Some(index),
        id: None,
        kind: message_kind.to_owned(),
        text: raw.get("text").map(scalar_text).unwrap_or_default(),
        timestamp: raw
            .get("utcTime")
            .and_then(Json::as_f64)
            .map_or(0, |t| t.max(0.0) as u64),
        from: Sender {
            name: field("nickname").unwrap_or_default(),
            kind: SenderType::parse(&field("type").unwrap_or_default()),
            participant_id: field("participantId").unwrap_or_default(),
        },
        extra,
    })
}
