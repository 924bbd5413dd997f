//! The GMS Chat API v2 REST codec (transports.md §1 and §5): calls to requests, answers to
//! [`Reply`]s. Pure and stateless; the session in `mod.rs` owns the keys and the steps.
//!
//! Every call is a form-encoded `POST`; request chat goes to `{dataURL}/` with empty `alias`,
//! `secureKey`, `userId` and `text`, per-session calls to `{dataURL}/{chatId}/{op}` with the keys.
//! Answers share the envelope `{statusCode, alias, chatEnded, chatId, userId, secureKey,
//! nextPosition, messages}`; errors are HTTP 400 `{errors: [{code, message}]}`.

use super::files::{FileLimits, parse_limits};
use crate::command::Environment;
use crate::config::GmsConfig;
use crate::drive::CommandId;
use crate::http::{
    Body, HttpOutcome, HttpRequest, Method, Part, ajax_error, bracket_encode, encode_segment,
    scalar_text,
};
use crate::json;
use crate::json::{Json, Object};
use crate::message::{Message, Sender, SenderType, kind};
use crate::session::{StartForm, UserDataOp};

/// The keys that identify a GMS session on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GmsKeys {
    /// `chatId`.
    pub chat_id: String,
    /// `userId`.
    pub user_id: String,
    /// `secureKey`.
    pub secure_key: String,
    /// `alias`; may change during a session.
    pub alias: String,
}

impl GmsKeys {
    /// The persisted form, tagged with the transport (`gms`, `cometd`).
    pub fn record(&self, tag: &str) -> Json {
        json!({"transport": tag, "chatId": self.chat_id, "userId": self.user_id,
               "secureKey": self.secure_key, "alias": self.alias})
    }

    /// Keys from a persisted [`GmsKeys::record`] with this tag; `None` when it is another
    /// transport's or unreadable.
    pub fn from_record(record: &Json, tag: &str) -> Option<Self> {
        if record.get("transport").and_then(Json::as_str) != Some(tag) {
            return None;
        }
        let text = |k: &str| record.get(k).filter(|v| v.is_string()).map(scalar_text);
        Some(Self {
            // It goes into request URLs: a stored `..` must not walk up the path.
            chat_id: text("chatId").filter(|id| crate::http::is_url_safe_id(id))?,
            user_id: text("userId")?,
            secure_key: text("secureKey")?,
            alias: text("alias")?,
        })
    }
}

/// The nickname a start sends: the form's, or "first last".
pub fn nickname(form: &StartForm) -> String {
    match form.nickname.as_deref().filter(|n| !n.trim().is_empty()) {
        Some(n) => n.to_owned(),
        None => {
            let first = form.first_name.as_deref().unwrap_or_default();
            let last = form.last_name.as_deref().unwrap_or_default();
            [first, " ", last].concat().trim().to_owned()
        }
    }
}

/// One GMS call.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// Request a new chat; `user_data` is already merged and carries the page keys.
    RequestChat {
        /// Entry form.
        form: StartForm,
        /// Merged userData.
        user_data: Object,
    },
    /// `send` a chat message.
    Send {
        /// Text.
        text: String,
    },
    /// `refresh` from `position`; `preview` is typing-preview text.
    Refresh {
        /// Next index wanted.
        position: u64,
        /// Preview text (usually empty).
        preview: String,
    },
    /// `startTyping`.
    StartTyping {
        /// Transcript position.
        position: u64,
        /// Preview text.
        text: String,
    },
    /// `stopTyping`.
    StopTyping {
        /// Transcript position.
        position: u64,
        /// Preview text.
        text: String,
    },
    /// `disconnect`.
    Disconnect,
    /// `customNotice`.
    CustomNotice {
        /// Text.
        text: String,
    },
    /// `updateData`.
    UpdateData {
        /// The new userData.
        user_data: Object,
    },
    /// `getUserData` or `deleteUserData` with `key`.
    UserData(UserDataOp),
    /// `file/limits`.
    FileLimits,
    /// `file`: one file of a sendFile call.
    UploadFile {
        /// The sendFile call.
        command: CommandId,
        /// Which of its files.
        file_index: usize,
    },
    /// `file/{id}/download`.
    DownloadFile {
        /// Server file id.
        file_id: String,
    },
}

/// A successful answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answer {
    /// The parsed body, used as the "AJAX Response Object" resolutions carry.
    pub body: Json,
    /// Session keys, when the answer carries (possibly updated) ones.
    pub keys: Option<GmsKeys>,
    /// Normalised messages, in server order.
    pub messages: Vec<Message>,
    /// The wire messages, for `originalMessages`.
    pub raw_messages: Vec<Json>,
    /// `chatEnded`, when present.
    pub chat_ended: Option<bool>,
    /// Upload limits, for [`Call::FileLimits`].
    pub file_limits: Option<FileLimits>,
}

