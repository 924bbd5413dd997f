//! The transport boundary: one trait every protocol codec implements.
//!
//! A codec is sans-IO. The machine hands it an [`Op`] (what to do) plus the current
//! [`SessionKeys`], and gets back an [`Outgoing`] (an HTTP request or a socket action) to pass to
//! the glue. When the answer comes back, the codec turns it into a [`TransportReply`]: normalised
//! messages, updated keys, `chatEnded`, or an error classified as transient or permanent.
//! Multi-step protocols (Genesys Cloud: create, open socket, read own member) answer
//! [`TransportReply::Continue`] with further requests; the machine routes their answers back to
//! the same operation. Pushed traffic (WebSocket frames) comes in through
//! [`Transport::parse_frame`]. Only GMS v2 is implemented now; Engage v3 and Cloud plug in here.

pub mod gms;

use crate::capabilities::Capabilities;
use crate::command::Environment;
use crate::config::{TransportConfig, WebChatConfig};
use crate::drive::{CommandId, SocketAction};
use crate::error::CoreError;
use crate::http::{HttpOutcome, HttpRequest};
use crate::json::{Json, Object};
use crate::message::Message;
use crate::persist::SessionKeys;

/// The chat entry form, with the names the widgets use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StartForm {
    /// `nickname`.
    pub nickname: Option<String>,
    /// `firstname`.
    pub first_name: Option<String>,
    /// `lastname`.
    pub last_name: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `subject`.
    pub subject: Option<String>,
}

/// An operation on the chat server, protocol-neutral.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Request a new chat; `user_data` is already merged and carries the page keys.
    StartChat {
        /// Entry form.
        form: StartForm,
        /// Merged userData.
        user_data: Object,
    },
    /// Send a chat message.
    Send {
        /// Text.
        text: String,
    },
    /// Poll for messages from `position`; `preview` is typing-preview text.
    Refresh {
        /// Next index wanted.
        position: u64,
        /// Preview text (usually empty).
        preview: String,
    },
    /// Customer started typing.
    StartTyping {
        /// Transcript position.
        position: u64,
        /// Preview text.
        text: String,
    },
    /// Customer stopped typing.
    StopTyping {
        /// Transcript position.
        position: u64,
        /// Preview text.
        text: String,
    },
    /// Leave the chat.
    Disconnect,
    /// A custom notice.
    CustomNotice {
        /// Text.
        text: String,
    },
    /// Update userData during the session.
    UpdateData {
        /// The new userData.
        user_data: Object,
    },
    /// Ask for the upload limits.
    FileLimits,
    /// Upload one file of a sendFile call.
    UploadFile {
        /// The sendFile call.
        command: CommandId,
        /// Which of its files.
        file_index: usize,
    },
    /// Download a file.
    DownloadFile {
        /// Server file id.
        file_id: String,
    },
}

/// What a codec asks the glue to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    /// An HTTP request; the answer comes back to [`Transport::parse`].
    Http(HttpRequest),
    /// A socket action; there is no direct answer (pushed frames come through
    /// [`Transport::parse_frame`]).
    Socket(SocketAction),
}

/// Upload limits reported by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLimits {
    /// Files per session.
    pub max_files: u64,
    /// Bytes per file.
    pub max_file_size: u64,
    /// Bytes per session.
    pub max_total_size: u64,
    /// Files already uploaded.
    pub used_files: u64,
    /// Bytes already uploaded.
    pub used_total_size: u64,
    /// Allowed extensions, lower-case; empty means any.
    pub file_types: Vec<String>,
}

impl Default for FileLimits {
    /// The GMS server defaults: 3 files, 2 MiB per file, 5 MiB in total.
    fn default() -> Self {
        Self {
            max_files: 3,
            max_file_size: 2 * 1024 * 1024,
            max_total_size: 5 * 1024 * 1024,
            used_files: 0,
            used_total_size: 0,
            file_types: Vec::new(),
        }
    }
}

/// A successful answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answer {
    /// The parsed body, used as the "AJAX Response Object" resolutions carry.
    pub body: Json,
    /// Session keys, when the answer carries (possibly updated) ones.
    pub keys: Option<SessionKeys>,
    /// Normalised messages, in server order.
    pub messages: Vec<Message>,
    /// The wire messages, for `originalMessages`.
    pub raw_messages: Vec<Json>,
    /// `chatEnded`, when present.
    pub chat_ended: Option<bool>,
    /// Upload limits, for [`Op::FileLimits`].
    pub file_limits: Option<FileLimits>,
}

/// The codec's reading of an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum TransportReply {
    /// The operation succeeded.
    Done(Box<Answer>),
    /// More steps are needed; their answers belong to the same operation.
    Continue(Vec<Outgoing>),
    /// A transient failure (network, timeout, 5xx, GMS statusCode 1); the value is the AJAX error.
    Transient(Json),
    /// A permanent failure (4xx, GMS statusCode 2); `chat_ended` when the server says so.
    Failed {
        /// The AJAX error.
        error: Json,
        /// The session is over.
        chat_ended: bool,
    },
}

/// One chat protocol.
pub trait Transport {
    /// What this transport can do.
    fn capabilities(&self) -> Capabilities;
    /// Builds the request for `op`.
    fn build(&self, op: &Op, keys: Option<&SessionKeys>) -> Outgoing;
    /// Reads the answer to `op`; `keys` are the current ones, which answers may update.
    fn parse(&self, op: &Op, keys: Option<&SessionKeys>, outcome: &HttpOutcome) -> TransportReply;
    /// Reads a pushed socket frame. Polling transports ignore frames.
    fn parse_frame(&self, _frame: &str) -> TransportReply {
        TransportReply::Done(Box::default())
    }
    /// The socket to reopen after a drop, for push transports.
    fn reconnect(&self, _keys: Option<&SessionKeys>) -> Option<SocketAction> {
        None
    }
    /// getSessionData's answer and messageReceived's `sessionData`.
    fn session_data(&self, keys: Option<&SessionKeys>) -> Json;
}

/// Builds the codec the configuration selects.
pub fn for_config(
    config: &WebChatConfig,
    env: &Environment,
) -> Result<Box<dyn Transport>, CoreError> {
    match &config.transport {
        TransportConfig::Gms(g) if g.comet.is_some() => {
            Err(CoreError::TransportNotImplemented("GMS CometD"))
        }
        TransportConfig::Gms(g) => Ok(Box::new(gms::GmsTransport::new(
            g,
            config.ajax_timeout_ms,
            env,
        ))),
        TransportConfig::EngageV3(_) => {
            Err(CoreError::TransportNotImplemented("pureengage-v3-rest"))
        }
        TransportConfig::Cloud(_) => {
            Err(CoreError::TransportNotImplemented("purecloud-v2-sockets"))
        }
    }
}
