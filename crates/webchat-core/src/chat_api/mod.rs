//! The Chat Service JS API (seeds 000, 002, 003; transports.md §4) as a pure core over
//! WebChatService's own machine: [`ChatApi`] owns one [`WebChat`] (so one configured
//! [`crate::Session`] from `session::for_config`: CometD for `serverUrl`, GMS REST for a REST
//! `transport`) and turns the API's calls into WebChatService commands and its effects into the
//! API's callbacks, settlements and state writes. No protocol code lives here.
//!
//! * [`options`] checks `startSession`/`restoreSession` options and picks the configuration;
//! * [`errors`] numbers the errors (`{error: {code, description}}`);
//! * [`events`] maps messages to callbacks and transcript entries;
//! * [`state`] is what `stateStorage.write` receives.
//!
//! The glue (`webchat-web`'s `chat_api`) feeds [`ChatApi::start`], [`ChatApi::restore`],
//! [`ChatApi::command`], [`ChatApi::listen`] and the IO answers ([`ChatApi::feed`]), and carries
//! out the returned [`ApiEffect`]s in order. Log lines are redacted of every session key.

pub mod errors;
pub mod events;
pub mod options;
pub mod state;

#[cfg(test)]
mod tests;

use self::errors::{ApiError, Attempt, ErrorCode, from_rejection};
use self::events::{Callback, EndReason, map_message};
use self::options::{ApiOptions, Entry, LiveOptions};
use crate::command::{Command, Environment, PageInfo};
use crate::drive::{CommandId, Effect, Input, Reply};
use crate::event::Event;
use crate::filter::TextMatcher;
use crate::json;
use crate::json::Json;
use crate::machine::WebChat;
use crate::session::{Op, UserDataOp};
use crate::validate::Phase;

