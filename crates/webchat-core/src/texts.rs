//! Every user-visible resolution and rejection text, in one place.
//!
//! These strings are the compatibility contract with customer code written against the Genesys
//! Widgets (seed 004, seed 001 and `shared/spec/webchatservice.md`). They are copied verbatim,
//! trailing period and inner quote characters included, and each one is pinned by an exact-string
//! test below. Where the seeds disagree on a trailing period, the spec's table decides (it sides
//! with seed 001 for `sendFile` and `fetchHistory`). Texts marked *ours* have no seed wording.

/// startChat while a session is active, starting or restoring.
pub const ALREADY_ACTIVE: &str = "There is already an active chat session";
/// startChat with a `userData` that is not an object; also updateUserData with a non-object.
pub const MALFORMED_USER_DATA: &str = "malformed data object provided in userData property";
/// endChat, sendMessage, sendTyping, sendCustomNotice, sendFile without a session.
pub const NO_ACTIVE_SESSION: &str = "There is no active chat session";
/// sendMessage and sendFilteredMessage without text.
pub const NO_MESSAGE_TEXT: &str = "No message text provided";
/// sendFilteredMessage, startPoll, stopPoll and poll without a session.
pub const NO_ACTIVE_CHAT_SESSION: &str = "No active chat session";
/// sendCustomNotice on a transport without custom notices.
pub const NO_CUSTOM_NOTICE: &str = "This transport doesn't support sendCustomNotice command.";
/// addPrefilter with anything but a RegExp or an array of RegExps.
pub const INVALID_FILTERS: &str = "Missing or invalid filters provided. Please provide a regular expression or an array of regular expressions.";
/// updateUserData during a session on a transport that cannot send it.
pub const NO_UPDATE_USER_DATA: &str =
    "This transport doesn't support updating userData during an active chat session.";
/// A private command (poll) called by another plugin.
pub const PRIVATE_COMMAND: &str =
    "Access Denied to private command. Only WebChatService is allowed to invoke this command.";
/// poll while a poll request is still in flight.
pub const POLL_IN_FLIGHT: &str = "previous poll has not finished.";
/// poll on a transport without polling.
pub const NO_POLLING_PERIOD: &str = "This transport doesn't support polling.";
/// startPoll and stopPoll on a transport without polling (no period, as the seeds write it).
pub const NO_POLLING: &str = "This transport doesn't support polling";
/// resetPollExceptions on a transport without polling.
pub const NO_RESET_POLL_EXCEPTIONS: &str =
    "This transport doesn't support resetPollExceptions command.";
/// restore called by another plugin outside async mode.
pub const PRIVATE_RESTORE: &str = "Access Denied to private command. Only WebChatService is allowed to invoke this command in Non-Async mode.";
/// restore while a restore is running.
pub const ALREADY_RESTORING: &str = "Already restoring. Ignoring request.";
/// restore while a session is active.
pub const RESTORE_WHILE_ACTIVE: &str = "Chat session is already active, ignoring restore command.";
/// sendFile on a transport without uploads.
pub const NO_FILE_UPLOAD: &str = "This transport doesn't support file uploads.";
/// fetchHistory outside async mode.
pub const HISTORY_ASYNC_ONLY: &str = "Fetching history messages applies only to Asynchronous chat.";
/// fetchHistory when everything has been fetched.
pub const NO_MORE_HISTORY: &str = "No more messages to fetch.";
/// registerTypingPreviewInput without a text input or textarea.
pub const INVALID_PREVIEW_INPUT: &str = "Invalid value provided for the 'input' property. An HTML element reference to a textarea or text input is required.";
/// verifySession on a transport that cannot know.
pub const NO_VERIFY_SESSION: &str = "This transport doesn't support the verifySession command";
/// *Ours*: a second configure (the original accepts it and then misbehaves).
pub const ALREADY_CONFIGURED: &str = "WebChatService is already configured.";
/// *Ours*: sendFile with no file in `files`.
pub const NO_FILES: &str = "No file provided.";
/// *Ours*: downloadFile without a `fileId`.
pub const NO_FILE_ID: &str = "No fileId provided.";

/// Our text: a Genesys Cloud message body over the server's 4,000-character limit.
pub const CLOUD_MESSAGE_TOO_LONG: &str =
    "Message is too long: Genesys Cloud accepts at most 4000 characters.";
