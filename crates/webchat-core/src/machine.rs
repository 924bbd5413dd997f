//! The WebChatService state machine: commands, answers and timers in, effects out.
//!
//! One call of [`WebChat::handle`] takes one [`Input`] and the current time, and returns the
//! [`Effect`]s to carry out, in order. The machine never blocks and never calls user code; it
//! leaves preprocessors, RegExp evaluation (through [`TextMatcher`]), fetch, timers and storage to
//! the glue.

use crate::capabilities::Capabilities;
use crate::command::{Command, Environment, FileInfo, FiltersArg, PageInfo, PreprocessorArg};
use crate::config::WebChatConfig;
use crate::drive::{CommandId, Effect, Input, Reply, RequestId, Timer};
use crate::error::CoreError;
use crate::filter::{Filters, TextMatcher};
use crate::http::{HttpOutcome, concat};
use crate::json;
use crate::json::{Json, Object};
use crate::message::{Message, SenderType, Transcript, kind};
use crate::persist::{
    self, PersistedSession, RECORD_VERSION, RestoreDecision, STORAGE_KEY, SessionKeys,
};
use crate::roster::Roster;
use crate::texts;
use crate::timing::{AGENT_TYPING_TIMEOUT_MS, Connection, Poller, TYPING_IDLE_MS};
use crate::transport::{
    self, Answer, FileLimits, Op, Outgoing, StartForm, Transport, TransportReply,
};
use crate::validate::{self, Context, Phase};

/// A configured transport with its options.
struct Setup {
    config: WebChatConfig,
    transport: Box<dyn Transport>,
}

/// Why a request was sent, so its answer goes to the right place.
#[derive(Debug, Clone)]
enum Purpose {
    Start(CommandId),
    /// A command answered with the server's response (send, notice, typing, updateData).
    Answer(CommandId),
    /// sendFilteredMessage resolves with `undefined`.
    AnswerEmpty(CommandId),
    End(CommandId),
    Poll(Option<CommandId>),
    Restore(Option<CommandId>),
    Limits(CommandId, Vec<FileInfo>),
    Upload {
        cmd: CommandId,
        index: usize,
        count: usize,
    },
    Download {
        cmd: CommandId,
        file_name: String,
    },
    /// Typing notifications from the preview input: nobody waits.
    Fire,
}

#[derive(Debug)]
struct InFlight {
    op: Op,
    purpose: Purpose,
}

/// The WebChatService core. `M` evaluates JavaScript RegExps for the filters.
pub struct WebChat<M: TextMatcher> {
    matcher: M,
    configured: bool,
    setup: Result<Setup, CoreError>,
    phase: Phase,
    keys: Option<SessionKeys>,
    pending_user_data: Object,
    transcript: Transcript,
    roster: Roster,
    filters: Filters,
    poller: Poller,
    /// Requests awaiting an answer; a handful at most, so a `Vec` (no tree code in the bundle).
    requests: Vec<(RequestId, InFlight)>,
    next_request: u64,
    preview_registered: bool,
    preview_typing: bool,
    preview_text: String,
    agent_typing: Option<Json>,
    socket_down: bool,
    start_time: Option<u64>,
    end_time: Option<u64>,
    replaying: bool,
    record: Option<PersistedSession>,
    now: u64,
    out: Vec<Effect>,
}

impl<M: TextMatcher> WebChat<M> {
    /// A fresh, unconfigured service.
    pub fn new(matcher: M) -> Self {
        Self {
            matcher,
            configured: false,
            setup: Err(CoreError::NotConfigured),
            phase: Phase::Idle,
            keys: None,
            pending_user_data: Object::new(),
            transcript: Transcript::default(),
            roster: Roster::default(),
            filters: Filters::default(),
            poller: Poller::new(crate::config::DEFAULT_POLL_EXCEPTION_LIMIT),
            requests: Vec::new(),
            next_request: 1,
            preview_registered: false,
            preview_typing: false,
            preview_text: String::new(),
            agent_typing: None,
            socket_down: false,
            start_time: None,
            end_time: None,
            replaying: false,
            record: None,
            now: 0,
            out: Vec::new(),
        }
    }

    /// A service already configured with `transport`: for codecs that `transport.type` does not
    /// select yet, and for tests. A later `configure` command is rejected as a second one.
    pub fn with_transport(
        matcher: M,
        config: WebChatConfig,
        transport: Box<dyn Transport>,
    ) -> Self {
        let mut chat = Self::new(matcher);
        chat.configured = true;
        chat.poller = Poller::new(config.poll_exception_limit);
        chat.setup = Ok(Setup { config, transport });
        chat
    }

