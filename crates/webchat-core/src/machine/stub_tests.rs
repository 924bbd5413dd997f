//! The machine on its own, driven with a stub session that records what it is asked and reports
//! what each test tells it to: no wire format anywhere.

use std::cell::RefCell;
use std::rc::Rc;

use super::*;
use crate::command::{Command, PageInfo};
use crate::config::WebChatConfig;
use crate::drive::{CommandId, Effect, Input, Reply, RequestId, SocketAction};
use crate::filter::SubstringMatcher;
use crate::http::HttpOutcome;
use crate::message::{Message, Sender, SenderType, kind};
use crate::session::{Io, Link, Op, OpId, OpOutcome, Session, SessionEvent, SocketEvent};

/// What the stub saw and what it will report next; shared with the test.
#[derive(Default)]
struct Script {
    begun: Vec<(OpId, Op)>,
    sockets: Vec<SocketEvent>,
    timeouts: Vec<u64>,
    resets: usize,
    events: Vec<SessionEvent>,
    io: Vec<Io>,
    deadline: Option<u64>,
}

struct Stub(Rc<RefCell<Script>>);

impl Session for Stub {
    fn capabilities(&self) -> Capabilities {
        Capabilities::CLOUD
    }
    fn begin(&mut self, op: OpId, what: Op, _now: u64) {
        self.0.borrow_mut().begun.push((op, what));
    }
    fn handle_http(&mut self, _id: RequestId, _outcome: HttpOutcome, _now: u64) {}
    fn handle_socket(&mut self, event: SocketEvent, _now: u64) {
        self.0.borrow_mut().sockets.push(event);
    }
    fn handle_timeout(&mut self, now: u64) {
        self.0.borrow_mut().timeouts.push(now);
    }
    fn poll_io(&mut self) -> Option<Io> {
        let mut s = self.0.borrow_mut();
        (!s.io.is_empty()).then(|| s.io.remove(0))
    }
    fn poll_event(&mut self) -> Option<SessionEvent> {
        let mut s = self.0.borrow_mut();
        (!s.events.is_empty()).then(|| s.events.remove(0))
    }
    fn poll_timeout(&self) -> Option<u64> {
        self.0.borrow().deadline
    }
    fn record(&self) -> Option<Json> {
        Some(json!({"transport": "stub", "id": "c1"}))
    }
    fn resume(&mut self, record: &Json) -> bool {
        record.get("transport").and_then(Json::as_str) == Some("stub")
    }
    fn reset(&mut self) {
        self.0.borrow_mut().resets += 1;
    }
    fn session_data(&self) -> Json {
        json!({"conversationId": "c1"})
    }
}

struct Harness {
    chat: WebChat<SubstringMatcher>,
    script: Rc<RefCell<Script>>,
    next: u64,
}

impl Harness {
    fn new() -> Self {
        let script = Rc::new(RefCell::new(Script::default()));
        let config = WebChatConfig::parse(&json!({"dataURL": "http://x"})).expect("config");
        let chat = WebChat::with_session(SubstringMatcher, config, Box::new(Stub(script.clone())));
        Self {
            chat,
            script,
            next: 1,
        }
    }

    fn user(&mut self, command: Command) -> (CommandId, Vec<Effect>) {
        let id = CommandId(self.next);
        self.next += 1;
        let input = Input::Command {
            id,
            caller: "MyPlugin".into(),
            command,
        };
        (id, self.chat.handle(input, 100))
    }

    /// The last operation begun.
    fn last_op(&self) -> (OpId, Op) {
        self.script
            .borrow()
            .begun
            .last()
            .cloned()
            .expect("an op was begun")
    }

    /// Queues `events` and lets the machine drain them (as after any input).
    fn report(&mut self, events: Vec<SessionEvent>) -> Vec<Effect> {
        self.script.borrow_mut().events.extend(events);
        self.chat
            .handle(Input::Socket(SocketEvent::Frame(Default::default())), 200)
    }

