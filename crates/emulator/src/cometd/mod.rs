//! GMS Chat API v2 over CometD: a Bayeux 1.0 server at `/genesys/cometd` speaking long-polling
//! (`POST`, the message type may be appended to the URL), callback-polling (`GET ?jsonp=&message=`)
//! and WebSocket (`GET` with an upgrade), with the chat service on `/service/chatV2/{serviceName}`.
//!
//! - [`bayeux`]: the client registry and the meta replies (pure, clock passed in);
//! - [`chat`]: the chat operations, run by the same code as the REST calls, and the pushes;
//! - [`transport`]: batches in and out, holding connects, the WebSocket loop.

pub mod bayeux;
pub mod chat;
pub mod transport;

#[cfg(test)]
mod fuzz;

use std::sync::{Mutex, PoisonError};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::state::Shared;
use bayeux::Registry;
use transport::Waited;

/// The Bayeux endpoint.
pub const PATH: &str = "/genesys/cometd";

/// Whether a long-polling body (a JSON batch) publishes a chat `sendMessage` (the
/// `dropSendReplies` fault).
pub fn publishes_send(body: &str) -> bool {
    transport::parse_batch(body.as_bytes())
        .is_some_and(|batch| batch.iter().any(transport::is_send_publish))
}

/// The live Bayeux clients, behind one lock (never held while a conversation is locked).
#[derive(Debug)]
pub struct Clients(Mutex<Registry>);

impl Clients {
    /// No clients; connects are held for at most `timeout_ms`.
    pub fn new(timeout_ms: u64) -> Self {
        Clients(Mutex::new(Registry::new(timeout_ms)))
    }

    /// Runs `f` on the registry under its lock.
    pub fn with<R>(&self, f: impl FnOnce(&mut Registry) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The Bayeux routes (behind the fault layer).
pub fn routes() -> Router<Shared> {
    Router::new()
        .route(PATH, post(long_poll).get(socket_or_jsonp))
        .route(&format!("{PATH}/"), post(long_poll).get(socket_or_jsonp))
        .route(
            &format!("{PATH}/{{*kind}}"),
            post(long_poll).get(socket_or_jsonp),
        )
}

/// The fault route that forgets every client, so the next message of each gets `402` (outside
/// the fault layer, like the rest of the fault API).
pub fn fault_routes() -> Router<Shared> {
    Router::new().route(
        "/emulator/api/faults/cometd-forget-clients",
        post(|State(app): State<Shared>| async move {
            axum::Json(json!({"forgotten": app.comet.with(Registry::forget_all)}))
        }),
    )
}

async fn long_poll(State(app): State<Shared>, body: Bytes) -> Response {
    let Some(batch) = transport::parse_batch(&body) else {
        return bad_batch();
    };
    match respond(&app, &batch).await {
        Some(replies) => axum::Json(Value::Array(replies)).into_response(),
        None => dropped(),
    }
}

/// Answers a batch, holding its connect; `None` when a fault dropped the connection.
async fn respond(app: &Shared, batch: &[Value]) -> Option<Vec<Value>> {
    let publishes = batch.iter().any(transport::is_chat_publish);
    let slow_ms = app.with_faults(|f| f.slow_publish_ms());
    if publishes && slow_ms > 0 {
        // The slowPublishMs fault: the operation runs late, the client's connects go on.
        tokio::time::sleep(std::time::Duration::from_millis(slow_ms.min(60_000))).await;
    }
    let mut answered = transport::answer(app, batch);
    if publishes && app.with_faults(|f| f.holds_publish_answers()) {
        hold_answer(app).await;
    }
    if let Some(held) = answered.connect.take() {
        match transport::wait(app, &held).await {
            Waited::Answer(messages) => {
                answered.replies.extend(messages);
                answered.replies.push(held.reply);
            }
            Waited::Dropped => return None,
        }
    }
    Some(answered.replies)
}

/// The holdPublishAnswers fault: an operation ran, its answer waits until the fault is switched
/// off (checked every 20 ms; at most a minute).
async fn hold_answer(app: &Shared) {
    app.with_faults(|f| f.count_held_publish_answer(true));
    for _ in 0..3_000 {
        if !app.with_faults(|f| f.holds_publish_answers()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    app.with_faults(|f| f.count_held_publish_answer(false));
}

#[derive(Debug, Deserialize)]
struct Jsonp {
    jsonp: Option<String>,
    message: Option<String>,
}

async fn socket_or_jsonp(
    State(app): State<Shared>,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
    Query(query): Query<Jsonp>,
) -> Response {
    if let Ok(upgrade) = upgrade {
        // Subscribed now, while the request is judged: a drop that lands between the upgrade
        // and the socket's loop still ends the socket.
        let drops = app.websocket_drops.subscribe();
        return upgrade.on_upgrade(move |socket| transport::serve_socket(socket, app, drops));
    }
    let callback = query.jsonp.unwrap_or_else(|| "jsonpcallback".to_owned());
    if callback.is_empty()
        || !callback
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.'))
    {
        return bad_batch();
    }
    let Some(batch) = query
        .message
        .and_then(|m| transport::parse_batch(m.as_bytes()))
    else {
        return bad_batch();
    };
    match respond(&app, &batch).await {
        Some(replies) => (
            [(header::CONTENT_TYPE, "text/javascript;charset=utf-8")],
            format!("{callback}({})", Value::Array(replies)),
        )
            .into_response(),
        None => dropped(),
    }
}

fn bad_batch() -> Response {
    let body = json!([{"successful": false, "error": "400::Bad message"}]);
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

/// A response whose body breaks off after its first byte, so the client sees the connection
/// break. (With no byte at all, browsers take the closed connection for a stale keep-alive one
/// and send the request again without telling the page.)
fn dropped() -> Response {
    let first = futures::stream::once(async { Ok(Bytes::from_static(b"[")) });
    let then_break = futures::stream::once(async {
        // Long enough for the first byte to be flushed to the client.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        Err(std::io::Error::other("connection dropped by a fault"))
    });
    Response::new(Body::from_stream(first.chain(then_break)))
}

/// The answer to a request failed on purpose: the status with a Bayeux error array.
pub fn injected_failure(status: StatusCode) -> Response {
    let body = json!([{"successful": false, "error": "503::Chat server unavailable"}]);
    (status, axum::Json(body)).into_response()
}