    /// The session phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The transport's capabilities, once configured successfully.
    pub fn capabilities(&self) -> Option<Capabilities> {
        self.setup.as_ref().ok().map(|s| s.transport.capabilities())
    }

    /// Feeds one input at time `now_ms` (ms since the epoch) and returns the effects, in order.
    pub fn handle(&mut self, input: Input, now_ms: u64) -> Vec<Effect> {
        self.now = now_ms;
        match input {
            Input::Command {
                id,
                caller,
                command,
            } => self.command(id, &caller, command),
            Input::Http { id, outcome } => self.http(id, &outcome),
            Input::Timer(t) => self.timer(t),
            Input::PreviewKey { text } => self.preview_key(text),
            Input::SocketFrame(text) => self.socket_frame(&text),
            Input::SocketOpened => {
                if std::mem::take(&mut self.socket_down) {
                    self.publish("reconnected", Json::Null);
                }
            }
            Input::SocketClosed => self.socket_closed(),
        }
        std::mem::take(&mut self.out)
    }

    // ----- small helpers -------------------------------------------------------------------

    fn publish(&mut self, event: &'static str, payload: Json) {
        self.out.push(Effect::Publish { event, payload });
    }

    fn resolve(&mut self, id: CommandId, reply: Reply) {
        self.out.push(Effect::Resolve { id, reply });
    }

    fn reject(&mut self, id: CommandId, reply: Reply) {
        self.out.push(Effect::Reject { id, reply });
    }

    fn resolve_json(&mut self, id: CommandId, v: Json) {
        self.resolve(id, Reply::Json(v));
    }

    fn session_data(&self) -> Json {
        match &self.setup {
            Ok(s) => s.transport.session_data(self.keys.as_ref()),
            Err(_) => json!({}),
        }
    }

    /// Builds and sends `op`. Socket operations have no answer, so they complete at once.
    fn send(&mut self, op: Op, purpose: Purpose) {
        let Ok(setup) = &self.setup else { return };
        match setup.transport.build(&op, self.keys.as_ref()) {
            Outgoing::Http(request) => {
                let id = RequestId(self.next_request);
                self.next_request += 1;
                if let Purpose::Download { file_name, .. } = &purpose {
                    let file_name = file_name.clone();
                    self.out.push(Effect::Download {
                        id,
                        request,
                        file_name,
                    });
                } else {
                    self.out.push(Effect::Http { id, request });
                }
                self.requests.push((id, InFlight { op, purpose }));
            }
            Outgoing::Socket(action) => {
                self.out.push(Effect::Socket(action));
                self.complete(purpose, TransportReply::Done(Box::default()));
            }
        }
    }

    fn persist(&mut self) {
        let Some(keys) = self.keys.clone() else {
            return;
        };
        let rec = PersistedSession {
            version: RECORD_VERSION,
            keys,
            last_index: self.transcript.highest_index(),
            filters: self.filters.clone(),
            start_time: self.start_time.unwrap_or(self.now),
            last_activity: self.now,
        };
        self.out.push(Effect::StorageWrite {
            key: STORAGE_KEY,
            value: rec.to_storage(),
        });
        self.record = Some(rec);
    }

    fn set_session_active(&mut self, active: bool) {
        self.out.push(Effect::SetData {
            key: "sessionActive",
            value: json!(active),
        });
    }

    fn start_polling(&mut self) {
        let polls = self.capabilities().is_some_and(|c| c.polling);
        if polls && !self.poller.enabled {
            self.poller.enabled = true;
            self.publish("pollingStarted", Json::Null);
        }
        self.schedule_poll();
    }

    fn stop_polling(&mut self) {
        if self.poller.enabled {
            self.poller.enabled = false;
            self.out.push(Effect::CancelTimer(Timer::Poll));
            self.publish("pollingStopped", Json::Null);
        }
    }

    fn schedule_poll(&mut self) {
        if self.poller.enabled && self.phase == Phase::Active && !self.poller.in_flight {
            let after_ms = self.poller.next_delay_ms();
            self.out.push(Effect::SetTimer {
                timer: Timer::Poll,
                after_ms,
            });
        }
    }

