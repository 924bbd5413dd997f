//! Genesys Cloud guest chat (`purecloud-v2-sockets`): placeholder until the session lands.

use super::outbox::Outbox;
use super::{Io, Op, OpId, OpOutcome, Session, SessionEvent, SocketEvent};
use crate::capabilities::Capabilities;
use crate::config::{CloudConfig, WebChatConfig};
use crate::drive::RequestId;
use crate::http::HttpOutcome;
use crate::json;
use crate::json::Json;

/// The Genesys Cloud guest chat session.
#[derive(Debug)]
pub struct CloudSession {
    out: Outbox,
}

impl CloudSession {
    /// A session for `config`.
    pub fn new(_cloud: &CloudConfig, _config: &WebChatConfig) -> Self {
        Self {
            out: Outbox::default(),
        }
    }
}

impl Session for CloudSession {
    fn capabilities(&self) -> Capabilities {
        Capabilities::CLOUD
    }
    fn begin(&mut self, op: OpId, _what: Op, _now: u64) {
        self.out.finish(
            op,
            OpOutcome::Failed(json!(
                "transport 'purecloud-v2-sockets' is not implemented yet"
            )),
        );
    }
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