    fn started() -> Self {
        let mut h = Self::new();
        h.user(Command::StartChat {
            data: json!({"nickname": "Jo"}),
            page: PageInfo::default(),
        });
        let (op, _) = h.last_op();
        h.report(vec![SessionEvent::Finished {
            op,
            outcome: OpOutcome::Done(json!({"id": "c1"})),
        }]);
        h
    }
}

fn events(fx: &[Effect]) -> Vec<&'static str> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Publish { event, .. } => Some(event.name()),
            Effect::PublishMessages { .. } => Some("messageReceived"),
            _ => None,
        })
        .collect()
}

fn message(id: &str, who: SenderType, text: &str) -> Message {
    Message {
        index: None,
        id: Some(id.into()),
        kind: kind::MESSAGE.into(),
        text: text.into(),
        timestamp: 1,
        from: Sender {
            name: "A".into(),
            kind: who,
            participant_id: "p".into(),
        },
        extra: Object::new(),
    }
}

#[test]
fn start_waits_for_the_session_and_resolves_with_its_answer() {
    let mut h = Harness::new();
    let (id, fx) = h.user(Command::StartChat {
        data: json!({"nickname": "Jo", "userData": {"a": 1}}),
        page: PageInfo::default(),
    });
    assert!(!fx.iter().any(|e| matches!(e, Effect::Resolve { .. })));
    let (op, what) = h.last_op();
    let Op::Start { form, user_data } = what else {
        panic!("not a start")
    };
    assert_eq!(form.nickname.as_deref(), Some("Jo"));
    assert_eq!(user_data.get("a"), Some(&json!(1)));
    let fx = h.report(vec![SessionEvent::Finished {
        op,
        outcome: OpOutcome::Done(json!({"id": "c1"})),
    }]);
    assert_eq!(events(&fx), vec!["started"]);
    assert!(fx.contains(&Effect::Resolve {
        id,
        reply: Reply::Json(json!({"id": "c1"}))
    }));
    assert_eq!(h.chat.phase(), Phase::Active);
    let saved = fx.iter().find_map(|e| match e {
        Effect::SaveSession { value } => Some(value.clone()),
        _ => None,
    });
    assert_eq!(
        saved.map(|v| v["keys"].clone()),
        Some(json!({"transport": "stub", "id": "c1"})),
        "a started chat is saved with the session's own record"
    );
}

#[test]
fn traffic_from_the_server_refreshes_the_saved_record_at_most_every_five_seconds() {
    let mut h = Harness::started();
    let saves = |fx: &[Effect]| {
        fx.iter()
            .filter(|e| matches!(e, Effect::SaveSession { .. }))
            .count()
    };
    let frame = || Input::Socket(SocketEvent::Opened);
    assert_eq!(saves(&h.chat.handle(frame(), 1_000)), 0);
    assert_eq!(saves(&h.chat.handle(frame(), 5_200)), 1);
    assert_eq!(saves(&h.chat.handle(frame(), 6_000)), 0);
}

#[test]
fn a_failed_start_publishes_error_and_rejects_with_the_sessions_value() {
    let mut h = Harness::new();
    let (id, _) = h.user(Command::StartChat {
        data: json!({"nickname": "Jo"}),
        page: PageInfo::default(),
    });
    let (op, _) = h.last_op();
    let fx = h.report(vec![SessionEvent::Finished {
        op,
        outcome: OpOutcome::Unreachable(json!({"status": 0})),
    }]);
    assert_eq!(events(&fx), vec!["error"]);
    assert!(fx.contains(&Effect::Reject {
        id,
        reply: Reply::Json(json!({"status": 0}))
    }));
    assert_eq!(h.chat.phase(), Phase::Idle);
}

#[test]
fn messages_with_the_same_id_are_published_once_with_the_session_data() {
    let mut h = Harness::started();
    let batch = || SessionEvent::Messages {
        messages: vec![message("m1", SenderType::Agent, "hi")],
        raw: vec![json!({"id": "m1"})],
        restoring: false,
    };
    let fx = h.report(vec![batch()]);
    let Some(Effect::PublishMessages { payload }) = fx
        .iter()
        .find(|e| matches!(e, Effect::PublishMessages { .. }))
    else {
        panic!("no messageReceived in {fx:?}")
    };
    assert_eq!(payload["messages"][0]["index"], 1);
    assert_eq!(payload["messages"][0]["id"], "m1");
    assert_eq!(payload["sessionData"]["conversationId"], "c1");
    assert!(events(&h.report(vec![batch()])).is_empty());
}

