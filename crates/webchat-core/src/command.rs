//! Commands as the core receives them. Plain-object payloads arrive as [`Json`]; where
//! the JS value is a DOM element, RegExp, File or function, the glue inspects it and passes one of
//! the small enums below instead.

use crate::json::Json;

use crate::filter::Pattern;

/// Facts about the page the glue reads for startChat (the `_genesys_*` userData keys).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageInfo {
    /// `GCTI_LanguageCode`, from `_genesys.widgets.main.lang` (default "en").
    pub language: String,
    /// `location.href`.
    pub url: String,
    /// `document.title`.
    pub title: String,
    /// `document.referrer`.
    pub referrer: String,
    /// Browser name and version.
    pub browser: String,
    /// Operating system.
    pub os: String,
    /// Our widgets version string.
    pub widgets_version: String,
}

/// What the glue knows at configure time besides `_genesys.widgets.webchat`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Environment {
    /// `_genesys.widgets.main.header` pairs, attached when `enableCustomHeader` is set.
    pub custom_headers: Vec<(String, String)>,
    /// What is stored under [`crate::STORAGE_KEY`], as `JSON.parse` read it: `None` when nothing
    /// (or only whitespace) is stored, [`Json::Null`] when the text is not JSON.
    pub stored_session: Option<Json>,
    /// Engage v3 async mode: what is stored under [`crate::OUTBOX_KEY`] (the outbox kept apart
    /// from the site-held session data), read like `stored_session`.
    pub stored_outbox: Option<Json>,
}

/// addPrefilter's `filters`, as the glue found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FiltersArg {
    /// One RegExp.
    One(Pattern),
    /// An array whose every element is a RegExp.
    Many(Vec<Pattern>),
    /// Missing, or anything else (including an array with a non-RegExp).
    Invalid,
}

/// registerTypingPreviewInput's `input`, as the glue found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreviewInput {
    /// A `<textarea>` or a text-like `<input>` (a jQuery wrapper unwrapped by the glue).
    TextField,
    /// Missing or anything else.
    Invalid,
}

/// registerPreProcessor's `preprocessor`, as the glue found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreprocessorArg {
    /// A function; the glue keeps it.
    Function,
    /// Not a function; `type_name` is its JS `typeof`.
    NotFunction {
        /// `typeof value`.
        type_name: String,
    },
}

/// One file of a sendFile command; the glue keeps the `File` objects in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// `File.name`.
    pub name: String,
    /// `File.size` in bytes.
    pub size: u64,
    /// `File.type`.
    pub mime: String,
}

/// The 24 commands.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Internal configure with `_genesys.widgets.webchat`.
    Configure {
        /// The webchat config object.
        webchat: Json,
        /// Page-level facts.
        env: Environment,
    },
    /// `{nickname, firstname, lastname, email, subject, userData}` flat or under `form`.
    StartChat {
        /// The command data.
        data: Json,
        /// Page facts for the `_genesys_*` keys.
        page: PageInfo,
    },
    /// endChat.
    EndChat,
    /// `{message}`.
    SendMessage(Json),
    /// `{message}`.
    SendCustomNotice(Json),
    /// `{message}`.
    SendTyping(Json),
    /// `{message, regex}`.
    SendFilteredMessage {
        /// `message`.
        message: Json,
        /// `regex`, when it is a RegExp.
        regex: Option<Pattern>,
    },
    /// `{filters}`.
    AddPrefilter(FiltersArg),
    /// A userData object.
    UpdateUserData(Json),
    /// Private poll.
    Poll,
    /// startPoll.
    StartPoll,
    /// stopPoll.
    StopPoll,
    /// resetPollExceptions.
    ResetPollExceptions,
    /// `{sessionData}`.
    Restore(Json),
    /// getTranscript.
    GetTranscript,
    /// getAgents.
    GetAgents,
    /// getStats.
    GetStats,
    /// `{files}`: `None` when it was not an input element, File or FileList.
    SendFile(Option<Vec<FileInfo>>),
    /// `{fileId, fileName}`.
    DownloadFile(Json),
    /// getSessionData.
    GetSessionData,
    /// fetchHistory.
    FetchHistory,
    /// `{input}`.
    RegisterTypingPreviewInput(PreviewInput),
    /// `{preprocessor}`.
    RegisterPreProcessor(PreprocessorArg),
    /// verifySession.
    VerifySession,
}

impl Command {
    /// Decodes a command whose payload is plain data, by its short name. The commands that carry
    /// JS-only values (addPrefilter, sendFilteredMessage's regex, sendFile, registerTypingPreviewInput,
    /// registerPreProcessor) and the two that need page facts (configure, startChat) return `None`:
    /// the glue builds those variants itself.
    pub fn from_plain(name: &str, data: Json) -> Option<Self> {
        Some(match name {
            "endChat" => Self::EndChat,
            "sendMessage" => Self::SendMessage(data),
            "sendCustomNotice" => Self::SendCustomNotice(data),
            "sendTyping" => Self::SendTyping(data),
            "updateUserData" => Self::UpdateUserData(data),
            "poll" => Self::Poll,
            "startPoll" => Self::StartPoll,
            "stopPoll" => Self::StopPoll,
            "resetPollExceptions" => Self::ResetPollExceptions,
            "restore" => Self::Restore(data),
            "getTranscript" => Self::GetTranscript,
            "getAgents" => Self::GetAgents,
            "getStats" => Self::GetStats,
            "downloadFile" => Self::DownloadFile(data),
            "getSessionData" => Self::GetSessionData,
            "fetchHistory" => Self::FetchHistory,
            "verifySession" => Self::VerifySession,
            _ => return None,
        })
    }
}

/// The short names of all 24 commands, for registering them on the bus.
pub const COMMAND_NAMES: [&str; 24] = [
    "configure",
    "startChat",
    "endChat",
    "sendMessage",
    "sendCustomNotice",
    "sendTyping",
    "sendFilteredMessage",
    "addPrefilter",
    "updateUserData",
    "poll",
    "startPoll",
    "stopPoll",
    "resetPollExceptions",
    "restore",
    "getTranscript",
    "getAgents",
    "getStats",
    "sendFile",
    "downloadFile",
    "getSessionData",
    "fetchHistory",
    "registerTypingPreviewInput",
    "registerPreProcessor",
    "verifySession",
];
