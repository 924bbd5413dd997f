//! The server itself: static mounts with correct content types, the auto-agent switch, the agent
//! API's validation, and the session list.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{AgentApi, Gms, no_auto_agent, start};
use emulator::Mount;
use serde_json::json;

#[tokio::test]
async fn static_mounts_serve_index_wasm_and_js_with_their_content_types() {
    let root = std::env::temp_dir().join(format!("emulator-static-{}", std::process::id()));
    let dist = root.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(root.join("index.html"), "<h1>demo</h1>").unwrap();
    std::fs::write(dist.join("app.js"), "export {}").unwrap();
    std::fs::write(dist.join("app.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let (site, bundle) = (root.clone(), dist.clone());
    let server =
        start(move |c| c.mounts = vec![Mount::new("/", site), Mount::new("/dist/", bundle)]).await;
    let http = common::http();
    let get = |path: &str| http.get(format!("{}{path}", server.url())).send();
    let index = get("/").await.unwrap();
    assert_eq!(index.status(), 200);
    assert!(
        index.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(
        get("/dist/app.wasm").await.unwrap().headers()["content-type"],
        "application/wasm"
    );
    assert_eq!(
        get("/dist/app.js").await.unwrap().headers()["content-type"],
        "text/javascript"
    );
    assert_eq!(get("/missing.txt").await.unwrap().status(), 404);
    assert_eq!(
        get("/emulator/api/health").await.unwrap().status(),
        200,
        "the API is on the same origin"
    );
    std::fs::remove_dir_all(root).ok();
}

#[tokio::test]
async fn the_auto_agent_can_be_switched_off_and_tuned_at_run_time() {
    let server = start(|_| {}).await;
    let api = AgentApi::new(&server);
    let (status, settings) = api.put("/auto-agent", json!({"enabled": false})).await;
    assert_eq!(status, 200);
    assert_eq!(settings["enabled"], false);
    assert_eq!(settings["joinDelayMs"], 20);
    let chat = Gms::start(&server, "Pat").await;
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    assert_eq!(api.session(&chat.chat_id).await["state"], "waiting");
    api.put(
        "/auto-agent",
        json!({"enabled": true, "nickname": "Robo", "greeting": "Beep."}),
    )
    .await;
    let chat = Gms::start(&server, "Pat").await;
    let body = chat
        .wait_for(common::is_event("Message", Some("Beep.")))
        .await;
    assert!(
        body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["from"]["nickname"] == "Robo")
    );
    let (status, _) = api.put("/auto-agent", json!({"joinDelayMs": "soon"})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_session_list_shows_protocol_state_and_newest_first() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let first = Gms::start(&server, "First").await;
    let second = Gms::start(&server, "Second").await;
    api.post(
        &format!("/sessions/{}/join", second.chat_id),
        json!({"nickname": "Ann"}),
    )
    .await;
    let (status, list) = api.get("/sessions").await;
    assert_eq!(status, 200);
    let sessions = list["sessions"].as_array().unwrap();
    let ours: Vec<(&str, &str)> = sessions
        .iter()
        .filter(|s| s["id"] == first.chat_id.as_str() || s["id"] == second.chat_id.as_str())
        .map(|s| {
            (
                s["customer"].as_str().unwrap(),
                s["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        ours == [("Second", "active"), ("First", "waiting")]
            || ours == [("First", "waiting"), ("Second", "active")]
    );
    assert_eq!(sessions[0]["protocol"], "gms");
}

#[tokio::test]
async fn the_agent_api_rejects_bad_input_with_json_errors() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = Gms::start(&server, "Pat").await;
    let path = format!("/sessions/{}", chat.chat_id);
    assert_eq!(
        api.get("/sessions/nosuch").await.1["error"],
        "no session nosuch"
    );
    let (status, body) = api.post(&format!("{path}/messages"), json!({})).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("text is required"))
    );
    let (status, _) = api
        .post(&format!("{path}/join"), json!({"role": "ceo"}))
        .await;
    assert_eq!(status, 400);
    let garbage = api
        .request(reqwest::Method::POST, &format!("{path}/messages"))
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
    let (status, _) = api
        .post(
            &format!("{path}/messages"),
            json!({"text": "hi", "participantId": 99}),
        )
        .await;
    assert_eq!(status, 409);
}
