//! The page-side helpers the runtime calls: scheduling, calling user code with the right event
//! objects, logging, script loading and the bus monitor. The shim (`bus-shim/src/`) provides
//! them once, at start, having captured the globals it needs at load time.

use std::cell::RefCell;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The helper object the shim passes to `Runtime::start`.
    pub type HostJs;

    /// Asks for `Runtime.drain` to be called soon, from a fresh (unclamped) task.
    #[wasm_bindgen(method)]
    pub fn schedule(this: &HostJs);

    /// Calls a command handler with `{time, commander, command, deferred, data}` (the names
    /// are those [`HostJs::record_command`] gave the deferred); a handler that throws rejects
    /// the deferred with the error.
    #[wasm_bindgen(method, js_name = runCommand)]
    pub fn run_command(this: &HostJs, handler: &Function, deferred: &JsValue, data: &JsValue);

    /// A new pending deferred (its state lives in JS: `bus-shim/src/deferred.js`).
    #[wasm_bindgen(method, js_name = newDeferred)]
    pub fn new_deferred(this: &HostJs) -> JsValue;

    /// Settles `deferred` (`state` 1 resolved, 2 rejected) with the items of the array-like
    /// `args`, `context` being `this` for its callbacks; whether this call settled it. Callbacks
    /// that throw are reported, never propagated.
    #[wasm_bindgen(method)]
    pub fn settle(
        this: &HostJs,
        deferred: &JsValue,
        state: u8,
        args: &JsValue,
        context: &JsValue,
    ) -> bool;

    /// Settles `deferred` with exactly one argument.
    #[wasm_bindgen(method, js_name = settleOne)]
    pub fn settle_one(this: &HostJs, deferred: &JsValue, state: u8, value: &JsValue) -> bool;

    /// Adds listeners of `kind` (0 done, 1 fail, 2 always, 3 progress) to `deferred`: a function
    /// or arrays of functions.
    #[wasm_bindgen(method)]
    pub fn listen(this: &HostJs, deferred: &JsValue, kind: u8, fns: &JsValue);

    /// Calls each of an array of subscribers in order, with a fresh
    /// `{time, publisher, event, data}` each; `data` missing means a fresh `{}` for each
    /// subscriber. A subscriber that throws is reported and the next one still runs.
    #[wasm_bindgen(method)]
    pub fn deliver(
        this: &HostJs,
        callbacks: &Array,
        publisher: &JsValue,
        event: &JsValue,
        data: &JsValue,
        has_data: bool,
    );

    /// `console.log`, captured at load time.
    #[wasm_bindgen(method)]
    pub fn log(this: &HostJs, text: &str);

    /// `console.error` with a value, captured at load time.
    #[wasm_bindgen(method)]
    pub fn error(this: &HostJs, text: &str, value: &JsValue);

    /// Injects a `<script>`; the promise settles on load or error.
    #[wasm_bindgen(method, js_name = loadScript)]
    pub fn load_script(this: &HostJs, url: &str) -> Promise;

    /// A fresh data entry `{last, value, time}`, defined on `map` as own property `key` (an
    /// ordinary key even for `__proto__`; a frozen map is left as it is). Returns the entry.
    #[wasm_bindgen(method, js_name = dataEntry)]
    pub fn data_entry(
        this: &HostJs,
        map: &JsValue,
        key: &str,
        last: &JsValue,
        value: &JsValue,
        time: f64,
    ) -> JsValue;

    /// `Date.now()`, captured at load time.
    #[wasm_bindgen(method)]
    pub fn now(this: &HostJs) -> f64;

    /// A bus-monitor record: `kind` is `register`, `publish` or `subscribe`.
    #[wasm_bindgen(method)]
    pub fn record(this: &HostJs, kind: &JsValue, plugin: &JsValue, name: &JsValue, retained: bool);

    /// A command was sent: the bus monitor records it and reports `deferred`'s outcome when it
    /// settles (with the debug line for a rejection), and the deferred keeps the two names for
    /// the event object of the handler it goes to ([`HostJs::run_command`]).
    #[wasm_bindgen(method, js_name = recordCommand)]
    pub fn record_command(
        this: &HostJs,
        commander: &JsValue,
        command: &JsValue,
        deferred: &JsValue,
    );

    /// A copy of `value` without the session's secrets (`bus-shim/src/redact.js`).
    #[wasm_bindgen(method, catch, js_name = redact)]
    pub fn redact(this: &HostJs, value: &JsValue) -> Result<JsValue, JsValue>;
}

/// How many names [`name`] keeps as JS strings.
const NAME_CACHE: usize = 128;

thread_local! {
    static NAMES: RefCell<Vec<(String, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// A plugin, command or event name as a JS string, decoded from UTF-8 once and then reused:
/// the same few names cross to JS on every command and delivery. A name found moves to the
/// front, so the names of a busy exchange are found at once however many others are cached.
pub fn name(text: &str) -> JsValue {
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if let Some(at) = names.iter().position(|(known, _)| known == text) {
            if at > 0 {
                let entry = names.remove(at);
                names.insert(0, entry);
            }
            return names[0].1.clone();
        }
        if names.len() >= NAME_CACHE {
            names.clear();
        }
        let value = JsValue::from_str(text);
        names.push((text.to_owned(), value.clone()));
        value
    })
}

thread_local! {
    static HOST: RefCell<Option<HostJs>> = const { RefCell::new(None) };
}

/// Installs the shim's helpers. Called once by `Runtime::start`.
pub fn install(host: HostJs) {
    HOST.with(|slot| *slot.borrow_mut() = Some(host));
}

/// Runs `f` with the helpers, if installed (they always are once the runtime has started).
pub fn with<R>(f: impl FnOnce(&HostJs) -> R) -> Option<R> {
    HOST.with(|slot| slot.borrow().as_ref().map(f))
}

/// Reports an error value on the console.
pub fn report(text: &str, value: &JsValue) {
    with(|host| host.error(text, value));
}

/// A copy of `value` without secrets (keys, tokens, JWTs; in keys, JSON, form text or prose),
/// for data published to every subscriber; `undefined` if the copy cannot be made.
pub fn without_secrets(value: &JsValue) -> JsValue {
    with(|host| host.redact(value).unwrap_or_default()).unwrap_or_default()
}

/// `Date.now()`.
pub fn now() -> f64 {
    with(|host| host.now()).unwrap_or(0.0)
}
