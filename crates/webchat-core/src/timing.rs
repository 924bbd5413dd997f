//! The typing timings WebChatService keeps itself, whatever the transport.

/// Typing stop is sent after this long without keys.
pub const TYPING_IDLE_MS: u64 = 2000;
/// Agent typing is dropped after this long without a new typing event.
pub const AGENT_TYPING_TIMEOUT_MS: u64 = 4000;
