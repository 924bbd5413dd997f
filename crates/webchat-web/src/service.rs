//! The WebChatService plugin: bus commands in, the core's effects out.
//!
//! [`Service`] owns the core behind a `RefCell` that is borrowed only for the duration of
//! [`WebChat::handle`]. Effects run afterwards with no borrow held, so customer code they call
//! (promise callbacks, preprocessors) may send commands or type into the watched input freely.
//! After each input the one timer slot is armed at the core's next deadline. The session's one
//! WebSocket and requests are run by a [`WireIo`] owned here (shared with the Chat Service JS API).
//! With several tabs of the site open, one leads and the others follow (`service/tabs.rs`).

mod tabs;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use cxbus_web::{Access, App, DeferredCell, PluginHandle, host};
use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use web_sys::File;
use webchat_core::{COMMAND_NAMES, Command, CommandId, Effect, Event, Input, Reply, WebChat};

use crate::commands::{Extra, decode};
use crate::convert::{get, to_js};
use crate::matcher::{JsMatcher, regexp_array};
use crate::online::OnlineWatcher;
use crate::page::{custom_headers, environment};
use crate::preview::PreviewWatcher;
use crate::storage::{self, CallbackError, SessionStore};
use crate::timer_slot::TimerSlot;
use crate::wire_io::{Feed, WireIo};

/// The plugin's name on the bus.
pub const NAME: &str = "WebChatService";

/// A command waiting for the core to settle it.
struct Call {
    reply: DeferredCell,
    extra: Extra,
}

/// The running plugin.
pub struct Service {
    me: Weak<Service>,
    plugin: PluginHandle,
    app: Rc<App>,
    core: RefCell<WebChat<JsMatcher>>,
    /// Inputs that arrived while the core was borrowed (only if a JS exception abandoned a
    /// borrow): handled by the next `feed`, never dropped.
    backlog: RefCell<Vec<Input>>,
    /// Pending calls in id order; a handful at most, so a `Vec` (no extra map code in the
    /// bundle).
    calls: RefCell<Vec<(CommandId, Call)>>,
    next_call: Cell<u64>,
    timer: TimerSlot,
    io: WireIo,
    /// Chosen by the first configure; cloned out of the cell before any customer callback runs
    /// (its callbacks are JS references, so a clone is cheap).
    store: RefCell<SessionStore>,
    store_chosen: Cell<bool>,
    /// The data of the last `error` published during the current input: deleteSessionData's
    /// `errorData`.
    last_error: RefCell<JsValue>,
    preprocessors: RefCell<Vec<Function>>,
    preview: RefCell<Option<PreviewWatcher>>,
    /// The window's `online`/`offline` listeners (the outbox waits while offline).
    online: RefCell<Option<OnlineWatcher>>,
    /// `_genesys.widgets`, as `App.ready` delivered it.
    widgets: RefCell<JsValue>,
    /// `App::ajax_headers_version` when the core last got the App's AJAX headers: a change is
    /// handed on before the next input, so the next request carries it (a token refresh reaches
    /// a running chat).
    headers_version: Cell<u32>,
    /// The `always` callback of our own configure command, kept until it has run.
    on_configured: RefCell<Option<Closure<dyn FnMut()>>>,
    /// One chat across tabs: this tab's role and its link to the others.
    tabs: tabs::Tabs,
}

/// `Date.now()` as the shim captured it at load time: page code that replaces `Date.now` later
/// (or makes it throw) cannot reach into `feed`.
fn now() -> u64 {
    cxbus_web::host::now() as u64
}

