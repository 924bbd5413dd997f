//! The Chat Service JS API's thin web layer: [`ChatServiceSession`] is one API session, created
//! by the shim's `startSession`/`restoreSession` (`bus-shim/src/chat-service.js`), which builds
//! the customer-facing promise and session objects around it.
//!
//! It owns a `webchat_core::chat_api::ChatApi` (WebChatService's machine and session underneath)
//! and carries out its effects: IO through the same [`WireIo`] as WebChatService, the state
//! through the page's `stateStorage` or our built-in `localStorage` one, and everything the page
//! sees through one `sink(kind, a, b)` function of the shim: `("done" | "fail", call, value)`,
//! `("event", "onMessageReceived", event)`, `("log", line)`. As in `service.rs`, the core is
//! borrowed only inside its calls, never while JavaScript runs.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use cxbus_web::host;
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use webchat_core::chat_api::events::Callback;
use webchat_core::chat_api::options::LiveOptions;
use webchat_core::chat_api::{ApiEffect, ChatApi};
use webchat_core::{Environment, Input, Json};

use crate::convert::{get, to_js, to_json};
use crate::matcher::JsMatcher;
use crate::page::page_info;
use crate::storage;
use crate::timer_slot::TimerSlot;
use crate::wire_io::{Feed, WireIo};

/// The built-in state storage's `localStorage` key (WebChatService's is a different one).
pub const STATE_KEY: &str = "widgets-rs.chatService.state";

/// Who the console reports name.
const WHO: &str = "The Chat Service JS API";

/// Where the session's state is kept across page loads.
enum StateStore {
    /// The page's `stateStorage` object (`read()`, `write(state | null)`).
    Page(JsValue),
    /// `localStorage` under [`STATE_KEY`].
    BuiltIn,
}

impl StateStore {
    fn read(&self) -> Option<Json> {
        match self {
            Self::BuiltIn => storage::read(STATE_KEY),
            Self::Page(object) => {
                let read = get(object, "read").dyn_into::<Function>().ok()?;
                match read.call0(object) {
                    Ok(v) if v.is_undefined() || v.is_null() => None,
                    // A state too deep or too large to read is no state.
                    Ok(v) => to_json(&v).ok(),
                    Err(_) => {
                        host::report(WHO, &JsValue::from_str("stateStorage.read() threw"));
                        None
                    }
                }
            }
        }
    }

    fn write(&self, state: &Json) {
        match self {
            Self::BuiltIn if state.is_null() => storage::remove(STATE_KEY),
            Self::BuiltIn => storage::write(STATE_KEY, state),
            Self::Page(object) => {
                let Ok(write) = get(object, "write").dyn_into::<Function>() else {
                    return;
                };
                let value = if state.is_null() {
                    JsValue::NULL
                } else {
                    to_js(state)
                };
                if write.call1(object, &value).is_err() {
                    host::report(WHO, &JsValue::from_str("stateStorage.write() threw"));
                }
            }
        }
    }
}

/// `None` for `undefined`/`null`, else whether `check` holds.
fn presence(value: &JsValue, check: impl FnOnce(&JsValue) -> bool) -> Option<bool> {
    (!value.is_undefined() && !value.is_null()).then(|| check(value))
}

fn is_function(value: &JsValue) -> bool {
    value.is_function()
}

struct Driver {
    me: Weak<Driver>,
    core: RefCell<ChatApi<JsMatcher>>,
    sink: Function,
    store: StateStore,
    io: WireIo,
    timer: TimerSlot,
    /// The `pagehide` listener, kept alive while the session is.
    on_hide: RefCell<Option<Closure<dyn FnMut()>>>,
}

fn now() -> u64 {
    js_sys::Date::now() as u64
}

impl Driver {
    fn new(sink: Function, store: StateStore) -> Rc<Driver> {
        Rc::new_cyclic(|me: &Weak<Driver>| {
            let weak = me.clone();
            let timer = TimerSlot::new(move || {
                if let Some(d) = weak.upgrade() {
                    d.feed(Input::Timeout);
                }
            });
            Driver {
                me: me.clone(),
                core: RefCell::new(ChatApi::new(JsMatcher)),
                sink,
                store,
                io: WireIo::default(),
                timer,
                on_hide: RefCell::new(None),
            }
        })
    }

    /// Runs `f` on the core (never re-entered: JavaScript only runs in [`Driver::apply`]),
    /// then carries out its effects.
    fn with_core(&self, f: impl FnOnce(&mut ChatApi<JsMatcher>) -> Vec<ApiEffect>) {
        let effects = match self.core.try_borrow_mut() {
            Ok(mut core) => f(&mut core),
            Err(_) => return,
        };
        self.apply(effects);
    }

    fn feed(&self, input: Input) {
        self.with_core(|core| core.feed(input, now()));
    }

    fn feed_handle(&self) -> Feed {
        let weak = self.me.clone();
        Rc::new(move |input| {
            if let Some(d) = weak.upgrade() {
                d.feed(input);
            }
        })
    }

