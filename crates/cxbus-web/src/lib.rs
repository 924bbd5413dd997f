//! The WebAssembly binding of the CXBus core.
//!
//! It is thin on purpose: the pure `cxbus-core` decides, this crate only carries JavaScript
//! values in and out, runs the task queue with no borrow held, loads scripts and runs the App
//! bootstrap. The customer-facing objects (`window.CXBus`, plugin interfaces, promises) are
//! built by the shim in `bus-shim/src/`, which calls the exported [`Runtime`].
//!
//! Built-in Rust plugins use [`PluginHandle`]:
//!
//! ```no_run
//! # fn demo(runtime: &cxbus_web::Runtime) {
//! use cxbus_web::{Access, PluginHandle};
//! let plugin = PluginHandle::register(runtime.shared(), "Greeter").expect("a fresh name");
//! plugin.on_command("hello", Access::Public, |call| {
//!     call.reply.resolve(&[format!("hello, {}", call.commander).into()]);
//! });
//! plugin.ready();
//! plugin.republish("ready", wasm_bindgen::JsValue::UNDEFINED);
//! # }
//! ```

mod app;
mod callback;
mod deferred;
mod exports;
pub mod host;
mod loader;
mod plugin;
mod runtime;
pub mod safe;

pub use app::{App, text as app_text};
pub use callback::{Callback, CommandCall, Web};
pub use cxbus_core::Access;
pub use deferred::DeferredCell;
pub use exports::{Runtime, current};
pub use plugin::PluginHandle;
pub use runtime::{PublishMode, Shared, is_object};
