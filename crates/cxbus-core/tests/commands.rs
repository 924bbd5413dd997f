//! Commands and routing: asynchronous dispatch, call order, qualification, unknown commands,
//! built-ins and the exact rejection texts.

mod common;

use common::*;
use cxbus_core::names::qualify;
use cxbus_core::{Builtin, Rejection, Sent, Task};

#[test]
fn rejection_texts_are_exact() {
    assert_eq!(
        Rejection::Cancelled.to_string(),
        "Command was cancelled by a 'before' function."
    );
    assert_eq!(
        Rejection::NoSuchCommand.to_string(),
        "Command does not exist"
    );
    assert_eq!(
        Rejection::PluginNotLoaded.to_string(),
        "Could not load plugin file in given location. Check your plugins path option."
    );
    let denied = Rejection::AccessDenied {
        owner: "WebChatService".into(),
        qualifier: " in Non-Async mode".into(),
    };
    assert_eq!(
        denied.text(),
        "Access Denied to private command. Only WebChatService is allowed to invoke this command in Non-Async mode."
    );
    for r in [
        Rejection::Cancelled,
        Rejection::NoSuchCommand,
        Rejection::PluginNotLoaded,
        denied,
    ] {
        assert_eq!(
            r.text(),
            r.to_string(),
            "the bundle uses text(), Display the same"
        );
    }
}

#[test]
fn register_error_texts() {
    use cxbus_core::RegisterError;
    assert_eq!(
        RegisterError::NameTaken("A".into()).text(),
        "plugin name \"A\" is already registered"
    );
    assert_eq!(
        RegisterError::Locked("A".into()).to_string(),
        "plugin registration is locked; \"A\" was refused"
    );
    assert_eq!(
        RegisterError::EmptyName.text(),
        "plugin name must not be empty"
    );
    assert_eq!(
        RegisterError::DottedName("A.b".into()).text(),
        "plugin name \"A.b\" must not contain '.'"
    );
}

#[test]
fn a_command_to_a_ready_plugin_is_queued_and_never_runs_inside_send() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let greeter = ready_plugin(&mut bus, "Greeter");
    command(&mut bus, greeter, "hello", "hello");
    assert!(!bus.has_tasks());
    assert_eq!(send(&mut bus, caller, "Greeter.hello", 1), Sent::Queued);
    assert!(bus.has_tasks());
    assert_eq!(
        outcomes(&mut bus),
        ["#1 run hello for Caller: Greeter.hello with {0}"]
    );
    assert!(!bus.has_tasks());
}

#[test]
fn the_handler_gets_the_callers_payload_handle_untouched() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = ready_plugin(&mut bus, "Target");
    command(&mut bus, target, "take", "take");
    bus.send(caller, "Target.take".into(), obj(42), 9);
    match bus.next_task() {
        Some(Task::Run { data, reply, .. }) => {
            assert_eq!(data, obj(42));
            assert_eq!(reply, 9);
        }
        other => panic!("expected a run, got {:?}", other.as_ref().map(describe)),
    }
}

#[test]
fn handlers_run_in_the_order_the_commands_were_issued() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let a = ready_plugin(&mut bus, "A");
    let b = ready_plugin(&mut bus, "B");
    command(&mut bus, a, "x", "ax");
    command(&mut bus, b, "y", "by");
    send(&mut bus, caller, "B.y", 1);
    send(&mut bus, caller, "A.x", 2);
    send(&mut bus, caller, "A.nope", 3);
    send(&mut bus, caller, "B.y", 4);
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 run by for Caller: B.y with {0}",
            "#2 run ax for Caller: A.x with {0}",
            "#3 reject A.nope: Command does not exist",
            "#4 run by for Caller: B.y with {0}",
        ]
    );
}

#[test]
fn a_name_without_a_dot_gets_the_callers_namespace() {
    assert_eq!(qualify("Me", "open"), "Me.open");
    assert_eq!(qualify("Me", "Other.open"), "Other.open");
    assert_eq!(qualify("Me", ""), "Me.");
    let mut bus = TestBus::new();
    let me = ready_plugin(&mut bus, "Me");
    command(&mut bus, me, "open", "open");
    let full = qualify(bus.name(me), "open");
    send(&mut bus, me, &full, 1);
    assert_eq!(outcomes(&mut bus), ["#1 run open for Me: Me.open with {0}"]);
}

#[test]
fn an_unknown_command_on_a_ready_plugin_rejects_with_command_does_not_exist() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = ready_plugin(&mut bus, "Target");
    command(&mut bus, target, "known", "known");
    assert_eq!(send(&mut bus, caller, "Target.unknown", 1), Sent::Queued);
    assert_eq!(send(&mut bus, caller, "Target.", 2), Sent::Queued);
    assert_eq!(send(&mut bus, caller, "Target.Known", 3), Sent::Queued);
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 reject Target.unknown: Command does not exist",
            "#2 reject Target.: Command does not exist",
            "#3 reject Target.Known: Command does not exist",
        ]
    );
}

#[test]
fn a_name_with_more_than_one_dot_never_matches() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = ready_plugin(&mut bus, "Target");
    command(&mut bus, target, "open", "open");
    send(&mut bus, caller, "Target.open.now", 1);
    send(&mut bus, caller, "Target..open", 2);
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 reject Target.open.now: Command does not exist",
            "#2 reject Target..open: Command does not exist",
        ]
    );
}

