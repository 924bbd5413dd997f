//! The crate's one internal error type.
//!
//! Messages are lower-case without a trailing period and name the problem. Configuration errors
//! are also shown to customer code (they become the rejection text of transport commands and the
//! payload of the one `error` event), so they never contain a Rust `Debug` dump.

use thiserror::Error;

/// Everything that can go wrong inside the core without being a documented compatibility text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CoreError {
    /// The `configure` command has not been received yet.
    #[error("webchat configuration has not been provided yet")]
    NotConfigured,
    /// `_genesys.widgets.webchat` is not an object.
    #[error("invalid webchat configuration: expected an object")]
    ConfigNotObject,
    /// A required configuration key is missing or empty.
    #[error("invalid webchat configuration: missing required `{0}`")]
    MissingKey(&'static str),
    /// A configuration key has the wrong JSON type.
    #[error("invalid webchat configuration: `{key}` must be {expected}")]
    WrongType {
        /// The key, dotted from `webchat`.
        key: &'static str,
        /// What it should have been, e.g. "a string".
        expected: &'static str,
    },
    /// `transport.type` names a transport we do not know.
    #[error("invalid webchat configuration: unknown transport type '{0}'")]
    UnknownTransport(String),
    /// The transport is known but its codec is not built yet.
    #[error("transport '{0}' is not implemented yet")]
    TransportNotImplemented(&'static str),
    /// The transport exists but this bundle was built without it (the page chose another
    /// bundle than its configuration needs).
    #[error(
        "transport '{0}' is not in this bundle; configure webchat before widgets.min.js runs, or set main.bundle to 'all'"
    )]
    TransportNotInBundle(&'static str),
    /// A server answer could not be understood.
    #[error("unexpected server response: {0}")]
    BadResponse(String),
    /// The stored session record could not be read.
    #[error("stored chat session is unreadable: {0}")]
    BadStoredSession(&'static str),
}
