//! Message, typing and member-change frames, and the role lookups they need.

use super::*;
use crate::session::OpOutcome;

/// Answers the one pending lookup of `id` with `body`.
fn answer_lookup(h: &mut Harness, id: &str, body: &str) {
    let (request_id, request) = h.request();
    assert!(
        is_get(&request, &crate::http::concat(&["/c1/members/", id])),
        "{request:?}"
    );
    assert_eq!(bearer(&request), Some("Bearer JWT-SECRET"));
    h.answer(request_id, 200, body);
}

#[test]
fn a_frame_from_an_unknown_member_waits_for_its_lookup_and_later_frames_wait_behind_it() {
    let mut h = Harness::started();
    h.frame(&message_frame("m1", "agent", "Hello", "member-join"));
    h.frame(&message_frame("m2", "me", "Hi", "standard"));
    h.frame(&message_frame("m3", "agent", "How can I help?", "standard"));
    assert!(h.events().is_empty(), "held until the agent is known");
    answer_lookup(
        &mut h,
        "agent",
        &member("agent", "Ann", "AGENT", "CONNECTED"),
    );
    let events = h.events();
    assert_eq!(
        messages(&events),
        [
            (
                Some("m1".into()),
                "ParticipantJoined".into(),
                "Hello".into(),
                "Agent",
                "Ann".into()
            ),
            (
                Some("m2".into()),
                "Message".into(),
                "Hi".into(),
                "Client",
                "Pat".into()
            ),
            (
                Some("m3".into()),
                "Message".into(),
                "How can I help?".into(),
                "Agent",
                "Ann".into()
            ),
        ]
    );
    match events.as_slice() {
        [
            SessionEvent::Messages {
                messages,
                raw,
                restoring: false,
            },
        ] => {
            assert_eq!(raw.len(), 3);
            assert_eq!(raw[0]["id"], "m1");
            assert_eq!(messages[0].index, None);
            assert_eq!(messages[0].timestamp, 1_432_845_088_000);
            assert_eq!(messages[0].from.participant_id, "agent");
        }
        other => panic!("{other:?}"),
    }
    // Known now: no second lookup.
    h.frame(&message_frame("m4", "agent", "Bye", "member-leave"));
    assert!(h.io().is_empty());
    assert_eq!(
        messages(&h.events()),
        [(
            Some("m4".into()),
            "ParticipantLeft".into(),
            "Bye".into(),
            "Agent",
            "Ann".into()
        )]
    );
}

#[test]
fn roles_map_to_sender_types() {
    let mut h = Harness::started();
    for (id, role, kind) in [
        ("flow", "WORKFLOW", "Bot"),
        ("cust", "CUSTOMER", "Client"),
        ("acd", "ACD", "External"),
    ] {
        h.frame(&message_frame(
            &crate::http::concat(&["m-", id]),
            id,
            "x",
            "notice",
        ));
        answer_lookup(&mut h, id, &member(id, "N", role, "CONNECTED"));
        let got = messages(&h.events());
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1, "Notice");
        assert_eq!(got[0].3, kind, "{role}");
    }
}

#[test]
fn only_one_lookup_per_member_even_while_it_is_pending() {
    let mut h = Harness::started();
    h.frame(&member_change("agent", "ALERTING"));
    let (id, _) = h.request();
    h.frame(&member_change("agent", "CONNECTED"));
    h.frame(&message_frame("m1", "agent", "Hello", "member-join"));
    h.frame(&typing_frame("agent"));
    assert!(h.io().is_empty());
    assert!(h.events().is_empty(), "member changes publish nothing");
    h.answer(id, 200, &member("agent", "Ann", "AGENT", "CONNECTED"));
    let got = messages(&h.events());
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[1],
        (
            None,
            "TypingStarted".into(),
            String::new(),
            "Agent",
            "Ann".into()
        )
    );
}

