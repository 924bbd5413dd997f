//! A chat conversation: parties, the indexed transcript, member changes, user data and files.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::files::{FileError, FileLimits, FileStore, StoredFile};
use super::party::{Party, PartyId, PartyState, Role};

/// Which protocol started the conversation (informational; every view can read every conversation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// GMS Chat API v2 over REST.
    Gms,
    /// GMS Chat API v2 over CometD (Bayeux).
    Cometd,
    /// Genesys Cloud guest chat.
    Cloud,
    /// Engage v3 (Nexus).
    V3,
}

impl Protocol {
    /// Short name for the agent API.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Gms => "gms",
            Protocol::Cometd => "cometd",
            Protocol::Cloud => "cloud",
            Protocol::V3 => "v3",
        }
    }
}

/// What a transcript event is (GMS names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum EventKind {
    ParticipantJoined,
    ParticipantLeft,
    ParticipantRejoined,
    Message,
    Notice,
    PushUrl,
    CustomNotice,
    TypingStarted,
    TypingStopped,
    FileUploaded,
    FileDeleted,
    NicknameUpdated,
    IdleAlert,
    IdleClose,
}

impl EventKind {
    /// The GMS `type` string.
    pub fn gms_name(self) -> &'static str {
        match self {
            EventKind::ParticipantJoined => "ParticipantJoined",
            EventKind::ParticipantLeft => "ParticipantLeft",
            EventKind::ParticipantRejoined => "ParticipantRejoined",
            EventKind::Message => "Message",
            EventKind::Notice => "Notice",
            EventKind::PushUrl => "PushUrl",
            EventKind::CustomNotice => "CustomNotice",
            EventKind::TypingStarted => "TypingStarted",
            EventKind::TypingStopped => "TypingStopped",
            EventKind::FileUploaded => "FileUploaded",
            EventKind::FileDeleted => "FileDeleted",
            EventKind::NicknameUpdated => "NicknameUpdated",
            EventKind::IdleAlert => "IdleAlert",
            EventKind::IdleClose => "IdleClose",
        }
    }
}

/// One transcript entry.
#[derive(Debug, Clone)]
pub struct Event {
    /// 1-based, contiguous position in the transcript (GMS `index`).
    pub index: u64,
    /// Position in the combined log of events and member changes.
    pub seq: u64,
    /// A uuid-shaped id (Genesys Cloud message id).
    pub id: String,
    /// What happened.
    pub kind: EventKind,
    /// When (ms since the epoch).
    pub utc_ms: u64,
    /// Who did it; `None` for the system.
    pub from: Option<PartyId>,
    /// Text, URL or notice body, depending on the kind.
    pub text: String,
    /// Extra attributes (for example `file-id` on FileUploaded).
    pub user_data: BTreeMap<String, String>,
}

/// A party's state change, as Genesys Cloud `member-change` frames report it.
#[derive(Debug, Clone)]
pub struct MemberChange {
    /// Position in the combined log.
    pub seq: u64,
    /// The party.
    pub party: PartyId,
    /// Its new state.
    pub state: PartyState,
    /// When.
    pub utc_ms: u64,
}

/// The secrets a protocol handed to the customer; each view checks its own.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// GMS `secureKey`.
    pub secure_key: String,
    /// GMS `userId`.
    pub user_id: String,
    /// GMS `alias`.
    pub alias: String,
    /// Cloud JWT or v3 `clientToken`.
    pub token: String,
}

/// Why an operation on a conversation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// The chat is over.
    #[error("chat has ended")]
    ChatEnded,
    /// No such party.
    #[error("unknown participant {0}")]
    UnknownParty(PartyId),
    /// The party is not (or no longer) in the chat.
    #[error("participant {0} is not connected")]
    NotConnected(PartyId),
    /// A file operation failed.
    #[error(transparent)]
    File(#[from] FileError),
}

/// The participant number of the customer in every conversation.
pub const CLIENT: PartyId = 1;

