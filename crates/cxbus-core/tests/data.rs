//! Plugin data: change detection by strict equality, the three change-event names, reads.

mod common;

use common::*;
use cxbus_core::DataEntry;

#[test]
fn a_first_write_returns_the_three_change_event_names_in_order() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "WebChatService");
    assert_eq!(
        bus.data_set(p, "sessionActive", Val::Bool(true), 1.0),
        Some([
            "WebChatService.data".to_owned(),
            "WebChatService.data.sessionActive".to_owned(),
            "WebChatService.data.sessionActive:true".to_owned(),
        ])
    );
}

#[test]
fn a_string_value_is_quoted_in_the_third_name_and_others_are_not() {
    let mut bus = TestBus::new();
    let app = plugin(&mut bus, "App");
    let third = |names: Option<[String; 3]>| names.map(|[_, _, third]| third);
    assert_eq!(
        third(bus.data_set(app, "language", s("en"), 1.0)).as_deref(),
        Some("App.data.language:'en'")
    );
    assert_eq!(
        third(bus.data_set(app, "count", Val::Num(3.0), 1.0)).as_deref(),
        Some("App.data.count:3")
    );
    assert_eq!(
        third(bus.data_set(app, "user", obj(1), 1.0)).as_deref(),
        Some("App.data.user:[object Object]")
    );
    assert_eq!(
        third(bus.data_set(app, "empty", s(""), 1.0)).as_deref(),
        Some("App.data.empty:''")
    );
}

#[test]
fn setting_a_strictly_equal_value_returns_no_events() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    assert!(bus.data_set(p, "n", Val::Num(1.0), 1.0).is_some());
    assert_eq!(bus.data_set(p, "n", Val::Num(1.0), 2.0), None);
    assert!(bus.data_set(p, "s", s("a"), 1.0).is_some());
    assert_eq!(bus.data_set(p, "s", s("a"), 2.0), None);
    assert!(bus.data_set(p, "o", obj(7), 1.0).is_some());
    assert_eq!(bus.data_set(p, "o", obj(7), 2.0), None);
    assert!(bus.data_set(p, "z", Val::Num(0.0), 1.0).is_some());
    assert_eq!(bus.data_set(p, "z", Val::Num(-0.0), 2.0), None);
}

#[test]
fn a_loosely_equal_value_of_another_type_is_a_change() {
    // The vendor compares with `==` and drops these silently; cxbus.md's **better** reading
    // compares with `===`, stores the new value and publishes the change.
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.data_set(p, "n", Val::Num(1.0), 1.0);
    assert_eq!(
        bus.data_set(p, "n", s("1"), 2.0),
        Some([
            "P.data".to_owned(),
            "P.data.n".to_owned(),
            "P.data.n:'1'".to_owned(),
        ])
    );
    assert_eq!(bus.data_get(p, "n").map(|e| &e.value), Some(&s("1")));
    assert!(bus.data_set(p, "n", Val::Bool(true), 3.0).is_some());
    assert!(bus.data_set(p, "n", Val::Num(1.0), 4.0).is_some());
    assert!(bus.data_set(p, "z", Val::Num(0.0), 1.0).is_some());
    assert!(bus.data_set(p, "z", s(""), 2.0).is_some());
    assert!(bus.data_set(p, "z", Val::Bool(false), 3.0).is_some());
}

#[test]
fn a_different_value_is_a_change() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.data_set(p, "k", Val::Num(1.0), 1.0);
    assert!(bus.data_set(p, "k", s("01.5"), 2.0).is_some());
    assert!(bus.data_set(p, "k", obj(1), 3.0).is_some());
    // Another object is another value, even with the same contents.
    assert!(bus.data_set(p, "k", obj(2), 4.0).is_some());
    assert!(bus.data_set(p, "k", Val::Num(f64::NAN), 5.0).is_some());
    // NaN is never equal to itself.
    assert!(bus.data_set(p, "k", Val::Num(f64::NAN), 6.0).is_some());
}

#[test]
fn a_change_keeps_the_previous_value_as_last_and_takes_the_new_time() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.data_set(p, "k", s("a"), 10.0);
    assert_eq!(
        bus.data_get(p, "k"),
        Some(&DataEntry {
            last: None,
            value: s("a"),
            time: 10.0
        })
    );
    bus.data_set(p, "k", s("b"), 20.0);
    assert_eq!(
        bus.data_get(p, "k"),
        Some(&DataEntry {
            last: Some(s("a")),
            value: s("b"),
            time: 20.0
        })
    );
}

