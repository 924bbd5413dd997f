//! One chat across tabs: the service's side of the link that `tabs.js` keeps between the tabs
//! of a site (leader election, the `BroadcastChannel` protocol, the leader's log).
//!
//! - **Leader.** Runs the chat as a single tab does. Every event, messageReceived and data change
//!   it publishes is also broadcast (`broadcast`, called by `Service::apply` before page code
//!   sees the payload), and commands forwarded by followers run through `on_call` as if they
//!   were its own (`run_forwarded`); their outcome goes back through `tabs.js`.
//! - **Follower.** Configures without restoring (the leader runs the chat), publishes what the
//!   leader broadcasts from its own WebChatService (`mirror`: same names, same data, its own
//!   preprocessors), and forwards every command except the tab-local ones ([`LOCAL`]) to the
//!   leader (`forward_to_leader`), settling the caller's promise with the leader's answer.
//! - **Takeover.** When the follower gets the lock, it feeds `Input::TakeOver` with the record
//!   from storage (or, where storage holds none, the one the leader last broadcast) and the
//!   messages it published, and leads from then on.
//!
//! Everything from the channel was checked for shape in `tabs.js`; here names are matched
//! against the known events, data keys and commands, and event data goes through
//! `convert::to_json` (bounded) before it is published.

use std::cell::{Cell, RefCell};

use cxbus_web::{Access, DeferredCell};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use webchat_core::{
    COMMAND_NAMES, Command, CommandId, Effect, Event, Input, Json, PreviewInput, texts,
};

use super::Service;
use crate::commands::{Extra, decode};
use crate::convert::{get, to_json};

#[wasm_bindgen(module = "/src/service/tabs.js")]
extern "C" {
    /// The object `openTabs` returns.
    type Link;
    #[wasm_bindgen(catch, js_name = openTabs)]
    fn open_tabs(webchat: &JsValue, handler: &Function) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn publish(this: &Link, kind: u8, name: &str, data: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn key(this: &Link, text: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch)]
    fn forward(
        this: &Link,
        id: u32,
        name: &str,
        caller: &str,
        data: &JsValue,
    ) -> Result<bool, JsValue>;
}

/// Commands a follower runs itself: they hold live values of its own page (a function, an
/// input element) or configure its own service.
const LOCAL: [&str; 3] = [
    "configure",
    "registerPreProcessor",
    "registerTypingPreviewInput",
];

/// Item kinds on the channel (`tabs.js`).
const ITEM_EVENT: u8 = 0;
const ITEM_MESSAGES: u8 = 1;
const ITEM_DATA: u8 = 2;
/// The session record the leader saved (`null` once cleared): kept by `tabs.js`, not published.
pub(super) const ITEM_RECORD: u8 = 3;

/// This tab's part.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Role {
    /// No tabs (turned off, async mode, or no `BroadcastChannel`): today's one chat per tab.
    #[default]
    Solo,
    /// Waiting for the election; configure waits too.
    Pending,
    Leader,
    Follower,
}

/// A takeover waiting for configure: the messages seen, the leader's record, quiet.
type Stashed = (Vec<Json>, Option<Json>, bool);

type Handler = Closure<dyn Fn(u8, JsValue, JsValue, JsValue) -> JsValue>;

/// The service's tab state.
#[derive(Default)]
pub(super) struct Tabs {
    /// The object `openTabs` returned (a [`Link`]).
    link: RefCell<Option<JsValue>>,
    handler: RefCell<Option<Handler>>,
    role: Cell<Role>,
    /// Commands passed to the leader and not answered yet, by id.
    forwards: RefCell<Vec<(u32, DeferredCell)>>,
    next: Cell<u32>,
    configured: Cell<bool>,
    /// The leader stands in for a follower's typing-preview input (`remote_key`).
    remote_preview: Cell<bool>,
    /// A takeover that came before configure finished: the messages and record it carries, and
    /// whether it is quiet.
    stashed: RefCell<Option<Stashed>>,
}