    fn poll_now(&mut self, cmd: Option<CommandId>) {
        self.poller.in_flight = true;
        self.out.push(Effect::CancelTimer(Timer::Poll));
        let op = Op::Refresh {
            position: self.transcript.next_position(),
            preview: String::new(),
        };
        self.send(op, Purpose::Poll(cmd));
    }

    /// Ends the session locally: polling and timers stop, storage is cleared, `ended` published.
    fn finish_session(&mut self) {
        self.stop_polling();
        self.poller.in_flight = false;
        self.out.push(Effect::CancelTimer(Timer::TypingIdle));
        self.out.push(Effect::CancelTimer(Timer::AgentTyping));
        self.preview_typing = false;
        self.agent_typing = None;
        self.phase = Phase::Idle;
        self.end_time = Some(self.now);
        self.keys = None;
        self.record = None;
        self.replaying = false;
        self.out.push(Effect::StorageRemove { key: STORAGE_KEY });
        self.set_session_active(false);
        self.publish("ended", Json::Null);
    }

    fn begin_session(&mut self) {
        self.transcript.clear();
        self.roster.clear();
        self.start_time = Some(self.now);
        self.end_time = None;
        self.poller = Poller::new(self.poll_limit());
    }

    fn poll_limit(&self) -> u32 {
        self.setup
            .as_ref()
            .map_or(crate::config::DEFAULT_POLL_EXCEPTION_LIMIT, |s| {
                s.config.poll_exception_limit
            })
    }

    // ----- commands ---------------------------------------------------------------------------

    fn command(&mut self, id: CommandId, caller: &str, command: Command) {
        if let Command::Configure { webchat, env } = command {
            return self.configure(id, &webchat, &env);
        }
        let ctx = Context {
            transport: self.setup.as_ref().map(|s| s.transport.capabilities()),
            phase: self.phase,
            caller,
            poll_in_flight: self.poller.in_flight,
        };
        if let Err(text) = validate::validate(&command, &ctx) {
            return self.reject(id, Reply::text(text));
        }
        match command {
            Command::Configure { .. } => {}
            Command::StartChat { data, page } => self.start_chat(id, &data, &page),
            Command::EndChat => {
                self.phase = Phase::Ending;
                self.send(Op::Disconnect, Purpose::End(id));
            }
            Command::SendMessage(data) => {
                let text = validate::message_text(&data).unwrap_or_default();
                self.send_text(text, Purpose::Answer(id));
            }
            Command::SendCustomNotice(data) => {
                let text = validate::message_text(&data).unwrap_or_default();
                self.send(Op::CustomNotice { text }, Purpose::Answer(id));
            }
            Command::SendTyping(data) => {
                let text = validate::message_text(&data).unwrap_or_default();
                let position = self.transcript.next_position();
                self.publish("clientTypingStarted", Json::Null);
                self.send(Op::StartTyping { position, text }, Purpose::Answer(id));
            }
            Command::SendFilteredMessage { message, regex } => {
                if let Some(p) = regex {
                    self.filters.add_filtered(p);
                    self.persist();
                }
                let text =
                    validate::message_text(&json!({ "message": message })).unwrap_or_default();
                self.send_text(text, Purpose::AnswerEmpty(id));
            }
            Command::AddPrefilter(arg) => {
                let patterns = match arg {
                    FiltersArg::One(p) => vec![p],
                    FiltersArg::Many(v) => v,
                    FiltersArg::Invalid => Vec::new(),
                };
                self.filters.add_prefilters(patterns);
                if self.phase == Phase::Active {
                    self.persist();
                }
                self.resolve(id, Reply::Prefilters(self.filters.prefilters.clone()));
            }
            Command::UpdateUserData(data) => self.update_user_data(id, data),
            Command::Poll => self.poll_now(Some(id)),
            Command::StartPoll => {
                if !self.poller.enabled {
                    self.poller.enabled = true;
                    self.publish("pollingStarted", Json::Null);
                    self.schedule_poll();
                }
                self.resolve(id, Reply::Undefined);
            }
            Command::StopPoll => {
                self.stop_polling();
                self.resolve(id, Reply::Undefined);
            }
            Command::ResetPollExceptions => {
                self.poller.reset_exceptions();
                self.resolve(id, Reply::Undefined);
            }
            Command::Restore(_) => self.restore_command(id),
            Command::GetTranscript => {
                let messages: Vec<Json> = self
                    .transcript
                    .messages()
                    .iter()
                    .map(Message::to_json)
                    .collect();
                self.resolve_json(id, json!({ "messages": messages }));
            }
            Command::GetAgents => {
                self.resolve_json(id, json!({ "agents": self.roster.agents_json() }))
            }
            Command::GetStats => self.get_stats(id),
            Command::SendFile(files) => {
                self.send(
                    Op::FileLimits,
                    Purpose::Limits(id, files.unwrap_or_default()),
                );
            }
            Command::DownloadFile(data) => {
                let file_id = validate::file_id(&data).unwrap_or_default();
                let file_name = data
                    .get("fileName")
                    .and_then(Json::as_str)
                    .unwrap_or(file_id.as_str())
                    .to_owned();
                self.send(
                    Op::DownloadFile { file_id },
                    Purpose::Download { cmd: id, file_name },
                );
            }
            Command::GetSessionData => {
                let data = self.session_data();
                self.resolve_json(id, data);
            }
            // Async history belongs to Engage v3, which is not implemented yet.
            Command::FetchHistory => self.reject(id, Reply::text(texts::NO_MORE_HISTORY)),
            Command::RegisterTypingPreviewInput(_) => {
                self.preview_registered = true;
                self.out.push(Effect::WatchPreviewInput(id));
                self.resolve(id, Reply::Undefined);
            }
            Command::RegisterPreProcessor(PreprocessorArg::Function) => {
                self.out.push(Effect::KeepPreprocessor(id));
                self.resolve(id, Reply::RegisteredPreprocessor);
            }
            Command::RegisterPreProcessor(PreprocessorArg::NotFunction { .. }) => {}
            Command::VerifySession => {
                let active = self.phase == Phase::Active;
                self.resolve_json(id, json!({ "sessionActive": active }));
            }
        }
    }

