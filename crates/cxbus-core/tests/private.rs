//! Private commands: only the owning plugin may call them, others get the exact denial text.

mod common;

use common::*;
use cxbus_core::{Access, Rejection, Sent};

fn private(qualifier: &str) -> Access {
    Access::Private {
        qualifier: qualifier.to_owned(),
    }
}

#[test]
fn the_denial_texts_are_exact() {
    let plain = Rejection::AccessDenied {
        owner: "WebChatService".into(),
        qualifier: String::new(),
    };
    assert_eq!(
        plain.to_string(),
        "Access Denied to private command. Only WebChatService is allowed to invoke this command."
    );
    let non_async = Rejection::AccessDenied {
        owner: "WebChatService".into(),
        qualifier: " in Non-Async mode".into(),
    };
    assert_eq!(
        non_async.to_string(),
        "Access Denied to private command. Only WebChatService is allowed to invoke this command \
         in Non-Async mode."
    );
}

#[test]
fn a_private_command_from_another_plugin_is_denied_with_the_exact_text() {
    let mut bus = TestBus::new();
    let service = ready_plugin(&mut bus, "WebChatService");
    let webchat = plugin(&mut bus, "WebChat");
    bus.register_command(service, "poll", "poll", private(""));
    assert_eq!(
        send(&mut bus, webchat, "WebChatService.poll", 1),
        Sent::Queued
    );
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 reject WebChatService.poll: Access Denied to private command. Only \
             WebChatService is allowed to invoke this command."
        ]
    );
}

#[test]
fn the_non_async_qualifier_goes_before_the_final_period() {
    let mut bus = TestBus::new();
    let service = ready_plugin(&mut bus, "WebChatService");
    let cxbus = plugin(&mut bus, "CXBus");
    bus.register_command(service, "restore", "restore", private(" in Non-Async mode"));
    send(&mut bus, cxbus, "WebChatService.restore", 1);
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 reject WebChatService.restore: Access Denied to private command. Only \
             WebChatService is allowed to invoke this command in Non-Async mode."
        ]
    );
}

#[test]
fn the_owner_may_call_its_private_command() {
    let mut bus = TestBus::new();
    let service = ready_plugin(&mut bus, "WebChatService");
    bus.register_command(service, "poll", "poll", private(""));
    send(&mut bus, service, "WebChatService.poll", 1);
    assert_eq!(
        outcomes(&mut bus),
        ["#1 run poll for WebChatService: WebChatService.poll with {0}"]
    );
}

#[test]
fn the_owner_may_call_its_private_command_before_ready() {
    let mut bus = TestBus::new();
    let service = plugin(&mut bus, "WebChatService");
    bus.register_command(service, "poll", "poll", private(""));
    assert_eq!(
        send(&mut bus, service, "WebChatService.poll", 1),
        Sent::Queued
    );
    assert_eq!(
        outcomes(&mut bus),
        ["#1 run poll for WebChatService: WebChatService.poll with {0}"]
    );
}

#[test]
fn a_plugin_named_in_another_case_cannot_pose_as_the_owner() {
    let mut bus = TestBus::new();
    let service = ready_plugin(&mut bus, "WebChatService");
    let impostor = plugin(&mut bus, "webchatservice");
    bus.register_command(service, "poll", "poll", private(""));
    send(&mut bus, impostor, "WebChatService.poll", 1);
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 reject WebChatService.poll: Access Denied to private command. Only \
             WebChatService is allowed to invoke this command."
        ]
    );
}

#[test]
fn a_buffered_private_command_is_checked_at_ready() {
    let mut bus = TestBus::new();
    let service = plugin(&mut bus, "WebChatService");
    let webchat = plugin(&mut bus, "WebChat");
    assert_eq!(
        send(&mut bus, webchat, "WebChatService.poll", 1),
        Sent::Buffered
    );
    // Registered private only after the command was buffered: the check happens at ready().
    bus.register_command(service, "poll", "poll", private(""));
    bus.mark_ready(service);
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 reject WebChatService.poll: Access Denied to private command. Only \
             WebChatService is allowed to invoke this command."
        ]
    );
}

#[test]
fn re_registering_a_command_replaces_its_access_too() {
    let mut bus = TestBus::new();
    let service = ready_plugin(&mut bus, "WebChatService");
    let webchat = plugin(&mut bus, "WebChat");
    bus.register_command(
        service,
        "restore",
        "private restore",
        private(" in Non-Async mode"),
    );
    bus.register_command(service, "restore", "public restore", Access::Public);
    send(&mut bus, webchat, "WebChatService.restore", 1);
    bus.register_command(service, "restore", "private again", private(""));
    send(&mut bus, webchat, "WebChatService.restore", 2);
    assert_eq!(
        outcomes(&mut bus),
        [
            "#1 run public restore for WebChat: WebChatService.restore with {0}",
            "#2 reject WebChatService.restore: Access Denied to private command. Only \
             WebChatService is allowed to invoke this command.",
        ]
    );
}

#[test]
fn an_unknown_command_is_reported_as_unknown_not_as_denied() {
    let mut bus = TestBus::new();
    let service = ready_plugin(&mut bus, "WebChatService");
    let webchat = plugin(&mut bus, "WebChat");
    bus.register_command(service, "poll", "poll", private(""));
    send(&mut bus, webchat, "WebChatService.pol", 1);
    assert_eq!(
        outcomes(&mut bus),
        ["#1 reject WebChatService.pol: Command does not exist"]
    );
}
