//! The polling policy of the polling transports: 3 s idle, 0.5 s after activity backing off ×1.2
//! (GMS; Engage v3 never reports activity, so it polls every 3 s), one request in flight, and the
//! consecutive-failure count against `pollExceptionLimit`. Pure: the session turns the delays into
//! its `poll_timeout` deadline.

/// Poll interval when nothing is happening.
pub const POLL_IDLE_MS: u64 = 3000;
/// Poll interval right after activity (a message in or out).
pub const POLL_ACTIVE_MS: u64 = 500;
/// Backoff factor from the active interval back to the idle one.
pub const POLL_BACKOFF: f64 = 1.2;

/// What a poll result changes in the connection state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// Nothing to publish.
    Unchanged,
    /// The exception limit was just reached: publish connectionPending, chatServerWentOffline.
    WentOffline,
    /// First success after going offline: publish chatServerBackOnline, connectionRestored.
    BackOnline,
}

/// The polling schedule: one request in flight, 3 s idle, 0.5 s after activity backing off ×1.2,
/// and the consecutive-failure count against `pollExceptionLimit`.
#[derive(Debug, Clone)]
pub struct Poller {
    /// Automatic polling is on (startPoll / stopPoll).
    pub enabled: bool,
    /// A poll request is in flight.
    pub in_flight: bool,
    interval_ms: f64,
    exceptions: u32,
    limit: u32,
    offline: bool,
}

impl Poller {
    /// A stopped poller with `pollExceptionLimit` = `limit`.
    pub fn new(limit: u32) -> Self {
        Self {
            enabled: false,
            in_flight: false,
            interval_ms: POLL_IDLE_MS as f64,
            exceptions: 0,
            limit: limit.max(1),
            offline: false,
        }
    }

    /// Turns automatic polling on or off (startPoll / stopPoll); `true` when that changed it, so
    /// the session reports `SessionEvent::Polling(on)` once per change.
    pub fn set_enabled(&mut self, on: bool) -> bool {
        let changed = self.enabled != on;
        self.enabled = on;
        changed
    }

    /// The delay before the next poll.
    pub fn next_delay_ms(&self) -> u64 {
        self.interval_ms.round() as u64
    }

    /// Something happened (a message arrived or was sent): poll quickly again.
    pub fn activity(&mut self) {
        self.interval_ms = POLL_ACTIVE_MS as f64;
    }

    /// A poll succeeded; `activity` when it brought new messages.
    pub fn succeeded(&mut self, activity: bool) -> Connection {
        self.in_flight = false;
        self.exceptions = 0;
        if activity {
            self.activity();
        } else {
            self.interval_ms = (self.interval_ms * POLL_BACKOFF).min(POLL_IDLE_MS as f64);
        }
        if std::mem::take(&mut self.offline) {
            Connection::BackOnline
        } else {
            Connection::Unchanged
        }
    }

    /// A poll failed.
    pub fn failed(&mut self) -> Connection {
        self.in_flight = false;
        self.exceptions = self.exceptions.saturating_add(1);
        self.interval_ms = POLL_IDLE_MS as f64;
        if !self.offline && self.exceptions >= self.limit {
            self.offline = true;
            Connection::WentOffline
        } else {
            Connection::Unchanged
        }
    }

    /// resetPollExceptions.
    pub fn reset_exceptions(&mut self) {
        self.exceptions = 0;
    }

    /// Consecutive failures so far.
    #[cfg(test)]
    pub fn exceptions(&self) -> u32 {
        self.exceptions
    }

    /// Marks the server as offline without counting (a restore that found it down).
    pub fn set_offline(&mut self) {
        self.offline = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_drops_after_activity_and_backs_off_by_one_point_two() {
        let mut p = Poller::new(5);
        assert_eq!(p.next_delay_ms(), 3000);
        p.succeeded(true);
        assert_eq!(p.next_delay_ms(), 500);
        p.succeeded(false);
        assert_eq!(p.next_delay_ms(), 600);
        p.succeeded(false);
        assert_eq!(p.next_delay_ms(), 720);
        for _ in 0..20 {
            p.succeeded(false);
        }
        assert_eq!(p.next_delay_ms(), 3000);
    }

    #[test]
    fn limit_failures_go_offline_once_and_first_success_comes_back() {
        let mut p = Poller::new(3);
        assert_eq!(p.failed(), Connection::Unchanged);
        assert_eq!(p.failed(), Connection::Unchanged);
        assert_eq!(p.failed(), Connection::WentOffline);
        assert_eq!(p.failed(), Connection::Unchanged);
        assert_eq!(p.succeeded(false), Connection::BackOnline);
        assert_eq!(p.succeeded(false), Connection::Unchanged);
        assert_eq!(p.exceptions(), 0);
    }

    #[test]
    fn switching_polling_reports_only_changes() {
        let mut p = Poller::new(5);
        assert!(p.set_enabled(true));
        assert!(!p.set_enabled(true));
        assert!(p.set_enabled(false));
        assert!(!p.set_enabled(false));
    }

    #[test]
    fn a_success_in_between_resets_the_count() {
        let mut p = Poller::new(2);
        p.failed();
        p.succeeded(false);
        assert_eq!(p.failed(), Connection::Unchanged);
        p.reset_exceptions();
        assert_eq!(p.failed(), Connection::Unchanged);
        assert_eq!(p.failed(), Connection::WentOffline);
    }
}
