//! What the bus calls: JavaScript functions, or Rust closures of built-in plugins.
//!
//! Also the [`Web`] host that plugs these types into the pure core.

use std::rc::Rc;

use cxbus_core::{DataLabel, Host};
use js_sys::Function;
use wasm_bindgen::prelude::*;

use crate::deferred::DeferredCell;

/// A command as a Rust plugin's handler receives it.
pub struct CommandCall {
    /// The calling plugin's name.
    pub commander: String,
    /// The full command name.
    pub command: String,
    /// The payload, by reference.
    pub data: JsValue,
    /// Settles the caller's promise.
    pub reply: DeferredCell,
}

/// A command handler, hook or subscriber.
#[derive(Clone)]
pub enum Callback {
    /// A function from page code.
    Js(Function),
    /// A command handler of a built-in Rust plugin.
    Command(Rc<dyn Fn(CommandCall)>),
    /// A subscriber of a built-in Rust plugin; gets the event's data.
    Event(Rc<dyn Fn(&JsValue)>),
}

impl PartialEq for Callback {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Callback::Js(a), Callback::Js(b)) => a == b,
            (Callback::Command(a), Callback::Command(b)) => Rc::ptr_eq(a, b),
            (Callback::Event(a), Callback::Event(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// The browser host: payloads are `JsValue`s, replies are deferreds.
pub struct Web;

impl Host for Web {
    type Value = JsValue;
    type Callback = Callback;
    type Reply = DeferredCell;

    // `Shared::set_data` compares and labels itself, with no bus borrow held; these serve the
    // core's own `data_set`, and cannot throw either. `JsValue`'s `==` is JavaScript's `===`,
    // which runs no page code.
    fn same_value(a: &JsValue, b: &JsValue) -> bool {
        a == b
    }

    fn label(value: &JsValue) -> DataLabel {
        match value.as_string() {
            Some(text) => DataLabel::Text(text),
            None => DataLabel::Other(crate::safe::text(value).unwrap_or_default()),
        }
    }
}
