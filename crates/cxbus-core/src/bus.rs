//! The bus: plugins, commands, before-hooks, buffering, events and plugin data.
//!
//! The bus never calls user code. Everything that must happen later (running a handler,
//! rejecting a command, delivering an event) becomes a [`Task`] in one FIFO queue, which the glue
//! drains with [`Bus::next_task`] after dropping its borrow. That gives asynchronous dispatch in
//! call order, and makes re-entrant use from inside a handler or subscriber safe.

use std::collections::VecDeque;

use crate::error::{RegisterError, Rejection};
use crate::names::{self, DataLabel};
use crate::names_map::NameMap;

/// The host's types: what a payload, a callback and a command's reply handle are.
///
/// In the browser these are `JsValue`, a JS function (or a Rust closure) and the command's
/// deferred. Tests use plain Rust values.
pub trait Host {
    /// A payload, carried by reference and never inspected beyond the methods below.
    type Value: Clone;
    /// A handler, hook or subscriber. Equality identifies a subscription to remove.
    type Callback: Clone + PartialEq;
    /// The glue's handle for settling one command.
    type Reply;

    /// JavaScript's strict equality (`===`), which decides whether plugin data changed (the
    /// vendor compares loosely, so `1` then `"1"` is dropped silently; cxbus.md's **better**).
    fn same_value(a: &Self::Value, b: &Self::Value) -> bool;
    /// How a data value is spelled in the third change event's name.
    fn label(value: &Self::Value) -> DataLabel;
}

/// A registered plugin, by position. Ids are never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PluginId(usize);

impl PluginId {
    /// The id as a number, for hosts that hand ids across a boundary.
    pub fn raw(self) -> u32 {
        u32::try_from(self.0).unwrap_or(u32::MAX)
    }

    /// An id from [`PluginId::raw`]. An id no plugin has is harmless: the bus treats it as
    /// an unknown plugin with an empty name.
    pub fn from_raw(raw: u32) -> Self {
        PluginId(raw as usize)
    }
}

/// Who may call a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Anyone.
    Public,
    /// Only the owning plugin. `qualifier` is added to the denial text before its final period.
    Private {
        /// For example `" in Non-Async mode"`; usually empty.
        qualifier: String,
    },
}

/// The commands every plugin has without registering them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// `COMMANDS`: resolves and logs the plugin's command list.
    Commands,
    /// `EVENTS`: resolves and logs the plugin's event list.
    Events,
    /// `LOAD`: resolves once the plugin is ready.
    Load,
}

impl Builtin {
    const ALL: [(&'static str, Builtin); 3] = [
        ("COMMANDS", Builtin::Commands),
        ("EVENTS", Builtin::Events),
        ("LOAD", Builtin::Load),
    ];
}

/// What runs when a command arrives.
#[derive(Debug, Clone, PartialEq)]
pub enum Handler<C> {
    /// A registered function.
    Callback(C),
    /// One of the built-in commands.
    Builtin(Builtin),
}

/// Something to do later, in queue order, with no borrow of the bus held.
#[derive(Debug)]
pub enum Task<H: Host> {
    /// Call a command handler.
    Run {
        /// The handler to call.
        handler: H::Callback,
        /// The calling plugin's name.
        commander: String,
        /// The full command name, `Plugin.command`.
        command: String,
        /// The payload, as the caller (or a hook) gave it.
        data: H::Value,
        /// Settles the caller's promise.
        reply: H::Reply,
    },
    /// Resolve a built-in command. `listing` is what it logs (empty for `LOAD`).
    Builtin {
        /// Which built-in.
        builtin: Builtin,
        /// The full command name.
        command: String,
        /// The plugin's commands or events, for `COMMANDS` and `EVENTS`.
        listing: Vec<String>,
        /// Settles the caller's promise.
        reply: H::Reply,
    },
    /// Reject a command.
    Reject {
        /// The full command name, for the debug log.
        command: String,
        /// Why.
        reason: Rejection,
        /// Settles the caller's promise.
        reply: H::Reply,
    },
    /// Call one subscriber with one event.
    Deliver {
        /// The subscriber.
        callback: H::Callback,
        /// Which publish (or retained replay) made it: the deliveries of one publish are queued
        /// together and share it, so the glue can hand them to JavaScript in one call
        /// ([`Bus::next_delivery_of`]).
        publish: u64,
        /// The publishing plugin's name.
        publisher: String,
        /// The full event name.
        event: String,
        /// The payload; `None` means each subscriber gets its own empty object.
        data: Option<H::Value>,
    },
}

/// What became of a command handed to [`Bus::send`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// A task was queued: the handler will run, or the command will be rejected.
    Queued,
    /// The target is registered but not ready; the command waits for its `ready()`.
    Buffered,
    /// The target is unknown: the glue must load the named plugin and then call
    /// [`Bus::load_finished`]. The command waits until then.
    LoadNeeded(String),
    /// The target is already being loaded; the command waits with the others.
    AwaitingLoad,
}

