//! Events: publish, republish and replay, subscribe and unsubscribe, snapshot delivery.

mod common;

use common::*;
use cxbus_core::Task;

#[test]
fn publish_puts_the_publishers_namespace_in_front_even_when_the_event_has_dots() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "WebChat");
    assert_eq!(bus.publish(p, "opened", None, false), "WebChat.opened");
    assert_eq!(
        bus.publish(p, "App.ready", None, false),
        "WebChat.App.ready"
    );
    assert_eq!(bus.publish(p, "", None, true), "WebChat.");
}

#[test]
fn publishing_with_no_subscribers_queues_nothing() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.publish(p, "e", Some(obj(1)), false);
    assert!(!bus.has_tasks());
}

#[test]
fn subscribers_run_later_in_subscription_order_and_twice_when_subscribed_twice() {
    let mut bus = TestBus::new();
    let publisher = plugin(&mut bus, "Pub");
    let a = plugin(&mut bus, "A");
    let b = plugin(&mut bus, "B");
    bus.subscribe(b, "Pub.e", "b1");
    bus.subscribe(a, "Pub.e", "a1");
    bus.subscribe(b, "Pub.e", "b1");
    assert!(!bus.has_tasks());
    bus.publish(publisher, "e", Some(obj(3)), false);
    assert_eq!(
        outcomes(&mut bus),
        [
            "deliver Pub.e from Pub to b1: {3}",
            "deliver Pub.e from Pub to a1: {3}",
            "deliver Pub.e from Pub to b1: {3}",
        ]
    );
}

#[test]
fn every_subscriber_gets_the_same_payload_handle() {
    let mut bus = TestBus::new();
    let publisher = plugin(&mut bus, "Pub");
    bus.subscribe(publisher, "Pub.e", "x");
    bus.subscribe(publisher, "Pub.e", "y");
    bus.publish(publisher, "e", Some(obj(9)), false);
    let data: Vec<_> = drain(&mut bus)
        .into_iter()
        .map(|t| match t {
            Task::Deliver { data, .. } => data,
            _ => panic!("only deliveries expected"),
        })
        .collect();
    assert_eq!(data, [Some(obj(9)), Some(obj(9))]);
}

#[test]
fn no_data_is_delivered_as_none_and_primitives_as_they_are() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.subscribe(p, "P.e", "cb");
    bus.publish(p, "e", None, false);
    bus.publish(p, "e", Some(s("text")), false);
    bus.publish(p, "e", Some(Val::Num(2.0)), false);
    assert_eq!(
        outcomes(&mut bus),
        [
            "deliver P.e from P to cb: {}",
            "deliver P.e from P to cb: 'text'",
            "deliver P.e from P to cb: 2",
        ]
    );
}

#[test]
fn subscribing_needs_the_full_name_and_adds_no_namespace() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.subscribe(p, "e", "short");
    bus.subscribe(p, "p.e", "other case");
    bus.subscribe(p, "P.e", "full");
    bus.publish(p, "e", None, false);
    assert_eq!(outcomes(&mut bus), ["deliver P.e from P to full: {}"]);
}

#[test]
fn subscribing_works_before_the_publisher_exists() {
    let mut bus = TestBus::new();
    let listener = plugin(&mut bus, "Listener");
    bus.subscribe(listener, "Later.ready", "cb");
    let later = plugin(&mut bus, "Later");
    bus.publish(later, "ready", None, true);
    assert_eq!(
        outcomes(&mut bus),
        ["deliver Later.ready from Later to cb: {}"]
    );
}

#[test]
fn unsubscribing_during_publish_skips_no_one() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    let a = plugin(&mut bus, "A");
    let b = plugin(&mut bus, "B");
    bus.subscribe(a, "P.e", "a");
    bus.subscribe(b, "P.e", "b");
    bus.subscribe(a, "P.e", "a2");
    bus.publish(p, "e", Some(obj(1)), false);
    // The first subscriber runs and, from inside its callback, unsubscribes everyone.
    let first = bus.next_task().map(|t| describe(&t));
    assert_eq!(first.as_deref(), Some("deliver P.e from P to a: {1}"));
    assert!(bus.unsubscribe(a, "P.e", None));
    assert!(bus.unsubscribe(b, "P.e", None));
    // Tasks already queued still deliver (snapshot semantics).
    assert_eq!(
        outcomes(&mut bus),
        [
            "deliver P.e from P to b: {1}",
            "deliver P.e from P to a2: {1}",
        ]
    );
    bus.publish(p, "e", Some(obj(2)), false);
    assert!(!bus.has_tasks());
}

