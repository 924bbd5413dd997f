//! Arbitrary options, command arguments, answers and orders never panic the Chat Service JS API
//! core, and no call is settled twice.

use super::options::LiveOptions;
use super::*;
use crate::filter::SubstringMatcher;
use crate::http::{HttpOutcome, ResponseBody};
use proptest::prelude::*;

fn json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        prop_oneof![any::<f64>(), -5.0..5000.0f64].prop_map(Json::Number),
        prop_oneof![
            Just("rest".to_owned()),
            Just("http://g/genesys/cometd".to_owned()),
            ".{0,12}"
        ]
        .prop_map(Json::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        let keys = prop_oneof![
            Just("serverUrl"),
            Just("transport"),
            Just("type"),
            Just("dataURL"),
            Just("message"),
            Just("isTyping"),
            Just("fromIndex"),
            Just("userData"),
            Just("username"),
            Just("maxOfflineDuration"),
            Just("statusCode"),
            Just("messages"),
            Just("chatEnded"),
            Just("secureKey"),
            Just("errors"),
            Just("index"),
            Just("from"),
            Just("x"),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::vec((keys, inner), 0..5).prop_map(|kv| Json::Object(
                kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

#[derive(Debug, Clone)]
enum Step {
    Command(u8, Json),
    Answer(u8, u16, Json),
    Fail(u8),
    Timeout(u16),
    Listen(u8),
    Hide,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (any::<u8>(), json()).prop_map(|(n, a)| Step::Command(n, a)),
        (
            any::<u8>(),
            prop_oneof![Just(200u16), Just(400), Just(503)],
            json()
        )
            .prop_map(|(p, s, b)| Step::Answer(p, s, b)),
        any::<u8>().prop_map(Step::Fail),
        any::<u16>().prop_map(Step::Timeout),
        any::<u8>().prop_map(Step::Listen),
        Just(Step::Hide),
    ]
}

/// A session command, or (one time in eight) a name that is none.
fn command_name(n: u8) -> &'static str {
    super::commands::COMMANDS
        .get(usize::from(n % 8))
        .copied()
        .unwrap_or("fly")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn nothing_panics_and_nothing_settles_twice(
        restore in any::<bool>(),
        options in json(),
        stored in proptest::option::of(json()),
        storage in proptest::option::of(any::<bool>()),
        steps in prop::collection::vec(step(), 0..30),
    ) {
        let live = LiveOptions { state_storage: storage, logger: None };
        let mut api = ChatApi::new(SubstringMatcher);
        let mut effects = if restore {
            api.restore(&options, live, stored, Environment::default(), 1)
        } else {
            api.start(&options, live, Environment::default(), PageInfo::default(), 1)
        };
        let mut now = 1u64;
        let mut settled: Vec<u64> = Vec::new();
        let mut requests = Vec::new();
        for (i, step) in steps.into_iter().enumerate() {
            for e in &effects {
                match e {
                    ApiEffect::Settle { call, .. } => {
                        prop_assert!(!settled.contains(call), "call {} settled twice", call);
                        settled.push(*call);
                    }
                    ApiEffect::Io(Effect::Http { id, .. }) => requests.push(*id),
                    _ => {}
                }
            }
            now += 100;
            effects = match step {
                Step::Command(n, arg) => {
                    api.command(1000 + i as u64, command_name(n), &arg, now)
                }
                Step::Answer(pick, status, body) if !requests.is_empty() => {
                    let id = requests.remove(usize::from(pick) % requests.len());
                    let body = ResponseBody { text: String::from("x"), json: Some(body), retry_after_s: None };
                    api.feed(Input::Http { id, outcome: HttpOutcome::Response { status, body } }, now)
                }
                Step::Fail(pick) if !requests.is_empty() => {
                    let id = requests.remove(usize::from(pick) % requests.len());
                    api.feed(Input::Http { id, outcome: HttpOutcome::NetworkError }, now)
                }
                Step::Answer(..) | Step::Fail(_) => Vec::new(),
                Step::Timeout(ms) => {
                    now += u64::from(ms);
                    api.feed(Input::Timeout, now)
                }
                Step::Listen(n) => {
                    api.listen(Callback::ALL[usize::from(n) % Callback::ALL.len()])
                }
                Step::Hide => api.page_hidden(now),
            };
            let _ = api.is_agent_connected();
        }
    }
}
