//! The core's four timers, on `setTimeout`.
//!
//! Each timer kind has one callback, created when the service starts and owned by [`Timers`]
//! until it is dropped (which also clears every pending timeout). Setting a timer only swaps the
//! timeout id, so no callback is ever dropped while it runs, even when the core re-arms the timer
//! from inside its own firing.

use std::cell::Cell;

use wasm_bindgen::prelude::*;
use webchat_core::Timer;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &JsValue, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// All the kinds, in slot order.
const KINDS: [Timer; 4] = [
    Timer::Poll,
    Timer::TypingIdle,
    Timer::AgentTyping,
    Timer::Reconnect,
];

fn slot(timer: Timer) -> usize {
    match timer {
        Timer::Poll => 0,
        Timer::TypingIdle => 1,
        Timer::AgentTyping => 2,
        Timer::Reconnect => 3,
    }
}

struct Slot {
    callback: Closure<dyn FnMut()>,
    pending: Cell<Option<f64>>,
}

/// One `setTimeout` slot per [`Timer`].
pub struct Timers {
    slots: Vec<Slot>,
}

impl Timers {
    /// Timers whose firing calls `fire(timer)`.
    pub fn new(fire: impl Fn(Timer) + Clone + 'static) -> Self {
        let slots = KINDS
            .iter()
            .map(|&timer| {
                let fire = fire.clone();
                Slot {
                    callback: Closure::new(move || fire(timer)),
                    pending: Cell::new(None),
                }
            })
            .collect();
        Self { slots }
    }

    /// Starts (or restarts) `timer`.
    pub fn set(&self, timer: Timer, after_ms: u64) {
        self.cancel(timer);
        if let Some(s) = self.slots.get(slot(timer)) {
            let id = set_timeout(s.callback.as_ref(), after_ms as f64);
            s.pending.set(id.as_f64());
        }
    }

    /// Stops `timer` if it is pending.
    pub fn cancel(&self, timer: Timer) {
        if let Some(s) = self.slots.get(slot(timer))
            && let Some(id) = s.pending.take()
        {
            clear_timeout(&JsValue::from_f64(id));
        }
    }
}

impl Drop for Timers {
    fn drop(&mut self) {
        for timer in KINDS {
            self.cancel(timer);
        }
    }
}
