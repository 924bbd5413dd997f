//! The heartbeat watchdog, reopening a dead socket, fetching what was missed, and the outbox's
//! catch-up on demand (`Op::Poll`).

use super::*;
use crate::session::{Link, OpOutcome};

fn open_url() -> Io {
    Io::Socket(SocketAction::Open { url: STREAM.into() })
}

/// A started chat that has seen message `m1` from itself.
fn chatting() -> Harness {
    let mut h = Harness::started();
    h.frame(&message_frame("m1", "me", "hi", "standard"));
    h.events();
    h
}

#[test]
fn frames_keep_the_watchdog_fed() {
    let mut h = chatting();
    assert_eq!(h.session.poll_timeout(), Some(T0 + 14_000));
    h.now = T0 + 10_000;
    h.frame(HEARTBEAT);
    assert_eq!(h.session.poll_timeout(), Some(T0 + 24_000));
    h.advance_to(T0 + 23_999);
    assert!(h.events().is_empty() && h.io().is_empty());
}

#[test]
fn a_silent_socket_is_closed_reported_once_and_reopened_every_two_seconds() {
    let mut h = chatting();
    h.advance_to(T0 + 14_000);
    assert_eq!(h.io(), [Io::Socket(SocketAction::Close)]);
    assert_eq!(h.events(), [SessionEvent::Link(Link::Disconnected)]);
    assert_eq!(h.session.poll_timeout(), Some(T0 + 16_000));
    h.advance_to(T0 + 16_000);
    assert_eq!(h.io(), [open_url()]);
    h.socket(SocketEvent::Closed { code: 1006 });
    assert!(h.events().is_empty(), "reported once");
    assert_eq!(h.session.poll_timeout(), Some(T0 + 18_000));
    h.advance_to(T0 + 18_000);
    assert_eq!(h.io(), [open_url()]);
    // An open that hangs counts as failed too.
    h.advance_to(T0 + 32_000);
    assert_eq!(h.io(), [Io::Socket(SocketAction::Close)]);
    h.advance_to(T0 + 34_000);
    assert_eq!(h.io(), [open_url()]);
    assert!(h.events().is_empty());
}

#[test]
fn reconnecting_publishes_reconnected_and_fetches_missed_messages_page_by_page() {
    let mut h = chatting();
    h.socket(SocketEvent::Closed { code: 1006 });
    assert!(
        h.io().is_empty(),
        "a socket that closed itself is not closed again"
    );
    assert_eq!(h.events(), [SessionEvent::Link(Link::Disconnected)]);
    h.advance_to(T0 + 2_000);
    assert_eq!(h.io(), [open_url()]);
    h.socket(SocketEvent::Opened);
    assert_eq!(h.events(), [SessionEvent::Link(Link::Reconnected)]);
    let (id, request) = h.request();
    assert!(
        is_get(&request, "/c1/messages?after=m1&maxResults=100"),
        "{}",
        request.url
    );
    assert_eq!(bearer(&request), Some("Bearer JWT-SECRET"));
    // A frame arriving meanwhile waits behind the missed messages.
    h.frame(&message_frame("m4", "me", "new", "standard"));
    let next = "/api/v2/webchat/guest/conversations/c1/messages?after=m2&sortOrder=ascending&maxResults=100";
    h.answer(
        id,
        200,
        &page(&[entity("m2", "me", "a", "standard", 1)], Some(next)),
    );
    assert!(h.events().is_empty());
    let (id, request) = h.request();
    assert_eq!(
        request.url,
        crate::http::concat(&["https://api.example.com", next])
    );
    assert_eq!(bearer(&request), Some("Bearer JWT-SECRET"));
    h.answer(
        id,
        200,
        &page(
            &[
                entity("m3", "me", "b", "standard", 2),
                entity("m4", "me", "new", "standard", 3),
            ],
            None,
        ),
    );
    let events = h.events();
    assert!(events.iter().all(|e| matches!(
        e,
        SessionEvent::Messages {
            restoring: false,
            ..
        }
    )));
    assert_eq!(
        ids(&events),
        ["m2", "m3", "m4", "m4"],
        "overlap is left to the machine"
    );
    assert_eq!(
        h.session.record().unwrap_or_default()["lastMessageId"],
        "m4"
    );
}

