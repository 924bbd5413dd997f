//! Fault injection state: failing the next N protocol requests, added latency, going offline (for
//! a while or until switched back), refusing new chats, and accepting customer sends while
//! dropping their answers, listing poll answers backwards, holding pushed agent messages to send
//! them backwards, holding every Genesys Cloud frame for a while (a slow push), and slowing or
//! holding GMS CometD chat operations over long-polling. Pure: the request layer asks
//! [`FaultState::judge`] what to do with a request.

use serde::{Deserialize, Serialize};

/// How an injected failure looks on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailKind {
    /// An HTTP 5xx answer (status from `failStatus`) with the protocol's error body.
    #[default]
    Http,
    /// GMS: HTTP 200 with `statusCode: 1` (transient). Other protocols get the HTTP 5xx instead.
    Status1,
}

/// Faults to apply, as given on the command line or to `PUT /emulator/api/faults`. Absent fields
/// leave the current value alone when updating.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultSettings {
    /// Fail this many of the next protocol requests.
    pub fail_next: Option<u32>,
    /// How they fail.
    pub fail_kind: Option<FailKind>,
    /// HTTP status for [`FailKind::Http`] (500–599; default 503).
    pub fail_status: Option<u16>,
    /// Delay added before every protocol answer, in ms.
    pub latency_ms: Option<u64>,
    /// Answer every protocol request with 503 (and drop WebSockets) for this many seconds from now;
    /// 0 comes back online.
    pub offline_seconds: Option<u64>,
    /// Refuse new chats (GMS 240, Cloud and v3 503).
    pub reject_new_chats: Option<bool>,
    /// The offline switch: `true` answers every protocol request with 503 (and drops WebSockets)
    /// until `false` (which also ends an `offlineSeconds` outage).
    pub offline: Option<bool>,
    /// Store this many of the next customer messages (GMS `send`, Cloud and Engage v3 message
    /// posts) but cut the connection instead of answering: the client never learns they arrived.
    pub drop_send_replies: Option<u32>,
    /// Reverse the messages of this many of the next poll answers that carry two or more (GMS
    /// `refresh`, Engage v3 `GET …/messages`): the order a client must not trust.
    pub reverse_polls: Option<u32>,
    /// Hold what is pushed to a customer (GMS CometD, Genesys Cloud WebSocket) until this many
    /// agent messages are pending, then push it all in reverse order, once.
    pub reverse_pushes: Option<u32>,
    /// Hold every frame the Genesys Cloud WebSocket would push for this many ms from now, then
    /// push them in order (an echo that comes late); 0 releases them.
    pub hold_pushes_ms: Option<u64>,
    /// GMS CometD over long-polling: a request that publishes a chat operation waits this many ms
    /// before the operation runs (the client's connects go on meanwhile); 0 turns it off.
    pub slow_publish_ms: Option<u64>,
    /// GMS CometD over long-polling: chat operations run at once, but the answers to their
    /// requests are held until this is switched back to `false` (pushes go on meanwhile).
    pub hold_publish_answers: Option<bool>,
}

/// The live fault state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultState {
    fail_next: u32,
    fail_kind: FailKind,
    fail_status: u16,
    latency_ms: u64,
    offline_until_ms: u64,
    offline: bool,
    reject_new_chats: bool,
    drop_send_replies: u32,
    reverse_polls: u32,
    reverse_pushes: u32,
    hold_pushes_until_ms: u64,
    slow_publish_ms: u64,
    hold_publish_answers: bool,
    held_publish_answers: u32,
}

impl Default for FaultState {
    fn default() -> Self {
        FaultState {
            fail_next: 0,
            fail_kind: FailKind::Http,
            fail_status: 503,
            latency_ms: 0,
            offline_until_ms: 0,
            offline: false,
            reject_new_chats: false,
            drop_send_replies: 0,
            reverse_polls: 0,
            reverse_pushes: 0,
            hold_pushes_until_ms: 0,
            slow_publish_ms: 0,
            hold_publish_answers: false,
            held_publish_answers: 0,
        }
    }
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Serve it normally.
    Pass,
    /// Answer with this 5xx status.
    FailHttp(u16),
    /// Answer GMS-style `statusCode: 1`.
    FailStatus1,
    /// The server is offline: 503.
    Offline,
}

