//! The browser's `online` and `offline` window events, fed to the core as
//! [`webchat_core::Input::Online`] so that the outbox holds messages while the browser is offline
//! and sends them as soon as it is back. [`OnlineWatcher`] owns the listeners; its `Drop`
//! removes them.

use wasm_bindgen::prelude::*;
use web_sys::Window;

/// The two window listeners.
pub struct OnlineWatcher {
    window: Window,
    online: Closure<dyn FnMut()>,
    offline: Closure<dyn FnMut()>,
}

impl OnlineWatcher {
    /// Starts listening; `on_change(true)` when the browser goes online, `false` offline. When
    /// `navigator.onLine` is already `false`, `on_change(false)` is called once at once.
    pub fn new(on_change: impl Fn(bool) + Clone + 'static) -> Option<Self> {
        let window = web_sys::window()?;
        let up = on_change.clone();
        let online = Closure::<dyn FnMut()>::new(move || up(true));
        let down = on_change.clone();
        let offline = Closure::<dyn FnMut()>::new(move || down(false));
        let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        let _ =
            window.add_event_listener_with_callback("offline", offline.as_ref().unchecked_ref());
        if !window.navigator().on_line() {
            on_change(false);
        }
        Some(Self {
            window,
            online,
            offline,
        })
    }
}

impl Drop for OnlineWatcher {
    fn drop(&mut self) {
        let w = &self.window;
        let _ =
            w.remove_event_listener_with_callback("online", self.online.as_ref().unchecked_ref());
        let _ =
            w.remove_event_listener_with_callback("offline", self.offline.as_ref().unchecked_ref());
    }
}
