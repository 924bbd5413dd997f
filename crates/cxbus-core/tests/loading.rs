//! Loading: a command to an unregistered plugin asks the glue for a load and waits for it.

mod common;

use common::*;
use cxbus_core::{Rejection, Sent, load_text};

const NOT_LOADED: &str =
    "Could not load plugin file in given location. Check your plugins path option.";

#[test]
fn load_texts_are_exact() {
    assert_eq!(Rejection::PluginNotLoaded.to_string(), NOT_LOADED);
    assert_eq!(
        load_text::plugin_file("plugins/webchat.min.js"),
        "Could not load plugin file: plugins/webchat.min.js"
    );
    assert_eq!(
        load_text::file("https://x.test/a.js"),
        "Could not load file: https://x.test/a.js"
    );
}

#[test]
fn a_command_to_an_unknown_plugin_asks_for_one_load_named_as_written() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    assert_eq!(
        send(&mut bus, caller, "MyPlugin.go", 1),
        Sent::LoadNeeded("MyPlugin".into())
    );
    assert_eq!(
        send(&mut bus, caller, "MyPlugin.other", 2),
        Sent::AwaitingLoad
    );
    assert_eq!(
        send(&mut bus, caller, "Another.go", 3),
        Sent::LoadNeeded("Another".into())
    );
    assert!(!bus.has_tasks());
}

#[test]
fn commands_waiting_for_a_load_go_to_the_plugin_once_registered() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    send(&mut bus, caller, "Late.go", 1);
    send(&mut bus, caller, "Late.missing", 2);
    send(&mut bus, caller, "Late.go", 3);
    // The plugin's file runs: it registers, adds its command and calls ready().
    let late = plugin(&mut bus, "Late");
    command(&mut bus, late, "go", "go");
    assert!(!bus.has_tasks(), "they wait in the buffer until ready()");
    bus.mark_ready(late);
    bus.load_finished("Late");
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 run go for Caller: Late.go with {0}",
            "#2 reject Late.missing: Command does not exist",
            "#3 run go for Caller: Late.go with {0}",
        ]
    );
}

#[test]
fn commands_waiting_for_a_load_wait_on_for_ready_if_the_plugin_is_not_ready_yet() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    send(&mut bus, caller, "Late.go", 1);
    let late = plugin(&mut bus, "Late");
    command(&mut bus, late, "go", "go");
    bus.load_finished("Late");
    assert!(!bus.has_tasks());
    send(&mut bus, caller, "Late.go", 2);
    bus.mark_ready(late);
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 run go for Caller: Late.go with {0}",
            "#2 run go for Caller: Late.go with {0}",
        ]
    );
}

#[test]
fn a_command_sent_between_registration_and_load_finished_runs_after_the_waiting_ones() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    assert_eq!(
        send(&mut bus, caller, "Late.go", 1),
        Sent::LoadNeeded("Late".into())
    );
    let late = plugin(&mut bus, "Late");
    command(&mut bus, late, "go", "go");
    bus.mark_ready(late);
    send(&mut bus, caller, "Late.go", 2);
    bus.load_finished("Late");
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 run go for Caller: Late.go with {0}",
            "#2 run go for Caller: Late.go with {0}",
        ]
    );
}

#[test]
fn a_command_buffered_before_load_finished_runs_after_the_waiting_ones() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    send(&mut bus, caller, "Late.go", 1);
    let late = plugin(&mut bus, "Late");
    command(&mut bus, late, "go", "go");
    assert_eq!(send(&mut bus, caller, "Late.go", 2), Sent::Buffered);
    bus.load_finished("Late");
    bus.mark_ready(late);
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 run go for Caller: Late.go with {0}",
            "#2 run go for Caller: Late.go with {0}",
        ]
    );
}

#[test]
fn a_failed_load_rejects_every_waiting_command() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let cxbus = plugin(&mut bus, "CXBus");
    send(&mut bus, caller, "Missing.a", 1);
    send(&mut bus, cxbus, "Missing.b", 2);
    send(&mut bus, caller, "Missing.COMMANDS", 3);
    bus.load_finished("Missing");
    assert_eq!(
        outcomes(&mut bus),
        [
            format!("#1 reject Missing.a: {NOT_LOADED}"),
            format!("#2 reject Missing.b: {NOT_LOADED}"),
            format!("#3 reject Missing.COMMANDS: {NOT_LOADED}"),
        ]
    );
}