#[test]
fn objects_are_stored_by_handle() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.data_set(p, "userData", obj(33), 1.0);
    assert_eq!(
        bus.data_get(p, "userData").map(|e| &e.value),
        Some(&obj(33))
    );
}

#[test]
fn cross_plugin_data_read() {
    let mut bus = TestBus::new();
    let webchat = plugin(&mut bus, "WebChat");
    let mine = plugin(&mut bus, "MyPlugin");
    bus.data_set(webchat, "open", Val::Bool(true), 1.0);
    assert_eq!(
        bus.data_get(mine, "WebChat.open").map(|e| &e.value),
        Some(&Val::Bool(true))
    );
    assert_eq!(bus.data_get(mine, "open"), None);
    assert_eq!(bus.data_get(mine, "webchat.open"), None);
    assert_eq!(bus.data_get(mine, "Nobody.open"), None);
    assert_eq!(bus.data_get(mine, "WebChat.closed"), None);
}

#[test]
fn own_key_wins() {
    let mut bus = TestBus::new();
    let webchat = plugin(&mut bus, "WebChat");
    let mine = plugin(&mut bus, "MyPlugin");
    bus.data_set(webchat, "open", s("theirs"), 1.0);
    bus.data_set(mine, "WebChat.open", s("mine"), 1.0);
    assert_eq!(
        bus.data_get(mine, "WebChat.open").map(|e| &e.value),
        Some(&s("mine"))
    );
    assert_eq!(
        bus.data_get(webchat, "open").map(|e| &e.value),
        Some(&s("theirs"))
    );
}

#[test]
fn a_cross_plugin_key_with_more_dots_reads_the_rest_as_the_key() {
    let mut bus = TestBus::new();
    let other = plugin(&mut bus, "Other");
    let me = plugin(&mut bus, "Me");
    bus.data_set(other, "a.b", Val::Num(1.0), 1.0);
    assert_eq!(
        bus.data_get(me, "Other.a.b").map(|e| &e.value),
        Some(&Val::Num(1.0))
    );
}

#[test]
fn a_plugin_can_read_its_own_key_through_its_own_namespace() {
    let mut bus = TestBus::new();
    let me = plugin(&mut bus, "Me");
    bus.data_set(me, "k", Val::Num(1.0), 1.0);
    assert_eq!(
        bus.data_get(me, "Me.k").map(|e| &e.value),
        Some(&Val::Num(1.0))
    );
}

#[test]
fn the_whole_map_keeps_first_write_order() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    let other = plugin(&mut bus, "Other");
    bus.data_set(p, "b", Val::Num(1.0), 1.0);
    bus.data_set(p, "a", Val::Num(1.0), 1.0);
    bus.data_set(p, "b", Val::Num(2.0), 2.0);
    let keys: Vec<_> = bus.data_all(p).iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["b", "a"]);
    assert!(bus.data_all(other).is_empty());
}

#[test]
fn data_is_per_plugin() {
    let mut bus = TestBus::new();
    let a = plugin(&mut bus, "A");
    let b = plugin(&mut bus, "B");
    bus.data_set(a, "k", Val::Num(1.0), 1.0);
    // The same value under the same key in another plugin is a first write there.
    assert_eq!(
        bus.data_set(b, "k", Val::Num(1.0), 1.0),
        Some([
            "B.data".to_owned(),
            "B.data.k".to_owned(),
            "B.data.k:1".to_owned()
        ])
    );
}

#[test]
fn data_set_publishes_nothing_by_itself() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    bus.subscribe(p, "P.data", "cb");
    bus.data_set(p, "k", Val::Num(1.0), 1.0);
    assert!(!bus.has_tasks());
}

#[test]
fn the_change_events_are_plain_publishes_when_the_glue_publishes_them() {
    let mut bus = TestBus::new();
    let p = plugin(&mut bus, "P");
    let names = bus.data_set(p, "k", s("v"), 1.0);
    for name in names.into_iter().flatten() {
        bus.publish_full(p, name, Some(obj(1)), false);
    }
    bus.subscribe(p, "P.data", "late");
    bus.subscribe(p, "P.data.k", "late");
    bus.subscribe(p, "P.data.k:'v'", "late");
    assert!(!bus.has_tasks());
}
