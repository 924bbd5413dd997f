//! Shared helpers for the integration tests: an in-process server on 127.0.0.1 port 0 and small
//! protocol clients. Every request goes to loopback only.
#![allow(
    dead_code,
    missing_docs,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::field_reassign_with_default
)]

use std::time::Duration;

use emulator::{Config, RunningServer, Server};
use serde_json::{Value, json};

/// Starts a server with fast auto-agent timings, after letting `adjust` change the config.
pub async fn start(adjust: impl FnOnce(&mut Config)) -> RunningServer {
    let mut config = Config::default();
    config.port = 0;
    config.mounts = Vec::new();
    config.auto_agent.join_delay_ms = 20;
    config.auto_agent.reply_delay_ms = 10;
    adjust(&mut config);
    Server::start(config).await.expect("server starts")
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

/// Polls `check` every 20 ms until it returns `Some`, for at most 5 s.
pub async fn eventually<T, F, Fut>(mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..250 {
        if let Some(value) = check().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("condition not met within 5 s");
}

/// A GMS customer session.
pub struct Gms {
    pub http: reqwest::Client,
    pub base: String,
    pub chat_id: String,
    pub user_id: String,
    pub secure_key: String,
    pub alias: String,
}

impl Gms {
    pub fn data_url(server: &RunningServer) -> String {
        format!("{}/genesys/2/chat/request-chat", server.url())
    }

    /// Requests a chat the way the shipped widgets do.
    pub async fn start(server: &RunningServer, nickname: &str) -> Gms {
        let http = http();
        let base = Gms::data_url(server);
        let response = http
            .post(format!("{base}/"))
            .form(&[
                ("nickname", nickname),
                ("firstName", "First"),
                ("lastName", "Last"),
                ("emailAddress", "first@example.com"),
                ("subject", "help"),
                ("alias", ""),
                ("secureKey", ""),
                ("userId", ""),
                ("text", ""),
                ("userData[GCTI_LanguageCode]", "en"),
                ("userData[_genesys_source]", "web"),
            ])
            .send()
            .await
            .expect("request chat");
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["statusCode"], 0, "{body}");
        Gms {
            http,
            base,
            chat_id: body["chatId"].as_str().expect("chatId").to_owned(),
            user_id: body["userId"].as_str().expect("userId").to_owned(),
            secure_key: body["secureKey"].as_str().expect("secureKey").to_owned(),
            alias: body["alias"].as_str().expect("alias").to_owned(),
        }
    }

    /// POSTs an operation with the session keys plus `extra`; returns status and JSON.
    pub async fn op(&self, op: &str, extra: &[(&str, &str)]) -> (u16, Value) {
        let mut form: Vec<(&str, &str)> = vec![
            ("userId", &self.user_id),
            ("secureKey", &self.secure_key),
            ("alias", &self.alias),
        ];
        form.extend_from_slice(extra);
        let response = self
            .http
            .post(format!("{}/{}/{op}", self.base, self.chat_id))
            .form(&form)
            .send()
            .await
            .expect("gms op");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn refresh(&self, position: u64) -> Value {
        let (status, body) = self
            .op(
                "refresh",
                &[
                    ("transcriptPosition", &position.to_string()),
                    ("message", ""),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Downloads an uploaded file as the customer does.
    pub async fn download(&self, file_id: &str) -> reqwest::Response {
        self.http
            .get(format!(
                "{}/{}/file/{file_id}/download",
                self.base, self.chat_id
            ))
            .query(&[("userId", &self.user_id), ("secureKey", &self.secure_key)])
            .send()
            .await
            .expect("download")
    }

    /// Polls refresh from position 1 until a message satisfies `pred`; returns the full answer.
    pub async fn wait_for(&self, pred: impl Fn(&Value) -> bool) -> Value {
        eventually(|| async {
            let body = self.refresh(1).await;
            body["messages"]
                .as_array()?
                .iter()
                .any(&pred)
                .then_some(body)
        })
        .await
    }
}

/// A message of this type (and text, when given).
pub fn is_event(kind: &str, text: Option<&str>) -> impl Fn(&Value) -> bool {
    let kind = kind.to_owned();
    let text = text.map(str::to_owned);
    move |m: &Value| m["type"] == kind.as_str() && text.as_deref().is_none_or(|t| m["text"] == t)
}

/// The agent API, with the run's token on every request (the one place tests add it).
pub struct AgentApi {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl AgentApi {
    pub fn new(server: &RunningServer) -> AgentApi {
        AgentApi {
            http: http(),
            base: format!("{}/emulator/api", server.url()),
            token: server.api_token().to_owned(),
        }
    }

    /// A request to `path` under `/emulator/api`, carrying the token.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header(emulator::TOKEN_HEADER, &self.token)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.send().await.expect("agent API request");
        (
            response.status().as_u16(),
            response.json().await.unwrap_or(Value::Null),
        )
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(self.request(reqwest::Method::POST, path).json(&body))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(self.request(reqwest::Method::PUT, path).json(&body))
            .await
    }

    pub async fn session(&self, id: &str) -> Value {
        let (status, body) = self.get(&format!("/sessions/{id}")).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    pub async fn faults(&self, body: Value) -> Value {
        let (status, report) = self.put("/faults", body).await;
        assert_eq!(status, 200, "{report}");
        report
    }
}

pub fn no_auto_agent(config: &mut Config) {
    config.auto_agent.enabled = false;
}

pub fn types(body: &Value) -> Vec<String> {
    body["messages"]
        .as_array()
        .map(|m| {
            m.iter()
                .map(|e| e["type"].as_str().unwrap_or("?").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

pub fn empty() -> Value {
    json!({})
}

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A Genesys Cloud guest.
pub struct Cloud {
    pub http: reqwest::Client,
    pub base: String,
    pub id: String,
    pub jwt: String,
    pub member: String,
    pub stream_uri: String,
}

impl Cloud {
    pub fn base(server: &RunningServer) -> String {
        format!("{}/api/v2/webchat/guest/conversations", server.url())
    }

    /// Creates a conversation the way the shipped widgets do (names in customFields only).
    pub async fn start(server: &RunningServer, name: &str) -> Cloud {
        let http = http();
        let base = Cloud::base(server);
        let response = http
            .post(&base)
            .json(&json!({
                "organizationId": "org",
                "deploymentId": "dep",
                "routingTarget": {"targetType": "QUEUE", "targetAddress": "Support"},
                "memberInfo": {
                    "displayName": name,
                    "customFields": {"firstName": "First", "lastName": "Last", "subject": "help", "account": "42"}
                }
            }))
            .send()
            .await
            .expect("create");
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.expect("json");
        Cloud {
            http,
            base,
            id: body["id"].as_str().expect("id").to_owned(),
            jwt: body["jwt"].as_str().expect("jwt").to_owned(),
            member: body["member"]["id"].as_str().expect("member").to_owned(),
            stream_uri: body["eventStreamUri"].as_str().expect("uri").to_owned(),
        }
    }

    pub async fn connect(&self) -> Socket {
        let (socket, _) = tokio_tungstenite::connect_async(&self.stream_uri)
            .await
            .expect("websocket");
        socket
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let response = self
            .http
            .get(format!("{}/{}{path}", self.base, self.id))
            .bearer_auth(&self.jwt)
            .send()
            .await
            .expect("get");
        (
            response.status().as_u16(),
            response.json().await.unwrap_or(Value::Null),
        )
    }

    pub async fn say(&self, text: &str) -> (u16, Value) {
        let response = self
            .http
            .post(format!(
                "{}/{}/members/{}/messages",
                self.base, self.id, self.member
            ))
            .bearer_auth(&self.jwt)
            .json(&json!({"body": text}))
            .send()
            .await
            .expect("send");
        (
            response.status().as_u16(),
            response.json().await.unwrap_or(Value::Null),
        )
    }
}

/// Reads frames until one satisfies `pred` (5 s at most); returns every frame read, the match last.
pub async fn frames_until(socket: &mut Socket, pred: impl Fn(&Value) -> bool) -> Vec<Value> {
    use futures::StreamExt;
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let next = tokio::time::timeout_at(deadline, socket.next())
            .await
            .unwrap_or_else(|_| panic!("no matching frame within 5 s; saw {seen:#?}"));
        let message = next.expect("stream open").expect("frame");
        if let tokio_tungstenite::tungstenite::Message::Text(text) = message {
            let frame: Value = serde_json::from_str(&text).expect("json frame");
            let done = pred(&frame);
            seen.push(frame);
            if done {
                return seen;
            }
        }
    }
}

pub fn frame_kind(frame: &Value) -> &str {
    frame["metadata"]["type"].as_str().unwrap_or("")
}

/// An Engage v3 customer.
pub struct V3 {
    pub http: reqwest::Client,
    pub base: String,
    pub sid: String,
    pub token: String,
}

pub const V3_API_KEY: &str = "v3-key";

impl V3 {
    pub fn base(server: &RunningServer) -> String {
        format!("{}/nexus/v3/chat/sessions", server.url())
    }

    /// Starts a session the way the shipped widgets do (only `x-api-key`).
    pub async fn start(server: &RunningServer, nickname: &str) -> V3 {
        use base64::Engine;
        let http = http();
        let base = V3::base(server);
        let response = http
            .post(&base)
            .header("x-api-key", V3_API_KEY)
            .form(&[
                ("data[nickname]", nickname),
                ("data[firstName]", "First"),
                ("data[lastName]", "Last"),
                ("data[email]", "first@example.com"),
                ("data[subject]", "help"),
                ("data[endpoint]", "default"),
                ("data[userData][account]", "42"),
                (
                    "operationId",
                    "0123456789-abcde-abcde-abcde-0123456789abcdefg",
                ),
            ])
            .send()
            .await
            .expect("start");
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.expect("json");
        let token = body["data"]["clientToken"]
            .as_str()
            .expect("clientToken")
            .to_owned();
        let payload = token.split('.').nth(1).expect("payload");
        let claims: Value = serde_json::from_slice(
            &base64::engine::general_purpose::STANDARD
                .decode(payload)
                .expect("plain base64 payload"),
        )
        .expect("claims");
        V3 {
            http,
            base,
            sid: claims["sessionId"].as_str().expect("sessionId").to_owned(),
            token,
        }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}/{}{path}", self.base, self.sid))
            .header("x-api-key", V3_API_KEY)
            .header("x-nexus-client-key", &self.token)
    }

    pub async fn poll(&self, query: &str) -> Value {
        let response = self
            .request(
                reqwest::Method::GET,
                &format!("/messages?operationId=op{query}"),
            )
            .send()
            .await
            .expect("poll");
        assert_eq!(response.status(), 200);
        response.json().await.expect("json")
    }

    pub async fn send(&self, kind: &str, text: &str) -> (u16, Value) {
        let response = self
            .request(reqwest::Method::POST, "/messages")
            .form(&[
                ("data[type]", kind),
                ("data[text]", text),
                ("operationId", "op"),
            ])
            .send()
            .await
            .expect("send");
        (
            response.status().as_u16(),
            response.json().await.unwrap_or(Value::Null),
        )
    }
}
