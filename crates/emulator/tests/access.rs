//! Issue 11, "the emulator is open to any website": loopback only, chat protocols cross-origin
//! without credentials, the agent and fault APIs behind the per-run token that only the
//! emulator's own pages can read, uploads always served as attachments, and no input that
//! panics it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{AgentApi, Gms, http, no_auto_agent, start};
use emulator::{Config, TOKEN_HEADER};
use reqwest::multipart::{Form, Part};
use serde_json::json;

#[tokio::test]
async fn the_agent_and_fault_apis_refuse_requests_without_the_runs_token() {
    let server = start(no_auto_agent).await;
    let base = format!("{}/emulator/api", server.url());
    for (method, path) in [
        ("GET", "/sessions"),
        ("PUT", "/faults"),
        ("DELETE", "/faults"),
        ("POST", "/faults/drop-websockets"),
        ("PUT", "/auto-agent"),
    ] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let bare = http()
            .request(method.clone(), format!("{base}{path}"))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(bare.status(), 403, "{method} {path} without a token");
        let wrong = http()
            .request(method.clone(), format!("{base}{path}"))
            .header(TOKEN_HEADER, "guess")
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 403, "{method} {path} with a wrong token");
    }
    let (status, _) = AgentApi::new(&server).get("/sessions").await;
    assert_eq!(status, 200, "with the token");
    let health = http().get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(
        health.status(),
        200,
        "the health check tells nothing and stays open"
    );
}

#[tokio::test]
async fn the_token_is_given_only_to_same_origin_loopback_requests_and_never_with_cors() {
    let server = start(no_auto_agent).await;
    let url = format!("{}/emulator/api/token", server.url());
    let own: serde_json::Value = http().get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(own["token"], server.api_token());
    let cross = http()
        .get(&url)
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    assert!(cross.headers().get("access-control-allow-origin").is_none());
    let rebound = http()
        .get(&url)
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403, "a DNS-rebound Host gets nothing");
    let with_token = http()
        .get(format!("{}/emulator/api/sessions", server.url()))
        .header(TOKEN_HEADER, server.api_token())
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        with_token.status(),
        403,
        "nor does a rebound Host with the token"
    );
}

#[tokio::test]
async fn the_chat_protocols_allow_other_origins_without_credentials_unless_a_flag_says_so() {
    for credentials in [false, true] {
        let server = start(|c: &mut Config| {
            no_auto_agent(c);
            c.cors_credentials = credentials;
        })
        .await;
        let answer = http()
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/genesys/2/chat/customer-support", server.url()),
            )
            .header("origin", "https://shop.example")
            .header("access-control-request-method", "POST")
            .send()
            .await
            .unwrap();
        let headers = answer.headers();
        assert_eq!(
            headers["access-control-allow-origin"], "https://shop.example",
            "customer pages are on other origins"
        );
        assert_eq!(
            headers
                .get("access-control-allow-credentials")
                .is_some_and(|v| v == "true"),
            credentials
        );
        let api = http()
            .get(format!("{}/emulator/api/sessions", server.url()))
            .header("origin", "https://shop.example")
            .header(TOKEN_HEADER, server.api_token())
            .send()
            .await
            .unwrap();
        assert!(
            api.headers().get("access-control-allow-origin").is_none(),
            "the agent API is never readable cross-origin"
        );
    }
}

#[test]
fn listening_beyond_loopback_needs_allow_remote() {
    let args = |s: &str| Config::from_args(s.split_whitespace().map(str::to_owned));
    assert!(args("--host 0.0.0.0").is_err());
    assert!(args("--host 0.0.0.0 --allow-remote").is_ok());
    assert!(args("--host ::1").is_ok());
}

#[tokio::test]
async fn a_non_ascii_upload_name_is_still_served_as_an_attachment() {
    let server = start(|c: &mut Config| {
        no_auto_agent(c);
        c.file_limits.file_types.push("html".into());
    })
    .await;
    let chat = Gms::start(&server, "Pat").await;
    let form = Form::new()
        .text("userId", chat.user_id.clone())
        .text("secureKey", chat.secure_key.clone())
        .text("alias", chat.alias.clone())
        .part(
            "file",
            Part::bytes(b"<script>alert(1)</script>".to_vec())
                .file_name("é\"x.html")
                .mime_str("text/html")
                .unwrap(),
        );
    let uploaded: serde_json::Value = chat
        .http
        .post(format!("{}/{}/file", chat.base, chat.chat_id))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let file_id = uploaded["userData"]["file-id"]
        .as_str()
        .expect("a file id")
        .to_owned();
    let download = chat.download(&file_id).await;
    assert_eq!(download.status(), 200);
    let headers = download.headers();
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%C3%A9%22x.html"),
        "{disposition}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn overflowing_fault_settings_do_not_panic_the_emulator() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let (status, _) = api
        .put("/faults", json!({"offlineSeconds": u64::MAX}))
        .await;
    assert!(status == 200 || status == 400, "{status}");
    let (status, _) = api.put("/faults", json!({"offlineSeconds": 0})).await;
    assert_eq!(status, 200, "still answering");
    let args = |s: &str| Config::from_args(s.split_whitespace().map(str::to_owned));
    assert!(args("--idle-timeout-secs 18446744073709551615").is_ok());
    assert!(args("--heartbeat-secs 18446744073709551615").is_ok());
}

#[tokio::test]
async fn the_request_log_shows_each_calls_headers_only_with_the_token() {
    let server = start(no_auto_agent).await;
    let gms = Gms::start(&server, "Jo").await;
    let refresh = format!("{}/{}/refresh", gms.base, gms.chat_id);
    let answer = gms
        .http
        .post(&refresh)
        .header("authorization", "Bearer one")
        .header("x-trace", "t")
        .form(&[("secureKey", gms.secure_key.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let url = format!("{}/emulator/api/requests", server.url());
    let bare = http().get(&url).send().await.unwrap();
    assert_eq!(bare.status(), 403, "the headers may hold keys");
    let api = AgentApi::new(&server);
    let (status, log) = api.get("/requests").await;
    assert_eq!(status, 200);
    let requests = log["requests"].as_array().unwrap();
    let last = requests.last().unwrap();
    assert_eq!(last["method"], "POST");
    assert_eq!(
        last["path"],
        format!("/genesys/2/chat/request-chat/{}/refresh", gms.chat_id)
    );
    assert_eq!(last["headers"]["authorization"], "Bearer one");
    assert_eq!(last["headers"]["x-trace"], "t");
    assert!(
        requests[0]["headers"].get("authorization").is_none(),
        "the start carried none"
    );
    let cleared = api
        .request(reqwest::Method::DELETE, "/requests")
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 200);
    let (_, log) = api.get("/requests").await;
    assert_eq!(log["requests"], json!([]));
}
