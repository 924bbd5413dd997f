//! Shared test host: a small model of JavaScript values, and helpers that turn the task queue
//! into readable outcomes.
#![allow(dead_code)] // each test file uses a different part of this module

use std::fmt;
use std::rc::Rc;

use cxbus_core::{Access, Bus, DataLabel, Host, PluginId, Task};

/// A JavaScript value as far as the bus cares (never `undefined` or `null`: the glue filters
/// those before the core sees them).
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Num(f64),
    Str(Rc<str>),
    Bool(bool),
    /// An object, by identity.
    Obj(u32),
}

/// A string value.
pub fn s(text: &str) -> Val {
    Val::Str(text.into())
}

/// An object with identity `id`.
pub fn obj(id: u32) -> Val {
    Val::Obj(id)
}

/// JavaScript's `String(v)`.
pub fn js_string(v: &Val) -> String {
    match v {
        Val::Num(n) if n.is_nan() => "NaN".into(),
        Val::Num(n) if *n == 0.0 => "0".into(),
        Val::Num(n) if n.is_infinite() => if *n > 0.0 { "Infinity" } else { "-Infinity" }.into(),
        Val::Num(n) => n.to_string(),
        Val::Str(text) => text.to_string(),
        Val::Bool(b) => b.to_string(),
        Val::Obj(_) => "[object Object]".into(),
    }
}

/// JavaScript's `===`: same type and value (NaN is never equal, `0 === -0`), objects by
/// identity.
pub fn strict_eq(a: &Val, b: &Val) -> bool {
    a == b
}

/// The test host.
#[derive(Debug)]
pub struct T;

impl Host for T {
    type Value = Val;
    type Callback = &'static str;
    type Reply = u32;

    fn same_value(a: &Val, b: &Val) -> bool {
        strict_eq(a, b)
    }

    fn label(value: &Val) -> DataLabel {
        match value {
            Val::Str(text) => DataLabel::Text(text.to_string()),
            other => DataLabel::Other(js_string(other)),
        }
    }
}

pub type TestBus = Bus<T>;

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Str(text) => write!(f, "'{text}'"),
            Val::Obj(id) => write!(f, "{{{id}}}"),
            other => f.write_str(&js_string(other)),
        }
    }
}

/// One task as a line of text:
/// - `#1 run handler for Commander: Target.command with {7}`
/// - `#2 Commands Target.COMMANDS ["COMMANDS", ...]`
/// - `#3 reject Target.command: Command does not exist`
/// - `deliver P.event from P to callback: {7}` (`{}` for no data)
pub fn describe(task: &Task<T>) -> String {
    match task {
        Task::Run {
            handler,
            commander,
            command,
            data,
            reply,
        } => format!("#{reply} run {handler} for {commander}: {command} with {data}"),
        Task::Builtin {
            builtin,
            command,
            listing,
            reply,
        } => format!("#{reply} {builtin:?} {command} {listing:?}"),
        Task::Reject {
            command,
            reason,
            reply,
        } => format!("#{reply} reject {command}: {reason}"),
        Task::Deliver {
            callback,
            publisher,
            event,
            data,
            ..
        } => match data {
            Some(data) => format!("deliver {event} from {publisher} to {callback}: {data}"),
            None => format!("deliver {event} from {publisher} to {callback}: {{}}"),
        },
    }
}

/// Every queued task, in order.
pub fn drain(bus: &mut TestBus) -> Vec<Task<T>> {
    std::iter::from_fn(|| bus.next_task()).collect()
}

/// Every queued task, in order, as text (see [`describe`]).
pub fn outcomes(bus: &mut TestBus) -> Vec<String> {
    drain(bus).iter().map(describe).collect()
}

/// Registers a plugin that must be accepted.
pub fn plugin(bus: &mut TestBus, name: &str) -> PluginId {
    match bus.register(name) {
        Ok(id) => id,
        Err(e) => panic!("registering {name:?} failed: {e}"),
    }
}

/// Registers a plugin and marks it ready.
pub fn ready_plugin(bus: &mut TestBus, name: &str) -> PluginId {
    let id = plugin(bus, name);
    assert!(bus.mark_ready(id));
    id
}

/// Registers a public command.
pub fn command(bus: &mut TestBus, id: PluginId, name: &str, handler: &'static str) {
    bus.register_command(id, name, handler, Access::Public);
}

/// Sends a command with an empty-object payload (`{0}`).
pub fn send(bus: &mut TestBus, from: PluginId, command: &str, reply: u32) -> cxbus_core::Sent {
    bus.send(from, command.to_owned(), obj(0), reply)
}
