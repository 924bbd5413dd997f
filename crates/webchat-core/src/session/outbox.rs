//! The output queues every session keeps: IO for the glue, events for the machine, and the
//! request-id counter. Sessions push here and the trait's `poll_*` methods pop.

use std::collections::VecDeque;

use super::{Io, OpId, OpOutcome, SessionEvent};
use crate::drive::RequestId;
use crate::http::HttpRequest;

/// Queued outputs of one session.
#[derive(Debug, Default)]
pub struct Outbox {
    io: VecDeque<Io>,
    events: VecDeque<SessionEvent>,
    next_request: u64,
}

impl Outbox {
    /// An outbox whose request ids start after `first`, so that two sessions feeding one glue
    /// (a session and the REST session it delegates file calls to) never share an id.
    pub fn ids_after(first: u64) -> Self {
        Self {
            next_request: first,
            ..Self::default()
        }
    }

    /// Queues `request` and returns the id its answer will carry.
    pub fn http(&mut self, request: HttpRequest) -> RequestId {
        let id = self.next_id();
        self.io.push_back(Io::Http { id, request });
        id
    }

    /// Queues a download of `request`, saved as `file_name`.
    pub fn download(&mut self, request: HttpRequest, file_name: String) -> RequestId {
        let id = self.next_id();
        self.io.push_back(Io::Download {
            id,
            request,
            file_name,
        });
        id
    }

    /// Queues any other IO (socket actions).
    pub fn io(&mut self, io: Io) {
        self.io.push_back(io);
    }

    /// Queues an event.
    pub fn event(&mut self, event: SessionEvent) {
        self.events.push_back(event);
    }

    /// Queues the end of operation `op`.
    pub fn finish(&mut self, op: OpId, outcome: OpOutcome) {
        self.event(SessionEvent::Finished { op, outcome });
    }

    /// The next IO, oldest first.
    pub fn pop_io(&mut self) -> Option<Io> {
        self.io.pop_front()
    }

    /// The next event, oldest first.
    pub fn pop_event(&mut self) -> Option<SessionEvent> {
        self.events.pop_front()
    }

    fn next_id(&mut self) -> RequestId {
        self.next_request = self.next_request.wrapping_add(1);
        RequestId(self.next_request)
    }
}
