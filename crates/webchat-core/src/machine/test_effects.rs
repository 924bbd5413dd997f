//! Reading the machine's effects in tests: what was published, how a command settled.

use crate::drive::{CommandId, Effect, Reply};
use crate::event::Event;
use crate::json::Json;

/// The payloads of every `event` published in `fx`, in order.
pub(super) fn published(fx: &[Effect], event: Event) -> Vec<Json> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Publish { event: ev, payload } if *ev == event => Some(payload.clone()),
            _ => None,
        })
        .collect()
}

/// How command `id` settled in `fx`: `(resolved, reply)`, or `None` if it did not.
pub(super) fn settled(fx: &[Effect], id: CommandId) -> Option<(bool, Reply)> {
    fx.iter().find_map(|e| match e {
        Effect::Resolve { id: i, reply } if *i == id => Some((true, reply.clone())),
        Effect::Reject { id: i, reply } if *i == id => Some((false, reply.clone())),
        _ => None,
    })
}
