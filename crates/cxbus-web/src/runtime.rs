//! The running bus: the core behind a `RefCell`, the task pump, debug logging and the live
//! registry object. Both the JavaScript facade (`crate::exports`) and the built-in Rust plugins
//! (`crate::plugin`) go through [`Shared`], so a command takes one path whoever sends it.
//!
//! The borrow rule: the cells here are private, and every method takes what it needs out of
//! them and drops the borrow before it calls into JavaScript (hooks, handlers, `String()`
//! on data values, `pluginMap` reads), so page code may re-enter the bus from anywhere.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use cxbus_core::{Access, Bus, DataLabel, PluginId, Rejection, Sent, Task, names};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::callback::{Callback, CommandCall, Web};
use crate::deferred::DeferredCell;
use crate::host;
use crate::loader::Loader;

/// Options set by `CXBus.configure` and the App.
#[derive(Default, Clone)]
pub struct Config {
    /// Debug logging on.
    pub debug: bool,
    /// Where plugin files are loaded from (may be empty: relative to the page).
    pub plugins_path: String,
    /// `pluginMap`: plugin name (as spelt, or lower-case) → file, or `false` to block loading.
    pub plugin_map: Option<Object>,
}

/// The runtime state shared by everything on the page.
pub struct Shared {
    /// The pure bus; borrowed only by the methods below, never across a call into JavaScript.
    bus: RefCell<Bus<Web>>,
    /// Options; read as a snapshot ([`Shared::config`]).
    config: RefCell<Config>,
    /// Plugin and module loading.
    pub loader: Loader,
    /// `registry()`: one live object, updated on every registration.
    registry: Object,
    /// Each plugin's live data map, by plugin id (see [`Shared::data_map`]).
    data_maps: RefCell<Vec<(PluginId, Object)>>,
    /// Each plugin's name as a JS string, by plugin id (see [`Shared::js_name`]).
    js_names: RefCell<Vec<(PluginId, JsValue)>>,
    scheduled: Cell<bool>,
}

/// How a plugin publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishMode {
    /// `publish`: not retained, logged.
    Publish,
    /// `republish`: retained for late subscribers.
    Republish,
    /// `publishDirect`: not retained, quiet in the log.
    Direct,
}

impl Shared {
    /// A runtime with the `CXBus` pseudo-plugin registered.
    pub fn new(registry: Object) -> Rc<Shared> {
        let shared = Rc::new(Shared {
            bus: RefCell::new(Bus::new()),
            config: RefCell::new(Config::default()),
            loader: Loader::default(),
            registry,
            data_maps: RefCell::new(Vec::new()),
            js_names: RefCell::new(Vec::new()),
            scheduled: Cell::new(false),
        });
        let _ = shared.register("CXBus");
        shared
    }

    /// A copy of the options, to use with no borrow held.
    pub fn config(&self) -> Config {
        self.config.borrow().clone()
    }

    /// Whether debug logging is on.
    pub fn debug_on(&self) -> bool {
        self.config.borrow().debug
    }

    /// Switches debug logging.
    pub fn set_debug(&self, on: bool) {
        self.config.borrow_mut().debug = on;
    }

    /// `CXBus.configure(options)`: the options are read (which may run page getters) before the
    /// stored ones are touched.
    pub fn configure(&self, options: &JsValue) {
        let update = crate::loader::ConfigUpdate::read(options);
        update.apply(&mut self.config.borrow_mut());
    }

    /// The id of the plugin registered under exactly `name`.
    pub fn plugin(&self, name: &str) -> Option<PluginId> {
        self.bus.borrow().plugin(name)
    }

    /// Logs a debug line when debug is on.
    pub fn debug(&self, line: impl FnOnce() -> String) {
        if self.debug_on() {
            let line = line();
            host::with(|h| h.log(&line));
        }
    }

    /// Asks the shim for a drain if work is queued and none is asked for yet.
    pub fn drain_soon(&self) {
        if !self.scheduled.get() && self.bus.borrow().has_tasks() {
            self.scheduled.set(true);
            host::with(|h| h.schedule());
        }
    }

    // ----- plugins -------------------------------------------------------------------------

