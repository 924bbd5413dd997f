//! Fault injection through the API: failing the next N requests (5xx or statusCode 1), latency,
//! going offline for a while, ending sessions from the server side, and start-up fault flags.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{AgentApi, Cloud, Gms, V3, no_auto_agent, start};
use serde_json::{Value, json};

#[tokio::test]
async fn the_next_n_requests_fail_with_the_chosen_5xx_then_service_resumes() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = Gms::start(&server, "Pat").await;
    let report = api.faults(json!({"failNext": 2, "failStatus": 502})).await;
    assert_eq!(report["failNext"], 2);
    for _ in 0..2 {
        let (status, body) = chat.op("refresh", &[("transcriptPosition", "1")]).await;
        assert_eq!(status, 502);
        assert_eq!(body["statusCode"], 2);
    }
    let (status, _) = chat.op("refresh", &[("transcriptPosition", "1")]).await;
    assert_eq!(status, 200);
    assert_eq!(api.get("/faults").await.1["failNext"], 0);
}

#[tokio::test]
async fn status1_failures_are_http_200_with_chat_ended_false() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = Gms::start(&server, "Pat").await;
    api.faults(json!({"failNext": 1, "failKind": "status1"}))
        .await;
    let (status, body) = chat.op("send", &[("message", "lost?")]).await;
    assert_eq!(status, 200);
    assert_eq!(body["statusCode"], 1);
    assert_eq!(body["chatEnded"], false);
    let (_, retried) = chat.op("send", &[("message", "lost?")]).await;
    assert_eq!(retried["statusCode"], 0);
    assert_eq!(
        chat.refresh(1).await["nextPosition"],
        3,
        "only the retry was stored"
    );
}

#[tokio::test]
async fn injected_failures_use_each_protocols_error_body_and_spare_the_agent_api() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let guest = Cloud::start(&server, "Pat").await;
    let v3 = V3::start(&server, "Pat").await;
    api.faults(json!({"failNext": 2})).await;
    assert_eq!(
        api.get("/sessions").await.0,
        200,
        "the agent API never fails"
    );
    let (status, cloud) = guest.get("/members").await;
    assert_eq!(
        (status, cloud["code"].as_str()),
        (503, Some("service.unavailable"))
    );
    let response = v3
        .request(reqwest::Method::GET, "/messages")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(
        response.json::<Value>().await.unwrap()["status"]["code"],
        "SERVICE_UNAVAILABLE"
    );
    assert_eq!(guest.get("/members").await.0, 200);
}