#[test]
fn subscribing_during_publish_does_not_receive_that_publish() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.subscribe(p, "P.e", "early");
    bus.publish(p, "e", None, false);
    bus.subscribe(p, "P.e", "late");
    assert_eq!(outcomes(&mut bus), ["deliver P.e from P to early: {}"]);
}

#[test]
fn republish_replays_to_a_late_subscriber() {
    let mut bus = TestBus::new();
    let app = plugin(&mut bus, "App");
    let late = plugin(&mut bus, "Late");
    assert_eq!(bus.publish(app, "ready", Some(obj(1)), true), "App.ready");
    assert!(!bus.has_tasks());
    bus.subscribe(late, "App.ready", "onReady");
    // The replay is asynchronous: queued, not delivered inside subscribe.
    assert!(bus.has_tasks());
    assert_eq!(
        outcomes(&mut bus),
        ["deliver App.ready from App to onReady: {1}"]
    );
}

#[test]
fn republish_notifies_existing_subscribers_like_publish() {
    let mut bus = TestBus::new();
    let app = plugin(&mut bus, "App");
    bus.subscribe(app, "App.ready", "early");
    bus.publish(app, "ready", Some(obj(1)), true);
    bus.subscribe(app, "App.ready", "late");
    assert_eq!(
        outcomes(&mut bus),
        [
            "deliver App.ready from App to early: {1}",
            "deliver App.ready from App to late: {1}",
        ]
    );
}

#[test]
fn every_late_subscriber_gets_its_own_replay() {
    let mut bus = TestBus::new();
    let app = plugin(&mut bus, "App");
    bus.publish(app, "ready", None, true);
    bus.subscribe(app, "App.ready", "one");
    bus.subscribe(app, "App.ready", "two");
    bus.subscribe(app, "App.ready", "one");
    assert_eq!(
        outcomes(&mut bus),
        [
            "deliver App.ready from App to one: {}",
            "deliver App.ready from App to two: {}",
            "deliver App.ready from App to one: {}",
        ]
    );
}

#[test]
fn only_the_latest_republished_value_is_replayed() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.publish(p, "state", Some(obj(1)), true);
    bus.publish(p, "state", Some(obj(2)), true);
    bus.publish(p, "state", Some(s("third")), true);
    bus.subscribe(p, "P.state", "cb");
    assert_eq!(
        outcomes(&mut bus),
        ["deliver P.state from P to cb: 'third'"]
    );
}

#[test]
fn a_plain_publish_does_not_change_what_was_retained() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.publish(p, "state", Some(obj(1)), true);
    bus.publish(p, "state", Some(obj(2)), false);
    bus.publish(p, "state", None, false);
    bus.subscribe(p, "P.state", "cb");
    assert_eq!(outcomes(&mut bus), ["deliver P.state from P to cb: {1}"]);
}

#[test]
fn a_plain_publish_is_never_replayed() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.publish(p, "e", Some(obj(1)), false);
    bus.subscribe(p, "P.e", "cb");
    assert!(!bus.has_tasks());
}

#[test]
fn republishing_no_data_replays_no_data() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.publish(p, "e", Some(obj(1)), true);
    bus.publish(p, "e", None, true);
    bus.subscribe(p, "P.e", "cb");
    assert_eq!(outcomes(&mut bus), ["deliver P.e from P to cb: {}"]);
}

#[test]
fn unsubscribing_the_last_subscriber_forgets_the_retained_value() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    let a = plugin(&mut bus, "A");
    let b = plugin(&mut bus, "B");
    bus.publish(p, "state", Some(obj(1)), true);
    bus.subscribe(a, "P.state", "a");
    bus.subscribe(b, "P.state", "b");
    drain(&mut bus);
    assert!(bus.unsubscribe(a, "P.state", None));
    // B still listens, so the value is still retained.
    bus.subscribe(a, "P.state", "a again");
    assert_eq!(
        outcomes(&mut bus),
        ["deliver P.state from P to a again: {1}"]
    );
    assert!(bus.unsubscribe(a, "P.state", None));
    assert!(bus.unsubscribe(b, "P.state", None));
    bus.subscribe(a, "P.state", "after");
    assert!(!bus.has_tasks());
}

#[test]
fn unsubscribing_an_event_nobody_subscribed_to_keeps_the_retained_value() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.publish(p, "state", Some(obj(1)), true);
    assert!(!bus.unsubscribe(p, "P.state", None));
    bus.subscribe(p, "P.state", "cb");
    assert_eq!(outcomes(&mut bus), ["deliver P.state from P to cb: {1}"]);
}

