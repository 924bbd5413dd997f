//! Plugins and the registry: registration rules, built-ins, command and event listings.

mod common;

use common::*;
use cxbus_core::{Access, RegisterError};

#[test]
fn a_new_plugin_has_its_name_as_namespace_and_is_not_ready() {
    let mut bus = TestBus::new();
    let id = plugin(&mut bus, "WebChat");
    assert_eq!(bus.name(id), "WebChat");
    assert_eq!(bus.plugin("WebChat"), Some(id));
    assert!(!bus.is_ready(id));
}

#[test]
fn names_are_case_sensitive_so_another_case_is_another_plugin() {
    let mut bus = TestBus::new();
    let upper = plugin(&mut bus, "Foo");
    let lower = plugin(&mut bus, "foo");
    assert_ne!(upper, lower);
    assert_eq!(bus.plugin("Foo"), Some(upper));
    assert_eq!(bus.plugin("foo"), Some(lower));
    assert_eq!(bus.plugin("FOO"), None);
}

#[test]
fn a_taken_name_is_refused() {
    let mut bus = TestBus::new();
    let first = plugin(&mut bus, "Taken");
    assert_eq!(
        bus.register("Taken"),
        Err(RegisterError::NameTaken("Taken".into()))
    );
    assert_eq!(bus.plugin("Taken"), Some(first));
    assert_eq!(bus.plugins().count(), 1);
}

#[test]
fn the_cxbus_pseudo_plugin_cannot_be_registered_again() {
    let mut bus = TestBus::new();
    let cxbus = plugin(&mut bus, "CXBus");
    assert_eq!(
        bus.register("CXBus"),
        Err(RegisterError::NameTaken("CXBus".into()))
    );
    assert_eq!(bus.plugin("CXBus"), Some(cxbus));
    assert!(!bus.is_ready(cxbus));
}

#[test]
fn the_empty_name_is_refused() {
    let mut bus = TestBus::new();
    assert_eq!(bus.register(""), Err(RegisterError::EmptyName));
    assert_eq!(bus.plugins().count(), 0);
}

#[test]
fn lock_refuses_registration_and_unlock_allows_it_again() {
    let mut bus = TestBus::new();
    bus.set_locked(true);
    assert_eq!(
        bus.register("Late"),
        Err(RegisterError::Locked("Late".into()))
    );
    assert_eq!(bus.plugin("Late"), None);
    bus.set_locked(false);
    assert!(bus.register("Late").is_ok());
}

#[test]
fn registration_refusals_explain_themselves() {
    assert_eq!(
        RegisterError::NameTaken("A".into()).to_string(),
        "plugin name \"A\" is already registered"
    );
    assert_eq!(
        RegisterError::Locked("A".into()).to_string(),
        "plugin registration is locked; \"A\" was refused"
    );
    assert_eq!(
        RegisterError::EmptyName.to_string(),
        "plugin name must not be empty"
    );
}

#[test]
fn names_with_spaces_and_unicode_are_accepted() {
    let mut bus = TestBus::new();
    for name in [" ", "Ünïcødé", "日本", "Lab(", "cxbus"] {
        let id = plugin(&mut bus, name);
        assert_eq!(bus.name(id), name);
    }
}

#[test]
fn names_with_a_dot_are_refused_so_no_plugin_can_publish_as_another() {
    let mut bus = TestBus::new();
    for name in ["a.b", "App.data", ".", "x."] {
        assert_eq!(
            bus.register(name),
            Err(cxbus_core::RegisterError::DottedName(name.to_owned())),
            "{name}"
        );
    }
}

#[test]
fn plugins_are_listed_in_registration_order() {
    let mut bus = TestBus::new();
    let ids: Vec<_> = ["CXBus", "App", "QuickBus", "WebChat"]
        .into_iter()
        .map(|n| plugin(&mut bus, n))
        .collect();
    assert_eq!(bus.plugins().collect::<Vec<_>>(), ids);
}

#[test]
fn plugin_ignoring_case_finds_a_plugin_in_another_ascii_case() {
    let mut bus = TestBus::new();
    let id = plugin(&mut bus, "WebChat");
    assert_eq!(bus.plugin_ignoring_case("webchat"), Some(id));
    assert_eq!(bus.plugin_ignoring_case("WEBCHAT"), Some(id));
    assert_eq!(bus.plugin_ignoring_case("WebChat"), Some(id));
    assert_eq!(bus.plugin_ignoring_case("WebChats"), None);
}

