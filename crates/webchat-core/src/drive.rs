//! The drive loop's vocabulary: what the glue feeds in ([`Input`]) and what comes out
//! ([`Effect`]).

use crate::json::Json;

use crate::command::Command;
use crate::filter::Pattern;
use crate::http::{HttpOutcome, HttpRequest};

/// Identifies a command call, chosen by the glue; its resolution or rejection carries it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommandId(pub u64);

/// Identifies a request, chosen by the core; the glue answers with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// The timers the core uses; at most one of each runs. Setting one replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Next automatic poll.
    Poll,
    /// Typing preview idle: send typing stop.
    TypingIdle,
    /// Agent typing timeout.
    AgentTyping,
    /// Socket reconnect (push transports).
    Reconnect,
}

/// Everything the glue feeds the machine.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A bus command for WebChatService.
    Command {
        /// The glue's id for the call.
        id: CommandId,
        /// The calling plugin's name (`e.commander`), e.g. "WebChatService" or "MyPlugin".
        caller: String,
        /// The decoded command.
        command: Command,
    },
    /// A request finished.
    Http {
        /// The id from [`Effect::Http`] or [`Effect::Download`].
        id: RequestId,
        /// What happened.
        outcome: HttpOutcome,
    },
    /// A timer set through [`Effect::SetTimer`] fired.
    Timer(Timer),
    /// A key was pressed in the registered typing-preview input; `text` is its current value.
    PreviewKey {
        /// The input's value.
        text: String,
    },
    /// The socket opened.
    SocketOpened,
    /// A text frame arrived on the socket.
    SocketFrame(String),
    /// The socket closed or errored.
    SocketClosed,
}

/// What a command settles with.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// `undefined`.
    Undefined,
    /// A JSON value (string texts, objects).
    Json(Json),
    /// The preprocessor function of the registerPreProcessor call being answered.
    RegisteredPreprocessor,
    /// All prefilters, which the glue turns back into RegExp objects.
    Prefilters(Vec<Pattern>),
}

impl Reply {
    /// A text reply.
    pub fn text(s: impl Into<String>) -> Self {
        Self::Json(Json::String(s.into()))
    }
}

/// Socket actions for push transports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketAction {
    /// Open (or reopen) a WebSocket.
    Open {
        /// `ws(s)://` URL.
        url: String,
    },
    /// Send a text frame.
    Send(String),
    /// Close it.
    Close,
}

/// Everything the machine asks the glue to do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send a request and answer with [`Input::Http`].
    Http {
        /// The id to answer with.
        id: RequestId,
        /// The request.
        request: HttpRequest,
    },
    /// Fetch a file and save it as `file_name`, then answer with [`Input::Http`] (any body).
    Download {
        /// The id to answer with.
        id: RequestId,
        /// The request.
        request: HttpRequest,
        /// Name to save under.
        file_name: String,
    },
    /// A socket action.
    Socket(SocketAction),
    /// Start (or restart) a timer; answer with [`Input::Timer`] when it fires.
    SetTimer {
        /// Which.
        timer: Timer,
        /// Delay.
        after_ms: u64,
    },
    /// Stop a timer if running.
    CancelTimer(Timer),
    /// Write `value` to local storage under `key`, as `JSON.stringify` text.
    StorageWrite {
        /// Key.
        key: &'static str,
        /// Value.
        value: Json,
    },
    /// Remove `key` from local storage.
    StorageRemove {
        /// Key.
        key: &'static str,
    },
    /// Publish `WebChatService.<event>`; a `Null` payload means no data.
    Publish {
        /// Event short name.
        event: &'static str,
        /// Payload.
        payload: Json,
    },
    /// Publish `WebChatService.messageReceived`, after running every registered preprocessor,
    /// in registration order, over each element of `payload.messages` (replacing it with the
    /// returned value when that is an object).
    PublishMessages {
        /// `{originalMessages, messages, restoring, sessionData}`.
        payload: Json,
    },
    /// Set the plugin data `WebChatService.<key>` (`sessionActive`, `userData`).
    SetData {
        /// Key.
        key: &'static str,
        /// Value.
        value: Json,
    },
    /// Keep the preprocessor function of command `id` (registerPreProcessor succeeded).
    KeepPreprocessor(CommandId),
    /// Start watching the typing-preview input of command `id` and feed [`Input::PreviewKey`].
    WatchPreviewInput(CommandId),
    /// Resolve command `id`.
    Resolve {
        /// Which call.
        id: CommandId,
        /// With what.
        reply: Reply,
    },
    /// Reject command `id`.
    Reject {
        /// Which call.
        id: CommandId,
        /// With what.
        reply: Reply,
    },
}
