//! The Genesys Cloud event stream: one WebSocket per attach, pushing message, typing and
//! member-change frames as the conversation changes, a heartbeat every `heartbeat_ms`, and `pong`
//! for a client ping (the `reversePushes` fault holds frames, then sends them backwards: see
//! [`crate::push_order`]; `holdPushesMs` holds them for a while, then sends them in order). A
//! fault-API drop closes it abruptly (no close frame), like a lost network.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket};
use futures::{SinkExt, StreamExt};
use serde_json::Value;

use super::wire;
use crate::clock::now_ms;
use crate::push_order::{self, PushPlan};
use crate::state::Shared;
use crate::store::Slot;

/// Serves one attached socket until the client leaves, the session goes away or a drop is injected.
pub async fn serve(socket: WebSocket, app: Shared, slot: Arc<Slot>) {
    let mut drops = app.websocket_drops.subscribe();
    let mut changes = slot.subscribe();
    let mut cursor = slot.read(|c| c.last_seq());
    slot.update(|c| super::route(c, now_ms()));
    let (mut sink, mut incoming) = socket.split();
    let period = Duration::from_millis(app.config.heartbeat_ms.max(1));
    let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    loop {
        let (staff, ended) = slot.read(|c| {
            let pending = c.events_after_seq(cursor);
            (push_order::staff_messages(c, pending), c.is_ended())
        });
        let held_until = app.with_faults(|f| f.push_hold_until(now_ms()));
        let plan = match held_until {
            Some(_) => PushPlan::Hold,
            None => push_order::plan(&app, staff, ended || slot.is_removed()),
        };
        let (mut frames, next) = match plan {
            PushPlan::Hold => (Vec::new(), cursor),
            _ => slot.read(|c| wire::frames_after(c, cursor)),
        };
        cursor = next;
        if plan == PushPlan::Reversed {
            // The reversePushes fault: the held frames go out last first.
            frames.reverse();
        }
        for frame in frames {
            if send(&mut sink, &frame).await.is_err() {
                return;
            }
        }
        let release = held_until.map_or(Duration::from_secs(3600), |at| {
            Duration::from_millis(at.saturating_sub(now_ms()))
        });
        tokio::select! {
            () = tokio::time::sleep(release), if held_until.is_some() => {}
            changed = changes.changed() => {
                if changed.is_err() || slot.is_removed() {
                    break;
                }
            }
            _ = heartbeat.tick() => {
                if slot.is_removed() || send(&mut sink, &wire::heartbeat()).await.is_err() {
                    break;
                }
            }
            _ = drops.changed() => return,
            message = incoming.next() => match message {
                Some(Ok(Message::Text(text))) if text.contains("ping") => {
                    if send(&mut sink, &wire::pong()).await.is_err() {
                        return;
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
    let _ = sink.send(Message::Close(None)).await;
}

async fn send(
    sink: &mut futures::stream::SplitSink<WebSocket, Message>,
    frame: &Value,
) -> Result<(), axum::Error> {
    sink.send(Message::Text(frame.to_string().into())).await
}
