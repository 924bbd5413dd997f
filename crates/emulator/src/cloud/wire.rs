//! Genesys Cloud guest chat JSON shapes, rendered from the model (pure): members, messages, typing,
//! WebSocket frames and errors.

use serde_json::{Value, json};

use crate::clock::iso8601;
use crate::model::{Conversation, Event, EventKind, MemberChange, Party, PartyId, Role};

/// The REST base path.
pub const BASE: &str = "/api/v2/webchat/guest/conversations";

/// The Cloud `role` of a party.
pub fn role(role: Role) -> &'static str {
    match role {
        Role::Client => "CUSTOMER",
        Role::Agent | Role::Supervisor | Role::Bot => "AGENT",
        Role::Workflow => "WORKFLOW",
    }
}

/// A member: `{id, displayName, role, state, joinDate, leaveDate?, selfUri, authenticatedGuest}`.
pub fn member(c: &Conversation, p: &Party) -> Value {
    let mut out = json!({
        "id": p.member_id,
        "displayName": p.nickname,
        "role": role(p.role),
        "state": p.state.cloud_name(),
        "joinDate": iso8601(p.joined_ms),
        "selfUri": format!("{BASE}/{}/members/{}", c.id, p.member_id),
        "authenticatedGuest": false,
    });
    if let Some(left) = p.left_ms {
        out["leaveDate"] = iso8601(left).into();
    }
    out
}

/// `GET …/members`: one page holding every member.
pub fn member_list(c: &Conversation) -> Value {
    let entities: Vec<Value> = c.parties().iter().map(|p| member(c, p)).collect();
    json!({
        "entities": entities,
        "pageSize": entities.len().max(1),
        "pageNumber": 1,
        "total": entities.len(),
        "pageCount": 1,
        "selfUri": format!("{BASE}/{}/members", c.id),
    })
}

/// The Cloud `bodyType` of a transcript event, or `None` for events Cloud does not show.
pub fn body_type(kind: EventKind) -> Option<&'static str> {
    match kind {
        EventKind::Message => Some("standard"),
        EventKind::Notice | EventKind::PushUrl | EventKind::CustomNotice | EventKind::IdleClose => {
            Some("notice")
        }
        EventKind::ParticipantJoined | EventKind::ParticipantRejoined => Some("member-join"),
        EventKind::ParticipantLeft => Some("member-leave"),
        _ => None,
    }
}

fn member_id(c: &Conversation, id: Option<PartyId>) -> String {
    id.and_then(|id| c.party(id))
        .map(|p| p.member_id.clone())
        .unwrap_or_default()
}

/// A message as REST returns it (history entity and POST answer).
pub fn message(c: &Conversation, e: &Event) -> Value {
    let sender = member_id(c, e.from);
    json!({
        "id": e.id,
        "conversation": {"id": c.id, "selfUri": format!("{BASE}/{}", c.id)},
        "sender": {"id": sender, "selfUri": format!("{BASE}/{}/members/{sender}", c.id)},
        "body": e.text,
        "bodyType": body_type(e.kind).unwrap_or("standard"),
        "timestamp": iso8601(e.utc_ms),
        "selfUri": format!("{BASE}/{}/messages/{}", c.id, e.id),
    })
}

/// The answer to a typing POST (a WebChatTyping object).
pub fn typing(c: &Conversation, sender: &Party, id: &str, now_ms: u64) -> Value {
    json!({
        "id": id,
        "conversation": {"id": c.id, "selfUri": format!("{BASE}/{}", c.id)},
        "sender": {"id": sender.member_id, "selfUri": format!("{BASE}/{}/members/{}", c.id, sender.member_id)},
        "timestamp": iso8601(now_ms),
    })
}

fn frame(topic: String, kind: &str, correlation: &str, body: Value) -> Value {
    json!({
        "topicName": topic,
        "version": "2",
        "eventBody": body,
        "metadata": {"CorrelationId": correlation, "type": kind},
    })
}

/// The frame for a transcript event, if Cloud streams it. The guest's own typing is not echoed.
pub fn event_frame(c: &Conversation, e: &Event) -> Option<Value> {
    let topic = format!("v2.conversations.chats.{}.messages", c.id);
    let sender = member_id(c, e.from);
    if e.kind == EventKind::TypingStarted {
        let from_staff = e
            .from
            .and_then(|id| c.party(id))
            .is_some_and(Party::is_staff);
        let body = json!({
            "id": e.id,
            "conversation": {"id": c.id},
            "sender": {"id": sender},
            "timestamp": iso8601(e.utc_ms),
        });
        return from_staff.then(|| frame(topic, "typing-indicator", &e.id, body));
    }
    let body = json!({
        "id": e.id,
        "conversation": {"id": c.id},
        "sender": {"id": sender},
        "body": e.text,
        "bodyType": body_type(e.kind)?,
        "timestamp": iso8601(e.utc_ms),
    });
    Some(frame(topic, "message", &e.id, body))
}

/// The `member-change` frame.
pub fn member_change_frame(c: &Conversation, m: &MemberChange) -> Option<Value> {
    let party = c.party(m.party)?;
    let body = json!({
        "conversation": {"id": c.id},
        "member": {"id": party.member_id, "state": m.state.cloud_name()},
        "timestamp": iso8601(m.utc_ms),
    });
    let correlation = format!("{}-{}", party.member_id, m.seq);
    Some(frame(
        format!("v2.conversations.chats.{}.members", c.id),
        "member-change",
        &correlation,
        body,
    ))
}