    /// Registers a plugin; `None` (and a debug line saying why) when refused.
    pub fn register(&self, name: &str) -> Option<PluginId> {
        let result = self.bus.borrow_mut().register(name);
        match result {
            Ok(id) => {
                self.js_names
                    .borrow_mut()
                    .push((id, JsValue::from_str(name)));
                self.debug(|| ["New Plugin Registered ", name].concat());
                host::with(|h| {
                    h.record(
                        &host::name("register"),
                        &host::name(name),
                        &JsValue::UNDEFINED,
                        false,
                    )
                });
                self.refresh_registry(id);
                Some(id)
            }
            Err(error) => {
                self.debug(|| ["registerPlugin refused: ", &error.text()].concat());
                None
            }
        }
    }

    /// Registers (or replaces) a command.
    pub fn register_command(&self, id: PluginId, name: &str, handler: Callback, access: Access) {
        self.bus
            .borrow_mut()
            .register_command(id, name, handler, access);
        self.debug(|| [&self.name(id), " registered the command: ", name].concat());
        self.refresh_registry(id);
    }

    /// Adds names to the plugin's event listing.
    pub fn register_events(&self, id: PluginId, names: Vec<String>) {
        self.bus.borrow_mut().register_events(id, names);
        self.refresh_registry(id);
    }

    /// The plugin's name.
    pub fn name(&self, id: PluginId) -> String {
        self.bus.borrow().name(id).to_owned()
    }

    /// The plugin's name as a JS string, made once at registration (every command crosses it).
    fn js_name(&self, id: PluginId) -> JsValue {
        let known = self
            .js_names
            .borrow()
            .iter()
            .find(|(owner, _)| *owner == id)
            .map(|(_, name)| name.clone());
        known.unwrap_or_else(|| host::name(&self.name(id)))
    }

    /// `ready()`: flushes buffered commands once.
    pub fn ready(&self, id: PluginId) {
        self.bus.borrow_mut().mark_ready(id);
        self.drain_soon();
    }

    /// The live `registry()` object.
    pub fn registry(&self) -> Object {
        self.registry.clone()
    }

    fn refresh_registry(&self, id: PluginId) {
        let (name, events, commands) = {
            let bus = self.bus.borrow();
            (bus.name(id).to_owned(), bus.events(id), bus.commands(id))
        };
        let entry = Object::new();
        set(&entry, "events", &strings(&events));
        set(&entry, "commands", &strings(&commands));
        set(&self.registry, &name, &entry);
    }

    // ----- commands ------------------------------------------------------------------------

    /// Sends a command as `commander`: qualifies the name, coerces the payload, runs the
    /// before-hooks synchronously and routes it. The outcome settles `reply`, always later.
    pub fn command(&self, commander: PluginId, name: &str, data: JsValue, reply: DeferredCell) {
        self.command_with(commander, name, None, coerce_payload(data), reply);
    }

    /// [`Shared::command`] with the payload already coerced (`None`: not an object, which
    /// cancels the command) and, when the caller has it, `name` as a JS string (the shim's
    /// `command()` passes the caller's own), so no name is decoded again for the handler.
    pub fn command_with(
        &self,
        commander: PluginId,
        name: &str,
        name_js: Option<&JsValue>,
        data: Option<JsValue>,
        reply: DeferredCell,
    ) {
        let commander_name = self.name(commander);
        let qualified = name.contains('.');
        let full = names::qualify(&commander_name, name);
        self.debug(|| [&commander_name, " called the command: ", &full].concat());
        let full_js = match name_js {
            Some(js) if qualified => js.clone(),
            _ => host::name(&full),
        };
        host::with(|h| h.record_command(&self.js_name(commander), &full_js, reply.as_js()));
        match self.run_hooks(&full, data) {
            Ok(data) => {
                let sent = self.bus.borrow_mut().send(commander, full, data, reply);
                if let Sent::LoadNeeded(plugin) = sent {
                    self.load_for_command(plugin);
                }
            }
            Err(reason) => self.reject_later(full, reason, reply),
        }
        self.drain_soon();
    }

