//! Buffering: commands to a registered plugin that has not called `ready()` wait for it.

mod common;

use common::*;
use cxbus_core::Sent;

#[test]
fn command_to_a_not_ready_plugin_is_buffered_until_ready() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = plugin(&mut bus, "Target");
    command(&mut bus, target, "go", "go");
    assert_eq!(send(&mut bus, caller, "Target.go", 1), Sent::Buffered);
    assert!(!bus.has_tasks());
    assert!(bus.mark_ready(target));
    assert_eq!(
        outcomes(&mut bus),
        ["#1 run go for Caller: Target.go with {0}"]
    );
}

#[test]
fn buffered_commands_run_in_call_order_and_look_up_their_handler_at_ready() {
    let mut bus = TestBus::new();
    let a = plugin(&mut bus, "A");
    let b = plugin(&mut bus, "B");
    let target = plugin(&mut bus, "Target");
    command(&mut bus, target, "first", "old first");
    assert_eq!(send(&mut bus, a, "Target.first", 1), Sent::Buffered);
    assert_eq!(send(&mut bus, b, "Target.second", 2), Sent::Buffered);
    assert_eq!(send(&mut bus, a, "Target.first", 3), Sent::Buffered);
    // Handlers change while the commands wait: the ones present at ready() are used.
    command(&mut bus, target, "first", "new first");
    command(&mut bus, target, "second", "second");
    bus.mark_ready(target);
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 run new first for A: Target.first with {0}",
            "#2 run second for B: Target.second with {0}",
            "#3 run new first for A: Target.first with {0}",
        ]
    );
}

#[test]
fn a_buffered_command_with_no_handler_at_ready_rejects_with_command_does_not_exist() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = plugin(&mut bus, "Target");
    send(&mut bus, caller, "Target.never", 1);
    bus.mark_ready(target);
    assert_eq!(
        outcomes(&mut bus),
        ["#1 reject Target.never: Command does not exist"]
    );
}

#[test]
fn a_plugins_command_to_itself_skips_the_buffer() {
    let mut bus = TestBus::new();
    let other = plugin(&mut bus, "Other");
    let me = plugin(&mut bus, "Me");
    command(&mut bus, me, "configure", "configure");
    assert_eq!(send(&mut bus, other, "Me.configure", 1), Sent::Buffered);
    assert_eq!(send(&mut bus, me, "Me.configure", 2), Sent::Queued);
    assert_eq!(send(&mut bus, me, "Me.missing", 3), Sent::Queued);
    assert!(!bus.is_ready(me));
    assert_eq!(
        outcomes(&mut bus),
        [
            "#2 run configure for Me: Me.configure with {0}",
            "#3 reject Me.missing: Command does not exist",
        ]
    );
    bus.mark_ready(me);
    assert_eq!(
        outcomes(&mut bus),
        ["#1 run configure for Other: Me.configure with {0}"]
    );
}

#[test]
fn commands_from_the_global_cxbus_are_buffered_too() {
    let mut bus = TestBus::new();
    let cxbus = plugin(&mut bus, "CXBus");
    let target = plugin(&mut bus, "WebChat");
    command(&mut bus, target, "open", "open");
    assert_eq!(send(&mut bus, cxbus, "WebChat.open", 1), Sent::Buffered);
    assert!(!bus.has_tasks());
    bus.mark_ready(target);
    assert_eq!(
        outcomes(&mut bus),
        ["#1 run open for CXBus: WebChat.open with {0}"]
    );
}

#[test]
fn commands_to_the_never_ready_cxbus_plugin_stay_buffered() {
    let mut bus = TestBus::new();
    let cxbus = plugin(&mut bus, "CXBus");
    let caller = plugin(&mut bus, "Caller");
    assert_eq!(send(&mut bus, caller, "CXBus.COMMANDS", 1), Sent::Buffered);
    assert!(!bus.has_tasks());
    // CXBus's own command to itself is not buffered.
    assert_eq!(send(&mut bus, cxbus, "CXBus.LOAD", 2), Sent::Queued);
    assert_eq!(outcomes(&mut bus), ["#2 Load CXBus.LOAD []"]);
}

#[test]
fn ready_twice_replays_nothing_twice() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = plugin(&mut bus, "Target");
    command(&mut bus, target, "go", "go");
    send(&mut bus, caller, "Target.go", 1);
    send(&mut bus, caller, "Target.go", 2);
    assert!(bus.mark_ready(target));
    assert!(!bus.mark_ready(target));
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 run go for Caller: Target.go with {0}",
            "#2 run go for Caller: Target.go with {0}",
        ]
    );
    assert!(!bus.mark_ready(target));
    assert!(outcomes(&mut bus).is_empty());
}

#[test]
fn after_ready_commands_are_queued_directly() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = plugin(&mut bus, "Target");
    command(&mut bus, target, "go", "go");
    send(&mut bus, caller, "Target.go", 1);
    bus.mark_ready(target);
    assert_eq!(send(&mut bus, caller, "Target.go", 2), Sent::Queued);
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 run go for Caller: Target.go with {0}",
            "#2 run go for Caller: Target.go with {0}",
        ]
    );
}

#[test]
fn flushed_commands_queue_behind_work_that_was_already_queued() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let ready = ready_plugin(&mut bus, "Ready");
    let late = plugin(&mut bus, "Late");
    command(&mut bus, ready, "x", "x");
    command(&mut bus, late, "y", "y");
    send(&mut bus, caller, "Late.y", 1);
    send(&mut bus, caller, "Ready.x", 2);
    bus.mark_ready(late);
    send(&mut bus, caller, "Ready.x", 3);
    assert_eq!(
        outcomes(&mut bus),
        [
            "#2 run x for Caller: Ready.x with {0}",
            "#1 run y for Caller: Late.y with {0}",
            "#3 run x for Caller: Ready.x with {0}",
        ]
    );
}

#[test]
fn a_buffered_load_resolves_once_the_plugin_is_ready() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = plugin(&mut bus, "Target");
    assert_eq!(send(&mut bus, caller, "Target.LOAD", 1), Sent::Buffered);
    assert!(!bus.has_tasks());
    bus.mark_ready(target);
    assert_eq!(outcomes(&mut bus), ["#1 Load Target.LOAD []"]);
}

#[test]
fn a_buffered_listing_shows_the_commands_known_at_ready() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = plugin(&mut bus, "Target");
    send(&mut bus, caller, "Target.COMMANDS", 1);
    command(&mut bus, target, "late", "late");
    bus.mark_ready(target);
    assert_eq!(
        outcomes(&mut bus),
        [r#"#1 Commands Target.COMMANDS ["COMMANDS", "EVENTS", "LOAD", "late"]"#]
    );
}

#[test]
fn buffers_are_per_plugin() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let a = plugin(&mut bus, "A");
    let b = plugin(&mut bus, "B");
    command(&mut bus, a, "go", "a");
    command(&mut bus, b, "go", "b");
    send(&mut bus, caller, "A.go", 1);
    send(&mut bus, caller, "B.go", 2);
    bus.mark_ready(b);
    assert_eq!(outcomes(&mut bus), ["#2 run b for Caller: B.go with {0}"]);
    bus.mark_ready(a);
    assert_eq!(outcomes(&mut bus), ["#1 run a for Caller: A.go with {0}"]);
}
