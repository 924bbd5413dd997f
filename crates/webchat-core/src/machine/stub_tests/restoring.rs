//! Live messages the session reports while a restore runs (a CometD push that came back on the
//! long-poll before the restore's publish was answered): each is published exactly once, after
//! the restored transcript and in index order, whatever the restore's outcome and wherever the
//! replay comes from; none survives a restore that failed.

use super::*;
use crate::persist::PersistedSession;
use crate::validate::Phase;

/// A page-load restore of [`stored_record`] begun at time 100; returns the restore's op.
fn restoring() -> (Harness, OpId) {
    let mut h = Harness::new();
    let rec = PersistedSession::from_storage(&stored_record()).expect("a record");
    h.chat.now = 100;
    h.chat.begin_restore(rec, None);
    let _ = h.chat.end_input();
    let (op, what) = h.last_op();
    assert!(matches!(what, Op::Restore));
    assert_eq!(h.chat.phase(), Phase::Restoring);
    (h, op)
}

pub(super) fn live(messages: Vec<Message>) -> SessionEvent {
    SessionEvent::Messages {
        messages,
        raw: vec![],
        restoring: false,
    }
}

fn replay(messages: Vec<Message>) -> SessionEvent {
    SessionEvent::Messages {
        messages,
        raw: vec![],
        restoring: true,
    }
}

pub(super) fn done(op: OpId) -> SessionEvent {
    SessionEvent::Finished {
        op,
        outcome: OpOutcome::Done(json!({})),
    }
}

/// The transcript so far: 1 agent joined, 2 and 3 said.
fn transcript() -> Vec<Message> {
    vec![
        indexed(1, kind::PARTICIPANT_JOINED, ""),
        indexed(2, kind::MESSAGE, "one"),
        indexed(3, kind::MESSAGE, "two"),
    ]
}

/// Every messageReceived in `fx`: `(index, text, restoring)` per message.
pub(super) fn published(fx: &[Effect]) -> Vec<(u64, String, bool)> {
    let mut out = Vec::new();
    for e in fx {
        if let Effect::PublishMessages { payload } = e {
            let restoring = payload["restoring"] == json!(true);
            for m in payload["messages"].as_array().into_iter().flatten() {
                let index = m["index"].as_u64().unwrap_or(0);
                let text = m["text"].as_str().unwrap_or("").to_owned();
                out.push((index, text, restoring));
            }
        }
    }
    out
}

/// A restore during which "after restore" (index 4) was pushed, then ended with `outcome`.
fn pushed_then_ended(outcome: OpOutcome) -> (Harness, Vec<Effect>) {
    let (mut h, op) = restoring();
    h.report(vec![live(vec![indexed(4, kind::MESSAGE, "after restore")])]);
    let fx = h.report(vec![SessionEvent::Finished { op, outcome }]);
    (h, fx)
}

/// The replay of [`transcript`] followed by the held push, each once.
fn replay_then_push() -> Vec<(u64, String, bool)> {
    said(&[
        (1, "", true),
        (2, "one", true),
        (3, "two", true),
        (4, "after restore", false),
    ])
}

pub(super) fn said(list: &[(u64, &str, bool)]) -> Vec<(u64, String, bool)> {
    list.iter()
        .map(|(i, t, r)| (*i, (*t).to_owned(), *r))
        .collect()
}

#[test]
fn a_push_that_overtakes_the_restores_answer_is_published_once_after_the_replay() {
    let (mut h, op) = restoring();
    // The long-poll brings "after restore" (index 4) before the restore is answered.
    let fx = h.report(vec![live(vec![indexed(4, kind::MESSAGE, "after restore")])]);
    assert!(published(&fx).is_empty(), "nothing before the restore ends");
    assert_eq!(h.chat.phase(), Phase::Restoring);
    // Then the restore's answer with the transcript up to 3.
    let fx = h.report(vec![done(op), replay(transcript())]);
    assert_eq!(published(&fx), replay_then_push());
    assert_eq!(
        events(&fx),
        vec![
            "restored",
            "messageReceived",
            "agentConnected",
            "messageReceived"
        ]
    );
    // A later push goes at once, and the held one is not published again.
    let fx = h.report(vec![live(vec![indexed(5, kind::MESSAGE, "later")])]);
    assert_eq!(published(&fx), said(&[(5, "later", false)]));
}

