//! The WebChatService state machine: what is WebChatService and not wire.
//!
//! One call of [`WebChat::handle`] takes one [`Input`] and the current time, and returns the
//! [`Effect`]s to carry out, in order; [`WebChat::poll_timeout`] then says when to feed
//! [`Input::Timeout`]. The machine owns the phase, validation, the de-duplicated transcript,
//! filters, roster, typing, events and the settling of commands. Everything on the wire belongs to
//! the configured [`Session`], which the machine drives through `begin` and drains after every
//! input. The machine never blocks and never calls user code.
//!
//! - `commands.rs`: bus commands in.
//! - `session_events.rs`: what the session reports, out as events and settlements.
//! - `deliver.rs`: messages through de-duplication and filters, then roster and typing.
//! - `typing.rs`: the typing-preview input and the two typing deadlines.
//! - `takeover.rs`: a following tab taking the chat over from the tab that led.
//! - `outbox.rs`: customer messages waiting for the server (pure); `sending.rs` drives it.
//! - `order.rs`: the reorder buffer that publishes live messages in index order (pure); it also
//!   holds pushes that overtake a restore's or a start's answer until it is in.
//! - `async_outbox.rs`: the outbox kept apart from the site's session data in async mode.

mod async_outbox;
mod commands;
mod deliver;
mod order;
mod outbox;
mod sending;
mod session_events;
mod takeover;
mod typing;

use crate::capabilities::Capabilities;
use crate::config::WebChatConfig;
use crate::drive::{CommandId, Effect, Input, Reply};
use crate::error::CoreError;
use crate::event::Event;
use crate::filter::{Filters, TextMatcher};
use crate::json;
use crate::json::{Json, Object};
use crate::message::Transcript;
use crate::persist::{PersistedSession, RECORD_VERSION};
use crate::roster::Roster;
use crate::session::{Io, Op, OpId, Session};
use crate::validate::Phase;

/// How often traffic from the server refreshes the saved record's last-activity stamp.
const TOUCH_EVERY_MS: u64 = 5_000;

/// A configured session with its options.
struct Setup {
    config: WebChatConfig,
    session: Box<dyn Session>,
}

/// Who waits for an operation's end.
#[derive(Debug, Clone, Copy)]
enum Purpose {
    Start(CommandId),
    /// A command answered with the server's response (send, notice, typing, updateData, files).
    Answer(CommandId),
    /// sendFilteredMessage and downloadFile resolve with `undefined`.
    AnswerEmpty(CommandId),
    End(CommandId),
    Restore(Option<CommandId>),
    /// Typing notifications from the preview input: nobody waits.
    Fire,
    /// The restore of a chat taken over from another tab (`takeover.rs`).
    TakeOver,
    /// A send or check of the outbox's head (`sending.rs`).
    Outbox,
}

