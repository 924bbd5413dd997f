//! The crate's error type: what can go wrong starting the emulator.

use std::net::SocketAddr;

/// Errors from configuring or starting the server. Request-level errors never surface here: each
/// protocol answers them with its own error body.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// A command-line argument was missing, unknown or malformed.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// Another I/O failure while starting.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}
