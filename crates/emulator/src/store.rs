//! The live conversations, each behind its own lock, with a change signal for push consumers
//! (the Cloud event stream and the auto-agent) and idle expiry.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tokio::sync::watch;

use crate::model::Conversation;

/// One conversation plus its change signal.
#[derive(Debug)]
pub struct Slot {
    conversation: Mutex<Conversation>,
    changes: watch::Sender<u64>,
    removed: AtomicBool,
}

impl Slot {
    fn new(conversation: Conversation) -> Self {
        let (changes, _) = watch::channel(0);
        Slot {
            conversation: Mutex::new(conversation),
            changes,
            removed: AtomicBool::new(false),
        }
    }

    /// Reads the conversation under its lock.
    pub fn read<R>(&self, f: impl FnOnce(&Conversation) -> R) -> R {
        f(&self
            .conversation
            .lock()
            .unwrap_or_else(PoisonError::into_inner))
    }

    /// Changes the conversation under its lock; wakes subscribers if the log grew or the chat ended.
    pub fn update<R>(&self, f: impl FnOnce(&mut Conversation) -> R) -> R {
        let (result, changed) = {
            let mut conversation = self
                .conversation
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let before = (
                conversation.last_seq(),
                conversation.is_ended(),
                conversation.routed,
            );
            let result = f(&mut conversation);
            let after = (
                conversation.last_seq(),
                conversation.is_ended(),
                conversation.routed,
            );
            (result, before != after)
        };
        if changed {
            self.changes.send_modify(|version| *version += 1);
        }
        result
    }

    /// A receiver that wakes on every change.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Whether the conversation was expired or deleted from the store.
    pub fn is_removed(&self) -> bool {
        self.removed.load(Ordering::Relaxed)
    }

    fn mark_removed(&self) {
        self.removed.store(true, Ordering::Relaxed);
        self.changes.send_modify(|version| *version += 1);
    }
}

/// All live conversations by id.
#[derive(Debug, Default)]
pub struct Store {
    sessions: RwLock<HashMap<String, Arc<Slot>>>,
}

impl Store {
    /// Adds a conversation.
    pub fn insert(&self, conversation: Conversation) -> Arc<Slot> {
        let id = conversation.id.clone();
        let slot = Arc::new(Slot::new(conversation));
        self.write().insert(id, Arc::clone(&slot));
        slot
    }

    /// A conversation by id.
    pub fn get(&self, id: &str) -> Option<Arc<Slot>> {
        self.sessions
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    /// Forgets a conversation (its session becomes unknown to every protocol).
    pub fn remove(&self, id: &str) -> bool {
        let slot = self.write().remove(id);
        slot.inspect(|s| s.mark_removed()).is_some()
    }

    /// All conversations, in no particular order.
    pub fn all(&self) -> Vec<Arc<Slot>> {
        self.sessions
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect()
    }

    /// Forgets conversations idle for longer than `idle_ms`; returns how many.
    pub fn expire_idle(&self, now_ms: u64, idle_ms: u64) -> usize {
        let stale: Vec<String> = self
            .all()
            .iter()
            .filter_map(|slot| {
                slot.read(|c| {
                    (now_ms.saturating_sub(c.last_activity_ms) > idle_ms).then(|| c.id.clone())
                })
            })
            .collect();
        stale.iter().filter(|id| self.remove(id)).count()
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Arc<Slot>>> {
        self.sessions
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventKind, FileLimits, Protocol};

    fn conversation(id: &str, now: u64) -> Conversation {
        Conversation::new(
            id.into(),
            Protocol::Gms,
            "Pat",
            FileLimits::default(),
            1,
            now,
        )
    }

    #[test]
    fn idle_conversations_expire_and_busy_ones_stay() {
        let store = Store::default();
        store.insert(conversation("old", 1_000));
        store.insert(conversation("new", 9_000));
        assert_eq!(store.expire_idle(10_000, 5_000), 1);
        assert!(store.get("old").is_none());
        assert!(store.get("new").is_some());
    }

    #[test]
    fn updates_that_grow_the_log_wake_subscribers_and_touches_do_not() {
        let store = Store::default();
        let slot = store.insert(conversation("c", 1));
        let mut rx = slot.subscribe();
        slot.update(|c| c.touch(2));
        assert!(!rx.has_changed().unwrap());
        slot.update(|c| c.post(Some(1), EventKind::Message, "hi", 3))
            .unwrap();
        assert!(rx.has_changed().unwrap());
        rx.mark_unchanged();
        assert!(store.remove("c"));
        assert!(rx.has_changed().unwrap());
        assert!(slot.is_removed());
    }
}