#[test]
fn a_held_push_the_replay_also_brings_is_published_once_with_the_replay() {
    let (mut h, op) = restoring();
    h.report(vec![live(vec![
        indexed(3, kind::MESSAGE, "two"),
        indexed(4, kind::MESSAGE, "three"),
    ])]);
    let mut all = transcript();
    all.push(indexed(4, kind::MESSAGE, "three"));
    let fx = h.report(vec![done(op), replay(all)]);
    assert_eq!(
        published(&fx),
        said(&[
            (1, "", true),
            (2, "one", true),
            (3, "two", true),
            (4, "three", true),
        ]),
        "the replay has them all: the held copies are dropped as seen"
    );
}

#[test]
fn held_pushes_wait_through_the_reorder_deadline_while_the_restore_runs() {
    let (mut h, op) = restoring();
    h.report(vec![live(vec![indexed(4, kind::MESSAGE, "after restore")])]);
    // Long past the reorder buffer's wait: the restore still runs, nothing goes or is dropped.
    let late = 100 + order::REORDER_WAIT_MS * 5;
    let fx = h.chat.handle(Input::Timeout, late);
    assert!(published(&fx).is_empty());
    let fx = h.report(vec![done(op), replay(transcript())]);
    assert_eq!(
        published(&fx).last(),
        Some(&(4, "after restore".into(), false))
    );
}

#[test]
fn after_a_restore_that_found_the_server_down_held_pushes_follow_the_late_replay() {
    let (mut h, fx) = pushed_then_ended(OpOutcome::Unreachable(json!({"status": 0})));
    assert_eq!(events(&fx), vec!["restoredOffline"]);
    assert!(published(&fx).is_empty(), "4 waits for 1..3");
    // The link comes back and replays: 4 goes right after, not at the reorder deadline.
    let fx = h.report(vec![replay(transcript())]);
    assert_eq!(published(&fx), replay_then_push());
}

#[test]
fn after_a_restore_that_found_the_server_down_a_replay_that_never_comes_does_not_keep_them() {
    let (mut h, _) = pushed_then_ended(OpOutcome::Unreachable(json!({"status": 0})));
    let due = h.chat.poll_timeout().expect("the reorder deadline");
    let fx = h.chat.handle(Input::Timeout, due);
    assert_eq!(published(&fx), said(&[(4, "after restore", false)]));
}

#[test]
fn pushes_held_by_a_restore_that_failed_are_dropped_with_the_chat() {
    let (mut h, fx) = pushed_then_ended(OpOutcome::Failed(json!({"status": 404})));
    assert_eq!(events(&fx), vec!["restoreFailed"]);
    assert_eq!(h.chat.phase(), Phase::Idle);
    assert!(h.chat.reorder.is_empty());
    a_new_chat_starts_clean(&mut h);
}

/// A new chat starts clean: nothing held for the one before comes out when it starts.
pub(super) fn a_new_chat_starts_clean(h: &mut Harness) {
    h.user(Command::StartChat {
        data: json!({"nickname": "Jo"}),
        page: PageInfo::default(),
    });
    let (op, _) = h.last_op();
    let fx = h.report(vec![done(op)]);
    assert!(published(&fx).is_empty());
}

#[test]
fn a_push_during_a_takeover_is_published_once_after_its_restore() {
    let (mut h, _) = taken_over();
    let (op, _) = h.last_op();
    let fx = h.report(vec![live(vec![indexed(
        4,
        kind::MESSAGE,
        "pushed during the takeover",
    )])]);
    assert!(published(&fx).is_empty());
    let fx = h.report(vec![
        done(op),
        replay(vec![
            indexed(1, kind::PARTICIPANT_JOINED, ""),
            indexed(2, kind::MESSAGE, "hi"),
            indexed(3, kind::MESSAGE, "sent during the handover"),
        ]),
    ]);
    assert_eq!(
        published(&fx),
        said(&[
            (3, "sent during the handover", false),
            (4, "pushed during the takeover", false),
        ])
    );
}