/// The current state as the fault API reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultReport {
    /// Requests still to fail.
    pub fail_next: u32,
    /// How they fail.
    pub fail_kind: FailKind,
    /// HTTP status used for failures.
    pub fail_status: u16,
    /// Added latency in ms.
    pub latency_ms: u64,
    /// Remaining offline time in ms (0 when online).
    pub offline_remaining_ms: u64,
    /// Whether new chats are refused.
    pub reject_new_chats: bool,
    /// The offline switch.
    pub offline: bool,
    /// Customer sends still to store without an answer.
    pub drop_send_replies: u32,
    /// Poll answers still to reverse.
    pub reverse_polls: u32,
    /// Agent messages to hold before pushing them backwards (0 once they went).
    pub reverse_pushes: u32,
    /// Remaining time Cloud frames are held, in ms.
    pub hold_pushes_ms: u64,
    /// Added wait before a CometD chat operation runs, in ms.
    pub slow_publish_ms: u64,
    /// Whether CometD chat operations' answers are held.
    pub hold_publish_answers: bool,
    /// How many CometD chat operations ran and wait for their answer to be let go.
    pub held_publish_answers: u32,
}

/// Why a fault update was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaultError {
    /// `failStatus` outside 500–599.
    #[error("failStatus must be between 500 and 599, got {0}")]
    BadStatus(u16),
}

impl FaultState {
    /// State with `settings` applied at `now_ms`.
    pub fn from_settings(settings: &FaultSettings, now_ms: u64) -> Self {
        let mut state = FaultState::default();
        // Start-up settings come from the CLI, which validates the status itself.
        let _ = state.apply(settings, now_ms);
        state
    }

    /// Applies the present fields of `settings`. Returns whether the server just went offline (so
    /// open WebSockets should drop).
    pub fn apply(&mut self, settings: &FaultSettings, now_ms: u64) -> Result<bool, FaultError> {
        if let Some(status) = settings.fail_status {
            if !(500..=599).contains(&status) {
                return Err(FaultError::BadStatus(status));
            }
            self.fail_status = status;
        }
        if let Some(n) = settings.fail_next {
            self.fail_next = n;
        }
        if let Some(kind) = settings.fail_kind {
            self.fail_kind = kind;
        }
        if let Some(ms) = settings.latency_ms {
            self.latency_ms = ms;
        }
        if let Some(reject) = settings.reject_new_chats {
            self.reject_new_chats = reject;
        }
        if let Some(n) = settings.drop_send_replies {
            self.drop_send_replies = n;
        }
        if let Some(n) = settings.reverse_polls {
            self.reverse_polls = n;
        }
        if let Some(n) = settings.reverse_pushes {
            self.reverse_pushes = n;
        }
        if let Some(ms) = settings.hold_pushes_ms {
            self.hold_pushes_until_ms = now_ms.saturating_add(ms);
        }
        if let Some(ms) = settings.slow_publish_ms {
            self.slow_publish_ms = ms;
        }
        if let Some(hold) = settings.hold_publish_answers {
            self.hold_publish_answers = hold;
        }
        let mut went_offline = false;
        if let Some(offline) = settings.offline {
            went_offline = offline && !self.offline;
            self.offline = offline;
            if !offline {
                self.offline_until_ms = 0;
            }
        }
        if let Some(seconds) = settings.offline_seconds {
            self.offline_until_ms = if seconds == 0 {
                0
            } else {
                now_ms.saturating_add(seconds.saturating_mul(1000))
            };
            went_offline |= seconds > 0;
        }
        Ok(went_offline)
    }

    /// Decides the fate of one protocol request and consumes a pending failure if one applies.
    /// Returns the latency to add first.
    pub fn judge(&mut self, now_ms: u64) -> (u64, Verdict) {
        let verdict = if self.is_offline(now_ms) {
            Verdict::Offline
        } else if self.fail_next > 0 {
            self.fail_next -= 1;
            match self.fail_kind {
                FailKind::Http => Verdict::FailHttp(self.fail_status),
                FailKind::Status1 => Verdict::FailStatus1,
            }
        } else {
            Verdict::Pass
        };
        (self.latency_ms, verdict)
    }

    /// Whether the server is down (`offline`, or within `offlineSeconds`): nothing it is sent
    /// is answered or stored, on any carrier.
    pub fn is_offline(&self, now_ms: u64) -> bool {
        self.offline || now_ms < self.offline_until_ms
    }

    /// Whether this customer send is to be stored without an answer (consumes one).
    pub fn take_send_reply_drop(&mut self) -> bool {
        let drop = self.drop_send_replies > 0;
        self.drop_send_replies = self.drop_send_replies.saturating_sub(1);
        drop
    }