/// A stored data value with its previous value and the time it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct DataEntry<V> {
    /// The value before this write, if any.
    pub last: Option<V>,
    /// The current value.
    pub value: V,
    /// When it was written (ms since the epoch).
    pub time: f64,
}

struct CommandEntry<C> {
    name: String,
    handler: Handler<C>,
    access: Access,
}

struct Waiting<H: Host> {
    commander: String,
    command: String,
    data: H::Value,
    reply: H::Reply,
}

struct Plugin<H: Host> {
    name: String,
    ready: bool,
    commands: Vec<CommandEntry<H::Callback>>,
    events: Vec<String>,
    buffered: Vec<Waiting<H>>,
    data: Vec<(String, DataEntry<H::Value>)>,
}

struct Subscription<C> {
    subscriber: PluginId,
    callback: C,
}

struct Retained<V> {
    publisher: String,
    data: Option<V>,
}

/// The bus state. See the module docs for how the glue drives it.
pub struct Bus<H: Host> {
    plugins: Vec<Plugin<H>>,
    by_name: NameMap<PluginId>,
    subscriptions: NameMap<Vec<Subscription<H::Callback>>>,
    retained: NameMap<Retained<H::Value>>,
    hooks: NameMap<Vec<H::Callback>>,
    loading: NameMap<Vec<Waiting<H>>>,
    tasks: VecDeque<Task<H>>,
    /// The last publish's number (see [`Task::Deliver`]'s `publish`).
    publishes: u64,
    locked: bool,
}

impl<H: Host> Default for Bus<H> {
    fn default() -> Self {
        Self {
            plugins: Vec::new(),
            by_name: NameMap::default(),
            subscriptions: NameMap::default(),
            retained: NameMap::default(),
            hooks: NameMap::default(),
            loading: NameMap::default(),
            tasks: VecDeque::new(),
            publishes: 0,
            locked: false,
        }
    }
}

impl<H: Host> Bus<H> {
    /// An empty bus: no plugins, not locked.
    pub fn new() -> Self {
        Self::default()
    }

    // ----- plugins -------------------------------------------------------------------------

    /// Registers a plugin. Names are unique and case-sensitive.
    pub fn register(&mut self, name: &str) -> Result<PluginId, RegisterError> {
        if name.is_empty() {
            return Err(RegisterError::EmptyName);
        }
        if name.contains('.') {
            return Err(RegisterError::DottedName(name.to_owned()));
        }
        if self.locked {
            return Err(RegisterError::Locked(name.to_owned()));
        }
        if self.by_name.contains_key(name) {
            return Err(RegisterError::NameTaken(name.to_owned()));
        }
        let id = PluginId(self.plugins.len());
        let commands = Builtin::ALL
            .iter()
            .map(|&(name, builtin)| CommandEntry {
                name: name.to_owned(),
                handler: Handler::Builtin(builtin),
                access: Access::Public,
            })
            .collect();
        // Commands that asked for this plugin to be loaded wait in its buffer from now on, so
        // a command sent after registration cannot overtake them.
        let buffered = self.loading.remove(name).unwrap_or_default();
        self.plugins.push(Plugin {
            name: name.to_owned(),
            ready: false,
            commands,
            events: Vec::new(),
            buffered,
            data: Vec::new(),
        });
        self.by_name.insert(name.to_owned(), id);
        Ok(id)
    }

    /// `registerMaster().lock()` / `unlock()`.
    pub fn set_locked(&mut self, locked: bool) {
        self.locked = locked;
    }

    /// The plugin registered under exactly this name.
    pub fn plugin(&self, name: &str) -> Option<PluginId> {
        self.by_name.get(name).copied()
    }

