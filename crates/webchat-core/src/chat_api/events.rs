//! The callbacks of a Chat Service JS API session (seed 002) and the event objects they receive,
//! mapped from WebChatService's normalised messages: Message and PushUrl → MessageReceived,
//! ParticipantJoined/Left of an agent → AgentConnected/Disconnected, TypingStarted/Stopped of an
//! agent → AgentTyping. Transcript entries (getTranscript) carry the same facts with string types,
//! as the seed's sample transcript shows them.

use crate::json;
use crate::json::{Json, Object};
use crate::message::kind;
use crate::texts;

/// A session callback (`session.on<Name>(fn)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callback {
    /// `onError`: `{error: {code, description}}`.
    Error,
    /// `onAgentConnected`.
    AgentConnected,
    /// `onAgentDisconnected`.
    AgentDisconnected,
    /// `onMessageReceived`.
    MessageReceived,
    /// `onAgentTyping`.
    AgentTyping,
    /// `onInterrupted`: no event object.
    Interrupted,
    /// `onContinued`: no event object.
    Continued,
    /// `onSessionEnded`: `{reason: {leaveRequest | agent | error: true}}`.
    SessionEnded,
}

impl Callback {
    /// Every callback.
    pub const ALL: [Callback; 8] = [
        Self::Error,
        Self::AgentConnected,
        Self::AgentDisconnected,
        Self::MessageReceived,
        Self::AgentTyping,
        Self::Interrupted,
        Self::Continued,
        Self::SessionEnded,
    ];

    /// The session method that registers it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Error => "onError",
            Self::AgentConnected => "onAgentConnected",
            Self::AgentDisconnected => "onAgentDisconnected",
            Self::MessageReceived => "onMessageReceived",
            Self::AgentTyping => "onAgentTyping",
            Self::Interrupted => "onInterrupted",
            Self::Continued => "onContinued",
            Self::SessionEnded => "onSessionEnded",
        }
    }

    /// The callback registered by `name`.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Whether its events are transcript events, kept for a callback registered after they came
    /// (and flagged `restored` when a restore replayed them).
    pub fn replays(self) -> bool {
        matches!(
            self,
            Self::AgentConnected | Self::AgentDisconnected | Self::MessageReceived
        )
    }
}

/// Why the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// `leave()` succeeded (reason code 1).
    LeaveRequest,
    /// The agent's side ended it (code 2).
    Agent,
    /// An error: the server lost the session (code 3).
    Error,
}

impl EndReason {
    fn parts(self) -> (u16, &'static str, &'static str) {
        match self {
            Self::LeaveRequest => (1, texts::API_ENDED_BY_LEAVE, "leaveRequest"),
            Self::Agent => (2, texts::API_ENDED_BY_AGENT, "agent"),
            Self::Error => (3, texts::API_ENDED_BY_ERROR, "error"),
        }
    }

    /// The transcript entry `{type: 'SessionEnded', reason: {code, description}, timestamp}`.
    pub fn entry(self, now: u64) -> Json {
        let (code, description, _) = self.parts();
        json!({"type": "SessionEnded", "reason": {"code": code, "description": description},
               "timestamp": now})
    }

    /// onSessionEnded's event, `{reason: {agent: true}}` and so on.
    pub fn event(self) -> Json {
        let (_, _, flag) = self.parts();
        let mut reason = Object::new();
        reason.insert(flag, Json::Bool(true));
        json!({ "reason": Json::Object(reason) })
    }
}

/// One message as the API sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    /// Which callback it goes to.
    pub callback: Callback,
    /// Its transcript entry (none for typing).
    pub entry: Option<Json>,
    /// The callback's event.
    pub event: Json,
    /// For agent joins and leaves: the party id.
    pub agent: Option<Json>,
}

/// `{agent: true}`-style flags for a sender type ("Agent", "Client", "External", "Supervisor";
/// a bot counts as external).
fn type_flags(sender: &str) -> Json {
    let flag = match sender {
        "Agent" => "agent",
        "Client" => "client",
        "Supervisor" => "supervisor",
        _ => "external",
    };
    let mut m = Object::new();
    m.insert(flag, Json::Bool(true));
    Json::Object(m)
}

/// The seed's string form of a sender type.
fn type_name(sender: &str) -> &'static str {
    match sender {
        "Agent" => "Agent",
        "Client" => "Client",
        "Supervisor" => "Supervisor",
        _ => "External",
    }
}

/// Maps one normalised WebChatService message (`{index, type, text, timestamp, from: {name,
/// type, participantId}}`); `None` for what the API does not report (the customer's own join,
/// notices). Indexes become 0-based, as the seed's are.
pub fn map_message(message: &Json, restored: bool) -> Option<Mapped> {
    let kind_name = message
        .get("type")
        .and_then(Json::as_str)
        .unwrap_or_default();
    let from = message.get("from");
    let sender = from
        .and_then(|f| f.get("type"))
        .and_then(Json::as_str)
        .unwrap_or_default();
    let id = from
        .and_then(|f| f.get("participantId"))
        .cloned()
        .unwrap_or(Json::Null);
    let name = from
        .and_then(|f| f.get("name"))
        .cloned()
        .unwrap_or(Json::String(String::new()));
    let index = message
        .get("index")
        .and_then(Json::as_u64)
        .map(|i| i.saturating_sub(1));
    let timestamp = message.get("timestamp").cloned().unwrap_or(Json::Null);
    let text = message
        .get("text")
        .cloned()
        .unwrap_or(Json::String(String::new()));
    let agent = sender == "Agent";
    let (callback, entry_type) = match kind_name {
        kind::MESSAGE | kind::PUSH_URL => (Callback::MessageReceived, "MessageReceived"),
        kind::PARTICIPANT_JOINED if agent => (Callback::AgentConnected, "AgentConnected"),
        kind::PARTICIPANT_LEFT if agent => (Callback::AgentDisconnected, "AgentDisconnected"),
        kind::TYPING_STARTED | kind::TYPING_STOPPED if agent => {
            let event = json!({"party": {"id": id, "name": name},
                               "isTyping": kind_name == kind::TYPING_STARTED});
            return Some(Mapped {
                callback: Callback::AgentTyping,
                entry: None,
                event,
                agent: None,
            });
        }
        _ => return None,
    };
    let mut entry = json!({"type": entry_type,
        "party": {"id": id, "type": type_name(sender), "name": name},
        "index": index, "timestamp": timestamp});
    let mut event = json!({"party": {"id": id, "type": type_flags(sender), "name": name},
        "index": index, "timestamp": timestamp});
    if callback == Callback::MessageReceived {
        let url = kind_name == kind::PUSH_URL;
        let mut content_type = Object::new();
        content_type.insert(if url { "url" } else { "text" }, Json::Bool(true));
        if let (Json::Object(e), Json::Object(v)) = (&mut entry, &mut event) {
            e.insert(
                "content",
                json!({"text": text, "type": if url { "url" } else { "text" }}),
            );
            v.insert(
                "content",
                json!({"text": text, "type": Json::Object(content_type)}),
            );
        }
    }
    if restored && let Json::Object(v) = &mut event {
        v.insert("restored", Json::Bool(true));
    }
    Some(Mapped {
        callback,
        entry: Some(entry),
        event,
        agent: (callback != Callback::MessageReceived).then_some(id),
    })
}
