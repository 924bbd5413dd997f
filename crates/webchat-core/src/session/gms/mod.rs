//! GMS Chat API v2 over REST: placeholder while the codec moves here from `transport::gms`.

use super::outbox::Outbox;
use super::{Io, Op, OpId, Session, SessionEvent, SocketEvent};
use crate::capabilities::Capabilities;
use crate::command::Environment;
use crate::config::{GmsConfig, WebChatConfig};
use crate::drive::RequestId;
use crate::http::HttpOutcome;
use crate::json;
use crate::json::Json;

/// The GMS v2 REST session.
#[derive(Debug)]
pub struct GmsSession {
    out: Outbox,
}

impl GmsSession {
    /// A session for `gms`.
    pub fn new(_gms: &GmsConfig, _config: &WebChatConfig, _env: &Environment) -> Self {
        Self {
            out: Outbox::default(),
        }
    }
}

impl Session for GmsSession {
    fn capabilities(&self) -> Capabilities {
        Capabilities::GMS_REST
    }
    fn begin(&mut self, _op: OpId, _what: Op, _now: u64) {}
    fn handle_http(&mut self, _id: RequestId, _outcome: HttpOutcome, _now: u64) {}
    fn handle_socket(&mut self, _event: SocketEvent, _now: u64) {}
    fn handle_timeout(&mut self, _now: u64) {}
    fn poll_io(&mut self) -> Option<Io> {
        self.out.pop_io()
    }
    fn poll_event(&mut self) -> Option<SessionEvent> {
        self.out.pop_event()
    }
    fn poll_timeout(&self) -> Option<u64> {
        None
    }
    fn record(&self) -> Option<Json> {
        None
    }
    fn resume(&mut self, _record: &Json) -> bool {
        false
    }
    fn reset(&mut self) {}
    fn session_data(&self) -> Json {
        json!({})
    }
}
