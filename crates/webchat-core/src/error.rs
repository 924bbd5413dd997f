//! The crate's one internal error type.
//!
//! Messages are lower-case without a trailing period and name the problem. Configuration errors
//! are also shown to customer code (they become the rejection text of transport commands and the
//! payload of the one `error` event), so they never contain a Rust `Debug` dump.
//!
//! The texts are joined from `&str` pieces ([`CoreError::text`]), not formatted, so the bundle
//! links no formatting for them (docs/size.md); `Display` prints the same text.

use std::fmt;

/// Everything that can go wrong inside the core without being a documented compatibility text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreError {
    /// The `configure` command has not been received yet.
    NotConfigured,
    /// `_genesys.widgets.webchat` is not an object.
    ConfigNotObject,
    /// A required configuration key is missing or empty.
    MissingKey(&'static str),
    /// A configuration key has the wrong JSON type.
    WrongType {
        /// The key, dotted from `webchat`.
        key: &'static str,
        /// What it should have been, e.g. "a string".
        expected: &'static str,
    },
    /// `transport.type` names a transport we do not know.
    UnknownTransport(String),
    /// The transport is known but its codec is not built yet.
    TransportNotImplemented(&'static str),
    /// The transport exists but this bundle was built without it (the page chose another
    /// bundle than its configuration needs).
    TransportNotInBundle(&'static str),
    /// A server answer could not be understood.
    BadResponse(String),
    /// The stored session record could not be read.
    BadStoredSession(&'static str),
}

impl CoreError {
    /// The message (what `Display` prints).
    pub fn text(&self) -> String {
        const CONFIG: &str = "invalid webchat configuration: ";
        match self {
            CoreError::NotConfigured => "webchat configuration has not been provided yet".into(),
            CoreError::ConfigNotObject => [CONFIG, "expected an object"].concat(),
            CoreError::MissingKey(key) => [CONFIG, "missing required `", key, "`"].concat(),
            CoreError::WrongType { key, expected } => {
                [CONFIG, "`", key, "` must be ", expected].concat()
            }
            CoreError::UnknownTransport(name) => {
                [CONFIG, "unknown transport type '", name, "'"].concat()
            }
            CoreError::TransportNotImplemented(name) => {
                ["transport '", name, "' is not implemented yet"].concat()
            }
            CoreError::TransportNotInBundle(name) => [
                "transport '",
                name,
                "' is not in this bundle; configure webchat before widgets.min.js runs, \
                 or set main.bundle to 'all'",
            ]
            .concat(),
            CoreError::BadResponse(what) => ["unexpected server response: ", what].concat(),
            CoreError::BadStoredSession(what) => {
                ["stored chat session is unreadable: ", what].concat()
            }
        }
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl std::error::Error for CoreError {}

#[cfg(test)]
mod tests {
    use super::CoreError;

    /// The texts as they were when `thiserror` printed them, and `Display` = `text()`.
    #[test]
    fn texts_are_unchanged() {
        let cases = [
            (
                CoreError::NotConfigured,
                "webchat configuration has not been provided yet",
            ),
            (
                CoreError::ConfigNotObject,
                "invalid webchat configuration: expected an object",
            ),
            (
                CoreError::MissingKey("transport.dataURL"),
                "invalid webchat configuration: missing required `transport.dataURL`",
            ),
            (
                CoreError::WrongType {
                    key: "transport.type",
                    expected: "a string",
                },
                "invalid webchat configuration: `transport.type` must be a string",
            ),
            (
                CoreError::UnknownTransport("x".into()),
                "invalid webchat configuration: unknown transport type 'x'",
            ),
            (
                CoreError::TransportNotImplemented("v9"),
                "transport 'v9' is not implemented yet",
            ),
            (
                CoreError::TransportNotInBundle("purecloud-v2-sockets"),
                "transport 'purecloud-v2-sockets' is not in this bundle; configure webchat before \
                 widgets.min.js runs, or set main.bundle to 'all'",
            ),
            (
                CoreError::BadResponse("no chatId".into()),
                "unexpected server response: no chatId",
            ),
            (
                CoreError::BadStoredSession("no chatId"),
                "stored chat session is unreadable: no chatId",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(error.text(), text);
            assert_eq!(error.to_string(), text);
        }
    }
}