    fn reject_later(&self, command: String, reason: Rejected, reply: DeferredCell) {
        match reason {
            Rejected::Bus(reason) => self.bus.borrow_mut().reject_later(command, reason, reply),
            // A hook threw: reject with what it threw, still asynchronously.
            Rejected::Thrown(error) => {
                let handler = Callback::Command(Rc::new(move |call: CommandCall| {
                    call.reply.reject(std::slice::from_ref(&error));
                }));
                self.bus.borrow_mut().queue_run(
                    handler,
                    String::new(),
                    command,
                    JsValue::UNDEFINED,
                    reply,
                );
            }
        }
    }

    /// Calls the before-hooks for `full` in order; each returns the payload to go on with.
    fn run_hooks(&self, full: &str, data: Option<JsValue>) -> Result<JsValue, Rejected> {
        let mut data = data.ok_or(Rejected::Bus(Rejection::Cancelled))?;
        let hooks = self.bus.borrow().hooks(full);
        for hook in hooks {
            let Callback::Js(hook) = hook else { continue };
            match hook.call1(&JsValue::UNDEFINED, &data) {
                Ok(next) if is_object(&next) => data = next,
                Ok(_) => return Err(Rejected::Bus(Rejection::Cancelled)),
                Err(error) => return Err(Rejected::Thrown(error)),
            }
        }
        Ok(data)
    }

    /// Starts loading the plugin a command asked for; waiting commands are released (or
    /// rejected) when the load finishes.
    fn load_for_command(&self, plugin: String) {
        let Some(runtime) = crate::exports::current() else {
            return;
        };
        let url = self.loader.plugin_file(&self.config(), &plugin);
        let Some(url) = url else {
            self.bus.borrow_mut().load_finished(&plugin);
            return;
        };
        self.loader.load_script(&url, move |_loaded| {
            runtime.bus.borrow_mut().load_finished(&plugin);
            runtime.drain_soon();
        });
    }

    /// `loadPlugin(name)`: loads the plugin's file unless it is registered (reject with no
    /// argument) or blocked (reject naming the file), and settles `cell` once the file has run
    /// and the plugin registered.
    pub fn load_plugin(self: &Rc<Self>, name: String, cell: DeferredCell) {
        if self.bus.borrow().plugin_ignoring_case(&name).is_some() {
            return cell.reject(&[]);
        }
        let config = self.config();
        let Some(file) = self.loader.plugin_file(&config, &name) else {
            // Blocked: name the file that would have loaded.
            let blocked = crate::loader::default_file(&config, &name);
            return cell.reject(&[cxbus_core::load_text::plugin_file(&blocked).into()]);
        };
        let shared = self.clone();
        let text = cxbus_core::load_text::plugin_file(&file);
        self.loader.load_script(&file, move |loaded| {
            let registered = shared.plugin(&name).is_some();
            shared.bus.borrow_mut().load_finished(&name);
            if loaded && registered {
                cell.resolve(&[]);
            } else {
                cell.reject(&[text.into()]);
            }
            shared.drain_soon();
        });
    }

    /// Adds a before-hook; `false` for an empty name.
    pub fn before(&self, command: &str, hook: Callback) -> bool {
        self.bus.borrow_mut().add_hook(command, hook)
    }

    // ----- events --------------------------------------------------------------------------

    /// Publishes `event` in the plugin's namespace. Falsy data means "no data".
    pub fn publish(&self, id: PluginId, event: &str, data: JsValue, mode: PublishMode) {
        let data = data.is_truthy().then_some(data);
        let retain = mode == PublishMode::Republish || event == "ready";
        let full = self.bus.borrow_mut().publish(id, event, data, retain);
        let name = self.name(id);
        match mode {
            PublishMode::Publish => self.debug(|| [&name, " published: ", &full].concat()),
            PublishMode::Republish => self.debug(|| [&name, " republished: ", &full].concat()),
            PublishMode::Direct => {}
        }
        host::with(|h| {
            h.record(
                &host::name("publish"),
                &self.js_name(id),
                &host::name(&full),
                retain,
            )
        });
        self.drain_soon();
    }