    fn configure(&mut self, id: CommandId, webchat: &Json, env: &Environment) {
        if self.configured {
            return self.reject(id, Reply::text(texts::ALREADY_CONFIGURED));
        }
        self.configured = true;
        self.setup = WebChatConfig::parse(webchat).and_then(|config| {
            let transport = transport::for_config(&config, env)?;
            Ok(Setup { config, transport })
        });
        let (timeout, limit) = match &self.setup {
            Ok(s) => (s.config.restore_timeout_ms, s.config.poll_exception_limit),
            Err(e) => {
                let message = e.to_string();
                self.publish("error", json!({ "message": message }));
                self.resolve(id, Reply::Undefined);
                return;
            }
        };
        self.poller = Poller::new(limit);
        self.resolve(id, Reply::Undefined);
        match persist::decide(env.stored_session.as_ref(), self.now, timeout) {
            RestoreDecision::Nothing => {}
            RestoreDecision::Unreadable => {
                self.out.push(Effect::StorageRemove { key: STORAGE_KEY })
            }
            RestoreDecision::TooOld => {
                self.out.push(Effect::StorageRemove { key: STORAGE_KEY });
                self.publish("restoreTimeout", Json::Null);
            }
            RestoreDecision::Restore(rec) => self.begin_restore(*rec, None),
        }
    }

    fn start_chat(&mut self, id: CommandId, data: &Json, page: &PageInfo) {
        let form_obj = data.get("form").filter(|f| f.is_object()).unwrap_or(data);
        let field = |k: &str| {
            form_obj
                .get(k)
                .or_else(|| data.get(k))
                .and_then(Json::as_str)
                .map(str::to_owned)
        };
        let form = StartForm {
            nickname: field("nickname"),
            first_name: field("firstname").or_else(|| field("firstName")),
            last_name: field("lastname").or_else(|| field("lastName")),
            email: field("email"),
            subject: field("subject"),
        };
        let mut user_data = self
            .setup
            .as_ref()
            .map(|s| s.config.user_data.clone())
            .unwrap_or_default();
        user_data.assign(&self.pending_user_data);
        let cmd_ud = data.get("userData").or_else(|| form_obj.get("userData"));
        if let Some(Json::Object(m)) = cmd_ud {
            user_data.assign(m);
        }
        let page_keys = [
            (
                "GCTI_LanguageCode",
                if page.language.is_empty() {
                    "en"
                } else {
                    page.language.as_str()
                },
            ),
            ("_genesys_source", "web"),
            ("_genesys_referrer", page.referrer.as_str()),
            ("_genesys_url", page.url.as_str()),
            ("_genesys_pageTitle", page.title.as_str()),
            ("_genesys_browser", page.browser.as_str()),
            ("_genesys_OS", page.os.as_str()),
            ("_genesys_widgets", page.widgets_version.as_str()),
        ];
        for (k, v) in page_keys {
            user_data.insert_if_absent(k, || json!(v));
        }
        self.phase = Phase::Starting;
        self.send(Op::StartChat { form, user_data }, Purpose::Start(id));
    }

