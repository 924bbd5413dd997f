//! The deferred state machine behind every command promise.
//!
//! It mirrors the small jQuery-like deferred customers use: listeners of four kinds, settle once,
//! stored arguments for late listeners, progress only while pending. It never calls anything
//! itself: each operation hands back the callbacks to run and the arguments to run them with, so
//! the caller can drop its borrow before calling user code.
//!
//! In the browser the same machine runs in JavaScript (`bus-shim/src/deferred.js`), so that a
//! command's settlement and its callbacks never cross into wasm; this module is its reference,
//! and its tests pin the rules both follow.

/// Where a deferred stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Not settled yet.
    Pending,
    /// Settled by `resolve`.
    Resolved,
    /// Settled by `reject`.
    Rejected,
}

impl State {
    /// The name `state()` returns to JavaScript.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Resolved => "resolved",
            State::Rejected => "rejected",
        }
    }
}

/// What a listener waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listen {
    /// Runs on resolve.
    Done,
    /// Runs on reject.
    Fail,
    /// Runs on either.
    Always,
    /// Runs on each notify while pending.
    Progress,
}

impl Listen {
    fn fires_on(self, state: State) -> bool {
        matches!(
            (self, state),
            (Listen::Done | Listen::Always, State::Resolved)
                | (Listen::Fail | Listen::Always, State::Rejected)
        )
    }
}

/// Callbacks to run, in order, each with the same arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct Fire<A, F> {
    /// The callbacks, in registration order.
    pub callbacks: Vec<F>,
    /// The arguments every callback receives.
    pub args: Vec<A>,
}

/// One deferred: its state, its stored arguments and its waiting listeners.
#[derive(Debug, Clone)]
pub struct Deferred<A, F> {
    state: State,
    args: Vec<A>,
    listeners: Vec<(Listen, F)>,
}

impl<A, F> Default for Deferred<A, F> {
    fn default() -> Self {
        Self {
            state: State::Pending,
            args: Vec::new(),
            listeners: Vec::new(),
        }
    }
}

impl<A: Clone, F: Clone> Deferred<A, F> {
    /// A pending deferred with no listeners.
    pub fn new() -> Self {
        Self::default()
    }

    /// Where it stands.
    pub fn state(&self) -> State {
        self.state
    }

    /// Adds a listener. A listener added after settlement that matches the outcome is handed
    /// back at once, with the stored arguments, to be run synchronously; one that does not match
    /// (or a progress listener after settlement) is dropped.
    pub fn listen(&mut self, kind: Listen, callback: F) -> Option<Fire<A, F>> {
        match self.state {
            State::Pending => {
                self.listeners.push((kind, callback));
                None
            }
            settled if kind.fires_on(settled) => Some(Fire {
                callbacks: vec![callback],
                args: self.args.clone(),
            }),
            _ => None,
        }
    }

    /// Settles with `outcome` (resolved or rejected). Only the first settlement counts: later
    /// ones, and a `Pending` outcome, return `None`.
    pub fn settle(&mut self, outcome: State, args: Vec<A>) -> Option<Fire<A, F>> {
        if self.state != State::Pending || outcome == State::Pending {
            return None;
        }
        self.state = outcome;
        self.args = args.clone();
        let callbacks = std::mem::take(&mut self.listeners)
            .into_iter()
            .filter(|(kind, _)| kind.fires_on(outcome))
            .map(|(_, callback)| callback)
            .collect();
        Some(Fire { callbacks, args })
    }

    /// Progress: hands back the progress listeners while pending, nothing after settlement.
    pub fn notify(&mut self, args: Vec<A>) -> Option<Fire<A, F>> {
        if self.state != State::Pending {
            return None;
        }
        let callbacks = self
            .listeners
            .iter()
            .filter(|(kind, _)| *kind == Listen::Progress)
            .map(|(_, callback)| callback.clone())
            .collect();
        Some(Fire { callbacks, args })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type D = Deferred<i32, &'static str>;

    #[test]
    fn resolve_runs_done_and_always_listeners_in_registration_order() {
        let mut d = D::new();
        d.listen(Listen::Done, "a");
        d.listen(Listen::Fail, "f");
        d.listen(Listen::Always, "b");
        d.listen(Listen::Done, "c");
        let fire = d.settle(State::Resolved, vec![1, 2]).unwrap();
        assert_eq!(fire.callbacks, ["a", "b", "c"]);
        assert_eq!(fire.args, [1, 2]);
        assert_eq!(d.state().as_str(), "resolved");
    }

    #[test]
    fn only_the_first_settlement_counts() {
        let mut d = D::new();
        assert!(d.settle(State::Rejected, vec![7]).is_some());
        assert!(d.settle(State::Resolved, vec![8]).is_none());
        assert_eq!(d.state(), State::Rejected);
        let late = d.listen(Listen::Fail, "late").unwrap();
        assert_eq!(late.args, [7]);
    }

    #[test]
    fn a_listener_added_after_settlement_runs_at_once_with_the_stored_arguments() {
        let mut d = D::new();
        d.settle(State::Resolved, vec![3]);
        assert_eq!(
            d.listen(Listen::Always, "x"),
            Some(Fire {
                callbacks: vec!["x"],
                args: vec![3]
            })
        );
        assert_eq!(d.listen(Listen::Fail, "y"), None);
        assert_eq!(d.listen(Listen::Progress, "p"), None);
    }

    #[test]
    fn progress_reaches_listeners_only_while_pending() {
        let mut d = D::new();
        d.listen(Listen::Progress, "p1");
        d.listen(Listen::Done, "d");
        d.listen(Listen::Progress, "p2");
        assert_eq!(d.notify(vec![5]).unwrap().callbacks, ["p1", "p2"]);
        assert_eq!(d.notify(vec![6]).unwrap().callbacks, ["p1", "p2"]);
        d.settle(State::Resolved, vec![]);
        assert!(d.notify(vec![7]).is_none());
    }

    #[test]
    fn settling_with_pending_is_ignored() {
        let mut d = D::new();
        assert!(d.settle(State::Pending, vec![]).is_none());
        assert_eq!(d.state(), State::Pending);
    }
}
