//! Chat operations: publishes carry the REST fields and keys; answers and pushes read like REST.

use super::*;
use crate::texts;

#[test]
fn start_handshakes_then_subscribes_publishes_request_chat_and_connects() {
    let mut h = Harness::new(false);
    h.start();
    let sent = h.sent();
    assert_eq!(sent.len(), 1);
    let (_, request) = sent[0].request.clone().unwrap();
    assert_eq!(
        request.url,
        "http://gms.example.com/genesys/cometd/handshake"
    );
    assert_eq!(sent[0].messages[0]["version"], "1.0");
    assert_eq!(
        sent[0].messages[0]["supportedConnectionTypes"],
        crate::json!(["long-polling"])
    );

    h.answer(sent[0].rid(), &frame("handshake", &[("1", &sent[0].id())]));
    let sent = h.sent();
    let channels: Vec<&str> = sent.iter().map(Sent::channel).collect();
    assert_eq!(channels, ["/meta/subscribe", CHANNEL, "/meta/connect"]);
    assert_eq!(sent[0].messages[0]["subscription"], CHANNEL);
    assert_eq!(sent[1].messages[0]["clientId"], "c0ffee");
    let data = sent[1].data();
    assert_eq!(data["operation"], "requestChat");
    assert_eq!(data["nickname"], "Jonny");
    assert!(data.get("secureKey").is_none());
    let (_, connect) = sent[2].request.clone().unwrap();
    assert_eq!(connect.url, "http://gms.example.com/genesys/cometd/connect");
    assert!(
        connect.timeout_ms > 500,
        "a held connect outlives the advised timeout"
    );
    assert_eq!(sent[1].request.as_ref().unwrap().1.url, COMET);
    assert_eq!(
        sent[2].messages[0]["advice"]["timeout"], 0,
        "the first connect asks for an answer at once"
    );
}

#[test]
fn the_start_resolves_with_the_envelope_without_secrets_and_keeps_the_keys_in_the_record() {
    let mut h = Harness::new(false);
    let op = h.start();
    let hs = h.sent().remove(0);
    h.answer(hs.rid(), &frame("handshake", &[("1", &hs.id())]));
    let publish = find(&h.sent(), CHANNEL);
    h.answer(
        publish.rid(),
        &frame("request_chat", &[("4", &publish.id())]),
    );
    let events = h.events();
    let SessionEvent::Finished {
        op: done,
        outcome: OpOutcome::Done(body),
    } = &events[0]
    else {
        panic!("{events:?}");
    };
    assert_eq!(*done, op);
    assert_eq!(body["chatId"], "0004mgqrkhjhLRTH");
    for secret in ["secureKey", "userId", "alias"] {
        assert!(body.get(secret).is_none(), "{secret} leaked: {body}");
    }
    assert_eq!(texts(&events), ["ParticipantJoined:"]);
    let record = h.session.record().unwrap();
    assert_eq!(record["transport"], "cometd");
    assert_eq!(record["secureKey"], "6a3bec085f7629a1");
    assert_eq!(h.session.session_data()["sessionID"], "0004mgqrkhjhLRTH");
}

#[test]
fn pushes_on_the_held_connect_are_delivered_and_the_next_connect_goes_out_at_once() {
    let mut h = Harness::new(false);
    let connect = h.started();
    assert!(
        connect.messages[0].get("advice").is_none(),
        "later connects may be held"
    );
    h.answer(
        connect.rid(),
        &frame("connect_push", &[("5", &connect.id())]),
    );
    let events = h.events();
    assert_eq!(texts(&events), ["ParticipantJoined:"]);
    assert!(
        events.contains(&SessionEvent::RecordChanged),
        "server traffic refreshes the record's last-activity stamp"
    );
    let next = find(&h.sent(), "/meta/connect");
    h.answer(next.rid(), &frame("connect_push2", &[("6", &next.id())]));
    assert_eq!(texts(&h.events()), ["Message:How can I help?"]);
}

