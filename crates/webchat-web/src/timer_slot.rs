//! One `setTimeout` armed at an absolute deadline: the host side of a session's `poll_timeout`.
//!
//! [`TimerSlot`] owns its callback from creation to drop, and arming only swaps the pending
//! timeout: the callback is never freed while it runs, so the owner may re-arm
//! from inside the firing. Dropping the slot clears the pending timeout.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &JsValue, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// The longest delay `setTimeout` honours (2^31 − 1 ms, about 24.8 days); longer ones fire at once.
const MAX_DELAY_MS: f64 = 2_147_483_647.0;

/// The armed deadline (epoch ms) and its timeout id.
type Pending = Rc<Cell<Option<(u64, JsValue)>>>;

/// A single timer slot: at most one pending deadline, which calls `fire` when it passes.
pub struct TimerSlot {
    callback: Closure<dyn FnMut()>,
    pending: Pending,
}

impl TimerSlot {
    /// An unarmed slot whose firing calls `fire`.
    pub fn new(fire: impl Fn() + 'static) -> Self {
        let pending: Pending = Rc::default();
        let fired = pending.clone();
        let callback = Closure::<dyn FnMut()>::new(move || {
            // Empty before calling out, so `fire` can arm again, even at the same deadline.
            fired.set(None);
            fire();
        });
        Self { callback, pending }
    }

    /// Fires at `at_ms` (epoch ms, as `Date.now()`), replacing any other pending deadline. A
    /// passed deadline fires on the next turn of the event loop; one further away than
    /// `setTimeout` allows fires early, at the limit.
    pub fn arm(&self, at_ms: u64) {
        match self.pending.take() {
            Some((at, id)) if at == at_ms => {
                self.pending.set(Some((at, id)));
                return;
            }
            Some((_, id)) => clear_timeout(&id),
            None => {}
        }
        let delay = (at_ms as f64 - cxbus_web::host::now()).clamp(0.0, MAX_DELAY_MS);
        let id = set_timeout(self.callback.as_ref(), delay);
        self.pending.set(Some((at_ms, id)));
    }

    /// Arms at `deadline`, or disarms when there is none (a core's `poll_timeout()`).
    pub fn set(&self, deadline: Option<u64>) {
        match deadline {
            Some(at) => self.arm(at),
            None => self.disarm(),
        }
    }

    /// Clears the pending deadline, if any.
    pub fn disarm(&self) {
        if let Some((_, id)) = self.pending.take() {
            clear_timeout(&id);
        }
    }
}

impl Drop for TimerSlot {
    fn drop(&mut self) {
        self.disarm();
    }
}
