//! Genesys Cloud guest chat wire shapes: request URLs and bodies, frame classification, message
//! body types and ISO-8601 timestamps. Pure functions; the session decides when to use them.

use crate::config::CloudConfig;
use crate::http::{Body, HttpRequest, Method, concat, scalar_text};
use crate::json;
use crate::json::{Json, Object};
use crate::message::kind;
use crate::session::StartForm;

/// The REST path of guest conversations, below `dataURL`.
pub const CONVERSATIONS: &str = "/api/v2/webchat/guest/conversations";
/// The most UTF-16 code units one message body may hold.
pub const MAX_BODY_UNITS: usize = 4000;
/// The longest the socket may stay silent (heartbeats come about every 10 s) before it counts as
/// dead; also how long an open may take.
pub const STALL_MS: u64 = 14_000;
/// The pause between attempts to reopen a dead socket.
pub const REOPEN_MS: u64 = 2_000;
/// The most history pages one walk follows, in case a server keeps answering `next`.
pub const MAX_PAGES: u32 = 1000;

/// Builds the requests of one configuration.
#[derive(Debug, Clone)]
pub struct Api {
    data_url: String,
    timeout_ms: u64,
}

impl Api {
    /// Requests against `data_url`, each given up after `timeout_ms`.
    pub fn new(data_url: &str, timeout_ms: u64) -> Self {
        Self {
            data_url: data_url.trim_end_matches('/').to_owned(),
            timeout_ms,
        }
    }

    /// A request to `url` (absolute).
    pub fn request(
        &self,
        method: Method,
        url: String,
        jwt: Option<&str>,
        body: Body,
    ) -> HttpRequest {
        let headers = match jwt {
            Some(jwt) => vec![("Authorization".to_owned(), concat(&["Bearer ", jwt]))],
            None => Vec::new(),
        };
        HttpRequest {
            method,
            url,
            headers,
            body,
            timeout_ms: self.timeout_ms,
            with_credentials: false,
        }
    }

    /// `POST /conversations`.
    pub fn create(&self, body: Json) -> HttpRequest {
        let url = concat(&[&self.data_url, CONVERSATIONS]);
        self.request(Method::Post, url, None, Body::Json(body))
    }

    /// The absolute URL of `path` below conversation `conversation`, e.g. `/members`.
    pub fn url(&self, conversation: &str, path: &[&str]) -> String {
        let mut url = concat(&[&self.data_url, CONVERSATIONS, "/", conversation]);
        for part in path {
            url.push_str(part);
        }
        url
    }

    /// The absolute URL of a host-relative `next` link.
    pub fn absolute(&self, next: &str) -> String {
        concat(&[&self.data_url, next])
    }
}

/// `memberInfo.displayName`: the nickname, else "first last", else "Customer".
pub fn display_name(form: &StartForm) -> String {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_owned();
    let nickname = given(&form.nickname);
    if !nickname.is_empty() {
        return nickname;
    }
    let full = concat(&[&given(&form.first_name), " ", &given(&form.last_name)]);
    match full.trim() {
        "" => "Customer".to_owned(),
        name => name.to_owned(),
    }
}

/// The body of `POST /conversations`.
pub fn create_body(cloud: &CloudConfig, form: &StartForm, user_data: &Object) -> Json {
    let routing = &cloud.routing;
    let mut target = Object::new();
    target.insert("targetType", json!(routing.target_type));
    target.insert("targetAddress", json!(routing.target_address));
    if !routing.skills.is_empty() {
        target.insert("skills", json!(routing.skills));
    }
    if let Some(language) = routing.language.as_ref().filter(|l| !l.is_empty()) {
        target.insert("language", json!(language));
    }
    if let Some(priority) = routing.priority {
        target.insert("priority", json!(priority));
    }
    let mut fields = Object::new();
    let form_fields = [
        ("firstName", &form.first_name),
        ("lastName", &form.last_name),
        ("email", &form.email),
        ("subject", &form.subject),
    ];
    for (name, value) in form_fields {
        if let Some(value) = value.as_ref().filter(|v| !v.is_empty()) {
            fields.insert(name, json!(value));
        }
    }
    for (key, value) in user_data {
        // customFields is a string map: nested values have no text form there.
        if !value.is_object() && !value.is_array() {
            fields.insert(key.as_str(), json!(scalar_text(value)));
        }
    }
    json!({
        "organizationId": cloud.org_guid,
        "deploymentId": cloud.deployment_key,
        "routingTarget": Json::Object(target),
        "memberInfo": {"displayName": display_name(form), "customFields": Json::Object(fields)},
    })
}

/// What a socket frame says.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A message of the conversation (its eventBody).
    Message(Json),
    /// Someone is typing (its eventBody).
    Typing(Json),
    /// A member's state changed.
    MemberChange {
        /// Member id.
        id: String,
        /// New state, e.g. `DISCONNECTED`.
        state: String,
    },
    /// A heartbeat, a pong, or anything else: it only shows the socket is alive.
    Other,
}

