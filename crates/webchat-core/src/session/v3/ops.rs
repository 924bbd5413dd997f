//! Operations begun by the machine, turned into v3 calls.

use super::wire::Call;
use super::{InFlight, PAGE, REPLAY_COUNT, Step, V3Session};
use crate::drive::CommandId;
use crate::json;
use crate::session::{Op, OpId, OpOutcome};
use crate::texts;

impl V3Session {
    pub(super) fn begin_op(&mut self, op: OpId, what: Op, now: u64) {
        let failed = |text: &str| OpOutcome::Failed(json!(text));
        let some = Some(op);
        match what {
            Op::Start { form, user_data } => {
                self.forget();
                self.call(Call::Start { form, user_data }, some, Step::Start, now);
            }
            // The Chat Service JS API's per-key user-data reads and deletes are GMS calls.
            Op::CustomNotice { .. } | Op::UserData(_) => {
                self.out.finish(op, failed(texts::UNSUPPORTED_BY_TRANSPORT));
            }
            Op::FetchHistory if !self.async_mode => {
                self.out.finish(op, failed(texts::HISTORY_ASYNC_ONLY));
            }
            _ if self.keys.is_none() => self.out.finish(op, failed(texts::NO_ACTIVE_SESSION)),
            Op::Restore => self.call(Call::Resume, some, Step::Resume, now),
            Op::Send { text } => self.post("Text", text, op, now),
            Op::StartTyping { text } => self.post("TypingStarted", text, op, now),
            Op::StopTyping { text } => self.post("TypingStopped", text, op, now),
            Op::End => {
                self.ending = true;
                self.poll_at = None;
                self.call(Call::Leave, some, Step::End, now);
            }
            Op::UpdateData { user_data } => {
                self.call(Call::UserData { user_data }, some, Step::Answer, now);
            }
            Op::Poll => self.poll_now(some, now),
            Op::SendFiles { files, .. } if files.is_empty() => {
                self.out.finish(op, failed(texts::NO_FILES));
            }
            Op::SendFiles { command, files } => self.upload(some, command, 0, files.len(), now),
            Op::Download { file_id, file_name } => {
                let request = self.request(&Call::Download { file_id }, now);
                let id = self.out.download(request, file_name);
                self.requests.push(InFlight {
                    id,
                    op: some,
                    step: Step::Download,
                });
            }
            Op::FetchHistory => self.fetch_history(op, now),
        }
    }

    fn post(&mut self, kind: &'static str, text: String, op: OpId, now: u64) {
        self.call(Call::Post { kind, text }, Some(op), Step::Answer, now);
    }

    /// Uploads file `index` of `count` of sendFile call `command`.
    pub(super) fn upload(
        &mut self,
        op: Option<OpId>,
        command: CommandId,
        index: usize,
        count: usize,
        now: u64,
    ) {
        let call = Call::Upload {
            command,
            file_index: index,
        };
        let step = Step::Upload {
            command,
            index,
            count,
        };
        self.call(call, op, step, now);
    }

    /// Asks for the [`PAGE`] indexes before the oldest one delivered.
    fn fetch_history(&mut self, op: OpId, now: u64) {
        if self.oldest <= 1 {
            let outcome = OpOutcome::Failed(json!(texts::NO_MORE_HISTORY));
            return self.out.finish(op, outcome);
        }
        let from = self.oldest.saturating_sub(PAGE).max(1);
        let call = Call::Messages {
            index: Some(from),
            count: Some(self.oldest.saturating_sub(from)),
        };
        self.call(call, Some(op), Step::History { from }, now);
    }

    /// Polls once now.
    pub(super) fn poll_now(&mut self, op: Option<OpId>, now: u64) {
        self.poller.in_flight = true;
        self.poll_at = None;
        let call = Call::Messages {
            index: Some(self.highest.saturating_add(1)),
            count: None,
        };
        self.call(call, op, Step::Poll, now);
    }

    /// The restore's second step: the whole transcript.
    pub(super) fn replay(&mut self, op: Option<OpId>, now: u64) {
        let call = Call::Messages {
            index: None,
            count: Some(REPLAY_COUNT),
        };
        self.call(call, op, Step::Replay, now);
    }

    /// Arms the next automatic poll, 3 s on.
    pub(super) fn schedule_poll(&mut self, now: u64) {
        if self.poller.enabled && self.keys.is_some() && !self.poller.in_flight && !self.ending {
            self.poll_at = Some(now.saturating_add(self.poller.next_delay_ms()));
        }
    }

    /// Turns polling on and polls right away (after start and restore).
    pub(super) fn start_polling(&mut self, now: u64) {
        self.set_polling_on(now);
        if self.poller.enabled && !self.poller.in_flight {
            self.poll_at = Some(now);
        }
    }

    fn set_polling_on(&mut self, now: u64) {
        crate::session::Session::set_polling(self, true, now);
    }
}
