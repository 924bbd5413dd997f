//! The connection: 402 rehandshakes, failed connects, offline events, replays, WebSocket.

use super::*;
use crate::session::Link;

fn links(events: &[SessionEvent]) -> Vec<Link> {
    events
        .iter()
        .filter_map(|e| match e {
            SessionEvent::Link(l) => Some(*l),
            _ => None,
        })
        .collect()
}

#[test]
fn a_402_makes_a_fresh_handshake_then_resubscribes_and_replays_from_the_first_missing_index() {
    let mut h = Harness::new(false);
    let connect = h.started();
    h.answer(
        connect.rid(),
        &frame("connect_push", &[("5", &connect.id())]),
    );
    h.events();
    let connect = find(&h.sent(), "/meta/connect");
    h.answer(
        connect.rid(),
        &frame("connect_402", &[("9", &connect.id())]),
    );
    let hs = find(&h.sent(), "/meta/handshake");
    h.answer(hs.rid(), &frame("handshake", &[("1", &hs.id())]));
    let sent = h.sent();
    let channels: Vec<&str> = sent.iter().map(Sent::channel).collect();
    assert_eq!(channels, ["/meta/subscribe", CHANNEL, "/meta/connect"]);
    let replay = sent[1].data();
    assert_eq!(replay["operation"], "requestNotifications");
    assert_eq!(replay["transcriptPosition"], 3, "indexes 1 and 2 were seen");
    h.answer(sent[1].rid(), &frame("replay", &[("10", &sent[1].id())]));
    let events = h.events();
    assert!(
        links(&events).is_empty(),
        "a clean rehandshake is not a disconnection"
    );
    assert!(matches!(
        &events[0],
        SessionEvent::Messages {
            restoring: false,
            ..
        }
    ));
}

#[test]
fn failed_connects_report_disconnected_once_then_offline_at_the_limit_and_come_back_with_a_replay()
{
    let mut h = Harness::new(false);
    let connect = h.started();
    h.fail(connect.rid());
    assert_eq!(links(&h.events()), [Link::Disconnected]);
    for _ in 0..2 {
        h.advance_to_deadline();
        let again = find(&h.sent(), "/meta/connect");
        assert_eq!(
            again.messages[0]["clientId"], "c0ffee",
            "the same client retries"
        );
        h.fail(again.rid());
    }
    assert_eq!(
        links(&h.events()),
        [Link::Offline],
        "pollExceptionLimit is 3"
    );
    h.advance_to_deadline();
    let again = find(&h.sent(), "/meta/connect");
    h.answer(again.rid(), &frame("connect_first", &[("2", &again.id())]));
    let events = h.events();
    assert_eq!(links(&events), [Link::BackOnline, Link::Reconnected]);
    let sent = h.sent();
    let replay = find(&sent, CHANNEL);
    assert_eq!(replay.data()["operation"], "requestNotifications");
    assert_eq!(replay.data()["transcriptPosition"], 2);
    h.answer(replay.rid(), &frame("replay", &[("10", &replay.id())]));
    assert_eq!(texts(&h.events()).len(), 3);
}

#[test]
fn an_operation_while_the_link_is_down_is_unreachable_at_once() {
    let mut h = Harness::new(false);
    let connect = h.started();
    h.fail(connect.rid());
    h.events();
    h.begin(Op::Send {
        text: "lost?".into(),
    });
    let events = h.events();
    assert!(
        matches!(&events[0], SessionEvent::Finished { outcome: OpOutcome::Unreachable(e), .. } if e["status"] == 0)
    );
}

