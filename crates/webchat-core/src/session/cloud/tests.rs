//! Behaviour tests of the Cloud session, driven only through the `Session` trait, with frames and
//! answers in the shapes the emulator serves.

mod fuzz;
mod link;
mod messages;
mod ops;
mod restore;

use super::CloudSession;
use crate::config::{CloudConfig, CloudRouting, TransportConfig, WebChatConfig};
use crate::drive::{RequestId, SocketAction};
use crate::http::{HttpOutcome, HttpRequest, Method};
use crate::json::{Json, Object, testing};
use crate::session::{Io, Op, OpId, Session, SessionEvent, SocketEvent, StartForm};

const T0: u64 = 1_000_000;
const BASE: &str = "https://api.example.com/api/v2/webchat/guest/conversations";
const STREAM: &str =
    "ws://api.example.com/api/v2/webchat/guest/conversations/c1/stream?jwt=JWT-SECRET";
const CREATED: &str = r#"{"id":"c1","jwt":"JWT-SECRET","eventStreamUri":"ws://api.example.com/api/v2/webchat/guest/conversations/c1/stream?jwt=JWT-SECRET","member":{"id":"me"}}"#;
const HEARTBEAT: &str =
    r#"{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}"#;

fn cloud_config(pagination: bool, page: u32) -> CloudConfig {
    CloudConfig {
        data_url: "https://api.example.com".into(),
        deployment_key: "dep-1".into(),
        org_guid: "org-1".into(),
        pagination,
        max_message_page_size: page,
        routing: CloudRouting {
            target_type: "QUEUE".into(),
            target_address: "Support".into(),
            priority: Some(2),
            skills: vec![],
            language: None,
        },
    }
}

fn chat_config(cloud: &CloudConfig) -> WebChatConfig {
    WebChatConfig {
        user_data: Object::new(),
        ajax_timeout_ms: 5_000,
        poll_exception_limit: 5,
        restore_timeout_ms: 60_000,
        transport: TransportConfig::Cloud(cloud.clone()),
        outbox: Default::default(),
    }
}

/// A member as `GET …/members/{id}` answers.
fn member(id: &str, name: &str, role: &str, state: &str) -> String {
    crate::http::concat(&[
        r#"{"id":""#,
        id,
        r#"","displayName":""#,
        name,
        r#"","role":""#,
        role,
        r#"","state":""#,
        state,
        r#"","joinDate":"2015-05-28T20:31:28.000Z","selfUri":"/x","authenticatedGuest":false}"#,
    ])
}

/// A message entity (history and POST answers).
fn entity(id: &str, sender: &str, body: &str, body_type: &str, second: u8) -> String {
    let second = crate::json::number_text(f64::from(second));
    let second = if second.len() < 2 {
        crate::http::concat(&["0", &second])
    } else {
        second
    };
    crate::http::concat(&[
        r#"{"id":""#,
        id,
        r#"","conversation":{"id":"c1"},"sender":{"id":""#,
        sender,
        r#""},"body":""#,
        body,
        r#"","bodyType":""#,
        body_type,
        r#"","timestamp":"2015-05-28T20:31:"#,
        &second,
        r#".000Z"}"#,
    ])
}

/// A `message` frame on the messages topic.
fn message_frame(id: &str, sender: &str, body: &str, body_type: &str) -> String {
    crate::http::concat(&[
        r#"{"topicName":"v2.conversations.chats.c1.messages","version":"2","eventBody":"#,
        &entity(id, sender, body, body_type, 28),
        r#","metadata":{"CorrelationId":""#,
        id,
        r#"","type":"message"}}"#,
    ])
}

fn typing_frame(sender: &str) -> String {
    crate::http::concat(&[
        r#"{"topicName":"v2.conversations.chats.c1.messages","version":"2","eventBody":{"id":"t1","conversation":{"id":"c1"},"sender":{"id":""#,
        sender,
        r#""},"timestamp":"2015-05-28T20:31:28.000Z"},"metadata":{"CorrelationId":"t1","type":"typing-indicator"}}"#,
    ])
}

fn member_change(id: &str, state: &str) -> String {
    crate::http::concat(&[
        r#"{"topicName":"v2.conversations.chats.c1.members","version":"2","eventBody":{"conversation":{"id":"c1"},"member":{"id":""#,
        id,
        r#"","state":""#,
        state,
        r#""},"timestamp":"2015-05-28T20:31:28.000Z"},"metadata":{"CorrelationId":"x-1","type":"member-change"}}"#,
    ])
}

