//! Engage v3 (`pureengage-v3-rest`) under `/nexus/v3/chat/sessions`: `x-api-key` on every call,
//! `x-nexus-client-key` (the `clientToken`) after start, form bodies with `data[…]` fields, and
//! `{status: {code, message}}` errors. Starting with a live token resumes that session (async mode).

pub mod wire;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use serde_json::{Value, json};

use crate::auto_agent;
use crate::clock::now_ms;
use crate::form::FormFields;
use crate::ids;
use crate::model::{CLIENT, Conversation, EventKind, FileError, ModelError, Protocol};
use crate::state::Shared;
use crate::store::Slot;
use crate::upload::{self, UploadError};
use wire::BASE;

/// The v3 routes.
pub fn routes(config: &crate::Config) -> Router<Shared> {
    let session = format!("{BASE}/{{sid}}");
    Router::new()
        .route(BASE, post(start))
        .route(&format!("{BASE}/"), post(start))
        .route(&format!("{session}/messages"), get(poll).post(send))
        .route(
            &format!("{session}/userdata"),
            put(update_user_data).post(update_user_data),
        )
        .route(
            &format!("{session}/images"),
            post(upload_image).layer(DefaultBodyLimit::max(upload::body_limit(
                &config.file_limits,
            ))),
        )
        .route(
            &format!("{session}/images/{{file_id}}"),
            get(download_image),
        )
        .route(&format!("{session}/participants/{{pid}}"), delete(end))
}

/// A v3 error answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct V3Error {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl V3Error {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        V3Error {
            status,
            code,
            message: message.into(),
        }
    }

    fn invalid_session() -> Self {
        V3Error::new(
            StatusCode::NOT_FOUND,
            "INVALID_SESSION",
            "session not found",
        )
    }

    fn auth() -> Self {
        V3Error::new(
            StatusCode::UNAUTHORIZED,
            "AUTHENTICATION_REQUIRED",
            "missing or invalid credentials",
        )
    }

    fn parameter(message: impl Into<String>) -> Self {
        V3Error::new(StatusCode::BAD_REQUEST, "INVALID_PARAMETER", message)
    }
}

impl From<FileError> for V3Error {
    fn from(e: FileError) -> Self {
        let code = match e {
            FileError::TypeNotAllowed { .. } => "INVALID_FILE_TYPE",
            FileError::FileTooLarge { .. } | FileError::TotalSizeExceeded { .. } => {
                "LIMIT_FILE_SIZE"
            }
            FileError::TooManyFiles { .. } => "LIMIT_FILE_COUNT",
            FileError::NeedAgent => "NO_AGENT",
            FileError::UnknownFile(_) => "NOT_FOUND",
        };
        let status = if code == "NOT_FOUND" {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::BAD_REQUEST
        };
        V3Error::new(status, code, e.to_string())
    }
}

impl From<ModelError> for V3Error {
    fn from(e: ModelError) -> Self {
        match e {
            ModelError::File(f) => f.into(),
            ModelError::ChatEnded | ModelError::NotConnected(_) => {
                V3Error::new(StatusCode::BAD_REQUEST, "CHAT_ENDED", e.to_string())
            }
            ModelError::UnknownParty(_) => V3Error::invalid_session(),
        }
    }
}

impl IntoResponse for V3Error {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(wire::error(self.code, &self.message)),
        )
            .into_response()
    }
}

/// The answer to a request failed on purpose.
pub fn injected_failure(status: StatusCode) -> Response {
    V3Error::new(status, "SERVICE_UNAVAILABLE", "service unavailable").into_response()
}

type V3Result = Result<Response, V3Error>;