#[test]
fn mark_ready_is_true_only_the_first_time() {
    let mut bus = TestBus::new();
    let id = plugin(&mut bus, "P");
    assert!(bus.mark_ready(id));
    assert!(bus.is_ready(id));
    assert!(!bus.mark_ready(id));
    assert!(bus.is_ready(id));
}

#[test]
fn every_plugin_starts_with_the_builtin_commands_and_no_events() {
    let mut bus = TestBus::new();
    let id = plugin(&mut bus, "P");
    assert_eq!(bus.commands(id), ["COMMANDS", "EVENTS", "LOAD"]);
    assert!(bus.events(id).is_empty());
}

#[test]
fn registered_commands_are_listed_after_the_builtins_in_registration_order() {
    let mut bus = TestBus::new();
    let id = plugin(&mut bus, "P");
    command(&mut bus, id, "open", "open1");
    command(&mut bus, id, "close", "close1");
    assert_eq!(
        bus.commands(id),
        ["COMMANDS", "EVENTS", "LOAD", "open", "close"]
    );
}

#[test]
fn registering_the_same_command_replaces_the_handler_and_lists_it_once() {
    let mut bus = TestBus::new();
    let p = ready_plugin(&mut bus, "P");
    let caller = plugin(&mut bus, "Caller");
    command(&mut bus, p, "open", "first");
    command(&mut bus, p, "close", "close");
    command(&mut bus, p, "open", "second");
    assert_eq!(
        bus.commands(p),
        ["COMMANDS", "EVENTS", "LOAD", "open", "close"]
    );
    send(&mut bus, caller, "P.open", 1);
    assert_eq!(
        outcomes(&mut bus),
        ["#1 run second for Caller: P.open with {0}"]
    );
}

#[test]
fn registry_listings_never_list_twice() {
    let mut bus = TestBus::new();
    let id = plugin(&mut bus, "P");
    bus.register_events(id, ["opened", "closed", "opened"]);
    bus.register_events(id, vec!["closed".to_owned(), "ready".to_owned()]);
    bus.register_events(id, ["opened"]);
    assert_eq!(bus.events(id), ["opened", "closed", "ready"]);
    for _ in 0..3 {
        bus.register_command(id, "open", "h", Access::Public);
        bus.register_command(id, "LOAD", "h", Access::Public);
    }
    assert_eq!(bus.commands(id), ["COMMANDS", "EVENTS", "LOAD", "open"]);
}

#[test]
fn listings_belong_to_their_own_plugin() {
    let mut bus = TestBus::new();
    let a = plugin(&mut bus, "A");
    let b = plugin(&mut bus, "B");
    command(&mut bus, a, "onlyA", "h");
    bus.register_events(b, ["onlyB"]);
    assert_eq!(bus.commands(b), ["COMMANDS", "EVENTS", "LOAD"]);
    assert!(bus.events(a).is_empty());
    assert_eq!(bus.events(b), ["onlyB"]);
}

#[test]
fn a_plugin_id_survives_a_round_trip_through_its_raw_number() {
    let mut bus = TestBus::new();
    let first = plugin(&mut bus, "First");
    let second = plugin(&mut bus, "Second");
    assert_ne!(first.raw(), second.raw());
    assert_eq!(cxbus_core::PluginId::from_raw(second.raw()), second);
    assert_eq!(
        bus.name(cxbus_core::PluginId::from_raw(first.raw())),
        "First"
    );
}

#[test]
fn an_id_no_plugin_has_is_an_unknown_plugin_with_an_empty_name() {
    let mut bus = TestBus::new();
    let real = ready_plugin(&mut bus, "Real");
    command(&mut bus, real, "go", "go");
    let ghost = cxbus_core::PluginId::from_raw(4242);
    assert_eq!(bus.name(ghost), "");
    assert!(!bus.is_ready(ghost));
    assert!(!bus.mark_ready(ghost));
    assert!(bus.commands(ghost).is_empty());
    assert!(bus.events(ghost).is_empty());
    bus.register_command(ghost, "x", "x", Access::Public);
    bus.register_events(ghost, ["e"]);
    assert_eq!(bus.data_set(ghost, "k", s("v"), 1.0), None);
    assert_eq!(bus.data_get(ghost, "k"), None);
    assert!(bus.data_all(ghost).is_empty());
    assert!(bus.subscribers(ghost).is_empty());
    assert_eq!(bus.publish(ghost, "e", None, false), ".e");
    send(&mut bus, ghost, "Real.go", 1);
    assert_eq!(outcomes(&mut bus), ["#1 run go for : Real.go with {0}"]);
}
