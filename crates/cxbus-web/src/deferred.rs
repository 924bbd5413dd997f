//! The runtime's handle on a command's deferred.
//!
//! The deferred itself (its state, listeners and stored arguments) lives in JavaScript, in the
//! shim's `bus-shim/src/deferred.js`: a handler resolving a command and the caller's `done`/`then`
//! callbacks never cross into wasm. The runtime holds the deferred as an opaque value and settles
//! it through the shim's helpers when the bus decides the outcome itself (rejection texts,
//! built-in commands, Rust plugins). The state machine is the one of `cxbus_core::deferred`.

use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::host;

/// One command's deferred (a JS `Deferred` of the shim). Cloning shares the same deferred.
#[derive(Clone)]
pub struct DeferredCell {
    js: JsValue,
}

impl Default for DeferredCell {
    fn default() -> Self {
        Self::new()
    }
}

impl DeferredCell {
    /// A pending deferred.
    pub fn new() -> DeferredCell {
        DeferredCell {
            js: host::with(|h| h.new_deferred()).unwrap_or_default(),
        }
    }

    /// The deferred the shim made (what `command()` and the loaders pass in).
    pub fn from_js(js: JsValue) -> DeferredCell {
        DeferredCell { js }
    }

    /// The JS deferred, for calling a handler with it or handing it to JS.
    pub fn as_js(&self) -> &JsValue {
        &self.js
    }

    /// Resolves with the given arguments (only the first settlement counts).
    pub fn resolve(&self, args: &[JsValue]) {
        self.settle_list(1, args);
    }

    /// Rejects with the given arguments (only the first settlement counts).
    pub fn reject(&self, args: &[JsValue]) {
        self.settle_list(2, args);
    }

    /// Settles: `state` 1 resolved, 2 rejected, with the items of the array-like `args` and
    /// `context` as `this` for the callbacks. Returns whether this call settled it.
    pub fn settle(&self, state: u8, args: &JsValue, context: JsValue) -> bool {
        host::with(|h| h.settle(&self.js, state, args, &context)).unwrap_or(false)
    }

    fn settle_list(&self, state: u8, args: &[JsValue]) {
        match args {
            [one] => {
                host::with(|h| h.settle_one(&self.js, state, one));
            }
            many => {
                let list: Array = many.iter().collect();
                self.settle(state, &list, JsValue::UNDEFINED);
            }
        }
    }

    /// Adds listeners: `kind` 0 done, 1 fail, 2 always, 3 progress. `fns` is a function or an
    /// array of functions (nested as deep as given); other values are ignored.
    pub fn listen(&self, kind: u8, fns: &JsValue) {
        host::with(|h| h.listen(&self.js, kind, fns));
    }
}

impl From<DeferredCell> for JsValue {
    fn from(cell: DeferredCell) -> JsValue {
        cell.js
    }
}