/// The WebChatService core. `M` evaluates JavaScript RegExps for the filters.
pub struct WebChat<M: TextMatcher> {
    matcher: M,
    configured: bool,
    setup: Result<Setup, CoreError>,
    phase: Phase,
    pending_user_data: Object,
    transcript: Transcript,
    roster: Roster,
    filters: Filters,
    /// `verifySession` calls made while a restore runs: answered once it has an outcome, so a
    /// proactive invitation never pops up over a chat that is being restored.
    verify_waiting: Vec<CommandId>,
    /// Operations begun on the session and not finished yet; a handful at most.
    ops: Vec<(OpId, Purpose)>,
    next_op: u64,
    preview_registered: bool,
    preview_typing: bool,
    preview_text: String,
    /// When the customer's typing-stop is due.
    typing_idle_at: Option<u64>,
    /// The agent typing message, and when its timeout is due.
    agent_typing: Option<(Json, u64)>,
    start_time: Option<u64>,
    end_time: Option<u64>,
    record: Option<PersistedSession>,
    /// Customer messages waiting for the server, in typed order.
    outbox: outbox::Outbox,
    /// Live messages held back until the index before them arrives.
    reorder: order::Reorder,
    /// Async mode: the session data last handed to the customer's `getSessionData`.
    async_saved: Option<Json>,
    /// Async mode: the outbox kept in localStorage apart from the session data.
    async_outbox: async_outbox::AsyncOutbox,
    /// The record is saved once at the end of the current input (many `RecordChanged`s in one
    /// input make one write).
    save_due: bool,
    /// A takeover's restore is running: what it delivers is new to the page.
    taking_over: bool,
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
            pending_user_data: Object::new(),
            transcript: Transcript::default(),
            roster: Roster::default(),
            filters: Filters::default(),
            verify_waiting: Vec::new(),
            ops: Vec::new(),
            next_op: 1,
            preview_registered: false,
            preview_typing: false,
            preview_text: String::new(),
            typing_idle_at: None,
            agent_typing: None,
            start_time: None,
            end_time: None,
            record: None,
            outbox: outbox::Outbox::default(),
            reorder: order::Reorder::default(),
            async_saved: None,
            async_outbox: Default::default(),
            save_due: false,
            taking_over: false,
            now: 0,
            out: Vec::new(),
        }
    }

    /// A service already configured with `session`, for tests and for sessions the configuration
    /// does not select. A later `configure` command is rejected as a second one.
    pub fn with_session(matcher: M, config: WebChatConfig, session: Box<dyn Session>) -> Self {
        let mut chat = Self::new(matcher);
        chat.configured = true;
        chat.setup = Ok(Setup { config, session });
        chat
    }

    /// The session phase.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The transport's capabilities, once configured successfully.
    pub fn capabilities(&self) -> Option<Capabilities> {
        self.setup.as_ref().ok().map(|s| s.session.capabilities())
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
            Input::Http { id, outcome } => {
                self.touch();
                if let Ok(s) = &mut self.setup {
                    s.session.handle_http(id, outcome, now_ms);
                }
            }
            Input::Timeout => self.timeout(),
            Input::PreviewKey { text } => self.preview_key(text),
            Input::TakeOver {
                stored,
                seen,
                quiet,
            } => self.take_over(stored.as_ref(), &seen, quiet),
            Input::Socket(event) => {
                self.touch();
                if let Ok(s) = &mut self.setup {
                    s.session.handle_socket(event, now_ms);
                }
            }
            Input::Online(online) => self.browser_online(online),
        }
        self.end_input()
    }

    /// The page's custom headers changed (`main.header` merged with `App.updateAJAXHeader`):
    /// every request the session builds from now on carries `headers` where its transport sends
    /// them. No effects; the glue calls this before the input that follows the change.
    pub fn set_custom_headers(&mut self, headers: &[(String, String)]) {
        self.with_session_mut(|s, _| s.set_custom_headers(headers));
    }

    /// Begins `what` for a caller that is not a bus command (the Chat Service JS API's calls
    /// WebChatService has no command for): its end settles `id` like a command answered with
    /// the server's response; without an active chat it is rejected at once. Effects as
    /// [`WebChat::handle`].
    pub fn run_op(&mut self, id: CommandId, what: Op, now_ms: u64) -> Vec<Effect> {
        self.now = now_ms;
        if self.phase == Phase::Active {
            self.begin(what, Purpose::Answer(id));
        } else {
            self.reject(id, Reply::text(crate::texts::NO_ACTIVE_SESSION));
        }
        self.end_input()
    }

    /// Drains the session and saves the record if due: the end of every input.
    fn end_input(&mut self) -> Vec<Effect> {
        self.drain();
        // Pushes held while a restore ran go once it is over, after the replay its answer
        // brought (which came in this same drain).
        self.release_in_order();
        if !self.outbox.is_idle() {
            // A message whose catch-up just ended goes now that the catch-up's messages are in.
            self.pump_outbox();
            self.drain();
        }
        if self.phase != Phase::Restoring {
            self.taking_over = false;
        }
        if self.phase != Phase::Restoring && !self.verify_waiting.is_empty() {
            let active = self.phase == Phase::Active;
            for id in std::mem::take(&mut self.verify_waiting) {
                self.resolve_json(id, json!({ "sessionActive": active }));
            }
        }
        if std::mem::take(&mut self.save_due) && matches!(self.phase, Phase::Active | Phase::Ending)
        {
            self.persist();
        }
        self.sync_async_outbox();
        std::mem::take(&mut self.out)
    }

    /// Anything from the server shows the page is alive: the record's last-activity stamp moves
    /// on (at most every [`TOUCH_EVERY_MS`]), so a quiet chat is still restored after a reload
    /// within `restoreTimeout`, whatever the transport.
    fn touch(&mut self) {
        let stale = self
            .record
            .as_ref()
            .is_some_and(|r| self.now.saturating_sub(r.last_activity) >= TOUCH_EVERY_MS);
        if stale {
            self.save_due = true;
        }
    }

    /// When to feed [`Input::Timeout`] next (ms since the epoch), if ever.
    pub fn poll_timeout(&self) -> Option<u64> {
        let session = self
            .setup
            .as_ref()
            .ok()
            .and_then(|s| s.session.poll_timeout());
        [
            session,
            self.typing_idle_at,
            self.agent_typing.as_ref().map(|(_, at)| *at),
            self.outbox.poll_timeout(),
            self.reorder.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    // ----- small helpers -------------------------------------------------------------------

    fn publish(&mut self, event: Event, payload: Json) {
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
            Ok(s) => s.session.session_data(),
            Err(_) => json!({}),
        }
    }

    /// messageReceived's `sessionData`.
    fn event_session_data(&self) -> Json {
        match &self.setup {
            Ok(s) => s.session.event_session_data(),
            Err(_) => json!({}),
        }
    }

    /// Runs `f` on the session, if configured.
    fn with_session_mut(&mut self, f: impl FnOnce(&mut dyn Session, u64)) {
        let now = self.now;
        if let Ok(s) = &mut self.setup {
            f(s.session.as_mut(), now);
        }
    }

    /// Begins `what` on the session for `purpose`.
    fn begin(&mut self, what: Op, purpose: Purpose) {
        self.begin_op(what, purpose);
    }

    /// [`WebChat::begin`], returning the operation's id.
    fn begin_op(&mut self, what: Op, purpose: Purpose) -> OpId {
        let op = OpId(self.next_op);
        self.next_op = self.next_op.wrapping_add(1);
        self.ops.push((op, purpose));
        self.with_session_mut(|s, now| s.begin(op, what, now));
        op
    }

    /// Moves the session's IO into the effects and handles its events until both are empty.
    fn drain(&mut self) {
        loop {
            let Ok(setup) = &mut self.setup else { return };
            while let Some(io) = setup.session.poll_io() {
                self.out.push(match io {
                    Io::Http { id, request } => Effect::Http { id, request },
                    Io::Download {
                        id,
                        request,
                        file_name,
                    } => Effect::Download {
                        id,
                        request,
                        file_name,
                    },
                    Io::Socket(action) => Effect::Socket(action),
                });
            }
            match setup.session.poll_event() {
                Some(event) => self.on_session_event(event),
                None => return,
            }
        }
    }

    /// Async mode (Engage v3): the session lives in customer storage. Constant `false` in a
    /// build without Engage v3, so the async branches cost other bundles nothing.
    fn async_mode(&self) -> bool {
        cfg!(feature = "v3") && self.capabilities().is_some_and(|c| c.async_mode)
    }

    fn persist(&mut self) {
        let Some(keys) = self.setup.as_ref().ok().and_then(|s| s.session.record()) else {
            return;
        };
        if self.async_mode() {
            return self.save_async();
        }
        let rec = PersistedSession {
            version: RECORD_VERSION,
            keys,
            last_index: self.transcript.highest_index(),
            filters: self.filters.clone(),
            start_time: self.start_time.unwrap_or(self.now),
            last_activity: self.now,
            outbox: self.outbox.to_json(),
        };
        self.out.push(Effect::SaveSession {
            value: rec.to_storage(),
        });
        self.record = Some(rec);
    }

    /// Async mode keeps no record of ours: the customer's `getSessionData` gets the session data
    /// when the chat starts and whenever it changes (the glue's callback sink).
    fn save_async(&mut self) {
        let data = self.session_data();
        if self.async_saved.as_ref() != Some(&data) {
            self.async_saved = Some(data.clone());
            self.out.push(Effect::SaveSession { value: data });
        }
    }

    fn set_session_active(&mut self, active: bool) {
        self.out.push(Effect::SetData {
            key: "sessionActive",
            value: json!(active),
        });
    }

    /// Ends the session locally: polling and typing stop, the record is dropped, `ended`
    /// published, and operations still in flight are settled by the session's reset.
    fn finish_session(&mut self) {
        if self.phase == Phase::Idle {
            return;
        }
        // Idle first: events drained below (pollingStopped) must not end the chat twice.
        self.phase = Phase::Idle;
        self.with_session_mut(|s, now| s.set_polling(false, now));
        self.drain();
        self.typing_idle_at = None;
        self.agent_typing = None;
        self.preview_typing = false;
        self.end_time = Some(self.now);
        self.reorder.clear();
        self.fail_outbox(crate::texts::OUTBOX_CHAT_ENDED);
        self.record = None;
        self.async_saved = None;
        self.out.push(Effect::ClearSession);
        self.set_session_active(false);
        if let Some(payload) = self.roster.client_left(self.now) {
            self.publish(Event::ClientDisconnected, payload);
        }
        self.publish(Event::Ended, Json::Null);
        self.with_session_mut(|s, _| s.reset());
    }

    fn begin_session(&mut self) {
        self.transcript.clear();
        self.reorder.clear();
        self.roster.clear();
        self.start_time = Some(self.now);
        self.end_time = None;
    }
}

#[cfg(all(test, feature = "v3"))]
mod async_tests;
#[cfg(test)]
mod outbox_tests;
#[cfg(test)]
mod stub_tests;
#[cfg(test)]
mod test_effects;