/// Our text: an operation this transport's session has no wire call for (only reachable when
/// validation was bypassed).
pub const UNSUPPORTED_BY_TRANSPORT: &str = "This transport doesn't support this operation.";
/// *Ours*: a command whose data is nested too deeply or is too large to take in (the glue's
/// limits), instead of exhausting the wasm stack or the page's time.
pub const DATA_REFUSED: &str = "The command data is nested too deeply or is too large";
/// *Ours*: a command issued in a following tab whose data cannot be passed to the tab that runs
/// the chat (a structured clone refused it: a function, a DOM node, ...).
pub const TAB_DATA_NOT_CLONEABLE: &str =
    "The command data cannot be passed to the tab that runs the chat";
/// *Ours*: a command a following tab passed to the leading tab, which closed before answering.
/// It may have been carried out or not; the page decides whether to issue it again.
pub const TAB_LEADER_CLOSED: &str = "The tab that ran the chat closed before this command finished";
/// *Ours*: sendFile over the server's file count (sent as error code 201).
pub const TOO_MANY_FILES: &str = "Too many files";
/// *Ours*: sendFile over the server's per-file or total size (sent as error code 202).
pub const FILE_TOO_LARGE: &str = "File size limit exceeded";
/// *Ours*: sendFile with a type the server does not allow (sent as error code 203).
pub const FILE_TYPE_NOT_ALLOWED: &str = "File type not allowed";

/// *Ours*: a queued message (see `machine/outbox.rs`) that could not be delivered within
/// `webchat.outbox.timeout`: the sendMessage call rejects with it and `messageFailed` carries it.
pub const OUTBOX_TIMED_OUT: &str =
    "Message not delivered: the chat server could not be reached within the outbox timeout";
/// *Ours*: a queued message whose chat ended (or could no longer be restored) before it could be
/// delivered.
pub const OUTBOX_CHAT_ENDED: &str =
    "Message not delivered: the chat ended before the server could be reached";

/// *Ours*: sendMessage while the outbox already holds its maximum of queued messages.
pub const OUTBOX_FULL: &str = "Message not delivered: too many messages are waiting for the server";

/// registerPreProcessor with something that is not a function; `type_name` is the JS `typeof`.
pub fn no_preprocessor(type_name: &str) -> String {
    [
        "No preprocessor function provided. Type provided was '",
        type_name,
        "'.",
    ]
    .concat()
}

// ----- The Chat Service JS API (seeds 000, 002, 003; transports.md §4) -----------------------
// `event.error.description` for each numbered code, as transports.md §4 names them.