#[test]
fn missed_messages_from_new_members_are_looked_up_before_publishing() {
    let mut h = chatting();
    h.socket(SocketEvent::Closed { code: 1006 });
    h.events();
    h.advance_to(T0 + 2_000);
    h.io();
    h.socket(SocketEvent::Opened);
    let (id, _) = h.request();
    h.answer(
        id,
        200,
        &page(&[entity("m2", "agent", "hello", "standard", 1)], None),
    );
    let (lookup, request) = h.request();
    assert!(is_get(&request, "/c1/members/agent"));
    assert_eq!(h.events(), [SessionEvent::Link(Link::Reconnected)]);
    h.answer(lookup, 200, &member("agent", "Ann", "AGENT", "CONNECTED"));
    assert_eq!(
        messages(&h.events()),
        [(
            Some("m2".into()),
            "Message".into(),
            "hello".into(),
            "Agent",
            "Ann".into()
        )]
    );
}

#[test]
fn without_a_message_seen_the_missed_fetch_starts_from_the_beginning() {
    let mut h = Harness::started();
    h.advance_to(T0 + 14_000);
    h.advance_to(T0 + 16_000);
    h.io();
    h.socket(SocketEvent::Opened);
    let (_, request) = h.request();
    assert!(
        is_get(&request, "/c1/messages?sortOrder=ascending&maxResults=100"),
        "{}",
        request.url
    );
}

#[test]
fn a_failed_missed_fetch_lets_later_frames_through() {
    let mut h = chatting();
    h.socket(SocketEvent::Closed { code: 1006 });
    h.advance_to(T0 + 2_000);
    h.io();
    h.socket(SocketEvent::Opened);
    let (id, _) = h.request();
    h.frame(&message_frame("m5", "me", "later", "standard"));
    h.fail(id, HttpOutcome::Timeout);
    assert_eq!(ids(&h.events()), ["m5"]);
}

#[test]
fn opened_without_a_pending_open_is_ignored() {
    let mut h = chatting();
    h.socket(SocketEvent::Opened);
    assert!(h.events().is_empty() && h.io().is_empty());
}

#[test]
fn the_outboxs_poll_fetches_what_came_after_the_last_message_and_ends_after_it() {
    let mut h = chatting();
    let op = h.begin(Op::Poll);
    let (id, request) = h.request();
    assert!(
        is_get(&request, "/c1/messages?after=m1&maxResults=100"),
        "{}",
        request.url
    );
    // The customer's message whose answer was lost is on the server: it is reported first,
    // then the check ends, so the outbox sees the echo before deciding.
    h.answer(
        id,
        200,
        &page(&[entity("m2", "me", "lost answer", "standard", 1)], None),
    );
    let events = h.events();
    assert_eq!(ids(&events), ["m2"]);
    assert!(
        matches!(
            events.last(),
            Some(SessionEvent::Finished { op: o, outcome: OpOutcome::Done(_) }) if *o == op
        ),
        "{events:?}"
    );
}

#[test]
fn the_outboxs_poll_is_never_a_walk_that_began_before_it_and_fails_with_its_page() {
    let mut h = chatting();
    h.socket(SocketEvent::Closed { code: 1006 });
    h.advance_to(T0 + 2_000);
    assert_eq!(h.io(), [open_url()]);
    h.socket(SocketEvent::Opened);
    h.events();
    let (walk, _) = h.request();
    // The reconnect's walk may have asked before the message was stored: not good enough.
    let op = h.begin(Op::Poll);
    assert!(matches!(
        h.events().as_slice(),
        [SessionEvent::Finished { op: o, outcome: OpOutcome::Unreachable(_) }] if *o == op
    ));
    h.answer(walk, 200, &page(&[], None));
    h.events();
    let op = h.begin(Op::Poll);
    let (id, _) = h.request();
    h.fail(id, HttpOutcome::NetworkError);
    assert!(matches!(
        h.events().as_slice(),
        [SessionEvent::Finished { op: o, outcome: OpOutcome::Unreachable(_) }] if *o == op
    ));
}

#[test]
fn a_reconnect_during_the_outboxs_poll_fetches_what_was_missed_after_it() {
    let mut h = chatting();
    let op = h.begin(Op::Poll);
    let (check, _) = h.request();
    h.socket(SocketEvent::Closed { code: 1006 });
    h.advance_to(T0 + 2_000);
    assert_eq!(h.io(), [open_url()]);
    h.socket(SocketEvent::Opened);
    assert_eq!(
        h.events(),
        [
            SessionEvent::Link(Link::Disconnected),
            SessionEvent::Link(Link::Reconnected)
        ]
    );
    assert!(h.io().is_empty(), "one walk at a time");
    h.answer(check, 200, &page(&[], None));
    assert!(matches!(
        h.events().as_slice(),
        [SessionEvent::Finished { op: o, outcome: OpOutcome::Done(_) }] if *o == op
    ));
    // The check may have asked before the socket's gap ended: the catch-up follows it.
    let (_, request) = h.request();
    assert!(
        is_get(&request, "/c1/messages?after=m1&maxResults=100"),
        "{}",
        request.url
    );
}