/// A chat conversation.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// Id (GMS `chatId`, Cloud conversation id, v3 session id).
    pub id: String,
    /// The protocol that started it.
    pub protocol: Protocol,
    /// GMS service name, Cloud queue or v3 endpoint the customer asked for.
    pub service: String,
    /// Subject given at start.
    pub subject: String,
    /// Email given at start.
    pub email: String,
    /// Secrets handed to the customer.
    pub credentials: Credentials,
    /// When it started.
    pub created_ms: u64,
    /// Last time anything touched it; drives idle expiry.
    pub last_activity_ms: u64,
    /// Whether routing happened (Cloud routes once the event stream is attached; others at once).
    pub routed: bool,
    /// Last transcript position the customer reported as read.
    pub read_position: u64,
    parties: Vec<Party>,
    transcript: Vec<Event>,
    member_changes: Vec<MemberChange>,
    user_data: BTreeMap<String, String>,
    files: FileStore,
    ended: bool,
    next_seq: u64,
    id_seed: u64,
}

impl Conversation {
    /// Starts a conversation with the customer connected as participant 1.
    pub fn new(
        id: String,
        protocol: Protocol,
        client_nickname: &str,
        limits: FileLimits,
        id_seed: u64,
        now_ms: u64,
    ) -> Self {
        let mut conversation = Conversation {
            id,
            protocol,
            service: String::new(),
            subject: String::new(),
            email: String::new(),
            credentials: Credentials::default(),
            created_ms: now_ms,
            last_activity_ms: now_ms,
            routed: protocol != Protocol::Cloud,
            read_position: 0,
            parties: Vec::new(),
            transcript: Vec::new(),
            member_changes: Vec::new(),
            user_data: BTreeMap::new(),
            files: FileStore::new(limits),
            ended: false,
            next_seq: 1,
            id_seed,
        };
        conversation.add_party(Role::Client, client_nickname, PartyState::Connected, now_ms);
        conversation
    }

    /// Marks the conversation as used now.
    pub fn touch(&mut self, now_ms: u64) {
        self.last_activity_ms = self.last_activity_ms.max(now_ms);
    }

    /// Whether the chat is over.
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// All parties, in joining order.
    pub fn parties(&self) -> &[Party] {
        &self.parties
    }

    /// A party by participant number.
    pub fn party(&self, id: PartyId) -> Option<&Party> {
        self.parties.iter().find(|p| p.id == id)
    }

