//! Bus commands into the machine: validation first (every documented rejection lives in
//! `validate.rs`), then the command's effect on the phase, the session or the local state.

use super::outbox::Waiter;
use super::{Purpose, Setup, WebChat};
use crate::command::{Command, Environment, FiltersArg, PageInfo, PreprocessorArg};
use crate::config::WebChatConfig;
use crate::drive::{CommandId, Effect, Reply};
use crate::event::Event;
use crate::filter::TextMatcher;
use crate::json;
use crate::json::{Json, Object};
use crate::message::Message;
use crate::persist::{self, PersistedSession, RestoreDecision};
use crate::session::{self, Op, StartForm};
use crate::texts;
use crate::validate::{self, Context, Phase};

impl<M: TextMatcher> WebChat<M> {
    pub(super) fn command(&mut self, id: CommandId, caller: &str, command: Command) {
        if let Command::Configure { webchat, env } = command {
            return self.configure(id, &webchat, &env);
        }
        let ctx = Context {
            transport: self.setup.as_ref().map(|s| s.session.capabilities()),
            phase: self.phase,
            caller,
            poll_in_flight: self
                .setup
                .as_ref()
                .is_ok_and(|s| s.session.poll_in_flight()),
        };
        if let Err(text) = validate::validate(&command, &ctx) {
            return self.reject(id, Reply::text(text));
        }
        match command {
            Command::Configure { .. } => {}
            Command::StartChat { data, page } => self.start_chat(id, &data, &page),
            Command::EndChat => {
                self.phase = Phase::Ending;
                self.begin(Op::End, Purpose::End(id));
            }
            Command::SendMessage(data) => {
                let text = validate::message_text(&data).unwrap_or_default();
                self.send_text(text, Waiter::Answer(id));
            }
            Command::SendCustomNotice(data) => {
                let text = validate::message_text(&data).unwrap_or_default();
                self.begin(Op::CustomNotice { text }, Purpose::Answer(id));
            }
            Command::SendTyping(data) => {
                let text = validate::message_text(&data).unwrap_or_default();
                self.publish(Event::ClientTypingStarted, Json::Null);
                // The customer's typing state ends after the documented idle time, as with the
                // preview input: the stop is sent and clientTypingStopped published then.
                self.preview_typing = true;
                self.preview_text.clone_from(&text);
                self.typing_idle_at = Some(self.now.saturating_add(crate::timing::TYPING_IDLE_MS));
                self.begin(Op::StartTyping { text }, Purpose::Answer(id));
            }
            Command::SendFilteredMessage { message, regex } => {
                if let Some(p) = regex {
                    self.filters.add_filtered(p);
                    self.persist();
                }
                let text =
                    validate::message_text(&json!({ "message": message })).unwrap_or_default();
                self.send_text(text, Waiter::Empty(id));
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
            Command::Poll => self.begin(Op::Poll, Purpose::Answer(id)),
            Command::StartPoll | Command::StopPoll => {
                let on = matches!(command, Command::StartPoll);
                self.with_session_mut(|s, now| s.set_polling(on, now));
                self.drain();
                self.resolve(id, Reply::Undefined);
            }
            Command::ResetPollExceptions => {
                self.with_session_mut(|s, _| s.reset_poll_exceptions());
                self.resolve(id, Reply::Undefined);
            }
            Command::Restore(data) => self.restore_command(id, &data),
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
                let files = files.unwrap_or_default();
                self.begin(Op::SendFiles { command: id, files }, Purpose::Answer(id));
            }
            Command::DownloadFile(data) => {
                let file_id = validate::file_id(&data).unwrap_or_default();
                let file_name = data
                    .get("fileName")
                    .and_then(Json::as_str)
                    .unwrap_or(file_id.as_str())
                    .to_owned();
                self.begin(
                    Op::Download { file_id, file_name },
                    Purpose::AnswerEmpty(id),
                );
            }
            Command::GetSessionData => {
                let data = self.session_data();
                self.resolve_json(id, data);
            }
            Command::FetchHistory => self.begin(Op::FetchHistory, Purpose::Answer(id)),
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
            Command::VerifySession if self.phase == Phase::Restoring => {
                self.verify_waiting.push(id);
            }
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
            let session = session::for_config(&config, env)?;
            Ok(Setup { config, session })
        });
        if let Some(capabilities) = self.capabilities() {
            self.out.push(Effect::SetData {
                key: "capabilities",
                value: capabilities.to_json(),
            });
        }
        let timeout = match &self.setup {
            Ok(s) => s.config.restore_timeout_ms,
            Err(e) => {
                let message = e.text();
                self.publish(Event::Error, json!({ "message": message }));
                self.resolve(id, Reply::Undefined);
                return;
            }
        };
        self.resolve(id, Reply::Undefined);
        if self.async_mode() {
            self.async_outbox = super::async_outbox::AsyncOutbox::stored(env.stored_outbox.clone());
            // What the customer's setSessionData returned: restored whatever its age.
            if let Some(data) = env.stored_session.as_ref().filter(|d| is_session_data(d)) {
                let rec = self.customer_record(data.clone());
                self.begin_restore(rec, None);
            }
            return;
        }
        match persist::decide(env.stored_session.as_ref(), self.now, timeout) {
            RestoreDecision::Nothing => {}
            RestoreDecision::Unreadable => self.restore_failed(None),
            RestoreDecision::TooOld => {
                self.out.push(Effect::ClearSession);
                self.publish(Event::RestoreTimeout, Json::Null);
                // Messages still queued in it are reported, not dropped without a word.
                let queued = env
                    .stored_session
                    .as_ref()
                    .and_then(|v| PersistedSession::from_storage(v).ok());
                if let Some(rec) = queued {
                    self.outbox.load(Some(&rec.outbox));
                    self.outbox.announce_all();
                    self.fail_outbox(texts::OUTBOX_CHAT_ENDED);
                }
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
        let mut user_data = self.configured_user_data();
        user_data.assign(&self.pending_user_data);
        let cmd_ud = data.get("userData").or_else(|| form_obj.get("userData"));
        if let Some(Json::Object(m)) = cmd_ud {
            user_data.assign(m);
        }
        let language = if page.language.is_empty() {
            "en"
        } else {
            page.language.as_str()
        };
        let page_keys = [
            ("GCTI_LanguageCode", language),
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
        self.begin(Op::Start { form, user_data }, Purpose::Start(id));
    }

    fn configured_user_data(&self) -> Object {
        self.setup
            .as_ref()
            .map(|s| s.config.user_data.clone())
            .unwrap_or_default()
    }

    fn send_text(&mut self, text: String, waiter: Waiter) {
        if self.preview_typing {
            self.preview_typing = false;
            self.typing_idle_at = None;
            self.publish(Event::ClientTypingStopped, Json::Null);
        }
        self.queue_send(text, waiter);
    }

    fn update_user_data(&mut self, id: CommandId, data: Json) {
        let Some(m) = data.into_object() else { return };
        if self.phase == Phase::Active {
            return self.begin(Op::UpdateData { user_data: m }, Purpose::Answer(id));
        }
        self.pending_user_data.assign(&m);
        let mut merged = self.configured_user_data();
        merged.assign(&self.pending_user_data);
        let merged = Json::Object(merged);
        self.out.push(Effect::SetData {
            key: "userData",
            value: merged.clone(),
        });
        self.resolve_json(id, merged);
    }

    fn restore_command(&mut self, id: CommandId, data: &Json) {
        if self.async_mode() {
            // `{sessionData}`: the JWT (or what getSessionData handed out) kept by the customer.
            let session_data = data.get("sessionData").unwrap_or(data);
            if is_session_data(session_data) {
                let rec = self.customer_record(session_data.clone());
                return self.begin_restore(rec, Some(id));
            }
        }
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

    /// A record around session data the customer kept (async mode); the session reads it.
    fn customer_record(&self, keys: Json) -> PersistedSession {
        PersistedSession {
            version: persist::RECORD_VERSION,
            keys,
            last_index: 0,
            filters: Default::default(),
            start_time: self.now,
            last_activity: self.now,
            outbox: Json::Array(Vec::new()),
        }
    }

    /// A stored record that cannot be read or used: discarded, with `restoreFailed`, so it does
    /// not survive into the next page load.
    fn restore_failed(&mut self, cmd: Option<CommandId>) {
        self.out.push(Effect::ClearSession);
        self.publish(Event::RestoreFailed, Json::Null);
        if let Some(c) = cmd {
            self.reject(c, Reply::Undefined);
        }
    }

    pub(super) fn begin_restore(&mut self, rec: PersistedSession, cmd: Option<CommandId>) {
        let mut resumed = false;
        self.with_session_mut(|s, _| resumed = s.resume(&rec.keys));
        if !resumed {
            // Another transport's record, or one this session cannot use.
            return self.restore_failed(cmd);
        }
        let mut rec = rec;
        if self.async_mode() {
            // The customer holds this session data already.
            self.async_saved = Some(self.session_data());
            rec.outbox = self.take_async_outbox();
        }
        self.begin_session();
        self.phase = Phase::Restoring;
        self.start_time = Some(rec.start_time);
        self.filters = rec.filters.clone();
        self.outbox.load(Some(&rec.outbox));
        self.record = Some(rec);
        self.begin(Op::Restore, Purpose::Restore(cmd));
    }
}

/// Whether customer-held session data is there at all (not `null`, `undefined` or empty).
fn is_session_data(data: &Json) -> bool {
    match data {
        Json::Null => false,
        Json::String(s) => !s.trim().is_empty(),
        Json::Object(o) => !o.is_empty(),
        _ => true,
    }
}
