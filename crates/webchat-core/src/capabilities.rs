//! What each transport can do. Command validation reads these flags, never the transport type.

/// Per-transport capability flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Messages arrive by polling (poll, startPoll, stopPoll, resetPollExceptions work).
    pub polling: bool,
    /// Messages are pushed over a socket.
    pub push: bool,
    /// sendFile works.
    pub file_upload: bool,
    /// sendCustomNotice works.
    pub custom_notice: bool,
    /// updateUserData can be sent during a session.
    pub update_user_data_in_session: bool,
    /// verifySession can answer.
    pub verify_session: bool,
    /// Async mode (restore from customer-held session data, fetchHistory).
    pub async_mode: bool,
    /// [`crate::Op::Poll`] catches the transcript up on demand (a poll, CometD's
    /// `requestNotifications`, Genesys Cloud's `GET …/messages?after=`): the outbox uses it to
    /// look for a message whose answer was lost before sending it again.
    pub catch_up: bool,
}

impl Capabilities {
    /// GMS Chat API v2 over REST.
    pub const GMS_REST: Self = Self {
        polling: true,
        push: false,
        file_upload: true,
        custom_notice: true,
        update_user_data_in_session: true,
        verify_session: true,
        async_mode: false,
        catch_up: true,
    };

    /// GMS Chat API v2 over CometD: the same API, but pushed.
    pub const GMS_COMETD: Self = Self {
        polling: false,
        push: true,
        ..Self::GMS_REST
    };

    /// Genesys Cloud guest chat: no file upload, no custom notice, no poll, no userData updates;
    /// `GET …/messages?after=` catches the transcript up for the outbox.
    pub const CLOUD: Self = Self {
        polling: false,
        push: true,
        file_upload: false,
        custom_notice: false,
        update_user_data_in_session: false,
        verify_session: true,
        async_mode: false,
        catch_up: true,
    };

    /// Engage v3; async mode when `transport.async.enabled`. In async mode the session lives in
    /// customer storage, so verifySession cannot know.
    pub const fn engage_v3(async_mode: bool) -> Self {
        Self {
            polling: true,
            push: false,
            file_upload: true,
            custom_notice: false,
            update_user_data_in_session: true,
            verify_session: !async_mode,
            async_mode,
            catch_up: true,
        }
    }

    /// The `capabilities` data key: what this transport does, as page code reads it, e.g.
    /// `data('WebChatService.capabilities').fileUpload`.
    pub fn to_json(self) -> crate::json::Json {
        let mut object = crate::json::Object::new();
        for (name, on) in [
            ("polling", self.polling),
            ("push", self.push),
            ("fileUpload", self.file_upload),
            ("customNotice", self.custom_notice),
            ("updateUserData", self.update_user_data_in_session),
            ("verifySession", self.verify_session),
            ("async", self.async_mode),
        ] {
            object.insert(name, crate::json::Json::Bool(on));
        }
        crate::json::Json::Object(object)
    }
}