    /// A party by Cloud member id.
    pub fn party_by_member_id(&self, member_id: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.member_id == member_id)
    }

    /// The customer.
    pub fn client(&self) -> Option<&Party> {
        self.party(CLIENT)
    }

    /// Connected agents, supervisors and bots.
    pub fn connected_staff(&self) -> impl Iterator<Item = &Party> {
        self.parties
            .iter()
            .filter(|p| p.is_staff() && p.is_connected())
    }

    /// The whole transcript.
    pub fn transcript(&self) -> &[Event] {
        &self.transcript
    }

    /// Transcript events at `position` and later (positions are 1-based; 0 behaves as 1).
    pub fn events_from(&self, position: u64) -> &[Event] {
        let skip = usize::try_from(position.saturating_sub(1)).unwrap_or(usize::MAX);
        self.transcript.get(skip..).unwrap_or(&[])
    }

    /// The position the next event will get (last index + 1).
    pub fn next_position(&self) -> u64 {
        self.transcript.len() as u64 + 1
    }

    /// A transcript event by its uuid-shaped id.
    pub fn event_by_id(&self, id: &str) -> Option<&Event> {
        self.transcript.iter().find(|e| e.id == id)
    }

    /// The highest log sequence number so far (0 when empty).
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    /// Transcript events logged after `seq`.
    pub fn events_after_seq(&self, seq: u64) -> &[Event] {
        let start = self.transcript.partition_point(|e| e.seq <= seq);
        &self.transcript[start..]
    }

    /// Member changes logged after `seq`.
    pub fn member_changes_after_seq(&self, seq: u64) -> &[MemberChange] {
        let start = self.member_changes.partition_point(|c| c.seq <= seq);
        &self.member_changes[start..]
    }

    /// Attached user data.
    pub fn user_data(&self) -> &BTreeMap<String, String> {
        &self.user_data
    }

    /// The files and their limits.
    pub fn files(&self) -> &FileStore {
        &self.files
    }

    /// Merges user data (later values win).
    pub fn update_user_data(
        &mut self,
        data: impl IntoIterator<Item = (String, String)>,
        now_ms: u64,
    ) {
        self.user_data.extend(data);
        self.touch(now_ms);
    }

    /// Adds a party. A connected party is announced with ParticipantJoined (except the workflow).
    pub fn add_party(
        &mut self,
        role: Role,
        nickname: &str,
        state: PartyState,
        now_ms: u64,
    ) -> PartyId {
        let id = self.parties.iter().map(|p| p.id).max().unwrap_or(0) + 1;
        let member_id = super::derived_uuid(self.id_seed, u64::from(id) | 1 << 40);
        self.parties.push(Party {
            id,
            member_id,
            nickname: nickname.to_owned(),
            role,
            state,
            joined_ms: now_ms,
            left_ms: None,
            typing: false,
            typing_ms: None,
            typing_preview: String::new(),
        });
        self.note_state_change(id, role, state, true, now_ms);
        id
    }

    /// Moves an alerting party into the chat.
    pub fn connect_party(&mut self, id: PartyId, now_ms: u64) -> Result<(), ModelError> {
        self.ensure_open()?;
        let party = self.party_mut(id)?;
        if party.state != PartyState::Alerting {
            return Err(ModelError::NotConnected(id));
        }
        party.state = PartyState::Connected;
        let role = party.role;
        self.note_state_change(id, role, PartyState::Connected, true, now_ms);
        Ok(())
    }

    /// Takes a party out of the chat. When the customer leaves, the chat ends.
    pub fn remove_party(&mut self, id: PartyId, now_ms: u64) -> Result<(), ModelError> {
        let party = self.party_mut(id)?;
        if party.state == PartyState::Disconnected {
            return Err(ModelError::NotConnected(id));
        }
        let was_connected = party.is_connected();
        party.state = PartyState::Disconnected;
        party.left_ms = Some(now_ms);
        party.typing = false;
        let role = party.role;
        self.note_state_change(id, role, PartyState::Disconnected, was_connected, now_ms);
        if role == Role::Client {
            self.finish(now_ms);
        }
        Ok(())
    }

    /// Ends the chat from the server side: staff leave, then the customer is disconnected.
    pub fn end(&mut self, now_ms: u64) {
        if self.ended {
            return;
        }
        let staff: Vec<PartyId> = self
            .parties
            .iter()
            .filter(|p| p.role != Role::Client && p.state != PartyState::Disconnected)
            .map(|p| p.id)
            .collect();
        for id in staff {
            let _ = self.remove_party(id, now_ms);
        }
        if self.remove_party(CLIENT, now_ms).is_err() {
            self.finish(now_ms);
        }
    }

    /// Ends the chat for idleness: an IdleClose event, then [`Conversation::end`].
    pub fn idle_close(&mut self, now_ms: u64) {
        if !self.ended {
            self.push_event(
                EventKind::IdleClose,
                None,
                "chat closed for inactivity".into(),
                now_ms,
            );
            self.end(now_ms);
        }
    }

    /// Adds a transcript event from a connected party (or the system, `from = None`).
    pub fn post(
        &mut self,
        from: Option<PartyId>,
        kind: EventKind,
        text: &str,
        now_ms: u64,
    ) -> Result<u64, ModelError> {
        self.ensure_open()?;
        if let Some(id) = from {
            let party = self.party_mut(id)?;
            if !party.is_connected() {
                return Err(ModelError::NotConnected(id));
            }
            if kind == EventKind::Message && party.typing {
                party.typing = false;
            }
        }
        self.touch(now_ms);
        Ok(self.push_event(kind, from, text.to_owned(), now_ms))
    }

    /// Records typing. An event is added only when the state changes; the preview is always kept.
    /// Returns the new event's index, if any.
    pub fn set_typing(
        &mut self,
        id: PartyId,
        typing: bool,
        preview: &str,
        now_ms: u64,
    ) -> Result<Option<u64>, ModelError> {
        self.ensure_open()?;
        let party = self.party_mut(id)?;
        if !party.is_connected() {
            return Err(ModelError::NotConnected(id));
        }
        party.typing_preview = preview.to_owned();
        if typing {
            party.typing_ms = Some(now_ms);
        }
        let changed = party.typing != typing;
        party.typing = typing;
        self.touch(now_ms);
        if !changed {
            return Ok(None);
        }
        let kind = if typing {
            EventKind::TypingStarted
        } else {
            EventKind::TypingStopped
        };
        Ok(Some(self.push_event(kind, Some(id), String::new(), now_ms)))
    }

    /// Remembers the customer's typing preview without changing the typing state.
    pub fn set_typing_preview(&mut self, id: PartyId, preview: &str) {
        if let Ok(party) = self.party_mut(id) {
            party.typing_preview = preview.to_owned();
        }
    }

    /// Stores a file from a connected party and announces it with FileUploaded.
    pub fn upload_file(
        &mut self,
        from: PartyId,
        name: &str,
        content_type: &str,
        bytes: Arc<[u8]>,
        now_ms: u64,
    ) -> Result<String, ModelError> {
        self.ensure_open()?;
        let agent_connected = self.connected_staff().next().is_some();
        if !self.party(from).is_some_and(Party::is_connected) {
            return Err(ModelError::NotConnected(from));
        }
        self.files.check(name, bytes.len(), agent_connected)?;
        let size = bytes.len();
        let file_id = self.files.insert(name, content_type, bytes, from);
        let user_data = BTreeMap::from([
            ("file-id".to_owned(), file_id.clone()),
            ("file-name".to_owned(), name.to_owned()),
            ("file-size".to_owned(), size.to_string()),
            ("file-type".to_owned(), content_type.to_owned()),
        ]);
        let index = self.push_event(EventKind::FileUploaded, Some(from), name.to_owned(), now_ms);
        if let Some(event) = self.transcript.last_mut() {
            debug_assert_eq!(event.index, index);
            event.user_data = user_data;
        }
        self.touch(now_ms);
        Ok(file_id)
    }

    /// Returns a file for download and counts the attempt.
    pub fn download_file(&mut self, file_id: &str, now_ms: u64) -> Result<StoredFile, ModelError> {
        self.touch(now_ms);
        Ok(self.files.download(file_id)?)
    }

    /// Deletes a file and announces it with FileDeleted.
    pub fn delete_file(
        &mut self,
        from: PartyId,
        file_id: &str,
        now_ms: u64,
    ) -> Result<(), ModelError> {
        self.ensure_open()?;
        let name = self.files.delete(file_id)?;
        self.push_event(EventKind::FileDeleted, Some(from), name, now_ms);
        if let Some(event) = self.transcript.last_mut() {
            event.user_data.insert("file-id".into(), file_id.to_owned());
        }
        self.touch(now_ms);
        Ok(())
    }

    fn ensure_open(&self) -> Result<(), ModelError> {
        if self.ended {
            Err(ModelError::ChatEnded)
        } else {
            Ok(())
        }
    }

    fn party_mut(&mut self, id: PartyId) -> Result<&mut Party, ModelError> {
        self.parties
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or(ModelError::UnknownParty(id))
    }

    fn finish(&mut self, now_ms: u64) {
        self.ended = true;
        for party in &mut self.parties {
            party.typing = false;
        }
        self.touch(now_ms);
    }

    fn take_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Logs a member change and, when `announce` is set, the matching ParticipantJoined or
    /// ParticipantLeft (never for the workflow, which is not a chat participant).
    fn note_state_change(
        &mut self,
        party: PartyId,
        role: Role,
        state: PartyState,
        announce: bool,
        now_ms: u64,
    ) {
        let seq = self.take_seq();
        self.member_changes.push(MemberChange {
            seq,
            party,
            state,
            utc_ms: now_ms,
        });
        let kind = match state {
            PartyState::Connected => Some(EventKind::ParticipantJoined),
            PartyState::Disconnected => Some(EventKind::ParticipantLeft),
            PartyState::Alerting => None,
        };
        if let Some(kind) = kind.filter(|_| announce && role != Role::Workflow) {
            self.push_event(kind, Some(party), String::new(), now_ms);
        }
        self.touch(now_ms);
    }

    fn push_event(
        &mut self,
        kind: EventKind,
        from: Option<PartyId>,
        text: String,
        now_ms: u64,
    ) -> u64 {
        let index = self.transcript.len() as u64 + 1;
        let seq = self.take_seq();
        self.transcript.push(Event {
            index,
            seq,
            id: super::derived_uuid(self.id_seed, index),
            kind,
            utc_ms: now_ms,
            from,
            text,
            user_data: BTreeMap::new(),
        });
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat() -> Conversation {
        Conversation::new(
            "c1".into(),
            Protocol::Gms,
            "Pat",
            FileLimits::default(),
            7,
            1_000,
        )
    }

    fn kinds(c: &Conversation) -> Vec<EventKind> {
        c.transcript().iter().map(|e| e.kind).collect()
    }

    #[test]
    fn a_new_chat_starts_with_the_customer_joined_at_index_1() {
        let c = chat();
        assert_eq!(kinds(&c), [EventKind::ParticipantJoined]);
        assert_eq!(c.transcript()[0].index, 1);
        assert_eq!(c.transcript()[0].from, Some(CLIENT));
        assert_eq!(c.next_position(), 2);
    }

    #[test]
    fn indexes_are_contiguous_and_next_position_follows_the_last() {
        let mut c = chat();
        let agent = c.add_party(Role::Agent, "Ann", PartyState::Connected, 1_001);
        c.post(Some(CLIENT), EventKind::Message, "hi", 1_002)
            .unwrap();
        c.post(Some(agent), EventKind::Message, "hello", 1_003)
            .unwrap();
        let indexes: Vec<u64> = c.transcript().iter().map(|e| e.index).collect();
        assert_eq!(indexes, [1, 2, 3, 4]);
        assert_eq!(c.next_position(), 5);
        assert_eq!(c.events_from(3).len(), 2);
        assert_eq!(c.events_from(0).len(), 4);
        assert!(c.events_from(99).is_empty());
    }

    #[test]
    fn an_alerting_agent_joins_the_transcript_only_when_connected() {
        let mut c = chat();
        let agent = c.add_party(Role::Agent, "Ann", PartyState::Alerting, 1_001);
        assert_eq!(kinds(&c).len(), 1);
        c.connect_party(agent, 1_002).unwrap();
        assert_eq!(
            kinds(&c),
            [EventKind::ParticipantJoined, EventKind::ParticipantJoined]
        );
        let states: Vec<PartyState> = c
            .member_changes_after_seq(0)
            .iter()
            .map(|m| m.state)
            .collect();
        assert_eq!(
            states,
            [
                PartyState::Connected,
                PartyState::Alerting,
                PartyState::Connected
            ]
        );
    }

    #[test]
    fn the_workflow_has_member_changes_but_no_transcript_events() {
        let mut c = chat();
        let flow = c.add_party(Role::Workflow, "flow", PartyState::Connected, 1_001);
        c.remove_party(flow, 1_002).unwrap();
        assert_eq!(kinds(&c), [EventKind::ParticipantJoined]);
        assert_eq!(c.member_changes_after_seq(0).len(), 3);
    }

    #[test]
    fn the_customer_leaving_ends_the_chat_and_refuses_further_posts() {
        let mut c = chat();
        c.remove_party(CLIENT, 1_001).unwrap();
        assert!(c.is_ended());
        assert_eq!(
            c.post(Some(CLIENT), EventKind::Message, "x", 1_002),
            Err(ModelError::ChatEnded)
        );
    }

    #[test]
    fn ending_from_the_server_removes_staff_before_the_customer() {
        let mut c = chat();
        let agent = c.add_party(Role::Agent, "Ann", PartyState::Connected, 1_001);
        c.end(1_002);
        let left: Vec<Option<PartyId>> = c
            .transcript()
            .iter()
            .filter(|e| e.kind == EventKind::ParticipantLeft)
            .map(|e| e.from)
            .collect();
        assert_eq!(left, [Some(agent), Some(CLIENT)]);
        assert!(c.is_ended());
        c.end(1_003);
        assert_eq!(c.transcript().len(), 4);
    }

    #[test]
    fn idle_close_adds_an_idle_close_event_before_ending() {
        let mut c = chat();
        c.idle_close(2_000);
        assert_eq!(c.transcript()[1].kind, EventKind::IdleClose);
        assert!(c.is_ended());
    }

    #[test]
    fn typing_events_are_added_only_on_change() {
        let mut c = chat();
        assert_eq!(c.set_typing(CLIENT, true, "he", 1_001), Ok(Some(2)));
        assert_eq!(c.set_typing(CLIENT, true, "hel", 1_002), Ok(None));
        assert_eq!(c.client().unwrap().typing_preview, "hel");
        assert_eq!(c.set_typing(CLIENT, false, "", 1_003), Ok(Some(3)));
    }

    #[test]
    fn a_message_clears_the_senders_typing_state() {
        let mut c = chat();
        c.set_typing(CLIENT, true, "", 1_001).unwrap();
        c.post(Some(CLIENT), EventKind::Message, "done", 1_002)
            .unwrap();
        assert!(!c.client().unwrap().typing);
    }

    #[test]
    fn a_disconnected_party_cannot_post() {
        let mut c = chat();
        let agent = c.add_party(Role::Agent, "Ann", PartyState::Connected, 1_001);
        c.remove_party(agent, 1_002).unwrap();
        assert_eq!(
            c.post(Some(agent), EventKind::Message, "x", 1_003),
            Err(ModelError::NotConnected(agent))
        );
        assert_eq!(
            c.post(Some(42), EventKind::Message, "x", 1_003),
            Err(ModelError::UnknownParty(42))
        );
    }

    #[test]
    fn an_uploaded_file_is_announced_with_its_id_name_and_size() {
        let mut c = chat();
        let id = c
            .upload_file(
                CLIENT,
                "a.txt",
                "text/plain",
                Arc::from(&b"hello"[..]),
                1_001,
            )
            .unwrap();
        let event = c.transcript().last().unwrap();
        assert_eq!(event.kind, EventKind::FileUploaded);
        assert_eq!(event.user_data["file-id"], id);
        assert_eq!(event.user_data["file-name"], "a.txt");
        assert_eq!(event.user_data["file-size"], "5");
        assert_eq!(&*c.download_file(&id, 1_002).unwrap().bytes, b"hello");
        c.delete_file(CLIENT, &id, 1_003).unwrap();
        assert_eq!(c.transcript().last().unwrap().kind, EventKind::FileDeleted);
        assert!(matches!(
            c.download_file(&id, 1_004),
            Err(ModelError::File(FileError::UnknownFile(_)))
        ));
    }

    #[test]
    fn the_combined_log_interleaves_events_and_member_changes_by_sequence() {
        let mut c = chat();
        let mark = c.last_seq();
        let agent = c.add_party(Role::Agent, "Ann", PartyState::Connected, 1_001);
        c.post(Some(agent), EventKind::Message, "hi", 1_002)
            .unwrap();
        let changes = c.member_changes_after_seq(mark);
        let events = c.events_after_seq(mark);
        assert_eq!(changes.len(), 1);
        assert_eq!(events.len(), 2);
        assert!(changes[0].seq < events[0].seq && events[0].seq < events[1].seq);
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let mut c = chat();
        c.post(Some(CLIENT), EventKind::Message, "a", 1_001)
            .unwrap();
        let ids: Vec<&str> = c.transcript().iter().map(|e| e.id.as_str()).collect();
        assert_ne!(ids[0], ids[1]);
        assert_eq!(ids[0].len(), 36);
        assert_eq!(c.event_by_id(ids[1]).map(|e| e.index), Some(2));
        assert_ne!(c.client().unwrap().member_id, ids[0]);
    }

    #[test]
    fn activity_moves_the_idle_clock_forward_only() {
        let mut c = chat();
        c.touch(5_000);
        c.touch(4_000);
        assert_eq!(c.last_activity_ms, 5_000);
    }
}