impl Service {
    /// `App.ready`: opens the link to the other tabs. `true` when configure must wait for the
    /// election (the link calls back with the role).
    pub(super) fn open_tabs(&self, widgets: &JsValue) -> bool {
        let weak = self.me.clone();
        let handler: Handler = Closure::new(move |kind, a, b, c| {
            weak.upgrade()
                .map_or(JsValue::UNDEFINED, |s| s.on_tabs(kind, a, b, c))
        });
        if self.tabs.role.get() != Role::Solo {
            return true;
        }
        let link = open_tabs(&get(widgets, "webchat"), handler.as_ref().unchecked_ref());
        let Some(link) = link.ok().filter(JsValue::is_object) else {
            return false;
        };
        *self.tabs.link.borrow_mut() = Some(link);
        *self.tabs.handler.borrow_mut() = Some(handler);
        self.tabs.role.set(Role::Pending);
        true
    }

    /// Whether this tab follows another (configure then reads no stored chat).
    pub(super) fn following(&self) -> bool {
        self.tabs.role.get() == Role::Follower
    }

    /// A key in this page's typing-preview input: typing runs in the leader.
    pub(super) fn preview_key(&self, text: String) {
        let link = self.tabs.link.borrow().clone();
        match link {
            Some(link) if self.following() => {
                let _ = link.unchecked_ref::<Link>().key(&text);
            }
            _ => self.feed(Input::PreviewKey { text }),
        }
    }

    /// The leader: a key in a follower's typing-preview input. The machine sends typing only for
    /// a registered input, so the first one registers a stand-in (no element is watched here).
    fn remote_key(&self, text: &JsValue) {
        let Some(text) = text.as_string() else { return };
        if self.tabs.role.get() != Role::Leader {
            return;
        }
        if !self.tabs.remote_preview.replace(true) {
            let id = CommandId(self.next_call.get());
            self.next_call.set(id.0.wrapping_add(1));
            self.feed(Input::Command {
                id,
                caller: super::NAME.into(),
                command: Command::RegisterTypingPreviewInput(PreviewInput::TextField),
            });
        }
        self.feed(Input::PreviewKey { text });
    }

    /// Configure finished: a takeover that was waiting for it runs now.
    pub(super) fn tabs_configured(&self) {
        self.tabs.configured.set(true);
        let stashed = self.tabs.stashed.borrow_mut().take();
        if let Some((seen, record, quiet)) = stashed {
            self.take_over(seen, record, quiet);
        }
    }

    fn on_tabs(&self, kind: u8, a: JsValue, b: JsValue, c: JsValue) -> JsValue {
        match kind {
            1 | 2 => {
                let was = self.tabs.role.replace(if kind == 1 {
                    Role::Leader
                } else {
                    Role::Follower
                });
                if was == Role::Pending {
                    self.send_configure();
                } else if kind == 1 && a.is_truthy() {
                    // 1: a quiet takeover; 2: this tab never saw the chat.
                    let quiet = a.as_f64() != Some(2.0);
                    let seen = to_json(&b)
                        .ok()
                        .and_then(|j| j.as_array().cloned())
                        .unwrap_or_default();
                    let record = to_json(&c).ok().filter(|r| !r.is_null());
                    if self.tabs.configured.get() {
                        self.take_over(seen, record, quiet);
                    } else {
                        *self.tabs.stashed.borrow_mut() = Some((seen, record, quiet));
                    }
                }
            }
            3 => self.mirror(&a, &b, &c),
            4 => return self.run_forwarded(&a, &b, &c),
            5 => self.settle_forwarded(&a, &b, &c),
            6 => self.tick(),
            7 => self.remote_key(&a),
            _ => {}
        }
        JsValue::UNDEFINED
    }

    /// The leader, hidden and throttled: a visible follower's tick runs a deadline that is due.
    fn tick(&self) {
        let due = self.core.try_borrow().ok().and_then(|c| c.poll_timeout());
        if self.tabs.role.get() == Role::Leader && due.is_some_and(|at| at <= super::now()) {
            self.feed(Input::Timeout);
        }
    }

    fn take_over(&self, seen: Vec<Json>, record: Option<Json>, quiet: bool) {
        let store = self.store.borrow().clone();
        let stored = store.load().ok().flatten().or(record);
        self.feed(Input::TakeOver {
            stored,
            seen,
            quiet,
        });
    }

    /// The leader: passes one published item to the followers.
    pub(super) fn broadcast(&self, kind: u8, name: &str, data: &JsValue) {
        if self.tabs.role.get() != Role::Leader {
            return;
        }
        let link = self.tabs.link.borrow().clone();
        if let Some(link) = link {
            let _ = link.unchecked_ref::<Link>().publish(kind, name, data);
        }
    }