/// The codec's reading of an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The call succeeded.
    Done(Box<Answer>),
    /// A transient failure (network, timeout, 5xx, statusCode 1); the value is the AJAX error.
    Transient(Json),
    /// A permanent failure (4xx, statusCode 2); `chat_ended` when the server says so.
    Failed {
        /// The AJAX error.
        error: Json,
        /// The session is over.
        chat_ended: bool,
    },
}

/// The GMS v2 REST codec.
#[derive(Debug, Clone)]
pub struct GmsWire {
    data_url: String,
    /// The transport's own headers (`apikey`).
    headers: Vec<(String, String)>,
    /// `enableCustomHeader`: the page's custom headers go on every request.
    custom_enabled: bool,
    /// The page's custom headers as last set (`main.header`, then `App.updateAJAXHeader`).
    custom: Vec<(String, String)>,
    timeout_ms: u64,
    with_credentials: bool,
}

impl GmsWire {
    /// A codec for `config`; `env.custom_headers` are attached when `enableCustomHeader` is set.
    pub fn new(config: &GmsConfig, timeout_ms: u64, env: &Environment) -> Self {
        let mut headers = Vec::new();
        if let Some(k) = config.apikey.as_ref().filter(|k| !k.is_empty()) {
            headers.push(("apikey".to_owned(), k.clone()));
        }
        let mut wire = Self {
            data_url: config.data_url.clone(),
            headers,
            custom_enabled: config.enable_custom_header,
            custom: Vec::new(),
            timeout_ms,
            with_credentials: config.with_credentials,
        };
        wire.set_custom_headers(&env.custom_headers);
        wire
    }

    /// Replaces the page's custom headers: every request built from now on carries these (when
    /// `enableCustomHeader` is set), so `App.updateAJAXHeader`/`removeAJAXHeader` reach the next
    /// call of a running chat.
    pub fn set_custom_headers(&mut self, headers: &[(String, String)]) {
        if self.custom_enabled {
            self.custom.clear();
            self.custom.extend_from_slice(headers);
        }
    }

    /// The transport's own headers, then the custom ones (both are sent, as before: a custom
    /// header named like an own one is appended to it).
    fn request(&self, url: String, body: Body) -> HttpRequest {
        let mut headers = self.headers.clone();
        headers.extend_from_slice(&self.custom);
        HttpRequest {
            method: Method::Post,
            url,
            headers,
            body,
            timeout_ms: self.timeout_ms,
            with_credentials: self.with_credentials,
        }
    }

    fn session_url(&self, keys: Option<&GmsKeys>, op: &str) -> String {
        let chat_id = keys.map(|k| k.chat_id.as_str()).unwrap_or("");
        [
            self.data_url.as_str(),
            "/",
            &encode_segment(chat_id),
            "/",
            op,
        ]
        .concat()
    }
}

