//! The transport seam: one [`Session`] per configured protocol, a sans-IO state machine that owns
//! its keys, steps and timers.
//!
//! Modelled on quinn-proto's `Connection`: the machine above feeds it inputs
//! ([`Session::begin`], [`Session::handle_http`], [`Session::handle_socket`],
//! [`Session::handle_timeout`]) and drains its outputs ([`Session::poll_io`],
//! [`Session::poll_event`], [`Session::poll_timeout`]). Nothing here does IO and nothing here
//! knows WebChatService: transcripts, filters, rosters, typing and command settling live in the
//! machine. A protocol is one folder below this one and touches nothing else.
//!
//! ```text
//!   WebChat ──begin(op)──────────────►  Session  ──poll_io()──────► glue: fetch / WebSocket
//!           ◄─poll_event()───────────            ◄─handle_http()──
//!             (op finished, messages,            ◄─handle_socket()─
//!              ended, link changes)              ◄─handle_timeout()  (the one deadline the glue
//!                                                                     arms from poll_timeout())
//! ```

#[cfg(feature = "cloud")]
pub mod cloud;
#[cfg(feature = "cometd")]
pub mod cometd;
#[cfg(feature = "gms")]
pub mod gms;
mod outbox;
#[cfg(any(feature = "gms", feature = "v3"))]
mod poller;
#[cfg(feature = "v3")]
pub mod v3;

pub use outbox::Outbox;

use crate::capabilities::Capabilities;
use crate::command::{Environment, FileInfo};
use crate::config::{TransportConfig, WebChatConfig};
use crate::drive::{CommandId, RequestId, SocketAction};
use crate::error::CoreError;
use crate::http::{HttpOutcome, HttpRequest, ResponseBody};
use crate::json::{Json, Object};
use crate::message::Message;

/// Identifies one operation begun on a session; chosen by the machine, echoed in
/// [`SessionEvent::Finished`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpId(pub u64);

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

/// An operation on the chat server, protocol-neutral. Each ends with exactly one
/// [`SessionEvent::Finished`] carrying its [`OpId`] (fire-and-forget callers may ignore it).
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Start a new chat; `user_data` is already merged and carries the page keys.
    Start {
        /// Entry form.
        form: StartForm,
        /// Merged userData.
        user_data: Object,
    },
    /// Reattach to the session given to [`Session::resume`] and replay its transcript as
    /// [`SessionEvent::Messages`] with `restoring: true`. Outcomes: `Done` (restored),
    /// `Unreachable` (the server is down but the session is kept), `Failed` (gone).
    Restore,
    /// Send a chat message.
    Send {
        /// Text.
        text: String,
    },
    /// The customer started typing; `text` is typing-preview text.
    StartTyping {
        /// Preview text.
        text: String,
    },
    /// The customer stopped typing.
    StopTyping {
        /// Preview text.
        text: String,
    },
    /// Leave the chat. `Done` means the session is over.
    End,
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
    /// Poll once now (the private `poll` command).
    Poll,
    /// Upload the files of a sendFile call, checking the server's limits first. The glue keeps
    /// the `File` objects of `command` until it is settled.
    SendFiles {
        /// The sendFile call.
        command: CommandId,
        /// Its files, in order.
        files: Vec<FileInfo>,
    },
    /// Download a file and save it as `file_name`.
    Download {
        /// Server file id.
        file_id: String,
        /// Name to save under.
        file_name: String,
    },
    /// Fetch older messages (async mode), delivered as [`SessionEvent::Messages`].
    FetchHistory,
    /// Read or delete one key of the interaction's user data (the Chat Service JS API's extended
    /// calls). `Done` carries the server's answer; a read's has the key's value under `userData`.
    UserData(UserDataOp),
}

/// One extended user-data call ([`Op::UserData`]); `setUserData` is [`Op::UpdateData`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserDataOp {
    /// `getUserData(key)`.
    Read {
        /// The key.
        key: String,
    },
    /// `deleteUserData(key)`.
    Delete {
        /// The key.
        key: String,
    },
}

impl UserDataOp {
    /// The GMS operation name (`{dataURL}/{chatId}/{name}` over REST, `operation` over CometD).
    pub fn operation(&self) -> &'static str {
        match self {
            Self::Read { .. } => "getUserData",
            Self::Delete { .. } => "deleteUserData",
        }
    }

    /// The key it is about.
    pub fn key(&self) -> &str {
        match self {
            Self::Read { key } | Self::Delete { key } => key,
        }
    }
}

/// How an operation ended.
#[derive(Debug, Clone, PartialEq)]
pub enum OpOutcome {
    /// It worked; the value is the "AJAX Response Object" a resolution carries.
    Done(Json),
    /// The server refused it (4xx, GMS statusCode 2, a local limit); the value is what the
    /// command rejects with.
    Failed(Json),
    /// The server could not be reached (network, timeout, 5xx, GMS statusCode 1).
    Unreachable(Json),
}

/// A change in the link to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Polling reached `pollExceptionLimit` consecutive failures (connectionPending,
    /// chatServerWentOffline).
    Offline,
    /// The first success after [`Link::Offline`] (chatServerBackOnline, connectionRestored).
    BackOnline,
    /// The push socket died (disconnected).
    Disconnected,
    /// The push socket is back after [`Link::Disconnected`] (reconnected).
    Reconnected,
}

