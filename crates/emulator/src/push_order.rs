//! The `reversePushes` fault, shared by the push transports (GMS CometD, the Genesys Cloud
//! WebSocket): while it is armed for n agent messages, what would be pushed to a customer is held
//! until n staff messages are pending (or the chat ends), then pushed once in reverse order — the
//! order a client must not trust.

use crate::model::{Conversation, Event, EventKind};
use crate::state::Shared;

/// What a push transport does with the events pending for a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushPlan {
    /// Push them as usual, in order.
    InOrder,
    /// Keep them pending (do not move the cursor): not enough agent messages yet.
    Hold,
    /// Push them now, last first (the fault is used up).
    Reversed,
}

/// Chat messages from staff (agent, supervisor, bot) among `events`.
pub fn staff_messages(c: &Conversation, events: &[Event]) -> u32 {
    let count = events
        .iter()
        .filter(|e| e.kind == EventKind::Message)
        .filter(|e| {
            e.from
                .and_then(|id| c.party(id))
                .is_some_and(|p| p.is_staff())
        })
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// The plan for a push holding `pending_staff_messages` agent messages; `ended` releases a hold
/// (nothing more will come).
pub fn plan(app: &Shared, pending_staff_messages: u32, ended: bool) -> PushPlan {
    let wanted = app.with_faults(|f| f.reverse_pushes());
    if wanted == 0 {
        return PushPlan::InOrder;
    }
    if pending_staff_messages < wanted && !ended {
        return PushPlan::Hold;
    }
    if app.with_faults(|f| f.take_reverse_pushes()) {
        PushPlan::Reversed
    } else {
        PushPlan::InOrder
    }
}