    fn send_text(&mut self, text: String, purpose: Purpose) {
        if self.preview_typing {
            self.preview_typing = false;
            self.out.push(Effect::CancelTimer(Timer::TypingIdle));
            self.publish("clientTypingStopped", Json::Null);
        }
        self.poller.activity();
        self.send(Op::Send { text }, purpose);
    }

    fn update_user_data(&mut self, id: CommandId, data: Json) {
        let Json::Object(m) = data else { return };
        if self.phase == Phase::Active {
            return self.send(Op::UpdateData { user_data: m }, Purpose::Answer(id));
        }
        self.pending_user_data.assign(&m);
        let mut merged = self
            .setup
            .as_ref()
            .map(|s| s.config.user_data.clone())
            .unwrap_or_default();
        merged.assign(&self.pending_user_data);
        let merged = Json::Object(merged);
        self.out.push(Effect::SetData {
            key: "userData",
            value: merged.clone(),
        });
        self.resolve_json(id, merged);
    }

    fn restore_command(&mut self, id: CommandId) {
        let timeout = self
            .setup
            .as_ref()
            .map_or(0, |s| s.config.restore_timeout_ms);
        match self.record.take() {
            Some(rec) if self.now.saturating_sub(rec.last_activity) <= timeout => {
                self.begin_restore(rec, Some(id));
            }
            _ => self.reject(id, Reply::Undefined),
        }
    }

    fn get_stats(&mut self, id: CommandId) {
        let duration = self
            .start_time
            .map(|s| self.end_time.unwrap_or(self.now).saturating_sub(s));
        let stats = json!({
            "agents": self.roster.agents_json(),
            "startTime": self.start_time,
            "endTime": self.end_time,
            "duration": duration,
        });
        self.resolve_json(id, stats);
    }

    fn begin_restore(&mut self, rec: PersistedSession, cmd: Option<CommandId>) {
        self.begin_session();
        self.phase = Phase::Restoring;
        self.start_time = Some(rec.start_time);
        self.keys = Some(rec.keys.clone());
        self.filters = rec.filters.clone();
        self.record = Some(rec);
        self.replaying = true;
        self.send(
            Op::Refresh {
                position: 1,
                preview: String::new(),
            },
            Purpose::Restore(cmd),
        );
    }

    // ----- answers ----------------------------------------------------------------------------

    fn http(&mut self, id: RequestId, outcome: &HttpOutcome) {
        let Some(at) = self.requests.iter().position(|(r, _)| *r == id) else {
            return;
        };
        let InFlight { op, purpose } = self.requests.remove(at).1;
        let Ok(setup) = &self.setup else { return };
        match setup.transport.parse(&op, self.keys.as_ref(), outcome) {
            TransportReply::Continue(steps) => {
                for step in steps {
                    self.continue_with(step, op.clone(), purpose.clone());
                }
            }
            reply => self.complete(purpose, reply),
        }
    }

    fn continue_with(&mut self, step: Outgoing, op: Op, purpose: Purpose) {
        match step {
            Outgoing::Http(request) => {
                let id = RequestId(self.next_request);
                self.next_request += 1;
                self.out.push(Effect::Http { id, request });
                self.requests.push((id, InFlight { op, purpose }));
            }
            Outgoing::Socket(a) => self.out.push(Effect::Socket(a)),
        }
    }

