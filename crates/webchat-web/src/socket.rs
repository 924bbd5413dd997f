//! The session's WebSocket, as an owned handle.
//!
//! [`Socket`] owns one `WebSocket` and the four listener closures on it, and turns its events
//! into the core's [`SocketEvent`]s. Dropping it detaches every listener before closing the
//! socket, so a dropped socket never calls back: the session's "close, then maybe reopen" needs
//! no generation counters. `Closed` is always the last event, and comes once: a failure fires
//! `error` and then `close`, and only the first becomes `Closed`.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{CloseEvent, MessageEvent, WebSocket};
use webchat_core::{ResponseBody, SocketEvent};

use crate::convert;

/// The close code reported when the socket fails (`error`) instead of closing.
const ABNORMAL: u16 = 1006;

/// One open (or opening) WebSocket; dropping it detaches its listeners and closes it.
pub struct Socket {
    ws: WebSocket,
    /// The open, message, close and error listeners. Never read: the socket's `on*` properties
    /// only point at them, and this field keeps them alive until the socket is dropped.
    _listeners: Listeners,
}

type Listeners = (
    Closure<dyn FnMut()>,
    Closure<dyn FnMut(MessageEvent)>,
    Closure<dyn FnMut(CloseEvent)>,
    Closure<dyn FnMut()>,
);

impl Socket {
    /// Connects to `url`; `on_event` gets its events, always from the event loop and never from
    /// inside a `Socket` method. Fails with what `new WebSocket(url)` threw (a malformed or
    /// non-`ws(s)` URL, a blocked port).
    pub fn open(url: &str, on_event: impl Fn(SocketEvent) + 'static) -> Result<Socket, JsValue> {
        let ws = WebSocket::new(url)?;
        let on_event: Rc<dyn Fn(SocketEvent)> = Rc::new(on_event);
        // Set once `Closed` has been reported; everything after it is dropped.
        let closed = Rc::new(Cell::new(false));

        let on_open = {
            let (on_event, closed) = (on_event.clone(), closed.clone());
            Closure::<dyn FnMut()>::new(move || {
                if !closed.get() {
                    on_event(SocketEvent::Opened);
                }
            })
        };
        let on_message = {
            let (on_event, closed) = (on_event.clone(), closed.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                // Binary frames (a Blob or an ArrayBuffer) are not part of any protocol here.
                if !closed.get()
                    && let Some(text) = e.data().as_string()
                {
                    on_event(SocketEvent::Frame(ResponseBody {
                        json: convert::parse(&text),
                        text,
                        retry_after_s: None,
                    }));
                }
            })
        };
        let on_close = {
            let (on_event, closed) = (on_event.clone(), closed.clone());
            Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
                if !closed.replace(true) {
                    on_event(SocketEvent::Closed { code: e.code() });
                }
            })
        };
        let on_error = Closure::<dyn FnMut()>::new(move || {
            if !closed.replace(true) {
                on_event(SocketEvent::Closed { code: ABNORMAL });
            }
        });

        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Socket {
            ws,
            _listeners: (on_open, on_message, on_close, on_error),
        })
    }

    /// Sends `text` as one text frame; `false` if the socket is not open or the send threw.
    pub fn send(&self, text: &str) -> bool {
        self.ws.ready_state() == WebSocket::OPEN && self.ws.send_with_str(text).is_ok()
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        // Detach first: `close()` queues a `close` event that must not reach a dropped owner.
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close();
        // The listeners are freed after this, with the fields. One that is running right now
        // (its owner dropped the socket from inside `on_event`) is freed when it returns.
    }
}