#[test]
fn send_message_publishes_the_rest_fields_with_the_keys_and_resolves_with_the_answer() {
    let mut h = Harness::new(false);
    h.started();
    let op = h.begin(Op::Send { text: "hi".into() });
    let publish = find(&h.sent(), CHANNEL);
    let data = publish.data();
    assert_eq!(data["operation"], "sendMessage");
    assert_eq!(data["message"], "hi");
    assert_eq!(data["messageType"], "text");
    assert_eq!(data["chatId"], "0004mgqrkhjhLRTH");
    assert_eq!(data["secureKey"], "6a3bec085f7629a1");
    assert_eq!(data["userId"], "94C8E64F51AD206D");
    assert_eq!(data["alias"], "621");
    h.answer(
        publish.rid(),
        &frame("send_message", &[("7", &publish.id())]),
    );
    let events = h.events();
    assert!(
        matches!(&events[0], SessionEvent::Finished { op: o, outcome: OpOutcome::Done(b) } if *o == op && b["statusCode"] == 0)
    );
    assert_eq!(texts(&events), ["Message:hi"]);
}

#[test]
fn a_refused_send_rejects_like_the_rest_400_with_the_server_errors() {
    let mut h = Harness::new(false);
    h.started();
    h.begin(Op::Send { text: "x".into() });
    let publish = find(&h.sent(), CHANNEL);
    h.answer(
        publish.rid(),
        &frame("send_too_long", &[("8", &publish.id())]),
    );
    let events = h.events();
    let SessionEvent::Finished {
        outcome: OpOutcome::Failed(error),
        ..
    } = &events[0]
    else {
        panic!("{events:?}");
    };
    assert_eq!(error["status"], 400);
    assert_eq!(error["statusText"], "error");
    assert_eq!(error["responseJSON"]["errors"][0]["code"], 204);
}

#[test]
fn typing_notice_update_and_end_publish_their_operations() {
    let mut h = Harness::new(false);
    h.started();
    let mut user_data = Object::new();
    user_data.insert("k", crate::json!("v"));
    let cases = [
        (Op::StartTyping { text: "he".into() }, "startTyping"),
        (
            Op::StopTyping {
                text: String::new(),
            },
            "stopTyping",
        ),
        (Op::CustomNotice { text: "n".into() }, "customNotice"),
        (Op::UpdateData { user_data }, "updateData"),
        (Op::End, "disconnect"),
    ];
    for (op, name) in cases {
        h.begin(op);
        let data = find(&h.sent(), CHANNEL).data();
        assert_eq!(data["operation"], name);
        assert_eq!(data["chatId"], "0004mgqrkhjhLRTH");
    }
}

#[test]
fn the_chat_ended_push_reports_the_end_and_lets_go_of_the_link() {
    let mut h = Harness::new(false);
    let connect = h.started();
    h.answer(
        connect.rid(),
        &frame("connect_ended", &[("12", &connect.id())]),
    );
    let events = h.events();
    assert_eq!(texts(&events), ["ParticipantLeft:", "ParticipantLeft:"]);
    assert!(
        matches!(events.last(), Some(SessionEvent::Ended)),
        "{events:?}"
    );
    let sent = h.sent();
    assert_eq!(
        sent.iter().map(Sent::channel).collect::<Vec<_>>(),
        ["/meta/disconnect"]
    );
    assert!(h.session.record().is_none());
}

#[test]
fn file_calls_go_over_rest_on_the_data_url_with_the_keys() {
    let mut h = Harness::new(false);
    h.started();
    h.begin(Op::SendFiles {
        command: crate::drive::CommandId(9),
        files: vec![],
    });
    let sent = h.sent();
    let (_, request) = sent[0].request.clone().unwrap();
    assert_eq!(
        request.url,
        "http://gms.example.com/genesys/2/chat/customer-support/0004mgqrkhjhLRTH/file/limits"
    );
    assert_eq!(
        request.body.form_field("secureKey"),
        Some("6a3bec085f7629a1")
    );
}

