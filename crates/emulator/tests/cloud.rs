//! Genesys Cloud guest chat over real HTTP and WebSocket: create, the member-change flow, messages,
//! typing, heartbeats, history paging, restore, reconnect and JWT checks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{AgentApi, Cloud, frame_kind, frames_until, no_auto_agent, start};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn create_returns_id_jwt_same_host_event_stream_and_member() {
    let server = start(no_auto_agent).await;
    let guest = Cloud::start(&server, "Pat").await;
    assert_eq!(guest.id.len(), 36);
    assert_eq!(guest.jwt.split('.').count(), 3);
    let expected = format!(
        "ws://{}/api/v2/webchat/guest/conversations/{}/stream?jwt=",
        server.addr(),
        guest.id
    );
    assert!(
        guest.stream_uri.starts_with(&expected),
        "{}",
        guest.stream_uri
    );
    let (status, me) = guest.get(&format!("/members/{}", guest.member)).await;
    assert_eq!(status, 200);
    assert_eq!(me["role"], "CUSTOMER");
    assert_eq!(me["state"], "CONNECTED");
    assert_eq!(me["displayName"], "Pat");
    let session = AgentApi::new(&server).session(&guest.id).await;
    assert_eq!(session["protocol"], "cloud");
    assert_eq!(session["userData"]["account"], "42");
    assert_eq!(session["service"], "Support");
}

