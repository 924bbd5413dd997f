//! Plain descriptions of HTTP requests and answers, so the glue can `fetch` without knowing the
//! protocol.

use crate::drive::CommandId;
use crate::json;
use crate::json::{Json, Object, number_text};

/// The HTTP method of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE
    Delete,
}

impl Method {
    /// The method name as `fetch` wants it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }
}

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A text field.
    Text {
        /// Field name.
        name: String,
        /// Field value.
        value: String,
    },
    /// A file the glue holds: the `file_index`-th file of the sendFile command `command`. The glue
    /// keeps a command's files until it sees that command resolved or rejected.
    File {
        /// Field name (GMS: `file`).
        name: String,
        /// The sendFile call the file came with.
        command: CommandId,
        /// Index into the files the glue kept for that command.
        file_index: usize,
    },
}

/// A request body. The glue sets `Content-Type` from the variant.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// No body.
    Empty,
    /// `application/x-www-form-urlencoded`, fields in order; names are already bracket-encoded.
    Form(Vec<(String, String)>),
    /// `multipart/form-data`; the browser sets the boundary.
    Multipart(Vec<Part>),
    /// `application/json`; the glue prints it with `JSON.stringify`.
    Json(Json),
}

impl Body {
    /// The value of a form field, for tests and logging.
    pub fn form_field(&self, name: &str) -> Option<&str> {
        match self {
            Self::Form(fields) => fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }
}

/// A request for the glue to send.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Extra headers (not Content-Type).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Body,
    /// Abort after this many milliseconds (`ajaxTimeout`) and answer [`HttpOutcome::Timeout`].
    pub timeout_ms: u64,
    /// `credentials: 'include'` (`xhrFields.withCredentials`).
    pub with_credentials: bool,
}

/// The body of an answer: its text and, when that text is JSON, the value `JSON.parse` gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseBody {
    /// The text of the answer.
    pub text: String,
    /// The parsed text; `None` when it is not JSON (or empty).
    pub json: Option<Json>,
    /// The answer's `Retry-After` in whole seconds (an HTTP date reads as `None`), when the
    /// glue could read it (cross-origin only if the server exposes the header).
    pub retry_after_s: Option<u64>,
}

/// What happened to a request, as the glue reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum HttpOutcome {
    /// The server answered (any status).
    Response {
        /// HTTP status.
        status: u16,
        /// The answer.
        body: ResponseBody,
    },
    /// `fetch` failed (offline, CORS, DNS).
    NetworkError,
    /// `ajaxTimeout` ran out.
    Timeout,
}

/// A jQuery-like "AJAX response object", which is what customer code gets on rejections.
pub fn ajax_error(outcome: &HttpOutcome) -> Json {
    match outcome {
        HttpOutcome::Response { status, body } => {
            let mut m = Object::new();
            m.insert("readyState", json!(4));
            m.insert("status", json!(status));
            m.insert(
                "statusText",
                json!(if *status < 400 { "OK" } else { "error" }),
            );
            m.insert("responseText", json!(body.text));
            if let Some(v) = &body.json {
                m.insert("responseJSON", v.clone());
            }
            if let Some(s) = body.retry_after_s {
                // What the outbox waits for before sending again (429, 503).
                m.insert("retryAfter", json!(s));
            }
            Json::Object(m)
        }
        HttpOutcome::NetworkError => {
            json!({"readyState": 0, "status": 0, "statusText": "error", "responseText": ""})
        }
        HttpOutcome::Timeout => {
            json!({"readyState": 0, "status": 0, "statusText": "timeout", "responseText": ""})
        }
    }
}

/// Bracket-encodes `value` under `prefix` the way jQuery's `$.param` does:
/// `userData[a][b]=x`, arrays as `k[]` (or `k[i][..]` for nested objects), `null` as empty.
#[cfg(any(feature = "gms", feature = "v3"))]
pub fn bracket_encode(prefix: &str, value: &Json, out: &mut Vec<(String, String)>) {
    match value {
        Json::Object(m) => {
            for (k, v) in m {
                bracket_encode(&concat(&[prefix, "[", k, "]"]), v, out);
            }
        }
        Json::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                let index = if v.is_object() || v.is_array() {
                    i.to_string()
                } else {
                    String::new()
                };
                bracket_encode(&concat(&[prefix, "[", &index, "]"]), v, out);
            }
        }
        other => out.push((prefix.to_owned(), scalar_text(other))),
    }
}

/// Whether an id from outside (a server answer, a stored session) may go into a request URL
/// as a path segment: 1 to 128 of `A-Z a-z 0-9 - _ . ~`, and not `.` or `..` (which would walk
/// up the path). Anything else is refused before it reaches a URL.
pub fn is_url_safe_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id != "."
        && id != ".."
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// The parts joined. (`[..].concat()` does the same with a kilobyte more code in the bundle.)
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        out.push_str(part);
    }
    out
}

/// Percent-encodes a URL path segment or query value (everything but `A-Z a-z 0-9 - _ . ~`).
#[cfg(any(feature = "gms", feature = "v3"))]
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// The text JavaScript would give a scalar in a form field (`String(value)`, `null` as empty).
pub fn scalar_text(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        Json::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
        Json::Number(n) => number_text(*n),
        // Not reached from the codecs, which only print scalars.
        Json::Array(_) | Json::Object(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::testing;

    #[test]
    fn only_plain_ids_may_go_into_a_url() {
        for ok in ["c1", "0004AbC", "5f3c-9a_1.x~", "a..b"] {
            assert!(is_url_safe_id(ok), "{ok}");
        }
        let long = "x".repeat(129);
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "a/b",
            "a?b",
            "a#b",
            "a%2F",
            "é",
            " ",
            long.as_str(),
        ] {
            assert!(!is_url_safe_id(bad), "{bad}");
        }
    }

    #[test]
    #[cfg(any(feature = "gms", feature = "v3"))]
    fn nested_user_data_is_bracket_encoded_like_jquery() {
        let mut out = Vec::new();
        bracket_encode(
            "userData",
            &json!({"a": "x", "n": 2, "o": {"b": true}, "l": [1, "y"], "z": null}),
            &mut out,
        );
        let pairs: Vec<(&str, &str)> = out.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert!(pairs.contains(&("userData[a]", "x")));
        assert!(pairs.contains(&("userData[n]", "2")));
        assert!(pairs.contains(&("userData[o][b]", "true")));
        assert!(pairs.contains(&("userData[l][]", "1")));
        assert!(pairs.contains(&("userData[l][]", "y")));
        assert!(pairs.contains(&("userData[z]", "")));
    }

    #[test]
    fn ajax_error_carries_status_and_parsed_json() {
        let text = r#"{"errors":[]}"#;
        let v = ajax_error(&HttpOutcome::Response {
            status: 400,
            body: ResponseBody {
                text: text.into(),
                json: testing::parse(text),
                retry_after_s: None,
            },
        });
        assert_eq!(v["status"], 400);
        assert_eq!(v["responseJSON"], json!({"errors": []}));
        assert_eq!(ajax_error(&HttpOutcome::Timeout)["statusText"], "timeout");
    }
}