/// `userId`, `secureKey`, `alias` fields, in that order.
fn key_fields(keys: Option<&GmsKeys>) -> Vec<(String, String)> {
    let (user_id, secure_key, alias) = match keys {
        Some(k) => (k.user_id.clone(), k.secure_key.clone(), k.alias.clone()),
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
    let mut f = vec![
        ("nickname".to_owned(), nickname(form)),
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

impl GmsWire {
    /// The request for `op`.
    pub fn build(&self, op: &Call, keys: Option<&GmsKeys>) -> HttpRequest {
        let with = |extra: Vec<(&str, String)>| {
            let mut f = key_fields(keys);
            f.extend(extra.into_iter().map(|(k, v)| (k.to_owned(), v)));
            Body::Form(f)
        };
        match op {
            Call::RequestChat { form, user_data } => self.request(
                [self.data_url.as_str(), "/"].concat(),
                Body::Form(start_fields(form, user_data)),
            ),
            Call::Send { text } => self.request(
                self.session_url(keys, "send"),
                with(vec![
                    ("message", text.clone()),
                    ("messageType", "text".into()),
                ]),
            ),
            Call::Refresh { position, preview } => self.request(
                self.session_url(keys, "refresh"),
                with(vec![
                    ("transcriptPosition", position.to_string()),
                    ("message", preview.clone()),
                ]),
            ),
            Call::StartTyping { position, text } | Call::StopTyping { position, text } => {
                let op_name = if matches!(op, Call::StartTyping { .. }) {
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
            Call::Disconnect => self.request(self.session_url(keys, "disconnect"), with(vec![])),
            Call::CustomNotice { text } => self.request(
                self.session_url(keys, "customNotice"),
                with(vec![("message", text.clone())]),
            ),
            Call::UpdateData { user_data } => {
                let mut f = key_fields(keys);
                bracket_encode("userData", &Json::Object(user_data.clone()), &mut f);
                self.request(self.session_url(keys, "updateData"), Body::Form(f))
            }
            Call::UserData(u) => self.request(
                self.session_url(keys, u.operation()),
                with(vec![("key", u.key().to_owned())]),
            ),
            Call::FileLimits => self.request(self.session_url(keys, "file/limits"), with(vec![])),
            Call::UploadFile {
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
            Call::DownloadFile { file_id } => self.request(
                self.session_url(
                    keys,
                    &["file/", &encode_segment(file_id), "/download"].concat(),
                ),
                with(vec![]),
            ),
        }
    }

    /// Reads the answer to `op`; `keys` are the current ones, which answers may update.
    pub fn parse(&self, op: &Call, keys: Option<&GmsKeys>, outcome: &HttpOutcome) -> Reply {
        let HttpOutcome::Response { status, body } = outcome else {
            return Reply::Transient(ajax_error(outcome));
        };
        match status {
            200..=299 => {}
            400..=499 => {
                return Reply::Failed {
                    error: ajax_error(outcome),
                    chat_ended: false,
                };
            }
            _ => return Reply::Transient(ajax_error(outcome)),
        }
        // A download's body is the file; an empty answer to disconnect ends the chat as asked.
        if matches!(op, Call::DownloadFile { .. })
            || (matches!(op, Call::Disconnect) && body.text.trim().is_empty())
        {
            return Reply::Done(Box::default());
        }
        self.read_envelope(op, keys, outcome, body.json.as_ref())
    }

    /// Reads an envelope that came without HTTP (the CometD flavour pushes the REST envelope):
    /// as the REST call's answer would read, HTTP 400 when it carries `errors`, else 200. The
    /// rejection's `responseText` is empty; `responseJSON` is the envelope.
    #[cfg(feature = "cometd")]
    pub fn parse_pushed(&self, op: &Call, keys: Option<&GmsKeys>, envelope: &Json) -> Reply {
        let refused = envelope.get("errors").is_some();
        let outcome = HttpOutcome::Response {
            status: if refused { 400 } else { 200 },
            body: crate::http::ResponseBody {
                text: String::new(),
                json: Some(envelope.clone()),
                retry_after_s: None,
            },
        };
        if refused {
            return Reply::Failed {
                error: ajax_error(&outcome),
                chat_ended: false,
            };
        }
        self.read_envelope(op, keys, &outcome, Some(envelope))
    }

    fn read_envelope(
        &self,
        op: &Call,
        keys: Option<&GmsKeys>,
        outcome: &HttpOutcome,
        json: Option<&Json>,
    ) -> Reply {
        // Only an envelope with `statusCode: 0` is a success: an empty body or one without a
        // status (a proxy's blank 200, say) must not count as a delivered message.
        let Some(Json::Object(env)) = json else {
            return Reply::Transient(ajax_error(outcome));
        };
        let chat_ended = env.get("chatEnded").and_then(Json::as_bool);
        match env.get("statusCode").and_then(Json::as_i64) {
            Some(0) => {}
            None | Some(1) => return Reply::Transient(ajax_error(outcome)),
            Some(_) => {
                return Reply::Failed {
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
        let file_limits = matches!(op, Call::FileLimits)
            .then(|| {
                raw_messages
                    .first()
                    .and_then(|m| m.get("userData"))
                    .map(parse_limits)
            })
            .flatten();
        Reply::Done(Box::new(Answer {
            keys: keys_from(env, keys),
            body: Json::Object(env.clone()),
            messages,
            raw_messages,
            chat_ended,
            file_limits,
        }))
    }

    /// getSessionData's answer: `{secureKey, sessionID, alias, userId}` (and `sessionId`).
    pub fn session_data(keys: Option<&GmsKeys>) -> Json {
        match keys {
            Some(GmsKeys {
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
fn keys_from(env: &Object, current: Option<&GmsKeys>) -> Option<GmsKeys> {
    let text = |k: &str| env.get(k).map(scalar_text).filter(|s| !s.is_empty());
    match current {
        Some(GmsKeys {
            chat_id,
            user_id,
            secure_key,
            alias,
        }) => Some(GmsKeys {
            chat_id: text("chatId").unwrap_or_else(|| chat_id.clone()),
            user_id: text("userId").unwrap_or_else(|| user_id.clone()),
            secure_key: text("secureKey").unwrap_or_else(|| secure_key.clone()),
            alias: text("alias").unwrap_or_else(|| alias.clone()),
        }),
        None => Some(GmsKeys {
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

#[cfg(test)]
mod tests;
