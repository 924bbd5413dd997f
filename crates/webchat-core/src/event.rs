//! Every event WebChatService publishes, with its one name table.

/// An event, published as `WebChatService.<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    /// The plugin is configured and takes commands.
    Ready,
    /// A chat started.
    Started,
    /// A stored chat was restored.
    Restored,
    /// The stored chat was older than `restoreTimeout`.
    RestoreTimeout,
    /// The stored chat could not be restored.
    RestoreFailed,
    /// The stored chat was kept, but the server is unreachable.
    RestoredOffline,
    /// Messages arrived.
    MessageReceived,
    /// Something went wrong between client and server.
    Error,
    /// The chat ended.
    Ended,
    /// An agent started typing.
    AgentTypingStarted,
    /// An agent stopped typing.
    AgentTypingStopped,
    /// No new typing event from the agent for a while.
    AgentTypingTimeout,
    /// Automatic polling started.
    PollingStarted,
    /// Automatic polling stopped.
    PollingStopped,
    /// The customer joined.
    ClientConnected,
    /// The customer left.
    ClientDisconnected,
    /// An agent joined.
    AgentConnected,
    /// An agent left.
    AgentDisconnected,
    /// A supervisor joined.
    SupervisorConnected,
    /// A supervisor left.
    SupervisorDisconnected,
    /// A bot joined.
    BotConnected,
    /// A bot left.
    BotDisconnected,
    /// The customer started typing.
    ClientTypingStarted,
    /// The customer stopped typing.
    ClientTypingStopped,
    /// The push connection was lost.
    Disconnected,
    /// The push connection is back.
    Reconnected,
    /// Polls failed `pollExceptionLimit` times in a row.
    ChatServerWentOffline,
    /// A poll succeeded again.
    ChatServerBackOnline,
    /// Published with [`Event::ChatServerWentOffline`].
    ConnectionPending,
    /// Published with [`Event::ChatServerBackOnline`].
    ConnectionRestored,
    /// Shipped by the vendor; registered so subscribers can name it.
    CapabilitiesChanged,
    /// Shipped by the vendor; registered so subscribers can name it.
    Sleeping,
    /// Shipped by the vendor; registered so subscribers can name it.
    Waking,
    /// Shipped by the vendor; registered so subscribers can name it.
    SessionLost,
    /// Shipped by the vendor; registered so subscribers can name it.
    AjaxResponse,
    /// *Ours*: a customer message is queued in the outbox (the server is unreachable or the
    /// browser offline); the payload is the message with `pending: true` and its `clientId`.
    MessagePending,
    /// *Ours*: a message that was pending reached the server (`{clientId, text}`).
    MessageDelivered,
    /// *Ours*: a message that was pending could not be delivered (`{clientId, text, reason}`).
    MessageFailed,
}

impl Event {
    /// Every event, in registration order.
    pub const ALL: [Event; 38] = [
        Self::Ready,
        Self::Started,
        Self::Restored,
        Self::RestoreTimeout,
        Self::RestoreFailed,
        Self::RestoredOffline,
        Self::MessageReceived,
        Self::Error,
        Self::Ended,
        Self::AgentTypingStarted,
        Self::AgentTypingStopped,
        Self::AgentTypingTimeout,
        Self::PollingStarted,
        Self::PollingStopped,
        Self::ClientConnected,
        Self::ClientDisconnected,
        Self::AgentConnected,
        Self::AgentDisconnected,
        Self::SupervisorConnected,
        Self::SupervisorDisconnected,
        Self::BotConnected,
        Self::BotDisconnected,
        Self::ClientTypingStarted,
        Self::ClientTypingStopped,
        Self::Disconnected,
        Self::Reconnected,
        Self::ChatServerWentOffline,
        Self::ChatServerBackOnline,
        Self::ConnectionPending,
        Self::ConnectionRestored,
        Self::CapabilitiesChanged,
        Self::Sleeping,
        Self::Waking,
        Self::SessionLost,
        Self::AjaxResponse,
        Self::MessagePending,
        Self::MessageDelivered,
        Self::MessageFailed,
    ];

    /// The published short name (`WebChatService.<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::Started => "started",
            Self::Restored => "restored",
            Self::RestoreTimeout => "restoreTimeout",
            Self::RestoreFailed => "restoreFailed",
            Self::RestoredOffline => "restoredOffline",
            Self::MessageReceived => "messageReceived",
            Self::Error => "error",
            Self::Ended => "ended",
            Self::AgentTypingStarted => "agentTypingStarted",
            Self::AgentTypingStopped => "agentTypingStopped",
            Self::AgentTypingTimeout => "agentTypingTimeout",
            Self::PollingStarted => "pollingStarted",
            Self::PollingStopped => "pollingStopped",
            Self::ClientConnected => "clientConnected",
            Self::ClientDisconnected => "clientDisconnected",
            Self::AgentConnected => "agentConnected",
            Self::AgentDisconnected => "agentDisconnected",
            Self::SupervisorConnected => "supervisorConnected",
            Self::SupervisorDisconnected => "supervisorDisconnected",
            Self::BotConnected => "botConnected",
            Self::BotDisconnected => "botDisconnected",
            Self::ClientTypingStarted => "clientTypingStarted",
            Self::ClientTypingStopped => "clientTypingStopped",
            Self::Disconnected => "disconnected",
            Self::Reconnected => "reconnected",
            Self::ChatServerWentOffline => "chatServerWentOffline",
            Self::ChatServerBackOnline => "chatServerBackOnline",
            Self::ConnectionPending => "connectionPending",
            Self::ConnectionRestored => "connectionRestored",
            Self::CapabilitiesChanged => "capabilitiesChanged",
            Self::Sleeping => "sleeping",
            Self::Waking => "waking",
            Self::SessionLost => "sessionLost",
            Self::AjaxResponse => "ajaxResponse",
            Self::MessagePending => "messagePending",
            Self::MessageDelivered => "messageDelivered",
            Self::MessageFailed => "messageFailed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_has_a_distinct_name_and_all_lists_each_once() {
        let names: Vec<&str> = Event::ALL.iter().map(|e| e.name()).collect();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[i + 1..].contains(n), "{n} twice");
        }
        assert!(names.contains(&"messageReceived"));
        assert!(names.contains(&"chatServerBackOnline"));
    }
}
