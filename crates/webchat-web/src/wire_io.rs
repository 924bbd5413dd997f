//! Carrying out a session's IO effects (requests, downloads, the one WebSocket) and feeding what
//! happens back as core inputs. Shared by WebChatService (`service.rs`) and the Chat Service JS
//! API (`chat_api.rs`), which drive the same core machine.

use std::cell::RefCell;
use std::rc::Rc;

use cxbus_web::host;
use wasm_bindgen::JsValue;
use webchat_core::{Effect, Input, SocketAction, SocketEvent};

use crate::fetch::{self, FileLookup};
use crate::socket::Socket;

/// Where answers go: the owner's `feed`, holding only a weak reference to it.
pub type Feed = Rc<dyn Fn(Input)>;

/// The IO of one machine: its WebSocket handle (dropping it detaches its listeners).
#[derive(Default)]
pub struct WireIo {
    socket: RefCell<Option<Rc<Socket>>>,
}

impl WireIo {
    /// Runs `effect` if it is IO (`Http`, `Download`, `Socket`) and returns `None`; any other
    /// effect is handed back. `files` supplies sendFile's files; `who` names the owner in the
    /// one console report.
    pub fn run(
        &self,
        effect: Effect,
        feed: &Feed,
        files: FileLookup<'_>,
        who: &str,
    ) -> Option<Effect> {
        match effect {
            Effect::Http { id, request } => {
                let prepared = fetch::prepare(&request, files);
                let feed = feed.clone();
                fetch::send(prepared, move |outcome| feed(Input::Http { id, outcome }));
            }
            Effect::Download {
                id,
                request,
                file_name,
            } => {
                let prepared = fetch::prepare(&request, &|_, _| None);
                let feed = feed.clone();
                fetch::download(prepared, file_name, move |outcome| {
                    feed(Input::Http { id, outcome });
                });
            }
            Effect::Socket(action) => self.socket(action, feed, who),
            other => return Some(other),
        }
        None
    }

    /// Sends a text frame on the open socket, if there is one.
    fn send_frame(&self, text: &str) {
        let socket = self.socket.borrow().clone();
        if let Some(socket) = socket {
            socket.send(text);
        }
    }

    fn socket(&self, action: SocketAction, feed: &Feed, who: &str) {
        match action {
            SocketAction::Open { url } => {
                // The old handle is dropped (listeners detached, closed) outside the borrow.
                let old = self.socket.replace(None);
                drop(old);
                let events = feed.clone();
                match Socket::open(&url, move |event| events(Input::Socket(event))) {
                    Ok(socket) => *self.socket.borrow_mut() = Some(Rc::new(socket)),
                    Err(_) => {
                        // Not the error itself: its message quotes the URL, whose query may
                        // hold the session's token.
                        let mut text = who.to_owned();
                        text.push_str(" could not open its WebSocket:");
                        host::report(&text, &JsValue::from_str("new WebSocket() threw"));
                        feed(Input::Socket(SocketEvent::Closed { code: 1006 }));
                    }
                }
            }
            SocketAction::Send(text) => self.send_frame(&text),
            SocketAction::SendJson(value) => self.send_frame(&crate::convert::stringify(&value)),
            SocketAction::Close => {
                let old = self.socket.replace(None);
                drop(old);
            }
        }
    }
}