#[test]
fn link_changes_publish_their_documented_events() {
    let mut h = Harness::started();
    let fx = h.report(vec![
        SessionEvent::Link(Link::Disconnected),
        SessionEvent::Link(Link::Reconnected),
        SessionEvent::Link(Link::Offline),
        SessionEvent::Link(Link::BackOnline),
    ]);
    assert_eq!(
        events(&fx),
        vec![
            "disconnected",
            "reconnected",
            "connectionPending",
            "chatServerWentOffline",
            "chatServerBackOnline",
            "connectionRestored"
        ]
    );
}

#[test]
fn the_server_ending_the_chat_publishes_ended_once_and_resets_the_session() {
    let mut h = Harness::started();
    let fx = h.report(vec![SessionEvent::Ended, SessionEvent::Ended]);
    assert_eq!(events(&fx), vec!["ended"]);
    assert!(fx.contains(&Effect::ClearSession));
    assert_eq!(h.script.borrow().resets, 1);
    let (id, fx) = h.user(Command::SendMessage(json!({"message": "x"})));
    assert!(fx.contains(&Effect::Reject {
        id,
        reply: Reply::text("There is no active chat session")
    }));
}

#[test]
fn end_chat_settles_when_the_session_finishes_it_even_if_the_chat_ended_first() {
    let mut h = Harness::started();
    let (id, _) = h.user(Command::EndChat);
    let (op, what) = h.last_op();
    assert_eq!(what, Op::End);
    let fx = h.report(vec![
        SessionEvent::Ended,
        SessionEvent::Finished {
            op,
            outcome: OpOutcome::Failed(json!("gone")),
        },
    ]);
    assert_eq!(events(&fx), vec!["ended"]);
    assert!(fx.contains(&Effect::Resolve {
        id,
        reply: Reply::Undefined
    }));
}

#[test]
fn socket_io_and_socket_events_pass_through_untouched() {
    let mut h = Harness::started();
    h.script
        .borrow_mut()
        .io
        .push(Io::Socket(SocketAction::Open {
            url: "ws://x".into(),
        }));
    let fx = h.report(vec![]);
    assert!(fx.contains(&Effect::Socket(SocketAction::Open {
        url: "ws://x".into()
    })));
    h.chat.handle(Input::Socket(SocketEvent::Opened), 300);
    assert!(h.script.borrow().sockets.contains(&SocketEvent::Opened));
}

#[test]
fn the_next_deadline_is_the_earliest_of_the_sessions_and_the_typing_ones() {
    let mut h = Harness::started();
    h.script.borrow_mut().deadline = Some(10_000);
    assert_eq!(h.chat.poll_timeout(), Some(10_000));
    let fx = h.report(vec![SessionEvent::Messages {
        messages: vec![Message {
            kind: kind::TYPING_STARTED.into(),
            ..message("t1", SenderType::Agent, "")
        }],
        raw: vec![],
        restoring: false,
    }]);
    assert!(events(&fx).contains(&"agentTypingStarted"));
    assert_eq!(h.chat.poll_timeout(), Some(200 + AGENT_TYPING));
    let fx = h.chat.handle(Input::Timeout, 200 + AGENT_TYPING);
    assert_eq!(events(&fx), vec!["agentTypingTimeout"]);
    assert_eq!(h.script.borrow().timeouts, vec![200 + AGENT_TYPING]);
    assert_eq!(h.chat.poll_timeout(), Some(10_000));
}

const AGENT_TYPING: u64 = crate::timing::AGENT_TYPING_TIMEOUT_MS;

#[test]
fn a_lost_session_publishes_error_then_session_lost_then_ended() {
    let mut h = Harness::started();
    let fx = h.report(vec![SessionEvent::Lost {
        error: json!({"status": 404}),
    }]);
    assert_eq!(events(&fx), vec!["error", "sessionLost", "ended"]);
}

