//! `subscribers()`: a plugin's events with their subscribers, matched by namespace prefix.

mod common;

use common::*;

#[test]
fn subscribers_lists_this_plugins_events_with_duplicates() {
    let mut bus = TestBus::new();
    let webchat = plugin(&mut bus, "WebChat");
    let a = plugin(&mut bus, "A");
    let b = plugin(&mut bus, "B");
    bus.subscribe(a, "WebChat.opened", "x");
    bus.subscribe(b, "WebChat.opened", "y");
    bus.subscribe(a, "WebChat.opened", "z");
    bus.subscribe(b, "WebChat.closed", "x");
    bus.subscribe(a, "Other.opened", "x");
    assert_eq!(
        bus.subscribers(webchat),
        // Events are listed in the order they were first subscribed to.
        [
            (
                "WebChat.opened".to_owned(),
                vec!["A".to_owned(), "B".to_owned(), "A".to_owned()]
            ),
            ("WebChat.closed".to_owned(), vec!["B".to_owned()]),
        ]
    );
}

#[test]
fn a_plugin_named_a_does_not_match_app_events() {
    let mut bus = TestBus::new();
    let a = plugin(&mut bus, "A");
    let app = plugin(&mut bus, "App");
    bus.subscribe(a, "App.ready", "cb");
    assert!(bus.subscribers(a).is_empty());
    assert_eq!(
        bus.subscribers(app),
        [("App.ready".to_owned(), vec!["A".to_owned()])]
    );
}

#[test]
fn a_name_with_pattern_characters_matches_literally() {
    let mut bus = TestBus::new();
    // (A name with a `.` cannot be registered, so only pattern characters remain to check.)
    let lab = plugin(&mut bus, "Lab(");
    bus.subscribe(lab, "Lab(.x", "cb");
    bus.subscribe(lab, "Lab.x", "cb");
    bus.subscribe(lab, "Lxb.y", "cb");
    assert_eq!(
        bus.subscribers(lab),
        [("Lab(.x".to_owned(), vec!["Lab(".to_owned()])]
    );
}

#[test]
fn the_event_name_must_continue_with_a_dot() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.subscribe(p, "P", "cb");
    bus.subscribe(p, "Px.e", "cb");
    bus.subscribe(p, "p.e", "cb");
    bus.subscribe(p, "P.", "cb");
    assert_eq!(
        bus.subscribers(p),
        [("P.".to_owned(), vec!["P".to_owned()])]
    );
}

#[test]
fn the_global_cxbus_subscribes_as_cxbus() {
    let mut bus = TestBus::new();
    let cxbus = plugin(&mut bus, "CXBus");
    let webchat = plugin(&mut bus, "WebChat");
    bus.subscribe(cxbus, "WebChat.ready", "cb");
    assert_eq!(
        bus.subscribers(webchat),
        [("WebChat.ready".to_owned(), vec!["CXBus".to_owned()])]
    );
}

#[test]
fn events_with_no_subscribers_left_are_not_listed() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    let a = plugin(&mut bus, "A");
    bus.subscribe(a, "P.e", "cb");
    bus.unsubscribe(a, "P.e", None);
    assert!(bus.subscribers(p).is_empty());
}

#[test]
fn republished_events_without_subscribers_are_listed_empty_but_plain_publishes_are_not() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.publish(p, "plain", None, false);
    bus.publish(p, "kept", None, true);
    bus.register_events(p, ["plain", "kept"]);
    assert_eq!(
        bus.subscribers(p),
        [("P.kept".to_owned(), Vec::<String>::new())]
    );
}