#[tokio::test]
async fn routing_waits_for_the_socket_then_workflow_alerting_connected_and_member_join_arrive() {
    let server = start(|_| {}).await;
    let guest = Cloud::start(&server, "Pat").await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let (_, members) = guest.get("/members").await;
    assert_eq!(
        members["entities"].as_array().unwrap().len(),
        1,
        "no agent before the socket attaches"
    );
    let mut socket = guest.connect().await;
    let frames = frames_until(&mut socket, |f| f["eventBody"]["bodyType"] == "standard").await;
    let flow: Vec<(String, String)> = frames
        .iter()
        .map(|f| {
            let state = f["eventBody"]["member"]["state"]
                .as_str()
                .or(f["eventBody"]["bodyType"].as_str());
            (frame_kind(f).to_owned(), state.unwrap_or("").to_owned())
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("member-change", "CONNECTED"),
        ("member-change", "DISCONNECTED"),
        ("member-change", "ALERTING"),
        ("member-change", "CONNECTED"),
        ("message", "member-join"),
        ("message", "standard"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(flow, expected);
    let agent_id = frames[4]["eventBody"]["sender"]["id"].as_str().unwrap();
    let (status, agent) = guest.get(&format!("/members/{agent_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        (agent["role"].as_str(), agent["state"].as_str()),
        (Some("AGENT"), Some("CONNECTED"))
    );
    let (_, workflow) = guest
        .get(&format!(
            "/members/{}",
            frames[0]["eventBody"]["member"]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(workflow["role"], "WORKFLOW");
    assert_eq!(
        frames[5]["topicName"],
        format!("v2.conversations.chats.{}.messages", guest.id)
    );
}

#[tokio::test]
async fn a_message_is_echoed_on_the_stream_answered_after_a_typing_indicator_and_leave_disconnects()
{
    let server = start(|_| {}).await;
    let guest = Cloud::start(&server, "Pat").await;
    let mut socket = guest.connect().await;
    frames_until(&mut socket, |f| f["eventBody"]["bodyType"] == "standard").await;
    let (status, sent) = guest.say("hello cloud").await;
    assert_eq!(status, 200);
    assert_eq!(sent["body"], "hello cloud");
    assert_eq!(sent["sender"]["id"], guest.member.as_str());
    let frames = frames_until(&mut socket, |f| {
        f["eventBody"]["body"] == "You said: hello cloud"
    })
    .await;
    assert!(
        frames.iter().any(|f| f["eventBody"]["id"] == sent["id"]),
        "own message is echoed"
    );
    assert!(frames.iter().any(|f| frame_kind(f) == "typing-indicator"));
    let response = guest
        .http
        .delete(format!(
            "{}/{}/members/{}",
            guest.base, guest.id, guest.member
        ))
        .bearer_auth(&guest.jwt)
        .header("origin", "http://elsewhere.test")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://elsewhere.test"
    );
    frames_until(&mut socket, |f| {
        f["eventBody"]["member"]["id"] == guest.member.as_str()
            && f["eventBody"]["member"]["state"] == "DISCONNECTED"
    })
    .await;
    let (_, me) = guest.get(&format!("/members/{}", guest.member)).await;
    assert_eq!(me["state"], "DISCONNECTED");
}

#[tokio::test]
async fn typing_answers_200_with_a_typing_object_and_reaches_the_agent() {
    let server = start(no_auto_agent).await;
    let guest = Cloud::start(&server, "Pat").await;
    let response = guest
        .http
        .post(format!(
            "{}/{}/members/{}/typing",
            guest.base, guest.id, guest.member
        ))
        .bearer_auth(&guest.jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["sender"]["id"], guest.member.as_str());
    assert_eq!(body["conversation"]["id"], guest.id.as_str());
    assert!(body["timestamp"].is_string());
    assert_eq!(
        AgentApi::new(&server).session(&guest.id).await["customerTyping"],
        true
    );
}

#[tokio::test]
async fn heartbeats_arrive_on_schedule_and_a_ping_gets_a_pong() {
    let server = start(|c| {
        c.heartbeat_ms = 100;
        no_auto_agent(c);
    })
    .await;
    let guest = Cloud::start(&server, "Pat").await;
    let mut socket = guest.connect().await;
    let frames = frames_until(&mut socket, |f| {
        f["eventBody"]["message"] == "WebSocket Heartbeat"
    })
    .await;
    assert_eq!(
        frames.last().unwrap(),
        &json!({"topicName": "channel.metadata", "eventBody": {"message": "WebSocket Heartbeat"}})
    );
    socket
        .send(Message::Text(r#"{"message":"ping"}"#.into()))
        .await
        .unwrap();
    frames_until(&mut socket, |f| f["eventBody"]["message"] == "pong").await;
}

#[tokio::test]
async fn history_pages_follow_next_links_in_both_orders() {
    let server = start(no_auto_agent).await;
    let guest = Cloud::start(&server, "Pat").await;
    for n in 0..7 {
        guest.say(&format!("m{n}")).await;
    }
    let bodies = |page: &Value| -> Vec<String> {
        page["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["body"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, first) = guest
        .get("/messages?sortOrder=descending&maxResults=3")
        .await;
    assert_eq!(status, 200);
    assert_eq!(bodies(&first), ["m6", "m5", "m4"]);
    let next = first["next"].as_str().unwrap();
    assert!(next.starts_with('/'), "host-relative: {next}");
    let response = guest
        .http
        .get(format!("{}{next}", server.url()))
        .bearer_auth(&guest.jwt)
        .send()
        .await
        .unwrap();
    let second: Value = response.json().await.unwrap();
    assert_eq!(bodies(&second), ["m3", "m2", "m1"]);
    let (_, all) = guest
        .get("/messages?sortOrder=descending&maxResults=100")
        .await;
    assert_eq!(
        all["entities"].as_array().unwrap().len(),
        8,
        "seven messages plus the guest's member-join"
    );
    assert!(all.get("next").is_none());
    let after = second["entities"][0]["id"].as_str().unwrap();
    let (_, newer) = guest.get(&format!("/messages?after={after}")).await;
    assert_eq!(bodies(&newer), ["m4", "m5", "m6"]);
    let (_, entity) = guest.get(&format!("/messages/{after}")).await;
    assert_eq!(entity["body"], "m3");
    let (status, bad) = guest.get("/messages?after=nope").await;
    assert_eq!((status, bad["code"].as_str()), (400, Some("bad.request")));
}

#[tokio::test]
async fn after_a_dropped_socket_the_same_uri_reconnects_and_missed_messages_are_fetched() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let guest = Cloud::start(&server, "Pat").await;
    let mut socket = guest.connect().await;
    let (_, seen) = guest.say("before drop").await;
    frames_until(&mut socket, |f| f["eventBody"]["body"] == "before drop").await;
    let (status, dropped) = api.post("/faults/drop-websockets", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(dropped["dropped"], 1);
    let ended = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while let Some(Ok(_)) = socket.next().await {}
    })
    .await;
    assert!(ended.is_ok(), "the socket closes");
    let path = format!("/sessions/{}", guest.id);
    api.post(
        &format!("{path}/messages"),
        json!({"text": "while you were away"}),
    )
    .await;
    let mut again = guest.connect().await;
    let (_, missed) = guest
        .get(&format!("/messages?after={}", seen["id"].as_str().unwrap()))
        .await;
    let bodies: Vec<&str> = missed["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        ["", "while you were away"],
        "the agent's member-join then its message"
    );
    api.post(&format!("{path}/messages"), json!({"text": "live again"}))
        .await;
    frames_until(&mut again, |f| f["eventBody"]["body"] == "live again").await;
}

#[tokio::test]
async fn restore_reads_own_member_history_and_member_list() {
    let server = start(|_| {}).await;
    let guest = Cloud::start(&server, "Pat").await;
    let mut socket = guest.connect().await;
    frames_until(&mut socket, |f| f["eventBody"]["bodyType"] == "standard").await;
    drop(socket);
    let (_, me) = guest.get(&format!("/members/{}", guest.member)).await;
    assert_eq!(me["state"], "CONNECTED");
    let _reopened = guest.connect().await;
    let (_, history) = guest
        .get("/messages?sortOrder=descending&maxResults=100")
        .await;
    let kinds: Vec<&str> = history["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["bodyType"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["standard", "member-join", "member-join"]);
    let (_, members) = guest.get("/members").await;
    let agents = members["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "AGENT" && m["state"] == "CONNECTED")
        .count();
    assert_eq!(agents, 1);
}

#[tokio::test]
async fn wrong_or_missing_jwt_unknown_conversation_and_foreign_member_are_refused() {
    let server = start(no_auto_agent).await;
    let guest = Cloud::start(&server, "Pat").await;
    let other = Cloud::start(&server, "Other").await;
    let url = format!("{}/{}/members", guest.base, guest.id);
    let missing = guest.http.get(&url).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["code"], "bad.credentials");
    for key in [
        "status",
        "code",
        "message",
        "messageWithParams",
        "contextId",
        "details",
        "errors",
    ] {
        assert!(body.get(key).is_some(), "error body has {key}");
    }
    let wrong = guest
        .http
        .get(&url)
        .bearer_auth(&other.jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let unknown = guest
        .http
        .get(format!("{}/nope/members", guest.base))
        .bearer_auth(&guest.jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(unknown.json::<Value>().await.unwrap()["code"], "not.found");
    let foreign = guest
        .http
        .post(format!(
            "{}/{}/members/{}/messages",
            guest.base, guest.id, other.member
        ))
        .bearer_auth(&guest.jwt)
        .json(&json!({"body": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 404);
    let bad_stream =
        tokio_tungstenite::connect_async(guest.stream_uri.replace(&guest.jwt, &other.jwt)).await;
    assert!(
        bad_stream.is_err(),
        "a stream with another conversation's JWT is refused"
    );
}

#[tokio::test]
async fn oversized_and_malformed_messages_get_cloud_errors() {
    let server = start(no_auto_agent).await;
    let guest = Cloud::start(&server, "Pat").await;
    assert_eq!(guest.say(&"x".repeat(4000)).await.0, 200);
    let (status, body) = guest.say(&"x".repeat(4001)).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "bad.request");
    let garbage = guest
        .http
        .post(format!(
            "{}/{}/members/{}/messages",
            guest.base, guest.id, guest.member
        ))
        .bearer_auth(&guest.jwt)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
    let create_garbage = guest
        .http
        .post(&guest.base)
        .body("[1,2]")
        .send()
        .await
        .unwrap();
    assert_eq!(create_garbage.status(), 400);
    let minimal = guest
        .http
        .post(&guest.base)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(minimal.status(), 200, "memberInfo fields are not required");
}

/// A guest with its socket open and an agent who, under `faults`, says "first" then "second".
async fn agent_says_two_under(
    faults: Value,
) -> (AgentApi, emulator::RunningServer, common::Socket) {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let guest = Cloud::start(&server, "Pat").await;
    let socket = guest.connect().await;
    let path = format!("/sessions/{}", guest.id);
    api.post(&format!("{path}/join"), json!({})).await;
    api.faults(faults).await;
    for text in ["first", "second"] {
        api.post(&format!("{path}/messages"), json!({"text": text}))
            .await;
    }
    (api, server, socket)
}

/// "first" and "second" among `frames`' message bodies, in frame order.
fn two_bodies(frames: &[Value]) -> Vec<&str> {
    frames
        .iter()
        .filter(|f| frame_kind(f) == "message")
        .filter_map(|f| f["eventBody"]["body"].as_str())
        .filter(|b| ["first", "second"].contains(b))
        .collect()
}

#[tokio::test]
async fn reversed_pushes_send_held_agent_messages_last_first() {
    let (api, _server, mut socket) = agent_says_two_under(json!({"reversePushes": 2})).await;
    let frames = frames_until(&mut socket, |f| f["eventBody"]["body"] == "first").await;
    assert_eq!(two_bodies(&frames), ["second", "first"]);
    assert_eq!(api.get("/faults").await.1["reversePushes"], 0);
}

#[tokio::test]
async fn held_pushes_wait_then_go_out_in_order() {
    let (api, _server, mut socket) = agent_says_two_under(json!({"holdPushesMs": 1500})).await;
    assert!(api.get("/faults").await.1["holdPushesMs"].as_u64() > Some(0));
    // The stream still answers a ping meanwhile, with nothing held before it.
    socket
        .send(Message::Text(r#"{"message":"ping"}"#.into()))
        .await
        .unwrap();
    let before = frames_until(&mut socket, |f| f["eventBody"]["message"] == "pong").await;
    assert!(two_bodies(&before).is_empty(), "{before:#?}");
    let frames = frames_until(&mut socket, |f| f["eventBody"]["body"] == "second").await;
    assert_eq!(two_bodies(&frames), ["first", "second"]);
    assert_eq!(api.get("/faults").await.1["holdPushesMs"], 0);
}