#[test]
fn commands_the_capabilities_exclude_never_reach_the_session() {
    let mut h = Harness::started();
    let before = h.script.borrow().begun.len();
    let (id, fx) = h.user(Command::SendCustomNotice(json!({"message": "x"})));
    assert!(fx.contains(&Effect::Reject {
        id,
        reply: Reply::text("This transport doesn't support sendCustomNotice command.")
    }));
    assert_eq!(h.script.borrow().begun.len(), before);
}

#[test]
fn a_failed_call_publishes_error_only_for_a_server_answer_not_a_local_text() {
    let mut h = Harness::started();
    h.user(Command::SendMessage(json!({"message": "x"})));
    let (op, _) = h.last_op();
    let fx = h.report(vec![SessionEvent::Finished {
        op,
        outcome: OpOutcome::Failed(json!("Message is too long")),
    }]);
    assert!(events(&fx).is_empty(), "{:?}", events(&fx));
    // A refusal from the server (an unreachable one keeps the message in the outbox instead,
    // as pending: outbox_tests.rs).
    let (id, _) = h.user(Command::SendMessage(json!({"message": "x"})));
    let (op, _) = h.last_op();
    let ajax = json!({"status": 400, "statusText": "error"});
    let fx = h.report(vec![SessionEvent::Finished {
        op,
        outcome: OpOutcome::Failed(ajax.clone()),
    }]);
    assert_eq!(events(&fx), vec!["error"]);
    assert!(fx.contains(&Effect::Publish {
        event: Event::CallFailed,
        payload: ajax.clone()
    }));
    assert!(fx.contains(&Effect::Reject {
        id,
        reply: Reply::Json(ajax)
    }));
    assert_eq!(h.chat.phase(), Phase::Active);
}

// ----- a following tab taking the chat over (takeover.rs) -------------------------------------

/// Feeds `Input::TakeOver` at time `at`.
fn take_over(
    h: &mut Harness,
    stored: Option<Json>,
    seen: Vec<Json>,
    quiet: bool,
    at: u64,
) -> Vec<Effect> {
    h.chat.handle(
        Input::TakeOver {
            stored,
            seen,
            quiet,
        },
        at,
    )
}

fn stored_record() -> Json {
    json!({"version": 1, "keys": {"transport": "stub", "id": "c1"}, "lastIndex": 2,
           "filters": {"prefilters": [], "filtered": []}, "startTime": 7, "lastActivity": 50})
}

fn indexed(index: u64, kind_: &str, text: &str) -> Message {
    Message {
        index: Some(index),
        id: None,
        kind: kind_.into(),
        ..message("unused", SenderType::Agent, text)
    }
}

/// Takes over with the two messages this tab has published (an agent joined, then said hi).
fn taken_over() -> (Harness, Vec<Effect>) {
    let mut h = Harness::new();
    let seen = [
        indexed(1, kind::PARTICIPANT_JOINED, ""),
        indexed(2, kind::MESSAGE, "hi"),
    ]
    .iter()
    .map(Message::to_json)
    .collect();
    let fx = take_over(&mut h, Some(stored_record()), seen, true, 100);
    (h, fx)
}