#[test]
fn unsubscribe_returns_whether_the_event_had_an_entry() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    let other = plugin(&mut bus, "Other");
    assert!(!bus.unsubscribe(p, "P.e", None));
    bus.subscribe(other, "P.e", "cb");
    // P has no callbacks there, but the event has an entry.
    assert!(bus.unsubscribe(p, "P.e", None));
    assert!(bus.unsubscribe(other, "P.e", None));
    assert!(!bus.unsubscribe(other, "P.e", None));
}

#[test]
fn unsubscribe_removes_all_of_this_plugins_callbacks_and_no_one_elses() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    let a = plugin(&mut bus, "A");
    let b = plugin(&mut bus, "B");
    bus.subscribe(a, "P.e", "a1");
    bus.subscribe(b, "P.e", "b1");
    bus.subscribe(a, "P.e", "a2");
    bus.subscribe(a, "P.other", "a3");
    bus.unsubscribe(a, "P.e", None);
    bus.publish(p, "e", None, false);
    bus.publish(p, "other", None, false);
    assert_eq!(
        outcomes(&mut bus),
        [
            "deliver P.e from P to b1: {}",
            "deliver P.other from P to a3: {}"
        ]
    );
}

#[test]
fn unsubscribing_one_callback_leaves_the_plugins_others() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    let a = plugin(&mut bus, "A");
    let b = plugin(&mut bus, "B");
    bus.subscribe(a, "P.e", "keep");
    bus.subscribe(a, "P.e", "drop");
    bus.subscribe(b, "P.e", "drop");
    assert!(bus.unsubscribe(a, "P.e", Some(&"drop")));
    bus.publish(p, "e", None, false);
    assert_eq!(
        outcomes(&mut bus),
        [
            "deliver P.e from P to keep: {}",
            "deliver P.e from P to drop: {}"
        ]
    );
}

#[test]
fn unsubscribing_the_last_callback_on_its_own_forgets_the_retained_value() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.publish(p, "e", Some(obj(1)), true);
    bus.subscribe(p, "P.e", "only");
    drain(&mut bus);
    assert!(bus.unsubscribe(p, "P.e", Some(&"only")));
    bus.subscribe(p, "P.e", "new");
    assert!(!bus.has_tasks());
}

#[test]
fn a_replay_names_the_original_publisher() {
    let mut bus = TestBus::new();
    let app = plugin(&mut bus, "App");
    let other = plugin(&mut bus, "Other");
    bus.publish_full(app, "App.ready".into(), None, true);
    bus.subscribe(other, "App.ready", "cb");
    assert_eq!(outcomes(&mut bus), ["deliver App.ready from App to cb: {}"]);
}

#[test]
fn publishing_needs_no_registered_events_and_adds_nothing_to_the_registry() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.subscribe(p, "P.unlisted", "cb");
    bus.publish(p, "unlisted", None, true);
    assert_eq!(outcomes(&mut bus), ["deliver P.unlisted from P to cb: {}"]);
    assert!(bus.events(p).is_empty());
}

#[test]
fn deliveries_and_command_work_share_one_queue_in_call_order() {
    let mut bus = TestBus::new();
    let p = ready_plugin(&mut bus, "P");
    command(&mut bus, p, "go", "go");
    bus.subscribe(p, "P.e", "cb");
    bus.publish(p, "e", None, false);
    send(&mut bus, p, "P.go", 1);
    bus.publish(p, "e", None, false);
    assert_eq!(
        outcomes(&mut bus),
        [
            "deliver P.e from P to cb: {}",
            "#1 run go for P: P.go with {0}",
            "deliver P.e from P to cb: {}",
        ]
    );
}

#[test]
fn the_deliveries_of_one_publish_are_taken_together_and_no_others() {
    let mut bus = TestBus::new();
    let publisher = plugin(&mut bus, "Pub");
    bus.subscribe(publisher, "Pub.e", "x");
    bus.subscribe(publisher, "Pub.e", "y");
    bus.publish(publisher, "e", Some(obj(1)), false);
    bus.publish(publisher, "e", Some(obj(2)), false);
    let Some(Task::Deliver { publish, data, .. }) = bus.next_task() else {
        panic!("a delivery first");
    };
    assert_eq!(data, Some(obj(1)));
    let Some(Task::Deliver { data, .. }) = bus.next_delivery_of(publish) else {
        panic!("the second subscriber of the same publish");
    };
    assert_eq!(data, Some(obj(1)));
    // The next publish's deliveries are not the same publish, even with the same event.
    assert!(bus.next_delivery_of(publish).is_none());
    let Some(Task::Deliver {
        publish: second,
        data,
        ..
    }) = bus.next_task()
    else {
        panic!("the second publish");
    };
    assert_ne!(second, publish);
    assert_eq!(data, Some(obj(2)));
}