impl Service {
    /// Sets WebChatService up on `plugin` (already registered under [`NAME`]); `app` supplies the
    /// AJAX header. The bus keeps only weak references: the caller owns the returned service.
    pub fn install(plugin: PluginHandle, app: Rc<App>) -> Rc<Service> {
        let service = Rc::new_cyclic(|me: &Weak<Service>| {
            let weak = me.clone();
            let timer = TimerSlot::new(move || {
                if let Some(s) = weak.upgrade() {
                    s.feed(Input::Timeout);
                }
            });
            Service {
                me: me.clone(),
                plugin,
                app,
                core: RefCell::new(WebChat::new(JsMatcher)),
                backlog: RefCell::new(Vec::new()),
                calls: RefCell::new(Vec::new()),
                next_call: Cell::new(1),
                timer,
                io: WireIo::default(),
                store: RefCell::new(SessionStore::Local),
                store_chosen: Cell::new(false),
                last_error: RefCell::new(JsValue::UNDEFINED),
                preprocessors: RefCell::new(Vec::new()),
                preview: RefCell::new(None),
                online: RefCell::new(None),
                widgets: RefCell::new(JsValue::UNDEFINED),
                headers_version: Cell::new(0),
                on_configured: RefCell::new(None),
                tabs: tabs::Tabs::default(),
            }
        });
        service.plugin.register_events(&Event::ALL.map(Event::name));
        for name in COMMAND_NAMES {
            service.register(name, access(name, false));
        }
        let weak = service.me.clone();
        let watcher = OnlineWatcher::new(move |online| {
            if let Some(s) = weak.upgrade() {
                s.feed(Input::Online(online));
            }
        });
        *service.online.borrow_mut() = watcher;
        let weak = service.me.clone();
        service.plugin.subscribe("App.ready", move |widgets| {
            if let Some(s) = weak.upgrade() {
                s.app_ready(widgets);
            }
        });
        service
    }

    fn register(&self, name: &'static str, access: Access) {
        let weak = self.me.clone();
        self.plugin.on_command(name, access, move |call| {
            if let Some(s) = weak.upgrade() {
                s.on_call(name, &call.commander, &call.data, call.reply);
            }
        });
    }

    /// `App.ready`: configure ourselves with `_genesys.widgets.webchat`, then become ready.
    fn app_ready(&self, widgets: &JsValue) {
        if self.on_configured.borrow().is_some() {
            return;
        }
        *self.widgets.borrow_mut() = widgets.clone();
        if !self.open_tabs(widgets) {
            self.send_configure();
        }
    }

    /// Sends our own configure command (at `App.ready`, or once the tabs have elected a leader).
    fn send_configure(&self) {
        if self.on_configured.borrow().is_some() {
            return;
        }
        let widgets = self.widgets.borrow().clone();
        let weak = self.me.clone();
        let done = Closure::<dyn FnMut()>::new(move || {
            if let Some(s) = weak.upgrade() {
                s.configured();
            }
        });
        let reply = self.plugin.command("configure", get(&widgets, "webchat"));
        reply.listen(2, done.as_ref());
        *self.on_configured.borrow_mut() = Some(done);
    }

    fn configured(&self) {
        let async_mode = self
            .core
            .try_borrow()
            .ok()
            .and_then(|c| c.capabilities())
            .is_some_and(|c| c.async_mode);
        if async_mode {
            // In async mode customer code restores with its own session data.
            self.register("restore", access("restore", true));
        }
        self.plugin.ready();
        self.plugin.republish("ready", JsValue::UNDEFINED);
        self.tabs_configured();
    }

    /// One bus call of command `name`.
    fn on_call(&self, name: &str, caller: &str, data: &JsValue, reply: DeferredCell) {
        if self.forward_to_leader(name, caller, data, &reply) {
            return;
        }
        // A copy: decoding runs page getters, which may call back into us.
        let widgets = self.widgets.borrow().clone();
        let command = if name == "configure" {
            let stored = self.choose_store(data, &widgets);
            let store = self.store.borrow().clone();
            let outbox = store.load_outbox();
            self.headers_version.set(self.app.ajax_headers_version());
            Ok(Some((
                Command::Configure {
                    webchat: crate::convert::to_json(data).unwrap_or_default(),
                    env: environment(&widgets, self.app.ajax_headers(), stored, outbox),
                },
                Extra::None,
            )))
        } else {
            decode(name, data, &widgets)
        };
        let (command, extra) = match command {
            Ok(Some(decoded)) => decoded,
            Ok(None) => return reply.reject(&["Command does not exist".into()]),
            Err(_) => return reply.reject(&[webchat_core::texts::DATA_REFUSED.into()]),
        };
        let id = CommandId(self.next_call.get());
        self.next_call.set(id.0 + 1);
        self.calls.borrow_mut().push((id, Call { reply, extra }));
        self.feed(Input::Command {
            id,
            caller: caller.to_owned(),
            command,
        });
    }

    /// The first configure picks the session sink and reads what it holds (for async Engage v3,
    /// `setSessionData` runs here); a later configure is rejected by the core and changes nothing.
    fn choose_store(&self, webchat: &JsValue, widgets: &JsValue) -> Option<webchat_core::Json> {
        if self.store_chosen.replace(true) {
            return None;
        }
        let store = SessionStore::for_config(webchat, widgets);
        *self.store.borrow_mut() = store.clone();
        if self.following() {
            // The leading tab runs the chat kept there.
            return None;
        }
        store.load().unwrap_or_else(|e| {
            self.callback_failed(e);
            None
        })
    }

