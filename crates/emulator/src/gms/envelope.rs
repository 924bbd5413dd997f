//! GMS Chat API v2 response bodies, rendered from the conversation model (pure).

use serde_json::{Map, Value, json};

use crate::model::{Conversation, Event, FileStore, PartyId, Role};

/// `statusCode` values.
pub mod status {
    /// Success.
    pub const OK: u8 = 0;
    /// Transient error; the client may retry.
    pub const TRANSIENT: u8 = 1;
    /// Permanent error; check `chatEnded`.
    pub const PERMANENT: u8 = 2;
}

/// The envelope every 200 answer carries, with these transcript events as `messages`.
pub fn envelope(c: &Conversation, status_code: u8, messages: &[Event]) -> Value {
    json!({
        "statusCode": status_code,
        "alias": c.credentials.alias,
        "chatEnded": c.is_ended(),
        "chatId": c.id,
        "userId": c.credentials.user_id,
        "secureKey": c.credentials.secure_key,
        "nextPosition": c.next_position(),
        "messages": messages.iter().map(|e| event(c, e)).collect::<Vec<_>>(),
    })
}

/// One transcript event: `{index, type, utcTime, from, text?, userData?, eventAttributes?}`.
pub fn event(c: &Conversation, e: &Event) -> Value {
    let mut out = Map::new();
    out.insert("index".into(), e.index.into());
    out.insert("type".into(), e.kind.gms_name().into());
    out.insert("utcTime".into(), e.utc_ms.into());
    out.insert("from".into(), from(c, e.from));
    if !e.text.is_empty() || e.kind == crate::model::EventKind::Message {
        out.insert("text".into(), e.text.clone().into());
    }
    if !e.user_data.is_empty() {
        out.insert("userData".into(), json!(e.user_data));
    }
    if e.from
        .and_then(|id| c.party(id))
        .is_some_and(|p| p.role == Role::Bot)
    {
        out.insert(
            "eventAttributes".into(),
            json!({"GCTI_SYSTEM": {"party-info": {"style": "BOT"}}}),
        );
    }
    Value::Object(out)
}

/// `from: {nickname, participantId, type}`; the system is `External` participant 0.
pub fn from(c: &Conversation, id: Option<PartyId>) -> Value {
    match id.and_then(|id| c.party(id)) {
        Some(p) => {
            json!({"nickname": p.nickname, "participantId": p.id, "type": party_type(p.role)})
        }
        None => json!({"nickname": "system", "participantId": 0, "type": "External"}),
    }
}

/// The GMS `from.type` of a role (bots are `External`, marked by `eventAttributes`).
pub fn party_type(role: Role) -> &'static str {
    match role {
        Role::Client => "Client",
        Role::Agent => "Agent",
        Role::Supervisor => "Supervisor",
        Role::Bot | Role::Workflow => "External",
    }
}

/// The `file/limits` answer: the envelope whose single Notice (index 0, not part of the transcript)
/// carries the limits in `userData`.
pub fn file_limits(c: &Conversation, now_ms: u64) -> Value {
    let mut answer = envelope(c, status::OK, &[]);
    let files: &FileStore = c.files();
    let limits = &files.limits;
    let notice = json!({
        "index": 0,
        "type": "Notice",
        "utcTime": now_ms,
        "from": from(c, Some(crate::model::CLIENT)),
        "userData": {
            "download-attempts": limits.download_attempts.to_string(),
            "upload-max-files": limits.max_files.to_string(),
            "upload-max-file-size": limits.max_file_size.to_string(),
            "upload-max-total-size": limits.max_total_size.to_string(),
            "upload-need-agent": limits.need_agent.to_string(),
            "upload-file-types": limits.file_types_joined(),
            "used-upload-max-files": files.used_files().to_string(),
            "used-upload-max-total-size": files.used_total_size().to_string(),
            "used-download-attempts": "0",
        },
    });
    answer["messages"] = json!([notice]);
    answer
}

/// The body of a 400 answer: `{statusCode: 2, errors: [{code, message}]}`.
pub fn error_body(code: u16, message: &str) -> Value {
    json!({"statusCode": status::PERMANENT, "errors": [{"code": code, "message": message}]})
}

/// The body of an injected transient failure (HTTP 200).
pub fn transient_body() -> Value {
    json!({
        "statusCode": status::TRANSIENT,
        "chatEnded": false,
        "errors": [{"code": 100, "message": "chat server temporarily unavailable"}],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventKind, FileLimits, PartyState, Protocol};

    fn chat() -> Conversation {
        let mut c = Conversation::new(
            "00048aAPEQJ8000U".into(),
            Protocol::Gms,
            "First Last",
            FileLimits::default(),
            1,
            1_432_845_088_000,
        );
        c.credentials.alias = "117".into();
        c.credentials.user_id = "007555677B20000A".into();
        c.credentials.secure_key = "4ee15d7e1c343c8e".into();
        c
    }

    #[test]
    fn the_request_chat_envelope_matches_the_documented_example() {
        let c = chat();
        let expected: Value = serde_json::from_str(
            r#"{"statusCode":0,"alias":"117","userId":"007555677B20000A","secureKey":"4ee15d7e1c343c8e",
            "messages":[{"from":{"nickname":"First Last","participantId":1,"type":"Client"},"index":1,
            "type":"ParticipantJoined","utcTime":1432845088000}],"chatId":"00048aAPEQJ8000U",
            "chatEnded":false,"nextPosition":2}"#,
        )
        .unwrap();
        assert_eq!(envelope(&c, status::OK, c.transcript()), expected);
    }

    #[test]
    fn messages_carry_text_and_bots_are_marked() {
        let mut c = chat();
        let bot = c.add_party(Role::Bot, "Botty", PartyState::Connected, 1);
        c.post(Some(bot), EventKind::Message, "beep", 2).unwrap();
        let e = event(&c, c.transcript().last().unwrap());
        assert_eq!(e["text"], "beep");
        assert_eq!(e["from"]["type"], "External");
        assert_eq!(
            e["eventAttributes"]["GCTI_SYSTEM"]["party-info"]["style"],
            "BOT"
        );
        let joined = event(&c, &c.transcript()[0]);
        assert!(joined.get("text").is_none());
        assert!(joined.get("eventAttributes").is_none());
    }

    #[test]
    fn file_limits_report_the_server_defaults_as_strings() {
        let body = file_limits(&chat(), 5);
        let data = &body["messages"][0]["userData"];
        assert_eq!(data["upload-max-files"], "3");
        assert_eq!(data["upload-max-file-size"], "2097152");
        assert_eq!(data["upload-max-total-size"], "5242880");
        assert_eq!(data["used-upload-max-files"], "0");
        assert_eq!(data["upload-need-agent"], "false");
        assert_eq!(body["statusCode"], 0);
    }

    #[test]
    fn error_bodies_name_the_code() {
        assert_eq!(
            error_body(204, "message too long"),
            json!({"statusCode":2,"errors":[{"code":204,"message":"message too long"}]})
        );
        assert_eq!(transient_body()["chatEnded"], false);
    }
}