/// Code 1 (also what every open fails with in a bundle without the API: bus-shim's
/// chat-service.js carries a copy, as those bundles have no core).
pub const API_UNKNOWN_COMMAND: &str = "unknown command";
/// Code 2.
pub const API_PARAMETER_MISSING: &str = "mandatory parameter missing";
/// Code 3.
pub const API_BAD_PARAMETER: &str = "bad parameter value";
/// Code 50.
pub const API_UNKNOWN_SESSION: &str = "unknown session";
/// Code 52.
pub const API_EXECUTION_ERROR: &str = "execution error";
/// Code 100.
pub const API_SERVER_NOT_AVAILABLE: &str = "chat server not available";
/// Code 101.
pub const API_LOGIN_FAILED: &str = "login failed";
/// Code 150.
pub const API_NETWORK_INTERRUPTED: &str = "network connection interrupted";
/// `SessionEnded` reason 1.
pub const API_ENDED_BY_LEAVE: &str = "by leave request";
/// `SessionEnded` reason 2.
pub const API_ENDED_BY_AGENT: &str = "by an agent";
/// `SessionEnded` reason 3.
pub const API_ENDED_BY_ERROR: &str = "by error";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_texts_are_verbatim() {
        assert_eq!(ALREADY_ACTIVE, "There is already an active chat session");
        assert_eq!(
            MALFORMED_USER_DATA,
            "malformed data object provided in userData property"
        );
        assert_eq!(NO_ACTIVE_SESSION, "There is no active chat session");
        assert_eq!(NO_MESSAGE_TEXT, "No message text provided");
        assert_eq!(NO_ACTIVE_CHAT_SESSION, "No active chat session");
    }

    #[test]
    fn capability_texts_are_verbatim() {
        assert_eq!(
            NO_CUSTOM_NOTICE,
            "This transport doesn't support sendCustomNotice command."
        );
        assert_eq!(
            NO_UPDATE_USER_DATA,
            "This transport doesn't support updating userData during an active chat session."
        );
        assert_eq!(NO_POLLING_PERIOD, "This transport doesn't support polling.");
        assert_eq!(NO_POLLING, "This transport doesn't support polling");
        assert_eq!(
            NO_RESET_POLL_EXCEPTIONS,
            "This transport doesn't support resetPollExceptions command."
        );
        assert_eq!(
            NO_FILE_UPLOAD,
            "This transport doesn't support file uploads."
        );
        assert_eq!(
            NO_VERIFY_SESSION,
            "This transport doesn't support the verifySession command"
        );
    }

    #[test]
    fn filter_and_input_texts_are_verbatim() {
        assert_eq!(
            INVALID_FILTERS,
            "Missing or invalid filters provided. Please provide a regular expression or an array of regular expressions."
        );
        assert_eq!(
            INVALID_PREVIEW_INPUT,
            "Invalid value provided for the 'input' property. An HTML element reference to a textarea or text input is required."
        );
        assert_eq!(
            no_preprocessor("string"),
            "No preprocessor function provided. Type provided was 'string'."
        );
        assert_eq!(
            no_preprocessor("undefined"),
            "No preprocessor function provided. Type provided was 'undefined'."
        );
    }

    #[test]
    fn private_and_restore_texts_are_verbatim() {
        assert_eq!(
            PRIVATE_COMMAND,
            "Access Denied to private command. Only WebChatService is allowed to invoke this command."
        );
        assert_eq!(POLL_IN_FLIGHT, "previous poll has not finished.");
        assert_eq!(
            PRIVATE_RESTORE,
            "Access Denied to private command. Only WebChatService is allowed to invoke this command in Non-Async mode."
        );
        assert_eq!(ALREADY_RESTORING, "Already restoring. Ignoring request.");
        assert_eq!(
            RESTORE_WHILE_ACTIVE,
            "Chat session is already active, ignoring restore command."
        );
    }

    #[test]
    fn history_texts_are_verbatim() {
        assert_eq!(
            HISTORY_ASYNC_ONLY,
            "Fetching history messages applies only to Asynchronous chat."
        );
        assert_eq!(NO_MORE_HISTORY, "No more messages to fetch.");
    }

    #[test]
    fn our_own_texts_are_stable() {
        assert_eq!(ALREADY_CONFIGURED, "WebChatService is already configured.");
        assert_eq!(NO_FILES, "No file provided.");
        assert_eq!(NO_FILE_ID, "No fileId provided.");
        assert_eq!(
            CLOUD_MESSAGE_TOO_LONG,
            "Message is too long: Genesys Cloud accepts at most 4000 characters."
        );
        assert_eq!(
            UNSUPPORTED_BY_TRANSPORT,
            "This transport doesn't support this operation."
        );
        assert_eq!(
            DATA_REFUSED,
            "The command data is nested too deeply or is too large"
        );
    }

    #[test]
    fn outbox_failure_texts_are_stable() {
        assert_eq!(
            OUTBOX_TIMED_OUT,
            "Message not delivered: the chat server could not be reached within the outbox timeout"
        );
        assert_eq!(
            OUTBOX_CHAT_ENDED,
            "Message not delivered: the chat ended before the server could be reached"
        );
        assert_eq!(
            OUTBOX_FULL,
            "Message not delivered: too many messages are waiting for the server"
        );
    }

    #[test]
    fn chat_service_api_error_descriptions_are_the_specs() {
        let codes = [
            (API_UNKNOWN_COMMAND, "unknown command"),
            (API_PARAMETER_MISSING, "mandatory parameter missing"),
            (API_BAD_PARAMETER, "bad parameter value"),
            (API_UNKNOWN_SESSION, "unknown session"),
            (API_EXECUTION_ERROR, "execution error"),
            (API_SERVER_NOT_AVAILABLE, "chat server not available"),
            (API_LOGIN_FAILED, "login failed"),
            (API_NETWORK_INTERRUPTED, "network connection interrupted"),
            (API_ENDED_BY_LEAVE, "by leave request"),
            (API_ENDED_BY_AGENT, "by an agent"),
            (API_ENDED_BY_ERROR, "by error"),
        ];
        for (ours, spec) in codes {
            assert_eq!(ours, spec);
        }
    }

    #[test]
    fn tab_texts_are_verbatim() {
        assert_eq!(
            TAB_DATA_NOT_CLONEABLE,
            "The command data cannot be passed to the tab that runs the chat"
        );
        assert_eq!(
            TAB_LEADER_CLOSED,
            "The tab that ran the chat closed before this command finished"
        );
    }
}
