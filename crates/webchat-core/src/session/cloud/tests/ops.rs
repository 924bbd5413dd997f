//! Starting, sending, typing, leaving, and the record.

use super::*;
use crate::http::Body;
use crate::json;
use crate::session::OpOutcome;
use crate::texts;

#[test]
fn start_creates_the_conversation_and_resolves_once_the_socket_is_open() {
    let mut h = Harness::new();
    let mut user_data = Object::new();
    user_data.insert("customerId", json!(59606));
    user_data.insert("vip", json!(true));
    user_data.insert("nested", json!({"a": 1}));
    let op = h.begin(Op::Start {
        form: StartForm {
            first_name: Some("Ann".into()),
            last_name: Some("Lee".into()),
            email: Some("ann@example.com".into()),
            ..StartForm::default()
        },
        user_data,
    });
    let (id, request) = h.request();
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url, BASE);
    assert_eq!(request.timeout_ms, 5_000);
    assert!(!request.with_credentials);
    assert_eq!(bearer(&request), None);
    assert_eq!(
        request.body,
        Body::Json(json!({
            "organizationId": "org-1",
            "deploymentId": "dep-1",
            "routingTarget": {"targetType": "QUEUE", "targetAddress": "Support", "priority": 2},
            "memberInfo": {"displayName": "Ann Lee", "customFields": {
                "firstName": "Ann", "lastName": "Lee", "email": "ann@example.com",
                "customerId": "59606", "vip": "true"}},
        }))
    );
    h.answer(id, 200, CREATED);
    assert_eq!(h.events(), [SessionEvent::RecordChanged]);
    assert_eq!(
        h.io(),
        [Io::Socket(SocketAction::Open { url: STREAM.into() })]
    );
    h.socket(SocketEvent::Opened);
    let (id, request) = h.request();
    assert!(is_get(&request, "/c1/members/me"));
    assert_eq!(bearer(&request), Some("Bearer JWT-SECRET"));
    assert!(
        h.events().is_empty(),
        "resolves only after the own member answers"
    );
    h.answer(id, 200, &member("me", "Ann Lee", "CUSTOMER", "CONNECTED"));
    assert_eq!(
        h.events(),
        [SessionEvent::Finished {
            op,
            outcome: OpOutcome::Done(json(r#"{"id":"c1","member":{"id":"me"}}"#))
        }],
        "the resolution carries the create answer without the JWT or the stream URI"
    );
}

#[test]
fn start_refused_by_the_server_fails_and_server_trouble_is_unreachable() {
    let mut h = Harness::new();
    let op = h.begin(start_op("Pat"));
    let (id, _) = h.request();
    h.answer(
        id,
        400,
        r#"{"status":400,"code":"bad.request","message":"x"}"#,
    );
    match h.events().as_slice() {
        [
            SessionEvent::Finished {
                op: o,
                outcome: OpOutcome::Failed(e),
            },
        ] => {
            assert_eq!(*o, op);
            assert_eq!(e["status"], 400);
            assert_eq!(e["responseJSON"]["code"], "bad.request");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.session.record(), None);
    for outcome in [HttpOutcome::Timeout, HttpOutcome::NetworkError] {
        let op = h.begin(start_op("Pat"));
        let (id, _) = h.request();
        h.fail(id, outcome);
        assert!(matches!(h.events().as_slice(),
            [SessionEvent::Finished { op: o, outcome: OpOutcome::Unreachable(_) }] if *o == op));
    }
    let op = h.begin(start_op("Pat"));
    let (id, _) = h.request();
    h.answer(id, 503, r#"{"status":503,"code":"service.unavailable"}"#);
    assert!(matches!(h.events().as_slice(),
        [SessionEvent::Finished { op: o, outcome: OpOutcome::Unreachable(_) }] if *o == op));
}

#[test]
fn a_socket_that_fails_to_open_makes_the_start_unreachable() {
    let mut h = Harness::new();
    let op = h.begin(start_op("Pat"));
    let (id, _) = h.request();
    h.answer(id, 200, CREATED);
    h.io();
    h.events();
    h.socket(SocketEvent::Closed { code: 1006 });
    assert!(matches!(h.events().as_slice(),
        [SessionEvent::Finished { op: o, outcome: OpOutcome::Unreachable(_) }] if *o == op));
    assert_eq!(h.session.record(), None);
    assert_eq!(h.session.poll_timeout(), None);
    // A fresh start works afterwards.
    h.start();
    assert!(h.session.record().is_some());
}

#[test]
fn a_socket_that_never_opens_makes_the_start_unreachable_after_the_stall_limit() {
    let mut h = Harness::new();
    let op = h.begin(start_op("Pat"));
    let (id, _) = h.request();
    h.answer(id, 200, CREATED);
    h.io();
    h.events();
    h.advance_to(T0 + 14_000);
    assert_eq!(h.io(), [Io::Socket(SocketAction::Close)]);
    assert!(matches!(h.events().as_slice(),
        [SessionEvent::Finished { op: o, outcome: OpOutcome::Unreachable(_) }] if *o == op));
}

#[test]
fn every_call_after_create_carries_the_jwt_which_never_leaks_into_events_or_session_data() {
    let mut h = Harness::started();
    h.begin(Op::Send { text: "hi".into() });
    let (_, send) = h.request();
    h.begin(Op::StartTyping {
        text: String::new(),
    });
    let (_, typing) = h.request();
    h.begin(Op::End);
    let (_, end) = h.request();
    for request in [&send, &typing, &end] {
        assert_eq!(bearer(request), Some("Bearer JWT-SECRET"));
    }
    let data = h.session.session_data();
    assert_eq!(data, json!({"conversationId": "c1", "memberId": "me"}));
    let events = h.events();
    assert!(!format!("{events:?}{data:?}").contains("JWT-SECRET"));
}

#[test]
fn send_posts_the_text_and_resolves_with_the_entity_also_published_as_a_message() {
    let mut h = Harness::started();
    let op = h.begin(Op::Send {
        text: "Hello".into(),
    });
    let (id, request) = h.request();
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url, concat_url("/c1/members/me/messages"));
    assert_eq!(
        request.body,
        Body::Json(json!({"body": "Hello", "bodyType": "standard"}))
    );
    let sent = entity("m9", "me", "Hello", "standard", 30);
    h.answer(id, 200, &sent);
    let events = h.events();
    assert_eq!(
        messages(&events),
        [(
            Some("m9".into()),
            "Message".into(),
            "Hello".into(),
            "Client",
            "Pat".into()
        )]
    );
    assert_eq!(
        events.last(),
        Some(&SessionEvent::Finished {
            op,
            outcome: OpOutcome::Done(json(&sent))
        })
    );
}

#[test]
fn a_message_of_4001_utf16_units_is_refused_without_a_request_and_4000_is_sent() {
    let mut h = Harness::started();
    let op = h.begin(Op::Send {
        text: "a".repeat(4001),
    });
    assert!(h.io().is_empty());
    assert_eq!(
        h.events(),
        [SessionEvent::Finished {
            op,
            outcome: OpOutcome::Failed(json!(texts::CLOUD_MESSAGE_TOO_LONG))
        }]
    );
    // 2000 astral characters are 4000 UTF-16 units; one more is too many.
    h.begin(Op::Send {
        text: "😀".repeat(2000),
    });
    assert_eq!(h.io().len(), 1);
    let op = h.begin(Op::Send {
        text: "😀".repeat(2000) + "a",
    });
    assert!(h.io().is_empty());
    assert!(
        matches!(h.events().as_slice(), [SessionEvent::Finished { op: o, outcome: OpOutcome::Failed(_) }] if *o == op)
    );
    h.begin(Op::Send {
        text: "a".repeat(4000),
    });
    assert_eq!(h.io().len(), 1);
}

#[test]
fn send_failures_are_refused_or_unreachable() {
    let mut h = Harness::started();
    let op = h.begin(Op::Send { text: "x".into() });
    let (id, _) = h.request();
    h.answer(id, 400, r#"{"status":400,"code":"bad.request"}"#);
    assert!(
        matches!(h.events().as_slice(), [SessionEvent::Finished { op: o, outcome: OpOutcome::Failed(_) }] if *o == op)
    );
    let op = h.begin(Op::Send { text: "x".into() });
    let (id, _) = h.request();
    h.fail(id, HttpOutcome::NetworkError);
    assert!(
        matches!(h.events().as_slice(), [SessionEvent::Finished { op: o, outcome: OpOutcome::Unreachable(_) }] if *o == op)
    );
}

#[test]
fn start_typing_posts_without_a_body_and_stop_typing_is_done_at_once() {
    let mut h = Harness::started();
    let op = h.begin(Op::StartTyping { text: "he".into() });
    let (id, request) = h.request();
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url, concat_url("/c1/members/me/typing"));
    assert_eq!(request.body, Body::Empty);
    h.answer(id, 200, r#"{"id":"t","conversation":{"id":"c1"}}"#);
    assert_eq!(
        h.events(),
        [SessionEvent::Finished {
            op,
            outcome: OpOutcome::Done(json(r#"{"id":"t","conversation":{"id":"c1"}}"#))
        }]
    );
    let op = h.begin(Op::StopTyping {
        text: String::new(),
    });
    assert!(h.io().is_empty());
    assert_eq!(
        h.events(),
        [SessionEvent::Finished {
            op,
            outcome: OpOutcome::Done(Json::Null)
        }]
    );
}

#[test]
fn end_deletes_the_own_member_closes_the_socket_and_forgets_the_chat() {
    let mut h = Harness::started();
    let op = h.begin(Op::End);
    let (id, request) = h.request();
    assert_eq!(request.method, Method::Delete);
    assert_eq!(request.url, concat_url("/c1/members/me"));
    h.answer(id, 204, "");
    assert_eq!(
        h.events(),
        [SessionEvent::Finished {
            op,
            outcome: OpOutcome::Done(Json::Null)
        }]
    );
    assert_eq!(h.io(), [Io::Socket(SocketAction::Close)]);
    assert_eq!(h.session.record(), None);
    assert_eq!(h.session.session_data(), json!({}));
    assert_eq!(h.session.poll_timeout(), None);
    // Late socket news of the dead chat is ignored.
    h.socket(SocketEvent::Closed { code: 1000 });
    h.frame(&message_frame("m1", "agent", "late", "standard"));
    assert!(h.events().is_empty() && h.io().is_empty());
}

#[test]
fn end_refused_is_over_but_end_unreachable_keeps_the_session() {
    let mut h = Harness::started();
    let op = h.begin(Op::End);
    let (id, _) = h.request();
    h.fail(id, HttpOutcome::Timeout);
    assert!(
        matches!(h.events().as_slice(), [SessionEvent::Finished { op: o, outcome: OpOutcome::Unreachable(_) }] if *o == op)
    );
    assert!(h.session.record().is_some());
    let op = h.begin(Op::End);
    let (id, _) = h.request();
    h.answer(id, 404, r#"{"status":404,"code":"not.found"}"#);
    assert!(
        matches!(h.events().as_slice(), [SessionEvent::Finished { op: o, outcome: OpOutcome::Failed(_) }] if *o == op)
    );
    assert_eq!(h.session.record(), None);
}

#[test]
fn operations_cloud_has_no_call_for_are_refused_as_unsupported() {
    let mut h = Harness::started();
    let ops = [
        Op::CustomNotice { text: "x".into() },
        Op::UpdateData {
            user_data: Object::new(),
        },
        Op::SendFiles {
            command: crate::drive::CommandId(1),
            files: vec![],
        },
        Op::Download {
            file_id: "f".into(),
            file_name: "n".into(),
        },
        Op::FetchHistory,
    ];
    for what in ops {
        let op = h.begin(what);
        assert_eq!(
            h.events(),
            [SessionEvent::Finished {
                op,
                outcome: OpOutcome::Failed(json!(texts::UNSUPPORTED_BY_TRANSPORT))
            }]
        );
    }
    assert!(h.io().is_empty());
}

#[test]
fn record_and_resume_round_trip_and_foreign_records_are_refused() {
    let mut h = Harness::started();
    h.frame(&message_frame("m1", "me", "hi", "standard"));
    let record = h.session.record().unwrap_or_default();
    assert_eq!(
        record,
        json!({"transport": "cloud", "conversationId": "c1", "memberId": "me",
               "jwt": "JWT-SECRET", "eventStreamUri": STREAM, "lastMessageId": "m1"})
    );
    let mut other = Harness::new();
    assert!(other.session.resume(&record));
    assert_eq!(other.session.record(), Some(record.clone()));
    assert_eq!(
        other.session.session_data(),
        json!({"conversationId": "c1", "memberId": "me"})
    );
    for bad in [
        json!({"transport": "gms", "conversationId": "c1", "memberId": "me", "jwt": "j", "eventStreamUri": "u"}),
        json!({"transport": "cloud", "conversationId": "c1", "memberId": 3, "jwt": "j", "eventStreamUri": "u"}),
        json!({"transport": "cloud", "conversationId": "c1", "memberId": "me", "eventStreamUri": "u"}),
        json!("cloud"),
    ] {
        assert!(!Harness::new().session.resume(&bad), "{bad:?}");
    }
}

#[test]
fn answers_to_unknown_requests_are_ignored() {
    let mut h = Harness::started();
    h.answer(RequestId(999), 200, CREATED);
    assert!(h.events().is_empty() && h.io().is_empty());
}

#[test]
fn reset_forgets_the_chat_closes_the_socket_and_ends_operations_under_way() {
    let mut h = Harness::started();
    let op = h.begin(Op::Send { text: "x".into() });
    let (id, _) = h.request();
    h.session.reset();
    assert_eq!(h.io(), [Io::Socket(SocketAction::Close)]);
    assert!(
        matches!(h.events().as_slice(), [SessionEvent::Finished { op: o, outcome: OpOutcome::Failed(_) }] if *o == op)
    );
    h.answer(id, 200, &entity("m1", "me", "x", "standard", 1));
    assert!(h.events().is_empty());
    assert_eq!(h.session.record(), None);
}

#[test]
fn a_create_answer_without_the_conversation_identity_fails_the_start() {
    let mut h = Harness::new();
    let op = h.begin(start_op("Pat"));
    let (id, _) = h.request();
    h.answer(id, 200, r#"{"id":"c1","member":{"id":"me"}}"#);
    assert!(
        matches!(h.events().as_slice(), [SessionEvent::Finished { op: o, outcome: OpOutcome::Failed(_) }] if *o == op)
    );
    assert!(h.io().is_empty());
    assert_eq!(h.session.record(), None);
}

#[test]
fn an_own_member_refused_after_the_socket_opens_fails_the_start_and_closes_the_socket() {
    let mut h = Harness::new();
    let op = h.begin(start_op("Pat"));
    let (id, _) = h.request();
    h.answer(id, 200, CREATED);
    h.io();
    h.events();
    h.socket(SocketEvent::Opened);
    let (id, _) = h.request();
    h.answer(id, 403, r#"{"status":403,"code":"forbidden"}"#);
    assert!(
        matches!(h.events().as_slice(), [SessionEvent::Finished { op: o, outcome: OpOutcome::Failed(_) }] if *o == op)
    );
    assert_eq!(h.io(), [Io::Socket(SocketAction::Close)]);
    assert_eq!(h.session.record(), None);
}

#[test]
fn a_second_start_while_a_chat_exists_is_refused() {
    let mut h = Harness::started();
    let op = h.begin(start_op("Pat"));
    assert!(h.io().is_empty());
    assert_eq!(
        h.events(),
        [SessionEvent::Finished {
            op,
            outcome: OpOutcome::Failed(json!(texts::ALREADY_ACTIVE))
        }]
    );
}
