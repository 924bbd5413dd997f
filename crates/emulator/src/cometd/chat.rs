//! The GMS chat operations on `/service/chatV2/{serviceName}`: a publish `{operation, chatId,
//! secureKey, userId, alias, ...}` runs the same code as the REST call of the same name and is
//! answered with the REST envelope as a data message carrying the publish's `id`. A client that
//! started or reattached to a chat follows it: every change is pushed as an envelope holding the
//! transcript events from the client's cursor on, so nothing is sent twice unless the client asks
//! (`requestNotifications` moves the cursor back to its `transcriptPosition`).

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::bayeux::Binding;
use crate::form::FormFields;
use crate::gms::{self, GmsError, envelope};
use crate::model::Protocol;
use crate::push_order::{self, PushPlan};
use crate::state::Shared;
use crate::store::Slot;

/// The channel prefix of the chat service.
pub const SERVICE_PREFIX: &str = "/service/chatV2/";

/// The service name of a chat channel, if `channel` is one.
pub fn service_of(channel: &str) -> Option<&str> {
    channel
        .strip_prefix(SERVICE_PREFIX)
        .filter(|s| !s.is_empty() && !s.contains('/'))
}

/// Runs operation `data.operation` for client `client_id` and returns the data message that
/// answers it (on `channel`, with the publish's `id`).
pub fn operate(
    app: &Shared,
    client_id: &str,
    channel: &str,
    id: Option<&Value>,
    data: &Value,
) -> Value {
    let body = match run(app, client_id, channel, data) {
        Ok(body) => body,
        Err(e) => error_body(&e),
    };
    // The operation may have attached the client to a chat (requestChat, requestNotifications
    // after a reload). A connect of its held since before then watches no conversation: woken
    // now, it follows the chat and carries the next push.
    app.comet.with(|r| r.wake(client_id));
    let mut message = json!({"channel": channel, "data": body});
    if let Some(id) = id {
        message["id"] = id.clone();
    }
    message
}

fn run(app: &Shared, client_id: &str, channel: &str, data: &Value) -> Result<Value, GmsError> {
    let fields = fields_of(data);
    let operation = fields.text("operation").to_owned();
    if operation == "requestChat" {
        let service = service_of(channel).unwrap_or_default().to_owned();
        let (_, slot) = gms::start_chat(app, service, &fields)?;
        slot.update(|c| c.protocol = Protocol::Cometd);
        return Ok(attach(app, client_id, channel, &slot, 1, None));
    }
    let chat_id = fields.text("chatId").to_owned();
    let slot = gms::authorize(app, &chat_id, &fields)?;
    let rest_op = match operation.as_str() {
        "sendMessage" => "send",
        "requestNotifications" => "refresh",
        other => other,
    };
    let rendered = gms::run_operation(app, &slot, rest_op, &fields)?;
    if operation == "requestNotifications" {
        let from = fields.number("transcriptPosition").unwrap_or(1).max(1);
        return Ok(attach(app, client_id, channel, &slot, from, Some(rendered)));
    }
    let next = slot.read(|c| c.next_position());
    bind_if_unbound(app, client_id, channel, &chat_id, next);
    Ok(answer(app, client_id, &slot, Some(rendered)))
}

/// Attaches client `client_id` to the chat in `slot` and answers with the events from `from` on
/// (`rendered`, or a plain envelope, with them as `messages`). The events are read first and the
/// client attached past them, in one step as far as its connects see: a connect flushing
/// meanwhile pushes none of them, they go in this answer only.
fn attach(
    app: &Shared,
    client_id: &str,
    channel: &str,
    slot: &Slot,
    from: u64,
    rendered: Option<Value>,
) -> Value {
    let (chat_id, events, next, ended) = slot.read(|c| {
        let events: Vec<Value> = c
            .events_from(from)
            .iter()
            .map(|e| envelope::event(c, e))
            .collect();
        (c.id.clone(), events, c.next_position(), c.is_ended())
    });
    app.comet.with(|r| {
        if let Some(c) = r.client_mut(client_id) {
            c.chat = Some(Binding {
                chat_id,
                channel: channel.to_owned(),
                cursor: next,
                ended_sent: ended,
            });
        }
    });
    let mut body =
        rendered.unwrap_or_else(|| slot.read(|c| envelope::envelope(c, envelope::status::OK, &[])));
    body["messages"] = Value::Array(events);
    body
}