#[test]
fn a_publish_whose_request_fails_is_unreachable_and_one_never_answered_times_out() {
    let mut h = Harness::new(false);
    h.started();
    h.begin(Op::Send { text: "a".into() });
    let first = find(&h.sent(), CHANNEL);
    h.fail(first.rid());
    assert!(matches!(
        &h.events()[0],
        SessionEvent::Finished {
            outcome: OpOutcome::Unreachable(_),
            ..
        }
    ));
    h.begin(Op::Send { text: "b".into() });
    h.sent();
    h.advance_to_deadline();
    let events = h.events();
    assert!(
        matches!(&events[0], SessionEvent::Finished { outcome: OpOutcome::Unreachable(e), .. } if e["statusText"] == "timeout")
    );
}

#[test]
fn a_restore_with_the_server_down_is_unreachable_then_replays_when_it_is_back() {
    let mut h = Harness::new(false);
    let record = crate::json!({"transport": "cometd", "chatId": "0004mgqrkhjhLRTH",
        "userId": "94C8E64F51AD206D", "secureKey": "6a3bec085f7629a1", "alias": "621"});
    h.session.resume(&record);
    h.begin(Op::Restore);
    let hs = h.sent().remove(0);
    h.fail(hs.rid());
    let events = h.events();
    assert!(matches!(
        &events[0],
        SessionEvent::Finished {
            outcome: OpOutcome::Unreachable(_),
            ..
        }
    ));
    assert!(links(&events).is_empty(), "restoredOffline says it");
    h.advance_to_deadline();
    let hs = find(&h.sent(), "/meta/handshake");
    h.answer(hs.rid(), &frame("handshake", &[("1", &hs.id())]));
    let connect = find(&h.sent(), "/meta/connect");
    h.answer(
        connect.rid(),
        &frame("connect_first", &[("2", &connect.id())]),
    );
    let events = h.events();
    assert_eq!(
        links(&events),
        [Link::BackOnline],
        "reconnected only follows disconnected; restoredOffline is answered by chatServerBackOnline"
    );
    let replay = find(&h.sent(), CHANNEL);
    assert_eq!(replay.data()["transcriptPosition"], 1);
    h.answer(replay.rid(), &frame("replay", &[("10", &replay.id())]));
    assert!(matches!(
        &h.events()[0],
        SessionEvent::Messages {
            restoring: true,
            ..
        }
    ));
}

#[test]
fn over_a_websocket_every_batch_is_a_frame_and_a_drop_reconnects_with_the_same_client() {
    let mut h = Harness::new(true);
    h.start();
    assert!(h.sent().is_empty());
    assert_eq!(
        h.sockets.drain(..).collect::<Vec<_>>(),
        [SocketAction::Open {
            url: "ws://gms.example.com/genesys/cometd".into()
        }]
    );
    h.session.handle_socket(SocketEvent::Opened, h.now);
    let hs = h.sent().remove(0);
    assert!(hs.request.is_none());
    assert_eq!(hs.messages[0]["supportedConnectionTypes"][0], "websocket");
    h.frame(&frame("handshake", &[("1", &hs.id())]));
    let sent = h.sent();
    let publish = find(&sent, CHANNEL);
    let connect = find(&sent, "/meta/connect");
    assert_eq!(connect.messages[0]["connectionType"], "websocket");
    h.frame(&frame("request_chat", &[("4", &publish.id())]));
    h.frame(&frame("connect_first", &[("2", &connect.id())]));
    h.events();
    h.sent();

    // An unanswered publish dies with the socket; the socket comes back with the same client.
    h.begin(Op::Send {
        text: "in flight".into(),
    });
    h.sent();
    h.session
        .handle_socket(SocketEvent::Closed { code: 1006 }, h.now);
    let events = h.events();
    assert!(matches!(
        &events[0],
        SessionEvent::Finished {
            outcome: OpOutcome::Unreachable(_),
            ..
        }
    ));
    assert_eq!(links(&events), [Link::Disconnected]);
    h.advance_to_deadline();
    h.sent();
    assert!(matches!(h.sockets.last(), Some(SocketAction::Open { .. })));
    h.session.handle_socket(SocketEvent::Opened, h.now);
    let connect = find(&h.sent(), "/meta/connect");
    assert_eq!(connect.messages[0]["clientId"], "c0ffee");
    assert_eq!(
        connect.messages[0]["advice"]["timeout"], 0,
        "answered at once on a new socket"
    );
    h.frame(&frame("connect_first", &[("2", &connect.id())]));
    assert_eq!(links(&h.events()), [Link::Reconnected]);
    assert_eq!(
        find(&h.sent(), CHANNEL).data()["operation"],
        "requestNotifications"
    );
}

