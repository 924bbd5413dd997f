//! The pure core of WebChatService: configuration, command rules, the session state machine,
//! message normalisation and de-duplication, and sans-IO protocol codecs. No JavaScript, no IO.
//!
//! Payloads are [`Json`] values. JSON text crosses the boundary and is read and printed by
//! [`json_text`], which leaves non-whole numbers to the glue, so the bundle carries no float
//! parser or formatter.
//!
//! The glue (`webchat-web`) decodes bus commands into [`Command`]s, feeds them and everything else
//! that happens ([`Input`]) to [`WebChat::handle`], and carries out the returned [`Effect`]s:
//! HTTP requests, socket actions, session records, events, command resolutions; then it arms one
//! timer for [`WebChat::poll_timeout`]. Under the machine, each protocol is a sans-IO
//! [`Session`] in its own folder of [`session`]; the machine never sees a wire format.
//!
//! ```
//! use webchat_core::{
//!     Command, CommandId, Effect, Environment, Event, HttpOutcome, Input, PageInfo, ResponseBody,
//!     SubstringMatcher, WebChat, json,
//! };
//!
//! let mut chat = WebChat::new(SubstringMatcher);
//! let configure = Command::Configure {
//!     webchat: json!({"dataURL": "http://gms/genesys/2/chat/customer-support"}),
//!     env: Environment::default(),
//! };
//! let fx = chat.handle(Input::Command { id: CommandId(1), caller: "WebChatService".into(), command: configure }, 0);
//! // The transport's `capabilities` data key is set, then the command resolves.
//! assert!(matches!(fx[0], Effect::SetData { key: "capabilities", .. }));
//! assert!(matches!(fx[1], Effect::Resolve { id: CommandId(1), .. }));
//!
//! // startChat produces one request for the glue to send.
//! let start = Command::StartChat { data: json!({"nickname": "Jonny"}), page: PageInfo::default() };
//! let fx = chat.handle(Input::Command { id: CommandId(2), caller: "MyPlugin".into(), command: start }, 10);
//! let Some(Effect::Http { id, request }) = fx.first() else { panic!("expected a request") };
//! assert_eq!(request.url, "http://gms/genesys/2/chat/customer-support/");
//! assert_eq!(request.body.form_field("nickname"), Some("Jonny"));
//!
//! // The glue answers with the body's text and what `JSON.parse` made of it; the core publishes
//! // `started`, resolves the command and starts polling.
//! let json = json!({"statusCode": 0, "alias": "117", "userId": "007555677B20000A",
//!   "secureKey": "4ee15d7e1c343c8e", "chatId": "00048aAPEQJ8000U",
//!   "messages": [{"from": {"nickname": "Jonny", "participantId": 1, "type": "Client"}, "index": 1,
//!   "type": "ParticipantJoined", "utcTime": 1432845088000u64}]});
//! let body = ResponseBody { text: "(the text the server sent)".into(), json: Some(json), retry_after_s: None };
//! let fx = chat.handle(Input::Http { id: *id, outcome: HttpOutcome::Response { status: 200, body } }, 20);
//! assert!(fx.iter().any(|e| matches!(e, Effect::Publish { event: Event::Started, .. })));
//! assert!(fx.iter().any(|e| matches!(e, Effect::Publish { event: Event::ClientConnected, .. })));
//! // The glue arms one timer for the next deadline: the first poll, 0.5 s after the answer.
//! assert_eq!(chat.poll_timeout(), Some(520));
//! ```

mod capabilities;
#[cfg(feature = "chat-api")]
pub mod chat_api;
mod command;
mod config;
mod drive;
mod error;
mod event;
mod filter;
mod http;
pub mod json;
pub mod json_text;
mod machine;
pub mod message;
mod persist;
mod roster;
pub mod session;
pub mod texts;
pub mod timing;
mod validate;

pub use capabilities::Capabilities;
pub use command::{
    COMMAND_NAMES, Command, Environment, FileInfo, FiltersArg, PageInfo, PreprocessorArg,
    PreviewInput,
};
pub use config::{
    CloudConfig, CloudRouting, CometConfig, EngageV3Config, GmsConfig, TransportConfig,
    WebChatConfig,
};
pub use drive::{CommandId, Effect, Input, Reply, RequestId, SocketAction};
pub use error::CoreError;
pub use event::Event;
pub use filter::{Filters, Pattern, SubstringMatcher, TextMatcher};
pub use http::{Body, HttpOutcome, HttpRequest, Method, Part, ResponseBody};
pub use json::{Json, Object, ToJson};
pub use machine::WebChat;
pub use message::{Message, Sender, SenderType};
pub use persist::{OUTBOX_KEY, PersistedSession, STORAGE_KEY};
#[cfg(feature = "gms")]
pub use session::gms::{POLL_ACTIVE_MS, POLL_IDLE_MS};
pub use session::{
    Io, Link, Op, OpId, OpOutcome, Session, SessionEvent, SocketEvent, StartForm, UserDataOp,
};
pub use timing::{AGENT_TYPING_TIMEOUT_MS, TYPING_IDLE_MS};
pub use validate::{Phase, SELF_NAME, validate};
