//! GMS Chat API v2 over REST (transports.md §1 and §5), sans-IO.
//!
//! Every call is a form-encoded `POST`; request chat goes to `{dataURL}/` with empty `alias`,
//! `secureKey`, `userId` and `text`, per-session calls to `{dataURL}/{chatId}/{op}` with the keys.
//! Answers share the envelope `{statusCode, alias, chatEnded, chatId, userId, secureKey,
//! nextPosition, messages}`; errors are HTTP 400 `{errors: [{code, message}]}`.

use super::{Answer, FileLimits, Op, Outgoing, StartForm, Transport, TransportReply};
use crate::capabilities::Capabilities;
use crate::command::Environment;
use crate::config::GmsConfig;
use crate::http::{
    Body, HttpOutcome, HttpRequest, Method, Part, ajax_error, bracket_encode, scalar_text,
};
use crate::json;
use crate::json::{Json, Object};
use crate::message::{Message, Sender, SenderType, kind};
use crate::persist::SessionKeys;

/// The GMS v2 REST codec.
#[derive(Debug, Clone)]
pub struct GmsTransport {
    data_url: String,
    headers: Vec<(String, String)>,
    timeout_ms: u64,
    with_credentials: bool,
}

impl GmsTransport {
    /// A codec for `config`; `env.custom_headers` are attached when `enableCustomHeader` is set.
    pub fn new(config: &GmsConfig, timeout_ms: u64, env: &Environment) -> Self {
        let mut headers = Vec::new();
        if let Some(k) = config.apikey.as_ref().filter(|k| !k.is_empty()) {
            headers.push(("apikey".to_owned(), k.clone()));
        }
        if config.enable_custom_header {
            headers.extend(env.custom_headers.iter().cloned());
        }
        Self {
            data_url: config.data_url.clone(),
            headers,
            timeout_ms,
            with_credentials: config.with_credentials,
        }
    }

    fn request(&self, url: String, body: Body) -> Outgoing {
        Outgoing::Http(HttpRequest {
            method: Method::Post,
            url,
            headers: self.headers.clone(),
            body,
            timeout_ms: self.timeout_ms,
            with_credentials: self.with_credentials,
        })
    }

    fn session_url(&self, keys: Option<&SessionKeys>, op: &str) -> String {
        let chat_id = keys
            .map(|SessionKeys::Gms { chat_id, .. }| chat_id.as_str())
            .unwrap_or("");
        format!("{}/{}/{}", self.data_url, encode_segment(chat_id), op)
    }
}

/// `userId`, `secureKey`, `alias` fields, in that order.
fn key_fields(keys: Option<&SessionKeys>) -> Vec<(String, String)> {
    let (user_id, secure_key, alias) = match keys {
        Some(SessionKeys::Gms {
            user_id,
            secure_key,
            alias,
            ..
        }) => (user_id.clone(), secure_key.clone(), alias.clone()),
        None => Default::default(),
    };
    vec![
        ("userId".to_owned(), user_id),
        ("secureKey".to_owned(), secure_key),
        ("alias".to_owned(), alias),
    ]
}

fn start_fields(form: &StartForm, user_data: &Object) -> Vec<(String, String)> {
    let first = form.first_name.clone().unwrap_or_default();
    let last = form.last_name.clone().unwrap_or_default();
    let nickname = match form.nickname.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(n) => n.to_owned(),
        None => format!("{first} {last}").trim().to_owned(),
    };
    let mut f = vec![
        ("nickname".to_owned(), nickname),
        ("firstName".to_owned(), first),
        ("lastName".to_owned(), last),
        (
            "emailAddress".to_owned(),
            form.email.clone().unwrap_or_default(),
        ),
        (
            "subject".to_owned(),
            form.subject.clone().unwrap_or_default(),
        ),
        ("alias".to_owned(), String::new()),
        ("secureKey".to_owned(), String::new()),
        ("userId".to_owned(), String::new()),
        ("text".to_owned(), String::new()),
    ];
    bracket_encode("userData", &Json::Object(user_data.clone()), &mut f);
    f
}

impl Transport for GmsTransport {
    fn capabilities(&self) -> Capabilities {
        Capabilities::GMS_REST
    }

