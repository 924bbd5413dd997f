//! GMS Chat API v2 over real HTTP: full chats, positions, restore, typing, user data, wrong keys,
//! validation errors and CORS.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{AgentApi, Gms, is_event, no_auto_agent, start, types};
use serde_json::{Value, json};

#[tokio::test]
async fn request_chat_answers_the_documented_envelope_with_or_without_trailing_slash() {
    let server = start(no_auto_agent).await;
    for url in [
        format!("{}/", Gms::data_url(&server)),
        Gms::data_url(&server),
    ] {
        let response = common::http()
            .post(url)
            .form(&[("nickname", "Pat")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["statusCode"], 0);
        assert_eq!(body["chatEnded"], false);
        assert_eq!(body["nextPosition"], 2);
        assert!(body["alias"].is_string() && body["userId"].is_string());
        assert_eq!(body["secureKey"].as_str().unwrap().len(), 16);
        assert_eq!(body["chatId"].as_str().unwrap().len(), 16);
        let joined = &body["messages"][0];
        assert_eq!(joined["type"], "ParticipantJoined");
        assert_eq!(joined["index"], 1);
        assert_eq!(
            joined["from"],
            json!({"nickname": "Pat", "participantId": 1, "type": "Client"})
        );
        assert!(joined["utcTime"].is_u64());
    }
}

#[tokio::test]
async fn a_full_chat_gets_greeted_echoed_and_ends_on_disconnect() {
    let server = start(|_| {}).await;
    let chat = Gms::start(&server, "Pat").await;
    let greeted = chat
        .wait_for(|m| m["type"] == "Message" && m["from"]["type"] == "Agent")
        .await;
    assert!(types(&greeted).contains(&"ParticipantJoined".to_owned()));
    let (status, sent) = chat
        .op(
            "send",
            &[("message", "hello there"), ("messageType", "text")],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(sent["statusCode"], 0);
    let echoed = chat
        .wait_for(is_event("Message", Some("You said: hello there")))
        .await;
    let agent_typing = echoed["messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["type"] == "TypingStarted" && m["from"]["type"] == "Agent");
    assert!(agent_typing, "the agent types before answering: {echoed}");
    let (status, ended) = chat.op("disconnect", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(ended["chatEnded"], true);
    assert_eq!(chat.refresh(1).await["chatEnded"], true);
}

#[tokio::test]
async fn refresh_returns_events_from_the_position_and_next_position_follows_the_last_index() {
    let server = start(no_auto_agent).await;
    let chat = Gms::start(&server, "Pat").await;
    for text in ["one", "two", "three"] {
        chat.op("send", &[("message", text)]).await;
    }
    let all = chat.refresh(1).await;
    let indexes: Vec<u64> = all["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["index"].as_u64().unwrap())
        .collect();
    assert_eq!(indexes, [1, 2, 3, 4]);
    assert_eq!(all["nextPosition"], 5);
    let later = chat.refresh(3).await;
    assert_eq!(later["messages"].as_array().unwrap().len(), 2);
    assert_eq!(later["messages"][0]["text"], "two");
    let none = chat.refresh(5).await;
    assert_eq!(none["messages"], json!([]));
    assert_eq!(none["nextPosition"], 5);
}

#[tokio::test]
async fn restore_from_position_1_replays_everything_with_chat_ended_false_spelled_out() {
    let server = start(no_auto_agent).await;
    let chat = Gms::start(&server, "Pat").await;
    chat.op("send", &[("message", "before reload")]).await;
    let raw = chat
        .http
        .post(format!("{}/{}/refresh", chat.base, chat.chat_id))
        .form(&[
            ("userId", chat.user_id.as_str()),
            ("secureKey", &chat.secure_key),
            ("alias", &chat.alias),
            ("transcriptPosition", "1"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(raw.contains("\"chatEnded\":false"), "{raw}");
    let body: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(types(&body), ["ParticipantJoined", "Message"]);
}

#[tokio::test]
async fn send_answers_no_messages_unless_a_position_is_given() {
    let server = start(no_auto_agent).await;
    let chat = Gms::start(&server, "Pat").await;
    let (_, plain) = chat
        .op("send", &[("message", "a"), ("messageType", "text")])
        .await;
    assert_eq!(plain["messages"], json!([]));
    assert_eq!(plain["nextPosition"], 3);
    let (_, positioned) = chat
        .op("send", &[("message", "b"), ("transcriptPosition", "2")])
        .await;
    assert_eq!(types(&positioned), ["Message", "Message"]);
}

#[tokio::test]
async fn typing_is_recorded_once_and_shown_to_the_agent_with_its_preview() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = Gms::start(&server, "Pat").await;
    chat.op("startTyping", &[("message", "hel")]).await;
    chat.op("startTyping", &[("message", "hello")]).await;
    let session = api.session(&chat.chat_id).await;
    assert_eq!(session["customerTyping"], true);
    assert_eq!(session["customerTypingPreview"], "hello");
    chat.op("stopTyping", &[("message", "")]).await;
    assert_eq!(api.session(&chat.chat_id).await["customerTyping"], false);
    assert_eq!(
        types(&chat.refresh(1).await),
        ["ParticipantJoined", "TypingStarted", "TypingStopped"]
    );
}

#[tokio::test]
async fn agent_messages_push_urls_notices_and_typing_reach_the_customer() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = Gms::start(&server, "Pat").await;
    let path = format!("/sessions/{}", chat.chat_id);
    let (status, joined) = api
        .post(&format!("{path}/join"), json!({"nickname": "Ann"}))
        .await;
    assert_eq!(status, 200, "{joined}");
    api.post(&format!("{path}/typing"), json!({"typing": true}))
        .await;
    api.post(&format!("{path}/messages"), json!({"text": "hi Pat"}))
        .await;
    api.post(
        &format!("{path}/push-url"),
        json!({"url": "https://example.com/help"}),
    )
    .await;
    api.post(&format!("{path}/notice"), json!({"text": "recording on"}))
        .await;
    let (status, supervisor) = api
        .post(
            &format!("{path}/join"),
            json!({"role": "supervisor", "nickname": "Sue"}),
        )
        .await;
    assert_eq!(status, 200, "{supervisor}");
    let body = chat.refresh(2).await;
    assert_eq!(
        types(&body),
        [
            "ParticipantJoined",
            "TypingStarted",
            "Message",
            "PushUrl",
            "Notice",
            "ParticipantJoined"
        ]
    );
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(
        messages[0]["from"],
        json!({"nickname": "Ann", "participantId": 2, "type": "Agent"})
    );
    assert_eq!(messages[3]["text"], "https://example.com/help");
    assert_eq!(messages[4]["from"]["type"], "External");
    assert_eq!(messages[5]["from"]["type"], "Supervisor");
}

#[tokio::test]
async fn transfer_replaces_the_agent_and_the_customer_sees_both_changes() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = Gms::start(&server, "Pat").await;
    let path = format!("/sessions/{}", chat.chat_id);
    api.post(&format!("{path}/join"), json!({"nickname": "Ann"}))
        .await;
    let (status, moved) = api
        .post(&format!("{path}/transfer"), json!({"nickname": "Bob"}))
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["left"], 2);
    let body = chat.refresh(3).await;
    assert_eq!(types(&body), ["ParticipantLeft", "ParticipantJoined"]);
    assert_eq!(body["messages"][1]["from"]["nickname"], "Bob");
    assert_eq!(body["chatEnded"], false);
}

#[tokio::test]
async fn custom_notice_push_url_update_data_and_read_receipt_are_accepted() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = Gms::start(&server, "Pat").await;
    assert_eq!(
        chat.op("customNotice", &[("message", "cobrowse:1234")])
            .await
            .0,
        200
    );
    assert_eq!(
        chat.op("pushUrl", &[("pushUrl", "https://example.com/page")])
            .await
            .0,
        200
    );
    assert_eq!(
        chat.op(
            "updateData",
            &[
                ("userData[account]", "42"),
                ("userData[GCTI_LanguageCode]", "fr")
            ]
        )
        .await
        .0,
        200
    );
    let (status, read) = chat.op("readReceipt", &[("transcriptPosition", "3")]).await;
    assert_eq!((status, read["statusCode"].clone()), (200, json!(0)));
    let session = api.session(&chat.chat_id).await;
    assert_eq!(session["userData"]["account"], "42");
    assert_eq!(session["userData"]["GCTI_LanguageCode"], "fr");
    assert_eq!(session["userData"]["_genesys_source"], "web");
    assert_eq!(session["email"], "first@example.com");
    let kinds: Vec<&str> = session["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["ParticipantJoined", "CustomNotice", "PushUrl"]);
}

#[tokio::test]
async fn a_wrong_secure_key_or_unknown_chat_is_an_error_that_reveals_nothing() {
    let server = start(no_auto_agent).await;
    let chat = Gms::start(&server, "Pat").await;
    let other = Gms::start(&server, "Other").await;
    let http = common::http();
    let attempts = [
        (
            chat.chat_id.clone(),
            other.secure_key.clone(),
            chat.user_id.clone(),
        ),
        (chat.chat_id.clone(), String::new(), chat.user_id.clone()),
        (
            chat.chat_id.clone(),
            chat.secure_key.clone(),
            other.user_id.clone(),
        ),
        (
            "nosuchchat".to_owned(),
            chat.secure_key.clone(),
            chat.user_id.clone(),
        ),
    ];
    for (chat_id, key, user) in attempts {
        let response = http
            .post(format!("{}/{chat_id}/refresh", chat.base))
            .form(&[
                ("secureKey", key.as_str()),
                ("userId", &user),
                ("transcriptPosition", "1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body,
            json!({"statusCode": 2, "errors": [{"code": 241, "message": "chat session not found"}]})
        );
    }
}

#[tokio::test]
async fn request_chat_validates_names_email_service_and_availability() {
    let server = start(|c| c.services = vec!["request-chat".into()]).await;
    let api = AgentApi::new(&server);
    let url = format!("{}/", Gms::data_url(&server));
    let cases: [(&[(&str, &str)], u16); 4] = [
        (&[("subject", "x")], 161),
        (&[("lastName", "Last")], 102),
        (&[("firstName", "First")], 103),
        (
            &[("nickname", "Pat"), ("emailAddress", "not-an-email")],
            364,
        ),
    ];
    for (form, code) in cases {
        let response = common::http().post(&url).form(form).send().await.unwrap();
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["code"], code, "{form:?}");
        assert_eq!(body["statusCode"], 2);
    }
    let wrong_service = common::http()
        .post(format!("{}/genesys/2/chat/nope/", server.url()))
        .form(&[("nickname", "Pat")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_service.status(), 400);
    assert_eq!(
        wrong_service.json::<Value>().await.unwrap()["errors"][0]["code"],
        306
    );
    api.faults(json!({"rejectNewChats": true})).await;
    let refused = common::http()
        .post(&url)
        .form(&[("nickname", "Pat")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.json::<Value>().await.unwrap()["errors"][0]["code"],
        240
    );
}

#[tokio::test]
async fn a_message_over_the_limit_gets_code_204_and_is_not_stored() {
    let server = start(|c| {
        c.max_message_chars = 10;
        no_auto_agent(c);
    })
    .await;
    let chat = Gms::start(&server, "Pat").await;
    assert_eq!(chat.op("send", &[("message", "ten chars!")]).await.0, 200);
    let (status, body) = chat.op("send", &[("message", "eleven chars")]).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["code"], 204);
    assert_eq!(chat.refresh(1).await["nextPosition"], 3);
}

#[tokio::test]
async fn the_apikey_header_is_required_when_configured() {
    let server = start(|c| c.api_key = Some("secret".into())).await;
    let url = format!("{}/", Gms::data_url(&server));
    let missing = common::http()
        .post(&url)
        .form(&[("nickname", "Pat")])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 401);
    assert_eq!(missing.json::<Value>().await.unwrap()["statusCode"], 2);
    let wrong = common::http()
        .post(&url)
        .header("apikey", "guess")
        .form(&[("nickname", "Pat")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let right = common::http()
        .post(&url)
        .header("apikey", "secret")
        .form(&[("nickname", "Pat")])
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
}

#[tokio::test]
async fn malformed_bodies_and_unknown_operations_get_gms_errors_not_500s() {
    let server = start(no_auto_agent).await;
    let chat = Gms::start(&server, "Pat").await;
    let http = common::http();
    let garbage = http
        .post(format!("{}/{}/send", chat.base, chat.chat_id))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0x00, b'%', b'=', b'&', 0xfe])
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
    let (status, body) = chat.op("explode", &[]).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["code"], 100);
    let empty_request = http
        .post(format!("{}/", chat.base))
        .body("%%%")
        .send()
        .await
        .unwrap();
    assert_eq!(empty_request.status(), 400);
    let (status, _) = chat
        .op("refresh", &[("transcriptPosition", "not-a-number")])
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn after_the_agent_ends_the_chat_the_customer_sees_chat_ended_and_sends_fail() {
    let server = start(no_auto_agent).await;
    let api = AgentApi::new(&server);
    let chat = Gms::start(&server, "Pat").await;
    api.post(&format!("/sessions/{}/join", chat.chat_id), json!({}))
        .await;
    api.post(&format!("/sessions/{}/end", chat.chat_id), json!({}))
        .await;
    let body = chat.refresh(3).await;
    assert_eq!(body["chatEnded"], true);
    assert_eq!(body["statusCode"], 0);
    assert_eq!(types(&body), ["ParticipantLeft", "ParticipantLeft"]);
    let (status, sent) = chat.op("send", &[("message", "anyone?")]).await;
    assert_eq!(status, 200);
    assert_eq!(sent["statusCode"], 2);
    assert_eq!(sent["chatEnded"], true);
    assert_eq!(chat.op("disconnect", &[]).await.1["statusCode"], 0);
}

#[tokio::test]
async fn cors_preflights_and_error_answers_carry_the_allow_origin_header() {
    let server = start(no_auto_agent).await;
    let http = common::http();
    let origin = "http://elsewhere.test";
    let preflight = http
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/", Gms::data_url(&server)),
        )
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "apikey,content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], origin);
    assert!(
        preflight.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("apikey")
    );
    let error = http
        .post(format!("{}/nosuch/refresh", Gms::data_url(&server)))
        .header("origin", origin)
        .send()
        .await
        .unwrap();
    assert_eq!(error.status(), 400);
    assert_eq!(error.headers()["access-control-allow-origin"], origin);
    // Without credentials unless `--cors-credentials` (issue 11; tests/access.rs covers the flag).
    assert!(
        error
            .headers()
            .get("access-control-allow-credentials")
            .is_none()
    );
}
