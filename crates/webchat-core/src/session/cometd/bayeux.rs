//! The Bayeux 1.0 client codec: the messages we send (handshake, connect, subscribe, publish,
//! disconnect), where they go (`{cometURL}/{type}` for long-polling, the `ws(s)://` form for a
//! WebSocket), and what a message from the server is. Pure and stateless.

use crate::http::{Body, HttpRequest, Method, concat};
use crate::json;
use crate::json::Json;

/// The channel of the chat service when `cometD.channel` is not set.
pub const DEFAULT_CHANNEL: &str = "/service/chatV2/customer-support";

/// How the messages travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// One `POST` per batch; a held `/meta/connect` brings the pushes.
    LongPolling,
    /// One WebSocket for everything.
    WebSocket,
}

impl Carrier {
    /// The Bayeux `connectionType`.
    pub fn connection_type(self) -> &'static str {
        match self {
            Self::LongPolling => "long-polling",
            Self::WebSocket => "websocket",
        }
    }
}

/// The server's advice, with Bayeux's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advice {
    /// How long the server may hold a connect, in ms.
    pub timeout_ms: u64,
    /// How long to wait before the next connect, in ms.
    pub interval_ms: u64,
}

impl Default for Advice {
    fn default() -> Self {
        Self {
            timeout_ms: 30_000,
            interval_ms: 0,
        }
    }
}

/// A message from the server, classified.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// `/meta/handshake` reply: the client id when successful.
    Handshake(Option<String>),
    /// `/meta/connect` reply.
    Connect(Outcome),
    /// `/meta/subscribe` or `/meta/unsubscribe` reply.
    Subscription(Outcome),
    /// The reply to one of our publishes (`id`).
    Published {
        /// The publish's id.
        id: Option<String>,
        /// How it went.
        outcome: Outcome,
    },
    /// Data on the chat channel: `id` is the publish it answers, if any.
    Data {
        /// The publish it answers.
        id: Option<String>,
        /// The envelope.
        data: Json,
    },
    /// Anything else (other channels, `/meta/disconnect`, junk).
    Other,
}

/// How a meta or publish reply went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `successful: true`.
    Ok,
    /// The server does not know our client id (`402`, or `advice.reconnect: "handshake"`).
    Rehandshake,
    /// Any other failure.
    Failed,
}

/// The messages of a transport answer: an array, or one object.
pub fn messages(body: Option<&Json>) -> Vec<Json> {
    match body {
        Some(Json::Array(items)) => items.clone(),
        Some(object @ Json::Object(_)) => vec![object.clone()],
        _ => Vec::new(),
    }
}

/// The advice a reply carries, over `current`.
pub fn advice(message: &Json, current: Advice) -> Advice {
    let Some(a) = message.get("advice") else {
        return current;
    };
    let ms = |k: &str, d: u64| a.get(k).and_then(Json::as_u64).unwrap_or(d).min(600_000);
    Advice {
        timeout_ms: ms("timeout", current.timeout_ms),
        interval_ms: ms("interval", current.interval_ms),
    }
}

/// What `message` is, for a session on `channel`.
pub fn classify(message: &Json, channel: &str) -> Incoming {
    let outcome = || {
        let ok = message.get("successful").and_then(Json::as_bool) == Some(true);
        let unknown = message
            .get("error")
            .and_then(Json::as_str)
            .is_some_and(|e| e.starts_with("402"))
            || message
                .get("advice")
                .and_then(|a| a.get("reconnect"))
                .and_then(Json::as_str)
                == Some("handshake");
        match (ok, unknown) {
            (true, _) => Outcome::Ok,
            (false, true) => Outcome::Rehandshake,
            (false, false) => Outcome::Failed,
        }
    };
    let id = message.get("id").map(crate::http::scalar_text);
    match message.get("channel").and_then(Json::as_str) {
        Some("/meta/handshake") => Incoming::Handshake(match outcome() {
            Outcome::Ok => message
                .get("clientId")
                .and_then(Json::as_str)
                .filter(|c| !c.is_empty())
                .map(String::from),
            _ => None,
        }),
        Some("/meta/connect") => Incoming::Connect(outcome()),
        Some("/meta/subscribe" | "/meta/unsubscribe") => Incoming::Subscription(outcome()),
        Some(c) if c == channel => match message.get("data") {
            Some(data @ Json::Object(_)) => Incoming::Data {
                id,
                data: data.clone(),
            },
            _ if message.get("successful").is_some() => Incoming::Published {
                id,
                outcome: outcome(),
            },
            _ => Incoming::Other,
        },
        _ => Incoming::Other,
    }
}

/// The handshake, offering `carrier` first.
pub fn handshake(id: &str, carrier: Carrier) -> Json {
    let types = match carrier {
        Carrier::WebSocket => json!(["websocket", "long-polling"]),
        Carrier::LongPolling => json!(["long-polling"]),
    };
    json!({"channel": "/meta/handshake", "version": "1.0", "minimumVersion": "1.0",
           "supportedConnectionTypes": types, "advice": {"timeout": 60000, "interval": 0},
           "id": id})
}

/// A connect for `client_id`.
pub fn connect(id: &str, client_id: &str, carrier: Carrier) -> Json {
    json!({"channel": "/meta/connect", "clientId": client_id,
           "connectionType": carrier.connection_type(), "id": id})
}

/// A subscription to `channel`.
pub fn subscribe(id: &str, client_id: &str, channel: &str) -> Json {
    json!({"channel": "/meta/subscribe", "clientId": client_id, "subscription": channel, "id": id})
}

/// A publish of `data` on `channel`.
pub fn publish(id: &str, client_id: &str, channel: &str, data: Json) -> Json {
    json!({"channel": channel, "clientId": client_id, "data": data, "id": id})
}

/// A disconnect for `client_id`.
pub fn disconnect(id: &str, client_id: &str) -> Json {
    json!({"channel": "/meta/disconnect", "clientId": client_id, "id": id})
}

/// The long-polling request for a batch: `{cometURL}/{type}` for a batch that starts with a meta
/// message (`/meta/connect` → `/connect`), `{cometURL}` for publishes.
pub fn request(comet_url: &str, batch: Vec<Json>, timeout_ms: u64) -> HttpRequest {
    let kind = batch
        .first()
        .and_then(|m| m.get("channel"))
        .and_then(Json::as_str)
        .and_then(|c| c.strip_prefix("/meta"))
        .unwrap_or("");
    HttpRequest {
        method: Method::Post,
        url: concat(&[comet_url, kind]),
        headers: Vec::new(),
        body: Body::Json(Json::Array(batch)),
        timeout_ms,
        with_credentials: false,
    }
}

/// The WebSocket URL of `comet_url`: `http` becomes `ws`, `https` becomes `wss`.
pub fn socket_url(comet_url: &str) -> String {
    if let Some(rest) = comet_url.strip_prefix("https://") {
        concat(&["wss://", rest])
    } else if let Some(rest) = comet_url.strip_prefix("http://") {
        concat(&["ws://", rest])
    } else {
        comet_url.to_owned()
    }
}