    fn complete(&mut self, purpose: Purpose, reply: TransportReply) {
        match purpose {
            Purpose::Start(cmd) => self.on_started(cmd, reply),
            Purpose::Answer(cmd) | Purpose::AnswerEmpty(cmd) => {
                let empty = matches!(purpose, Purpose::AnswerEmpty(_));
                match reply {
                    TransportReply::Done(a) => {
                        self.take_keys(&a);
                        self.resolve(
                            cmd,
                            if empty {
                                Reply::Undefined
                            } else {
                                Reply::Json(a.body)
                            },
                        );
                        self.schedule_poll();
                    }
                    TransportReply::Failed { error, .. } | TransportReply::Transient(error) => {
                        self.reject(cmd, Reply::Json(error));
                    }
                    TransportReply::Continue(_) => {}
                }
            }
            Purpose::End(cmd) => self.on_ended(cmd, reply),
            Purpose::Poll(cmd) => self.on_poll(cmd, reply),
            Purpose::Restore(cmd) => self.on_restore(cmd, reply),
            Purpose::Limits(cmd, files) => self.on_limits(cmd, files, reply),
            Purpose::Upload { cmd, index, count } => match reply {
                TransportReply::Done(a) if index + 1 < count => {
                    self.take_keys(&a);
                    self.send(
                        Op::UploadFile {
                            command: cmd,
                            file_index: index + 1,
                        },
                        Purpose::Upload {
                            cmd,
                            index: index + 1,
                            count,
                        },
                    );
                }
                TransportReply::Done(a) => {
                    self.take_keys(&a);
                    self.poller.activity();
                    self.schedule_poll();
                    self.resolve_json(cmd, a.body);
                }
                TransportReply::Failed { error, .. } | TransportReply::Transient(error) => {
                    self.reject(cmd, Reply::Json(error));
                }
                TransportReply::Continue(_) => {}
            },
            Purpose::Download { cmd, .. } => match reply {
                TransportReply::Done(_) => self.resolve(cmd, Reply::Undefined),
                TransportReply::Failed { error, .. } | TransportReply::Transient(error) => {
                    self.reject(cmd, Reply::Json(error));
                }
                TransportReply::Continue(_) => {}
            },
            Purpose::Fire => {}
        }
    }

    fn take_keys(&mut self, a: &Answer) {
        if self.phase != Phase::Idle
            && let Some(k) = &a.keys
            && self.keys.as_ref() != Some(k)
        {
            self.keys = Some(k.clone());
            self.persist();
        }
    }

    fn on_started(&mut self, cmd: CommandId, reply: TransportReply) {
        let answer = match reply {
            TransportReply::Done(a) if a.keys.is_some() => a,
            TransportReply::Done(a) => {
                self.phase = Phase::Idle;
                let error = json!({"status": 200, "statusText": "error", "responseJSON": a.body});
                self.publish("error", error.clone());
                return self.reject(cmd, Reply::Json(error));
            }
            TransportReply::Failed { error, .. } | TransportReply::Transient(error) => {
                self.phase = Phase::Idle;
                self.publish("error", error.clone());
                return self.reject(cmd, Reply::Json(error));
            }
            TransportReply::Continue(_) => return,
        };
        self.begin_session();
        self.phase = Phase::Active;
        self.keys.clone_from(&answer.keys);
        self.pending_user_data.clear();
        self.publish("started", answer.body.clone());
        self.set_session_active(true);
        self.resolve_json(cmd, answer.body.clone());
        self.poller.activity();
        self.deliver(answer.messages, answer.raw_messages, false);
        self.persist();
        self.start_polling();
    }

    fn on_ended(&mut self, cmd: CommandId, reply: TransportReply) {
        match reply {
            TransportReply::Done(a) => {
                self.finish_session();
                self.resolve_json(cmd, a.body);
            }
            TransportReply::Failed { error, .. } => {
                // The server no longer knows the chat: it is over either way.
                self.finish_session();
                self.reject(cmd, Reply::Json(error));
            }
            TransportReply::Transient(error) => {
                self.phase = Phase::Active;
                self.reject(cmd, Reply::Json(error));
            }
            TransportReply::Continue(_) => {}
        }
    }

    fn on_poll(&mut self, cmd: Option<CommandId>, reply: TransportReply) {
        if self.phase != Phase::Active {
            self.poller.in_flight = false;
            return;
        }
        match reply {
            TransportReply::Done(a) => {
                let fresh = a
                    .messages
                    .iter()
                    .any(|m| m.index.is_some_and(|i| !self.transcript.has_seen(i)));
                if self.poller.succeeded(fresh) == Connection::BackOnline {
                    self.publish("chatServerBackOnline", Json::Null);
                    self.publish("connectionRestored", Json::Null);
                }
                if let Some(k) = &a.keys {
                    self.keys = Some(k.clone());
                }
                let restoring = std::mem::take(&mut self.replaying);
                self.deliver(a.messages, a.raw_messages, restoring);
                if let Some(c) = cmd {
                    self.resolve_json(c, a.body);
                }
                if a.chat_ended == Some(true) {
                    self.finish_session();
                } else {
                    self.persist();
                    self.schedule_poll();
                }
            }
            TransportReply::Failed {
                error,
                chat_ended: true,
            } => {
                if let Some(c) = cmd {
                    self.reject(c, Reply::Json(error));
                }
                self.poller.in_flight = false;
                self.finish_session();
            }
            TransportReply::Failed { error, .. } | TransportReply::Transient(error) => {
                if self.poller.failed() == Connection::WentOffline {
                    self.publish("connectionPending", Json::Null);
                    self.publish("chatServerWentOffline", Json::Null);
                }
                if let Some(c) = cmd {
                    self.reject(c, Reply::Json(error));
                }
                self.schedule_poll();
            }
            TransportReply::Continue(_) => {}
        }
    }