    /// Whether a send-reply drop or a poll reversal is armed (the request layer only looks at
    /// bodies then).
    pub fn drops_send_replies(&self) -> bool {
        self.drop_send_replies > 0 || self.reverse_polls > 0
    }

    /// Whether poll answers are to be reversed now (peeks; [`FaultState::take_reverse_poll`]
    /// consumes once one was).
    pub fn reverses_polls(&self) -> bool {
        self.reverse_polls > 0
    }

    /// One poll answer was reversed.
    pub fn take_reverse_poll(&mut self) {
        self.reverse_polls = self.reverse_polls.saturating_sub(1);
    }

    /// How many agent messages a push must wait for before going out backwards (0: push as
    /// usual). Peeks; [`FaultState::take_reverse_pushes`] consumes.
    pub fn reverse_pushes(&self) -> u32 {
        self.reverse_pushes
    }

    /// One held push is going out backwards: disarms the fault. Returns whether it was still armed
    /// (another customer's push may have taken it meanwhile).
    pub fn take_reverse_pushes(&mut self) -> bool {
        std::mem::take(&mut self.reverse_pushes) > 0
    }

    /// Until when Cloud frames are held (`None` when they go out as usual).
    pub fn push_hold_until(&self, now_ms: u64) -> Option<u64> {
        (now_ms < self.hold_pushes_until_ms).then_some(self.hold_pushes_until_ms)
    }

    /// How long a CometD chat operation waits before it runs (ms; 0: not at all).
    pub fn slow_publish_ms(&self) -> u64 {
        self.slow_publish_ms
    }

    /// Whether the answers of CometD chat operations are held now.
    pub fn holds_publish_answers(&self) -> bool {
        self.hold_publish_answers
    }

    /// One answer more (`true`) or less is held (for the report).
    pub fn count_held_publish_answer(&mut self, held: bool) {
        self.held_publish_answers = if held {
            self.held_publish_answers.saturating_add(1)
        } else {
            self.held_publish_answers.saturating_sub(1)
        };
    }

    /// Whether new chats are refused now.
    pub fn rejects_new_chats(&self) -> bool {
        self.reject_new_chats
    }

