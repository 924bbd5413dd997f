//! One behaviour of the outbox or the reorder buffer per test, against the same simulated server.

use super::*;
use crate::machine::test_effects::{published, settled};

#[test]
fn online_a_send_resolves_with_the_servers_answer_and_nothing_is_pending() {
    let mut w = World::new(true);
    let (id, fx) = w.send("hi");
    assert!(published(&fx, Event::MessagePending).is_empty());
    let fx = w.answer(OpOutcome::Done(json!({"statusCode": 0})));
    assert_eq!(
        settled(&fx, id),
        Some((true, Reply::Json(json!({"statusCode": 0}))))
    );
    assert!(published(&fx, Event::MessageDelivered).is_empty());
}

#[test]
fn only_one_message_is_in_flight_so_the_server_gets_them_in_typed_order() {
    let mut w = World::new(true);
    w.send("a");
    w.send("b");
    assert_eq!(w.sends_in_flight(), 1);
    w.answer(OpOutcome::Done(json!({})));
    assert_eq!(w.sends_in_flight(), 1);
    let s = w.server.borrow();
    assert_eq!(s.in_flight[0].1, Op::Send { text: "b".into() });
}

#[test]
fn an_unreachable_send_is_pending_with_its_client_id_then_delivered_and_resolved() {
    let mut w = World::new(true);
    let (id, _) = w.send("hi");
    let fx = w.answer(OpOutcome::Unreachable(json!({"status": 503})));
    assert_eq!(settled(&fx, id), None, "kept, not rejected");
    let pending = published(&fx, Event::MessagePending);
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["pending"], true);
    assert_eq!(pending[0]["text"], "hi");
    let client_id = pending[0]["clientId"]
        .as_str()
        .expect("clientId")
        .to_owned();
    assert!(client_id.starts_with('o'));
    // A 503 means the server did not take it: sent again after the backoff, no check needed.
    w.at(w.now + FIRST_BACKOFF - 1);
    assert_eq!(w.sends_in_flight(), 0, "not before the backoff");
    w.at(w.now + 1);
    assert_eq!(w.sends_in_flight(), 1, "sent again");
    let fx = w.answer(OpOutcome::Done(json!({"statusCode": 0})));
    assert_eq!(settled(&fx, id).map(|s| s.0), Some(true));
    let delivered = published(&fx, Event::MessageDelivered);
    assert_eq!(delivered[0]["clientId"], client_id.as_str());
}

const FIRST_BACKOFF: u64 = super::outbox::FIRST_BACKOFF_MS;

#[test]
fn a_message_past_the_outbox_timeout_fails_with_the_documented_reason() {
    let mut w = World::new(true);
    let config = WebChatConfig::parse(&json!({"dataURL": "x", "outbox": {"timeout": 5_000}}));
    let sim = Box::new(Sim(w.server.clone()));
    w.chat = WebChat::with_session(SubstringMatcher, config.expect("config"), sim);
    w.chat.phase = Phase::Active;
    let (id, _) = w.send("hi");
    w.answer(OpOutcome::Unreachable(json!({"status": 0})));
    let fx = w.at(w.now + 5_000);
    let reason = Json::String(crate::texts::OUTBOX_TIMED_OUT.into());
    assert_eq!(settled(&fx, id), Some((false, Reply::Json(reason.clone()))));
    let failed = published(&fx, Event::MessageFailed);
    assert_eq!(failed[0]["reason"], reason);
    assert_eq!(failed[0]["text"], "hi");
}

#[test]
fn with_the_outbox_disabled_an_unreachable_send_rejects_at_once() {
    let mut w = World::new(true);
    let config = WebChatConfig::parse(&json!({"dataURL": "x", "outbox": {"enabled": false}}));
    let sim = Box::new(Sim(w.server.clone()));
    w.chat = WebChat::with_session(SubstringMatcher, config.expect("config"), sim);
    w.chat.phase = Phase::Active;
    let (id, _) = w.send("hi");
    let fx = w.answer(OpOutcome::Unreachable(json!({"status": 503})));
    assert_eq!(
        settled(&fx, id),
        Some((false, Reply::Json(json!({"status": 503}))))
    );
}

