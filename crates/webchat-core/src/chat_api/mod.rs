//! The Chat Service JS API (seeds 000, 002, 003; transports.md §4) as a pure core over
//! WebChatService's own machine: [`ChatApi`] owns one [`WebChat`] (so one configured
//! [`crate::Session`] from `session::for_config`: CometD for `serverUrl`, GMS REST for a REST
//! `transport`) and turns the API's calls into WebChatService commands and its effects into the
//! API's callbacks, settlements and state writes. No protocol code lives here.
//!
//! * [`options`] checks `startSession`/`restoreSession` options and picks the configuration;
//! * [`errors`] numbers the errors (`{error: {code, description}}`);
//! * [`events`] maps messages to callbacks and transcript entries;
//! * [`state`] is what `stateStorage.write` receives;
//! * `commands.rs` checks and runs the session commands, `react.rs` turns the machine's effects
//!   into the API's.
//!
//! The glue (`webchat-web`'s `chat_api`) feeds [`ChatApi::start`], [`ChatApi::restore`],
//! [`ChatApi::command`], [`ChatApi::listen`] and the IO answers ([`ChatApi::feed`]), and carries
//! out the returned [`ApiEffect`]s in order. Log lines are redacted of every session key.

pub mod commands;
pub mod errors;
pub mod events;
pub mod options;
mod react;
pub mod state;

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;

use self::errors::{ApiError, ErrorCode};
use self::events::Callback;
use self::options::{ApiOptions, Entry, LiveOptions};
use crate::command::{Command, Environment, PageInfo};
use crate::drive::{CommandId, Effect, Input};
use crate::filter::TextMatcher;
use crate::json;
use crate::json::Json;
use crate::machine::WebChat;
use crate::session::Op;
use crate::validate::Phase;

/// The call id of the `startSession`/`restoreSession` promise; session commands use others.
pub const OPEN_CALL: u64 = 0;
/// How many events wait at most for a callback that is not registered.
const MAX_HELD: usize = 500;

/// What the glue must do, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiEffect {
    /// A request or socket action of the session (`Effect::Http`, `Download` or `Socket`).
    Io(Effect),
    /// `stateStorage.write(state)`; `Json::Null` clears it (`write(null)`).
    WriteState(Json),
    /// Call every callback registered for `callback` with `event` (`Json::Null`: no argument).
    Callback {
        /// Which callbacks.
        callback: Callback,
        /// Their argument.
        event: Json,
    },
    /// Settle promise `call` ([`OPEN_CALL`]: resolve with the session object, or fail).
    Settle {
        /// Which call.
        call: u64,
        /// Done (`true`) or fail.
        ok: bool,
        /// The done or fail argument (`Json::Null`: none).
        value: Json,
    },
    /// A line for the `logger` option (already redacted).
    Log(String),
}

/// Where the API session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ApiPhase {
    /// Nothing asked yet.
    Idle,
    /// startSession or restoreSession in flight.
    Opening,
    /// The session object is out.
    Active,
    /// Ended or never opened: commands answer 50.
    Over,
}

/// What a WebChatService command in flight answers.
#[derive(Debug, Clone, PartialEq)]
enum Waiting {
    /// Nobody (configure).
    Nobody,
    /// The open promise.
    Open,
    /// A session command: resolves with nothing.
    Plain(u64),
    /// getUserData: resolves with `{userData}`.
    Read(u64),
    /// deleteUserData: resolves with `{timestamp}`.
    Delete(u64),
}

/// One Chat Service JS API session. `M` evaluates RegExps for WebChatService's filters (unused
/// by the API).
pub struct ChatApi<M: TextMatcher> {
    chat: WebChat<M>,
    phase: ApiPhase,
    waiting: Vec<(CommandId, Waiting)>,
    next_command: u64,
    /// The built-in transport's configuration, kept in the state.
    webchat: Option<Json>,
    custom_storage: bool,
    max_offline_ms: u64,
    /// The session record last saved.
    session: Option<Json>,
    secrets: Vec<String>,
    agents: Vec<Json>,
    transcript: Vec<Json>,
    listening: Vec<Callback>,
    /// Events that came before any callback for them was registered, for playback.
    held: Vec<(Callback, Json)>,
    leaving: bool,
    lost: bool,
    interrupted: bool,
    now: u64,
    out: Vec<ApiEffect>,
}