#[test]
fn a_takeover_resumes_quietly_and_publishes_only_what_the_tab_has_not_seen() {
    let (mut h, fx) = taken_over();
    assert_eq!(
        events(&fx),
        Vec::<&str>::new(),
        "nothing is published again"
    );
    let (op, what) = h.last_op();
    assert!(
        matches!(what, Op::Restore),
        "the session's restore fetches the gap"
    );
    let fx = h.report(vec![
        SessionEvent::Finished {
            op,
            outcome: OpOutcome::Done(json!({})),
        },
        SessionEvent::Messages {
            messages: vec![
                indexed(1, kind::PARTICIPANT_JOINED, ""),
                indexed(2, kind::MESSAGE, "hi"),
                indexed(3, kind::MESSAGE, "sent during the handover"),
            ],
            raw: vec![],
            restoring: true,
        },
    ]);
    assert_eq!(
        events(&fx),
        vec!["messageReceived"],
        "no restored, no agentConnected again"
    );
    let Some(Effect::PublishMessages { payload }) = fx
        .iter()
        .find(|e| matches!(e, Effect::PublishMessages { .. }))
    else {
        panic!("messages published")
    };
    assert_eq!(payload["messages"].as_array().map(Vec::len), Some(1));
    assert_eq!(payload["messages"][0]["index"], json!(3));
    assert_eq!(payload["restoring"], json!(false), "new to the page");
    assert_eq!(h.chat.phase(), Phase::Active);
    // The roster was seeded from what the tab saw: getAgents answers with the agent.
    let (id, fx) = h.user(Command::GetAgents);
    let Some(Effect::Resolve {
        reply: Reply::Json(agents),
        ..
    }) = fx
        .iter()
        .find(|e| matches!(e, Effect::Resolve { id: i, .. } if *i == id))
    else {
        panic!("getAgents resolved")
    };
    assert_eq!(agents["agents"]["p"]["connected"], json!(true));
    // A later poll delivers as usual, with restoring false.
    let fx = h.report(vec![SessionEvent::Messages {
        messages: vec![indexed(4, kind::MESSAGE, "later")],
        raw: vec![],
        restoring: false,
    }]);
    assert_eq!(events(&fx), vec!["messageReceived"]);
}

#[test]
fn a_takeover_without_a_usable_record_does_nothing() {
    for stored in [None, Some(json!({"version": 1})), Some(Json::Null)] {
        let mut h = Harness::new();
        let fx = take_over(
            &mut h,
            stored,
            vec![json!({"index": "not a number"}), json!(3)],
            true,
            100,
        );
        assert!(fx.is_empty());
        assert!(h.script.borrow().begun.is_empty());
        assert_eq!(h.chat.phase(), Phase::Idle);
    }
    // Another transport's record: the session refuses it, nothing happens.
    let mut h = Harness::new();
    let other = json!({"version": 1, "keys": {"transport": "gms"}, "lastIndex": 2,
           "filters": {"prefilters": [], "filtered": []}, "startTime": 7, "lastActivity": 50});
    let fx = take_over(&mut h, Some(other), vec![], true, 100);
    assert!(fx.is_empty());
}

#[test]
fn a_takeover_of_a_chat_the_server_forgot_ends_it_once() {
    let (mut h, _) = taken_over();
    let (op, _) = h.last_op();
    let fx = h.report(vec![SessionEvent::Finished {
        op,
        outcome: OpOutcome::Failed(json!({"status": 404})),
    }]);
    assert_eq!(events(&fx), vec!["error", "ended"]);
    assert!(fx.contains(&Effect::ClearSession));
    assert_eq!(h.chat.phase(), Phase::Idle);
}

#[test]
fn a_takeover_is_ignored_while_a_chat_runs() {
    let mut h = Harness::started();
    let before = h.script.borrow().begun.len();
    let fx = take_over(&mut h, Some(stored_record()), vec![], true, 300);
    assert!(fx.is_empty());
    assert_eq!(h.script.borrow().begun.len(), before);
}

#[test]
fn a_tab_that_never_saw_the_chat_takes_it_over_as_a_page_load_restores_it() {
    let mut h = Harness::new();
    let fx = take_over(&mut h, Some(stored_record()), vec![], false, 100);
    assert!(fx.is_empty());
    let (op, _) = h.last_op();
    let fx = h.report(vec![
        SessionEvent::Finished {
            op,
            outcome: OpOutcome::Done(json!({})),
        },
        SessionEvent::Messages {
            messages: vec![indexed(1, kind::MESSAGE, "one")],
            raw: vec![],
            restoring: true,
        },
    ]);
    assert_eq!(events(&fx), vec!["restored", "messageReceived"]);
    let Some(Effect::PublishMessages { payload }) = fx
        .iter()
        .find(|e| matches!(e, Effect::PublishMessages { .. }))
    else {
        panic!("messages published")
    };
    assert_eq!(payload["restoring"], json!(true));
}

// ----- pushes that overtake a restore's answer (restoring.rs) ------------------------------------

mod restoring;

// ----- pushes that overtake a start's answer (starting.rs) --------------------------------------

mod starting;