    /// Subscribes to a full event name.
    pub fn subscribe(&self, id: PluginId, event: &str, callback: Callback) {
        self.bus.borrow_mut().subscribe(id, event, callback);
        let name = self.name(id);
        self.debug(|| [&name, " subscribed to ", event].concat());
        host::with(|h| {
            h.record(
                &host::name("subscribe"),
                &host::name(&name),
                &host::name(event),
                false,
            )
        });
        self.drain_soon();
    }

    /// Removes subscriptions; see `Bus::unsubscribe`.
    pub fn unsubscribe(&self, id: PluginId, event: &str, callback: Option<&Callback>) -> bool {
        self.bus.borrow_mut().unsubscribe(id, event, callback)
    }

    /// `subscribers()`: `{event: [plugin names]}` for the plugin's namespace.
    pub fn subscribers(&self, id: PluginId) -> Object {
        let out = Object::new();
        for (event, subscribers) in self.bus.borrow().subscribers(id) {
            set(&out, &event, &strings(&subscribers));
        }
        out
    }

    // ----- data ----------------------------------------------------------------------------

    /// Writes plugin data and publishes the three change events when the value changed
    /// (strictly: `1` then `"1"` is a change, cxbus.md's **better** reading). The label
    /// (`String(value)`) may run page code, so it runs with no borrow held, and a throw reads as
    /// an empty label. `<P>.data` carries the plugin's live data map ([`Shared::data_map`]),
    /// the same object every time; the two others carry the new `{last, value, time}` entry.
    pub fn set_data(&self, id: PluginId, key: &str, value: JsValue) {
        let now = host::now();
        if self.bus.borrow().data_current(id, key) == Some(&value) {
            return;
        }
        let label = match value.as_string() {
            Some(text) => DataLabel::Text(text),
            None => DataLabel::Other(crate::safe::text(&value).unwrap_or_default()),
        };
        let changed = self
            .bus
            .borrow_mut()
            .data_write(id, key, value, &label, now);
        let Some([all, one, labelled]) = changed else {
            return;
        };
        let stored = self.bus.borrow().data_get(id, key).cloned();
        let map = self.data_map(id);
        let entry = stored.and_then(|e| {
            let last = e.last.unwrap_or(JsValue::UNDEFINED);
            host::with(|h| h.data_entry(&map, key, &last, &e.value, e.time))
        });
        let mut bus = self.bus.borrow_mut();
        bus.publish_full(id, all, Some(map.into()), false);
        bus.publish_full(id, one, entry.clone(), false);
        bus.publish_full(id, labelled, entry, false);
        drop(bus);
        self.drain_soon();
    }

    /// The plugin's data map, `{key: {last, value, time}}`: one live object per plugin, made
    /// on first use and updated on every change, so `data()` and every `<P>.data` event hand
    /// out the same object (as the vendor's bus does).
    fn data_map(&self, id: PluginId) -> Object {
        let mut maps = self.data_maps.borrow_mut();
        if let Some((_, map)) = maps.iter().find(|(owner, _)| *owner == id) {
            return map.clone();
        }
        let map = Object::new();
        maps.push((id, map.clone()));
        map
    }

    /// Reads plugin data: the value of `key` (own key first, else `Other.key`), or the
    /// plugin's live data map ([`Shared::data_map`]) when `key` is `None`.
    pub fn get_data(&self, id: PluginId, key: Option<&str>) -> JsValue {
        match key {
            Some(key) => self
                .bus
                .borrow()
                .data_get(id, key)
                .map_or(JsValue::UNDEFINED, |e| e.value.clone()),
            None => self.data_map(id).into(),
        }
    }

    // ----- the pump ------------------------------------------------------------------------

    /// Runs the tasks queued before this call (later ones get a fresh task, so a chain of
    /// commands cannot starve the page), calling user code with no borrow held.
    pub fn drain(&self) {
        self.scheduled.set(false);
        let mut budget = self.bus.borrow().task_count();
        while budget > 0 {
            budget -= 1;
            let task = self.bus.borrow_mut().next_task();
            let Some(task) = task else { break };
            match task {
                Task::Deliver {
                    callback: Callback::Js(f),
                    publish,
                    publisher,
                    event,
                    data,
                } => self.deliver_publish(f, publish, &publisher, &event, data, &mut budget),
                task => self.run(task),
            }
        }
        self.drain_soon();
    }