    fn build(&self, op: &Op, keys: Option<&SessionKeys>) -> Outgoing {
        let with = |extra: Vec<(&str, String)>| {
            let mut f = key_fields(keys);
            f.extend(extra.into_iter().map(|(k, v)| (k.to_owned(), v)));
            Body::Form(f)
        };
        match op {
            Op::StartChat { form, user_data } => self.request(
                format!("{}/", self.data_url),
                Body::Form(start_fields(form, user_data)),
            ),
            Op::Send { text } => self.request(
                self.session_url(keys, "send"),
                with(vec![
                    ("message", text.clone()),
                    ("messageType", "text".into()),
                ]),
            ),
            Op::Refresh { position, preview } => self.request(
                self.session_url(keys, "refresh"),
                with(vec![
                    ("transcriptPosition", position.to_string()),
                    ("message", preview.clone()),
                ]),
            ),
            Op::StartTyping { position, text } | Op::StopTyping { position, text } => {
                let op_name = if matches!(op, Op::StartTyping { .. }) {
                    "startTyping"
                } else {
                    "stopTyping"
                };
                self.request(
                    self.session_url(keys, op_name),
                    with(vec![
                        ("transcriptPosition", position.to_string()),
                        ("message", text.clone()),
                    ]),
                )
            }
            Op::Disconnect => self.request(self.session_url(keys, "disconnect"), with(vec![])),
            Op::CustomNotice { text } => self.request(
                self.session_url(keys, "customNotice"),
                with(vec![("message", text.clone())]),
            ),
            Op::UpdateData { user_data } => {
                let mut f = key_fields(keys);
                bracket_encode("userData", &Json::Object(user_data.clone()), &mut f);
                self.request(self.session_url(keys, "updateData"), Body::Form(f))
            }
            Op::FileLimits => self.request(self.session_url(keys, "file/limits"), with(vec![])),
            Op::UploadFile {
                command,
                file_index,
            } => {
                let mut parts: Vec<Part> = key_fields(keys)
                    .into_iter()
                    .map(|(name, value)| Part::Text { name, value })
                    .collect();
                parts.push(Part::File {
                    name: "file".into(),
                    command: *command,
                    file_index: *file_index,
                });
                self.request(self.session_url(keys, "file"), Body::Multipart(parts))
            }
            Op::DownloadFile { file_id } => self.request(
                self.session_url(keys, &format!("file/{}/download", encode_segment(file_id))),
                with(vec![]),
            ),
        }
    }

    fn parse(&self, op: &Op, keys: Option<&SessionKeys>, outcome: &HttpOutcome) -> TransportReply {
        let HttpOutcome::Response { status, body } = outcome else {
            return TransportReply::Transient(ajax_error(outcome));
        };
        match status {
            200..=299 => {}
            400..=499 => {
                return TransportReply::Failed {
                    error: ajax_error(outcome),
                    chat_ended: false,
                };
            }
            _ => return TransportReply::Transient(ajax_error(outcome)),
        }
        if matches!(op, Op::DownloadFile { .. }) || body.text.trim().is_empty() {
            return TransportReply::Done(Box::default());
        }
        let Some(Json::Object(env)) = &body.json else {
            return TransportReply::Transient(ajax_error(outcome));
        };
        let chat_ended = env.get("chatEnded").and_then(Json::as_bool);
        match env.get("statusCode").and_then(Json::as_i64).unwrap_or(0) {
            0 => {}
            1 => return TransportReply::Transient(ajax_error(outcome)),
            _ => {
                return TransportReply::Failed {
                    error: ajax_error(outcome),
                    chat_ended: chat_ended.unwrap_or(false),
                };
            }
        }
        let raw_messages = match env.get("messages") {
            Some(Json::Array(a)) => a.clone(),
            _ => Vec::new(),
        };
        let messages = raw_messages.iter().filter_map(normalise).collect();
        let file_limits = matches!(op, Op::FileLimits)
            .then(|| {
                raw_messages
                    .first()
                    .and_then(|m| m.get("userData"))
                    .map(parse_limits)
            })
            .flatten();
        TransportReply::Done(Box::new(Answer {
            keys: keys_from(env, keys),
            body: Json::Object(env.clone()),
            messages,
            raw_messages,
            chat_ended,
            file_limits,
        }))
    }

    fn session_data(&self, keys: Option<&SessionKeys>) -> Json {
        match keys {
            Some(SessionKeys::Gms {
                chat_id,
                user_id,
                secure_key,
                alias,
            }) => json!({
                "secureKey": secure_key, "sessionID": chat_id, "sessionId": chat_id,
                "alias": alias, "userId": user_id
            }),
            None => json!({}),
        }
    }
}