impl<M: TextMatcher> ChatApi<M> {
    /// A session not yet started.
    pub fn new(matcher: M) -> Self {
        Self {
            chat: WebChat::new(matcher),
            phase: ApiPhase::Idle,
            waiting: Vec::new(),
            next_command: 1,
            webchat: None,
            custom_storage: false,
            max_offline_ms: options::DEFAULT_MAX_OFFLINE_S * 1000,
            session: None,
            secrets: Vec::new(),
            agents: Vec::new(),
            transcript: Vec::new(),
            listening: Vec::new(),
            held: Vec::new(),
            leaving: false,
            lost: false,
            interrupted: false,
            now: 0,
            out: Vec::new(),
        }
    }

    /// `isAgentConnected()`.
    pub fn is_agent_connected(&self) -> bool {
        !self.agents.is_empty()
    }

    /// When to feed [`Input::Timeout`] next.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.chat.poll_timeout()
    }

    /// `startSession(options)`; `page` supplies the page keys of userData.
    pub fn start(
        &mut self,
        options: &Json,
        live: LiveOptions,
        env: Environment,
        page: PageInfo,
        now: u64,
    ) -> Vec<ApiEffect> {
        self.now = now;
        match self.open(options, live, Entry::Start) {
            Ok(opts) => {
                self.log("startSession: requesting a chat");
                if self.configure(opts.webchat.clone().unwrap_or_default(), env) {
                    let data = json!({"nickname": opts.username, "subject": opts.subject,
                                      "userData": Json::Object(opts.user_data)});
                    self.run(Command::StartChat { data, page }, Waiting::Open);
                }
            }
            Err(e) => self.fail_open(&e),
        }
        std::mem::take(&mut self.out)
    }

    /// `restoreSession(options)`; `stored` is what the state storage read gave (`None` for
    /// nothing). Without a state to continue it fails with no error, as the seed's example
    /// expects; a state the server no longer knows fails with 50.
    pub fn restore(
        &mut self,
        options: &Json,
        live: LiveOptions,
        stored: Option<Json>,
        mut env: Environment,
        now: u64,
    ) -> Vec<ApiEffect> {
        self.now = now;
        let opts = match self.open(options, live, Entry::Restore) {
            Ok(o) => o,
            Err(e) => {
                self.fail_open(&e);
                return std::mem::take(&mut self.out);
            }
        };
        self.log("restoreSession: looking for a saved chat");
        let saved = stored.as_ref().and_then(state::read);
        let fresh = saved.filter(|s| {
            opts.custom_storage || !state::expired(s.saved_at, now, opts.max_offline_ms)
        });
        let Some(saved) = fresh else {
            if stored.is_some_and(|s| !s.is_null()) {
                self.out.push(ApiEffect::WriteState(Json::Null));
            }
            self.log("restoreSession: no chat to continue");
            self.phase = ApiPhase::Over;
            self.settle(OPEN_CALL, false, json!({}));
            return std::mem::take(&mut self.out);
        };
        let webchat = match (opts.webchat, saved.webchat) {
            (Some(w), _) => w,
            (None, Some(w)) => {
                self.webchat = Some(w.clone());
                w
            }
            (None, None) => {
                self.fail_open(&ApiError::new(ErrorCode::ParameterMissing, "transport"));
                return std::mem::take(&mut self.out);
            }
        };
        self.secrets = state::secrets_of(&saved.session);
        self.session = Some(saved.session.clone());
        env.stored_session = Some(saved.session);
        if self.configure(webchat, env) && self.chat.phase() != Phase::Restoring {
            self.out.push(ApiEffect::WriteState(Json::Null));
            self.fail_open(&ApiError::new(ErrorCode::UnknownSession, ""));
        }
        std::mem::take(&mut self.out)
    }

    /// The common start of both entry points: one open per API session, then the options.
    fn open(
        &mut self,
        options: &Json,
        live: LiveOptions,
        entry: Entry,
    ) -> Result<ApiOptions, ApiError> {
        if self.phase != ApiPhase::Idle {
            return Err(ApiError::new(ErrorCode::ExecutionError, "already opened"));
        }
        self.phase = ApiPhase::Opening;
        let opts = options::parse(options, live, entry)?;
        if opts.built_in {
            self.webchat.clone_from(&opts.webchat);
        }
        self.custom_storage = opts.custom_storage;
        self.max_offline_ms = opts.max_offline_ms;
        Ok(opts)
    }

    /// Configures the machine; `false` (and the open failed) when the configuration is refused.
    fn configure(&mut self, mut webchat: Json, env: Environment) -> bool {
        // The API reports an unreachable server as its own error codes (100, 150), so its
        // machine rejects such sends at once instead of queueing them in the outbox.
        if let Json::Object(c) = &mut webchat {
            c.insert("outbox", crate::json!({"enabled": false}));
        }
        self.run(Command::Configure { webchat, env }, Waiting::Nobody);
        if self.chat.capabilities().is_some() {
            return true;
        }
        self.fail_open(&ApiError::new(
            ErrorCode::BadParameter,
            "serverUrl or transport",
        ));
        false
    }

    /// Session command `name` with its argument, answered through call `call`.
    pub fn command(&mut self, call: u64, name: &str, arg: &Json, now: u64) -> Vec<ApiEffect> {
        self.now = now;
        if let Err(e) = self.session_command(call, name, arg) {
            self.settle(call, false, e.event());
        }
        std::mem::take(&mut self.out)
    }

    /// A callback was registered: from now on its events are delivered; the events it missed
    /// (held since the session opened, restored ones flagged `restored`) are played back now, in
    /// order.
    pub fn listen(&mut self, callback: Callback) -> Vec<ApiEffect> {
        if !self.listening.contains(&callback) {
            self.listening.push(callback);
        }
        let held = std::mem::take(&mut self.held);
        for (c, event) in held {
            if c == callback {
                self.out.push(ApiEffect::Callback { callback: c, event });
            } else {
                self.held.push((c, event));
            }
        }
        std::mem::take(&mut self.out)
    }

    /// An IO answer or the timer (what `WebChat::handle` takes besides commands).
    pub fn feed(&mut self, input: Input, now: u64) -> Vec<ApiEffect> {
        self.now = now;
        let effects = self.chat.handle(input, now);
        self.absorb(effects);
        std::mem::take(&mut self.out)
    }

    /// The page is being left: the built-in storage's state is stamped now, so
    /// `maxOfflineDuration` counts from the moment the page went away (a page's own storage has
    /// no expiry and is not written again).
    pub fn page_hidden(&mut self, now: u64) -> Vec<ApiEffect> {
        self.now = now;
        if let Some(session) = self.session.clone()
            && self.phase == ApiPhase::Active
            && !self.custom_storage
        {
            self.write_state(&session);
        }
        std::mem::take(&mut self.out)
    }

    // ----- driving the machine -----------------------------------------------------------

    fn next_id(&mut self) -> CommandId {
        let id = CommandId(self.next_command);
        self.next_command = self.next_command.wrapping_add(1);
        id
    }

    fn run(&mut self, command: Command, waiting: Waiting) {
        let id = self.next_id();
        self.waiting.push((id, waiting));
        let input = Input::Command {
            id,
            caller: "ChatService".into(),
            command,
        };
        let effects = self.chat.handle(input, self.now);
        self.absorb(effects);
    }

    fn run_op(&mut self, op: Op, waiting: Waiting) {
        let id = self.next_id();
        self.waiting.push((id, waiting));
        let effects = self.chat.run_op(id, op, self.now);
        self.absorb(effects);
    }

    fn settle(&mut self, call: u64, ok: bool, value: Json) {
        self.out.push(ApiEffect::Settle { call, ok, value });
    }

    fn fail_open(&mut self, error: &ApiError) {
        self.phase = ApiPhase::Over;
        self.log_error(error);
        self.settle(OPEN_CALL, false, self.error_event(error));
    }

    /// `onError` with `error`.
    fn error(&mut self, error: &ApiError) {
        self.log_error(error);
        self.callback(Callback::Error, self.error_event(error));
    }

    fn log_error(&mut self, error: &ApiError) {
        let mut line = String::from("error ");
        line.push_str(&error.code.code().to_string());
        line.push_str(": ");
        line.push_str(error.code.description());
        if !error.details.is_empty() {
            line.push_str(" (");
            line.push_str(&error.details);
            line.push(')');
        }
        self.log(&line);
    }

    fn log(&mut self, line: &str) {
        let line = self.redact(line);
        self.out.push(ApiEffect::Log(line));
    }

    /// `text` with every session key replaced by `[redacted]`.
    fn redact(&self, text: &str) -> String {
        state::redact(text, &self.secrets)
    }

    /// `error` as fail callbacks and `onError` get it, its details redacted (a server's text
    /// could quote what it was sent).
    fn error_event(&self, error: &ApiError) -> Json {
        ApiError::new(error.code, self.redact(&error.details)).event()
    }
}