#[test]
fn a_failed_load_leaves_commands_for_other_plugins_waiting() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    send(&mut bus, caller, "Missing.a", 1);
    send(&mut bus, caller, "Other.b", 2);
    bus.load_finished("Missing");
    assert_eq!(
        outcomes(&mut bus),
        [format!("#1 reject Missing.a: {NOT_LOADED}")]
    );
    // The plugin's file runs as plugin files do: register, add commands, then ready().
    let other = plugin(&mut bus, "Other");
    command(&mut bus, other, "b", "b");
    bus.mark_ready(other);
    bus.load_finished("Other");
    assert_eq!(
        outcomes(&mut bus),
        ["#2 run b for Caller: Other.b with {0}"]
    );
}

#[test]
fn a_command_to_a_plugin_in_another_case_rejects_with_the_plugin_file_text_and_loads_nothing() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let webchat = ready_plugin(&mut bus, "WebChat");
    command(&mut bus, webchat, "open", "open");
    assert_eq!(send(&mut bus, caller, "webchat.open", 1), Sent::Queued);
    assert_eq!(send(&mut bus, caller, "WEBCHAT.open", 2), Sent::Queued);
    assert_eq!(
        outcomes(&mut bus),
        [
            format!("#1 reject webchat.open: {NOT_LOADED}"),
            format!("#2 reject WEBCHAT.open: {NOT_LOADED}"),
        ]
    );
    // Nothing was left waiting for a load.
    bus.load_finished("webchat");
    bus.load_finished("WEBCHAT");
    assert!(!bus.has_tasks());
}

#[test]
fn a_command_to_a_not_ready_plugin_in_another_case_is_rejected_not_buffered() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    plugin(&mut bus, "WebChat");
    assert_eq!(send(&mut bus, caller, "webChat.open", 1), Sent::Queued);
    assert_eq!(
        outcomes(&mut bus),
        [format!("#1 reject webChat.open: {NOT_LOADED}")]
    );
}

#[test]
#[ignore = "BUG: plugin_ignoring_case uses eq_ignore_ascii_case, so 'élan.go' with 'Élan' \
            registered returns Sent::LoadNeeded(\"élan\") (and requests élan.min.js) instead of \
            rejecting at once; the file name uses JS toLowerCase, which folds non-ASCII letters, \
            and spec 'Commands' 8 says a name matching a registered plugin in another case loads \
            nothing"]
fn a_command_to_a_plugin_in_another_non_ascii_case_loads_nothing() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    ready_plugin(&mut bus, "Élan");
    assert_eq!(send(&mut bus, caller, "élan.go", 1), Sent::Queued);
    assert_eq!(
        outcomes(&mut bus),
        [format!("#1 reject élan.go: {NOT_LOADED}")]
    );
}

#[test]
fn load_finished_for_a_name_nobody_waits_for_does_nothing() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    send(&mut bus, caller, "Waiting.go", 1);
    bus.load_finished("Nobody");
    bus.load_finished("waiting");
    bus.load_finished("");
    assert!(!bus.has_tasks());
    bus.load_finished("Waiting");
    assert_eq!(
        outcomes(&mut bus),
        [format!("#1 reject Waiting.go: {NOT_LOADED}")]
    );
}

#[test]
fn load_finished_twice_settles_nothing_twice() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    send(&mut bus, caller, "Gone.go", 1);
    bus.load_finished("Gone");
    bus.load_finished("Gone");
    assert_eq!(outcomes(&mut bus).len(), 1);
}

#[test]
fn after_a_failed_load_the_next_command_asks_for_a_new_load() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    assert_eq!(
        send(&mut bus, caller, "Flaky.go", 1),
        Sent::LoadNeeded("Flaky".into())
    );
    bus.load_finished("Flaky");
    assert_eq!(
        send(&mut bus, caller, "Flaky.go", 2),
        Sent::LoadNeeded("Flaky".into())
    );
    // The plugin's file runs as plugin files do: register, add commands, then ready().
    let flaky = plugin(&mut bus, "Flaky");
    command(&mut bus, flaky, "go", "go");
    bus.mark_ready(flaky);
    bus.load_finished("Flaky");
    assert_eq!(
        outcomes(&mut bus),
        [
            format!("#1 reject Flaky.go: {NOT_LOADED}"),
            "#2 run go for Caller: Flaky.go with {0}".to_owned(),
        ]
    );
}

#[test]
fn the_payload_of_a_command_that_waited_for_a_load_is_the_one_sent() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    bus.send(caller, "Late.go".into(), obj(5), 1);
    // The plugin's file runs as plugin files do: register, add commands, then ready().
    let late = plugin(&mut bus, "Late");
    command(&mut bus, late, "go", "go");
    bus.mark_ready(late);
    bus.load_finished("Late");
    assert_eq!(
        outcomes(&mut bus),
        ["#1 run go for Caller: Late.go with {5}"]
    );
}