/// Session keys from an envelope merged over the current ones: request chat brings all of them,
/// later answers may bring only some, and the alias may change mid-session.
fn keys_from(env: &Object, current: Option<&SessionKeys>) -> Option<SessionKeys> {
    let text = |k: &str| env.get(k).map(scalar_text).filter(|s| !s.is_empty());
    match current {
        Some(SessionKeys::Gms {
            chat_id,
            user_id,
            secure_key,
            alias,
        }) => Some(SessionKeys::Gms {
            chat_id: text("chatId").unwrap_or_else(|| chat_id.clone()),
            user_id: text("userId").unwrap_or_else(|| user_id.clone()),
            secure_key: text("secureKey").unwrap_or_else(|| secure_key.clone()),
            alias: text("alias").unwrap_or_else(|| alias.clone()),
        }),
        None => Some(SessionKeys::Gms {
            chat_id: text("chatId")?,
            user_id: text("userId")?,
            secure_key: text("secureKey")?,
            alias: text("alias").unwrap_or_default(),
        }),
    }
}

/// A wire transcript event to the published shape; `None` without a usable index.
fn normalise(raw: &Json) -> Option<Message> {
    let index = match raw.get("index")? {
        n @ Json::Number(_) => n.as_u64()?,
        Json::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    let wire_type = raw.get("type").and_then(Json::as_str).unwrap_or_default();
    let kind = match wire_type {
        "ParticipantRejoined" => kind::PARTICIPANT_JOINED,
        other => other,
    };
    let from = raw.get("from");
    let bot = ["eventAttributes", "GCTI_SYSTEM", "party-info", "style"]
        .iter()
        .try_fold(raw, |v, k| v.get(k))
        .and_then(Json::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("BOT"));
    let sender_kind = if bot {
        SenderType::Bot
    } else {
        SenderType::parse(
            from.and_then(|f| f.get("type"))
                .and_then(Json::as_str)
                .unwrap_or_default(),
        )
    };
    let text = raw.get("text").map(scalar_text).unwrap_or_default();
    let mut extra = Object::new();
    if let Some(ud) = raw.get("userData").filter(|v| v.is_object()) {
        extra.insert("userData", ud.clone());
        if wire_type == kind::FILE_UPLOADED {
            let get = |k: &str| ud.get(k).cloned().unwrap_or(Json::Null);
            extra.insert(
                "file",
                json!({"id": get("file-id"), "name": get("file-name"), "size": get("file-size")}),
            );
        }
    }
    if wire_type == kind::PUSH_URL {
        extra.insert("url", json!(text));
    }
    if kind != wire_type {
        extra.insert("originalType", json!(wire_type));
    }
    Some(Message {
        index: Some(index),
        id: None,
        kind: kind.to_owned(),
        text,
        timestamp: raw
            .get("utcTime")
            .and_then(Json::as_f64)
            .map_or(0, |t| t.max(0.0) as u64),
        from: Sender {
            name: from
                .and_then(|f| f.get("nickname"))
                .map(scalar_text)
                .unwrap_or_default(),
            kind: sender_kind,
            participant_id: from
                .and_then(|f| f.get("participantId"))
                .map(scalar_text)
                .unwrap_or_default(),
        },
        extra,
    })
}

fn parse_limits(ud: &Json) -> FileLimits {
    let num = |k: &str| match ud.get(k) {
        Some(Json::Number(f)) => Some(f.max(0.0) as u64),
        Some(Json::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let d = FileLimits::default();
    FileLimits {
        max_files: num("upload-max-files").unwrap_or(d.max_files),
        max_file_size: num("upload-max-file-size").unwrap_or(d.max_file_size),
        max_total_size: num("upload-max-total-size").unwrap_or(d.max_total_size),
        used_files: num("used-upload-max-files").unwrap_or(0),
        used_total_size: num("used-upload-max-total-size").unwrap_or(0),
        file_types: ud
            .get("upload-file-types")
            .and_then(Json::as_str)
            .map(|s| {
                s.split([':', ';', ',', ' '])
                    .map(|t| t.trim().trim_start_matches('.').to_ascii_lowercase())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Percent-encodes a URL path segment.
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

#[cfg(test)]
mod tests;