/// The envelope answering an operation: the REST answer's status with the events from the
/// client's cursor as `messages` (advancing it).
fn answer(app: &Shared, client_id: &str, slot: &Slot, rendered: Option<Value>) -> Value {
    let pending = take_pending(app, client_id, slot);
    let mut body = match rendered {
        Some(body) => body,
        None => slot.read(|c| envelope::envelope(c, envelope::status::OK, &[])),
    };
    body["messages"] = pending
        .map(|(events, _)| events)
        .unwrap_or_else(|| json!([]));
    body
}

/// Queues for client `client_id` an envelope with the conversation's changes since its cursor,
/// if there are any. Returns whether something was queued.
pub fn flush(app: &Shared, client_id: &str) -> bool {
    let Some(slot) = followed(app, client_id) else {
        return false;
    };
    let plan = pending_plan(app, client_id, &slot);
    if plan == PushPlan::Hold {
        return false;
    }
    let Some((events, ended)) = take_pending(app, client_id, &slot) else {
        return false;
    };
    let channel = app.comet.with(|r| {
        r.client(client_id)
            .and_then(|c| c.chat.as_ref())
            .map(|b| b.channel.clone())
    });
    let Some(channel) = channel else { return false };
    let envelope_of = |events: Value, end: bool| {
        let mut body = slot.read(|c| envelope::envelope(c, envelope::status::OK, &[]));
        body["messages"] = events;
        if end {
            body["chatEnded"] = json!(true);
        }
        json!({"channel": channel, "data": body})
    };
    let pushes = match (plan, events) {
        // The reversePushes fault: one envelope per event, the last first, queued together (one
        // long-poll answer, one WebSocket frame); the end, if it came, still goes last.
        (PushPlan::Reversed, Value::Array(list)) if !list.is_empty() => {
            let mut one_each: Vec<Value> = list
                .into_iter()
                .enumerate()
                .map(|(i, e)| envelope_of(json!([e]), ended && i == 0))
                .collect();
            one_each.reverse();
            one_each
        }
        (_, events) => vec![envelope_of(events, ended)],
    };
    app.comet.with(|r| {
        for push in pushes {
            r.deliver(client_id, push);
        }
    });
    true
}

/// Whether the `reversePushes` fault holds, reverses or leaves alone what is pending for client
/// `client_id`.
fn pending_plan(app: &Shared, client_id: &str, slot: &Slot) -> PushPlan {
    let Some(cursor) = app.comet.with(|r| {
        r.client(client_id)
            .and_then(|c| c.chat.as_ref().map(|b| b.cursor))
    }) else {
        return PushPlan::InOrder;
    };
    let (staff, ended) = slot.read(|c| {
        (
            push_order::staff_messages(c, c.events_from(cursor)),
            c.is_ended(),
        )
    });
    push_order::plan(app, staff, ended)
}

/// The slot of the chat client `client_id` follows.
pub fn followed(app: &Shared, client_id: &str) -> Option<Arc<Slot>> {
    let chat_id = app.comet.with(|r| {
        r.client(client_id)
            .and_then(|c| c.chat.as_ref())
            .map(|b| b.chat_id.clone())
    })?;
    app.store.get(&chat_id)
}

