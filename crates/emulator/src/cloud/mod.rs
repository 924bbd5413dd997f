//! Genesys Cloud guest chat (`purecloud-v2-sockets`) under `/api/v2/webchat/guest/conversations`:
//! REST with a Bearer JWT on every call, plus the WebSocket event stream at the returned
//! `eventStreamUri` (`…/conversations/{id}/stream?jwt=…`, same host).

pub mod history;
mod stream;
pub mod wire;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{Path, Query, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auto_agent;
use crate::clock::now_ms;
use crate::config::CLOUD_MAX_BODY_CHARS;
use crate::ids;
use crate::model::{
    CLIENT, Conversation, EventKind, ModelError, Party, PartyState, Protocol, Role,
};
use crate::state::Shared;
use crate::store::Slot;
use wire::BASE;

/// The Cloud routes.
pub fn routes() -> Router<Shared> {
    let conversation = format!("{BASE}/{{id}}");
    Router::new()
        .route(BASE, post(create))
        .route(&format!("{conversation}/stream"), get(attach_stream))
        .route(&format!("{conversation}/members"), get(list_members))
        .route(
            &format!("{conversation}/members/{{member}}"),
            get(get_member).delete(leave),
        )
        .route(
            &format!("{conversation}/members/{{member}}/messages"),
            post(send_message),
        )
        .route(
            &format!("{conversation}/members/{{member}}/typing"),
            post(typing),
        )
        .route(&format!("{conversation}/messages"), get(history))
        .route(
            &format!("{conversation}/messages/{{message}}"),
            get(get_message),
        )
}

/// A Cloud error answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CloudError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl CloudError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        CloudError {
            status,
            code,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        CloudError::new(StatusCode::BAD_REQUEST, "bad.request", message)
    }

    fn not_found(what: &str) -> Self {
        CloudError::new(
            StatusCode::NOT_FOUND,
            "not.found",
            format!("{what} not found"),
        )
    }

    fn credentials() -> Self {
        CloudError::new(
            StatusCode::UNAUTHORIZED,
            "bad.credentials",
            "Invalid login credentials.",
        )
    }
}

impl IntoResponse for CloudError {
    fn into_response(self) -> Response {
        let body = wire::error(self.status.as_u16(), self.code, &self.message, &ids::uuid());
        (self.status, axum::Json(body)).into_response()
    }
}

/// The answer to a request failed on purpose.
pub fn injected_failure(status: StatusCode) -> Response {
    CloudError::new(
        status,
        "service.unavailable",
        "The service is currently unavailable.",
    )
    .into_response()
}

type CloudResult = Result<Response, CloudError>;

fn ok(body: Value) -> CloudResult {
    Ok(axum::Json(body).into_response())
}

/// Routes the conversation on first attach: the workflow member connects, then hands over.
pub fn route(c: &mut Conversation, now: u64) {
    if c.routed || c.is_ended() {
        return;
    }
    c.routed = true;
    let flow = c.add_party(
        Role::Workflow,
        "Inbound Chat Flow",
        PartyState::Connected,
        now,
    );
    let _ = c.remove_party(flow, now);
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
}

fn authorize(app: &Shared, id: &str, token: Option<&str>) -> Result<Arc<Slot>, CloudError> {
    let slot = app
        .store
        .get(id)
        .ok_or_else(|| CloudError::not_found("conversation"))?;
    let valid = token.is_some_and(|t| slot.read(|c| !t.is_empty() && c.credentials.token == t));
    if valid {
        Ok(slot)
    } else {
        Err(CloudError::credentials())
    }
}

/// The guest's own member, checked against the path.
fn own_member<'a>(c: &'a Conversation, member: &str) -> Result<&'a Party, CloudError> {
    match c.party_by_member_id(member) {
        Some(p) if p.role == Role::Client => Ok(p),
        Some(_) => Err(CloudError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "not your member",
        )),
        None => Err(CloudError::not_found("member")),
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