    /// Delivers one publish to its JavaScript subscribers in one call into JavaScript: `first`
    /// and the deliveries of the same publish queued right after it (each still gets its own
    /// event object, and a throwing one is reported without stopping the others). A Rust
    /// subscriber among them runs in its place in the order.
    #[inline(never)]
    fn deliver_publish(
        &self,
        first: Function,
        publish: u64,
        publisher: &str,
        event: &str,
        data: Option<JsValue>,
        budget: &mut usize,
    ) {
        let has_data = data.is_some();
        let data = data.unwrap_or(JsValue::UNDEFINED);
        let (publisher, event) = (host::name(publisher), host::name(event));
        let batch = Array::of1(&first);
        loop {
            let next = if *budget > 0 {
                self.bus.borrow_mut().next_delivery_of(publish)
            } else {
                None
            };
            let rust_subscriber = match next {
                Some(Task::Deliver {
                    callback: Callback::Js(f),
                    ..
                }) => {
                    *budget -= 1;
                    batch.push(&f);
                    continue;
                }
                Some(other) => {
                    *budget -= 1;
                    Some(other)
                }
                None => None,
            };
            if batch.length() > 0 {
                host::with(|h| h.deliver(&batch, &publisher, &event, &data, has_data));
                batch.set_length(0);
            }
            match rust_subscriber {
                Some(task) => self.run(task),
                None => return,
            }
        }
    }

    fn run(&self, task: Task<Web>) {
        match task {
            Task::Run {
                handler,
                commander,
                command,
                data,
                reply,
            } => match handler {
                // The deferred carries the names for the handler's event (`record_command`).
                Callback::Js(f) => {
                    host::with(|h| h.run_command(&f, reply.as_js(), &data));
                }
                Callback::Command(f) => f(CommandCall {
                    commander,
                    command,
                    data,
                    reply,
                }),
                Callback::Event(_) => reply.reject(&[Rejection::NoSuchCommand.text().into()]),
            },
            Task::Builtin {
                builtin,
                command,
                listing,
                reply,
            } => {
                if builtin != cxbus_core::Builtin::Load {
                    // A loop rather than `listing.join(", ")`: `join` over `String`s is a copy
                    // of std's join code of its own (docs/size.md).
                    let mut line = command;
                    line.push_str(": ");
                    for (n, item) in listing.iter().enumerate() {
                        if n > 0 {
                            line.push_str(", ");
                        }
                        line.push_str(item);
                    }
                    host::with(|h| h.log(&line));
                }
                reply.resolve(&[]);
            }
            Task::Reject {
                command: _,
                reason,
                reply,
            } => reply.reject(&[reason.text().into()]),
            Task::Deliver {
                callback,
                publisher,
                event,
                data,
                ..
            } => match callback {
                Callback::Js(f) => {
                    let mut none = 0;
                    self.deliver_publish(f, 0, &publisher, &event, data, &mut none);
                }
                Callback::Event(f) => f(&data.unwrap_or_else(|| Object::new().into())),
                Callback::Command(_) => {}
            },
        }
    }
}

/// Why a command was stopped before routing.
enum Rejected {
    /// One of the bus's own reasons.
    Bus(Rejection),
    /// A before-hook threw this.
    Thrown(JsValue),
}

/// `data = data || {}`; a payload that is then not an object (or array) cancels the command.
/// (The shim's `command()` does the same in JS: `bus-shim/src/facade.js`.)
fn coerce_payload(data: JsValue) -> Option<JsValue> {
    if !data.is_truthy() {
        Some(Object::new().into())
    } else if is_object(&data) {
        Some(data)
    } else {
        None
    }
}

/// A non-null object or array (not a function).
pub fn is_object(value: &JsValue) -> bool {
    value.is_object() && !value.is_function()
}

/// `object[key] = value`, ignoring the (impossible for plain objects) failure.
pub fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

/// A JS array of strings.
pub fn strings(items: &[String]) -> Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}

/// A JS function value as a callback, if it is one.
pub fn js_callback(value: &JsValue) -> Option<Callback> {
    value.dyn_ref::<Function>().cloned().map(Callback::Js)
}
