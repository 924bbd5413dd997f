//! Property test: arbitrary Bayeux batches, mixing well-formed meta messages, chat operations with
//! real and forged keys, and junk, never panic and always get an answer per message.

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::transport;
use crate::config::Config;
use crate::state::{AppState, Shared};

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::from),
    ]
}

fn junk() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn channel() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("/meta/handshake")),
        Just(json!("/meta/connect")),
        Just(json!("/meta/subscribe")),
        Just(json!("/meta/unsubscribe")),
        Just(json!("/meta/disconnect")),
        Just(json!("/service/chatV2/customer-support")),
        Just(json!("/service/chatV2/")),
        Just(json!("/chat/room")),
        junk(),
    ]
}

fn operation() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("requestChat")),
        Just(json!("sendMessage")),
        Just(json!("startTyping")),
        Just(json!("stopTyping")),
        Just(json!("customNotice")),
        Just(json!("updateData")),
        Just(json!("disconnect")),
        Just(json!("requestNotifications")),
        junk(),
    ]
}

/// A message: a channel, maybe the live client id (index into the handshakes so far), maybe
/// operation data with the keys of a started chat, and junk fields.
fn message() -> impl Strategy<Value = (Value, Option<usize>, Value, bool, Value)> {
    (
        channel(),
        prop::option::of(0usize..4),
        operation(),
        any::<bool>(),
        junk(),
    )
}

fn app() -> Shared {
    let mut config = Config::default();
    config.auto_agent.enabled = false;
    config.comet_timeout_ms = 1;
    Arc::new(AppState::new(config))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_batches_never_panic_and_every_message_is_answered(
        batches in prop::collection::vec(prop::collection::vec(message(), 0..6), 1..6)
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let _entered = runtime.enter();
        let app = app();
        let mut clients: Vec<String> = Vec::new();
        let mut keys = json!({});
        for batch in batches {
            let messages: Vec<Value> = batch
                .into_iter()
                .map(|(channel, client, operation, keyed, extra)| {
                    let mut m = json!({"channel": channel, "id": "x", "extra": extra});
                    if let Some(id) = client.and_then(|i| clients.get(i)) {
                        m["clientId"] = json!(id);
                    }
                    let mut data = if keyed { keys.clone() } else { json!({}) };
                    data["operation"] = operation;
                    data["nickname"] = json!("Pat");
                    m["data"] = data;
                    m["subscription"] = json!("/service/chatV2/customer-support");
                    m
                })
                .collect();
            let answered = transport::answer(&app, &messages);
            let connects = usize::from(answered.connect.is_some());
            prop_assert!(answered.replies.len() + connects >= messages.len());
            for reply in &answered.replies {
                if let Some(id) = reply["clientId"].as_str().filter(|_| reply["channel"] == "/meta/handshake") {
                    clients.push(id.to_owned());
                }
                if reply["data"]["chatId"].is_string() && reply["data"]["secureKey"].is_string() {
                    keys = json!({"chatId": reply["data"]["chatId"], "secureKey": reply["data"]["secureKey"]});
                }
            }
            if let Some(held) = answered.connect {
                runtime.block_on(transport::wait(&app, &held));
            }
        }
    }
}
