//! The event stream: opening, the heartbeat watchdog, reconnecting, and the frames themselves.

use super::wire::{Frame, REOPEN_MS, STALL_MS, classify};
use super::{CloudSession, Pending, Purpose, Socket};
use crate::drive::SocketAction;
use crate::http::{HttpOutcome, ajax_error};
use crate::json::Json;
use crate::session::{Io, Link, OpOutcome, SessionEvent, SocketEvent};

impl CloudSession {
    /// Opens the event stream now.
    pub(super) fn open_socket(&mut self, now: u64) {
        let Some(chat) = &self.chat else { return };
        let url = chat.stream.clone();
        self.out.io(Io::Socket(SocketAction::Open { url }));
        self.socket = Socket::Opening { since: now };
    }

    /// Reopens the stream after [`REOPEN_MS`], reporting the loss once.
    pub(super) fn retry_later(&mut self, now: u64) {
        self.socket = Socket::Waiting {
            until: now.saturating_add(REOPEN_MS),
        };
    }

    pub(super) fn socket_event(&mut self, event: SocketEvent, now: u64) {
        match (event, self.socket) {
            (SocketEvent::Opened, Socket::Opening { .. }) => self.opened(now),
            (SocketEvent::Frame(body), Socket::Open { .. }) => {
                self.socket = Socket::Open { heard: now };
                if let Some(frame) = body.json {
                    self.frame(&frame, now);
                }
            }
            (SocketEvent::Closed { .. }, Socket::Opening { .. } | Socket::Open { .. }) => {
                self.socket = Socket::Closed;
                self.lost(now);
            }
            // Late news of a socket we closed or never asked for.
            _ => {}
        }
    }

    pub(super) fn timeout(&mut self, now: u64) {
        match self.socket {
            Socket::Opening { since: at } | Socket::Open { heard: at }
                if now >= at.saturating_add(STALL_MS) =>
            {
                self.close_socket();
                self.lost(now);
            }
            Socket::Waiting { until } if now >= until => self.open_socket(now),
            _ => {}
        }
    }

    fn opened(&mut self, now: u64) {
        self.socket = Socket::Open { heard: now };
        let starting = self.chat.as_mut().and_then(|c| c.starting.take());
        if let Some((op, answer)) = starting {
            if let Some(request) = self.get(&["/members/", &self.directory.me.clone()]) {
                self.send(request, Pending::Attach { op, answer });
            }
        } else if self.disconnected {
            self.disconnected = false;
            self.out.event(SessionEvent::Link(Link::Reconnected));
            self.start_walk(Purpose::CatchUp(None));
        }
    }

    /// The socket died (it closed, or the watchdog gave up on it).
    fn lost(&mut self, now: u64) {
        let starting = self.chat.as_mut().and_then(|c| c.starting.take());
        if let Some((op, _)) = starting {
            let error = ajax_error(&HttpOutcome::NetworkError);
            self.out.finish(op, OpOutcome::Unreachable(error));
            self.forget();
            return;
        }
        if !self.disconnected {
            self.disconnected = true;
            self.out.event(SessionEvent::Link(Link::Disconnected));
        }
        self.retry_later(now);
    }

    fn frame(&mut self, frame: &Json, _now: u64) {
        let Some(chat) = &self.chat else { return };
        match classify(frame, &chat.conversation) {
            Frame::Message(body) => {
                if let (Some(chat), Some(id)) = (self.chat.as_mut(), body["id"].as_str()) {
                    chat.last_message = Some(id.to_owned());
                }
                self.hold_wire(body, false);
                self.release();
            }
            Frame::Typing(body) => {
                self.hold_wire(body, true);
                self.release();
            }
            Frame::MemberChange { id, state } if id == self.directory.me => {
                if state == "DISCONNECTED" {
                    self.ended_by_server();
                }
            }
            Frame::MemberChange { id, .. } => self.lookup(&id),
            Frame::Other => {}
        }
    }

    /// Our member was disconnected: publish what waits, then the end, then forget the chat.
    fn ended_by_server(&mut self) {
        super::held::release(&mut self.held, &self.directory, &mut self.out, true);
        self.out.event(SessionEvent::Ended);
        self.forget();
    }
}