/// The rendered events from the client's cursor and whether the end is news, when either is
/// pending; moves the cursor past them. The conversation is read first and the cursor moved only
/// if nobody moved it meanwhile (the two locks are never held together).
fn take_pending(app: &Shared, client_id: &str, slot: &Slot) -> Option<(Value, bool)> {
    let binding = app
        .comet
        .with(|r| r.client(client_id).and_then(|c| c.chat.clone()))?;
    let (events, next, ended) = slot.read(|c| {
        let events: Vec<Value> = c
            .events_from(binding.cursor)
            .iter()
            .map(|e| envelope::event(c, e))
            .collect();
        (events, c.next_position(), c.is_ended())
    });
    let end_news = ended && !binding.ended_sent;
    if events.is_empty() && !end_news {
        return None;
    }
    let moved = app.comet.with(|r| {
        let Some(b) = r.client_mut(client_id).and_then(|c| c.chat.as_mut()) else {
            return false;
        };
        if *b != binding {
            return false;
        }
        b.cursor = next.max(b.cursor);
        b.ended_sent |= ended;
        true
    });
    moved.then_some((Value::Array(events), end_news))
}

fn bind(app: &Shared, client_id: &str, channel: &str, chat_id: &str, cursor: u64) {
    app.comet.with(|r| {
        if let Some(c) = r.client_mut(client_id) {
            c.chat = Some(Binding {
                chat_id: chat_id.to_owned(),
                channel: channel.to_owned(),
                cursor,
                ended_sent: false,
            });
        }
    });
}

fn bind_if_unbound(app: &Shared, client_id: &str, channel: &str, chat_id: &str, cursor: u64) {
    let unbound = app.comet.with(|r| {
        r.client(client_id)
            .is_some_and(|c| c.chat.as_ref().is_none_or(|b| b.chat_id != chat_id))
    });
    if unbound {
        bind(app, client_id, channel, chat_id, cursor);
    }
}

/// The REST error body of a refused operation.
fn error_body(e: &GmsError) -> Value {
    match e {
        GmsError::BadRequest { code, message } => envelope::error_body(*code, message),
        other => envelope::error_body(241, &other.to_string()),
    }
}

/// The operation's data as form fields: scalars as text, `userData` (and any object) bracketed.
pub fn fields_of(data: &Value) -> FormFields {
    let mut pairs = Vec::new();
    if let Value::Object(map) = data {
        flatten("", map, &mut pairs, 0);
    }
    FormFields::from_pairs(pairs)
}

fn flatten(prefix: &str, map: &Map<String, Value>, out: &mut Vec<(String, String)>, depth: u8) {
    for (k, v) in map {
        let name = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}[{k}]")
        };
        match v {
            Value::Object(inner) if depth < 4 => flatten(&name, inner, out, depth + 1),
            Value::Object(_) | Value::Array(_) => out.push((name, v.to_string())),
            Value::String(s) => out.push((name, s.clone())),
            Value::Null => out.push((name, String::new())),
            other => out.push((name, other.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_data_becomes_the_rest_form_fields() {
        let f = fields_of(&json!({"operation": "sendMessage", "transcriptPosition": 4,
            "userData": {"a": "x", "n": 2, "deep": {"b": true}}, "nothing": null}));
        assert_eq!(f.text("operation"), "sendMessage");
        assert_eq!(f.number("transcriptPosition"), Some(4));
        let ud = f.bracketed("userData");
        assert_eq!(ud.get("a").map(String::as_str), Some("x"));
        assert_eq!(ud.get("n").map(String::as_str), Some("2"));
        assert_eq!(ud.get("deep[b]").map(String::as_str), Some("true"));
        assert_eq!(f.get("nothing"), Some(""));
        assert!(fields_of(&json!([1, 2])).get("0").is_none());
    }

    #[test]
    fn only_single_segment_service_channels_name_a_service() {
        assert_eq!(
            service_of("/service/chatV2/customer-support"),
            Some("customer-support")
        );
        assert_eq!(service_of("/service/chatV2/"), None);
        assert_eq!(service_of("/service/chatV2/a/b"), None);
        assert_eq!(service_of("/chat"), None);
    }
}