fn ok(body: Value) -> V3Result {
    Ok(axum::Json(body).into_response())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn check_api_key(app: &Shared, headers: &HeaderMap) -> Result<(), V3Error> {
    match (header(headers, "x-api-key"), &app.config.api_key) {
        (None, _) => Err(V3Error::auth()),
        (Some(given), Some(key)) if given != key => Err(V3Error::auth()),
        _ => Ok(()),
    }
}

/// Checks both keys and finds the session.
fn authorize(app: &Shared, headers: &HeaderMap, sid: &str) -> Result<Arc<Slot>, V3Error> {
    check_api_key(app, headers)?;
    let slot = app.store.get(sid).ok_or_else(V3Error::invalid_session)?;
    let token = header(headers, "x-nexus-client-key").ok_or_else(V3Error::auth)?;
    if slot.read(|c| c.credentials.token == token) {
        Ok(slot)
    } else {
        Err(V3Error::auth())
    }
}

/// The `data[…]` fields of a form, unwrapped.
fn data_fields(query: Option<&str>, body: &[u8]) -> FormFields {
    FormFields::from_pairs(
        FormFields::parse(query, body)
            .bracketed("data")
            .into_iter()
            .collect(),
    )
}

/// A message post must be a form: a body that is not UTF-8, or sent as another content type
/// (JSON, multipart), is a protocol error rather than an empty form.
fn readable_form(headers: &HeaderMap, body: &[u8]) -> Result<(), V3Error> {
    let content_type = header(headers, "content-type").unwrap_or_default();
    let is_form = content_type.is_empty()
        || content_type
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded");
    if !is_form && !body.is_empty() {
        return Err(V3Error::parameter(format!(
            "unreadable form: content type {content_type}"
        )));
    }
    if std::str::from_utf8(body).is_err() {
        return Err(V3Error::parameter("unreadable form: the body is not UTF-8"));
    }
    Ok(())
}

fn token_answer(c: &Conversation) -> Value {
    json!({"data": {"clientToken": c.credentials.token}})
}

async fn start(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> V3Result {
    check_api_key(&app, &headers)?;
    if let Some(token) = header(&headers, "x-nexus-client-key") {
        let sid = crate::jwt::claims(token)
            .and_then(|claims| {
                claims
                    .get("sessionId")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .ok_or_else(V3Error::invalid_session)?;
        let slot = app.store.get(&sid).ok_or_else(V3Error::invalid_session)?;
        return slot.update(|c| {
            if c.credentials.token != token {
                return Err(V3Error::invalid_session());
            }
            c.touch(now_ms());
            ok(token_answer(c))
        });
    }
    if app.with_faults(|f| f.rejects_new_chats()) {
        return Err(V3Error::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "cannot start a new chat now",
        ));
    }
    let data = data_fields(query.as_deref(), &body);
    let nickname = match (
        data.text("nickname").trim(),
        data.text("firstName").trim(),
        data.text("lastName").trim(),
    ) {
        ("", "", "") => "Customer".to_owned(),
        ("", first, last) => format!("{first} {last}").trim().to_owned(),
        (nickname, _, _) => nickname.to_owned(),
    };
    let now = now_ms();
    let mut c = Conversation::new(
        ids::hex(8),
        Protocol::V3,
        &nickname,
        app.config.file_limits.clone(),
        ids::seed(),
        now,
    );
    c.service = data.text("endpoint").to_owned();
    c.subject = data.text("subject").to_owned();
    c.email = data.text("email").to_owned();
    c.update_user_data(data.bracketed("userData"), now);
    c.credentials.token = crate::jwt::issue(&[
        ("sessionId", &c.id),
        ("transportId", "emulator"),
        ("participantId", &CLIENT.to_string()),
    ]);
    let answer = token_answer(&c);
    let slot = app.store.insert(c);
    auto_agent::attend(&app, &slot);
    ok(answer)
}

async fn poll(
    State(app): State<Shared>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> V3Result {
    let slot = authorize(&app, &headers, &sid)?;
    let fields = FormFields::parse(query.as_deref(), &[]);
    let index = fields.number("index").unwrap_or(1);
    let count = fields.number("count").and_then(|n| usize::try_from(n).ok());
    ok(slot.update(|c| {
        c.touch(now_ms());
        wire::messages(c, index, count)
    }))
}

async fn send(
    State(app): State<Shared>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> V3Result {
    let slot = authorize(&app, &headers, &sid)?;
    readable_form(&headers, &body)?;
    let data = data_fields(query.as_deref(), &body);
    let kind = data
        .get("type")
        .ok_or_else(|| V3Error::parameter("missing data[type]"))?
        .to_owned();
    let text = data.text("text");
    let max_chars = app.config.max_message_chars;
    let now = now_ms();
    slot.update(|c| {
        match kind.as_str() {
            "Text" => {
                if text.chars().count() > max_chars {
                    return Err(V3Error::parameter(format!(
                        "text too long: at most {max_chars} characters"
                    )));
                }
                c.post(Some(CLIENT), EventKind::Message, text, now)?;
            }
            "TypingStarted" => {
                c.set_typing(CLIENT, true, text, now)?;
            }
            "TypingStopped" => {
                c.set_typing(CLIENT, false, text, now)?;
            }
            other => return Err(V3Error::parameter(format!("unknown message type {other}"))),
        }
        ok(json!({"data": {}}))
    })
}

async fn update_user_data(
    State(app): State<Shared>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> V3Result {
    let slot = authorize(&app, &headers, &sid)?;
    let data = data_fields(query.as_deref(), &body);
    let nested = data.bracketed("userData");
    // `data[userData][k]=v`, or plain `data[k]=v`.
    let flat = if nested.is_empty() {
        data.into_pairs()
    } else {
        nested.into_iter().collect()
    };
    slot.update(|c| {
        if c.is_ended() {
            return Err(ModelError::ChatEnded.into());
        }
        c.update_user_data(flat, now_ms());
        ok(json!({"data": {}}))
    })
}

async fn upload_image(
    State(app): State<Shared>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> V3Result {
    let slot = authorize(&app, &headers, &sid)?;
    let upload = upload::read(multipart).await.map_err(|e| match e {
        UploadError::TooLarge => {
            V3Error::new(StatusCode::BAD_REQUEST, "LIMIT_FILE_SIZE", "file too large")
        }
        UploadError::Malformed => V3Error::parameter("malformed multipart body"),
    })?;
    let file = upload
        .file
        .ok_or_else(|| V3Error::parameter("no file part in the upload"))?;
    slot.update(|c| {
        let id = c.upload_file(
            CLIENT,
            &file.name,
            &file.content_type,
            Arc::from(file.bytes),
            now_ms(),
        )?;
        ok(json!({"data": {"fileId": id, "url": format!("{BASE}/{}/images/{id}", c.id)}}))
    })
}

async fn download_image(
    State(app): State<Shared>,
    Path((sid, file_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> V3Result {
    let slot = authorize(&app, &headers, &sid)?;
    let file = slot.update(|c| c.download_file(&file_id, now_ms()))?;
    Ok(crate::gms::file_response(&file))
}

async fn end(
    State(app): State<Shared>,
    Path((sid, _pid)): Path<(String, String)>,
    headers: HeaderMap,
) -> V3Result {
    let slot = authorize(&app, &headers, &sid)?;
    slot.update(|c| match c.remove_party(CLIENT, now_ms()) {
        Ok(()) | Err(ModelError::NotConnected(_)) => ok(json!({"data": {}})),
        Err(e) => Err(e.into()),
    })
}
