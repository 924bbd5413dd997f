//! Start, polling, sending, typing, userData, files, end, and how errors end up.

use super::*;
use crate::http::{Body, Part};
use crate::message::SenderType;
use crate::session::Link;
use crate::texts;

#[test]
fn start_sends_the_data_fields_with_only_the_configured_headers() {
    let mut h = Harness::new(false);
    h.begin(start_op());
    let (_, request) = h.request();
    assert_eq!((request.method, request.url.as_str()), (Method::Post, BASE));
    assert_eq!(header(&request, "x-api-key"), Some("API-KEY"));
    assert_eq!(header(&request, "x-extra"), Some("1"));
    assert_eq!(header(&request, "x-nexus-client-key"), None);
    let field = |name: &str| request.body.form_field(name).map(str::to_owned);
    assert_eq!(field("data[firstName]").as_deref(), Some("Pat"));
    assert_eq!(field("data[lastName]").as_deref(), Some("Lee"));
    assert_eq!(field("data[nickname]").as_deref(), Some("Pat Lee"));
    assert_eq!(field("data[email]").as_deref(), Some("pat@example.com"));
    assert_eq!(field("data[subject]").as_deref(), Some("help"));
    assert_eq!(field("data[endpoint]").as_deref(), Some("chat-ep"));
    assert_eq!(
        field("data[userData][customerId]").as_deref(),
        Some("59606")
    );
    assert!(field("operationId").is_some_and(|id| id.len() == 46));
}

