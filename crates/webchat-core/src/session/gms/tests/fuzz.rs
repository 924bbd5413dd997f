//! Issue 11: arbitrary commands, answers (any status, any body: envelopes with wrong types,
//! huge indexes, no `statusCode`, text that is not JSON), failures and timeouts in any order never
//! panic the GMS session, and no command is settled twice.

use super::*;
use proptest::prelude::*;

/// One input to a started chat.
#[derive(Debug, Clone)]
enum Step {
    Command(u8),
    Answer { pick: u8, status: u16, body: String },
    Fail(u8),
    Advance(u16),
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("1.8446744073709552e19".to_owned()),
        Just("-1".to_owned()),
        Just("\"x\"".to_owned()),
        Just("1e308".to_owned()),
        Just("null".to_owned()),
        (0u32..50).prop_map(|n| n.to_string()),
    ]
}

fn message() -> impl Strategy<Value = String> {
    (
        number(),
        prop_oneof![
            Just("Message"),
            Just("ParticipantJoined"),
            Just("ParticipantLeft"),
            Just("TypingStarted"),
            Just("FileUploaded"),
            Just("x"),
        ],
        number(),
        ".{0,8}",
    )
        .prop_map(|(index, kind, pid, text)| {
            let text = serde_json::Value::String(text).to_string();
            format!(
                r#"{{"index":{index},"type":"{kind}","from":{{"nickname":"A","participantId":{pid},"type":"Agent"}},"text":{text},"utcTime":{index}}}"#
            )
        })
}

fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("null".to_owned()),
        Just("{}".to_owned()),
        ".{0,20}",
        (
            prop_oneof![Just("0"), Just("1"), Just("2"), Just("\"0\""), Just("null")],
            prop_oneof![Just("true"), Just("false"), Just("\"no\"")],
            prop::collection::vec(message(), 0..4),
        )
            .prop_map(|(status, ended, messages)| format!(
                r#"{{"statusCode":{status},"chatEnded":{ended},"alias":"9","messages":[{}]}}"#,
                messages.join(",")
            )),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        any::<u8>().prop_map(Step::Command),
        (
            any::<u8>(),
            prop_oneof![Just(200u16), Just(204), Just(400), Just(500), Just(503)],
            body()
        )
            .prop_map(|(pick, status, body)| Step::Answer { pick, status, body }),
        any::<u8>().prop_map(Step::Fail),
        any::<u16>().prop_map(Step::Advance),
    ]
}

fn command(pick: u8) -> Command {
    match pick % 8 {
        0 => Command::SendMessage(json!({"message": "m"})),
        1 => Command::SendTyping(json!({"message": "t"})),
        2 => Command::SendCustomNotice(json!({"message": "n"})),
        3 => Command::UpdateUserData(json!({"a": 1})),
        4 => Command::EndChat,
        5 => Command::GetTranscript,
        6 => Command::StartPoll,
        _ => Command::GetAgents,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn arbitrary_answers_and_orders_never_panic_and_settle_each_command_at_most_once(
        steps in prop::collection::vec(step(), 1..40)
    ) {
        let mut h = Harness::started();
        let mut open: Vec<RequestId> = Vec::new();
        let mut settled: Vec<CommandId> = Vec::new();
        let mut note = |fx: &[Effect], open: &mut Vec<RequestId>| {
            for e in fx {
                match e {
                    Effect::Http { id, .. } => open.push(*id),
                    Effect::Resolve { id, .. } | Effect::Reject { id, .. } => {
                        assert!(!settled.contains(id), "command {id:?} settled twice");
                        settled.push(*id);
                    }
                    _ => {}
                }
            }
        };
        for step in steps {
            match step {
                Step::Command(pick) => {
                    let (_, fx) = h.user(command(pick));
                    note(&fx, &mut open);
                }
                Step::Answer { pick, status, body } if !open.is_empty() => {
                    let id = open.remove(usize::from(pick) % open.len());
                    let fx = h.answer(id, status, &body);
                    note(&fx, &mut open);
                }
                Step::Fail(pick) if !open.is_empty() => {
                    let id = open.remove(usize::from(pick) % open.len());
                    let fx = h.fail(id);
                    note(&fx, &mut open);
                }
                Step::Advance(ms) => {
                    h.now += u64::from(ms);
                    let fx = h.chat.handle(Input::Timeout, h.now);
                    note(&fx, &mut open);
                }
                _ => {}
            }
        }
    }
}

fn stored() -> impl Strategy<Value = String> {
    let id = prop_oneof![
        Just("\"..\"".to_owned()),
        Just("\"a/b\"".to_owned()),
        Just("\"c1\"".to_owned()),
        Just("5".to_owned()),
        Just("{}".to_owned()),
        "[a-z./%]{0,6}".prop_map(|s| format!("\"{s}\"")),
    ];
    prop_oneof![
        ".{0,30}",
        Just("[[[[[[[[[[]]]]]]]]]]".to_owned()),
        (id, number(), number(), number()).prop_map(|(chat, index, start, active)| format!(
            r#"{{"version":1,"keys":{{"transport":"gms","chatId":{chat},"userId":"u","secureKey":"s","alias":"1"}},"lastIndex":{index},"filters":{{"prefilters":[],"filtered":[]}},"startTime":{start},"lastActivity":{active}}}"#
        )),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn an_arbitrary_stored_record_never_panics_and_never_puts_a_bad_id_in_a_url(text in stored()) {
        let (_, fx) = Harness::configured_with(json!({"dataURL": DATA_URL}), Some(text));
        for e in &fx {
            if let Effect::Http { request, .. } = e {
                let tail = request.url.strip_prefix(DATA_URL).unwrap_or("");
                prop_assert!(!tail.contains("/../") && !tail.contains("/./"), "{}", request.url);
                prop_assert!(request.url.starts_with(DATA_URL), "{}", request.url);
            }
        }
    }
}