    fn on_restore(&mut self, cmd: Option<CommandId>, reply: TransportReply) {
        if self.phase != Phase::Restoring {
            return;
        }
        match reply {
            // The answer must say `"chatEnded": false` literally; a missing field means gone.
            TransportReply::Done(a) if a.chat_ended == Some(false) => {
                self.phase = Phase::Active;
                if let Some(k) = &a.keys {
                    self.keys = Some(k.clone());
                }
                self.publish("restored", Json::Null);
                self.set_session_active(true);
                self.replaying = false;
                self.deliver(a.messages, a.raw_messages, true);
                self.persist();
                if let Some(c) = cmd {
                    self.resolve(c, Reply::Undefined);
                }
                self.start_polling();
            }
            TransportReply::Transient(_) => {
                // Server down: the session is kept and polling goes on until it answers.
                self.phase = Phase::Active;
                self.poller.set_offline();
                self.publish("restoredOffline", Json::Null);
                self.set_session_active(true);
                if let Some(c) = cmd {
                    self.resolve(c, Reply::Undefined);
                }
                self.start_polling();
            }
            TransportReply::Continue(_) => {}
            _ => {
                self.phase = Phase::Idle;
                self.keys = None;
                self.record = None;
                self.replaying = false;
                self.filters = Filters::default();
                self.out.push(Effect::StorageRemove { key: STORAGE_KEY });
                self.publish("restoreFailed", Json::Null);
                if let Some(c) = cmd {
                    self.reject(c, Reply::Undefined);
                }
            }
        }
    }

    fn on_limits(&mut self, cmd: CommandId, files: Vec<FileInfo>, reply: TransportReply) {
        match reply {
            TransportReply::Done(a) => {
                let limits = a.file_limits.unwrap_or_default();
                if let Err(error) = check_limits(&limits, &files) {
                    return self.reject(cmd, Reply::Json(error));
                }
                let op = Op::UploadFile {
                    command: cmd,
                    file_index: 0,
                };
                self.send(
                    op,
                    Purpose::Upload {
                        cmd,
                        index: 0,
                        count: files.len(),
                    },
                );
            }
            TransportReply::Failed { error, .. } | TransportReply::Transient(error) => {
                self.reject(cmd, Reply::Json(error));
            }
            TransportReply::Continue(_) => {}
        }
    }

    // ----- messages ---------------------------------------------------------------------------

