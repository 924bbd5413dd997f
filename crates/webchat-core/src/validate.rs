//! Which command rejects with which text, in which state, on which transport.
//!
//! [`validate`] is pure: it reads the phase, the capabilities, the caller and the configuration
//! outcome, and returns the exact rejection text or `Ok`. The machine runs it before acting, so
//! every documented rejection lives here and is tested here.

use crate::capabilities::Capabilities;
use crate::command::{Command, FiltersArg, PreprocessorArg, PreviewInput};
use crate::error::CoreError;
use crate::http::scalar_text;
use crate::json;
use crate::json::{Json, number_text};
use crate::texts;

/// The plugin name private commands are reserved to.
pub const SELF_NAME: &str = "WebChatService";

/// Where the session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// No session (never started, or ended).
    Idle,
    /// startChat sent, no answer yet.
    Starting,
    /// A session is running.
    Active,
    /// endChat sent, no answer yet.
    Ending,
    /// Restoring a stored session.
    Restoring,
}

/// What validation looks at.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The transport's capabilities, or why there is no transport.
    pub transport: Result<Capabilities, &'a CoreError>,
    /// The session phase.
    pub phase: Phase,
    /// The calling plugin.
    pub caller: &'a str,
    /// A poll request is in flight.
    pub poll_in_flight: bool,
}

/// Returns the rejection text for `cmd` in `ctx`, or `Ok` when it may run.
pub fn validate(cmd: &Command, ctx: &Context<'_>) -> Result<(), String> {
    let caps = || ctx.transport.map_err(ToString::to_string);
    let active = ctx.phase == Phase::Active;
    let need_session = |text: &str| if active { Ok(()) } else { Err(text.to_owned()) };
    let need = |ok: bool, text: &str| if ok { Ok(()) } else { Err(text.to_owned()) };
    match cmd {
        Command::Configure { .. }
        | Command::GetTranscript
        | Command::GetAgents
        | Command::GetStats
        | Command::GetSessionData => Ok(()),
        Command::StartChat { data, .. } => {
            caps()?;
            need(ctx.phase == Phase::Idle, texts::ALREADY_ACTIVE)?;
            let user_data = data
                .get("userData")
                .or_else(|| data.get("form").and_then(|f| f.get("userData")));
            need(
                matches!(user_data, None | Some(Json::Null | Json::Object(_))),
                texts::MALFORMED_USER_DATA,
            )
        }
        Command::EndChat => {
            caps()?;
            need_session(texts::NO_ACTIVE_SESSION)
        }
        Command::SendMessage(data) => {
            caps()?;
            need(message_text(data).is_some(), texts::NO_MESSAGE_TEXT)?;
            need_session(texts::NO_ACTIVE_SESSION)
        }
        Command::SendCustomNotice(_) => {
            need(caps()?.custom_notice, texts::NO_CUSTOM_NOTICE)?;
            need_session(texts::NO_ACTIVE_SESSION)
        }
        Command::SendTyping(_) => {
            caps()?;
            need_session(texts::NO_ACTIVE_SESSION)
        }
        Command::SendFilteredMessage { message, .. } => {
            caps()?;
            need_session(texts::NO_ACTIVE_CHAT_SESSION)?;
            need(
                message_text(&json!({ "message": message })).is_some(),
                texts::NO_MESSAGE_TEXT,
            )
        }
        Command::AddPrefilter(f) => need(
            match f {
                FiltersArg::One(_) => true,
                FiltersArg::Many(v) => !v.is_empty(),
                FiltersArg::Invalid => false,
            },
            texts::INVALID_FILTERS,
        ),
        Command::UpdateUserData(data) => {
            need(data.is_object(), texts::MALFORMED_USER_DATA)?;
            if active {
                need(
                    caps()?.update_user_data_in_session,
                    texts::NO_UPDATE_USER_DATA,
                )?;
            }
            Ok(())
        }
        Command::Poll => {
            need(ctx.caller == SELF_NAME, texts::PRIVATE_COMMAND)?;
            need(caps()?.polling, texts::NO_POLLING_PERIOD)?;
            need_session(texts::NO_ACTIVE_CHAT_SESSION)?;
            need(!ctx.poll_in_flight, texts::POLL_IN_FLIGHT)
        }
        Command::StartPoll | Command::StopPoll => {
            need(caps()?.polling, texts::NO_POLLING)?;
            need_session(texts::NO_ACTIVE_CHAT_SESSION)
        }
        Command::ResetPollExceptions => need(caps()?.polling, texts::NO_RESET_POLL_EXCEPTIONS),
        Command::Restore(_) => {
            let async_mode = ctx.transport.is_ok_and(|c| c.async_mode);
            need(
                ctx.caller == SELF_NAME || async_mode,
                texts::PRIVATE_RESTORE,
            )?;
            caps()?;
            need(ctx.phase != Phase::Restoring, texts::ALREADY_RESTORING)?;
            need(ctx.phase == Phase::Idle, texts::RESTORE_WHILE_ACTIVE)
        }
        Command::SendFile(files) => {
            need(caps()?.file_upload, texts::NO_FILE_UPLOAD)?;
            need_session(texts::NO_ACTIVE_SESSION)?;
            need(
                files.as_ref().is_some_and(|f| !f.is_empty()),
                texts::NO_FILES,
            )
        }
        Command::DownloadFile(data) => {
            caps()?;
            need_session(texts::NO_ACTIVE_SESSION)?;
            need(file_id(data).is_some(), texts::NO_FILE_ID)
        }
        Command::FetchHistory => {
            need(caps()?.async_mode, texts::HISTORY_ASYNC_ONLY)?;
            need_session(texts::NO_MORE_HISTORY)
        }
        Command::RegisterTypingPreviewInput(input) => need(
            *input == PreviewInput::TextField,
            texts::INVALID_PREVIEW_INPUT,
        ),
        Command::RegisterPreProcessor(PreprocessorArg::Function) => Ok(()),
        Command::RegisterPreProcessor(PreprocessorArg::NotFunction { type_name }) => {
            Err(texts::no_preprocessor(type_name))
        }
        Command::VerifySession => need(caps()?.verify_session, texts::NO_VERIFY_SESSION),
    }
}

/// The `message` of a send command as text: a non-empty string, or a number/boolean as JS would
/// print it. `None` when missing or empty.
pub fn message_text(data: &Json) -> Option<String> {
    let m = data.get("message")?;
    let text = match m {
        Json::String(_) | Json::Number(_) | Json::Bool(_) => scalar_text(m),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// downloadFile's `fileId` as text.
pub fn file_id(data: &Json) -> Option<String> {
    match data.get("fileId")? {
        Json::String(s) if !s.is_empty() => Some(s.clone()),
        Json::Number(n) => Some(number_text(*n)),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
