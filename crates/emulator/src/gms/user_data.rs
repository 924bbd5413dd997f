//! The Chat Service JS API's extended user-data operations, `getUserData` and `deleteUserData`
//! (field `key`), over REST (`{dataURL}/{chatId}/{op}`) and CometD (`operation`). `setUserData`
//! is the ordinary `updateData`.
//!
//! The interaction keeps the user data its customer set (the request-chat `userData` and every
//! `updateData`); a read answers the envelope with `userData` holding the key only when it was set
//! (and not deleted since), so a client reads back exactly what it set and nothing else.

use serde_json::{Map, Value, json};

use super::GmsError;
use super::envelope::{self, status};
use crate::form::FormFields;
use crate::model::Conversation;

/// Whether `op` is one of the user-data operations.
pub fn handles(op: &str) -> bool {
    matches!(op, "getUserData" | "deleteUserData")
}

/// Applies `op` (see [`handles`]) to the chat: the envelope (no transcript events), with
/// `userData` for a read; statusCode 2 once the chat is over.
pub fn apply(
    c: &mut Conversation,
    op: &str,
    fields: &FormFields,
    now_ms: u64,
) -> Result<Value, GmsError> {
    let key = fields.text("key");
    if key.is_empty() {
        return Err(GmsError::bad(100, "key required"));
    }
    if c.is_ended() {
        return Ok(envelope::envelope(c, status::PERMANENT, &[]));
    }
    let mut found = Map::new();
    if op == "deleteUserData" {
        c.remove_user_data(key, now_ms);
    } else if let Some(value) = c.user_data().get(key) {
        found.insert(key.to_owned(), json!(value));
    }
    let mut body = envelope::envelope(c, status::OK, &[]);
    if op == "getUserData" {
        body["userData"] = Value::Object(found);
    }
    Ok(body)
}
