//! GMS Chat API v2 over REST, under `/genesys/2/chat/{serviceName}`.

pub mod envelope;
mod user_data;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;

use crate::auto_agent;
use crate::clock::now_ms;
use crate::form::FormFields;
use crate::ids;
use crate::model::{CLIENT, Conversation, EventKind, FileError, ModelError, Protocol};
use crate::state::Shared;
use crate::store::Slot;
use crate::upload::{self, UploadError};
use envelope::status;

/// The GMS routes.
pub fn routes(config: &crate::Config) -> Router<Shared> {
    let base = "/genesys/2/chat/{service}";
    Router::new()
        .route(base, post(request_chat))
        .route(&format!("{base}/"), post(request_chat))
        .route(
            &format!("{base}/{{chat_id}}/file"),
            post(upload_file).layer(DefaultBodyLimit::max(upload::body_limit(
                &config.file_limits,
            ))),
        )
        .route(
            &format!("{base}/{{chat_id}}/file/limits"),
            post(file_limits).get(file_limits),
        )
        .route(
            &format!("{base}/{{chat_id}}/file/{{file_id}}/download"),
            post(download).get(download),
        )
        .route(
            &format!("{base}/{{chat_id}}/file/{{file_id}}/delete"),
            post(delete_file).get(delete_file),
        )
        .route(&format!("{base}/{{chat_id}}/{{op}}"), post(operation))
}

/// A GMS error answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GmsError {
    /// HTTP 400 with a documented code.
    #[error("{message}")]
    BadRequest {
        /// GMS error code.
        code: u16,
        /// Human-readable text.
        message: String,
    },
    /// Unknown chat, or a secureKey/userId that does not match it (HTTP 400, code 241, no
    /// `chatEnded` field: the session is gone as far as this client is concerned).
    #[error("chat session not found")]
    SessionNotFound,
    /// Missing or wrong `apikey` header (HTTP 401).
    #[error("apikey missing or invalid")]
    ApiKey,
}

impl GmsError {
    fn bad(code: u16, message: impl Into<String>) -> Self {
        GmsError::BadRequest {
            code,
            message: message.into(),
        }
    }
}

impl From<FileError> for GmsError {
    fn from(e: FileError) -> Self {
        let code = match e {
            FileError::TooManyFiles { .. } => 201,
            FileError::FileTooLarge { .. } | FileError::TotalSizeExceeded { .. } => 202,
            FileError::TypeNotAllowed { .. } => 203,
            FileError::NeedAgent => 205,
            FileError::UnknownFile(_) => 206,
        };
        GmsError::bad(code, e.to_string())
    }
}

impl IntoResponse for GmsError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            GmsError::BadRequest { code, message } => (
                StatusCode::BAD_REQUEST,
                envelope::error_body(*code, message),
            ),
            GmsError::SessionNotFound => (
                StatusCode::BAD_REQUEST,
                envelope::error_body(241, &self.to_string()),
            ),
            GmsError::ApiKey => (
                StatusCode::UNAUTHORIZED,
                envelope::error_body(401, &self.to_string()),
            ),
        };
        (status, axum::Json(body)).into_response()
    }
}

type GmsResult = Result<Response, GmsError>;

fn ok(body: Value) -> GmsResult {
    Ok(axum::Json(body).into_response())
}

fn check_api_key(app: &Shared, headers: &HeaderMap) -> Result<(), GmsError> {
    match &app.config.api_key {
        Some(key) if headers.get("apikey").and_then(|v| v.to_str().ok()) != Some(key.as_str()) => {
            Err(GmsError::ApiKey)
        }
        _ => Ok(()),
    }
}

/// The common start of every per-session call: the api key, the fields, then the session.
fn open_session(
    app: &Shared,
    headers: &HeaderMap,
    chat_id: &str,
    query: Option<&str>,
    body: &[u8],
) -> Result<(FormFields, Arc<Slot>), GmsError> {
    check_api_key(app, headers)?;
    let fields = FormFields::parse(query, body);
    let slot = authorize(app, chat_id, &fields)?;
    Ok((fields, slot))
}

/// Finds the chat and checks `secureKey` (and `userId` when given). A mismatch looks exactly like an
/// unknown chat, so it reveals nothing about other sessions.
pub(crate) fn authorize(
    app: &Shared,
    chat_id: &str,
    fields: &FormFields,
) -> Result<Arc<Slot>, GmsError> {
    let slot = app.store.get(chat_id).ok_or(GmsError::SessionNotFound)?;
    let secure_key = fields.text("secureKey");
    let user_id = fields.text("userId");
    let matches = slot.read(|c| {
        !secure_key.is_empty()
            && c.credentials.secure_key == secure_key
            && (user_id.is_empty() || c.credentials.user_id == user_id)
    });
    if matches {
        Ok(slot)
    } else {
        Err(GmsError::SessionNotFound)
    }
}

fn valid_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
        }
        None => false,
    }
}