/// The call id of the `startSession`/`restoreSession` promise; session commands use others.
pub const OPEN_CALL: u64 = 0;

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
    /// Restored events not yet played back to a callback.
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
    fn configure(&mut self, webchat: Json, env: Environment) -> bool {
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

    fn session_command(&mut self, call: u64, name: &str, arg: &Json) -> Result<(), ApiError> {
        let bad = |p: &str| ApiError::new(ErrorCode::BadParameter, p);
        let missing = |p: &str| ApiError::new(ErrorCode::ParameterMissing, p);
        if name == "getTranscript" {
            let from = match arg.get("fromIndex").filter(|v| !v.is_null()) {
                None => 0,
                Some(v) => v.as_u64().ok_or_else(|| bad("fromIndex"))?,
            };
            let transcript: Vec<Json> = self
                .transcript
                .iter()
                .filter(|e| {
                    e.get("index")
                        .and_then(Json::as_u64)
                        .is_none_or(|i| i >= from)
                })
                .cloned()
                .collect();
            self.settle(call, true, json!({ "transcript": transcript }));
            return Ok(());
        }
        let known = [
            "sendMessage",
            "sendTyping",
            "leave",
            "setUserData",
            "getUserData",
            "deleteUserData",
        ];
        if !known.contains(&name) {
            return Err(ApiError::new(ErrorCode::UnknownCommand, name));
        }
        if self.phase != ApiPhase::Active {
            return Err(ApiError::new(ErrorCode::UnknownSession, ""));
        }
        match name {
            "sendMessage" => {
                let (text, kind) = match arg {
                    Json::String(s) => (Some(s.clone()), None),
                    Json::Object(o) => (
                        match o.get("message").filter(|m| !m.is_null()) {
                            None => None,
                            Some(Json::String(s)) => Some(s.clone()),
                            Some(_) => return Err(bad("message")),
                        },
                        o.get("type").filter(|t| !t.is_null()),
                    ),
                    _ => return Err(bad("message")),
                };
                let text = text
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| missing("message"))?;
                if kind.is_some_and(|k| k.as_str() != Some("text") && k.as_str() != Some("url")) {
                    return Err(bad("type"));
                }
                self.run(
                    Command::SendMessage(json!({ "message": text })),
                    Waiting::Plain(call),
                );
            }
            "sendTyping" => {
                let typing = match arg.get("isTyping").filter(|v| !v.is_null()) {
                    None => true,
                    Some(v) => v.as_bool().ok_or_else(|| bad("isTyping"))?,
                };
                if typing {
                    self.run(
                        Command::SendTyping(json!({"message": ""})),
                        Waiting::Plain(call),
                    );
                } else {
                    self.run_op(
                        Op::StopTyping {
                            text: String::new(),
                        },
                        Waiting::Plain(call),
                    );
                }
            }
            "leave" => {
                self.leaving = true;
                self.log("leave: ending the chat");
                self.run(Command::EndChat, Waiting::Plain(call));
            }
            "setUserData" => match arg {
                Json::Object(o) if !o.is_empty() => {
                    self.run(Command::UpdateUserData(arg.clone()), Waiting::Plain(call));
                }
                Json::Null => return Err(missing("userData")),
                _ => return Err(bad("userData")),
            },
            _ => {
                let key = match arg {
                    Json::String(k) if !k.is_empty() => k.clone(),
                    Json::Null => return Err(missing("key")),
                    _ => return Err(bad("key")),
                };
                let (op, waiting) = if name == "getUserData" {
                    (UserDataOp::Read { key }, Waiting::Read(call))
                } else {
                    (UserDataOp::Delete { key }, Waiting::Delete(call))
                };
                self.run_op(Op::UserData(op), waiting);
            }
        }
        Ok(())
    }

    /// A callback was registered: from now on its events are delivered; restored events held
    /// for it are played back now, in order.
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
    /// `maxOfflineDuration` counts from the moment the page went away.
    pub fn page_hidden(&mut self, now: u64) -> Vec<ApiEffect> {
        self.now = now;
        if let Some(session) = self.session.clone()
            && self.phase == ApiPhase::Active
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

    fn absorb(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Http { .. } | Effect::Download { .. } | Effect::Socket(_) => {
                    self.out.push(ApiEffect::Io(effect));
                }
                Effect::SaveSession { value } => {
                    self.secrets = state::secrets_of(&value);
                    self.write_state(&value);
                    self.session = Some(value);
                }
                Effect::ClearSession => {
                    self.session = None;
                    self.out.push(ApiEffect::WriteState(Json::Null));
                }
                Effect::Publish { event, .. } => self.on_event(event),
                Effect::PublishMessages { payload } => self.on_messages(&payload),
                Effect::Resolve { id, reply } => self.answered(id, true, reply),
                Effect::Reject { id, reply } => self.answered(id, false, reply),
                Effect::SetData { .. }
                | Effect::KeepPreprocessor(_)
                | Effect::WatchPreviewInput(_) => {}
            }
        }
    }

    fn write_state(&mut self, session: &Json) {
        let state = state::build(self.webchat.as_ref(), session, self.now);
        self.out.push(ApiEffect::WriteState(state));
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Restored | Event::RestoredOffline if self.phase == ApiPhase::Opening => {
                self.phase = ApiPhase::Active;
                self.log("restoreSession: chat restored");
                self.settle(OPEN_CALL, true, Json::Null);
                if event == Event::RestoredOffline {
                    self.interrupted();
                }
            }
            Event::RestoreFailed if self.phase == ApiPhase::Opening => {
                self.fail_open(&ApiError::new(ErrorCode::UnknownSession, ""));
            }
            Event::Error if self.phase == ApiPhase::Active => {
                self.lost = true;
                self.error(&ApiError::new(ErrorCode::UnknownSession, ""));
            }
            Event::Disconnected | Event::ConnectionPending | Event::ChatServerWentOffline => {
                self.interrupted();
            }
            Event::Reconnected | Event::ChatServerBackOnline | Event::ConnectionRestored => {
                if std::mem::take(&mut self.interrupted) {
                    self.log("connection continued");
                    self.callback(Callback::Continued, Json::Null, false);
                }
            }
            Event::Ended if self.phase == ApiPhase::Active => self.ended(),
            _ => {}
        }
    }

    fn interrupted(&mut self) {
        if self.phase != ApiPhase::Active || std::mem::replace(&mut self.interrupted, true) {
            return;
        }
        self.error(&ApiError::new(ErrorCode::NetworkInterrupted, ""));
        self.callback(Callback::Interrupted, Json::Null, false);
    }

    fn ended(&mut self) {
        let reason = if self.leaving {
            EndReason::LeaveRequest
        } else if self.lost {
            EndReason::Error
        } else {
            EndReason::Agent
        };
        self.phase = ApiPhase::Over;
        self.agents.clear();
        self.transcript.push(reason.entry(self.now));
        self.log(match reason {
            EndReason::LeaveRequest => "session ended: by leave request",
            EndReason::Agent => "session ended: by an agent",
            EndReason::Error => "session ended: by error",
        });
        self.callback(Callback::SessionEnded, reason.event(), false);
    }

    fn on_messages(&mut self, payload: &Json) {
        let restoring = payload.get("restoring").and_then(Json::as_bool) == Some(true);
        let Some(messages) = payload.get("messages").and_then(Json::as_array) else {
            return;
        };
        for message in messages {
            let Some(mapped) = map_message(message, restoring) else {
                continue;
            };
            if let Some(entry) = mapped.entry {
                self.transcript.push(entry);
            }
            match (mapped.callback, mapped.agent) {
                (Callback::AgentConnected, Some(id)) if !self.agents.contains(&id) => {
                    self.agents.push(id);
                }
                (Callback::AgentDisconnected, Some(id)) => self.agents.retain(|a| *a != id),
                _ => {}
            }
            self.callback(mapped.callback, mapped.event, restoring);
        }
    }

    /// A callback event: delivered when the callback is registered; a restored one is held for
    /// a later registration.
    fn callback(&mut self, callback: Callback, event: Json, restored: bool) {
        if self.listening.contains(&callback) {
            self.out.push(ApiEffect::Callback { callback, event });
        } else if restored && callback.replays() {
            self.held.push((callback, event));
        }
    }

    fn answered(&mut self, id: CommandId, ok: bool, reply: Reply) {
        let Some(at) = self.waiting.iter().position(|(i, _)| *i == id) else {
            return;
        };
        let waiting = self.waiting.remove(at).1;
        let reply = match reply {
            Reply::Json(v) => v,
            _ => Json::Null,
        };
        let (call, value) = match waiting {
            Waiting::Nobody => return,
            Waiting::Open => {
                if ok {
                    self.phase = ApiPhase::Active;
                    self.log("startSession: chat started");
                    self.settle(OPEN_CALL, true, Json::Null);
                } else {
                    self.fail_open(&from_rejection(&reply, Attempt::Start));
                }
                return;
            }
            Waiting::Plain(call) => (call, Json::Null),
            Waiting::Read(call) => {
                let data = reply.get("userData").filter(|d| d.is_object()).cloned();
                (
                    call,
                    json!({ "userData": data.unwrap_or_else(|| json!({})) }),
                )
            }
            Waiting::Delete(call) => (call, json!({ "timestamp": self.now })),
        };
        if ok {
            self.settle(call, true, value);
        } else {
            let error = from_rejection(&reply, Attempt::Command);
            self.log_error(&error);
            self.settle(call, false, error.event());
        }
    }

    fn settle(&mut self, call: u64, ok: bool, value: Json) {
        self.out.push(ApiEffect::Settle { call, ok, value });
    }

    fn fail_open(&mut self, error: &ApiError) {
        self.phase = ApiPhase::Over;
        self.log_error(error);
        self.settle(OPEN_CALL, false, error.event());
    }

    /// `onError` with `error`.
    fn error(&mut self, error: &ApiError) {
        self.log_error(error);
        self.callback(Callback::Error, error.event(), false);
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
        let mut line = line.to_owned();
        for secret in &self.secrets {
            if line.contains(secret.as_str()) {
                line = line.replace(secret.as_str(), "[redacted]");
            }
        }
        self.out.push(ApiEffect::Log(line));
    }
}