/// A history page: `entities` joined, `next` when given.
fn page(entities: &[String], next: Option<&str>) -> String {
    let mut text = String::from(r#"{"entities":["#);
    text.push_str(&entities.join(","));
    text.push_str(r#"],"pageSize":100"#);
    if let Some(next) = next {
        text.push_str(r#","next":""#);
        text.push_str(next);
        text.push('"');
    }
    text.push('}');
    text
}

/// The session under test and a clock.
struct Harness {
    session: CloudSession,
    now: u64,
    next_op: u64,
}

impl Harness {
    fn new() -> Self {
        Self::with(cloud_config(true, 100))
    }

    fn with(cloud: CloudConfig) -> Self {
        Self {
            session: CloudSession::new(&cloud, &chat_config(&cloud)),
            now: T0,
            next_op: 0,
        }
    }

    fn begin(&mut self, what: Op) -> OpId {
        self.next_op += 1;
        let op = OpId(self.next_op);
        self.session.begin(op, what, self.now);
        op
    }

    fn io(&mut self) -> Vec<Io> {
        std::iter::from_fn(|| self.session.poll_io()).collect()
    }

    fn events(&mut self) -> Vec<SessionEvent> {
        std::iter::from_fn(|| self.session.poll_event()).collect()
    }

    /// The one request queued now.
    fn request(&mut self) -> (RequestId, HttpRequest) {
        let mut io = self.io();
        assert_eq!(io.len(), 1, "expected one request, got {io:?}");
        match io.pop() {
            Some(Io::Http { id, request }) => (id, request),
            other => panic!("expected a request, got {other:?}"),
        }
    }

    fn answer(&mut self, id: RequestId, status: u16, text: &str) {
        let outcome = HttpOutcome::Response {
            status,
            body: testing::body(text),
        };
        self.session.handle_http(id, outcome, self.now);
    }

    fn fail(&mut self, id: RequestId, outcome: HttpOutcome) {
        self.session.handle_http(id, outcome, self.now);
    }

    fn socket(&mut self, event: SocketEvent) {
        self.session.handle_socket(event, self.now);
    }

    fn frame(&mut self, text: &str) {
        self.socket(SocketEvent::Frame(crate::json::testing::body(text)));
    }

    /// Moves the clock to `at` and fires the timer if it is due.
    fn advance_to(&mut self, at: u64) {
        self.now = at;
        if self.session.poll_timeout().is_some_and(|due| due <= at) {
            self.session.handle_timeout(at);
        }
    }

    /// A started chat with its socket open; the start's events drained.
    fn started() -> Self {
        let mut h = Self::new();
        h.start();
        h
    }

    fn start(&mut self) {
        self.begin(start_op("Pat"));
        let (id, _) = self.request();
        self.answer(id, 200, CREATED);
        assert_eq!(
            self.io(),
            [Io::Socket(SocketAction::Open { url: STREAM.into() })]
        );
        self.socket(SocketEvent::Opened);
        let (id, request) = self.request();
        assert_eq!(request.url, concat_url("/c1/members/me"));
        self.answer(id, 200, &member("me", "Pat", "CUSTOMER", "CONNECTED"));
        self.events();
    }
}

fn start_op(nickname: &str) -> Op {
    Op::Start {
        form: StartForm {
            nickname: Some(nickname.into()),
            ..StartForm::default()
        },
        user_data: Object::new(),
    }
}

fn concat_url(tail: &str) -> String {
    crate::http::concat(&[BASE, tail])
}

fn bearer(request: &HttpRequest) -> Option<&str> {
    request
        .headers
        .iter()
        .find(|(k, _)| k == "Authorization")
        .map(|(_, v)| v.as_str())
}

fn is_get(request: &HttpRequest, tail: &str) -> bool {
    request.method == Method::Get && request.url == concat_url(tail)
}

/// The messages of every Messages event, as `(id, type, text, from.type, from.name)`.
fn messages(
    events: &[SessionEvent],
) -> Vec<(Option<String>, String, String, &'static str, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            SessionEvent::Messages { messages, .. } => Some(messages),
            _ => None,
        })
        .flatten()
        .map(|m| {
            (
                m.id.clone(),
                m.kind.clone(),
                m.text.clone(),
                m.from.kind.as_str(),
                m.from.name.clone(),
            )
        })
        .collect()
}

fn ids(events: &[SessionEvent]) -> Vec<String> {
    messages(events)
        .into_iter()
        .filter_map(|(id, ..)| id)
        .collect()
}

fn json(text: &str) -> Json {
    testing::parse(text).unwrap_or_default()
}
