//! The web layer of WebChatService: it registers the plugin on the CXBus runtime and carries out
//! what the pure core (`webchat-core`) decides, with `fetch`, `setTimeout`, `localStorage`, DOM
//! listeners and `RegExp`.
//!
//! A bus command arrives as a JS payload, is decoded into a core `Command` (live values such as
//! `File`s, a RegExp or a preprocessor function are inspected here and kept beside the call), and
//! is fed to `WebChat::handle`. The returned effects run in order: requests, socket actions,
//! storage, events, and the settling of the caller's promise; then the one timer is armed at the
//! core's next deadline (`WebChat::poll_timeout`).
//!
//! ```no_run
//! # fn demo(runtime: &cxbus_web::Runtime) {
//! // In the bundle's entry point, right after the bus runtime starts:
//! webchat_web::install(runtime);
//! // On `App.ready` it configures itself from `_genesys.widgets.webchat`, calls `ready()` and
//! // republishes `WebChatService.ready`; customer code then drives it through the bus:
//! //   CXBus.command('WebChatService.startChat', {nickname: 'Jonny'})
//! # }
//! ```

#[cfg(feature = "chat-api")]
mod chat_api;
mod commands;
mod convert;
#[cfg(feature = "v3")]
mod cookie;
mod error;
mod fetch;
mod matcher;
mod online;
mod page;
mod preview;
mod service;
mod socket;
mod storage;
mod timer_slot;
mod wire_io;

use std::cell::RefCell;
use std::rc::Rc;

use cxbus_web::{PluginHandle, Runtime};

#[cfg(feature = "chat-api")]
pub use chat_api::ChatServiceSession;
pub use error::WebError;
pub use service::{NAME, Service};

thread_local! {
    /// The page's service. The bus holds only weak references, so this owns it.
    static INSTALLED: RefCell<Option<Rc<Service>>> = const { RefCell::new(None) };
}

/// Registers WebChatService on `runtime`'s bus and keeps it for the life of the page. Returns
/// `false` (and changes nothing) if the name is already taken.
pub fn install(runtime: &Runtime) -> bool {
    let Some(plugin) = PluginHandle::register(runtime.shared(), NAME) else {
        return false;
    };
    let service = Service::install(plugin, runtime.app().clone());
    INSTALLED.with(|s| *s.borrow_mut() = Some(service));
    true
}