#[test]
fn the_start_answer_resolves_without_the_token_and_polls_at_once_with_it() {
    let mut h = Harness::new(false);
    let op = h.begin(start_op());
    let (id, _) = h.request();
    h.answer(id, 200, &started_answer());
    let events = h.events();
    assert_eq!(
        finished(&events),
        [(op, OpOutcome::Done(json(r#"{"data":{}}"#)))]
    );
    assert!(events.contains(&SessionEvent::Polling(true)));
    assert!(!format!("{events:?}").contains(TOKEN));
    assert_eq!(h.session.poll_timeout(), Some(T0));
    h.advance_to(T0);
    let (_, poll) = h.request();
    assert!(is_get(&poll, "/abc123/messages?index=1"), "{}", poll.url);
    assert_eq!(header(&poll, "x-nexus-client-key"), Some(TOKEN));
    assert_eq!(header(&poll, "x-api-key"), Some("API-KEY"));
    assert!(poll.url.contains("operationId="));
    assert_eq!(poll.body, Body::Empty);
}

#[test]
fn a_start_answer_without_a_readable_token_is_refused() {
    let mut h = Harness::new(false);
    let op = h.begin(start_op());
    let (id, _) = h.request();
    h.answer(id, 200, r#"{"data":{"clientToken":"not-a-jwt"}}"#);
    let events = h.events();
    let [(done, OpOutcome::Failed(error))] = &finished(&events)[..] else {
        panic!("{events:?}")
    };
    assert_eq!(*done, op);
    assert_eq!(error["responseJSON"], json(r#"{"data":{}}"#));
    assert_eq!(h.session.poll_timeout(), None);
}

#[test]
fn polls_read_the_recorded_shape_and_deliver_each_index_once() {
    let mut h = Harness::new(false);
    h.begin(start_op());
    let (id, _) = h.request();
    h.answer(id, 200, &started_answer());
    h.advance_to(T0);
    let (id, _) = h.request();
    h.answer(id, 200, POLL_FIXTURE);
    let events = h.events();
    let Some(SessionEvent::Messages {
        messages,
        restoring,
        ..
    }) = events
        .iter()
        .find(|e| matches!(e, SessionEvent::Messages { .. }))
    else {
        panic!("{events:?}")
    };
    assert!(!restoring);
    assert_eq!(messages[0].index, Some(1));
    assert_eq!(messages[0].kind, "ParticipantJoined");
    assert_eq!(messages[0].from.kind, SenderType::Client);
    assert_eq!(messages[0].from.participant_id, "1");
    assert_eq!(messages[0].timestamp, 1_432_845_088_000);

    // Every 3 s; from the next index; a server repeating old messages is de-duplicated.
    let (id, poll) = h.next_poll();
    assert_eq!(h.now, T0 + 3000);
    assert!(is_get(&poll, "/abc123/messages?index=2"), "{}", poll.url);
    let all = [
        message(1, "ParticipantJoined", "Customer", ""),
        message(2, "Text", "Agent", "Hello"),
        message(3, "PushUrl", "Agent", "https://x.test"),
    ];
    h.answer(id, 200, &batch(&all, false));
    let events = h.events();
    assert_eq!(
        delivered(&events),
        [
            (2, "Hello".into(), false),
            (3, "https://x.test".into(), false)
        ]
    );
    let SessionEvent::Messages { messages, raw, .. } = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(messages[0].kind, "Message");
    assert_eq!(
        messages[0].extra.get("originalType"),
        Some(&json(r#""Text""#))
    );
    assert_eq!(raw[0]["index"], "2");
    let (_, poll) = h.next_poll();
    assert!(is_get(&poll, "/abc123/messages?index=4"), "{}", poll.url);
}

#[test]
fn send_typing_user_data_and_end_use_their_v3_calls() {
    let mut h = Harness::started(false, POLL_FIXTURE);
    let op = h.begin(Op::Send { text: "hi".into() });
    let (id, send) = h.request();
    assert_eq!(
        (send.method, send.url.as_str()),
        (Method::Post, url("/abc123/messages").as_str())
    );
    assert_eq!(send.body.form_field("data[type]"), Some("Text"));
    assert_eq!(send.body.form_field("data[text]"), Some("hi"));
    assert!(send.body.form_field("operationId").is_some());
    assert_eq!(header(&send, "x-nexus-client-key"), Some(TOKEN));
    h.answer(id, 200, r#"{"data":{}}"#);
    assert_eq!(
        finished(&h.events()),
        [(op, OpOutcome::Done(json(r#"{"data":{}}"#)))]
    );

    for (what, kind) in [
        (Op::StartTyping { text: "h".into() }, "TypingStarted"),
        (
            Op::StopTyping {
                text: String::new(),
            },
            "TypingStopped",
        ),
    ] {
        h.begin(what);
        let (_, typing) = h.request();
        assert_eq!(typing.body.form_field("data[type]"), Some(kind));
    }

    let user_data = [("a".to_owned(), Json::String("b".into()))]
        .into_iter()
        .collect();
    h.begin(Op::UpdateData { user_data });
    let (_, put) = h.request();
    assert_eq!(
        (put.method, put.url.as_str()),
        (Method::Put, url("/abc123/userdata").as_str())
    );
    assert_eq!(put.body.form_field("data[userData][a]"), Some("b"));

    let op = h.begin(Op::End);
    assert_eq!(h.session.poll_timeout(), None, "no polls while ending");
    let (id, end) = h.request();
    assert_eq!(end.method, Method::Delete);
    assert_eq!(url_without_operation(&end), url("/abc123/participants/1"));
    h.answer(id, 200, r#"{"data":{}}"#);
    assert_eq!(
        finished(&h.events()),
        [(op, OpOutcome::Done(json(r#"{"data":{}}"#)))]
    );
}

#[test]
fn files_upload_one_by_one_to_images_and_limit_errors_reject_with_the_answer() {
    use crate::command::FileInfo;
    use crate::drive::CommandId;
    let file = |name: &str| FileInfo {
        name: name.into(),
        size: 10,
        mime: "image/png".into(),
    };
    let mut h = Harness::started(false, POLL_FIXTURE);
    let op = h.begin(Op::SendFiles {
        command: CommandId(9),
        files: vec![file("a.png"), file("b.png")],
    });
    let (id, first) = h.request();
    assert_eq!(first.url, url("/abc123/images"));
    let Body::Multipart(parts) = &first.body else {
        panic!("{first:?}")
    };
    assert!(parts.contains(&Part::File {
        name: "file".into(),
        command: CommandId(9),
        file_index: 0
    }));
    assert!(matches!(&parts[0], Part::Text { name, .. } if name == "operationId"));
    h.answer(id, 200, r#"{"data":{"fileId":"f1"}}"#);
    let (id, second) = h.request();
    assert!(
        matches!(&second.body, Body::Multipart(p) if p.contains(&Part::File {
        name: "file".into(), command: CommandId(9), file_index: 1 }))
    );
    let refusal = r#"{"status":{"code":"LIMIT_FILE_SIZE","message":"file too large"}}"#;
    h.answer(id, 400, refusal);
    let events = h.events();
    let [(done, OpOutcome::Failed(error))] = &finished(&events)[..] else {
        panic!("{events:?}")
    };
    assert_eq!(*done, op);
    assert_eq!(error["status"], 400);
    assert_eq!(error["responseJSON"]["status"]["code"], "LIMIT_FILE_SIZE");
    assert!(h.session.poll_timeout().is_some(), "the session goes on");
}

#[test]
fn a_lost_session_is_reported_once_and_not_polled_again() {
    let mut h = Harness::started(false, POLL_FIXTURE);
    let send = h.begin(Op::Send { text: "x".into() });
    let (send_id, _) = h.request();
    let (poll_id, _) = h.next_poll();
    h.answer(poll_id, 404, ERROR_FIXTURE);
    let events = h.events();
    assert_eq!(events[0], SessionEvent::Polling(false));
    let SessionEvent::Lost { error } = &events[1] else {
        panic!("{events:?}")
    };
    assert_eq!(error["responseJSON"]["status"]["code"], "INVALID_SESSION");
    assert_eq!(h.session.poll_timeout(), None);
    assert_eq!(h.session.session_data(), json("{}"));
    // The send in flight still ends, once, and nothing more is reported.
    h.answer(send_id, 404, ERROR_FIXTURE);
    let events = h.events();
    assert_eq!(
        finished(&events),
        [(
            send,
            OpOutcome::Failed(json(r#""There is no active chat session""#))
        )]
    );
    assert_eq!(events.len(), 1);
}

#[test]
fn invalid_session_in_any_status_means_lost() {
    let mut h = Harness::started(false, POLL_FIXTURE);
    let op = h.begin(Op::Send { text: "x".into() });
    let (id, _) = h.request();
    h.answer(id, 400, ERROR_FIXTURE);
    let events = h.events();
    assert!(matches!(finished(&events)[..], [(o, OpOutcome::Failed(_))] if o == op));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SessionEvent::Lost { .. }))
    );
}

#[test]
fn failing_polls_go_offline_at_the_limit_and_come_back() {
    let mut h = Harness::started(false, POLL_FIXTURE);
    let (id, _) = h.next_poll();
    h.answer(
        id,
        503,
        r#"{"status":{"code":"SERVICE_UNAVAILABLE","message":"x"}}"#,
    );
    assert!(!h.events().contains(&SessionEvent::Link(Link::Offline)));
    let (id, _) = h.next_poll();
    h.fail(id, HttpOutcome::Timeout);
    assert!(h.events().contains(&SessionEvent::Link(Link::Offline)));
    let (id, _) = h.next_poll();
    h.answer(id, 200, &batch(&[], false));
    assert!(h.events().contains(&SessionEvent::Link(Link::BackOnline)));
}

#[test]
fn chat_ended_in_a_poll_ends_the_chat() {
    let mut h = Harness::started(false, POLL_FIXTURE);
    let (id, _) = h.next_poll();
    h.answer(
        id,
        200,
        &batch(&[message(2, "ParticipantLeft", "Agent", "")], true),
    );
    let events = h.events();
    assert_eq!(delivered(&events).len(), 1);
    assert_eq!(events.last(), Some(&SessionEvent::Ended));
}

#[test]
fn session_data_has_the_v3_shape_and_events_get_it_without_the_token() {
    let h = Harness::started(false, POLL_FIXTURE);
    assert_eq!(
        h.session.session_data(),
        json(&crate::http::concat(&[
            r#"{"participantId":"1","sessionId":"abc123","token":""#,
            TOKEN,
            r#"","transportId":"emulator"}"#
        ]))
    );
    assert_eq!(
        h.session.event_session_data(),
        json(r#"{"participantId":"1","sessionId":"abc123","transportId":"emulator"}"#)
    );
}

#[test]
fn custom_notices_and_history_outside_async_fail_with_the_texts() {
    let mut h = Harness::started(false, POLL_FIXTURE);
    h.begin(Op::CustomNotice { text: "x".into() });
    h.begin(Op::FetchHistory);
    let texts: Vec<Json> = finished(&h.events())
        .into_iter()
        .map(|(_, o)| match o {
            OpOutcome::Failed(t) => t,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        texts,
        [
            Json::String(texts::UNSUPPORTED_BY_TRANSPORT.into()),
            Json::String(texts::HISTORY_ASYNC_ONLY.into())
        ]
    );
    assert!(h.io().is_empty());
}