async fn create(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> CloudResult {
    let request: Value = serde_json::from_slice(&body)
        .map_err(|e| CloudError::bad_request(format!("invalid JSON body: {e}")))?;
    if !request.is_object() {
        return Err(CloudError::bad_request("the body must be a JSON object"));
    }
    if app.with_faults(|f| f.rejects_new_chats()) {
        return Err(CloudError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service.unavailable",
            "cannot start a new chat now",
        ));
    }
    let info = &request["memberInfo"];
    let fields = info["customFields"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let field = |name: &str| {
        text_of(
            info.get(name)
                .filter(|v| !v.is_null())
                .or_else(|| fields.get(name))
                .unwrap_or(&Value::Null),
        )
    };
    let nickname = match (
        field("displayName").trim(),
        field("firstName").trim(),
        field("lastName").trim(),
    ) {
        ("", "", "") => "Customer".to_owned(),
        ("", first, last) => format!("{first} {last}").trim().to_owned(),
        (display, _, _) => display.to_owned(),
    };
    let now = now_ms();
    let mut c = Conversation::new(
        ids::uuid(),
        Protocol::Cloud,
        &nickname,
        app.config.file_limits.clone(),
        ids::seed(),
        now,
    );
    c.service = text_of(&request["routingTarget"]["targetAddress"]);
    c.subject = field("subject");
    c.email = field("email");
    c.update_user_data(fields.iter().map(|(k, v)| (k.clone(), text_of(v))), now);
    let member_id = c.client().map(|p| p.member_id.clone()).unwrap_or_default();
    let jwt = crate::jwt::issue(&[
        ("sub", &member_id),
        ("conversationId", &c.id),
        ("iss", "emulator"),
    ]);
    c.credentials.token = jwt.clone();
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
    {
        Some("https") => "wss",
        _ => "ws",
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let answer = json!({
        "id": c.id,
        "jwt": jwt,
        "eventStreamUri": format!("{scheme}://{host}{BASE}/{}/stream?jwt={jwt}", c.id),
        "member": {"id": member_id},
    });
    let slot = app.store.insert(c);
    auto_agent::attend(&app, &slot);
    ok(answer)
}

#[derive(Debug, Deserialize)]
struct StreamQuery {
    jwt: Option<String>,
}

async fn attach_stream(
    State(app): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<StreamQuery>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> CloudResult {
    let token = query.jwt.as_deref().or_else(|| bearer(&headers));
    let slot = authorize(&app, &id, token)?;
    let upgrade = upgrade
        .map_err(|e| CloudError::bad_request(format!("a WebSocket upgrade is required: {e}")))?;
    Ok(upgrade.on_upgrade(move |socket| stream::serve(socket, app, slot)))
}

async fn list_members(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> CloudResult {
    let slot = authorize(&app, &id, bearer(&headers))?;
    ok(slot.update(|c| {
        c.touch(now_ms());
        wire::member_list(c)
    }))
}

async fn get_member(
    State(app): State<Shared>,
    Path((id, member)): Path<(String, String)>,
    headers: HeaderMap,
) -> CloudResult {
    let slot = authorize(&app, &id, bearer(&headers))?;
    slot.update(|c| {
        c.touch(now_ms());
        let party = c
            .party_by_member_id(&member)
            .ok_or_else(|| CloudError::not_found("member"))?;
        ok(wire::member(c, party))
    })
}

async fn leave(
    State(app): State<Shared>,
    Path((id, member)): Path<(String, String)>,
    headers: HeaderMap,
) -> CloudResult {
    let slot = authorize(&app, &id, bearer(&headers))?;
    slot.update(|c| {
        own_member(c, &member)?;
        match c.remove_party(CLIENT, now_ms()) {
            Ok(()) | Err(ModelError::NotConnected(_)) => Ok(StatusCode::NO_CONTENT.into_response()),
            Err(e) => Err(CloudError::bad_request(e.to_string())),
        }
    })
}

async fn send_message(
    State(app): State<Shared>,
    Path((id, member)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> CloudResult {
    let slot = authorize(&app, &id, bearer(&headers))?;
    let request: Value = serde_json::from_slice(&body)
        .map_err(|e| CloudError::bad_request(format!("invalid JSON body: {e}")))?;
    let text = request["body"]
        .as_str()
        .ok_or_else(|| CloudError::bad_request("body is required"))?;
    if text.chars().count() > CLOUD_MAX_BODY_CHARS {
        return Err(CloudError::bad_request(format!(
            "The message body exceeds the maximum of {CLOUD_MAX_BODY_CHARS} characters."
        )));
    }
    let kind = match request["bodyType"].as_str() {
        None | Some("standard") => EventKind::Message,
        Some("notice") => EventKind::Notice,
        Some(other) => {
            return Err(CloudError::bad_request(format!(
                "unsupported bodyType {other}"
            )));
        }
    };
    slot.update(|c| {
        own_member(c, &member)?;
        let index = c
            .post(Some(CLIENT), kind, text, now_ms())
            .map_err(|e| CloudError::bad_request(format!("cannot send: {e}")))?;
        let event = c
            .events_from(index)
            .first()
            .ok_or_else(|| CloudError::not_found("message"))?;
        ok(wire::message(c, event))
    })
}

async fn typing(
    State(app): State<Shared>,
    Path((id, member)): Path<(String, String)>,
    headers: HeaderMap,
) -> CloudResult {
    let slot = authorize(&app, &id, bearer(&headers))?;
    slot.update(|c| {
        own_member(c, &member)?;
        let now = now_ms();
        c.set_typing(CLIENT, true, "", now)
            .map_err(|e| CloudError::bad_request(format!("cannot type: {e}")))?;
        let guest = own_member(c, &member)?;
        ok(wire::typing(c, guest, &ids::uuid(), now))
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct HistoryQuery {
    after: Option<String>,
    before: Option<String>,
    sort_order: Option<String>,
    max_results: Option<String>,
}

async fn history(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(query): Query<HistoryQuery>,
) -> CloudResult {
    let slot = authorize(&app, &id, bearer(&headers))?;
    let request = history::PageRequest {
        after: query.after,
        before: query.before,
        descending: query
            .sort_order
            .is_some_and(|o| o.eq_ignore_ascii_case("descending")),
        max_results: query
            .max_results
            .and_then(|m| m.trim().parse().ok())
            .unwrap_or(history::DEFAULT_PAGE),
    };
    slot.update(|c| {
        c.touch(now_ms());
        let page =
            history::page(c, &request).map_err(|e| CloudError::bad_request(e.to_string()))?;
        let mut body = json!({
            "entities": page.entities.iter().map(|e| wire::message(c, e)).collect::<Vec<_>>(),
            "pageSize": request.max_results.clamp(1, history::MAX_PAGE),
        });
        if let Some(next) = page.next {
            body["next"] = next.into();
        }
        if let Some(previous) = page.previous {
            body["previousPage"] = previous.into();
        }
        ok(body)
    })
}

async fn get_message(
    State(app): State<Shared>,
    Path((id, message)): Path<(String, String)>,
    headers: HeaderMap,
) -> CloudResult {
    let slot = authorize(&app, &id, bearer(&headers))?;
    slot.read(|c| {
        let event = c
            .event_by_id(&message)
            .ok_or_else(|| CloudError::not_found("message"))?;
        ok(wire::message(c, event))
    })
}
