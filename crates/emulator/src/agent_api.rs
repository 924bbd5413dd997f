//! The agent, supervisor and fault API under `/emulator/api` (JSON in, JSON out). The agent console
//! page and the browser tests drive the contact-center side of every chat through it.

use std::sync::{Arc, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::auto_agent::AutoAgentSettings;
use crate::clock::now_ms;
use crate::faults::FaultSettings;
use crate::model::{Conversation, EventKind, ModelError, Party, PartyId, PartyState, Role};
use crate::state::Shared;
use crate::store::Slot;

/// How long after the last typing report a party still shows as typing, in ms.
const TYPING_SHOWN_MS: u64 = 10_000;

/// The API routes.
pub fn routes() -> Router<Shared> {
    let session = "/emulator/api/sessions/{id}";
    Router::new()
        .route(
            "/emulator/api/health",
            get(|| async { axum::Json(json!({"ok": true})) }),
        )
        .route("/emulator/api/sessions", get(list_sessions))
        .route(session, get(session_detail))
        .route(&format!("{session}/join"), post(join))
        .route(&format!("{session}/leave"), post(leave))
        .route(&format!("{session}/messages"), post(send_message))
        .route(&format!("{session}/typing"), post(typing))
        .route(&format!("{session}/push-url"), post(push_url))
        .route(&format!("{session}/notice"), post(notice))
        .route(&format!("{session}/transfer"), post(transfer))
        .route(&format!("{session}/end"), post(end))
        .route(&format!("{session}/files/{{file_id}}"), get(download))
        .route(
            "/emulator/api/auto-agent",
            get(get_auto_agent).put(put_auto_agent).post(put_auto_agent),
        )
        .route(
            "/emulator/api/faults",
            get(get_faults)
                .put(put_faults)
                .post(put_faults)
                .delete(reset_faults),
        )
        .route(
            "/emulator/api/faults/drop-websockets",
            post(drop_websockets),
        )
}

/// An API error: `{"error": "..."}` with a 400 or 404 status.
#[derive(Debug, thiserror::Error)]
enum ApiError {
    #[error("no session {0}")]
    NoSession(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
}

impl From<ModelError> for ApiError {
    fn from(e: ModelError) -> Self {
        ApiError::Conflict(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match self {
            ApiError::NoSession(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
        };
        (status, axum::Json(json!({"error": self.to_string()}))).into_response()
    }
}

type ApiResult = Result<axum::Json<Value>, ApiError>;

/// Parses a JSON body; an empty body is the default value.
fn parse<T: DeserializeOwned + Default>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))
}

fn slot(app: &Shared, id: &str) -> Result<Arc<Slot>, ApiError> {
    app.store
        .get(id)
        .ok_or_else(|| ApiError::NoSession(id.to_owned()))
}

fn party_json(p: &Party, now: u64) -> Value {
    json!({
        "participantId": p.id,
        "memberId": p.member_id,
        "nickname": p.nickname,
        "role": p.role.api_name(),
        "state": p.state.cloud_name().to_ascii_lowercase(),
        "typing": is_typing(p, now),
        "typingPreview": p.typing_preview,
        "joinedMs": p.joined_ms,
        "leftMs": p.left_ms,
    })
}

fn is_typing(p: &Party, now: u64) -> bool {
    p.typing
        && p.typing_ms
            .is_some_and(|t| now.saturating_sub(t) < TYPING_SHOWN_MS)
}

fn summary(c: &Conversation, now: u64) -> Value {
    let client = c.client();
    let state = if c.is_ended() {
        "ended"
    } else if c.connected_staff().next().is_some() {
        "active"
    } else {
        "waiting"
    };
    json!({
        "id": c.id,
        "protocol": c.protocol.name(),
        "service": c.service,
        "subject": c.subject,
        "customer": client.map(|p| p.nickname.as_str()).unwrap_or_default(),
        "state": state,
        "createdMs": c.created_ms,
        "lastActivityMs": c.last_activity_ms,
        "messageCount": c.transcript().iter().filter(|e| e.kind == EventKind::Message).count(),
        "customerTyping": client.is_some_and(|p| is_typing(p, now)),
        "customerTypingPreview": client.map(|p| p.typing_preview.as_str()).unwrap_or_default(),
        "agents": c.connected_staff().map(|p| party_json(p, now)).collect::<Vec<_>>(),
    })
}

fn detail(c: &Conversation, now: u64) -> Value {
    let mut out = summary(c, now);
    out["parties"] = c.parties().iter().map(|p| party_json(p, now)).collect();
    out["transcript"] = c
        .transcript()
        .iter()
        .map(|e| {
            let from = e.from.and_then(|id| c.party(id));
            json!({
                "index": e.index,
                "id": e.id,
                "type": e.kind.gms_name(),
                "utcMs": e.utc_ms,
                "text": e.text,
                "from": from.map(|p| json!({"participantId": p.id, "nickname": p.nickname, "role": p.role.api_name()})),
                "userData": e.user_data,
            })
        })
        .collect();
    out["userData"] = json!(c.user_data());
    out["email"] = json!(c.email);
    out["files"] = c
        .files()
        .live()
        .map(|f| {
            json!({
                "id": f.id,
                "name": f.name,
                "size": f.bytes.len(),
                "contentType": f.content_type,
                "url": format!("/emulator/api/sessions/{}/files/{}", c.id, f.id),
            })
        })
        .collect();
    out
}

async fn list_sessions(State(app): State<Shared>) -> ApiResult {
    let now = now_ms();
    let mut sessions: Vec<(u64, Value)> = app
        .store
        .all()
        .iter()
        .map(|s| s.read(|c| (c.created_ms, summary(c, now))))
        .collect();
    sessions.sort_by_key(|s| std::cmp::Reverse(s.0));
    Ok(axum::Json(
        json!({"sessions": sessions.into_iter().map(|(_, v)| v).collect::<Vec<_>>()}),
    ))
}

async fn session_detail(State(app): State<Shared>, Path(id): Path<String>) -> ApiResult {
    let now = now_ms();
    Ok(axum::Json(slot(&app, &id)?.read(|c| detail(c, now))))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct JoinBody {
    nickname: Option<String>,
    role: Option<String>,
}

fn staff_role(role: Option<&str>) -> Result<Role, ApiError> {
    match role {
        None => Ok(Role::Agent),
        Some(name) => Role::parse_staff(name).ok_or_else(|| {
            ApiError::BadRequest(format!("role must be agent, supervisor or bot, got {name}"))
        }),
    }
}

/// Adds staff: alerting, then connected (so Cloud clients see the whole member-change flow).
fn add_staff(
    c: &mut Conversation,
    role: Role,
    nickname: &str,
    now: u64,
) -> Result<PartyId, ApiError> {
    if c.is_ended() {
        return Err(ModelError::ChatEnded.into());
    }
    let id = c.add_party(role, nickname, PartyState::Alerting, now);
    c.connect_party(id, now)?;
    Ok(id)
}

async fn join(State(app): State<Shared>, Path(id): Path<String>, body: Bytes) -> ApiResult {
    let body: JoinBody = parse(&body)?;
    let role = staff_role(body.role.as_deref())?;
    let nickname = body
        .nickname
        .unwrap_or_else(|| default_nickname(role).to_owned());
    let party = slot(&app, &id)?.update(|c| add_staff(c, role, &nickname, now_ms()))?;
    Ok(axum::Json(json!({"participantId": party})))
}

fn default_nickname(role: Role) -> &'static str {
    match role {
        Role::Supervisor => "Supervisor",
        Role::Bot => "Bot",
        _ => "Agent",
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ActBody {
    participant_id: Option<PartyId>,
    text: Option<String>,
    url: Option<String>,
    typing: Option<bool>,
    nickname: Option<String>,
    role: Option<String>,
    reason: Option<String>,
}

/// The acting party: the one named, else the first connected staff member, else a new "Agent".
fn acting_party(
    c: &mut Conversation,
    named: Option<PartyId>,
    now: u64,
) -> Result<PartyId, ApiError> {
    if let Some(id) = named {
        return Ok(id);
    }
    let first = c.connected_staff().next().map(|p| p.id);
    match first {
        Some(id) => Ok(id),
        None => add_staff(c, Role::Agent, "Agent", now),
    }
}

async fn act(
    app: &Shared,
    id: &str,
    body: &Bytes,
    f: impl FnOnce(&mut Conversation, ActBody, u64) -> Result<Value, ApiError>,
) -> ApiResult {
    let body: ActBody = parse(body)?;
    Ok(axum::Json(slot(app, id)?.update(|c| f(c, body, now_ms()))?))
}

async fn leave(State(app): State<Shared>, Path(id): Path<String>, body: Bytes) -> ApiResult {
    act(&app, &id, &body, |c, b, now| {
        let party = b
            .participant_id
            .ok_or_else(|| ApiError::BadRequest("participantId is required".into()))?;
        if party == crate::model::CLIENT {
            return Err(ApiError::BadRequest("use /end to end the chat".into()));
        }
        c.remove_party(party, now)?;
        Ok(json!({"ok": true}))
    })
    .await
}

async fn send_message(State(app): State<Shared>, Path(id): Path<String>, body: Bytes) -> ApiResult {
    act(&app, &id, &body, |c, b, now| {
        let text = b
            .text
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::BadRequest("text is required".into()))?;
        let party = acting_party(c, b.participant_id, now)?;
        let index = c.post(Some(party), EventKind::Message, &text, now)?;
        Ok(json!({"index": index, "participantId": party}))
    })
    .await
}

async fn typing(State(app): State<Shared>, Path(id): Path<String>, body: Bytes) -> ApiResult {
    act(&app, &id, &body, |c, b, now| {
        let party = acting_party(c, b.participant_id, now)?;
        let index = c.set_typing(
            party,
            b.typing.unwrap_or(true),
            b.text.as_deref().unwrap_or(""),
            now,
        )?;
        Ok(json!({"index": index, "participantId": party}))
    })
    .await
}

async fn push_url(State(app): State<Shared>, Path(id): Path<String>, body: Bytes) -> ApiResult {
    act(&app, &id, &body, |c, b, now| {
        let url = b
            .url
            .filter(|u| !u.is_empty())
            .ok_or_else(|| ApiError::BadRequest("url is required".into()))?;
        let party = acting_party(c, b.participant_id, now)?;
        let index = c.post(Some(party), EventKind::PushUrl, &url, now)?;
        Ok(json!({"index": index, "participantId": party}))
    })
    .await
}

async fn notice(State(app): State<Shared>, Path(id): Path<String>, body: Bytes) -> ApiResult {
    act(&app, &id, &body, |c, b, now| {
        let text = b
            .text
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::BadRequest("text is required".into()))?;
        let index = c.post(b.participant_id, EventKind::Notice, &text, now)?;
        Ok(json!({"index": index}))
    })
    .await
}

async fn transfer(State(app): State<Shared>, Path(id): Path<String>, body: Bytes) -> ApiResult {
    act(&app, &id, &body, |c, b, now| {
        let role = staff_role(b.role.as_deref())?;
        let leaving = match b.participant_id {
            Some(id) => Some(id),
            None => c.connected_staff().next().map(|p| p.id),
        };
        if let Some(leaving) = leaving {
            c.remove_party(leaving, now)?;
        }
        let nickname = b
            .nickname
            .unwrap_or_else(|| default_nickname(role).to_owned());
        let joined = add_staff(c, role, &nickname, now)?;
        Ok(json!({"left": leaving, "participantId": joined}))
    })
    .await
}

async fn end(State(app): State<Shared>, Path(id): Path<String>, body: Bytes) -> ApiResult {
    let body: ActBody = parse(&body)?;
    let slot = slot(&app, &id)?;
    match body.reason.as_deref().unwrap_or("agent") {
        "agent" => slot.update(|c| c.end(now_ms())),
        "idle" => slot.update(|c| c.idle_close(now_ms())),
        "lost" => {
            app.store.remove(&id);
        }
        other => {
            return Err(ApiError::BadRequest(format!(
                "reason must be agent, idle or lost, got {other}"
            )));
        }
    }
    Ok(axum::Json(json!({"ok": true})))
}

async fn download(
    State(app): State<Shared>,
    Path((id, file_id)): Path<(String, String)>,
) -> Response {
    let file = match slot(&app, &id) {
        Ok(slot) => slot.update(|c| c.download_file(&file_id, now_ms())),
        Err(e) => return e.into_response(),
    };
    match file {
        Ok(file) => crate::gms::file_response(&file),
        Err(e) => ApiError::NoSession(format!("{id} file: {e}")).into_response(),
    }
}

async fn get_auto_agent(State(app): State<Shared>) -> ApiResult {
    Ok(axum::Json(json!(app.auto_agent_settings())))
}

async fn put_auto_agent(State(app): State<Shared>, body: Bytes) -> ApiResult {
    let mut current = serde_json::to_value(app.auto_agent_settings()).unwrap_or_default();
    let update: Value = parse::<Option<Value>>(&body)?.unwrap_or(Value::Null);
    if let (Some(current), Value::Object(update)) = (current.as_object_mut(), update) {
        current.extend(update);
    }
    let settings: AutoAgentSettings = serde_json::from_value(current)
        .map_err(|e| ApiError::BadRequest(format!("invalid auto-agent settings: {e}")))?;
    *app.auto_agent
        .write()
        .unwrap_or_else(PoisonError::into_inner) = settings.clone();
    Ok(axum::Json(json!(settings)))
}

async fn get_faults(State(app): State<Shared>) -> ApiResult {
    let now = now_ms();
    Ok(axum::Json(json!(app.with_faults(|f| f.report(now)))))
}

async fn put_faults(State(app): State<Shared>, body: Bytes) -> ApiResult {
    let settings: FaultSettings = parse(&body)?;
    let now = now_ms();
    let went_offline = app
        .with_faults(|f| f.apply(&settings, now))
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    if went_offline {
        app.drop_websockets();
    }
    Ok(axum::Json(json!(app.with_faults(|f| f.report(now)))))
}

async fn reset_faults(State(app): State<Shared>) -> ApiResult {
    let now = now_ms();
    Ok(axum::Json(json!(app.with_faults(|f| {
        *f = crate::faults::FaultState::default();
        f.report(now)
    }))))
}

async fn drop_websockets(State(app): State<Shared>) -> ApiResult {
    Ok(axum::Json(json!({"dropped": app.drop_websockets()})))
}