    /// A customer callback is missing or threw: published as `error`, and the plugin goes on.
    #[cfg(feature = "v3")]
    fn callback_failed(&self, error: CallbackError) {
        let payload = webchat_core::json!({ "message": error.0 });
        self.plugin.publish("error", to_js(&payload));
    }

    /// Without Engage v3 no customer callback exists to fail.
    #[cfg(not(feature = "v3"))]
    fn callback_failed(&self, error: CallbackError) {
        match error {}
    }

    /// Runs one input through the core and carries out its effects, in order. The core is
    /// borrowed only inside `WebChat::handle`, which calls no page code; an input that finds it
    /// borrowed anyway waits in the backlog for the next feed instead of being lost.
    fn feed(&self, input: Input) {
        self.refresh_headers();
        self.backlog.borrow_mut().push(input);
        loop {
            let next = {
                let mut backlog = self.backlog.borrow_mut();
                (!backlog.is_empty()).then(|| backlog.remove(0))
            };
            let Some(input) = next else { break };
            let at = now();
            let effects = match self.core.try_borrow_mut() {
                Ok(mut core) => core.handle(input, at),
                Err(_) => {
                    self.backlog.borrow_mut().insert(0, input);
                    break;
                }
            };
            for effect in effects {
                self.apply(effect);
            }
        }
        if cfg!(feature = "v3") {
            self.last_error.replace(JsValue::UNDEFINED);
        }
        self.arm_timer();
    }

    /// Hands the core the page's custom headers if `App.updateAJAXHeader`/`removeAJAXHeader`
    /// changed them since it last had them. The merge with `main.header` reads page values, so it
    /// runs before the core is borrowed.
    fn refresh_headers(&self) {
        let version = self.app.ajax_headers_version();
        // Only GMS (REST, and CometD's file calls) sends custom headers: bundles without it
        // carry none of this.
        if !cfg!(any(feature = "gms", feature = "cometd")) || self.headers_version.get() == version
        {
            return;
        }
        let widgets = self.widgets.borrow().clone();
        let merged = custom_headers(&widgets, self.app.ajax_headers());
        if let Ok(mut core) = self.core.try_borrow_mut() {
            core.set_custom_headers(&merged);
            self.headers_version.set(version);
        }
    }

    /// Arms the one timer at the core's next deadline (or disarms it).
    fn arm_timer(&self) {
        if let Ok(core) = self.core.try_borrow() {
            self.timer.set(core.poll_timeout());
        }
    }

    fn apply(&self, effect: Effect) {
        let feed = self.feed_handle();
        let Some(effect) = self
            .io
            .run(effect, &feed, &|cmd, i| self.file(cmd, i), NAME)
        else {
            return;
        };
        match effect {
            Effect::Http { .. } | Effect::Download { .. } | Effect::Socket(_) => {}
            Effect::SaveSession { value } => {
                self.broadcast(tabs::ITEM_RECORD, "record", &to_js(&value));
                let store = self.store.borrow().clone();
                if let Err(e) = store.save(&value) {
                    self.callback_failed(e);
                }
            }
            Effect::SaveOutbox { value } => storage::save_outbox(&value),
            Effect::ClearSession => {
                self.broadcast(tabs::ITEM_RECORD, "record", &JsValue::NULL);
                let store = self.store.borrow().clone();
                let error_data = if cfg!(feature = "v3") {
                    self.last_error.replace(JsValue::UNDEFINED)
                } else {
                    JsValue::UNDEFINED
                };
                if let Err(e) = store.clear(&error_data) {
                    self.callback_failed(e);
                }
            }
            Effect::Publish { event, payload } => {
                let mut payload = to_js(&payload);
                if matches!(event, Event::Error | Event::CallFailed) {
                    // An AJAX error may echo the session's keys; every subscriber sees this.
                    payload = host::without_secrets(&payload);
                }
                self.broadcast(0, event.name(), &payload);
                if cfg!(feature = "v3") && event == Event::Error {
                    *self.last_error.borrow_mut() = payload.clone();
                }
                self.plugin.publish(event.name(), payload);
            }
            Effect::PublishMessages { payload } => {
                let payload = to_js(&payload);
                // Before the preprocessors: each tab applies its own.
                self.broadcast(1, "messageReceived", &payload);
                self.preprocess(&get(&payload, "messages"));
                self.plugin.publish("messageReceived", payload);
            }
            Effect::SetData { key, value } => {
                let value = to_js(&value);
                self.broadcast(2, key, &value);
                self.plugin.set_data(key, value);
            }
            Effect::KeepPreprocessor(id) => {
                if let Some(f) = self.function_of(id) {
                    self.preprocessors.borrow_mut().push(f);
                }
            }
            Effect::WatchPreviewInput(id) => self.watch(id),
            Effect::Resolve { id, reply } => self.settle(id, reply, true),
            Effect::Reject { id, reply } => self.settle(id, reply, false),
        }
    }

