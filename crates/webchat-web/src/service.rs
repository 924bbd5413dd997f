//! The WebChatService plugin: bus commands in, the core's effects out.
//!
//! [`Service`] owns the core behind a `RefCell` that is borrowed only for the duration of
//! [`WebChat::handle`]. Effects run afterwards with no borrow held, so customer code they call
//! (promise callbacks, preprocessors) may send commands or type into the watched input freely.
//! After each input the one timer slot is armed at the core's next deadline. The session's one
//! WebSocket is a [`Socket`] handle owned here; replacing or dropping it detaches its listeners.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use cxbus_web::{Access, App, DeferredCell, PluginHandle, host};
use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use web_sys::File;
use webchat_core::{
    COMMAND_NAMES, Command, CommandId, Effect, Event, Input, Reply, RequestId, SocketAction,
    SocketEvent, WebChat,
};

use crate::commands::{Extra, decode};
use crate::convert::{get, to_js};
use crate::fetch;
use crate::matcher::{JsMatcher, regexp_array};
use crate::page::environment;
use crate::preview::PreviewWatcher;
use crate::socket::Socket;
use crate::storage::SessionStore;
use crate::timer_slot::TimerSlot;

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
    socket: RefCell<Option<Rc<Socket>>>,
    store: SessionStore,
    preprocessors: RefCell<Vec<Function>>,
    preview: RefCell<Option<PreviewWatcher>>,
    /// `_genesys.widgets`, as `App.ready` delivered it.
    widgets: RefCell<JsValue>,
    /// The `always` callback of our own configure command, kept until it has run.
    on_configured: RefCell<Option<Closure<dyn FnMut()>>>,
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
                socket: RefCell::new(None),
                store: SessionStore::default(),
                preprocessors: RefCell::new(Vec::new()),
                preview: RefCell::new(None),
                widgets: RefCell::new(JsValue::UNDEFINED),
                on_configured: RefCell::new(None),
            }
        });
        service.plugin.register_events(&Event::ALL.map(Event::name));
        for name in COMMAND_NAMES {
            service.register(name, access(name, false));
        }
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
        let weak = self.me.clone();
        let done = Closure::<dyn FnMut()>::new(move || {
            if let Some(s) = weak.upgrade() {
                s.configured();
            }
        });
        let reply = self.plugin.command("configure", get(widgets, "webchat"));
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
    }

    /// One bus call of command `name`.
    fn on_call(&self, name: &str, caller: &str, data: &JsValue, reply: DeferredCell) {
        // A copy: decoding runs page getters, which may call back into us.
        let widgets = self.widgets.borrow().clone();
        let command = if name == "configure" {
            Ok(Some((
                Command::Configure {
                    webchat: crate::convert::to_json(data).unwrap_or_default(),
                    env: environment(&widgets, self.app.ajax_headers()),
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

    /// Runs one input through the core and carries out its effects, in order. The core is
    /// borrowed only inside `WebChat::handle`, which calls no page code; an input that finds it
    /// borrowed anyway waits in the backlog for the next feed instead of being lost.
    fn feed(&self, input: Input) {
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
        self.arm_timer();
    }

    /// Arms the one timer at the core's next deadline (or disarms it).
    fn arm_timer(&self) {
        let deadline = match self.core.try_borrow() {
            Ok(core) => core.poll_timeout(),
            Err(_) => return,
        };
        match deadline {
            Some(at) => self.timer.arm(at),
            None => self.timer.disarm(),
        }
    }

    /// Sends a text frame on the open socket, if there is one.
    fn send_frame(&self, text: &str) {
        let socket = self.socket.borrow().clone();
        if let Some(socket) = socket {
            socket.send(text);
        }
    }

    fn socket(&self, action: SocketAction) {
        match action {
            SocketAction::Open { url } => {
                // The old handle is dropped (listeners detached, closed) outside the borrow.
                let old = self.socket.replace(None);
                drop(old);
                let weak = self.me.clone();
                let opened = Socket::open(&url, move |event| {
                    if let Some(s) = weak.upgrade() {
                        s.feed(Input::Socket(event));
                    }
                });
                match opened {
                    Ok(socket) => *self.socket.borrow_mut() = Some(Rc::new(socket)),
                    Err(_) => {
                        // Not the error itself: its message quotes the URL, whose query may
                        // hold the session's token.
                        host::report(
                            "WebChatService could not open its WebSocket:",
                            &JsValue::from_str("new WebSocket() threw"),
                        );
                        self.feed(Input::Socket(SocketEvent::Closed { code: 1006 }));
                    }
                }
            }
            SocketAction::Send(text) => self.send_frame(&text),
            SocketAction::SendJson(value) => self.send_frame(&crate::convert::stringify(&value)),
            SocketAction::Close => {
                let old = self.socket.replace(None);
                drop(old);
            }
        }
    }

    fn apply(&self, effect: Effect) {
        match effect {
            Effect::Http { id, request } => {
                let prepared = fetch::prepare(&request, &|cmd, i| self.file(cmd, i));
                let weak = self.me.clone();
                fetch::send(prepared, move |outcome| answer(&weak, id, outcome));
            }
            Effect::Download {
                id,
                request,
                file_name,
            } => {
                let prepared = fetch::prepare(&request, &|_, _| None);
                let weak = self.me.clone();
                fetch::download(prepared, file_name, move |outcome| {
                    answer(&weak, id, outcome);
                });
            }
            Effect::Socket(action) => self.socket(action),
            Effect::SaveSession { value } => self.store.save(&value),
            Effect::ClearSession => self.store.clear(),
            Effect::Publish { event, payload } => {
                self.plugin.publish(event.name(), to_js(&payload));
            }
            Effect::PublishMessages { payload } => {
                let payload = to_js(&payload);
                self.preprocess(&get(&payload, "messages"));
                self.plugin.publish("messageReceived", payload);
            }
            Effect::SetData { key, value } => self.plugin.set_data(key, to_js(&value)),
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
                s.feed(Input::PreviewKey { text });
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
        // `dyn_ref`, not `Array::from`: the latter is JS `Array.from`, a copy.
        let Some(messages) = messages
            .dyn_ref::<Array>()
            .filter(|_| !preprocessors.is_empty())
        else {
            return;
        };
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

/// Feeds a request's outcome back, if the service still exists.
fn answer(weak: &Weak<Service>, id: RequestId, outcome: webchat_core::HttpOutcome) {
    if let Some(s) = weak.upgrade() {
        s.feed(Input::Http { id, outcome });
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
