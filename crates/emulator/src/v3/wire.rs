//! Engage v3 (Nexus) JSON shapes, rendered from the model (pure).

use serde_json::{Value, json};

use crate::model::{Conversation, Event, EventKind, Role};

/// The REST base path.
pub const BASE: &str = "/nexus/v3/chat/sessions";

/// The v3 `type` of a transcript event, or `None` for events v3 does not show.
pub fn message_type(kind: EventKind) -> Option<&'static str> {
    match kind {
        EventKind::Message => Some("Text"),
        EventKind::PushUrl => Some("PushUrl"),
        EventKind::Notice
        | EventKind::CustomNotice
        | EventKind::IdleAlert
        | EventKind::IdleClose
        | EventKind::FileUploaded => Some("Notice"),
        EventKind::ParticipantJoined | EventKind::ParticipantRejoined => Some("ParticipantJoined"),
        EventKind::ParticipantLeft => Some("ParticipantLeft"),
        EventKind::TypingStarted => Some("TypingStarted"),
        EventKind::TypingStopped => Some("TypingStopped"),
        EventKind::FileDeleted | EventKind::NicknameUpdated => None,
    }
}

/// The v3 `from.type` of a role.
pub fn party_type(role: Role) -> &'static str {
    match role {
        Role::Client => "Customer",
        Role::Supervisor => "Supervisor",
        Role::Agent | Role::Bot | Role::Workflow => "Agent",
    }
}

/// A message: `{index (string), utcTime, type, text, url?, from: {nickname, type, participantId}}`.
pub fn message(c: &Conversation, e: &Event) -> Option<Value> {
    let kind = message_type(e.kind)?;
    let from = match e.from.and_then(|id| c.party(id)) {
        Some(p) => {
            json!({"nickname": p.nickname, "type": party_type(p.role), "participantId": p.id.to_string()})
        }
        None => json!({"nickname": "system", "type": "Agent", "participantId": "0"}),
    };
    let mut out = json!({
        "index": e.index.to_string(),
        "utcTime": e.utc_ms,
        "type": kind,
        "text": e.text,
        "from": from,
    });
    match e.kind {
        EventKind::PushUrl => out["url"] = e.text.clone().into(),
        EventKind::FileUploaded => {
            if let Some(id) = e.user_data.get("file-id") {
                out["url"] = format!("{BASE}/{}/images/{id}", c.id).into();
            }
        }
        _ => {}
    }
    Some(out)
}

/// The poll and history answer: `{data: {messages, chatEnded}}`.
pub fn messages(c: &Conversation, from_index: u64, count: Option<usize>) -> Value {
    let list: Vec<Value> = c
        .events_from(from_index)
        .iter()
        .filter_map(|e| message(c, e))
        .take(count.unwrap_or(usize::MAX))
        .collect();
    json!({"data": {"messages": list, "chatEnded": c.is_ended()}})
}

/// An error body: `{status: {code, message}}`.
pub fn error(code: &str, message: &str) -> Value {
    json!({"status": {"code": code, "message": message}})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CLIENT, FileLimits, PartyState, Protocol};

    #[test]
    fn messages_use_string_indexes_and_v3_type_names() {
        let mut c = Conversation::new(
            "s".into(),
            Protocol::V3,
            "Pat",
            FileLimits::default(),
            2,
            10,
        );
        let agent = c.add_party(Role::Agent, "Ann", PartyState::Connected, 11);
        c.post(Some(CLIENT), EventKind::Message, "hi", 12).unwrap();
        c.post(Some(agent), EventKind::PushUrl, "https://x.test", 13)
            .unwrap();
        let body = messages(&c, 1, None);
        let list = body["data"]["messages"].as_array().unwrap();
        assert_eq!(list[0]["index"], "1");
        assert_eq!(
            list[0]["from"],
            json!({"nickname": "Pat", "type": "Customer", "participantId": "1"})
        );
        assert_eq!(list[2]["type"], "Text");
        assert_eq!(list[3]["url"], "https://x.test");
        assert_eq!(body["data"]["chatEnded"], false);
        assert_eq!(
            messages(&c, 2, Some(1))["data"]["messages"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn errors_have_a_status_code_and_message() {
        assert_eq!(
            error("INVALID_SESSION", "gone"),
            json!({"status": {"code": "INVALID_SESSION", "message": "gone"}})
        );
    }
}