    /// The state for the fault API.
    pub fn report(&self, now_ms: u64) -> FaultReport {
        FaultReport {
            fail_next: self.fail_next,
            fail_kind: self.fail_kind,
            fail_status: self.fail_status,
            latency_ms: self.latency_ms,
            offline_remaining_ms: self.offline_until_ms.saturating_sub(now_ms),
            reject_new_chats: self.reject_new_chats,
            offline: self.offline,
            drop_send_replies: self.drop_send_replies,
            reverse_polls: self.reverse_polls,
            reverse_pushes: self.reverse_pushes,
            hold_pushes_ms: self.hold_pushes_until_ms.saturating_sub(now_ms),
            slow_publish_ms: self.slow_publish_ms,
            hold_publish_answers: self.hold_publish_answers,
            held_publish_answers: self.held_publish_answers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_next_fails_exactly_n_requests_then_passes() {
        let mut s = FaultState::default();
        s.apply(
            &FaultSettings {
                fail_next: Some(2),
                ..Default::default()
            },
            0,
        )
        .unwrap();
        assert_eq!(s.judge(1), (0, Verdict::FailHttp(503)));
        assert_eq!(s.judge(2), (0, Verdict::FailHttp(503)));
        assert_eq!(s.judge(3), (0, Verdict::Pass));
    }

    #[test]
    fn status1_kind_gives_transient_failures() {
        let settings = FaultSettings {
            fail_next: Some(1),
            fail_kind: Some(FailKind::Status1),
            ..Default::default()
        };
        let mut s = FaultState::from_settings(&settings, 0);
        assert_eq!(s.judge(0).1, Verdict::FailStatus1);
        assert_eq!(s.judge(0).1, Verdict::Pass);
    }

    #[test]
    fn offline_lasts_for_the_given_seconds_and_does_not_consume_failures() {
        let mut s = FaultState::default();
        let settings = FaultSettings {
            offline_seconds: Some(2),
            fail_next: Some(1),
            ..Default::default()
        };
        assert_eq!(s.apply(&settings, 1_000), Ok(true));
        assert_eq!(s.judge(2_999).1, Verdict::Offline);
        assert_eq!(s.report(2_000).offline_remaining_ms, 1_000);
        assert_eq!(s.judge(3_000).1, Verdict::FailHttp(503));
        assert_eq!(s.judge(3_001).1, Verdict::Pass);
    }

    #[test]
    fn the_offline_switch_holds_until_switched_back_and_ends_a_timed_outage_too() {
        let mut s = FaultState::default();
        let on = FaultSettings {
            offline: Some(true),
            ..Default::default()
        };
        assert_eq!(s.apply(&on, 0), Ok(true));
        assert_eq!(s.apply(&on, 0), Ok(false), "already offline");
        assert_eq!(s.judge(u64::MAX).1, Verdict::Offline);
        let timed = FaultSettings {
            offline_seconds: Some(60),
            offline: Some(false),
            ..Default::default()
        };
        s.apply(&timed, 0).unwrap();
        assert_eq!(s.judge(1).1, Verdict::Offline, "the timed outage runs");
        let off = FaultSettings {
            offline: Some(false),
            ..Default::default()
        };
        s.apply(&off, 1).unwrap();
        assert_eq!(s.judge(2).1, Verdict::Pass);
        assert!(!s.report(2).offline);
    }

    #[test]
    fn send_reply_drops_are_counted_down() {
        let mut s = FaultState::default();
        let drop2 = FaultSettings {
            drop_send_replies: Some(2),
            ..Default::default()
        };
        s.apply(&drop2, 0).unwrap();
        assert!(s.drops_send_replies());
        assert!(s.take_send_reply_drop());
        assert!(s.take_send_reply_drop());
        assert!(!s.take_send_reply_drop());
        assert_eq!(s.report(0).drop_send_replies, 0);
    }

    #[test]
    fn reversed_pushes_are_armed_for_n_messages_and_taken_once() {
        let mut s = FaultState::default();
        let settings: FaultSettings = serde_json::from_str(r#"{"reversePushes":3}"#).unwrap();
        s.apply(&settings, 0).unwrap();
        assert_eq!(s.reverse_pushes(), 3);
        assert_eq!(s.report(0).reverse_pushes, 3);
        assert!(s.take_reverse_pushes());
        assert!(!s.take_reverse_pushes(), "only once");
        assert_eq!(s.reverse_pushes(), 0);
    }

    #[test]
    fn cometd_publishes_are_slowed_or_their_answers_held_until_let_go() {
        let mut s = FaultState::default();
        let settings: FaultSettings =
            serde_json::from_str(r#"{"slowPublishMs":1500,"holdPublishAnswers":true}"#).unwrap();
        s.apply(&settings, 0).unwrap();
        assert_eq!(s.slow_publish_ms(), 1500);
        assert!(s.holds_publish_answers());
        s.count_held_publish_answer(true);
        assert_eq!(s.report(0).held_publish_answers, 1);
        let off: FaultSettings = serde_json::from_str(r#"{"holdPublishAnswers":false}"#).unwrap();
        s.apply(&off, 0).unwrap();
        s.count_held_publish_answer(false);
        let report = s.report(0);
        assert!(!report.hold_publish_answers);
        assert_eq!(
            (report.held_publish_answers, report.slow_publish_ms),
            (0, 1500)
        );
    }

    #[test]
    fn latency_is_reported_with_every_verdict() {
        let mut s = FaultState::default();
        s.apply(
            &FaultSettings {
                latency_ms: Some(250),
                ..Default::default()
            },
            0,
        )
        .unwrap();
        assert_eq!(s.judge(0), (250, Verdict::Pass));
    }

    #[test]
    fn a_non_5xx_fail_status_is_refused_and_changes_nothing() {
        let mut s = FaultState::default();
        let bad = FaultSettings {
            fail_status: Some(404),
            fail_next: Some(3),
            ..Default::default()
        };
        assert_eq!(s.apply(&bad, 0), Err(FaultError::BadStatus(404)));
        assert_eq!(s, FaultState::default());
    }

    #[test]
    fn settings_parse_from_the_documented_json() {
        let s: FaultSettings = serde_json::from_str(
            r#"{"failNext":3,"failKind":"status1","latencyMs":20,"offlineSeconds":0}"#,
        )
        .unwrap();
        assert_eq!(s.fail_next, Some(3));
        assert_eq!(s.fail_kind, Some(FailKind::Status1));
        assert!(serde_json::from_str::<FaultSettings>(r#"{"failnext":3}"#).is_err());
    }
}
