//! Behaviour tests of the Engage v3 session, driven only through the `Session` trait, with
//! answers in the shapes the emulator serves (its recorded fixtures are read as they are).

mod fuzz;
mod ops;
mod restore;

use super::V3Session;
use crate::config::{EngageV3Config, TransportConfig, WebChatConfig};
use crate::drive::RequestId;
use crate::http::{HttpOutcome, HttpRequest, Method};
use crate::json::{Json, Object, testing};
use crate::session::{Io, Op, OpId, OpOutcome, Session, SessionEvent, StartForm};

const T0: u64 = 1_000_000;
const BASE: &str = "https://nexus.example.com/nexus/v3/chat/sessions";
/// A clientToken as the emulator issues it: `{sessionId: "abc123", transportId: "emulator",
/// participantId: "1"}`.
const TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZXNzaW9uSWQiOiJhYmMxMjMiLCJ0cmFuc3BvcnRJZCI6ImVtdWxhdG9yIiwicGFydGljaXBhbnRJZCI6IjEifQ.c2ln";
/// The emulator's recorded poll answer and error.
const POLL_FIXTURE: &str = include_str!("../../../../emulator/tests/fixtures/v3_poll.json");
const ERROR_FIXTURE: &str = include_str!("../../../../emulator/tests/fixtures/v3_error.json");

fn v3_config(async_enabled: bool) -> EngageV3Config {
    EngageV3Config {
        data_url: BASE.into(),
        endpoint: "chat-ep".into(),
        headers: vec![
            ("x-api-key".into(), "API-KEY".into()),
            ("x-extra".into(), "1".into()),
        ],
        async_enabled,
    }
}

fn chat_config(v3: &EngageV3Config) -> WebChatConfig {
    WebChatConfig {
        user_data: Object::new(),
        ajax_timeout_ms: 5_000,
        poll_exception_limit: 2,
        restore_timeout_ms: 60_000,
        transport: TransportConfig::EngageV3(v3.clone()),
        outbox: Default::default(),
    }
}

fn started_answer() -> String {
    crate::http::concat(&[r#"{"data":{"clientToken":""#, TOKEN, r#""}}"#])
}

/// One v3 message as the emulator renders it.
fn message(index: u64, kind: &str, who: &str, text: &str) -> String {
    let (name, id) = if who == "Customer" {
        ("Pat", "1")
    } else {
        ("Ann", "2")
    };
    let index = crate::json::number_text(index as f64);
    crate::http::concat(&[
        r#"{"index":""#,
        &index,
        r#"","utcTime":1432845088000,"type":""#,
        kind,
        r#"","text":""#,
        text,
        r#"","from":{"nickname":""#,
        name,
        r#"","type":""#,
        who,
        r#"","participantId":""#,
        id,
        r#""}}"#,
    ])
}

/// A poll or history answer.
fn batch(messages: &[String], ended: bool) -> String {
    crate::http::concat(&[
        r#"{"data":{"messages":["#,
        &messages.join(","),
        r#"],"chatEnded":"#,
        if ended { "true" } else { "false" },
        "}}",
    ])
}

/// `count` agent texts from index `from`.
fn agent_texts(from: u64, count: u64) -> Vec<String> {
    (from..from + count)
        .map(|i| message(i, "Text", "Agent", &crate::json::number_text(i as f64)))
        .collect()
}

/// The session under test and a clock.
struct Harness {
    session: V3Session,
    now: u64,
    next_op: u64,
}

impl Harness {
    fn new(async_enabled: bool) -> Self {
        let v3 = v3_config(async_enabled);
        Self {
            session: V3Session::new(&v3, &chat_config(&v3)),
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
            Some(Io::Http { id, request } | Io::Download { id, request, .. }) => (id, request),
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

    /// Moves the clock to `at` and fires the timer if it is due.
    fn advance_to(&mut self, at: u64) {
        self.now = at;
        if self.session.poll_timeout().is_some_and(|due| due <= at) {
            self.session.handle_timeout(at);
        }
    }

    /// A started chat whose first poll is answered with `first_poll`; events drained.
    fn started(async_enabled: bool, first_poll: &str) -> Self {
        let mut h = Self::new(async_enabled);
        h.begin(start_op());
        let (id, _) = h.request();
        h.answer(id, 200, &started_answer());
        h.advance_to(T0);
        let (id, _) = h.request();
        h.answer(id, 200, first_poll);
        h.events();
        h
    }

    /// Fires the next automatic poll and returns its request.
    fn next_poll(&mut self) -> (RequestId, HttpRequest) {
        let due = self
            .session
            .poll_timeout()
            .unwrap_or_else(|| panic!("no poll armed"));
        self.advance_to(due);
        self.request()
    }
}

fn start_op() -> Op {
    Op::Start {
        form: StartForm {
            first_name: Some("Pat".into()),
            last_name: Some("Lee".into()),
            email: Some("pat@example.com".into()),
            subject: Some("help".into()),
            ..StartForm::default()
        },
        user_data: [("customerId".to_owned(), Json::String("59606".into()))]
            .into_iter()
            .collect(),
    }
}

fn header<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn url(tail: &str) -> String {
    crate::http::concat(&[BASE, tail])
}

/// The URL without its `operationId`, which is random.
fn url_without_operation(request: &HttpRequest) -> String {
    let (path, query) = request.url.split_once('?').unwrap_or((&request.url, ""));
    let rest: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("operationId="))
        .collect();
    if rest.is_empty() {
        path.to_owned()
    } else {
        crate::http::concat(&[path, "?", &rest.join("&")])
    }
}

fn is_get(request: &HttpRequest, tail: &str) -> bool {
    request.method == Method::Get && url_without_operation(request) == url(tail)
}

/// The indexes and texts of every Messages event, with its `restoring` flag.
fn delivered(events: &[SessionEvent]) -> Vec<(u64, String, bool)> {
    events
        .iter()
        .filter_map(|e| match e {
            SessionEvent::Messages {
                messages,
                restoring,
                ..
            } => Some(
                messages
                    .iter()
                    .map(|m| (m.index.unwrap_or(0), m.text.clone(), *restoring))
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .flatten()
        .collect()
}

fn finished(events: &[SessionEvent]) -> Vec<(OpId, OpOutcome)> {
    events
        .iter()
        .filter_map(|e| match e {
            SessionEvent::Finished { op, outcome } => Some((*op, outcome.clone())),
            _ => None,
        })
        .collect()
}

fn json(text: &str) -> Json {
    testing::parse(text).unwrap_or_default()
}
