//! The deferred state machine behind command promises.

use cxbus_core::deferred::{Deferred, Fire, Listen, State};

type D = Deferred<&'static str, &'static str>;

fn fire(
    callbacks: &[&'static str],
    args: &[&'static str],
) -> Option<Fire<&'static str, &'static str>> {
    Some(Fire {
        callbacks: callbacks.to_vec(),
        args: args.to_vec(),
    })
}

#[test]
fn state_names_are_the_ones_javascript_sees() {
    assert_eq!(State::Pending.as_str(), "pending");
    assert_eq!(State::Resolved.as_str(), "resolved");
    assert_eq!(State::Rejected.as_str(), "rejected");
}

#[test]
fn a_new_deferred_is_pending_and_listening_fires_nothing() {
    let mut d = D::new();
    assert_eq!(d.state(), State::Pending);
    for kind in [Listen::Done, Listen::Fail, Listen::Always, Listen::Progress] {
        assert_eq!(d.listen(kind, "cb"), None);
    }
    assert_eq!(d.state(), State::Pending);
}

#[test]
fn resolve_passes_every_argument_to_done_and_always_in_registration_order() {
    let mut d = D::new();
    d.listen(Listen::Always, "always1");
    d.listen(Listen::Fail, "fail");
    d.listen(Listen::Done, "done");
    d.listen(Listen::Progress, "progress");
    d.listen(Listen::Always, "always2");
    assert_eq!(
        d.settle(State::Resolved, vec!["a", "b"]),
        fire(&["always1", "done", "always2"], &["a", "b"])
    );
    assert_eq!(d.state(), State::Resolved);
}

#[test]
fn reject_runs_fail_and_always_in_registration_order() {
    let mut d = D::new();
    d.listen(Listen::Done, "done");
    d.listen(Listen::Fail, "fail");
    d.listen(Listen::Always, "always");
    assert_eq!(
        d.settle(State::Rejected, vec!["Command does not exist"]),
        fire(&["fail", "always"], &["Command does not exist"])
    );
    assert_eq!(d.state(), State::Rejected);
}

#[test]
fn only_the_first_resolve_or_reject_counts() {
    let mut d = D::new();
    d.listen(Listen::Always, "always");
    assert!(d.settle(State::Resolved, vec!["first"]).is_some());
    assert_eq!(d.settle(State::Rejected, vec!["second"]), None);
    assert_eq!(d.settle(State::Resolved, vec!["third"]), None);
    assert_eq!(d.state(), State::Resolved);
    assert_eq!(d.listen(Listen::Done, "late"), fire(&["late"], &["first"]));
}

#[test]
fn listeners_fire_once_and_are_not_kept_after_settlement() {
    let mut d = D::new();
    d.listen(Listen::Done, "done");
    assert_eq!(d.settle(State::Resolved, vec![]), fire(&["done"], &[]));
    assert_eq!(d.settle(State::Resolved, vec![]), None);
}

#[test]
fn a_callback_added_after_settlement_runs_at_once_with_the_stored_arguments() {
    let mut d = D::new();
    d.settle(State::Rejected, vec!["why", "more"]);
    assert_eq!(d.listen(Listen::Fail, "f"), fire(&["f"], &["why", "more"]));
    assert_eq!(
        d.listen(Listen::Always, "a"),
        fire(&["a"], &["why", "more"])
    );
    assert_eq!(d.listen(Listen::Done, "d"), None);
    assert_eq!(d.listen(Listen::Progress, "p"), None);
}

#[test]
fn settling_with_pending_changes_nothing() {
    let mut d = D::new();
    d.listen(Listen::Always, "a");
    assert_eq!(d.settle(State::Pending, vec!["x"]), None);
    assert_eq!(d.state(), State::Pending);
    assert_eq!(d.settle(State::Resolved, vec!["y"]), fire(&["a"], &["y"]));
}

#[test]
fn progress_callbacks_get_notify_values_only_while_pending() {
    let mut d = D::new();
    d.listen(Listen::Progress, "p1");
    d.listen(Listen::Done, "d");
    assert_eq!(d.notify(vec!["10%"]), fire(&["p1"], &["10%"]));
    d.listen(Listen::Progress, "p2");
    assert_eq!(d.notify(vec!["50%"]), fire(&["p1", "p2"], &["50%"]));
    assert_eq!(
        d.settle(State::Resolved, vec!["done"]),
        fire(&["d"], &["done"])
    );
    assert_eq!(d.notify(vec!["100%"]), None);
}

#[test]
fn notify_without_progress_listeners_fires_no_one_and_does_not_settle() {
    let mut d = D::new();
    d.listen(Listen::Done, "d");
    assert_eq!(d.notify(vec!["x"]), fire(&[], &["x"]));
    assert_eq!(d.state(), State::Pending);
    assert_eq!(d.settle(State::Resolved, vec![]), fire(&["d"], &[]));
}

#[test]
fn a_callback_registered_twice_runs_twice() {
    let mut d = D::new();
    d.listen(Listen::Done, "cb");
    d.listen(Listen::Done, "cb");
    assert_eq!(d.settle(State::Resolved, vec![]), fire(&["cb", "cb"], &[]));
}