    /// A follower: publishes what the leader published, through the same effects.
    fn mirror(&self, kind: &JsValue, name: &JsValue, data: &JsValue) {
        if self.tabs.role.get() != Role::Follower {
            return;
        }
        let (Some(kind), Some(name)) = (kind.as_f64(), name.as_string()) else {
            return;
        };
        let Ok(payload) = to_json(data) else { return };
        let effect = match kind as u8 {
            ITEM_EVENT => match Event::ALL.into_iter().find(|e| e.name() == name) {
                Some(event) => Effect::Publish { event, payload },
                None => return,
            },
            ITEM_MESSAGES if name == "messageReceived" && payload.is_object() => {
                Effect::PublishMessages { payload }
            }
            ITEM_DATA => match name.as_str() {
                "sessionActive" => Effect::SetData {
                    key: "sessionActive",
                    value: payload,
                },
                "userData" => Effect::SetData {
                    key: "userData",
                    value: payload,
                },
                _ => return,
            },
            _ => return,
        };
        self.apply(effect);
    }

    /// The leader: runs a command a follower forwarded; its deferred goes back to `tabs.js`.
    fn run_forwarded(&self, name: &JsValue, caller: &JsValue, data: &JsValue) -> JsValue {
        let cell = DeferredCell::new();
        let name = name
            .as_string()
            .and_then(|n| COMMAND_NAMES.into_iter().find(|c| *c == n))
            // A private command is never forwarded (the follower's bus refused every caller but
            // its own WebChatService, which never calls them), so a forwarded one came from
            // something else. Which ones are private is decided in one place, `access`.
            .filter(|n| !LOCAL.contains(n) && super::access(n, false) == Access::Public);
        match (name, caller.as_string()) {
            (Some(name), Some(caller)) if self.tabs.role.get() == Role::Leader => {
                self.on_call(name, &caller, data, cell.clone());
            }
            _ => cell.reject(&["Command does not exist".into()]),
        }
        cell.into()
    }

    /// A follower: passes command `name` to the leader instead of running it. `false` when
    /// this tab runs it itself.
    pub(super) fn forward_to_leader(
        &self,
        name: &str,
        caller: &str,
        data: &JsValue,
        reply: &DeferredCell,
    ) -> bool {
        if self.tabs.role.get() != Role::Follower || LOCAL.contains(&name) {
            return false;
        }
        let Some(link) = self.tabs.link.borrow().clone() else {
            return false;
        };
        let data = if name == "sendFile" {
            files_only(data, &self.widgets.borrow().clone())
        } else {
            data.clone()
        };
        let id = self.tabs.next.get();
        self.tabs.next.set(id.wrapping_add(1));
        self.tabs.forwards.borrow_mut().push((id, reply.clone()));
        let link: &Link = link.unchecked_ref();
        if !matches!(link.forward(id, name, caller, &data), Ok(true)) {
            self.settle_forwarded(&id.into(), &JsValue::UNDEFINED, &JsValue::UNDEFINED);
        }
        true
    }

    /// A follower: the leader's answer to forward `id` (`state` 1 resolved, 2 rejected, 3 the
    /// leader closed first, else the data or answer could not be passed).
    fn settle_forwarded(&self, id: &JsValue, state: &JsValue, args: &JsValue) {
        let Some(id) = id.as_f64().map(|f| f as u32) else {
            return;
        };
        let cell = {
            let mut forwards = self.tabs.forwards.borrow_mut();
            match forwards.iter().position(|(i, _)| *i == id) {
                Some(at) => forwards.remove(at).1,
                None => return,
            }
        };
        match state.as_f64().map(|f| f as u8) {
            Some(s @ (1 | 2)) => {
                cell.settle(s, args, JsValue::UNDEFINED);
            }
            Some(3) => cell.reject(&[texts::TAB_LEADER_CLOSED.into()]),
            _ => cell.reject(&[texts::TAB_DATA_NOT_CLONEABLE.into()]),
        }
    }
}

/// sendFile's data as the leader can take it: `{files: [File, ...]}` (a file input element,
/// which cannot cross tabs, is read here).
fn files_only(data: &JsValue, widgets: &JsValue) -> JsValue {
    let files: Array = match decode("sendFile", data, widgets) {
        Ok(Some((_, Extra::Files(files)))) if !files.is_empty() => files.into_iter().collect(),
        _ => return Object::new().into(),
    };
    let out = Object::new();
    let _ = Reflect::set(&out, &"files".into(), &files);
    out.into()
}
