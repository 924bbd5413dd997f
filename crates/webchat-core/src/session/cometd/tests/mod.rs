//! Behaviour tests of the CometD session, driven only through the `Session` trait with frames
//! recorded from the emulator (`frames/`; ids and the client id made stable).

mod chat;
mod fuzz;
mod link;

use super::CometSession;
use crate::command::Environment;
use crate::config::{CometConfig, GmsConfig, TransportConfig, WebChatConfig};
use crate::drive::{RequestId, SocketAction};
use crate::http::{Body, HttpOutcome, HttpRequest};
use crate::json::{Json, Object, testing};
use crate::session::{Io, Op, OpId, OpOutcome, Session, SessionEvent, SocketEvent, StartForm};

const T0: u64 = 1_000_000;
const COMET: &str = "http://gms.example.com/genesys/cometd";
const DATA_URL: &str = "http://gms.example.com/genesys/2/chat/customer-support";
const CHANNEL: &str = "/service/chatV2/customer-support";

/// A recorded frame with its message ids replaced (`("4", "7")`: id 4 becomes 7).
fn frame(name: &str, ids: &[(&str, &str)]) -> String {
    let text = match name {
        "connect_402" => include_str!("frames/connect_402.json"),
        "connect_ended" => include_str!("frames/connect_ended.json"),
        "connect_first" => include_str!("frames/connect_first.json"),
        "connect_push" => include_str!("frames/connect_push.json"),
        "connect_push2" => include_str!("frames/connect_push2.json"),
        "handshake" => include_str!("frames/handshake.json"),
        "replay" => include_str!("frames/replay.json"),
        "replay_unknown" => include_str!("frames/replay_unknown.json"),
        "request_chat" => include_str!("frames/request_chat.json"),
        "send_message" => include_str!("frames/send_message.json"),
        "send_too_long" => include_str!("frames/send_too_long.json"),
        "subscribe" => include_str!("frames/subscribe.json"),
        other => panic!("no frame {other}"),
    };
    let mut text = text.trim().to_owned();
    for (from, to) in ids {
        text = text.replace(
            &crate::http::concat(&[r#""id":""#, from, r#"""#]),
            &crate::http::concat(&[r#""id":"__"#, to, r#"""#]),
        );
    }
    text.replace(r#""id":"__"#, r#""id":""#)
}

fn config(websocket: bool) -> (GmsConfig, WebChatConfig) {
    let gms = GmsConfig {
        data_url: DATA_URL.into(),
        apikey: None,
        endpoint: None,
        enable_custom_header: false,
        with_credentials: false,
        comet: Some(CometConfig {
            comet_url: COMET.into(),
            channel: None,
            websocket_enabled: websocket,
        }),
    };
    let chat = WebChatConfig {
        user_data: Object::new(),
        ajax_timeout_ms: 3_000,
        poll_exception_limit: 3,
        restore_timeout_ms: 60_000,
        transport: TransportConfig::Gms(gms.clone()),
        outbox: Default::default(),
    };
    (gms, chat)
}

/// A message the session sent: over HTTP (with its request id) or as a socket frame.
#[derive(Debug, Clone)]
struct Sent {
    request: Option<(RequestId, HttpRequest)>,
    messages: Vec<Json>,
}

impl Sent {
    fn channel(&self) -> &str {
        self.messages
            .first()
            .and_then(|m| m.get("channel"))
            .and_then(Json::as_str)
            .unwrap_or_default()
    }

    fn id(&self) -> String {
        self.messages
            .first()
            .and_then(|m| m.get("id"))
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    fn data(&self) -> Json {
        self.messages
            .first()
            .and_then(|m| m.get("data"))
            .cloned()
            .unwrap_or(Json::Null)
    }

    fn rid(&self) -> RequestId {
        self.request
            .as_ref()
            .map(|(id, _)| *id)
            .expect("sent over HTTP")
    }
}

struct Harness {
    session: CometSession,
    now: u64,
    next_op: u64,
    sockets: Vec<SocketAction>,
}

impl Harness {
    fn new(websocket: bool) -> Self {
        let (gms, chat) = config(websocket);
        Self {
            session: CometSession::new(&gms, &chat, &Environment::default()),
            now: T0,
            next_op: 0,
            sockets: Vec::new(),
        }
    }

    fn begin(&mut self, op: Op) -> OpId {
        self.next_op += 1;
        let id = OpId(self.next_op);
        self.session.begin(id, op, self.now);
        id
    }

    fn start(&mut self) -> OpId {
        let form = StartForm {
            nickname: Some("Jonny".into()),
            ..StartForm::default()
        };
        self.begin(Op::Start {
            form,
            user_data: Object::new(),
        })
    }

    /// Everything the session wants sent, in order (socket actions other than sends kept aside).
    fn sent(&mut self) -> Vec<Sent> {
        let mut out = Vec::new();
        while let Some(io) = self.session.poll_io() {
            match io {
                Io::Http { id, request } => {
                    let messages = match &request.body {
                        Body::Json(Json::Array(a)) => a.clone(),
                        _ => Vec::new(),
                    };
                    out.push(Sent {
                        request: Some((id, request)),
                        messages,
                    });
                }
                Io::Socket(SocketAction::SendJson(mut sent)) if sent.is_array() => {
                    let messages = match &mut sent {
                        Json::Array(items) => std::mem::take(items),
                        _ => Vec::new(),
                    };
                    out.push(Sent {
                        request: None,
                        messages,
                    });
                }
                Io::Socket(action) => self.sockets.push(action),
                Io::Download { .. } => {}
            }
        }
        out
    }

    fn events(&mut self) -> Vec<SessionEvent> {
        std::iter::from_fn(|| self.session.poll_event()).collect()
    }

    fn answer(&mut self, id: RequestId, text: &str) {
        let outcome = HttpOutcome::Response {
            status: 200,
            body: testing::body(text),
        };
        self.session.handle_http(id, outcome, self.now);
    }

    fn fail(&mut self, id: RequestId) {
        self.session
            .handle_http(id, HttpOutcome::NetworkError, self.now);
    }

    fn frame(&mut self, text: &str) {
        self.session
            .handle_socket(SocketEvent::Frame(testing::body(text)), self.now);
    }

    fn advance_to_deadline(&mut self) {
        self.now = self.session.poll_timeout().expect("a deadline");
        self.session.handle_timeout(self.now);
    }

    /// Start over long-polling up to the chat being started; returns the outstanding connect.
    fn started(&mut self) -> Sent {
        self.start();
        let hs = self.sent().remove(0);
        self.answer(hs.rid(), &frame("handshake", &[("1", &hs.id())]));
        let sent = self.sent();
        let publish = find(&sent, CHANNEL);
        let connect = find(&sent, "/meta/connect");
        self.answer(
            publish.rid(),
            &frame("request_chat", &[("4", &publish.id())]),
        );
        self.answer(
            connect.rid(),
            &frame("connect_first", &[("2", &connect.id())]),
        );
        let events = self.events();
        assert!(
            matches!(
                events[0],
                SessionEvent::Finished {
                    outcome: OpOutcome::Done(_),
                    ..
                }
            ),
            "{events:?}"
        );
        find(&self.sent(), "/meta/connect")
    }
}

fn find(sent: &[Sent], channel: &str) -> Sent {
    sent.iter()
        .find(|s| s.channel() == channel)
        .cloned()
        .unwrap_or_else(|| panic!("nothing sent on {channel}: {sent:?}"))
}

fn texts(events: &[SessionEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            SessionEvent::Messages { messages, .. } => Some(messages),
            _ => None,
        })
        .flatten()
        .map(|m| crate::http::concat(&[&m.kind, ":", &m.text]))
        .collect()
}