    /// Feeds inputs back to this service while it exists.
    fn feed_handle(&self) -> Feed {
        let weak = self.me.clone();
        Rc::new(move |input| {
            if let Some(s) = weak.upgrade() {
                s.feed(input);
            }
        })
    }

    /// The live values kept with pending call `id`.
    fn extra_of(&self, id: CommandId) -> Option<std::cell::Ref<'_, Extra>> {
        std::cell::Ref::filter_map(self.calls.borrow(), |calls| {
            calls.iter().find(|(i, _)| *i == id).map(|(_, c)| &c.extra)
        })
        .ok()
    }

    fn file(&self, cmd: CommandId, index: usize) -> Option<File> {
        match self.extra_of(cmd).as_deref() {
            Some(Extra::Files(files)) => files.get(index).cloned(),
            _ => None,
        }
    }

    fn function_of(&self, id: CommandId) -> Option<Function> {
        match self.extra_of(id).as_deref() {
            Some(Extra::Function(f)) => Some(f.clone()),
            _ => None,
        }
    }

    fn watch(&self, id: CommandId) {
        let element = match self.extra_of(id).as_deref() {
            Some(Extra::Input(el)) => el.clone(),
            _ => return,
        };
        let weak = self.me.clone();
        let watcher = PreviewWatcher::new(element, move |text| {
            if let Some(s) = weak.upgrade() {
                s.preview_key(text);
            }
        });
        // The previous watcher (if any) is dropped after the borrow ends.
        let old = self.preview.replace(Some(watcher));
        drop(old);
    }

    /// Replaces each message with what every preprocessor returns for it, in registration
    /// order. A preprocessor that throws or returns a non-object leaves the message as it was.
    fn preprocess(&self, messages: &JsValue) {
        let preprocessors = self.preprocessors.borrow().clone();
        // Not `dyn_ref::<Array>()`: that calls `Array.isArray` unguarded, and a page may have
        // made it throw. Not `Array::from` either: that is JS `Array.from`, a copy.
        if preprocessors.is_empty() || !cxbus_web::safe::is_array(messages) {
            return;
        }
        let messages: &Array = messages.unchecked_ref();
        for i in 0..messages.length() {
            let mut message = messages.get(i);
            for f in &preprocessors {
                match f.call1(&JsValue::UNDEFINED, &message) {
                    Ok(v) if v.is_object() => message = v,
                    Ok(_) => {}
                    Err(e) => host::report("a WebChatService preprocessor threw", &e),
                }
            }
            messages.set(i, message);
        }
    }

    fn settle(&self, id: CommandId, reply: Reply, resolved: bool) {
        let call = {
            let mut calls = self.calls.borrow_mut();
            match calls.iter().position(|(i, _)| *i == id) {
                Some(at) => calls.remove(at).1,
                None => return,
            }
        };
        let args: Vec<JsValue> = match reply {
            Reply::Undefined => Vec::new(),
            Reply::Json(v) => vec![to_js(&v)],
            Reply::RegisteredPreprocessor => match call.extra {
                Extra::Function(ref f) => vec![f.into()],
                _ => Vec::new(),
            },
            Reply::Prefilters(patterns) => vec![regexp_array(&patterns).into()],
        };
        if resolved {
            call.reply.resolve(&args);
        } else {
            call.reply.reject(&args);
        }
    }
}

/// Who may call `name`: `poll` only WebChatService itself; `restore` too outside async mode.
fn access(name: &str, async_mode: bool) -> Access {
    match name {
        "poll" => Access::Private {
            qualifier: String::new(),
        },
        "restore" if !async_mode => Access::Private {
            qualifier: " in Non-Async mode".into(),
        },
        _ => Access::Public,
    }
}
