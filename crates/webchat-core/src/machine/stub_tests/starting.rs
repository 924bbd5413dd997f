//! Live messages the session reports while a start waits for its answer (a Cloud frame that came
//! while the start's member lookup ran; the agent's join or an auto-agent greeting pushed before
//! the answer, which the CometD session itself keeps until the answer names the chat): each is
//! published exactly once, right after `started` and in index order, together with what the
//! start's answer itself brings; none survives a start that failed.

use super::restoring::{a_new_chat_starts_clean, done, live, published, said};
use super::*;
use crate::validate::Phase;

/// A startChat begun; returns its command and the session's op.
fn starting() -> (Harness, CommandId, OpId) {
    let mut h = Harness::new();
    let (cmd, _) = h.user(Command::StartChat {
        data: json!({"nickname": "Jo"}),
        page: PageInfo::default(),
    });
    let (op, what) = h.last_op();
    assert!(matches!(what, Op::Start { .. }));
    assert_eq!(h.chat.phase(), Phase::Starting);
    (h, cmd, op)
}

/// The customer's own join: what a GMS requestChat answer brings.
fn joined() -> Message {
    Message {
        from: Sender {
            name: "Jo".into(),
            kind: SenderType::Client,
            participant_id: "1".into(),
        },
        ..indexed(1, kind::PARTICIPANT_JOINED, "")
    }
}

/// Whether `fx` settles `cmd` as resolved.
fn resolved(fx: &[Effect], cmd: CommandId) -> bool {
    fx.iter()
        .any(|e| matches!(e, Effect::Resolve { id, .. } if *id == cmd))
}

#[test]
fn a_push_that_overtakes_the_starts_answer_is_published_once_right_after_started() {
    let (mut h, cmd, op) = starting();
    // The agent joins and greets before requestChat is answered.
    let fx = h.report(vec![live(vec![
        indexed(2, kind::PARTICIPANT_JOINED, ""),
        indexed(3, kind::MESSAGE, "Hello, how can I help?"),
    ])]);
    assert!(published(&fx).is_empty(), "nothing before started");
    assert!(events(&fx).is_empty());
    assert_eq!(h.chat.phase(), Phase::Starting);
    // The answer, with the customer's own join.
    let fx = h.report(vec![done(op), live(vec![joined()])]);
    assert!(resolved(&fx, cmd));
    assert_eq!(
        published(&fx),
        said(&[
            (1, "", false),
            (2, "", false),
            (3, "Hello, how can I help?", false)
        ])
    );
    assert_eq!(
        events(&fx),
        vec![
            "started",
            "messageReceived",
            "clientConnected",
            "agentConnected"
        ],
        "one messageReceived for the answer's and the held messages together"
    );
    // A later push goes at once; the held ones are not published again.
    let fx = h.report(vec![live(vec![indexed(4, kind::MESSAGE, "later")])]);
    assert_eq!(published(&fx), said(&[(4, "later", false)]));
}

#[test]
fn a_held_push_the_starts_answer_also_brings_is_published_once() {
    let (mut h, _, op) = starting();
    h.report(vec![live(vec![indexed(2, kind::MESSAGE, "greeting")])]);
    let fx = h.report(vec![
        done(op),
        live(vec![joined(), indexed(2, kind::MESSAGE, "greeting")]),
    ]);
    assert_eq!(
        published(&fx),
        said(&[(1, "", false), (2, "greeting", false)])
    );
}

#[test]
fn a_held_push_goes_right_after_started_when_the_answer_brings_no_messages() {
    let (mut h, _, op) = starting();
    h.report(vec![live(vec![indexed(1, kind::MESSAGE, "greeting")])]);
    let fx = h.report(vec![done(op)]);
    assert_eq!(events(&fx), vec!["started", "messageReceived"]);
    assert_eq!(published(&fx), said(&[(1, "greeting", false)]));
}

#[test]
fn a_held_frame_without_an_index_is_published_once_after_started() {
    // Genesys Cloud: frames carry ids, the transcript gives them indexes.
    let (mut h, _, op) = starting();
    h.report(vec![live(vec![message("m1", SenderType::Agent, "hi")])]);
    let fx = h.report(vec![done(op)]);
    assert_eq!(events(&fx), vec!["started", "messageReceived"]);
    assert_eq!(published(&fx), said(&[(1, "hi", false)]));
}

#[test]
fn held_pushes_wait_through_the_reorder_deadline_while_the_start_runs() {
    let (mut h, _, op) = starting();
    h.report(vec![live(vec![indexed(2, kind::MESSAGE, "greeting")])]);
    let fx = h
        .chat
        .handle(Input::Timeout, 100 + order::REORDER_WAIT_MS * 5);
    assert!(published(&fx).is_empty());
    let fx = h.report(vec![done(op), live(vec![joined()])]);
    assert_eq!(
        published(&fx),
        said(&[(1, "", false), (2, "greeting", false)])
    );
}

#[test]
fn pushes_held_by_a_start_that_failed_are_dropped_and_publish_nothing() {
    for outcome in [
        OpOutcome::Failed(json!({"status": 400})),
        OpOutcome::Unreachable(json!({"status": 0})),
    ] {
        let (mut h, _, op) = starting();
        h.report(vec![live(vec![indexed(2, kind::MESSAGE, "greeting")])]);
        let fx = h.report(vec![SessionEvent::Finished { op, outcome }]);
        assert_eq!(events(&fx), vec!["error"]);
        assert_eq!(h.chat.phase(), Phase::Idle);
        assert!(h.chat.reorder.is_empty());
        // Nothing of it comes out later, nor with the next chat.
        let fx = h
            .chat
            .handle(Input::Timeout, 100 + order::REORDER_WAIT_MS * 5);
        assert!(published(&fx).is_empty());
        a_new_chat_starts_clean(&mut h);
    }
}
