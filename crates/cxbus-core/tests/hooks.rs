//! Before-hooks: registration, lookup by full name, and the cancellation rejection.

mod common;

use common::*;
use cxbus_core::{Rejection, Sent};

#[test]
fn adding_a_hook_returns_true_and_hooks_come_back_in_registration_order() {
    let mut bus = TestBus::new();
    assert!(bus.add_hook("WebChat.open", "first"));
    assert!(bus.add_hook("WebChat.open", "second"));
    assert!(bus.add_hook("WebChat.close", "other"));
    assert!(bus.add_hook("WebChat.open", "third"));
    assert_eq!(bus.hooks("WebChat.open"), ["first", "second", "third"]);
    assert_eq!(bus.hooks("WebChat.close"), ["other"]);
}

#[test]
fn a_hook_for_an_empty_name_is_refused() {
    let mut bus = TestBus::new();
    assert!(!bus.add_hook("", "hook"));
    assert!(bus.hooks("").is_empty());
}

#[test]
fn hooks_match_only_the_full_command_name() {
    let mut bus = TestBus::new();
    bus.add_hook("WebChat.open", "hook");
    assert!(bus.hooks("open").is_empty());
    assert!(bus.hooks("WebChat").is_empty());
    assert!(bus.hooks("webchat.open").is_empty());
    assert!(bus.hooks("WebChat.open.x").is_empty());
    assert!(bus.hooks("Other.open").is_empty());
    assert_eq!(bus.hooks("WebChat.open"), ["hook"]);
}

#[test]
fn hooks_can_be_added_before_the_plugin_exists() {
    let mut bus = TestBus::new();
    assert!(bus.add_hook("Later.go", "hook"));
    plugin(&mut bus, "Later");
    assert_eq!(bus.hooks("Later.go"), ["hook"]);
}

#[test]
fn the_hook_list_is_a_snapshot() {
    let mut bus = TestBus::new();
    bus.add_hook("P.go", "a");
    let snapshot = bus.hooks("P.go");
    bus.add_hook("P.go", "b");
    assert_eq!(snapshot, ["a"]);
    assert_eq!(bus.hooks("P.go"), ["a", "b"]);
}

#[test]
fn a_cancelled_command_is_rejected_later_with_the_cancelled_text() {
    let mut bus = TestBus::new();
    bus.reject_later("P.go".into(), Rejection::Cancelled, 1);
    assert!(bus.has_tasks());
    assert_eq!(
        outcomes(&mut bus),
        ["#1 reject P.go: Command was cancelled by a 'before' function."]
    );
}

#[test]
fn a_cancellation_keeps_its_place_in_the_queue() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = ready_plugin(&mut bus, "Target");
    command(&mut bus, target, "go", "go");
    send(&mut bus, caller, "Target.go", 1);
    bus.reject_later("Target.go".into(), Rejection::Cancelled, 2);
    send(&mut bus, caller, "Target.go", 3);
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 run go for Caller: Target.go with {0}",
            "#2 reject Target.go: Command was cancelled by a 'before' function.",
            "#3 run go for Caller: Target.go with {0}",
        ]
    );
}

#[test]
fn a_command_whose_hooks_passed_reaches_its_handler_with_the_replacement_payload() {
    // The glue runs `hooks()` and hands the last returned object to `send`.
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = ready_plugin(&mut bus, "Target");
    command(&mut bus, target, "go", "go");
    bus.add_hook("Target.go", "replace");
    assert_eq!(bus.hooks("Target.go"), ["replace"]);
    assert_eq!(
        bus.send(caller, "Target.go".into(), obj(77), 1),
        Sent::Queued
    );
    assert_eq!(
        outcomes(&mut bus),
        ["#1 run go for Caller: Target.go with {77}"]
    );
}