#[test]
fn custom_headers_changed_mid_chat_reach_the_next_file_call_and_never_the_bayeux_traffic() {
    let (mut gms, mut chat) = config(false);
    gms.enable_custom_header = true;
    chat.transport = TransportConfig::Gms(gms.clone());
    let mut h = Harness::new(false);
    h.session = CometSession::new(&gms, &chat, &Environment::default());
    h.started();
    h.session
        .set_custom_headers(&[("Authorization".into(), "Bearer 2".into())]);
    h.begin(Op::SendFiles {
        command: crate::drive::CommandId(9),
        files: vec![],
    });
    let sent = h.sent();
    let (_, request) = sent[0].request.clone().unwrap();
    assert!(request.url.ends_with("/file/limits"), "{}", request.url);
    assert_eq!(
        request.headers,
        vec![("Authorization".to_owned(), "Bearer 2".to_owned())]
    );
    h.begin(Op::Send { text: "hi".into() });
    for s in h.sent() {
        if let Some((_, r)) = &s.request {
            assert!(r.headers.is_empty(), "{}: {:?}", r.url, r.headers);
        }
    }
}

#[test]
fn polling_commands_are_not_for_this_transport_but_a_catch_up_replays_what_was_missed() {
    let mut h = Harness::new(false);
    h.started();
    assert!(!h.session.capabilities().polling);
    assert!(h.session.capabilities().push);
    // The poll command is refused by validation (no `polling`); Op::Poll is the outbox's
    // catch-up: requestNotifications from the first index not seen.
    assert!(h.session.capabilities().catch_up);
    h.begin(Op::Poll);
    let publish = find(&h.sent(), CHANNEL);
    assert_eq!(publish.data()["operation"], "requestNotifications");
    assert!(publish.data()["transcriptPosition"].as_u64().is_some());
    h.begin(Op::FetchHistory);
    let events = h.events();
    assert!(
        matches!(events.last(), Some(SessionEvent::Finished { outcome: OpOutcome::Failed(e), .. }) if *e == crate::json!(texts::UNSUPPORTED_BY_TRANSPORT))
    );
}

#[test]
fn a_restore_replays_from_the_first_index_with_restoring_set() {
    let mut h = Harness::new(false);
    let record = crate::json!({"transport": "cometd", "chatId": "0004mgqrkhjhLRTH",
        "userId": "94C8E64F51AD206D", "secureKey": "6a3bec085f7629a1", "alias": "621"});
    assert!(h.session.resume(&record));
    assert!(!h.session.resume(&crate::json!({"transport": "gms"})));
    let op = h.begin(Op::Restore);
    let hs = h.sent().remove(0);
    h.answer(hs.rid(), &frame("handshake", &[("1", &hs.id())]));
    let publish = find(&h.sent(), CHANNEL);
    assert_eq!(publish.data()["operation"], "requestNotifications");
    assert_eq!(publish.data()["transcriptPosition"], 1);
    h.answer(publish.rid(), &frame("replay", &[("10", &publish.id())]));
    let events = h.events();
    assert!(
        matches!(&events[0], SessionEvent::Finished { op: o, outcome: OpOutcome::Done(Json::Null) } if *o == op)
    );
    assert!(matches!(
        &events[1],
        SessionEvent::Messages {
            restoring: true,
            ..
        }
    ));
    assert_eq!(texts(&events).len(), 3);
}

#[test]
fn a_restore_the_server_does_not_know_fails() {
    let mut h = Harness::new(false);
    let record = crate::json!({"transport": "cometd", "chatId": "c", "userId": "u",
        "secureKey": "wrong", "alias": "a"});
    assert!(h.session.resume(&record));
    h.begin(Op::Restore);
    let hs = h.sent().remove(0);
    h.answer(hs.rid(), &frame("handshake", &[("1", &hs.id())]));
    let publish = find(&h.sent(), CHANNEL);
    h.answer(
        publish.rid(),
        &frame("replay_unknown", &[("11", &publish.id())]),
    );
    let events = h.events();
    assert!(
        matches!(&events[0], SessionEvent::Finished { outcome: OpOutcome::Failed(e), .. } if e["responseJSON"]["errors"][0]["code"] == 241)
    );
    assert!(h.session.record().is_none());
}

