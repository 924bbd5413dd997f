//! Restoring a persisted session after a reload.

use super::*;
use crate::session::{Link, OpOutcome};

fn resumed(cloud: CloudConfig) -> Harness {
    let mut h = Harness::with(cloud);
    let record = json(&crate::http::concat(&[
        r#"{"transport":"cloud","conversationId":"c1","memberId":"me","jwt":"JWT-SECRET","eventStreamUri":""#,
        STREAM,
        r#""}"#,
    ]));
    assert!(h.session.resume(&record));
    h
}

#[test]
fn restore_walks_descending_pages_and_replays_them_oldest_first_in_one_event() {
    let mut h = resumed(cloud_config(true, 2));
    let op = h.begin(Op::Restore);
    let (id, request) = h.request();
    assert!(is_get(&request, "/c1/members/me"));
    assert_eq!(bearer(&request), Some("Bearer JWT-SECRET"));
    h.answer(id, 200, &member("me", "Pat", "CUSTOMER", "CONNECTED"));
    let mut io = h.io();
    assert_eq!(io.len(), 2);
    assert_eq!(
        io.remove(0),
        Io::Socket(SocketAction::Open { url: STREAM.into() })
    );
    let Some(Io::Http { id, request }) = io.pop() else {
        panic!("no history request")
    };
    assert!(
        is_get(&request, "/c1/messages?sortOrder=descending&maxResults=2"),
        "{}",
        request.url
    );
    let next = "/api/v2/webchat/guest/conversations/c1/messages?before=m3&sortOrder=descending&maxResults=2";
    h.answer(
        id,
        200,
        &page(
            &[
                entity("m4", "agent", "d", "standard", 4),
                entity("m3", "me", "c", "standard", 3),
            ],
            Some(next),
        ),
    );
    h.socket(SocketEvent::Opened);
    h.frame(&message_frame("m5", "me", "e", "standard"));
    let (id, request) = h.request();
    assert_eq!(
        request.url,
        crate::http::concat(&["https://api.example.com", next])
    );
    h.answer(
        id,
        200,
        &page(
            &[
                entity("m2", "agent", "b", "standard", 2),
                entity("m1", "flow", "a", "notice", 1),
            ],
            None,
        ),
    );
    let (id, request) = h.request();
    assert!(is_get(&request, "/c1/members"));
    assert!(h.events().is_empty());
    let list = crate::http::concat(&[
        r#"{"entities":["#,
        &member("me", "Pat", "CUSTOMER", "CONNECTED"),
        ",",
        &member("agent", "Ann", "AGENT", "CONNECTED"),
        ",",
        &member("flow", "Inbound Chat Flow", "WORKFLOW", "DISCONNECTED"),
        r#"],"pageSize":3}"#,
    ]);
    h.answer(id, 200, &list);
    let events = h.events();
    assert_eq!(
        events[0],
        SessionEvent::Finished {
            op,
            outcome: OpOutcome::Done(Json::Null)
        }
    );
    match &events[1] {
        SessionEvent::Messages {
            messages: m,
            raw,
            restoring: true,
        } => {
            let got: Vec<(&str, &str)> = m
                .iter()
                .map(|m| (m.text.as_str(), m.from.kind.as_str()))
                .collect();
            assert_eq!(
                got,
                [
                    ("a", "Bot"),
                    ("b", "Agent"),
                    ("c", "Client"),
                    ("d", "Agent")
                ]
            );
            assert_eq!(raw[0]["id"], "m1");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ids(&events[2..]), ["m5"], "live frames follow the replay");
    assert!(
        h.io().is_empty(),
        "no lookups: the member list filled the directory"
    );
    assert_eq!(
        h.session.record().unwrap_or_default()["lastMessageId"],
        "m5"
    );
}

#[test]
fn without_pagination_restore_asks_for_pages_of_one_hundred() {
    let mut h = resumed(cloud_config(false, 10));
    h.begin(Op::Restore);
    let (id, _) = h.request();
    h.answer(id, 200, &member("me", "Pat", "CUSTOMER", "CONNECTED"));
    let io = h.io();
    assert!(io.iter().any(|io| matches!(io, Io::Http { request, .. }
        if is_get(request, "/c1/messages?sortOrder=descending&maxResults=100"))));
}

#[test]
fn restore_of_a_disconnected_or_unknown_member_fails_and_forgets() {
    for (status, body) in [
        (200, member("me", "Pat", "CUSTOMER", "DISCONNECTED")),
        (404, r#"{"status":404,"code":"not.found"}"#.to_owned()),
        (401, r#"{"status":401,"code":"bad.credentials"}"#.to_owned()),
    ] {
        let mut h = resumed(cloud_config(true, 100));
        let op = h.begin(Op::Restore);
        let (id, _) = h.request();
        h.answer(id, status, &body);
        assert!(
            matches!(h.events().as_slice(), [SessionEvent::Finished { op: o, outcome: OpOutcome::Failed(_) }] if *o == op),
            "{status}"
        );
        assert_eq!(h.session.record(), None);
        assert!(h.io().is_empty());
    }
}

#[test]
fn restore_with_the_server_down_is_unreachable_and_keeps_reopening_the_socket() {
    let mut h = resumed(cloud_config(true, 100));
    h.session.reset();
    let mut h2 = resumed(cloud_config(true, 100));
    let _ = &mut h;
    let op = h2.begin(Op::Restore);
    let (id, _) = h2.request();
    h2.fail(id, HttpOutcome::NetworkError);
    assert!(
        matches!(h2.events().as_slice(), [SessionEvent::Finished { op: o, outcome: OpOutcome::Unreachable(_) }] if *o == op)
    );
    assert!(h2.session.record().is_some());
    assert_eq!(h2.session.poll_timeout(), Some(T0 + 2_000));
    h2.advance_to(T0 + 2_000);
    assert_eq!(
        h2.io(),
        [Io::Socket(SocketAction::Open { url: STREAM.into() })]
    );
    h2.socket(SocketEvent::Closed { code: 1006 });
    assert!(
        h2.events().is_empty(),
        "no Disconnected: the machine already knows"
    );
    h2.advance_to(T0 + 4_000);
    assert_eq!(h2.io().len(), 1);
    h2.socket(SocketEvent::Opened);
    assert_eq!(h2.events(), [SessionEvent::Link(Link::Reconnected)]);
    let (_, request) = h2.request();
    assert!(is_get(
        &request,
        "/c1/messages?sortOrder=ascending&maxResults=100"
    ));
}

#[test]
fn restore_resolves_when_history_is_in_even_if_the_socket_is_not_open_yet() {
    let mut h = resumed(cloud_config(true, 100));
    let op = h.begin(Op::Restore);
    let (id, _) = h.request();
    h.answer(id, 200, &member("me", "Pat", "CUSTOMER", "CONNECTED"));
    let io = h.io();
    let history = io.iter().find_map(|io| match io {
        Io::Http { id, .. } => Some(*id),
        _ => None,
    });
    h.answer(history.unwrap_or(RequestId(0)), 200, &page(&[], None));
    let (id, _) = h.request();
    h.answer(id, 500, "");
    let events = h.events();
    assert_eq!(
        events[0],
        SessionEvent::Finished {
            op,
            outcome: OpOutcome::Done(Json::Null)
        }
    );
    assert!(
        matches!(&events[1], SessionEvent::Messages { messages, restoring: true, .. } if messages.is_empty())
    );
    // The socket then fails: treated as a disconnect.
    h.socket(SocketEvent::Closed { code: 1006 });
    assert_eq!(h.events(), [SessionEvent::Link(Link::Disconnected)]);
    assert_eq!(h.session.poll_timeout(), Some(T0 + 2_000));
}

#[test]
fn ids_that_would_walk_up_a_url_are_refused_from_storage_and_from_the_create_answer() {
    for (conversation, me) in [("..", "me"), ("c1", "../x"), ("a/b", "me"), ("c1", "m?x")] {
        let mut h = Harness::new();
        let record = json(&crate::http::concat(&[
            r#"{"transport":"cloud","conversationId":""#,
            conversation,
            r#"","memberId":""#,
            me,
            r#"","jwt":"J","eventStreamUri":"ws://x/s"}"#,
        ]));
        assert!(!h.session.resume(&record), "{conversation} {me}");

        let mut h = Harness::new();
        let op = h.begin(start_op("Pat"));
        let (id, _) = h.request();
        let created = CREATED
            .replace(
                r#""id":"c1""#,
                &crate::http::concat(&[r#""id":""#, conversation, "\""]),
            )
            .replace(
                r#""id":"me""#,
                &crate::http::concat(&[r#""id":""#, me, "\""]),
            );
        h.answer(id, 200, &created);
        assert!(
            matches!(h.events().as_slice(), [SessionEvent::Finished { op: o, outcome: OpOutcome::Failed(_) }] if *o == op),
            "{conversation} {me}"
        );
    }
}