/// Classifies a parsed frame of conversation `conversation`.
pub fn classify(frame: &Json, conversation: &str) -> Frame {
    let topic = frame.get("topicName").and_then(Json::as_str).unwrap_or("");
    let Some(rest) = topic
        .strip_prefix("v2.conversations.chats.")
        .and_then(|rest| rest.strip_prefix(conversation))
    else {
        return Frame::Other;
    };
    let kind = frame
        .get("metadata")
        .and_then(|m| m.get("type"))
        .and_then(Json::as_str)
        .unwrap_or("");
    let messages = rest == ".messages";
    let members = rest == ".members";
    let body = frame["eventBody"].clone();
    match kind {
        "message" if messages && body.is_object() => Frame::Message(body),
        "typing-indicator" if messages && body.is_object() => Frame::Typing(body),
        "member-change" if members => {
            let member = &body["member"];
            match (member["id"].as_str(), member["state"].as_str()) {
                (Some(id), Some(state)) => Frame::MemberChange {
                    id: id.to_owned(),
                    state: state.to_owned(),
                },
                _ => Frame::Other,
            }
        }
        _ => Frame::Other,
    }
}

/// The message type of a `bodyType`.
pub fn message_kind(body_type: &str) -> &'static str {
    match body_type {
        "notice" => kind::NOTICE,
        "member-join" => kind::PARTICIPANT_JOINED,
        "member-leave" => kind::PARTICIPANT_LEFT,
        _ => kind::MESSAGE,
    }
}

/// Milliseconds since the epoch of `YYYY-MM-DDTHH:MM:SS(.fff…)?Z`; 0 when it is not one.
pub fn iso_ms(text: &str) -> u64 {
    parse_iso(text.as_bytes()).unwrap_or(0)
}

fn number(bytes: &[u8], from: usize, len: usize) -> Option<u64> {
    let digits = bytes.get(from..from.checked_add(len)?)?;
    digits.iter().try_fold(0u64, |n, &b| {
        b.is_ascii_digit()
            .then(|| n.saturating_mul(10).saturating_add(u64::from(b - b'0')))
    })
}

fn parse_iso(b: &[u8]) -> Option<u64> {
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators.iter().any(|&(at, sep)| b.get(at) != Some(&sep)) {
        return None;
    }
    let (year, month, day) = (number(b, 0, 4)?, number(b, 5, 2)?, number(b, 8, 2)?);
    let (hour, minute, second) = (number(b, 11, 2)?, number(b, 14, 2)?, number(b, 17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut at = 19;
    let mut millis = 0;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            if at < start + 3 {
                millis = millis * 10 + u64::from(b.get(at).copied().unwrap_or(b'0') - b'0');
            }
            at += 1;
        }
        if at == start {
            return None;
        }
        for _ in at.min(start + 3)..start + 3 {
            millis *= 10;
        }
    }
    if b.get(at..) != Some(b"Z".as_slice()) {
        return None;
    }
    let days = days_from_civil(year, month, day)?;
    let seconds = days
        .checked_mul(86_400)?
        .checked_add(hour * 3600 + minute * 60 + second)?;
    seconds.checked_mul(1000)?.checked_add(millis)
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`); `None` before 1970.
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    let year = if month <= 2 {
        year.checked_sub(1)?
    } else {
        year
    };
    let era = year / 400;
    let year_of_era = year - era * 400;
    let month_index = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    (era * 146_097 + day_of_era).checked_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_read_as_epoch_milliseconds() {
        assert_eq!(iso_ms("1970-01-01T00:00:00Z"), 0);
        assert_eq!(iso_ms("2015-05-28T20:31:28.000Z"), 1_432_845_088_000);
        assert_eq!(iso_ms("2015-05-28T20:31:28.5Z"), 1_432_845_088_500);
        assert_eq!(iso_ms("2015-05-28T20:31:28.123456Z"), 1_432_845_088_123);
        assert_eq!(iso_ms("2000-02-29T12:00:00Z"), 951_825_600_000);
        assert_eq!(iso_ms("2024-03-01T00:00:00.001Z"), 1_709_251_200_001);
    }

    #[test]
    fn garbage_timestamps_read_as_zero() {
        for bad in [
            "",
            "2015",
            "2015-05-28",
            "2015-05-28T20:31:28",
            "2015-05-28T20:31:28.Z",
            "2015-13-28T20:31:28Z",
            "1969-12-31T23:59:59Z",
            "2015-05-28T20:31:28+02:00",
            "2015-05-28T20:31:28.000Zx",
            "２015-05-28T20:31:28Z",
            "9999-99-99T99:99:99Z",
        ] {
            assert_eq!(iso_ms(bad), 0, "{bad:?}");
        }
    }

    #[test]
    fn display_name_prefers_the_nickname_then_the_full_name() {
        let form = |nick: Option<&str>, first: Option<&str>, last: Option<&str>| StartForm {
            nickname: nick.map(Into::into),
            first_name: first.map(Into::into),
            last_name: last.map(Into::into),
            ..StartForm::default()
        };
        assert_eq!(display_name(&form(Some("Pat"), Some("A"), None)), "Pat");
        assert_eq!(
            display_name(&form(Some(" "), Some("Ann"), Some("Lee"))),
            "Ann Lee"
        );
        assert_eq!(display_name(&form(None, None, Some("Lee"))), "Lee");
        assert_eq!(display_name(&form(None, None, None)), "Customer");
    }

    #[test]
    fn frames_of_other_conversations_are_ignored() {
        let frame = json!({"topicName": "v2.conversations.chats.other.messages",
            "eventBody": {"id": "m"}, "metadata": {"type": "message"}});
        assert_eq!(classify(&frame, "c1"), Frame::Other);
        let frame = json!({"topicName": "v2.conversations.chats.c1.messages",
            "eventBody": {"id": "m"}, "metadata": {"type": "message"}});
        assert_eq!(classify(&frame, "c1"), Frame::Message(json!({"id": "m"})));
    }
}
