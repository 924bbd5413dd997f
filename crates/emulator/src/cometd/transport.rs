//! Carrying Bayeux messages: one batch (a JSON array) in, the replies out. Long-polling and
//! callback-polling hold a `/meta/connect` until something is queued for the client, its timeout
//! passes, or a fault drops the connection; the WebSocket loop answers every frame at once, pushes
//! queued messages as they come and answers the outstanding connect at its deadline.

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::time::Instant;

use super::bayeux::{self, ConnectPlan};
use super::chat;
use crate::clock::now_ms;
use crate::ids;
use crate::state::Shared;

/// A batch, answered except for its connect (if any).
#[derive(Debug, Default)]
pub struct Answered {
    /// Replies and data messages, in order.
    pub replies: Vec<Value>,
    /// The batch's `/meta/connect`, still to be answered.
    pub connect: Option<Held>,
}

/// A connect to answer later.
#[derive(Debug)]
pub struct Held {
    /// The client.
    pub client_id: String,
    /// When to give up waiting and answer it empty.
    pub deadline: Instant,
    /// Its reply.
    pub reply: Value,
}

/// How a held connect ended.
#[derive(Debug)]
pub enum Waited {
    /// Messages (possibly none) followed by the connect reply.
    Answer(Vec<Value>),
    /// A fault dropped the connection: close it without an answer.
    Dropped,
}

/// `ms` from now (a day at most, whatever `--comet-timeout-ms` says).
fn after_ms(ms: u64) -> Instant {
    Instant::now() + Duration::from_millis(ms.min(86_400_000))
}

/// The messages of a request body: a JSON array, or one object.
pub fn parse_batch(body: &[u8]) -> Option<Vec<Value>> {
    match serde_json::from_slice::<Value>(body).ok()? {
        Value::Array(items) => Some(items),
        object @ Value::Object(_) => Some(vec![object]),
        _ => None,
    }
}

/// Answers every message of a batch except a connect, which comes back to hold.
pub fn answer(app: &Shared, batch: &[Value]) -> Answered {
    let mut out = Answered::default();
    let now = now_ms();
    for message in batch {
        let Some(channel) = message.get("channel").and_then(Value::as_str) else {
            out.replies
                .push(bayeux::failure(message, "400::Bad message"));
            continue;
        };
        match channel {
            "/meta/handshake" => {
                let id = ids::hex(16);
                out.replies
                    .push(app.comet.with(|r| r.handshake(message, id, now)));
            }
            "/meta/connect" => match app.comet.with(|r| r.connect(message, now)) {
                ConnectPlan::Refuse(reply) => out.replies.push(reply),
                ConnectPlan::Hold {
                    client_id,
                    hold_ms,
                    reply,
                } => {
                    let held = Held {
                        client_id,
                        deadline: after_ms(hold_ms),
                        reply,
                    };
                    // Two connects in one batch: the earlier is answered at once.
                    if let Some(earlier) = out.connect.replace(held) {
                        out.replies.push(earlier.reply);
                    }
                }
            },
            "/meta/subscribe" | "/meta/unsubscribe" => {
                let subscribe = channel == "/meta/subscribe";
                out.replies
                    .push(app.comet.with(|r| r.subscription(message, subscribe, now)));
            }
            "/meta/disconnect" => out.replies.push(app.comet.with(|r| r.disconnect(message))),
            meta if meta.starts_with("/meta/") => {
                out.replies
                    .push(bayeux::failure(message, "400::Unknown meta channel"));
            }
            _ => publish(app, message, channel, now, &mut out.replies),
        }
    }
    out
}

fn publish(app: &Shared, message: &Value, channel: &str, now: u64, replies: &mut Vec<Value>) {
    let Some(client_id) = app.comet.with(|r| r.touch(message, now)) else {
        replies.push(bayeux::unknown_client(message));
        return;
    };
    let data = message.get("data").cloned().unwrap_or(Value::Null);
    let mut reply = bayeux::base_reply(message);
    reply["successful"] = json!(true);
    if chat::service_of(channel).is_some() {
        let answer = chat::operate(app, &client_id, channel, message.get("id"), &data);
        replies.push(reply);
        replies.push(answer);
    } else if channel.starts_with("/service/") {
        replies.push(bayeux::failure(message, "404::Unknown service"));
    } else {
        app.comet.with(|r| r.broadcast(&client_id, channel, &data));
        replies.push(reply);
    }
}

/// Holds a long-polling connect until the client has messages, its deadline passes or a fault
/// drops the connection.
pub async fn wait(app: &Shared, held: &Held) -> Waited {
    let mut drops = app.websocket_drops.subscribe();
    loop {
        let Some(mut wake) = app.comet.with(|r| r.watch(&held.client_id)) else {
            // Disconnected meanwhile: answer the connect; the next one gets 402.
            return Waited::Answer(Vec::new());
        };
        let mut changes = chat::followed(app, &held.client_id).map(|slot| slot.subscribe());
        chat::flush(app, &held.client_id);
        let queued = app.comet.with(|r| r.drain(&held.client_id));
        if !queued.is_empty() {
            return Waited::Answer(queued);
        }
        tokio::select! {
            _ = wake.changed() => {}
            _ = async {
                match changes.as_mut() {
                    Some(rx) => { let _ = rx.changed().await; }
                    None => std::future::pending::<()>().await,
                }
            } => {}
            () = tokio::time::sleep_until(held.deadline) => return Waited::Answer(Vec::new()),
            _ = drops.changed() => return Waited::Dropped,
        }
    }
}

