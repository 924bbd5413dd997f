//! The Chat Service JS API core over a real WebChatService machine and GMS REST session, with the
//! emulator's answer shapes: options, error codes, event mapping, playback, state and redaction.

use super::errors::ErrorCode;
use super::events::Callback;
use super::options::{self, Entry, LiveOptions};
use super::*;
use crate::filter::SubstringMatcher;
use crate::http::{HttpOutcome, HttpRequest, ResponseBody};
use crate::json::testing;

const DATA_URL: &str = "http://gms/genesys/2/chat/customer-support";
const SECURE_KEY: &str = "4ee15d7e1c343c8e";
const USER_ID: &str = "007555677B20000A";

type Api = ChatApi<SubstringMatcher>;

fn rest() -> Json {
    json!({"transport": {"type": "rest", "dataURL": DATA_URL}, "username": "Jo"})
}

fn requests(fx: &[ApiEffect]) -> Vec<(crate::RequestId, HttpRequest)> {
    fx.iter()
        .filter_map(|e| match e {
            ApiEffect::Io(Effect::Http { id, request }) => Some((*id, request.clone())),
            _ => None,
        })
        .collect()
}

fn settled(fx: &[ApiEffect], call: u64) -> Option<(bool, Json)> {
    fx.iter().find_map(|e| match e {
        ApiEffect::Settle { call: c, ok, value } if *c == call => Some((*ok, value.clone())),
        _ => None,
    })
}

fn callbacks(fx: &[ApiEffect]) -> Vec<(Callback, Json)> {
    fx.iter()
        .filter_map(|e| match e {
            ApiEffect::Callback { callback, event } => Some((*callback, event.clone())),
            _ => None,
        })
        .collect()
}

fn code(event: &Json) -> Option<u64> {
    event.get("error")?.get("code")?.as_u64()
}

fn envelope(messages: Json) -> Json {
    json!({"statusCode": 0, "alias": "117", "userId": USER_ID, "secureKey": SECURE_KEY,
           "chatId": "c1", "chatEnded": false, "messages": messages})
}

fn answer(
    api: &mut Api,
    id: crate::RequestId,
    status: u16,
    body: Json,
    now: u64,
) -> Vec<ApiEffect> {
    let body = ResponseBody {
        text: testing::text(&body),
        json: Some(body),
        retry_after_s: None,
    };
    api.feed(
        Input::Http {
            id,
            outcome: HttpOutcome::Response { status, body },
        },
        now,
    )
}

fn message(index: u64, kind: &str, from_type: &str, id: u64, text: &str) -> Json {
    json!({"index": index, "type": kind, "utcTime": 1000 + index, "text": text,
           "from": {"nickname": if from_type == "Agent" { "Ann" } else { "Jo" },
                    "participantId": id, "type": from_type}})
}

/// `startSession` over REST with default live options.
fn start_rest(api: &mut Api, now: u64) -> Vec<ApiEffect> {
    api.start(
        &rest(),
        LiveOptions::default(),
        Environment::default(),
        PageInfo::default(),
        now,
    )
}

/// A started chat over REST, with every callback registered.
fn started() -> (Api, Vec<ApiEffect>) {
    let mut api = Api::new(SubstringMatcher);
    let fx = start_rest(&mut api, 10);
    let (id, request) = requests(&fx).remove(0);
    assert_eq!(request.url, "http://gms/genesys/2/chat/customer-support/");
    assert_eq!(request.body.form_field("nickname"), Some("Jo"));
    let joined = message(1, "ParticipantJoined", "Client", 1, "");
    let fx = answer(&mut api, id, 200, envelope(json!([joined])), 20);
    assert_eq!(settled(&fx, OPEN_CALL), Some((true, Json::Null)));
    for c in Callback::ALL {
        api.listen(c);
    }
    (api, fx)
}

