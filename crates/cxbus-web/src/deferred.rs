//! The deferred behind every command promise, exported to JavaScript as `DeferredCell`.
//!
//! The shim wraps a cell in the customer-facing promise and deferred objects (whose variadic,
//! chainable methods are easiest in JS); the state machine itself is `cxbus_core::deferred`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use cxbus_core::deferred::{Deferred, Fire, Listen, State};
use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;

use crate::{host, safe};

/// One command's deferred. Cloning shares the same state.
#[wasm_bindgen]
#[derive(Clone, Default)]
pub struct DeferredCell {
    shared: Rc<CellState>,
}

/// What every copy of a cell shares, in one allocation (a command makes two cells, its own and
/// its `then`'s, so the round trip pays for each allocation and reference count here).
#[derive(Default)]
struct CellState {
    inner: RefCell<Deferred<JsValue, Function>>,
    /// `this` for callbacks, from `resolveWith`/`rejectWith` (undefined otherwise).
    context: RefCell<JsValue>,
    /// The bus-monitor record to report the outcome to, if any.
    monitor: Cell<Option<f64>>,
}

#[wasm_bindgen]
impl DeferredCell {
    /// A pending deferred.
    #[wasm_bindgen(constructor)]
    pub fn new() -> DeferredCell {
        DeferredCell::default()
    }

    /// Adds listeners: `kind` 0 done, 1 fail, 2 always, 3 progress. `fns` is an array-like of
    /// functions or arrays of functions (nested as deep as given); other values are ignored.
    pub fn listen(&self, kind: u8, fns: &JsValue) {
        let kind = listen_kind(kind);
        let mut found = Vec::new();
        collect_functions(fns, &mut found, MAX_NESTING);
        for callback in found {
            let fire = self.shared.inner.borrow_mut().listen(kind, callback);
            if let Some(fire) = fire {
                run(fire, &self.context());
            }
        }
    }

    /// Adds one listener function (the common case, without an argument list to walk).
    #[wasm_bindgen(js_name = listenOne)]
    pub fn listen_one(&self, kind: u8, callback: Function) {
        let fire = self
            .shared
            .inner
            .borrow_mut()
            .listen(listen_kind(kind), callback);
        if let Some(fire) = fire {
            run(fire, &self.context());
        }
    }

    /// Settles: `state` 1 resolved, 2 rejected, with the array-like `args`. Later calls are
    /// ignored. Returns whether this call settled it.
    /// `context` is `this` for the callbacks (`resolveWith`); pass undefined otherwise.
    pub fn settle(&self, state: u8, args: &JsValue, context: JsValue) -> bool {
        // The arguments are read first: an array-like's getters are page code.
        self.settle_list(state, to_vec(args), context)
    }

    /// Settles with exactly one argument (the common `resolve(value)`): no argument list to
    /// build in JavaScript and read back here.
    #[wasm_bindgen(js_name = settleOne)]
    pub fn settle_one(&self, state: u8, value: JsValue) -> bool {
        self.settle_list(state, vec![value], JsValue::UNDEFINED)
    }

    /// Progress with the array-like `args`, while pending; `context` is `this`.
    pub fn notify(&self, args: &JsValue, context: JsValue) {
        let args = to_vec(args);
        let fire = self.shared.inner.borrow_mut().notify(args);
        if let Some(fire) = fire {
            run(fire, &context);
        }
    }

    /// 0 pending, 1 resolved, 2 rejected.
    pub fn state(&self) -> u8 {
        match self.shared.inner.borrow().state() {
            State::Pending => 0,
            State::Resolved => 1,
            State::Rejected => 2,
        }
    }
}

impl DeferredCell {
    /// Resolves with the given arguments (Rust side).
    pub fn resolve(&self, args: &[JsValue]) {
        self.settle_list(1, args.to_vec(), JsValue::UNDEFINED);
    }

    /// Rejects with the given arguments (Rust side).
    pub fn reject(&self, args: &[JsValue]) {
        self.settle_list(2, args.to_vec(), JsValue::UNDEFINED);
    }

    /// Settles with `args` already read: `state` 1 resolved, otherwise rejected. Only the first
    /// settlement counts; the monitor hears of it before the listeners run.
    fn settle_list(&self, state: u8, args: Vec<JsValue>, context: JsValue) -> bool {
        let (outcome, code) = if state == 1 {
            (State::Resolved, 1)
        } else {
            (State::Rejected, 2)
        };
        let fire = self.shared.inner.borrow_mut().settle(outcome, args);
        let Some(fire) = fire else { return false };
        *self.shared.context.borrow_mut() = context.clone();
        if let Some(id) = self.shared.monitor.take() {
            let reason = fire.args.first().cloned().unwrap_or_default();
            host::with(|h| h.record_settled(id, code, &reason));
        }
        run(fire, &context);
        true
    }

    /// Reports this deferred's outcome to the bus monitor under record `id`.
    pub fn watch(&self, id: f64) {
        self.shared.monitor.set(Some(id));
    }

    /// `this` for callbacks, copied out so no borrow is held while they run.
    fn context(&self) -> JsValue {
        self.shared.context.borrow().clone()
    }

    /// Whether the deferred is still pending.
    pub fn is_pending(&self) -> bool {
        self.shared.inner.borrow().state() == State::Pending
    }
}

fn listen_kind(kind: u8) -> Listen {
    match kind {
        0 => Listen::Done,
        1 => Listen::Fail,
        2 => Listen::Always,
        _ => Listen::Progress,
    }
}

/// The arguments as a list, read from an array or array-like without letting a getter's throw
/// through (see [`safe::items`]).
fn to_vec(args: &JsValue) -> Vec<JsValue> {
    safe::items(args)
}

/// How deep arrays of callbacks may nest; deeper (or self-containing) arrays are ignored.
const MAX_NESTING: u8 = 8;

fn collect_functions(value: &JsValue, found: &mut Vec<Function>, depth: u8) {
    if let Some(function) = value.dyn_ref::<Function>() {
        found.push(function.clone());
    } else if depth > 0 && safe::is_array(value) {
        for item in safe::items(value) {
            collect_functions(&item, found, depth - 1);
        }
    }
}

/// Calls each callback with the arguments. A callback that throws is reported and does not
/// stop the others.
/// Calls one callback with the settled arguments.
type CallOne<'a> = dyn Fn(&Function) -> Result<JsValue, JsValue> + 'a;

fn run(fire: Fire<JsValue, Function>, context: &JsValue) {
    let call: Box<CallOne> = match fire.args.as_slice() {
        [] => Box::new(|f| f.call0(context)),
        [one] => Box::new(move |f| f.call1(context, one)),
        many => {
            let args: Array = many.iter().collect();
            Box::new(move |f| f.apply(context, &args))
        }
    };
    for callback in fire.callbacks {
        if let Err(error) = call(&callback) {
            host::report("a promise callback threw", &error);
        }
    }
}