#[tokio::test]
async fn added_latency_delays_protocol_answers() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = Gms::start(&server, "Pat").await;
    api.faults(json!({"latencyMs": 300})).await;
    let started = Instant::now();
    chat.refresh(1).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    api.faults(json!({"latencyMs": 0})).await;
    let started = Instant::now();
    chat.refresh(1).await;
    assert!(started.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn offline_for_t_seconds_refuses_every_protocol_and_drops_sockets_then_recovers() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = Gms::start(&server, "Pat").await;
    let guest = Cloud::start(&server, "Pat").await;
    let mut socket = guest.connect().await;
    let report = api.faults(json!({"offlineSeconds": 1})).await;
    assert!(report["offlineRemainingMs"].as_u64().unwrap() > 500);
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        use futures::StreamExt;
        while let Some(Ok(_)) = socket.next().await {}
    })
    .await;
    assert!(
        closed.is_ok(),
        "open sockets drop when the server goes offline"
    );
    assert_eq!(chat.op("refresh", &[]).await.0, 503);
    assert!(
        tokio_tungstenite::connect_async(&guest.stream_uri)
            .await
            .is_err(),
        "no new sockets while offline"
    );
    let fresh = common::http()
        .post(format!("{}/", Gms::data_url(&server)))
        .form(&[("nickname", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 503);
    common::eventually(|| async { (chat.op("refresh", &[]).await.0 == 200).then_some(()) }).await;
    assert!(
        tokio_tungstenite::connect_async(&guest.stream_uri)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn deleting_the_faults_resets_everything() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    api.faults(
        json!({"failNext": 5, "latencyMs": 10, "rejectNewChats": true,
        "slowPublishMs": 100, "holdPublishAnswers": true}),
    )
    .await;
    let response = api
        .request(reqwest::Method::DELETE, "/faults")
        .send()
        .await
        .unwrap();
    let report: Value = response.json().await.unwrap();
    assert_eq!(
        report,
        json!({"failNext": 0, "failKind": "http", "failStatus": 503, "latencyMs": 0, "offlineRemainingMs": 0, "rejectNewChats": false, "offline": false, "dropSendReplies": 0, "reversePolls": 0, "reversePushes": 0, "holdPushesMs": 0, "slowPublishMs": 0, "holdPublishAnswers": false, "heldPublishAnswers": 0})
    );
    let (status, error) = api.put("/faults", json!({"failStatus": 404})).await;
    assert_eq!(status, 400);
    assert_eq!(
        error["error"],
        "failStatus must be between 500 and 599, got 404"
    );
    let (status, _) = api.put("/faults", json!({"bogus": 1})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn ending_from_the_server_side_as_agent_idle_or_lost() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let by_agent = Gms::start(&server, "A").await;
    let by_idle = Gms::start(&server, "B").await;
    let lost = Gms::start(&server, "C").await;
    api.post(
        &format!("/sessions/{}/end", by_agent.chat_id),
        json!({"reason": "agent"}),
    )
    .await;
    api.post(
        &format!("/sessions/{}/end", by_idle.chat_id),
        json!({"reason": "idle"}),
    )
    .await;
    api.post(
        &format!("/sessions/{}/end", lost.chat_id),
        json!({"reason": "lost"}),
    )
    .await;
    assert_eq!(by_agent.refresh(1).await["chatEnded"], true);
    let idle = by_idle.refresh(2).await;
    assert_eq!(idle["messages"][0]["type"], "IdleClose");
    assert_eq!(idle["chatEnded"], true);
    let (status, gone) = lost.op("refresh", &[("transcriptPosition", "1")]).await;
    assert_eq!(status, 400);
    assert!(
        gone.get("chatEnded").is_none(),
        "a lost session has no chatEnded field"
    );
    assert_eq!(api.get(&format!("/sessions/{}", lost.chat_id)).await.0, 404);
    let (status, bad) = api
        .post(
            &format!("/sessions/{}/end", by_agent.chat_id),
            json!({"reason": "boom"}),
        )
        .await;
    assert_eq!(
        (status, bad["error"].as_str()),
        (400, Some("reason must be agent, idle or lost, got boom"))
    );
}

#[tokio::test]
async fn start_up_fault_flags_apply_from_the_first_request() {
    let server = start(|c| {
        c.faults.fail_next = Some(1);
        c.faults.fail_kind = Some(emulator::FailKind::Status1);
        no_auto_agent(c);
    })
    .await;
    let first = common::http()
        .post(format!("{}/", Gms::data_url(&server)))
        .form(&[("nickname", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(first.json::<Value>().await.unwrap()["statusCode"], 1);
    Gms::start(&server, "Pat").await;
}

#[tokio::test]
async fn idle_sessions_expire_and_become_unknown() {
    let server = start(|c| {
        c.idle_timeout_ms = 200;
        no_auto_agent(c);
    })
    .await;
    let chat = Gms::start(&server, "Pat").await;
    let active = Gms::start(&server, "Busy").await;
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            active.op("refresh", &[]).await.0,
            200,
            "polling keeps a session alive"
        );
    }
    assert_eq!(
        chat.op("refresh", &[]).await.0,
        400,
        "an idle one is forgotten"
    );
}

#[tokio::test]
async fn a_dropped_send_reply_stores_the_message_but_cuts_the_answer() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = Gms::start(&server, "Pat").await;
    let report = api.faults(json!({"dropSendReplies": 1})).await;
    assert_eq!(report["dropSendReplies"], 1);
    // Polls pass untouched while the drop is armed.
    assert_eq!(chat.refresh(1).await["statusCode"], 0);
    let cut = reqwest::Client::new()
        .post(format!("{}/{}/send", chat.base, chat.chat_id))
        .form(&[
            ("userId", chat.user_id.as_str()),
            ("secureKey", chat.secure_key.as_str()),
            ("alias", chat.alias.as_str()),
            ("message", "kept?"),
        ])
        .send()
        .await;
    let answered = match cut {
        Ok(response) => response.bytes().await.is_ok(),
        Err(_) => false,
    };
    assert!(!answered, "no answer arrives");
    let (_, second) = chat.op("send", &[("message", "next")]).await;
    assert_eq!(second["statusCode"], 0, "only one reply is dropped");
    let texts: Vec<Value> = chat.refresh(1).await["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] == "Message")
        .map(|m| m["text"].clone())
        .collect();
    assert_eq!(texts, vec![json!("kept?"), json!("next")]);
}

#[tokio::test]
async fn the_offline_switch_refuses_every_protocol_until_switched_back() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = Gms::start(&server, "Pat").await;
    assert_eq!(api.faults(json!({"offline": true})).await["offline"], true);
    let (status, _) = chat.op("refresh", &[("transcriptPosition", "1")]).await;
    assert_eq!(status, 503);
    api.faults(json!({"offline": false})).await;
    assert_eq!(chat.refresh(1).await["statusCode"], 0);
}

#[tokio::test]
async fn reversed_polls_return_the_messages_of_one_answer_backwards() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = Gms::start(&server, "Pat").await;
    for text in ["a", "b"] {
        chat.op("send", &[("message", text)]).await;
    }
    api.faults(json!({"reversePolls": 1})).await;
    let indexes = |body: &Value| -> Vec<u64> {
        body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["index"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(indexes(&chat.refresh(1).await), vec![3, 2, 1]);
    assert_eq!(api.get("/faults").await.1["reversePolls"], 0);
    assert_eq!(
        indexes(&chat.refresh(1).await),
        vec![1, 2, 3],
        "only one answer"
    );
}