/// The next poll's request id.
fn poll(api: &mut Api, now: u64) -> crate::RequestId {
    let fx = api.feed(Input::Timeout, now);
    requests(&fx)
        .into_iter()
        .find(|(_, r)| r.url.ends_with("/refresh"))
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no poll in {fx:?}"))
}

#[test]
fn options_are_checked_with_the_seeds_defaults_and_codes() {
    let live = LiveOptions::default();
    let e = options::parse(&json!({}), live, Entry::Start).unwrap_err();
    assert_eq!(
        (e.code, e.details.as_str()),
        (ErrorCode::ParameterMissing, "serverUrl or transport")
    );
    assert!(options::parse(&json!({}), live, Entry::Restore).is_ok());
    for bad in [
        json!({"serverUrl": 7}),
        json!({"serverUrl": "u", "username": 1}),
        json!({"serverUrl": "u", "subject": true}),
        json!({"serverUrl": "u", "userData": [1]}),
        json!({"serverUrl": "u", "maxOfflineDuration": -1}),
        json!({"serverUrl": "u", "maxOfflineDuration": "5"}),
        json!({"serverUrl": "u", "disableWebSockets": "yes"}),
        json!({"transport": {"type": "carrier-pigeon"}}),
        json!("serverUrl"),
    ] {
        let e = options::parse(&bad, live, Entry::Start).unwrap_err();
        assert_eq!(e.code, ErrorCode::BadParameter, "{bad:?}");
    }
    let e =
        options::parse(&json!({"transport": {"type": "rest"}}), live, Entry::Start).unwrap_err();
    assert_eq!(e.code, ErrorCode::ParameterMissing);
    let storage = LiveOptions {
        state_storage: Some(false),
        logger: None,
    };
    assert_eq!(
        options::parse(&json!({"serverUrl": "u"}), storage, Entry::Start)
            .unwrap_err()
            .event(),
        json!({"error": {"code": 3, "description": "bad parameter value", "details": "stateStorage"}})
    );
    let logger = LiveOptions {
        state_storage: None,
        logger: Some(false),
    };
    assert!(options::parse(&json!({"serverUrl": "u"}), logger, Entry::Start).is_err());

    let o = options::parse(
        &json!({"serverUrl": "http://g/genesys/cometd"}),
        live,
        Entry::Start,
    )
    .unwrap();
    assert_eq!(o.username, "User");
    assert_eq!(o.max_offline_ms, 5000);
    assert!(o.built_in && !o.custom_storage);
    let w = o.webchat.unwrap();
    assert_eq!(w["cometD"]["cometURL"], "http://g/genesys/cometd");
    assert_eq!(w["cometD"]["websocketEnabled"], true);
    let o = options::parse(
        &json!({"serverUrl": "u", "disableWebSockets": true, "maxOfflineDuration": 60}),
        live,
        Entry::Start,
    )
    .unwrap();
    assert_eq!(o.webchat.unwrap()["cometD"]["websocketEnabled"], false);
    assert_eq!(o.max_offline_ms, 60_000);
    let o = options::parse(&rest(), live, Entry::Start).unwrap();
    assert_eq!(o.webchat.unwrap()["dataURL"], DATA_URL);
    assert!(!o.built_in);
}

#[test]
fn a_missing_server_url_fails_start_session_with_code_2_and_sends_nothing() {
    let mut api = Api::new(SubstringMatcher);
    let fx = api.start(
        &json!({}),
        LiveOptions::default(),
        Environment::default(),
        PageInfo::default(),
        0,
    );
    assert!(requests(&fx).is_empty());
    let (ok, value) = settled(&fx, OPEN_CALL).unwrap();
    assert!(!ok);
    assert_eq!(value["error"]["description"], "mandatory parameter missing");
    assert_eq!(code(&value), Some(2));
}