#[test]
fn a_name_with_more_than_one_dot_never_matches_even_a_handler_registered_with_a_dot() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = ready_plugin(&mut bus, "Target");
    command(&mut bus, target, "open.now", "dotted");
    send(&mut bus, caller, "Target.open.now", 1);
    assert_eq!(
        outcomes(&mut bus),
        ["#1 reject Target.open.now: Command does not exist"]
    );
}

#[test]
fn a_name_with_an_empty_plugin_part_rejects_with_the_plugin_file_text_and_loads_nothing() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    assert_eq!(send(&mut bus, caller, ".open", 1), Sent::Queued);
    assert_eq!(
        outcomes(&mut bus),
        [format!("#1 reject .open: {}", Rejection::PluginNotLoaded)]
    );
}

#[test]
fn the_latest_registered_handler_is_the_one_that_runs() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = ready_plugin(&mut bus, "Target");
    command(&mut bus, target, "go", "old");
    send(&mut bus, caller, "Target.go", 1);
    command(&mut bus, target, "go", "new");
    send(&mut bus, caller, "Target.go", 2);
    // A command already queued keeps the handler it was routed to.
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 run old for Caller: Target.go with {0}",
            "#2 run new for Caller: Target.go with {0}",
        ]
    );
}

#[test]
fn builtin_commands_list_and_load() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = ready_plugin(&mut bus, "Target");
    command(&mut bus, target, "open", "open");
    bus.register_events(target, ["opened", "closed"]);
    send(&mut bus, caller, "Target.COMMANDS", 1);
    send(&mut bus, caller, "Target.EVENTS", 2);
    send(&mut bus, caller, "Target.LOAD", 3);
    assert_eq!(
        outcomes(&mut bus),
        [
            r#"#1 Commands Target.COMMANDS ["COMMANDS", "EVENTS", "LOAD", "open"]"#,
            r#"#2 Events Target.EVENTS ["opened", "closed"]"#,
            "#3 Load Target.LOAD []",
        ]
    );
}

#[test]
fn builtin_names_are_case_sensitive() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    ready_plugin(&mut bus, "Target");
    send(&mut bus, caller, "Target.commands", 1);
    assert_eq!(
        outcomes(&mut bus),
        ["#1 reject Target.commands: Command does not exist"]
    );
}

#[test]
fn a_builtin_task_names_its_builtin() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    ready_plugin(&mut bus, "Target");
    send(&mut bus, caller, "Target.LOAD", 1);
    let builtins: Vec<_> = drain(&mut bus)
        .into_iter()
        .filter_map(|t| match t {
            Task::Builtin { builtin, .. } => Some(builtin),
            _ => None,
        })
        .collect();
    assert_eq!(builtins, [Builtin::Load]);
}

#[test]
fn commands_from_the_global_cxbus_carry_commander_cxbus() {
    let mut bus = TestBus::new();
    let cxbus = plugin(&mut bus, "CXBus");
    let target = ready_plugin(&mut bus, "WebChat");
    command(&mut bus, target, "open", "open");
    send(&mut bus, cxbus, "WebChat.open", 1);
    assert_eq!(
        outcomes(&mut bus),
        ["#1 run open for CXBus: WebChat.open with {0}"]
    );
}

#[test]
fn a_rejection_is_queued_behind_earlier_work_not_delivered_at_once() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = ready_plugin(&mut bus, "Target");
    command(&mut bus, target, "ok", "ok");
    send(&mut bus, caller, "Target.ok", 1);
    send(&mut bus, caller, "Target.missing", 2);
    send(&mut bus, caller, "Target.ok", 3);
    let replies: Vec<_> = drain(&mut bus)
        .iter()
        .map(|t| match t {
            Task::Run { reply, .. } | Task::Reject { reply, .. } | Task::Builtin { reply, .. } => {
                *reply
            }
            Task::Deliver { .. } => 0,
        })
        .collect();
    assert_eq!(replies, [1, 2, 3]);
}

#[test]
fn task_count_counts_what_is_queued() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = ready_plugin(&mut bus, "Target");
    let late = plugin(&mut bus, "Late");
    command(&mut bus, target, "go", "go");
    assert_eq!(bus.task_count(), 0);
    send(&mut bus, caller, "Target.go", 1);
    send(&mut bus, caller, "Target.missing", 2);
    send(&mut bus, caller, "Late.go", 3);
    assert_eq!(bus.task_count(), 2);
    bus.next_task();
    assert_eq!(bus.task_count(), 1);
    bus.mark_ready(late);
    assert_eq!(bus.task_count(), 2);
    drain(&mut bus);
    assert_eq!(bus.task_count(), 0);
}

#[test]
fn queue_run_takes_its_place_in_the_queue_without_routing() {
    let mut bus = TestBus::new();
    let caller = plugin(&mut bus, "Caller");
    let target = ready_plugin(&mut bus, "Target");
    command(&mut bus, target, "go", "go");
    send(&mut bus, caller, "Target.go", 1);
    // No such plugin or command: queue_run does not look anything up.
    bus.queue_run("host", "Caller".into(), "Nobody.thing".into(), obj(5), 2);
    send(&mut bus, caller, "Target.go", 3);
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 run go for Caller: Target.go with {0}",
            "#2 run host for Caller: Nobody.thing with {5}",
            "#3 run go for Caller: Target.go with {0}",
        ]
    );
}
