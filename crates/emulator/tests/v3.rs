//! Engage v3 over real HTTP: start with a plain-base64 clientToken, poll, history, send, typing,
//! user data, images, end, key checks and resuming by token.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{AgentApi, V3, V3_API_KEY, no_auto_agent, start};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

fn texts(body: &Value) -> Vec<String> {
    body["data"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{}:{}",
                m["type"].as_str().unwrap(),
                m["text"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test]
async fn a_full_chat_polls_greeting_and_echo_then_ends() {
    let server = start(|_| {}).await;
    let chat = V3::start(&server, "Pat").await;
    common::eventually(|| async {
        texts(&chat.poll("").await)
            .iter()
            .any(|t| t.starts_with("Text:Hello"))
            .then_some(())
    })
    .await;
    assert_eq!(chat.send("Text", "hi v3").await.0, 200);
    let body = common::eventually(|| async {
        let body = chat.poll("").await;
        texts(&body)
            .contains(&"Text:You said: hi v3".to_owned())
            .then_some(body)
    })
    .await;
    let first = &body["data"]["messages"][0];
    assert_eq!(first["index"], "1");
    assert_eq!(first["type"], "ParticipantJoined");
    assert_eq!(first["from"]["type"], "Customer");
    assert!(first["utcTime"].is_u64());
    let response = chat
        .request(Method::DELETE, "/participants/1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(chat.poll("").await["data"]["chatEnded"], true);
}

#[tokio::test]
async fn the_client_token_payload_carries_session_transport_and_participant() {
    let server = start(no_auto_agent).await;
    let chat = V3::start(&server, "Pat").await;
    let payload = chat.token.split('.').nth(1).unwrap();
    assert!(!payload.contains(['-', '_']));
    let session = AgentApi::new(&server).session(&chat.sid).await;
    assert_eq!(session["protocol"], "v3");
    assert_eq!(session["userData"]["account"], "42");
    assert_eq!(session["email"], "first@example.com");
    assert_eq!(session["customer"], "Pat");
}

#[tokio::test]
async fn poll_by_index_and_history_by_count_return_slices() {
    let server = start(no_auto_agent).await;
    let chat = V3::start(&server, "Pat").await;
    for text in ["a", "b", "c"] {
        chat.send("Text", text).await;
    }
    assert_eq!(texts(&chat.poll("&index=3").await), ["Text:b", "Text:c"]);
    assert_eq!(texts(&chat.poll("&index=2&count=1").await), ["Text:a"]);
    assert_eq!(
        chat.poll("&count=10000").await["data"]["messages"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[tokio::test]
async fn typing_and_user_data_reach_the_agent_side() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = V3::start(&server, "Pat").await;
    assert_eq!(chat.send("TypingStarted", "").await.0, 200);
    assert_eq!(api.session(&chat.sid).await["customerTyping"], true);
    assert_eq!(chat.send("TypingStopped", "").await.0, 200);
    let response = chat
        .request(Method::PUT, "/userdata")
        .form(&[("data[userData][plan]", "gold"), ("operationId", "op")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let session = api.session(&chat.sid).await;
    assert_eq!(session["customerTyping"], false);
    assert_eq!(session["userData"]["plan"], "gold");
    let (status, body) = chat.send("Dance", "").await;
    assert_eq!(status, 400);
    assert_eq!(body["status"]["code"], "INVALID_PARAMETER");
}

#[tokio::test]
async fn images_upload_within_limits_and_are_refused_beyond_them() {
    let server = start(no_auto_agent).await;
    let chat = V3::start(&server, "Pat").await;
    let upload = |name: &str, bytes: Vec<u8>| {
        let form = Form::new().part(
            "file",
            Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str("image/png")
                .unwrap(),
        );
        chat.request(Method::POST, "/images").multipart(form).send()
    };
    let ok = upload("a.png", vec![1, 2, 3]).await.unwrap();
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    let url = body["data"]["url"].as_str().unwrap();
    let bytes = chat
        .http
        .get(format!("{}{url}", server.url()))
        .header("x-api-key", V3_API_KEY)
        .header("x-nexus-client-key", &chat.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], [1, 2, 3]);
    let wrong_type = upload("a.exe", vec![1]).await.unwrap();
    assert_eq!(wrong_type.status(), 400);
    assert_eq!(
        wrong_type.json::<Value>().await.unwrap()["status"]["code"],
        "INVALID_FILE_TYPE"
    );
    let too_big = upload("big.png", vec![0; 3 * 1024 * 1024]).await.unwrap();
    assert_eq!(
        too_big.json::<Value>().await.unwrap()["status"]["code"],
        "LIMIT_FILE_SIZE"
    );
    upload("b.png", vec![1]).await.unwrap();
    upload("c.png", vec![1]).await.unwrap();
    let fourth = upload("d.png", vec![1]).await.unwrap();
    assert_eq!(
        fourth.json::<Value>().await.unwrap()["status"]["code"],
        "LIMIT_FILE_COUNT"
    );
}

#[tokio::test]
async fn missing_keys_wrong_tokens_and_unknown_sessions_get_v3_errors() {
    let server = start(no_auto_agent).await;
    let chat = V3::start(&server, "Pat").await;
    let other = V3::start(&server, "Other").await;
    let no_api_key = chat
        .http
        .post(&chat.base)
        .form(&[("data[nickname]", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(no_api_key.status(), 401);
    assert_eq!(
        no_api_key.json::<Value>().await.unwrap(),
        json!({"status": {"code": "AUTHENTICATION_REQUIRED", "message": "missing or invalid credentials"}})
    );
    let url = format!("{}/{}/messages?operationId=op", chat.base, chat.sid);
    let no_token = chat
        .http
        .get(&url)
        .header("x-api-key", V3_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), 401);
    let wrong_token = chat
        .http
        .get(&url)
        .header("x-api-key", V3_API_KEY)
        .header("x-nexus-client-key", &other.token)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_token.status(), 401);
    let unknown = chat
        .http
        .get(format!("{}/nosuch/messages", chat.base))
        .header("x-api-key", V3_API_KEY)
        .header("x-nexus-client-key", &chat.token)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.json::<Value>().await.unwrap()["status"]["code"],
        "INVALID_SESSION"
    );
}

#[tokio::test]
async fn starting_with_a_live_token_resumes_and_a_lost_one_is_a_404() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = V3::start(&server, "Pat").await;
    let resume = |token: String| {
        chat.http
            .post(&chat.base)
            .header("x-api-key", V3_API_KEY)
            .header("x-nexus-client-key", token)
            .send()
    };
    let resumed = resume(chat.token.clone()).await.unwrap();
    assert_eq!(resumed.status(), 200);
    assert_eq!(
        resumed.json::<Value>().await.unwrap()["data"]["clientToken"],
        chat.token.as_str()
    );
    api.post(
        &format!("/sessions/{}/end", chat.sid),
        json!({"reason": "lost"}),
    )
    .await;
    let lost = resume(chat.token.clone()).await.unwrap();
    assert_eq!(lost.status(), 404);
    assert_eq!(
        lost.json::<Value>().await.unwrap()["status"]["code"],
        "INVALID_SESSION"
    );
    let garbage = resume("not.a.token".into()).await.unwrap();
    assert_eq!(garbage.status(), 404);
}

#[tokio::test]
async fn a_message_post_without_a_type_or_with_an_unreadable_form_is_a_protocol_error() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = V3::start(&server, "Pat").await;
    let post = |body: reqwest::Body, content_type: &str| {
        chat.request(Method::POST, "/messages")
            .header("content-type", content_type.to_owned())
            .body(body)
            .send()
    };
    let cases: [(reqwest::Body, &str); 4] = [
        (
            "data[text]=hi&operationId=op".into(),
            "application/x-www-form-urlencoded",
        ),
        ("".into(), "application/x-www-form-urlencoded"),
        (
            r#"{"data":{"type":"Text","text":"hi"}}"#.into(),
            "application/json",
        ),
        (
            vec![b'd', b'=', 0xff, 0xfe].into(),
            "application/x-www-form-urlencoded",
        ),
    ];
    for (body, content_type) in cases {
        let response = post(body, content_type).await.unwrap();
        assert_eq!(response.status(), 400, "{content_type}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"]["code"], "INVALID_PARAMETER");
    }
    let session = api.session(&chat.sid).await;
    let transcript = json!(session["transcript"]);
    assert!(
        !transcript.to_string().contains("\"hi\""),
        "nothing was posted: {transcript}"
    );
    assert_eq!(chat.send("Text", "hi").await.0, 200);
}