/// Frames for everything logged after `seq`, in log order, and the new cursor.
pub fn frames_after(c: &Conversation, seq: u64) -> (Vec<Value>, u64) {
    let mut tagged: Vec<(u64, Option<Value>)> = c
        .events_after_seq(seq)
        .iter()
        .map(|e| (e.seq, event_frame(c, e)))
        .chain(
            c.member_changes_after_seq(seq)
                .iter()
                .map(|m| (m.seq, member_change_frame(c, m))),
        )
        .collect();
    tagged.sort_by_key(|(seq, _)| *seq);
    (
        tagged.into_iter().filter_map(|(_, f)| f).collect(),
        c.last_seq(),
    )
}

/// The heartbeat frame, sent about every 10 s.
pub fn heartbeat() -> Value {
    json!({"topicName": "channel.metadata", "eventBody": {"message": "WebSocket Heartbeat"}})
}

/// The answer to a client `{"message":"ping"}`.
pub fn pong() -> Value {
    json!({"topicName": "channel.metadata", "eventBody": {"message": "pong"}})
}

/// An error body: `{status, code, message, messageWithParams, messageParams, contextId, details, errors}`.
pub fn error(status: u16, code: &str, message: &str, context_id: &str) -> Value {
    json!({
        "status": status,
        "code": code,
        "message": message,
        "messageWithParams": message,
        "messageParams": {},
        "contextId": context_id,
        "details": [],
        "errors": [],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CLIENT, FileLimits, PartyState, Protocol};

    fn chat() -> Conversation {
        Conversation::new(
            "conv".into(),
            Protocol::Cloud,
            "Pat",
            FileLimits::default(),
            3,
            1_432_845_088_000,
        )
    }

    #[test]
    fn agent_join_streams_member_change_then_member_join() {
        let mut c = chat();
        let mark = c.last_seq();
        let agent = c.add_party(Role::Agent, "Ann", PartyState::Alerting, 1);
        c.connect_party(agent, 2).unwrap();
        let (frames, cursor) = frames_after(&c, mark);
        assert_eq!(cursor, c.last_seq());
        let agent_id = c.party(agent).unwrap().member_id.clone();
        let kinds: Vec<(&str, &str)> = frames
            .iter()
            .map(|f| {
                (
                    f["metadata"]["type"].as_str().unwrap(),
                    f["topicName"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("member-change", "v2.conversations.chats.conv.members"),
                ("member-change", "v2.conversations.chats.conv.members"),
                ("message", "v2.conversations.chats.conv.messages"),
            ]
        );
        assert_eq!(
            frames[0]["eventBody"]["member"],
            json!({"id": agent_id, "state": "ALERTING"})
        );
        assert_eq!(frames[1]["eventBody"]["member"]["state"], "CONNECTED");
        assert_eq!(frames[2]["eventBody"]["bodyType"], "member-join");
        assert_eq!(frames[2]["eventBody"]["sender"]["id"], agent_id.as_str());
        assert_eq!(frames[2]["version"], "2");
        assert!(frames_after(&c, cursor).0.is_empty());
    }

    #[test]
    fn message_frames_have_the_documented_event_body() {
        let mut c = chat();
        let mark = c.last_seq();
        c.post(Some(CLIENT), EventKind::Message, "hi", 1_432_845_088_000)
            .unwrap();
        let (frames, _) = frames_after(&c, mark);
        let body = &frames[0]["eventBody"];
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "body",
                "bodyType",
                "conversation",
                "id",
                "sender",
                "timestamp"
            ]
        );
        assert_eq!(body["timestamp"], "2015-05-28T20:31:28.000Z");
        assert_eq!(body["conversation"], json!({"id": "conv"}));
    }

    #[test]
    fn only_staff_typing_is_streamed() {
        let mut c = chat();
        let agent = c.add_party(Role::Agent, "Ann", PartyState::Connected, 1);
        let mark = c.last_seq();
        c.set_typing(CLIENT, true, "", 2).unwrap();
        c.set_typing(agent, true, "", 3).unwrap();
        let (frames, _) = frames_after(&c, mark);
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0]["metadata"]["type"], "typing-indicator");
        assert!(frames[0]["eventBody"].get("body").is_none());
    }

    #[test]
    fn members_report_role_and_state_in_cloud_spelling() {
        let mut c = chat();
        let agent = c.add_party(Role::Agent, "Ann", PartyState::Connected, 1);
        c.remove_party(agent, 2).unwrap();
        let m = member(&c, c.party(agent).unwrap());
        assert_eq!(m["role"], "AGENT");
        assert_eq!(m["state"], "DISCONNECTED");
        assert!(m["leaveDate"].is_string());
        let list = member_list(&c);
        assert_eq!(list["entities"][0]["role"], "CUSTOMER");
        assert_eq!(list["total"], 2);
    }

    #[test]
    fn heartbeat_and_pong_use_the_channel_metadata_topic() {
        assert_eq!(heartbeat()["eventBody"]["message"], "WebSocket Heartbeat");
        assert_eq!(pong()["topicName"], "channel.metadata");
        assert_eq!(error(404, "not.found", "x", "c")["status"], 404);
    }
}
