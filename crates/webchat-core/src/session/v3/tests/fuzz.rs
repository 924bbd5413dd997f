//! Arbitrary answers in any order never panic, never leak the token into events, and end every
//! operation exactly once.

use super::*;
use proptest::prelude::*;

/// One input to the session.
#[derive(Debug, Clone)]
enum Input {
    Begin(u8),
    Answer { pick: u8, status: u16, text: String },
    Fail(u8),
    Advance(u16),
    Reset,
    Resume(u8),
}

/// A message with arbitrary index, type and sender shapes.
fn any_message() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            (0u64..60).prop_map(|i| crate::http::concat(&[
                "\"",
                &crate::json::number_text(i as f64),
                "\""
            ])),
            (0u64..60).prop_map(|i| crate::json::number_text(i as f64)),
            Just("\"x\"".to_owned()),
            Just("-1".to_owned()),
            Just("1e300".to_owned()),
            Just("null".to_owned()),
            Just("{}".to_owned()),
        ],
        prop_oneof![
            Just("Text"),
            Just("TypingStarted"),
            Just("ParticipantLeft"),
            Just("PushUrl"),
            Just(""),
        ],
        prop_oneof![
            Just(r#"{"nickname":"Ann","type":"Agent","participantId":"2"}"#),
            Just(r#"{"type":7}"#),
            Just("null"),
            Just("[]"),
        ],
    )
        .prop_map(|(index, kind, from)| {
            crate::http::concat(&[
                r#"{"index":"#,
                &index,
                r#","type":""#,
                kind,
                r#"","text":"t","utcTime":-5,"from":"#,
                from,
                "}",
            ])
        })
}

/// Poll bodies: well-formed batches of arbitrary messages, and broken shapes.
fn poll_body() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            proptest::collection::vec(any_message(), 0..8),
            any::<bool>()
        )
            .prop_map(|(list, ended)| batch(&list, ended)),
        Just(r#"{"data":{"messages":{},"chatEnded":"yes"}}"#.to_owned()),
        Just(r#"{"data":null}"#.to_owned()),
        Just("[]".to_owned()),
        ".{0,40}",
        r#"[\[\]{}",:0-9a-z\\]{0,60}"#,
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(started_answer()),
        Just(POLL_FIXTURE.to_owned()),
        Just(ERROR_FIXTURE.to_owned()),
        Just(r#"{"data":{"clientToken":"a.b.c"}}"#.to_owned()),
        poll_body(),
    ]
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        any::<u8>().prop_map(Input::Begin),
        (
            any::<u8>(),
            prop_oneof![
                Just(200u16),
                Just(204),
                Just(400),
                Just(404),
                Just(503),
                any::<u16>()
            ],
            text()
        )
            .prop_map(|(pick, status, text)| Input::Answer { pick, status, text }),
        any::<u8>().prop_map(Input::Fail),
        any::<u16>().prop_map(Input::Advance),
        Just(Input::Reset),
        any::<u8>().prop_map(Input::Resume),
    ]
}

fn op(n: u8) -> Op {
    match n % 10 {
        0 => start_op(),
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
        7 => Op::FetchHistory,
        8 => Op::UpdateData {
            user_data: Object::new(),
        },
        _ => Op::CustomNotice { text: "n".into() },
    }
}

fn record(n: u8) -> Json {
    match n % 4 {
        0 => json(&crate::http::concat(&[
            r#"{"transport":"v3","token":""#,
            TOKEN,
            r#""}"#,
        ])),
        1 => Json::String(TOKEN.into()),
        2 => json(r#"{"transport":"v3","token":7}"#),
        _ => Json::Null,
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
        match &event {
            SessionEvent::Finished { op, outcome } => {
                prop_assert!(!finished.contains(op), "{:?} ended twice", op);
                finished.push(*op);
                if let OpOutcome::Done(body) = outcome {
                    prop_assert!(!format!("{body:?}").contains(TOKEN), "token in {:?}", body);
                }
            }
            other => prop_assert!(
                !format!("{other:?}").contains(TOKEN),
                "token in {:?}",
                other
            ),
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_answers_in_any_order_never_panic_or_leak_and_end_every_op_once(
        async_enabled in any::<bool>(),
        inputs in proptest::collection::vec(input(), 0..60),
    ) {
        let mut h = Harness::new(async_enabled);
        let mut in_flight: Vec<RequestId> = Vec::new();
        let mut begun: Vec<OpId> = Vec::new();
        let mut finished: Vec<OpId> = Vec::new();
        for input in inputs {
            match input {
                Input::Begin(n) => begun.push(h.begin(op(n))),
                Input::Answer { pick, status, text } if !in_flight.is_empty() => {
                    let id = in_flight.remove(usize::from(pick) % in_flight.len());
                    // Error answers carry the server's text; one echoing a token is not ours
                    // to hide.
                    let text = if (200..300).contains(&status) { text } else { ERROR_FIXTURE.to_owned() };
                    h.answer(id, status, &text);
                }
                Input::Fail(pick) if !in_flight.is_empty() => {
                    let id = in_flight.remove(usize::from(pick) % in_flight.len());
                    h.fail(id, HttpOutcome::NetworkError);
                }
                Input::Answer { .. } | Input::Fail(_) => {}
                Input::Advance(ms) => {
                    let at = h.now + u64::from(ms);
                    h.advance_to(at);
                }
                Input::Reset => h.session.reset(),
                Input::Resume(n) => {
                    h.session.resume(&record(n));
                }
            }
            collect(&mut h, &mut in_flight, &mut finished)?;
            let shown = format!("{:?}", h.session.event_session_data());
            prop_assert!(!shown.contains(TOKEN));
        }
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