/// A push that comes back on a connect before requestChat is answered (the server attached the
/// client when the operation ran; its answer is still on the way): it is not dropped for want of
/// keys but waits for the answer, then goes right after it, counted as seen. The machine publishes
/// it after `started` (`machine/stub_tests/starting.rs`).
#[test]
fn a_push_before_the_request_chat_answer_is_delivered_right_after_it() {
    let mut h = Harness::new(false);
    let op = h.start();
    let publish = pushed_before_the_answer(&mut h, &frame("connect_push", &[]));
    h.answer(
        publish.rid(),
        &frame("request_chat", &[("4", &publish.id())]),
    );
    let events = h.events();
    assert!(
        matches!(&events[0], SessionEvent::Finished { op: o, outcome: OpOutcome::Done(_) } if *o == op),
        "{events:?}"
    );
    assert_eq!(
        texts(&events),
        ["ParticipantJoined:", "ParticipantJoined:"],
        "the customer's join from the answer, then the agent's pushed before it"
    );
    // Both indexes are seen: a replay after a reconnect asks from 3 on.
    assert_eq!(h.session.seen.first_missing(), 3);
}

#[test]
fn a_push_of_another_chat_before_the_request_chat_answer_is_dropped() {
    let mut h = Harness::new(false);
    h.start();
    let stale = frame("connect_push", &[]).replace("0004mgqrkhjhLRTH", "0004earlierchat0");
    let publish = pushed_before_the_answer(&mut h, &stale);
    h.answer(
        publish.rid(),
        &frame("request_chat", &[("4", &publish.id())]),
    );
    assert_eq!(
        texts(&h.events()),
        ["ParticipantJoined:"],
        "the answer's only"
    );
}

/// Handshakes for the start begun, answers the first connect, then the held one with `push`
/// (a recorded connect answer) while requestChat is unanswered: nothing is delivered yet.
/// Returns the requestChat publish.
fn pushed_before_the_answer(h: &mut Harness, push: &str) -> Sent {
    let hs = h.sent().remove(0);
    h.answer(hs.rid(), &frame("handshake", &[("1", &hs.id())]));
    let sent = h.sent();
    let publish = find(&sent, CHANNEL);
    let connect = find(&sent, "/meta/connect");
    h.answer(
        connect.rid(),
        &frame("connect_first", &[("2", &connect.id())]),
    );
    let held = find(&h.sent(), "/meta/connect");
    let push = push.replace(
        r#""id":"5""#,
        &crate::http::concat(&[r#""id":""#, &held.id(), r#"""#]),
    );
    h.answer(held.rid(), &push);
    let events = h.events();
    assert!(texts(&events).is_empty(), "{events:?}");
    assert!(
        !events.contains(&SessionEvent::RecordChanged),
        "no record before the start is answered"
    );
    publish
}

#[test]
fn a_push_with_no_start_under_way_is_ignored() {
    let mut h = Harness::new(false);
    let op = h.start();
    let hs = h.sent().remove(0);
    h.answer(hs.rid(), &frame("handshake", &[("1", &hs.id())]));
    let sent = h.sent();
    let publish = find(&sent, CHANNEL);
    let connect = find(&sent, "/meta/connect");
    // The start fails: what the link still brings afterwards is nobody's.
    h.answer(
        publish.rid(),
        r#"[{"channel":"/service/chatV2/customer-support","data":{"statusCode":2,"errors":[{"code":102,"advice":"x"}]},"id":"__ID__"}]"#
            .replace("__ID__", &publish.id())
            .as_str(),
    );
    let events = h.events();
    assert!(
        matches!(&events[0], SessionEvent::Finished { op: o, outcome: OpOutcome::Failed(_) } if *o == op),
        "{events:?}"
    );
    h.answer(
        connect.rid(),
        &frame("connect_push", &[("5", &connect.id())]),
    );
    assert!(texts(&h.events()).is_empty());
}