#[test]
fn a_silent_websocket_is_given_up_after_the_advised_timeout() {
    let mut h = Harness::new(true);
    h.start();
    h.session.handle_socket(SocketEvent::Opened, h.now);
    let hs = h.sent().remove(0);
    h.frame(&frame("handshake", &[("1", &hs.id())]));
    let publish = find(&h.sent(), CHANNEL);
    h.frame(&frame("request_chat", &[("4", &publish.id())]));
    h.events();
    // The connect is never answered: the publish deadline passes first, then the watchdog.
    h.advance_to_deadline();
    h.advance_to_deadline();
    assert_eq!(links(&h.events()), [Link::Disconnected]);
    h.sent();
    assert!(h.sockets.contains(&SocketAction::Close));
}

#[test]
fn a_websocket_that_never_opens_falls_back_to_long_polling() {
    let mut h = Harness::new(true);
    h.start();
    h.session
        .handle_socket(SocketEvent::Closed { code: 1006 }, h.now);
    let sent = h.sent();
    let (_, request) = sent[0].request.clone().expect("over HTTP now");
    assert_eq!(
        request.url,
        "http://gms.example.com/genesys/cometd/handshake"
    );
    assert!(h.events().is_empty());
}

/// Over a WebSocket that stays open but goes silent while a handshake is under way (here the
/// rehandshake after a `402`), the operations queued behind it end `Unreachable` once
/// `ajaxTimeout` has passed, so the outbox announces its messages pending, instead of waiting
/// for an answer or a close that never come (no connect is out, so the connect watchdog does not
/// run).
#[test]
fn a_websocket_silent_during_a_handshake_fails_what_waits_for_it() {
    let mut h = Harness::new(true);
    h.start();
    h.session.handle_socket(SocketEvent::Opened, h.now);
    let hs = h.sent().remove(0);
    h.frame(&frame("handshake", &[("1", &hs.id())]));
    let sent = h.sent();
    let publish = find(&sent, CHANNEL);
    let connect = find(&sent, "/meta/connect");
    h.frame(&frame("request_chat", &[("4", &publish.id())]));
    h.frame(&frame("connect_first", &[("2", &connect.id())]));
    h.events();
    let connect = find(&h.sent(), "/meta/connect");

    // The server forgot the client: a fresh handshake on the same socket, never answered.
    h.frame(&frame("connect_402", &[("9", &connect.id())]));
    let rehandshake = h.sent();
    assert_eq!(
        rehandshake[0].channel(),
        "/meta/handshake",
        "{rehandshake:?}"
    );
    let send = h.begin(Op::Send {
        text: "behind the handshake".into(),
    });
    assert!(h.sent().is_empty(), "queued until handshaken");
    assert!(h.events().is_empty());
    h.sockets.clear();

    h.advance_to_deadline();
    let events = h.events();
    assert!(
        events.iter().any(|e| matches!(
            e,
            SessionEvent::Finished {
                op,
                outcome: OpOutcome::Unreachable(_),
            } if *op == send
        )),
        "{events:?}"
    );
    assert_eq!(links(&events), [Link::Disconnected]);
    h.sent();
    assert!(h.sockets.contains(&SocketAction::Close));
    // The link comes back on a new socket with a new handshake.
    h.advance_to_deadline();
    h.sent();
    assert!(matches!(h.sockets.last(), Some(SocketAction::Open { .. })));
}
