//! The one normalised message shape every transport produces, and the transcript that
//! de-duplicates it.
//!
//! Published shape: `{index, type, text, timestamp, from: {name, type, participantId}, ...}` with
//! transport extras (`url`, `file`, `userData`, `id`) flattened in.

use crate::json;
use crate::json::{Json, Object};

/// `from.type` of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SenderType {
    /// The customer.
    Client,
    /// An agent.
    Agent,
    /// A supervisor.
    Supervisor,
    /// Another party, such as the system.
    External,
    /// A bot.
    Bot,
}

impl SenderType {
    /// The published name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Client => "Client",
            Self::Agent => "Agent",
            Self::Supervisor => "Supervisor",
            Self::External => "External",
            Self::Bot => "Bot",
        }
    }

    /// Reads a wire name leniently (`Customer` is Engage v3's name for the client).
    pub fn parse(s: &str) -> Self {
        match s.to_ascii_lowercase().as_str() {
            "client" | "customer" => Self::Client,
            "agent" => Self::Agent,
            "supervisor" => Self::Supervisor,
            "bot" => Self::Bot,
            _ => Self::External,
        }
    }
}

/// Who sent a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Sender {
    /// Display name.
    pub name: String,
    /// Role.
    pub kind: SenderType,
    /// Participant id, as text.
    pub participant_id: String,
}

/// Message `type` values the core reacts to; everything else passes through as text.
pub mod kind {
    /// A chat message.
    pub const MESSAGE: &str = "Message";
    /// A participant joined.
    pub const PARTICIPANT_JOINED: &str = "ParticipantJoined";
    /// A participant left.
    pub const PARTICIPANT_LEFT: &str = "ParticipantLeft";
    /// A notice.
    pub const NOTICE: &str = "Notice";
    /// Someone started typing.
    pub const TYPING_STARTED: &str = "TypingStarted";
    /// Someone stopped typing.
    pub const TYPING_STOPPED: &str = "TypingStopped";
    /// A pushed URL.
    pub const PUSH_URL: &str = "PushUrl";
    /// A custom notice.
    pub const CUSTOM_NOTICE: &str = "CustomNotice";
    /// A file was uploaded.
    pub const FILE_UPLOADED: &str = "FileUploaded";
    /// Idle warning.
    pub const IDLE_ALERT: &str = "IdleAlert";
    /// Closed for idleness.
    pub const IDLE_CLOSE: &str = "IdleClose";
}

/// A normalised message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Transcript index; `None` when the transport only has ids (the transcript assigns one).
    pub index: Option<u64>,
    /// Server id, when the transport has one.
    pub id: Option<String>,
    /// One of [`kind`].
    pub kind: String,
    /// Text (empty when none).
    pub text: String,
    /// Milliseconds since the epoch.
    pub timestamp: u64,
    /// Sender.
    pub from: Sender,
    /// Transport extras, flattened into the published object.
    pub extra: Object,
}

impl Message {
    /// The published JSON object.
    pub fn to_json(&self) -> Json {
        let mut m = Object::new();
        m.insert("index", json!(self.index));
        if let Some(id) = &self.id {
            m.insert("id", json!(id));
        }
        m.insert("type", json!(self.kind));
        m.insert("text", json!(self.text));
        m.insert("timestamp", json!(self.timestamp));
        m.insert(
            "from",
            json!({"name": self.from.name, "type": self.from.kind.as_str(),
                   "participantId": self.from.participant_id}),
        );
        for (k, v) in &self.extra {
            m.insert_if_absent(k, || v.clone());
        }
        Json::Object(m)
    }
}

/// Every message accepted so far, de-duplicated by index and by id. The seen indexes are a
/// sorted `Vec` and the ids a plain one: a chat has at most a few hundred messages, and the bundle
/// then needs no tree or hash map code.
#[derive(Debug, Default, Clone)]
pub struct Transcript {
    messages: Vec<Message>,
    indexes: Vec<u64>,
    ids: Vec<String>,
}

