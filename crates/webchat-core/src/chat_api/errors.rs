//! The numbered errors of the Chat Service JS API (`{error: {code, description}}`, seed 002's
//! "fail" callbacks and `onError`), and how a WebChatService rejection becomes one.

use crate::json;
use crate::json::Json;
use crate::texts;

/// An error code of transports.md §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// 1: unknown command.
    UnknownCommand,
    /// 2: mandatory parameter missing.
    ParameterMissing,
    /// 3: bad parameter value.
    BadParameter,
    /// 50: unknown session.
    UnknownSession,
    /// 52: execution error.
    ExecutionError,
    /// 100: chat server not available.
    ServerNotAvailable,
    /// 101: login failed.
    LoginFailed,
    /// 150: network connection interrupted.
    NetworkInterrupted,
}

impl ErrorCode {
    /// The number.
    pub fn code(self) -> u16 {
        match self {
            Self::UnknownCommand => 1,
            Self::ParameterMissing => 2,
            Self::BadParameter => 3,
            Self::UnknownSession => 50,
            Self::ExecutionError => 52,
            Self::ServerNotAvailable => 100,
            Self::LoginFailed => 101,
            Self::NetworkInterrupted => 150,
        }
    }

    /// The description (English).
    pub fn description(self) -> &'static str {
        match self {
            Self::UnknownCommand => texts::API_UNKNOWN_COMMAND,
            Self::ParameterMissing => texts::API_PARAMETER_MISSING,
            Self::BadParameter => texts::API_BAD_PARAMETER,
            Self::UnknownSession => texts::API_UNKNOWN_SESSION,
            Self::ExecutionError => texts::API_EXECUTION_ERROR,
            Self::ServerNotAvailable => texts::API_SERVER_NOT_AVAILABLE,
            Self::LoginFailed => texts::API_LOGIN_FAILED,
            Self::NetworkInterrupted => texts::API_NETWORK_INTERRUPTED,
        }
    }
}

/// One error: its code and, where it helps, what it is about (a parameter name, the server's
/// own text). `details` never holds a session key (see `ChatApi`'s redaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Which error.
    pub code: ErrorCode,
    /// What it is about; empty when nothing more is known.
    pub details: String,
}

impl ApiError {
    /// An error about `details`.
    pub fn new(code: ErrorCode, details: impl Into<String>) -> Self {
        Self {
            code,
            details: details.into(),
        }
    }

    /// `{error: {code, description, details?}}`, what fail callbacks and `onError` receive.
    pub fn event(&self) -> Json {
        let mut error = json!({"code": self.code.code(), "description": self.code.description()});
        if let Json::Object(m) = &mut error
            && !self.details.is_empty()
        {
            m.insert("details", json!(self.details));
        }
        json!({ "error": error })
    }
}

/// What a WebChatService operation was, for reading its rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Starting a chat: a refusal by the server is a failed login (101).
    Start,
    /// A session command: a refusal is an execution error (52), an unknown chat 50.
    Command,
}

/// The error a WebChatService rejection stands for: its texts ("There is no active chat
/// session") are 50 or 52; a server that could not be reached (no answer, 5xx, GMS statusCode 1)
/// is 100; a refusal 101 at start, else 52, or 50 when the server no longer knows the chat (GMS
/// error 241 or `chatEnded`).
pub fn from_rejection(reply: &Json, attempt: Attempt) -> ApiError {
    if let Some(text) = reply.as_str() {
        let code = if text == texts::NO_ACTIVE_SESSION {
            ErrorCode::UnknownSession
        } else {
            ErrorCode::ExecutionError
        };
        return ApiError::new(code, text);
    }
    let status = reply.get("status").and_then(Json::as_u64).unwrap_or(0);
    let body = reply.get("responseJSON");
    let status_code = body
        .and_then(|b| b.get("statusCode"))
        .and_then(Json::as_u64);
    let first = body
        .and_then(|b| b.get("errors"))
        .and_then(Json::as_array)
        .and_then(|e| e.first());
    let server_code = first.and_then(|e| e.get("code")).and_then(Json::as_u64);
    let server_text = first
        .and_then(|e| e.get("message"))
        .and_then(Json::as_str)
        .unwrap_or_default();
    let ended = body
        .and_then(|b| b.get("chatEnded"))
        .and_then(Json::as_bool)
        .unwrap_or(false);
    let unreachable = status == 0 || status >= 500 || status_code == Some(1);
    let code = if reply.is_null() {
        ErrorCode::ExecutionError
    } else if unreachable {
        ErrorCode::ServerNotAvailable
    } else if attempt == Attempt::Start {
        ErrorCode::LoginFailed
    } else if server_code == Some(241) || ended {
        ErrorCode::UnknownSession
    } else {
        ErrorCode::ExecutionError
    };
    ApiError::new(code, server_text)
}