#[test]
fn a_refused_start_is_login_failed_and_an_unreachable_server_is_100() {
    let mut api = Api::new(SubstringMatcher);
    let fx = start_rest(&mut api, 0);
    let (id, _) = requests(&fx).remove(0);
    let refused = json!({"errors": [{"code": 240, "message": "cannot start a new chat now"}]});
    let fx = answer(&mut api, id, 400, refused, 1);
    let (ok, value) = settled(&fx, OPEN_CALL).unwrap();
    assert!(!ok);
    assert_eq!(code(&value), Some(101));
    assert_eq!(value["error"]["details"], "cannot start a new chat now");

    let mut api = Api::new(SubstringMatcher);
    let fx = start_rest(&mut api, 0);
    let (id, _) = requests(&fx).remove(0);
    let fx = api.feed(
        Input::Http {
            id,
            outcome: HttpOutcome::NetworkError,
        },
        1,
    );
    assert_eq!(code(&settled(&fx, OPEN_CALL).unwrap().1), Some(100));
}

#[test]
fn server_messages_become_the_seeds_callbacks_and_transcript() {
    let (mut api, fx) = started();
    let state = fx
        .iter()
        .find_map(|e| match e {
            ApiEffect::WriteState(s) if !s.is_null() => Some(s.clone()),
            _ => None,
        })
        .expect("the started chat is saved");
    assert_eq!(state["chatService"], 1);
    assert_eq!(state["session"]["keys"]["secureKey"], SECURE_KEY);
    assert!(!api.is_agent_connected());

    let id = poll(&mut api, 600);
    let batch = json!([
        message(2, "ParticipantJoined", "Agent", 2, ""),
        message(3, "TypingStarted", "Agent", 2, ""),
        message(4, "Message", "Agent", 2, "Hello"),
        message(5, "PushUrl", "Agent", 2, "https://example.com"),
        message(6, "Message", "Client", 1, "Hi"),
    ]);
    let fx = answer(&mut api, id, 200, envelope(batch), 700);
    let got = callbacks(&fx);
    let names: Vec<_> = got.iter().map(|(c, _)| c.name()).collect();
    assert_eq!(
        names,
        [
            "onAgentConnected",
            "onAgentTyping",
            "onMessageReceived",
            "onMessageReceived",
            "onMessageReceived"
        ]
    );
    assert_eq!(
        got[0].1,
        json!({"party": {"id": "2", "type": {"agent": true}, "name": "Ann"}, "index": 1, "timestamp": 1002})
    );
    assert_eq!(
        got[1].1,
        json!({"party": {"id": "2", "name": "Ann"}, "isTyping": true})
    );
    assert_eq!(
        got[2].1["content"],
        json!({"text": "Hello", "type": {"text": true}})
    );
    assert_eq!(
        got[3].1["content"],
        json!({"text": "https://example.com", "type": {"url": true}})
    );
    assert_eq!(got[4].1["party"]["type"], json!({"client": true}));
    assert!(got.iter().all(|(_, e)| e.get("restored").is_none()));
    assert!(api.is_agent_connected());

    let fx = api.command(7, "getTranscript", &json!({"fromIndex": 3}), 800);
    let (ok, value) = settled(&fx, 7).unwrap();
    assert!(ok);
    let transcript = value["transcript"].as_array().unwrap();
    assert_eq!(transcript.len(), 3);
    assert_eq!(
        transcript[0],
        json!({"type": "MessageReceived", "party": {"id": "2", "type": "Agent", "name": "Ann"},
               "index": 3, "timestamp": 1004, "content": {"text": "Hello", "type": "text"}})
    );
    let fx = api.command(8, "getTranscript", &Json::Null, 800);
    assert_eq!(
        settled(&fx, 8).unwrap().1["transcript"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let fx = api.command(9, "getTranscript", &json!({"fromIndex": -1}), 800);
    assert_eq!(code(&settled(&fx, 9).unwrap().1), Some(3));

    let id = poll(&mut api, 2000);
    let left = json!([message(7, "ParticipantLeft", "Agent", 2, "")]);
    let fx = answer(&mut api, id, 200, envelope(left), 2100);
    assert_eq!(callbacks(&fx)[0].0, Callback::AgentDisconnected);
    assert!(!api.is_agent_connected());
}

#[test]
fn session_commands_check_their_arguments_and_map_onto_the_session() {
    let (mut api, _) = started();
    let fx = api.command(1, "sendMessage", &json!("hi"), 30);
    let (_, request) = requests(&fx).remove(0);
    assert!(request.url.ends_with("/send"));
    assert_eq!(request.body.form_field("message"), Some("hi"));
    let fx = api.command(
        2,
        "sendMessage",
        &json!({"message": "x", "type": "url"}),
        30,
    );
    assert_eq!(requests(&fx).len(), 1);
    for (arg, expected) in [
        (json!({}), 2),
        (json!(""), 2),
        (json!({"message": 5}), 3),
        (json!({"message": "x", "type": "video"}), 3),
    ] {
        let fx = api.command(3, "sendMessage", &arg, 30);
        assert_eq!(code(&settled(&fx, 3).unwrap().1), Some(expected), "{arg:?}");
        assert!(requests(&fx).is_empty());
    }
    let fx = api.command(4, "sendTyping", &Json::Null, 30);
    assert!(requests(&fx)[0].1.url.ends_with("/startTyping"));
    let fx = api.command(5, "sendTyping", &json!({"isTyping": false}), 30);
    assert!(requests(&fx)[0].1.url.ends_with("/stopTyping"));
    let fx = api.command(6, "sendTyping", &json!({"isTyping": "no"}), 30);
    assert_eq!(code(&settled(&fx, 6).unwrap().1), Some(3));
    let fx = api.command(7, "fly", &Json::Null, 30);
    assert_eq!(code(&settled(&fx, 7).unwrap().1), Some(1));
    let fx = api.command(8, "getUserData", &Json::Null, 30);
    assert_eq!(code(&settled(&fx, 8).unwrap().1), Some(2));
    let fx = api.command(9, "setUserData", &json!("x"), 30);
    assert_eq!(code(&settled(&fx, 9).unwrap().1), Some(3));
}

#[test]
fn the_extended_user_data_calls_answer_with_the_seeds_shapes() {
    let (mut api, _) = started();
    let fx = api.command(1, "setUserData", &json!({"CoBrowseSessionId": "cb"}), 30);
    let (id, request) = requests(&fx).remove(0);
    assert!(request.url.ends_with("/updateData"));
    assert_eq!(
        request.body.form_field("userData[CoBrowseSessionId]"),
        Some("cb")
    );
    let fx = answer(&mut api, id, 200, envelope(json!([])), 31);
    assert_eq!(settled(&fx, 1), Some((true, Json::Null)));

    let fx = api.command(2, "getUserData", &json!("CoBrowseSessionId"), 40);
    let (id, request) = requests(&fx).remove(0);
    assert!(request.url.ends_with("/c1/getUserData"));
    assert_eq!(request.body.form_field("key"), Some("CoBrowseSessionId"));
    let mut body = envelope(json!([]));
    if let Json::Object(m) = &mut body {
        m.insert("userData", json!({"CoBrowseSessionId": "cb"}));
    }
    let fx = answer(&mut api, id, 200, body, 41);
    assert_eq!(
        settled(&fx, 2),
        Some((true, json!({"userData": {"CoBrowseSessionId": "cb"}})))
    );

    let fx = api.command(3, "deleteUserData", &json!("CoBrowseSessionId"), 50);
    let (id, request) = requests(&fx).remove(0);
    assert!(request.url.ends_with("/deleteUserData"));
    let fx = answer(&mut api, id, 200, envelope(json!([])), 51);
    assert_eq!(settled(&fx, 3), Some((true, json!({"timestamp": 51}))));

    let fx = api.command(4, "getUserData", &json!("k"), 60);
    let (id, _) = requests(&fx).remove(0);
    let refused = json!({"errors": [{"code": 100, "message": "key required"}]});
    let fx = answer(&mut api, id, 400, refused, 61);
    assert_eq!(code(&settled(&fx, 4).unwrap().1), Some(52));
}

#[test]
fn leave_ends_the_session_by_leave_request_and_later_commands_are_unknown_session() {
    let (mut api, _) = started();
    let fx = api.command(1, "leave", &Json::Null, 30);
    let (id, request) = requests(&fx).remove(0);
    assert!(request.url.ends_with("/disconnect"));
    let mut ended = envelope(json!([]));
    if let Json::Object(m) = &mut ended {
        m.insert("chatEnded", json!(true));
    }
    let fx = answer(&mut api, id, 200, ended, 31);
    assert_eq!(settled(&fx, 1), Some((true, Json::Null)));
    let got = callbacks(&fx);
    assert_eq!(
        got,
        [(
            Callback::SessionEnded,
            json!({"reason": {"leaveRequest": true}})
        )]
    );
    assert!(fx.contains(&ApiEffect::WriteState(Json::Null)));
    let fx = api.command(2, "sendMessage", &json!("late"), 40);
    assert_eq!(code(&settled(&fx, 2).unwrap().1), Some(50));
    let fx = api.command(3, "getTranscript", &Json::Null, 40);
    let transcript = settled(&fx, 3).unwrap().1;
    assert_eq!(
        transcript["transcript"][0],
        json!({"type": "SessionEnded", "reason": {"code": 1, "description": "by leave request"},
               "timestamp": 31})
    );
}

#[test]
fn an_agent_ending_the_chat_ends_the_session_by_agent() {
    let (mut api, _) = started();
    let id = poll(&mut api, 600);
    let mut ended = envelope(json!([message(2, "ParticipantLeft", "Agent", 2, "")]));
    if let Json::Object(m) = &mut ended {
        m.insert("chatEnded", json!(true));
    }
    let fx = answer(&mut api, id, 200, ended, 700);
    let last = callbacks(&fx).pop().unwrap();
    assert_eq!(
        last,
        (Callback::SessionEnded, json!({"reason": {"agent": true}}))
    );
}

#[test]
fn polls_failing_interrupt_once_with_error_150_and_a_success_continues() {
    let (mut api, _) = started();
    let mut now = 600;
    let mut interrupted = Vec::new();
    for _ in 0..8 {
        let id = poll(&mut api, now);
        now += 10;
        let fx = api.feed(
            Input::Http {
                id,
                outcome: HttpOutcome::NetworkError,
            },
            now,
        );
        interrupted.extend(callbacks(&fx));
        now += 10_000;
    }
    assert_eq!(
        interrupted,
        [
            (
                Callback::Error,
                json!({"error": {"code": 150, "description": "network connection interrupted"}})
            ),
            (Callback::Interrupted, Json::Null),
        ]
    );
    let id = poll(&mut api, now);
    let fx = answer(&mut api, id, 200, envelope(json!([])), now + 1);
    assert_eq!(callbacks(&fx), [(Callback::Continued, Json::Null)]);
}

fn saved_state(api_fx: &[ApiEffect]) -> Json {
    api_fx
        .iter()
        .rev()
        .find_map(|e| match e {
            ApiEffect::WriteState(s) if !s.is_null() => Some(s.clone()),
            _ => None,
        })
        .unwrap()
}

#[test]
fn restore_session_replays_the_transcript_to_callbacks_registered_later_with_restored() {
    let (_, fx) = started();
    let state = saved_state(&fx);
    let mut api = Api::new(SubstringMatcher);
    let restore = json!({"transport": {"type": "rest", "dataURL": DATA_URL}});
    let fx = api.restore(
        &restore,
        LiveOptions::default(),
        Some(state),
        Environment::default(),
        1000,
    );
    let (id, request) = requests(&fx).remove(0);
    assert!(request.url.ends_with("/c1/refresh"));
    assert_eq!(request.body.form_field("transcriptPosition"), Some("1"));
    let batch = json!([
        message(1, "ParticipantJoined", "Client", 1, ""),
        message(2, "ParticipantJoined", "Agent", 2, ""),
        message(3, "Message", "Agent", 2, "Hello"),
    ]);
    let fx = answer(&mut api, id, 200, envelope(batch), 1001);
    assert_eq!(settled(&fx, OPEN_CALL), Some((true, Json::Null)));
    assert!(callbacks(&fx).is_empty());
    assert!(api.is_agent_connected());
    let fx = api.listen(Callback::MessageReceived);
    let got = callbacks(&fx);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1["restored"], true);
    assert_eq!(got[0].1["content"]["text"], "Hello");
    assert!(callbacks(&api.listen(Callback::MessageReceived)).is_empty());
    assert_eq!(callbacks(&api.listen(Callback::AgentConnected)).len(), 1);
}

#[test]
fn restore_without_a_state_fails_with_no_error_and_an_expired_one_is_cleared() {
    let mut api = Api::new(SubstringMatcher);
    let fx = api.restore(
        &Json::Null,
        LiveOptions::default(),
        None,
        Environment::default(),
        0,
    );
    assert_eq!(settled(&fx, OPEN_CALL), Some((false, json!({}))));

    let (_, fx) = started();
    let state = saved_state(&fx);
    let saved_at = state["savedAt"].as_u64().unwrap();
    let mut api = Api::new(SubstringMatcher);
    let fx = api.restore(
        &rest(),
        LiveOptions::default(),
        Some(state.clone()),
        Environment::default(),
        saved_at + 5001,
    );
    assert_eq!(settled(&fx, OPEN_CALL), Some((false, json!({}))));
    assert!(fx.contains(&ApiEffect::WriteState(Json::Null)));
    assert!(requests(&fx).is_empty());

    // A page-supplied storage has no expiry.
    let custom = LiveOptions {
        state_storage: Some(true),
        logger: None,
    };
    let mut api = Api::new(SubstringMatcher);
    let fx = api.restore(
        &rest(),
        custom,
        Some(state),
        Environment::default(),
        saved_at + 60_000,
    );
    assert_eq!(requests(&fx).len(), 1);
}

#[test]
fn a_restore_the_server_no_longer_knows_fails_with_unknown_session() {
    let (_, fx) = started();
    let state = saved_state(&fx);
    let mut api = Api::new(SubstringMatcher);
    let fx = api.restore(
        &rest(),
        LiveOptions::default(),
        Some(state),
        Environment::default(),
        100,
    );
    let (id, _) = requests(&fx).remove(0);
    let gone = json!({"errors": [{"code": 241, "message": "chat session not found"}]});
    let fx = answer(&mut api, id, 400, gone, 101);
    assert_eq!(code(&settled(&fx, OPEN_CALL).unwrap().1), Some(50));
    assert!(fx.contains(&ApiEffect::WriteState(Json::Null)));
}

#[test]
fn a_cometd_state_restores_without_server_url() {
    let mut api = Api::new(SubstringMatcher);
    let fx = api.start(
        &json!({"serverUrl": "http://g/genesys/cometd", "disableWebSockets": true}),
        LiveOptions::default(),
        Environment::default(),
        PageInfo::default(),
        0,
    );
    let (_, request) = requests(&fx).remove(0);
    assert_eq!(request.url, "http://g/genesys/cometd/handshake");
    let state = state::build(
        Some(
            &options::parse(
                &json!({"serverUrl": "http://g/genesys/cometd"}),
                LiveOptions::default(),
                Entry::Start,
            )
            .unwrap()
            .webchat
            .unwrap(),
        ),
        &json!({"version": 1, "keys": {"transport": "cometd", "chatId": "c", "userId": USER_ID,
                 "secureKey": SECURE_KEY, "alias": "117"}, "lastIndex": 3,
                 "filters": {"prefilters": [], "filtered": []}, "startTime": 1, "lastActivity": 1}),
        5,
    );
    let mut api = Api::new(SubstringMatcher);
    let fx = api.restore(
        &Json::Null,
        LiveOptions::default(),
        Some(state),
        Environment::default(),
        10,
    );
    assert!(settled(&fx, OPEN_CALL).is_none(), "{fx:?}");
    // The saved configuration has WebSockets on: the session opens its socket on the same host.
    let opened = fx.iter().any(|e| {
        matches!(e, ApiEffect::Io(Effect::Socket(crate::SocketAction::Open { url }))
            if url.starts_with("ws://g/genesys/cometd"))
    });
    assert!(opened, "{fx:?}");
}

#[test]
fn log_lines_never_carry_a_session_key() {
    let (mut api, fx) = started();
    let lines = |fx: &[ApiEffect]| -> Vec<String> {
        fx.iter()
            .filter_map(|e| match e {
                ApiEffect::Log(l) => Some(l.clone()),
                _ => None,
            })
            .collect()
    };
    assert!(lines(&fx).iter().any(|l| l == "startSession: chat started"));
    let fx = api.command(1, "sendMessage", &json!("x"), 30);
    let (id, _) = requests(&fx).remove(0);
    let echo = json!({"errors": [{"code": 204, "message": "bad key 4ee15d7e1c343c8e for 007555677B20000A"}]});
    let fx = answer(&mut api, id, 400, echo, 31);
    let logged = lines(&fx).join("\n");
    assert!(logged.contains("error 52: execution error"), "{logged}");
    assert!(
        !logged.contains(SECURE_KEY) && !logged.contains(USER_ID),
        "{logged}"
    );
    assert!(logged.contains("[redacted]"));
    let failed = settled(&fx, 1).unwrap().1;
    assert_eq!(
        failed["error"]["details"],
        "bad key [redacted] for [redacted]"
    );
}

#[test]
fn messages_before_a_callback_is_registered_are_played_back_to_it_once() {
    let mut api = Api::new(SubstringMatcher);
    let fx = start_rest(&mut api, 0);
    let (id, _) = requests(&fx).remove(0);
    answer(
        &mut api,
        id,
        200,
        envelope(json!([message(1, "ParticipantJoined", "Client", 1, "")])),
        1,
    );
    let id = poll(&mut api, 600);
    let early = json!([
        message(2, "Message", "Agent", 2, "early"),
        message(3, "TypingStarted", "Agent", 2, "")
    ]);
    let fx = answer(&mut api, id, 200, envelope(early), 700);
    assert!(callbacks(&fx).is_empty(), "nobody listens yet");
    let got = callbacks(&api.listen(Callback::MessageReceived));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1["content"]["text"], "early");
    assert!(got[0].1.get("restored").is_none());
    assert!(callbacks(&api.listen(Callback::MessageReceived)).is_empty());
    assert!(
        callbacks(&api.listen(Callback::AgentTyping)).is_empty(),
        "typing is not kept"
    );
}

#[test]
fn leaving_the_page_stamps_the_built_in_state_but_never_rewrites_a_page_storage() {
    let (mut api, _) = started();
    let fx = api.page_hidden(5000);
    assert_eq!(saved_state(&fx)["savedAt"], 5000);

    let custom = LiveOptions {
        state_storage: Some(true),
        logger: None,
    };
    let mut api = Api::new(SubstringMatcher);
    let fx = api.start(
        &rest(),
        custom,
        Environment::default(),
        PageInfo::default(),
        0,
    );
    let (id, _) = requests(&fx).remove(0);
    answer(&mut api, id, 200, envelope(json!([])), 1);
    assert!(api.page_hidden(5000).is_empty());
}
