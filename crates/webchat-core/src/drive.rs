//! The drive loop's vocabulary: what the glue feeds in ([`Input`]) and what comes out
//! ([`Effect`]).

use crate::json::Json;

use crate::command::Command;
use crate::event::Event;
use crate::filter::Pattern;
use crate::http::{HttpOutcome, HttpRequest};
use crate::session::SocketEvent;

/// Identifies a command call, chosen by the glue; its resolution or rejection carries it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommandId(pub u64);

/// Identifies a request, chosen by the core; the glue answers with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

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
    /// The deadline from [`crate::WebChat::poll_timeout`] passed (the glue arms one timer for it).
    Timeout,
    /// A key was pressed in the registered typing-preview input; `text` is its current value.
    PreviewKey {
        /// The input's value.
        text: String,
    },
    /// Something happened to the socket opened through [`Effect::Socket`].
    Socket(SocketEvent),
    /// This tab now leads the tabs of the site: take the running chat over (see
    /// `machine/takeover.rs`). Ignored unless the machine is idle.
    TakeOver {
        /// The session record as storage holds it (kept fresh by the tab that led).
        stored: Option<Json>,
        /// The messages this tab published already, in their published shape.
        seen: Vec<Json>,
        /// Whether this tab published the chat so far (it followed it): then the takeover is
        /// quiet. A tab that never saw the chat restores it as a page load does (`restored`,
        /// messages with `restoring: true`).
        quiet: bool,
    },
    /// The browser went online (`true`) or offline (`false`): the window's `online`/`offline`
    /// events. Queued messages wait while offline and go as soon as it is online.
    Online(bool),
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

/// What to do with the session's one WebSocket.
#[derive(Debug, Clone, PartialEq)]
pub enum SocketAction {
    /// Open a WebSocket, replacing (and closing) any open one.
    Open {
        /// `ws(s)://` URL.
        url: String,
    },
    /// Send a text frame.
    Send(String),
    /// Send a JSON value as a text frame; the glue prints it with `JSON.stringify` (the core
    /// has no JSON printer).
    SendJson(crate::json::Json),
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
    /// Open, write to or close the WebSocket; report what happens with [`Input::Socket`].
    Socket(SocketAction),
    /// Keep the session record (a [`crate::PersistedSession`] as JSON) where the configured sink
    /// keeps it (localStorage under [`crate::STORAGE_KEY`]).
    SaveSession {
        /// The record.
        value: Json,
    },
    /// Drop the kept session record.
    ClearSession,
    /// Engage v3 async mode only: keep the outbox in localStorage under [`crate::OUTBOX_KEY`]
    /// (`{sessionId, outbox}`), or remove it when `value` is `Null` (`machine/async_outbox.rs`).
    SaveOutbox {
        /// What to store, or `Null`.
        value: Json,
    },
    /// Publish `WebChatService.<event>`; a `Null` payload means no data.
    Publish {
        /// The event.
        event: Event,
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