    /// A registered plugin whose name equals this one ignoring case.
    pub fn plugin_ignoring_case(&self, name: &str) -> Option<PluginId> {
        self.by_name
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, id)| *id)
    }

    /// A plugin's name (its namespace).
    pub fn name(&self, id: PluginId) -> &str {
        self.plugins.get(id.0).map_or("", |p| p.name.as_str())
    }

    /// Whether the plugin has called `ready()`.
    pub fn is_ready(&self, id: PluginId) -> bool {
        self.plugins.get(id.0).is_some_and(|p| p.ready)
    }

    /// Every plugin, in registration order.
    pub fn plugins(&self) -> impl Iterator<Item = PluginId> + '_ {
        (0..self.plugins.len()).map(PluginId)
    }

    /// A plugin's command names, built-ins first, each once.
    pub fn commands(&self, id: PluginId) -> Vec<String> {
        self.plugins.get(id.0).map_or_else(Vec::new, |p| {
            p.commands.iter().map(|c| c.name.clone()).collect()
        })
    }

    /// A plugin's registered event names, each once.
    pub fn events(&self, id: PluginId) -> Vec<String> {
        self.plugins
            .get(id.0)
            .map_or_else(Vec::new, |p| p.events.clone())
    }

    /// Registers (or replaces) a command handler.
    pub fn register_command(
        &mut self,
        id: PluginId,
        name: &str,
        handler: H::Callback,
        access: Access,
    ) {
        let Some(plugin) = self.plugins.get_mut(id.0) else {
            return;
        };
        let handler = Handler::Callback(handler);
        match plugin.commands.iter_mut().find(|c| c.name == name) {
            Some(entry) => {
                entry.handler = handler;
                entry.access = access;
            }
            None => plugin.commands.push(CommandEntry {
                name: name.to_owned(),
                handler,
                access,
            }),
        }
    }

    /// Adds event names to the plugin's registry listing, never twice.
    pub fn register_events<I, S>(&mut self, id: PluginId, names: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let Some(plugin) = self.plugins.get_mut(id.0) else {
            return;
        };
        for name in names {
            let name = name.into();
            if !plugin.events.contains(&name) {
                plugin.events.push(name);
            }
        }
    }

    /// Marks the plugin ready and moves its buffered commands to the task queue, in call order,
    /// each looking up its handler now. Returns `false` if it was ready already.
    pub fn mark_ready(&mut self, id: PluginId) -> bool {
        let Some(plugin) = self.plugins.get_mut(id.0) else {
            return false;
        };
        if plugin.ready {
            return false;
        }
        plugin.ready = true;
        let waiting = std::mem::take(&mut plugin.buffered);
        for w in waiting {
            self.route_to(id, w);
        }
        true
    }

    // ----- commands ------------------------------------------------------------------------

    /// Registers a before-hook for a full `Plugin.command` name. `false` for an empty name.
    pub fn add_hook(&mut self, command: &str, hook: H::Callback) -> bool {
        if command.is_empty() {
            return false;
        }
        self.hooks.get_or_default(command).push(hook);
        true
    }

    /// The hooks for a full command name, in registration order (a snapshot to call outside).
    pub fn hooks(&self, command: &str) -> Vec<H::Callback> {
        self.hooks.get(command).cloned().unwrap_or_default()
    }

    /// Queues the rejection of a command that never reached routing (a hook cancelled it, or
    /// its payload was not an object).
    pub fn reject_later(&mut self, command: String, reason: Rejection, reply: H::Reply) {
        self.tasks.push_back(Task::Reject {
            command,
            reason,
            reply,
        });
    }

    /// Routes a command whose hooks have run: to the task queue, the target's buffer, or the
    /// list of commands waiting for a plugin to load.
    pub fn send(
        &mut self,
        commander: PluginId,
        command: String,
        data: H::Value,
        reply: H::Reply,
    ) -> Sent {
        let target_part = names::split_command(&command).map_or("", |(plugin, _)| plugin);
        let target = self.plugin(target_part);
        // Owned only off the hot path (a registered target needs no copy of its name).
        let target_name = match target {
            Some(_) => String::new(),
            None => target_part.to_owned(),
        };
        let commander_name = self.name(commander).to_owned();
        let waiting = Waiting {
            commander: commander_name,
            command,
            data,
            reply,
        };
        if let Some(target) = target {
            let plugin = &mut self.plugins[target.0];
            if !plugin.ready && target != commander {
                plugin.buffered.push(waiting);
                return Sent::Buffered;
            }
            self.route_to(target, waiting);
            return Sent::Queued;
        }
        if target_name.is_empty() || self.plugin_ignoring_case(&target_name).is_some() {
            self.reject_waiting(waiting, Rejection::PluginNotLoaded);
            return Sent::Queued;
        }
        let queue = self.loading.get_or_default(&target_name);
        queue.push(waiting);
        if queue.len() == 1 {
            Sent::LoadNeeded(target_name)
        } else {
            Sent::AwaitingLoad
        }
    }

    /// A load asked for by [`Sent::LoadNeeded`] has finished. If the plugin registered, its
    /// waiting commands already moved to its buffer (see [`Bus::register`]), so any still
    /// waiting here found no plugin: they are rejected with the plugin-file text. Hooks are
    /// not run again.
    pub fn load_finished(&mut self, name: &str) {
        for w in self.loading.remove(name).unwrap_or_default() {
            self.reject_waiting(w, Rejection::PluginNotLoaded);
        }
    }

    fn reject_waiting(&mut self, w: Waiting<H>, reason: Rejection) {
        self.reject_later(w.command, reason, w.reply);
    }

    /// Looks up the handler on a target that is ready (or is the commander itself) and queues
    /// the run, or the rejection.
    fn route_to(&mut self, target: PluginId, w: Waiting<H>) {
        let plugin = &self.plugins[target.0];
        let name = names::split_command(&w.command).map_or("", |(_, command)| command);
        // A name with more than one dot can never match, even a handler registered with a dot.
        let found = (!name.contains('.'))
            .then(|| plugin.commands.iter().find(|c| c.name == name))
            .flatten();
        let Some(entry) = found else {
            return self.reject_waiting(w, Rejection::NoSuchCommand);
        };
        if let Access::Private { qualifier } = &entry.access
            && w.commander != plugin.name
        {
            let reason = Rejection::AccessDenied {
                owner: plugin.name.clone(),
                qualifier: qualifier.clone(),
            };
            return self.reject_waiting(w, reason);
        }
        let task = match &entry.handler {
            Handler::Callback(handler) => Task::Run {
                handler: handler.clone(),
                commander: w.commander,
                command: w.command,
                data: w.data,
                reply: w.reply,
            },
            Handler::Builtin(builtin) => Task::Builtin {
                builtin: *builtin,
                listing: match builtin {
                    Builtin::Commands => self.commands(target),
                    Builtin::Events => self.events(target),
                    Builtin::Load => Vec::new(),
                },
                command: w.command,
                reply: w.reply,
            },
        };
        self.tasks.push_back(task);
    }

    // ----- events --------------------------------------------------------------------------

    /// Publishes `event` in the publisher's namespace to a snapshot of its subscribers, and
    /// with `retain` remembers the data for later subscribers. Returns the full event name.
    pub fn publish(
        &mut self,
        publisher: PluginId,
        event: &str,
        data: Option<H::Value>,
        retain: bool,
    ) -> String {
        let full = names::event_name(self.name(publisher), event);
        self.publish_full(publisher, full.clone(), data, retain);
        full
    }

    /// Like [`Bus::publish`] with an already full event name (used for data change events).
    pub fn publish_full(
        &mut self,
        publisher: PluginId,
        event: String,
        data: Option<H::Value>,
        retain: bool,
    ) {
        let publisher = self.name(publisher).to_owned();
        let publish = self.next_publish();
        if let Some(subs) = self.subscriptions.get(&event) {
            for sub in subs {
                self.tasks.push_back(Task::Deliver {
                    callback: sub.callback.clone(),
                    publish,
                    publisher: publisher.clone(),
                    event: event.clone(),
                    data: data.clone(),
                });
            }
        }
        if retain {
            self.retained.insert(event, Retained { publisher, data });
        }
    }

    /// Subscribes to a full event name. A retained event is replayed to the new subscriber
    /// (asynchronously, through the queue).
    pub fn subscribe(&mut self, subscriber: PluginId, event: &str, callback: H::Callback) {
        let publish = self.next_publish();
        if let Some(retained) = self.retained.get(event) {
            self.tasks.push_back(Task::Deliver {
                callback: callback.clone(),
                publish,
                publisher: retained.publisher.clone(),
                event: event.to_owned(),
                data: retained.data.clone(),
            });
        }
        self.subscriptions.get_or_default(event).push(Subscription {
            subscriber,
            callback,
        });
    }

    /// Removes the subscriber's callbacks for `event` (all of them, or only `callback`). When
    /// nobody is left the event's retained value is forgotten too. Returns whether the event
    /// had an entry.
    pub fn unsubscribe(
        &mut self,
        subscriber: PluginId,
        event: &str,
        callback: Option<&H::Callback>,
    ) -> bool {
        let Some(subs) = self.subscriptions.get_mut(event) else {
            return false;
        };
        subs.retain(|s| s.subscriber != subscriber || callback.is_some_and(|cb| *cb != s.callback));
        if subs.is_empty() {
            self.subscriptions.remove(event);
            self.retained.remove(event);
        }
        true
    }

    /// For each event in `plugin`'s namespace that has subscribers, the subscribers' names, with
    /// duplicates.
    /// Every event of the plugin's namespace with subscriber names, then the events it
    /// republished (retained) that nobody subscribes to, with an empty list.
    pub fn subscribers(&self, plugin: PluginId) -> Vec<(String, Vec<String>)> {
        let namespace = self.name(plugin);
        let mut out: Vec<(String, Vec<String>)> = self
            .subscriptions
            .iter()
            .filter(|(event, _)| names::in_namespace(namespace, event))
            .map(|(event, subs)| {
                let names = subs
                    .iter()
                    .map(|s| self.name(s.subscriber).to_owned())
                    .collect();
                (event.clone(), names)
            })
            .collect();
        for (event, _) in self.retained.iter() {
            if names::in_namespace(namespace, event) && !out.iter().any(|(e, _)| e == event) {
                out.push((event.clone(), Vec::new()));
            }
        }
        out
    }

    // ----- the queue -----------------------------------------------------------------------

    /// The next thing to do, in FIFO order.
    pub fn next_task(&mut self) -> Option<Task<H>> {
        self.tasks.pop_front()
    }

    /// The next task if it is another delivery of the same publish as one just taken.
    pub fn next_delivery_of(&mut self, publish: u64) -> Option<Task<H>> {
        match self.tasks.front() {
            Some(Task::Deliver { publish: p, .. }) if *p == publish => self.tasks.pop_front(),
            _ => None,
        }
    }

    /// A fresh number for a publish.
    fn next_publish(&mut self) -> u64 {
        self.publishes = self.publishes.wrapping_add(1);
        self.publishes
    }

    /// Whether anything is queued.
    pub fn has_tasks(&self) -> bool {
        !self.tasks.is_empty()
    }

    /// How many tasks are queued.
    pub fn task_count(&self) -> usize {
        self.tasks.len()
    }

    /// Queues a handler run directly, bypassing routing (for work the host must do in queue
    /// order, such as rejecting with a value only the host has).
    pub fn queue_run(
        &mut self,
        handler: H::Callback,
        commander: String,
        command: String,
        data: H::Value,
        reply: H::Reply,
    ) {
        self.tasks.push_back(Task::Run {
            handler,
            commander,
            command,
            data,
            reply,
        });
    }

    // ----- plugin data ---------------------------------------------------------------------

    /// Writes a data value. When it differs (strictly) from the current one, returns the names
    /// of the three change events to publish, in order; setting the same value returns `None`.
    pub fn data_set(
        &mut self,
        id: PluginId,
        key: &str,
        value: H::Value,
        time: f64,
    ) -> Option<[String; 3]> {
        if let Some(entry) = self.own_entry(id, key)
            && H::same_value(&entry.value, &value)
        {
            return None;
        }
        let label = H::label(&value);
        self.data_write(id, key, value, &label, time)
    }

    /// The plugin's own value under `key` (no `Other.key` lookup): what a write compares with.
    pub fn data_current(&self, id: PluginId, key: &str) -> Option<&H::Value> {
        self.own_entry(id, key).map(|entry| &entry.value)
    }

    /// Writes a data value the caller has already compared (with [`Bus::data_current`]) and
    /// labelled, so a host whose comparison runs user code can do both with no bus borrow held.
    /// Returns the names of the three change events to publish, in order.
    pub fn data_write(
        &mut self,
        id: PluginId,
        key: &str,
        value: H::Value,
        label: &DataLabel,
        time: f64,
    ) -> Option<[String; 3]> {
        let plugin = self.plugins.get_mut(id.0)?;
        match plugin.data.iter_mut().find(|(k, _)| k == key) {
            Some((_, entry)) => {
                let last = std::mem::replace(&mut entry.value, value);
                entry.last = Some(last);
                entry.time = time;
            }
            None => plugin.data.push((
                key.to_owned(),
                DataEntry {
                    last: None,
                    value,
                    time,
                },
            )),
        }
        Some(names::data_event_names(&plugin.name, key, label))
    }

    /// Reads a data entry: the reader's own key of exactly that name wins; otherwise
    /// `"Other.key"` reads plugin `Other`'s `key`.
    pub fn data_get(&self, reader: PluginId, key: &str) -> Option<&DataEntry<H::Value>> {
        self.own_entry(reader, key).or_else(|| {
            let (plugin, key) = key.split_once('.')?;
            self.own_entry(self.plugin(plugin)?, key)
        })
    }

    /// All of a plugin's data entries, in the order their keys were first written.
    pub fn data_all(&self, id: PluginId) -> &[(String, DataEntry<H::Value>)] {
        self.plugins.get(id.0).map_or(&[], |p| p.data.as_slice())
    }

    fn own_entry(&self, id: PluginId, key: &str) -> Option<&DataEntry<H::Value>> {
        self.plugins
            .get(id.0)?
            .data
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, entry)| entry)
    }
}