#[test]
fn a_failed_lookup_publishes_the_sender_as_an_unnamed_external_party() {
    let mut h = Harness::started();
    h.frame(&message_frame("m1", "ghost", "Boo", "standard"));
    let (id, _) = h.request();
    h.fail(id, HttpOutcome::NetworkError);
    assert_eq!(
        messages(&h.events()),
        [(
            Some("m1".into()),
            "Message".into(),
            "Boo".into(),
            "External",
            String::new()
        )]
    );
}

#[test]
fn a_sent_message_waits_behind_a_frame_whose_sender_is_being_looked_up() {
    let mut h = Harness::started();
    h.frame(&message_frame("m1", "agent", "Hello", "standard"));
    let (lookup, _) = h.request();
    let op = h.begin(Op::Send { text: "Hi".into() });
    let (send, _) = h.request();
    let sent = entity("m2", "me", "Hi", "standard", 29);
    h.answer(send, 200, &sent);
    assert!(h.events().is_empty());
    h.answer(lookup, 200, &member("agent", "Ann", "AGENT", "CONNECTED"));
    let events = h.events();
    assert_eq!(ids(&events), ["m1", "m2"]);
    assert_eq!(
        events.last(),
        Some(&SessionEvent::Finished {
            op,
            outcome: OpOutcome::Done(json(&sent))
        })
    );
}

#[test]
fn typing_frames_become_typing_started_without_an_id() {
    let mut h = Harness::started();
    h.frame(&message_frame("m1", "agent", "Hello", "standard"));
    answer_lookup(
        &mut h,
        "agent",
        &member("agent", "Ann", "AGENT", "CONNECTED"),
    );
    h.events();
    h.frame(&typing_frame("agent"));
    h.frame(&typing_frame("agent"));
    let got = messages(&h.events());
    assert_eq!(got.len(), 2);
    assert!(
        got.iter()
            .all(|m| m.0.is_none() && m.1 == "TypingStarted" && m.3 == "Agent")
    );
}

#[test]
fn own_member_disconnected_ends_the_chat_once_and_forgets_it() {
    let mut h = Harness::started();
    h.frame(&message_frame("m1", "agent", "Bye", "standard"));
    let _ = h.request();
    h.frame(&member_change("me", "DISCONNECTED"));
    let events = h.events();
    assert_eq!(
        ids(&events),
        ["m1"],
        "held messages are published before the end"
    );
    assert_eq!(events.last(), Some(&SessionEvent::Ended));
    assert_eq!(h.io(), [Io::Socket(SocketAction::Close)]);
    assert_eq!(h.session.poll_timeout(), None);
    assert_eq!(h.session.record(), None);
    h.frame(&member_change("me", "DISCONNECTED"));
    h.socket(SocketEvent::Closed { code: 1000 });
    assert!(h.events().is_empty());
    assert!(h.io().is_empty());
}

#[test]
fn other_members_disconnecting_and_own_member_connecting_publish_nothing() {
    let mut h = Harness::started();
    h.frame(&member_change("me", "CONNECTED"));
    h.frame(&member_change("flow", "DISCONNECTED"));
    let (id, _) = h.request();
    h.answer(
        id,
        200,
        &member("flow", "Inbound Chat Flow", "WORKFLOW", "DISCONNECTED"),
    );
    assert!(h.events().is_empty());
}

#[test]
fn heartbeats_garbage_and_other_conversations_publish_nothing() {
    let mut h = Harness::started();
    for text in [
        HEARTBEAT,
        r#"{"topicName":"channel.metadata","eventBody":{"message":"pong"}}"#,
        "not json",
        "[1,2",
        r#"{"topicName":"v2.conversations.chats.other.messages","eventBody":{"id":"x","sender":{"id":"a"}},"metadata":{"type":"message"}}"#,
        r#"{"topicName":"v2.conversations.chats.c1.messages","eventBody":"text","metadata":{"type":"message"}}"#,
        r#"{"topicName":"v2.conversations.chats.c1.members","eventBody":{"member":{}},"metadata":{"type":"member-change"}}"#,
    ] {
        h.frame(text);
    }
    assert!(h.events().is_empty());
    assert!(h.io().is_empty());
}