/// Serves one Bayeux WebSocket: each text frame is a batch; replies, pushes and the held connect's
/// reply go back as frames. A fault-API drop (`drops`, subscribed when the upgrade request came)
/// closes it abruptly, and so does a frame that arrives while the server is offline: a server
/// that is down answers nothing. (`select!` picks among ready branches at random, so a frame
/// that came right after the offline switch could otherwise be answered before the drop was
/// seen: a send "delivered" by a server that was down.)
pub async fn serve_socket(socket: WebSocket, app: Shared, mut drops: watch::Receiver<u64>) {
    if drops.has_changed().unwrap_or(true) || app.with_faults(|f| f.is_offline(now_ms())) {
        return;
    }
    let (mut sink, mut incoming) = socket.split();
    let mut held: Option<Held> = None;
    let mut client: Option<String> = None;
    loop {
        // Watch first, then flush: a change that lands while this pushes (or between the flush
        // and the wait) then wakes the wait below. The other order lost it, and the last agent
        // message of a burst sat until the held connect's deadline (as `wait` does for
        // long-polling).
        let mut wake = client
            .as_deref()
            .and_then(|id| app.comet.with(|r| r.watch(id)));
        let mut changes = client
            .as_deref()
            .and_then(|id| chat::followed(&app, id))
            .map(|slot| slot.subscribe());
        if let Some(id) = &client {
            chat::flush(&app, id);
            let queued = app.comet.with(|r| r.drain(id));
            if !queued.is_empty() && send(&mut sink, queued).await.is_err() {
                return;
            }
        }
        let deadline = held.as_ref().map(|h| h.deadline);
        tokio::select! {
            biased;
            _ = drops.changed() => return,
            _ = async {
                match (wake.as_mut(), changes.as_mut()) {
                    (Some(w), Some(c)) => tokio::select! { _ = w.changed() => {}, _ = c.changed() => {} },
                    (Some(w), None) => { let _ = w.changed().await; }
                    _ => std::future::pending::<()>().await,
                }
            } => {}
            () = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending::<()>().await,
                }
            } => {
                if let Some(h) = held.take() {
                    chat::flush(&app, &h.client_id);
                    let mut out = app.comet.with(|r| r.drain(&h.client_id));
                    out.push(h.reply);
                    if send(&mut sink, out).await.is_err() {
                        return;
                    }
                }
            }
            frame = incoming.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    if drops.has_changed().unwrap_or(true) || app.with_faults(|f| f.is_offline(now_ms())) {
                        return;
                    }
                    let Some(batch) = parse_batch(text.as_bytes()) else {
                        let bad = vec![bayeux::failure(&Value::Null, "400::Bad message")];
                        if send(&mut sink, bad).await.is_err() { return; }
                        continue;
                    };
                    let drop_reply = batch.iter().any(is_send_publish)
                        && app.with_faults(|f| f.take_send_reply_drop());
                    let answered = answer(&app, &batch);
                    if drop_reply {
                        // The dropSendReplies fault: stored, but the socket breaks before the
                        // answer.
                        return;
                    }
                    if let Some(id) = handshaken(&answered.replies) {
                        client = Some(id);
                    }
                    if let Some(h) = answered.connect {
                        client = Some(h.client_id.clone());
                        // A newer connect replaces one still held: answer the old one now.
                        if let Some(old) = held.replace(h)
                            && send(&mut sink, vec![old.reply]).await.is_err()
                        {
                            return;
                        }
                    }
                    if !answered.replies.is_empty() && send(&mut sink, answered.replies).await.is_err() {
                        return;
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Whether a Bayeux message publishes a chat `sendMessage`.
pub fn is_send_publish(message: &Value) -> bool {
    is_chat_publish(message) && message["data"]["operation"] == "sendMessage"
}

/// Whether a Bayeux message publishes a chat operation (on `/service/chatV2/{service}`).
pub fn is_chat_publish(message: &Value) -> bool {
    message
        .get("channel")
        .and_then(Value::as_str)
        .is_some_and(|c| chat::service_of(c).is_some())
}

/// The client id a successful handshake in these replies issued.
fn handshaken(replies: &[Value]) -> Option<String> {
    replies
        .iter()
        .find(|r| r["channel"] == "/meta/handshake" && r["successful"] == true)
        .and_then(|r| r["clientId"].as_str())
        .map(String::from)
}

async fn send(
    sink: &mut futures::stream::SplitSink<WebSocket, Message>,
    messages: Vec<Value>,
) -> Result<(), axum::Error> {
    sink.send(Message::Text(Value::Array(messages).to_string().into()))
        .await
}
