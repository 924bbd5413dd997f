//! The built-in auto-agent: joins a chat shortly after it is routed, greets, and echoes each customer
//! message, so the demo works with nobody at the console.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::clock::now_ms;
use crate::model::{CLIENT, Conversation, EventKind, PartyId, PartyState, Role};
use crate::state::Shared;
use crate::store::Slot;

/// Auto-agent behaviour (`GET`/`PUT /emulator/api/auto-agent`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct AutoAgentSettings {
    /// Whether new chats get the auto-agent.
    pub enabled: bool,
    /// Delay between routing and the agent joining, in ms.
    pub join_delay_ms: u64,
    /// Delay before each answer, in ms; the agent shows typing meanwhile (when non-zero).
    pub reply_delay_ms: u64,
    /// The agent's nickname.
    pub nickname: String,
    /// The first message it sends.
    pub greeting: String,
}

impl Default for AutoAgentSettings {
    fn default() -> Self {
        AutoAgentSettings {
            enabled: true,
            join_delay_ms: 300,
            reply_delay_ms: 300,
            nickname: "Alex".into(),
            greeting: "Hello, my name is Alex. How can I help you today?".into(),
        }
    }
}

/// The answer the auto-agent gives to a customer message.
pub fn echo(text: &str) -> String {
    format!("You said: {text}")
}

/// Starts attending a new conversation if the auto-agent is enabled.
pub fn attend(app: &Shared, slot: &Arc<Slot>) {
    let settings = app.auto_agent_settings();
    if settings.enabled {
        tokio::spawn(run(Arc::clone(app), Arc::clone(slot), settings));
    }
}

async fn run(app: Shared, slot: Arc<Slot>, settings: AutoAgentSettings) {
    let mut changes = slot.subscribe();
    while !slot.read(|c| c.routed || c.is_ended()) {
        if changes.changed().await.is_err() || slot.is_removed() {
            return;
        }
    }
    tokio::time::sleep(Duration::from_millis(settings.join_delay_ms)).await;
    let joined = slot.update(|c| join_and_greet(c, &settings, now_ms()));
    let Some((agent, mut cursor)) = joined else {
        return;
    };
    loop {
        let pending: Vec<String> = slot.read(|c| {
            let texts = c
                .events_from(cursor)
                .iter()
                .filter(|e| e.kind == EventKind::Message && e.from == Some(CLIENT))
                .map(|e| e.text.clone())
                .collect();
            cursor = c.next_position();
            texts
        });
        for text in pending {
            if !answer(&app, &slot, agent, &text).await {
                return;
            }
        }
        if slot.read(|c| c.next_position()) > cursor {
            continue;
        }
        if changes.changed().await.is_err()
            || slot.is_removed()
            || slot.read(Conversation::is_ended)
        {
            return;
        }
    }
}

/// Adds the agent (alerting, then connected) and greets; `None` if the chat already ended.
fn join_and_greet(
    c: &mut Conversation,
    settings: &AutoAgentSettings,
    now: u64,
) -> Option<(PartyId, u64)> {
    if c.is_ended() {
        return None;
    }
    let agent = c.add_party(Role::Agent, &settings.nickname, PartyState::Alerting, now);
    c.connect_party(agent, now).ok()?;
    c.post(Some(agent), EventKind::Message, &settings.greeting, now)
        .ok()?;
    Some((agent, c.next_position()))
}

/// Types for the reply delay, then echoes. Returns false once the agent can no longer answer.
async fn answer(app: &Shared, slot: &Slot, agent: PartyId, text: &str) -> bool {
    let settings = app.auto_agent_settings();
    if settings.reply_delay_ms > 0 {
        if slot
            .update(|c| c.set_typing(agent, true, "", now_ms()))
            .is_err()
        {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(settings.reply_delay_ms)).await;
    }
    slot.update(|c| c.post(Some(agent), EventKind::Message, &echo(text), now_ms()))
        .is_ok()
}
