//! A native chat server that speaks the wire protocols WebChatService uses: GMS Chat API v2 over REST
//! and over CometD (Bayeux), Genesys Cloud guest chat (REST plus a WebSocket event stream) and
//! Engage v3 (Nexus). One protocol-neutral [`model::Conversation`] sits under all of them; an agent API under `/emulator/api`
//! drives the other side, a built-in auto-agent answers when nobody is at the console, and a fault API
//! breaks things on purpose for tests.
//!
//! ```no_run
//! # async fn demo() -> Result<(), emulator::EmulatorError> {
//! let mut config = emulator::Config::default();
//! config.port = 0; // any free port
//! config.auto_agent.join_delay_ms = 10;
//! let server = emulator::Server::start(config).await?;
//! println!("chat at {}/genesys/2/chat/request-chat/", server.url());
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod access;
mod agent_api;
mod auto_agent;
mod clock;
mod cloud;
mod cometd;
mod config;
mod error;
mod faults;
mod form;
mod gms;
mod ids;
mod jwt;
pub mod model;
mod push_order;
mod recorder;
mod server;
mod state;
mod store;
mod upload;
mod v3;

pub use access::TOKEN_HEADER;
pub use auto_agent::AutoAgentSettings;
pub use config::{Config, Mount, USAGE};
pub use error::EmulatorError;
pub use faults::{FailKind, FaultSettings};
pub use server::{RunningServer, Server};
