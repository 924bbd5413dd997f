//! Arbitrary frames, answers and event orders never panic.

use super::*;
use proptest::prelude::*;

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

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(CREATED.to_owned()),
        Just(member("me", "Pat", "CUSTOMER", "CONNECTED")),
        Just(member("agent", "Ann", "AGENT", "CONNECTED")),
        Just(page(
            &[entity("m2", "agent", "x", "standard", 1)],
            Some("/next")
        )),
        Just(page(&[], None)),
        Just(entity("m3", "me", "y", "notice", 2)),
        ".{0,40}",
    ]
}

fn frame() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(message_frame("m1", "agent", "hi", "standard")),
        Just(message_frame("m9", "me", "hi", "member-join")),
        Just(typing_frame("agent")),
        Just(member_change("me", "DISCONNECTED")),
        Just(member_change("agent", "CONNECTED")),
        Just(HEARTBEAT.to_owned()),
        ".{0,60}",
        r#"[\[\]{}",:0-9a-z\\]{0,60}"#,
    ]
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        any::<u8>().prop_map(Input::Begin),
        (
            any::<u8>(),
            prop_oneof![Just(200u16), Just(204), Just(404), Just(503), any::<u16>()],
            text()
        )
            .prop_map(|(pick, status, text)| Input::Answer { pick, status, text }),
        any::<u8>().prop_map(Input::Fail),
        Just(Input::Opened),
        Just(Input::Closed),
        frame().prop_map(Input::Frame),
        any::<u16>().prop_map(Input::Advance),
        Just(Input::Reset),
        Just(Input::Resume),
    ]
}

fn op(n: u8) -> Op {
    match n % 8 {
        0 => start_op("Pat"),
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
        _ => Op::Send {
            text: "y".repeat(4001),
        },
    }
}

/// Drains the session's outputs, noting requests and finished operations (each at most once).
fn collect(
    h: &mut Harness,
    in_flight: &mut Vec<RequestId>,
    finished: &mut Vec<OpId>,
) -> Result<(), TestCaseError> {
    while let Some(io) = h.session.poll_io() {
        if let Io::Http { id, .. } = io {
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
        inputs in proptest::collection::vec(input(), 0..60),
    ) {
        let mut h = Harness::new();
        let mut in_flight: Vec<RequestId> = Vec::new();
        let mut begun: Vec<OpId> = Vec::new();
        let mut finished: Vec<OpId> = Vec::new();
        for input in inputs {
            match input {
                Input::Begin(n) => begun.push(h.begin(op(n))),
                Input::Answer { pick, status, text } if !in_flight.is_empty() => {
                    let id = in_flight.remove(usize::from(pick) % in_flight.len());
                    h.answer(id, status, &text);
                }
                Input::Fail(pick) if !in_flight.is_empty() => {
                    let id = in_flight.remove(usize::from(pick) % in_flight.len());
                    h.fail(id, HttpOutcome::NetworkError);
                }
                Input::Answer { .. } | Input::Fail(_) => {}
                Input::Opened => h.socket(SocketEvent::Opened),
                Input::Closed => h.socket(SocketEvent::Closed { code: 1006 }),
                Input::Frame(text) => h.frame(&text),
                Input::Advance(ms) => {
                    let at = h.now + u64::from(ms);
                    h.advance_to(at);
                }
                Input::Reset => h.session.reset(),
                Input::Resume => {
                    let record = json(r#"{"transport":"cloud","conversationId":"c1","memberId":"me","jwt":"j","eventStreamUri":"ws://x"}"#);
                    h.session.resume(&record);
                }
            }
            collect(&mut h, &mut in_flight, &mut finished)?;
            let shown = format!("{:?}", h.session.session_data());
            prop_assert!(!shown.contains("\"j\""));
        }
        // Let every request fail, then forget: each operation has ended exactly once.
        for _ in 0..1000 {
            let Some(id) = in_flight.pop() else { break };
            h.fail(id, HttpOutcome::NetworkError);
            collect(&mut h, &mut in_flight, &mut finished)?;
        }
        h.session.reset();
        collect(&mut h, &mut in_flight, &mut finished)?;
        finished.sort();
        prop_assert_eq!(finished, begun);
    }
}
