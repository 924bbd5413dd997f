//! Arbitrary frames, answers and orders never panic, and every operation ends exactly once.

use super::*;
use proptest::prelude::*;

const NAMES: [&str; 12] = [
    "connect_402",
    "connect_ended",
    "connect_first",
    "connect_push",
    "connect_push2",
    "handshake",
    "replay",
    "replay_unknown",
    "request_chat",
    "send_message",
    "send_too_long",
    "subscribe",
];

/// One input to the session.
#[derive(Debug, Clone)]
enum Input {
    Begin(u8),
    Answer { pick: u8, status: u16, text: String },
    Fail(u8),
    Opened,
    Closed,
    Frame(String),
    Advance(u16),
    Reset,
    Resume,
}

/// A recorded frame whose ids are made one of the first few the session uses, or junk.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0..NAMES.len(), 1u8..12).prop_map(|(n, id)| {
            let id = id.to_string();
            let name = NAMES[n];
            let recorded = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];
            let map: Vec<(&str, &str)> = recorded.iter().map(|r| (*r, id.as_str())).collect();
            frame(name, &map)
        }),
        1 => ".{0,40}",
        1 => r#"[\[\]{}",:0-9a-z/\\]{0,60}"#,
    ]
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        any::<u8>().prop_map(Input::Begin),
        (
            any::<u8>(),
            prop_oneof![Just(200u16), Just(400), Just(503), any::<u16>()],
            text()
        )
            .prop_map(|(pick, status, text)| Input::Answer { pick, status, text }),
        any::<u8>().prop_map(Input::Fail),
        Just(Input::Opened),
        Just(Input::Closed),
        text().prop_map(Input::Frame),
        any::<u16>().prop_map(Input::Advance),
        Just(Input::Reset),
        Just(Input::Resume),
    ]
}

fn op(n: u8) -> Op {
    let form = StartForm {
        nickname: Some("Pat".into()),
        ..StartForm::default()
    };
    match n % 9 {
        0 => Op::Start {
            form,
            user_data: Object::new(),
        },
        1 => Op::Send { text: "x".into() },
        2 => Op::StartTyping {
            text: String::new(),
        },
        3 => Op::StopTyping {
            text: String::new(),
        },
        4 => Op::End,
        5 => Op::Restore,
        6 => Op::Poll,
        7 => Op::Download {
            file_id: "f".into(),
            file_name: "f.txt".into(),
        },
        _ => Op::CustomNotice { text: "n".into() },
    }
}

/// Drains the session's outputs, noting requests and finished operations (each at most once).
fn collect(
    h: &mut Harness,
    in_flight: &mut Vec<RequestId>,
    finished: &mut Vec<OpId>,
) -> Result<(), TestCaseError> {
    while let Some(io) = h.session.poll_io() {
        if let Io::Http { id, .. } | Io::Download { id, .. } = io {
            in_flight.push(id);
        }
    }
    for event in h.events() {
        if let SessionEvent::Finished { op, .. } = event {
            prop_assert!(!finished.contains(&op), "{:?} ended twice", op);
            finished.push(op);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_inputs_in_any_order_never_panic_and_end_every_op_once(
        websocket in any::<bool>(),
        inputs in proptest::collection::vec(input(), 0..60),
    ) {
        let mut h = Harness::new(websocket);
        let mut in_flight: Vec<RequestId> = Vec::new();
        let mut begun: Vec<OpId> = Vec::new();
        let mut finished: Vec<OpId> = Vec::new();
        for input in inputs {
            match input {
                Input::Begin(n) => begun.push(h.begin(op(n))),
                Input::Answer { pick, status, text } if !in_flight.is_empty() => {
                    let id = in_flight.remove(usize::from(pick) % in_flight.len());
                    let outcome = HttpOutcome::Response { status, body: testing::body(&text) };
                    h.session.handle_http(id, outcome, h.now);
                }
                Input::Fail(pick) if !in_flight.is_empty() => {
                    let id = in_flight.remove(usize::from(pick) % in_flight.len());
                    h.fail(id);
                }
                Input::Answer { .. } | Input::Fail(_) => {}
                Input::Opened => h.session.handle_socket(SocketEvent::Opened, h.now),
                Input::Closed => h.session.handle_socket(SocketEvent::Closed { code: 1006 }, h.now),
                Input::Frame(text) => h.frame(&text),
                Input::Advance(ms) => {
                    h.now += u64::from(ms);
                    h.session.handle_timeout(h.now);
                }
                Input::Reset => h.session.reset(),
                Input::Resume => {
                    let record = crate::json!({"transport": "cometd", "chatId": "c", "userId": "u",
                        "secureKey": "k", "alias": "a"});
                    h.session.resume(&record);
                }
            }
            collect(&mut h, &mut in_flight, &mut finished)?;
            if let Some(at) = h.session.poll_timeout() {
                prop_assert!(at >= T0);
            }
        }
        // Let every request fail, wait out every deadline, then forget: each operation has
        // ended exactly once.
        for _ in 0..1000 {
            let Some(id) = in_flight.pop() else { break };
            h.fail(id);
            collect(&mut h, &mut in_flight, &mut finished)?;
        }
        h.session.reset();
        collect(&mut h, &mut in_flight, &mut finished)?;
        for _ in 0..1000 {
            let Some(id) = in_flight.pop() else { break };
            h.fail(id);
            collect(&mut h, &mut in_flight, &mut finished)?;
        }
        finished.sort();
        prop_assert_eq!(finished, begun);
    }
}