    /// Runs a batch through de-duplication and the filters, updates roster and typing, and
    /// publishes messageReceived (the glue applies preprocessors) followed by the per-message
    /// events.
    fn deliver(&mut self, messages: Vec<Message>, raw: Vec<Json>, restoring: bool) {
        let mut published = Vec::new();
        let mut events: Vec<(&'static str, Json)> = Vec::new();
        for msg in messages {
            if msg.index.is_some_and(|i| self.transcript.has_seen(i)) {
                continue;
            }
            if msg.kind == kind::MESSAGE && self.filters.hides(&self.matcher, &msg.text) {
                if let Some(i) = msg.index {
                    self.transcript.mark_seen(i);
                }
                continue;
            }
            let Some(msg) = self.transcript.accept(msg).cloned() else {
                continue;
            };
            let json = msg.to_json();
            if let Some(event) = self.roster.apply(&msg) {
                events.push((event, self.roster.event_payload(&msg)));
            }
            if msg.from.kind != SenderType::Client {
                match msg.kind.as_str() {
                    kind::TYPING_STARTED => {
                        self.agent_typing = Some(json.clone());
                        events.push(("agentTypingStarted", json.clone()));
                        self.out.push(Effect::SetTimer {
                            timer: Timer::AgentTyping,
                            after_ms: AGENT_TYPING_TIMEOUT_MS,
                        });
                    }
                    kind::TYPING_STOPPED | kind::MESSAGE if self.agent_typing.is_some() => {
                        self.agent_typing = None;
                        events.push(("agentTypingStopped", json.clone()));
                        self.out.push(Effect::CancelTimer(Timer::AgentTyping));
                    }
                    _ => {}
                }
            }
            published.push(json);
        }
        if !published.is_empty() {
            let payload = json!({
                "originalMessages": raw,
                "messages": published,
                "restoring": restoring,
                "sessionData": self.session_data(),
            });
            self.out.push(Effect::PublishMessages { payload });
        }
        for (event, payload) in events {
            self.publish(event, payload);
        }
    }

    // ----- timers, typing, sockets ------------------------------------------------------------

    fn timer(&mut self, t: Timer) {
        match t {
            Timer::Poll => {
                if self.poller.enabled && self.phase == Phase::Active && !self.poller.in_flight {
                    self.poll_now(None);
                }
            }
            Timer::TypingIdle => {
                if std::mem::take(&mut self.preview_typing) && self.phase == Phase::Active {
                    let position = self.transcript.next_position();
                    let text = std::mem::take(&mut self.preview_text);
                    self.publish("clientTypingStopped", Json::Null);
                    self.send(Op::StopTyping { position, text }, Purpose::Fire);
                }
            }
            Timer::AgentTyping => {
                if let Some(msg) = self.agent_typing.take() {
                    self.publish("agentTypingTimeout", msg);
                }
            }
            Timer::Reconnect => {
                let reopen = self
                    .setup
                    .as_ref()
                    .ok()
                    .and_then(|s| s.transport.reconnect(self.keys.as_ref()));
                if self.socket_down
                    && self.phase == Phase::Active
                    && let Some(a) = reopen
                {
                    self.out.push(Effect::Socket(a));
                }
            }
        }
    }

    fn preview_key(&mut self, text: String) {
        if !self.preview_registered || self.phase != Phase::Active {
            return;
        }
        self.preview_text.clone_from(&text);
        if !self.preview_typing {
            self.preview_typing = true;
            let position = self.transcript.next_position();
            self.publish("clientTypingStarted", Json::Null);
            self.send(Op::StartTyping { position, text }, Purpose::Fire);
        }
        self.out.push(Effect::SetTimer {
            timer: Timer::TypingIdle,
            after_ms: TYPING_IDLE_MS,
        });
    }

    fn socket_frame(&mut self, frame: &str) {
        let Ok(setup) = &self.setup else { return };
        if self.phase != Phase::Active {
            return;
        }
        if let TransportReply::Done(a) = setup.transport.parse_frame(frame) {
            if let Some(k) = &a.keys {
                self.keys = Some(k.clone());
            }
            self.deliver(a.messages, a.raw_messages, false);
            if a.chat_ended == Some(true) {
                self.finish_session();
            }
        }
    }

    fn socket_closed(&mut self) {
        if self.phase == Phase::Active && !self.socket_down {
            self.socket_down = true;
            self.publish("disconnected", Json::Null);
            self.out.push(Effect::SetTimer {
                timer: Timer::Reconnect,
                after_ms: 2000,
            });
        }
    }
}

/// Checks files against the server's limits; the error mimics the server's 400 answer so customer
/// code sees the same "AJAX Response Object" either way.
fn check_limits(limits: &FileLimits, files: &[FileInfo]) -> Result<(), Json> {
    let error = |code: u16, message: &str| {
        let body = json!({"errors": [{"code": code, "message": message}]});
        // The texts have no characters JSON escapes, so the server's text is spelled out here.
        let code = code.to_string();
        let text = concat(&[
            r#"{"errors":[{"code":"#,
            &code,
            r#","message":""#,
            message,
            r#""}]}"#,
        ]);
        json!({"readyState": 4, "status": 400, "statusText": "error",
               "responseText": text, "responseJSON": body})
    };
    if limits.used_files + files.len() as u64 > limits.max_files {
        return Err(error(201, texts::TOO_MANY_FILES));
    }
    let total: u64 = files.iter().map(|f| f.size).sum();
    if files.iter().any(|f| f.size > limits.max_file_size)
        || limits.used_total_size.saturating_add(total) > limits.max_total_size
    {
        return Err(error(202, texts::FILE_TOO_LARGE));
    }
    if !limits.file_types.is_empty() {
        let allowed = |f: &FileInfo| {
            f.name.rsplit_once('.').is_some_and(|(_, ext)| {
                limits
                    .file_types
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(ext))
            })
        };
        if !files.iter().all(allowed) {
            return Err(error(203, texts::FILE_TYPE_NOT_ALLOWED));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