impl Transcript {
    /// Accepts `msg` unless its index or id was seen before; assigns an index when it has none.
    /// Returns the accepted message. Messages are kept in index order.
    pub fn accept(&mut self, mut msg: Message) -> Option<&Message> {
        if msg.id.as_ref().is_some_and(|id| self.ids.contains(id)) {
            return None;
        }
        let index = match msg.index {
            Some(i) if self.has_seen(i) => return None,
            Some(i) => i,
            None => self.highest_index().saturating_add(1),
        };
        msg.index = Some(index);
        self.mark_seen(index);
        if let Some(id) = &msg.id {
            self.ids.push(id.clone());
        }
        // Kept in index order: history fetched later (Engage v3 async mode) goes before what is
        // there. Only v3 delivers older messages late, so other builds always append.
        let at = if cfg!(feature = "v3") {
            self.messages
                .partition_point(|m| m.index.is_some_and(|i| i <= index))
        } else {
            self.messages.len()
        };
        if at == self.messages.len() {
            self.messages.push(msg);
        } else {
            self.messages.insert(at, msg);
        }
        self.messages.get(at)
    }

    /// Marks an index as seen without keeping a message (filtered messages still advance the
    /// transcript position).
    pub fn mark_seen(&mut self, index: u64) {
        if let Err(at) = self.indexes.binary_search(&index) {
            self.indexes.insert(at, index);
        }
    }

    /// Whether an index has been seen.
    pub fn has_seen(&self, index: u64) -> bool {
        self.indexes.binary_search(&index).is_ok()
    }

    /// The highest index seen, 0 when none.
    pub fn highest_index(&self) -> u64 {
        self.indexes.last().copied().unwrap_or(0)
    }

    /// The transcript position to ask for next: highest index seen + 1.
    pub fn next_position(&self) -> u64 {
        self.highest_index().saturating_add(1)
    }

    /// The kept messages, oldest first.
    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// Forgets everything (a new session).
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
pub(crate) fn test_message(index: u64, kind: &str, who: SenderType, text: &str) -> Message {
    Message {
        index: Some(index),
        id: None,
        kind: kind.into(),
        text: text.into(),
        timestamp: 1000 + index,
        from: Sender {
            name: format!("{who:?}"),
            kind: who,
            participant_id: format!("{who:?}"),
        },
        extra: Object::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_seen_twice_is_accepted_once() {
        let mut t = Transcript::default();
        assert!(
            t.accept(test_message(1, kind::MESSAGE, SenderType::Agent, "hi"))
                .is_some()
        );
        assert!(
            t.accept(test_message(1, kind::MESSAGE, SenderType::Agent, "hi"))
                .is_none()
        );
        assert_eq!(t.messages().len(), 1);
    }

    #[test]
    fn messages_with_the_same_id_are_accepted_once_and_get_indexes() {
        let mut t = Transcript::default();
        let mut m = test_message(0, kind::MESSAGE, SenderType::Agent, "a");
        m.index = None;
        m.id = Some("x".into());
        assert_eq!(t.accept(m.clone()).and_then(|m| m.index), Some(1));
        assert!(t.accept(m).is_none());
    }

    #[test]
    fn next_position_is_highest_index_seen_plus_one() {
        let mut t = Transcript::default();
        assert_eq!(t.next_position(), 1);
        t.accept(test_message(4, kind::MESSAGE, SenderType::Agent, "a"));
        t.mark_seen(7);
        t.accept(test_message(5, kind::MESSAGE, SenderType::Agent, "b"));
        assert_eq!(t.next_position(), 8);
    }

    #[test]
    fn published_shape_has_index_type_text_timestamp_and_from() {
        let v = test_message(3, kind::MESSAGE, SenderType::Bot, "hey").to_json();
        assert_eq!(v["index"], 3);
        assert_eq!(v["type"], "Message");
        assert_eq!(v["text"], "hey");
        assert_eq!(v["timestamp"], 1003);
        assert_eq!(v["from"]["type"], "Bot");
        assert_eq!(v["from"]["participantId"], "Bot");
    }
}

#[cfg(test)]
mod overflow_tests {
    use super::*;

    #[test]
    fn transcript_index_arithmetic_saturates_instead_of_wrapping() {
        let mut t = Transcript::default();
        let mut top = test_message(0, "Message", SenderType::Agent, "top");
        top.index = Some(u64::MAX);
        t.accept(top);
        assert_eq!(t.next_position(), u64::MAX);
        let mut unindexed = test_message(0, "Message", SenderType::Agent, "next");
        unindexed.index = None;
        let accepted = t.accept(unindexed).map(|m| m.index);
        assert_eq!(accepted, Some(Some(u64::MAX)));
    }
}