#[test]
fn a_refused_send_rejects_with_the_servers_error_and_the_next_one_goes() {
    let mut w = World::new(true);
    let (id, _) = w.send("too long");
    w.send("next");
    let fx = w.answer(OpOutcome::Failed(json!({"status": 400})));
    assert_eq!(
        settled(&fx, id),
        Some((false, Reply::Json(json!({"status": 400}))))
    );
    assert_eq!(w.sends_in_flight(), 1);
}

#[test]
fn retry_after_is_respected_even_when_the_link_comes_back() {
    let mut w = World::new(false);
    w.send("hi");
    w.answer(OpOutcome::Failed(json!({"status": 429, "retryAfter": 5})));
    w.server
        .borrow_mut()
        .events
        .push(SessionEvent::Link(Link::Reconnected));
    w.nudge();
    w.at(w.now + 4_999);
    assert_eq!(w.sends_in_flight(), 0, "not before Retry-After");
    w.at(w.now + 1);
    assert_eq!(w.sends_in_flight(), 1);
}

#[test]
fn while_the_browser_is_offline_messages_wait_and_go_in_order_when_it_is_online() {
    let mut w = World::new(true);
    w.run(Step::Browser(false));
    let (_, fx) = w.send("a");
    assert_eq!(published(&fx, Event::MessagePending).len(), 1);
    w.send("b");
    w.at(w.now + 60_000);
    assert_eq!(w.sends_in_flight(), 0);
    w.run(Step::Browser(true));
    let s = w.server.borrow();
    assert_eq!(s.in_flight.len(), 1);
    assert_eq!(s.in_flight[0].1, Op::Send { text: "a".into() });
}

#[test]
fn a_send_whose_answer_was_lost_is_found_in_the_transcript_and_not_sent_again() {
    let mut w = World::new(true);
    w.run(Step::Type);
    w.run(Step::Answer(Answer::LostReply));
    assert_eq!(
        w.settled.len(),
        1,
        "only startChat settled: the send is pending"
    );
    let fx = w.at(w.now + FIRST_BACKOFF);
    w.take(fx);
    assert_eq!(w.sends_in_flight(), 0, "a check first, not a second send");
    // The check's poll brings the message back: it was delivered.
    w.run(Step::Answer(Answer::Ok));
    assert_eq!(w.settled.len(), 2, "sendMessage resolved");
    assert!(w.chat.outbox.queued().is_empty());
    assert_eq!(w.server.borrow().transcript.len(), 1, "stored once");
}

#[test]
fn the_outbox_survives_a_reload_and_is_pending_again() {
    let mut w = World::new(true);
    w.run(Step::Browser(false));
    w.run(Step::Type);
    w.run(Step::Type);
    let record = w.record.clone().expect("saved");
    assert_eq!(record["outbox"].as_array().map(Vec::len), Some(2));
    w.reload();
    assert_eq!(w.chat.outbox.queued().len(), 2);
    assert!(w.chat.outbox.queued().iter().all(|q| q.announced));
}

// ----- order -----------------------------------------------------------------------------

fn live(w: &mut World, indexes: &[u64]) -> Vec<u64> {
    let messages = indexes
        .iter()
        .map(|i| sim_message(*i, "agent", false))
        .collect();
    w.server.borrow_mut().events.push(SessionEvent::Messages {
        messages,
        raw: Vec::new(),
        restoring: false,
    });
    let before = w.published[0].len();
    w.nudge();
    w.published[0][before..].to_vec()
}

#[test]
fn messages_out_of_order_are_published_in_index_order_and_in_order_ones_at_once() {
    let mut w = World::new(true);
    assert_eq!(live(&mut w, &[1, 2]), vec![1, 2], "in order: no wait");
    assert_eq!(live(&mut w, &[4]), Vec::<u64>::new(), "3 is missing");
    assert_eq!(live(&mut w, &[5, 3]), vec![3, 4, 5]);
    assert_eq!(w.chat.reorder.poll_timeout(), None);
}

#[test]
fn a_gap_that_never_fills_is_released_after_the_wait() {
    let mut w = World::new(true);
    live(&mut w, &[1]);
    assert!(live(&mut w, &[3]).is_empty());
    let due = w.chat.poll_timeout().expect("a release deadline");
    assert_eq!(due, w.now + super::order::REORDER_WAIT_MS);
    let fx = w.at(due);
    w.take(fx);
    assert_eq!(w.published[0], vec![1, 3]);
}
