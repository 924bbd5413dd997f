//! Parties of a conversation: the customer, agents, supervisors, bots and the routing workflow.

/// A participant number, unique within one conversation (GMS `participantId`). The customer is 1.
pub type PartyId = u32;

/// What kind of party this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The customer (GMS `Client`, Cloud `CUSTOMER`, v3 `Customer`).
    Client,
    /// A contact-center agent.
    Agent,
    /// A supervisor, who may watch or coach.
    Supervisor,
    /// A chat bot.
    Bot,
    /// The Genesys Cloud routing flow (`WORKFLOW`). It is not a chat participant: it has member
    /// changes but never transcript events.
    Workflow,
}

impl Role {
    /// Parses the role names the agent API accepts (`agent`, `supervisor`, `bot`).
    pub fn parse_staff(name: &str) -> Option<Role> {
        match name.to_ascii_lowercase().as_str() {
            "agent" => Some(Role::Agent),
            "supervisor" => Some(Role::Supervisor),
            "bot" => Some(Role::Bot),
            _ => None,
        }
    }

    /// The lower-case name used by the agent API.
    pub fn api_name(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Bot => "bot",
            Role::Workflow => "workflow",
        }
    }
}

/// Where a party is in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartyState {
    /// Offered the chat, not yet in it (Cloud `ALERTING`).
    Alerting,
    /// In the chat.
    Connected,
    /// Gone.
    Disconnected,
}

impl PartyState {
    /// The Genesys Cloud spelling.
    pub fn cloud_name(self) -> &'static str {
        match self {
            PartyState::Alerting => "ALERTING",
            PartyState::Connected => "CONNECTED",
            PartyState::Disconnected => "DISCONNECTED",
        }
    }
}

/// One participant.
#[derive(Debug, Clone)]
pub struct Party {
    /// Participant number within the conversation.
    pub id: PartyId,
    /// A uuid-shaped id (Genesys Cloud member id).
    pub member_id: String,
    /// Display name.
    pub nickname: String,
    /// Kind of party.
    pub role: Role,
    /// Life-cycle state.
    pub state: PartyState,
    /// When the party was added (ms since the epoch).
    pub joined_ms: u64,
    /// When the party disconnected.
    pub left_ms: Option<u64>,
    /// Whether the party is typing now.
    pub typing: bool,
    /// When the party last reported typing.
    pub typing_ms: Option<u64>,
    /// The last typing-preview text the party sent.
    pub typing_preview: String,
}

impl Party {
    /// Whether the party is in the chat.
    pub fn is_connected(&self) -> bool {
        self.state == PartyState::Connected
    }

    /// Whether this is contact-center staff who can answer (agent, supervisor or bot).
    pub fn is_staff(&self) -> bool {
        matches!(self.role, Role::Agent | Role::Supervisor | Role::Bot)
    }
}