    fn emit(&self, kind: &str, a: &JsValue, b: &JsValue) {
        // The shim's sink guards every customer callback itself.
        let _ = self
            .sink
            .call3(&JsValue::UNDEFINED, &host::name(kind), a, b);
    }

    fn apply(&self, effects: Vec<ApiEffect>) {
        for effect in effects {
            match effect {
                ApiEffect::Io(effect) => {
                    let feed = self.feed_handle();
                    let _ = self.io.run(effect, &feed, &|_, _| None, WHO);
                }
                ApiEffect::WriteState(state) => self.store.write(&state),
                ApiEffect::Callback { callback, event } => {
                    self.emit("event", &host::name(callback.name()), &to_js(&event));
                }
                ApiEffect::Settle { call, ok, value } => {
                    let kind = if ok { "done" } else { "fail" };
                    self.emit(kind, &JsValue::from_f64(call as f64), &to_js(&value));
                }
                ApiEffect::Log(line) => {
                    self.emit("log", &JsValue::from_str(&line), &JsValue::UNDEFINED);
                }
            }
        }
        self.arm_timer();
    }

    /// Arms the one timer at the core's next deadline (or disarms it).
    fn arm_timer(&self) {
        if let Ok(core) = self.core.try_borrow() {
            self.timer.set(core.poll_timeout());
        }
    }

    /// Stamps the built-in state when the page goes away (see `ChatApi::page_hidden`).
    fn watch_page_hide(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let weak = self.me.clone();
        let listener = Closure::<dyn FnMut()>::new(move || {
            if let Some(d) = weak.upgrade() {
                d.with_core(|core| core.page_hidden(now()));
            }
        });
        let added =
            window.add_event_listener_with_callback("pagehide", listener.as_ref().unchecked_ref());
        if added.is_ok() {
            *self.on_hide.borrow_mut() = Some(listener);
        }
    }
}

/// One Chat Service JS API session (the shim wraps it in the customer's session object).
#[wasm_bindgen]
pub struct ChatServiceSession {
    driver: Rc<Driver>,
}

#[wasm_bindgen]
impl ChatServiceSession {
    /// `startSession(options)` (`restore` false) or `restoreSession(options)`; the promise is
    /// settled through `sink("done" | "fail", 0, value)`.
    pub fn open(restore: bool, options: JsValue, sink: Function) -> ChatServiceSession {
        let storage = get(&options, "stateStorage");
        let live = LiveOptions {
            state_storage: presence(&storage, |s| {
                is_function(&get(s, "read")) && is_function(&get(s, "write"))
            }),
            logger: presence(&get(&options, "logger"), is_function),
        };
        let store = if live.state_storage == Some(true) {
            StateStore::Page(storage)
        } else {
            StateStore::BuiltIn
        };
        let json = if options.is_undefined() || options.is_null() {
            Json::Null
        } else if options.is_object() {
            // Options too deep or too large to read answer "bad parameter value", as a string does.
            to_json(&options).unwrap_or_else(|_| Json::String(String::new()))
        } else {
            // A string or number: kept as such so the core answers "bad parameter value".
            Json::String(String::new())
        };
        let driver = Driver::new(sink, store);
        // Not WebChatService's stored session: the API keeps its own state.
        let env = Environment::default();
        if restore {
            let stored = if live.state_storage == Some(false) {
                None
            } else {
                driver.store.read()
            };
            driver.with_core(|core| core.restore(&json, live, stored, env, now()));
        } else {
            let widgets = Reflect::get(&js_sys::global(), &"_genesys".into())
                .map(|g| get(&g, "widgets"))
                .unwrap_or_default();
            let page = page_info(&widgets);
            driver.with_core(|core| core.start(&json, live, env, page, now()));
        }
        driver.watch_page_hide();
        ChatServiceSession { driver }
    }

    /// Session command `name` (`sendMessage`, `sendTyping`, `getTranscript`, `leave`,
    /// `setUserData`, `getUserData`, `deleteUserData`) with its argument; settled through
    /// `sink("done" | "fail", call, value)`.
    pub fn command(&self, call: f64, name: &str, arg: JsValue) {
        // An argument too deep or too large to read is a value of the wrong type: code 3.
        let arg = to_json(&arg).unwrap_or(Json::Bool(false));
        let call = if call.is_finite() && call >= 1.0 {
            call as u64
        } else {
            return;
        };
        self.driver
            .with_core(|core| core.command(call, name, &arg, now()));
    }

    /// A callback was registered for `name` (`onMessageReceived`, ...): restored events are
    /// played back to it now.
    pub fn listen(&self, name: &str) {
        if let Some(callback) = Callback::named(name) {
            self.driver.with_core(|core| core.listen(callback));
        }
    }

    /// `isAgentConnected()`.
    #[wasm_bindgen(js_name = isAgentConnected)]
    pub fn is_agent_connected(&self) -> bool {
        self.driver
            .core
            .try_borrow()
            .is_ok_and(|core| core.is_agent_connected())
    }
}