/// What a session reports to the machine, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionEvent {
    /// Operation `op` ended.
    Finished {
        /// Which operation.
        op: OpId,
        /// How.
        outcome: OpOutcome,
    },
    /// Messages from the server, normalised, in server order. The machine de-duplicates them.
    Messages {
        /// Normalised messages.
        messages: Vec<Message>,
        /// The wire messages, for `originalMessages`.
        raw: Vec<Json>,
        /// Replayed by a restore.
        restoring: bool,
    },
    /// The server ended the chat (whoever ended it).
    Ended,
    /// The server no longer knows the session; `error` is what it said.
    Lost {
        /// The AJAX error.
        error: Json,
    },
    /// The link changed.
    Link(Link),
    /// Automatic polling started (`true`) or stopped.
    Polling(bool),
    /// [`Session::record`] changed: the machine persists it again.
    RecordChanged,
}

/// Something the glue must do for the session.
#[derive(Debug, Clone, PartialEq)]
pub enum Io {
    /// Send a request; answer with [`Session::handle_http`].
    Http {
        /// The id to answer with.
        id: RequestId,
        /// The request.
        request: HttpRequest,
    },
    /// Fetch a file and save it as `file_name`; answer with [`Session::handle_http`].
    Download {
        /// The id to answer with.
        id: RequestId,
        /// The request.
        request: HttpRequest,
        /// Name to save under.
        file_name: String,
    },
    /// Open, write to or close the session's one WebSocket; what happens to it comes back
    /// through [`Session::handle_socket`].
    Socket(SocketAction),
}

/// What happened to the session's WebSocket.
#[derive(Debug, Clone, PartialEq)]
pub enum SocketEvent {
    /// It opened.
    Opened,
    /// A text frame arrived: its text and its JSON reading (by the glue, through
    /// [`crate::json_text`]).
    Frame(ResponseBody),
    /// It closed or failed; `code` is the close code (1006 when it failed).
    Closed {
        /// WebSocket close code.
        code: u16,
    },
}

/// One chat protocol as a sans-IO state machine. All times are milliseconds since the epoch.
pub trait Session {
    /// What this transport can do; command validation reads only these flags.
    fn capabilities(&self) -> Capabilities;

    /// Starts operation `op`. Its end is reported as [`SessionEvent::Finished`].
    fn begin(&mut self, op: OpId, what: Op, now: u64);
    /// A request sent through [`Io::Http`] or [`Io::Download`] finished.
    fn handle_http(&mut self, id: RequestId, outcome: HttpOutcome, now: u64);
    /// Something happened to the socket opened through [`Io::Socket`].
    fn handle_socket(&mut self, event: SocketEvent, now: u64);
    /// The deadline from [`Session::poll_timeout`] passed.
    fn handle_timeout(&mut self, now: u64);

    /// The next thing for the glue to do.
    fn poll_io(&mut self) -> Option<Io>;
    /// The next thing to report.
    fn poll_event(&mut self) -> Option<SessionEvent>;
    /// When [`Session::handle_timeout`] should run next, if ever.
    fn poll_timeout(&self) -> Option<u64>;

    /// The identity to persist so the session survives a reload (opaque to the machine; tagged
    /// with the transport), or `None` without a session.
    fn record(&self) -> Option<Json>;
    /// Takes a persisted [`Session::record`] back before [`Op::Restore`]. `false` when the
    /// record is not this transport's or is unreadable. In async mode (Engage v3) the record may
    /// also be the session data the customer kept (`setSessionData`, `restore {sessionData}`).
    fn resume(&mut self, record: &Json) -> bool;
    /// Forgets the session (it ended or was lost); a later [`Op::Start`] begins afresh.
    fn reset(&mut self);
    /// getSessionData's answer.
    fn session_data(&self) -> Json;
    /// messageReceived's `sessionData`: [`Session::session_data`] without the secrets the seeds
    /// do not put in events (the Engage v3 token).
    fn event_session_data(&self) -> Json {
        self.session_data()
    }

    /// Turns automatic polling on or off; reported as [`SessionEvent::Polling`] when it changes.
    /// Push transports have nothing to poll.
    fn set_polling(&mut self, _on: bool, _now: u64) {}
    /// resetPollExceptions.
    fn reset_poll_exceptions(&mut self) {}
    /// A poll request is in flight (the `poll` command's "previous poll has not finished.").
    fn poll_in_flight(&self) -> bool {
        false
    }
    /// The page's custom headers changed (`App.updateAJAXHeader`/`removeAJAXHeader`): requests
    /// built from now on carry `headers` where the transport sends them (GMS REST calls with
    /// `enableCustomHeader`). The other transports send none.
    fn set_custom_headers(&mut self, _headers: &[(String, String)]) {}
}

/// Builds the session the configuration selects. A protocol left out of this build (see the
/// crate's features) answers [`CoreError::TransportNotInBundle`].
pub fn for_config(
    config: &WebChatConfig,
    env: &Environment,
) -> Result<Box<dyn Session>, CoreError> {
    let _ = env;
    match &config.transport {
        #[cfg(feature = "cometd")]
        TransportConfig::Gms(g) if g.comet.is_some() => {
            Ok(Box::new(cometd::CometSession::new(g, config, env)))
        }
        #[cfg(feature = "gms")]
        TransportConfig::Gms(g) if g.comet.is_none() => {
            Ok(Box::new(gms::GmsSession::new(g, config, env)))
        }
        #[cfg(feature = "v3")]
        TransportConfig::EngageV3(v) => Ok(Box::new(v3::V3Session::new(v, config))),
        #[cfg(feature = "cloud")]
        TransportConfig::Cloud(c) => Ok(Box::new(cloud::CloudSession::new(c, config))),
        #[allow(unreachable_patterns)]
        other => Err(CoreError::TransportNotInBundle(other.name())),
    }
}
