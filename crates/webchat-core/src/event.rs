//! Every event WebChatService publishes, with its one name table.
//!
//! Of the five events the shipped code publishes beyond the seeds' table (webchatservice.md),
//! only `sessionLost` (the server forgot the chat; between `error` and `ended`) is published
//! and advertised here. `capabilitiesChanged` is not: the capabilities are fixed by configure
//! and set once as the `capabilities` data key, whose change the bus already publishes
//! (`WebChatService.data`); `sleeping` and `waking`: nothing here sleeps; `ajaxResponse`: an
//! event carrying every AJAX answer would hand the session keys to any subscriber.

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
    /// Something went wrong between client and server: a failed start, a bad configuration, a
    /// lost session (with its error).
    Error,
    /// A command's server call failed: published as `error` too (with the AJAX response the
    /// command is rejected with), but the session goes on. Not in [`Event::ALL`]: it shares
    /// `error`'s name, so `error` is advertised once.
    CallFailed,
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
    /// The server no longer knows the chat: published after `error`, before `ended`.
    SessionLost,
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
    pub const ALL: [Event; 34] = [
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
        Self::SessionLost,
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
            Self::Error | Self::CallFailed => "error",
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
            Self::SessionLost => "sessionLost",
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
        assert!(!Event::ALL.contains(&Event::CallFailed));
        assert_eq!(Event::CallFailed.name(), "error");
    }

    #[test]
    fn only_the_extra_events_that_are_published_are_advertised() {
        let names: Vec<&str> = Event::ALL.iter().map(|e| e.name()).collect();
        assert!(names.contains(&"sessionLost"));
        for never in ["capabilitiesChanged", "sleeping", "waking", "ajaxResponse"] {
            assert!(!names.contains(&never), "{never} is advertised");
        }
    }
}