async fn request_chat(
    State(app): State<Shared>,
    Path(service): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> GmsResult {
    check_api_key(&app, &headers)?;
    let fields = FormFields::parse(query.as_deref(), &body);
    let (body, _) = start_chat(&app, service, &fields)?;
    ok(body)
}

/// Validates a request-chat form and starts the conversation: the REST answer and its slot. Shared
/// with the CometD `requestChat` operation.
pub(crate) fn start_chat(
    app: &Shared,
    service: String,
    fields: &FormFields,
) -> Result<(Value, Arc<Slot>), GmsError> {
    if !app.config.services.is_empty() && !app.config.services.contains(&service) {
        return Err(GmsError::bad(306, format!("invalid service: {service}")));
    }
    if app.with_faults(|f| f.rejects_new_chats()) {
        return Err(GmsError::bad(240, "cannot start a new chat now"));
    }
    let nickname = fields.text("nickname").trim();
    let first = fields.text("firstName").trim();
    let last = fields.text("lastName").trim();
    let nickname = match (nickname, first, last) {
        ("", "", "") => {
            return Err(GmsError::bad(
                161,
                "nickname or first and last name required",
            ));
        }
        ("", "", _) => return Err(GmsError::bad(102, "first name required")),
        ("", _, "") => return Err(GmsError::bad(103, "last name required")),
        ("", first, last) => format!("{first} {last}"),
        (nickname, _, _) => nickname.to_owned(),
    };
    let email = fields.text("emailAddress").trim();
    if !email.is_empty() && !valid_email(email) {
        return Err(GmsError::bad(
            364,
            format!("invalid email address: {email}"),
        ));
    }
    let now = now_ms();
    let mut c = Conversation::new(
        ids::chat_id(),
        Protocol::Gms,
        &nickname,
        app.config.file_limits.clone(),
        ids::seed(),
        now,
    );
    c.service = service;
    c.subject = fields.text("subject").to_owned();
    c.email = email.to_owned();
    c.credentials.secure_key = ids::hex(8);
    c.credentials.user_id = ids::user_id();
    c.credentials.alias = ids::alias();
    c.update_user_data(fields.bracketed("userData"), now);
    let body = envelope::envelope(&c, status::OK, c.transcript());
    let slot = app.store.insert(c);
    auto_agent::attend(app, &slot);
    Ok((body, slot))
}

/// What a per-session operation did, for building the answer.
enum Outcome {
    /// Answer with the envelope and the events from this position (none when `None`).
    Envelope(Option<u64>),
    /// The chat is over: statusCode 2, chatEnded true.
    Ended(Option<u64>),
}

async fn operation(
    State(app): State<Shared>,
    Path((_service, chat_id, op)): Path<(String, String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> GmsResult {
    let (fields, slot) = open_session(&app, &headers, &chat_id, query.as_deref(), &body)?;
    run_operation(&app, &slot, &op, &fields).map(|body| axum::Json(body).into_response())
}

/// Applies a per-session operation (`send`, `refresh`, `startTyping`, …) to an authorized chat and
/// renders the envelope. Shared with the CometD operations.
pub(crate) fn run_operation(
    app: &Shared,
    slot: &Slot,
    op: &str,
    fields: &FormFields,
) -> Result<Value, GmsError> {
    let max_chars = app.config.max_message_chars;
    let position = fields.number("transcriptPosition");
    let message = fields.text("message");
    let now = now_ms();
    slot.update(|c| {
        c.touch(now);
        if user_data::handles(op) {
            return user_data::apply(c, op, fields, now);
        }
        let applied: Result<Option<u64>, ModelError> = match op {
            "send" => {
                if message.chars().count() > max_chars {
                    return Err(GmsError::bad(
                        204,
                        format!("message too long: at most {max_chars} characters"),
                    ));
                }
                let kind = if fields.text("messageType").eq_ignore_ascii_case("pushurl") {
                    EventKind::PushUrl
                } else {
                    EventKind::Message
                };
                c.post(Some(CLIENT), kind, message, now).map(|_| position)
            }
            "refresh" => {
                c.set_typing_preview(CLIENT, message);
                Ok(Some(position.unwrap_or(1)))
            }
            "startTyping" | "stopTyping" => c
                .set_typing(CLIENT, op == "startTyping", message, now)
                .map(|_| position),
            "disconnect" => match c.remove_party(CLIENT, now) {
                Err(ModelError::NotConnected(_)) => Ok(position),
                other => other.map(|()| position),
            },
            "customNotice" => c
                .post(Some(CLIENT), EventKind::CustomNotice, message, now)
                .map(|_| position),
            "pushUrl" => c
                .post(
                    Some(CLIENT),
                    EventKind::PushUrl,
                    fields.text("pushUrl"),
                    now,
                )
                .map(|_| position),
            "updateData" => {
                if c.is_ended() {
                    Err(ModelError::ChatEnded)
                } else {
                    c.update_user_data(fields.bracketed("userData"), now);
                    Ok(position)
                }
            }
            "readReceipt" => {
                c.read_position = c.read_position.max(position.unwrap_or(0));
                Ok(None)
            }
            other => return Err(GmsError::bad(100, format!("unknown operation: {other}"))),
        };
        let outcome = match applied {
            Ok(position) => Outcome::Envelope(position),
            Err(ModelError::ChatEnded | ModelError::NotConnected(_)) => Outcome::Ended(position),
            Err(ModelError::File(e)) => return Err(e.into()),
            Err(ModelError::UnknownParty(_)) => return Err(GmsError::SessionNotFound),
        };
        Ok(render(c, outcome))
    })
}

fn render(c: &Conversation, outcome: Outcome) -> Value {
    let (code, position) = match outcome {
        Outcome::Envelope(p) => (status::OK, p),
        Outcome::Ended(p) => (status::PERMANENT, p),
    };
    let messages = position.map(|p| c.events_from(p)).unwrap_or(&[]);
    envelope::envelope(c, code, messages)
}

async fn file_limits(
    State(app): State<Shared>,
    Path((_service, chat_id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> GmsResult {
    let (_, slot) = open_session(&app, &headers, &chat_id, query.as_deref(), &body)?;
    let now = now_ms();
    ok(slot.update(|c| {
        c.touch(now);
        envelope::file_limits(c, now)
    }))
}

async fn upload_file(
    State(app): State<Shared>,
    Path((_service, chat_id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    multipart: Result<Multipart, MultipartRejection>,
) -> GmsResult {
    check_api_key(&app, &headers)?;
    let upload = match upload::read(multipart).await {
        Ok(upload) => upload,
        Err(UploadError::TooLarge) => {
            let max = app.config.file_limits.max_file_size;
            return Err(GmsError::bad(
                202,
                format!("file too large: at most {max} bytes"),
            ));
        }
        Err(UploadError::Malformed) => return Err(GmsError::bad(100, "malformed multipart body")),
    };
    let mut fields = FormFields::parse(query.as_deref(), &[]);
    fields.extend(upload.fields);
    let slot = authorize(&app, &chat_id, &fields)?;
    let file = upload
        .file
        .ok_or_else(|| GmsError::bad(100, "no file part in the upload"))?;
    let now = now_ms();
    slot.update(|c| {
        let id = match c.upload_file(
            CLIENT,
            &file.name,
            &file.content_type,
            Arc::from(file.bytes),
            now,
        ) {
            Ok(id) => id,
            Err(ModelError::File(e)) => return Err(e.into()),
            Err(_) => return ok(render(c, Outcome::Ended(None))),
        };
        let mut body = envelope::envelope(c, status::OK, &[]);
        body["userData"] = serde_json::json!({"file-id": id});
        ok(body)
    })
}

async fn download(
    State(app): State<Shared>,
    Path((_service, chat_id, file_id)): Path<(String, String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> GmsResult {
    let (_, slot) = open_session(&app, &headers, &chat_id, query.as_deref(), &body)?;
    let file = slot.update(|c| c.download_file(&file_id, now_ms()));
    match file {
        Ok(file) => Ok(file_response(&file)),
        Err(ModelError::File(e)) => Err(e.into()),
        Err(_) => Err(GmsError::SessionNotFound),
    }
}

/// A download answer: the bytes with their type, always as an attachment (never rendered inline,
/// so an uploaded `é.html` cannot run on the emulator's origin) and never sniffed.
pub fn file_response(file: &crate::model::StoredFile) -> Response {
    let mut response = (StatusCode::OK, file.bytes.to_vec()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&file.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&attachment_disposition(&file.name))
            .unwrap_or(HeaderValue::from_static("attachment")),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266): plain ASCII
/// whatever the name, with the real name for browsers that read `filename*`.
pub fn attachment_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

async fn delete_file(
    State(app): State<Shared>,
    Path((_service, chat_id, file_id)): Path<(String, String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> GmsResult {
    let (fields, slot) = open_session(&app, &headers, &chat_id, query.as_deref(), &body)?;
    let position = fields.number("transcriptPosition");
    slot.update(|c| match c.delete_file(CLIENT, &file_id, now_ms()) {
        Ok(()) => ok(render(c, Outcome::Envelope(position))),
        Err(ModelError::File(e)) => Err(e.into()),
        Err(_) => ok(render(c, Outcome::Ended(position))),
    })
}

/// The answer to a request failed on purpose: HTTP 200 `statusCode: 1`, or a 5xx with an error body.
pub fn injected_failure(http_status: Option<StatusCode>) -> Response {
    match http_status {
        None => axum::Json(envelope::transient_body()).into_response(),
        Some(status) => (
            status,
            axum::Json(envelope::error_body(100, "chat server unavailable")),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_validation_accepts_ordinary_addresses_only() {
        assert!(valid_email("a@b.io"));
        assert!(!valid_email("a@b"));
        assert!(!valid_email("@b.io"));
        assert!(!valid_email("a b@c.io"));
        assert!(!valid_email("nope"));
    }
}
