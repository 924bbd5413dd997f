//! The bundles' entry point: every `dist/widgets-<bundle>.wasm` is this crate, built with the
//! features of that bundle (see Cargo.toml).
//!
//! The shim instantiates the module and calls [`start`], which creates the bus runtime (with
//! `CXBus`, `App` and `QuickBus`) and installs the built-in plugins (WebChatService). Everything
//! else the shim needs is exported by `cxbus-web`.

use cxbus_web::Runtime;
use cxbus_web::host::HostJs;
use wasm_bindgen::prelude::*;

pub use cxbus_web::{DeferredCell, Runtime as BusRuntime};

/// Starts the runtime with the shim's helpers and the live registry object.
#[wasm_bindgen]
pub fn start(host: HostJs, registry: js_sys::Object) -> Runtime {
    let runtime = Runtime::create(host, registry);
    #[cfg(feature = "chat")]
    webchat_web::install(&runtime);
    runtime
}

/// The module's allocator: talc instead of Rust's default dlmalloc.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
