//! The extended user-data operations (`getUserData`, `deleteUserData`) of the Chat Service JS API,
//! over GMS REST: a read answers only keys the client set, a delete removes one.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn get_answers_only_what_was_set_and_delete_removes_it() {
    let server = start(no_auto_agent).await;
    let chat = Gms::start(&server, "Pat").await;
    let (status, _) = chat
        .op("updateData", &[("userData[CoBrowseSessionId]", "cb-1")])
        .await;
    assert_eq!(status, 200);

    let (status, body) = chat
        .op("getUserData", &[("key", "CoBrowseSessionId")])
        .await;
    assert_eq!((status, body["statusCode"].clone()), (200, json!(0)));
    assert_eq!(body["userData"], json!({"CoBrowseSessionId": "cb-1"}));

    let (_, body) = chat.op("getUserData", &[("key", "NeverSet")]).await;
    assert_eq!(body["userData"], json!({}));

    let (status, body) = chat
        .op("deleteUserData", &[("key", "CoBrowseSessionId")])
        .await;
    assert_eq!((status, body["statusCode"].clone()), (200, json!(0)));
    assert!(body.get("userData").is_none());
    let (_, body) = chat
        .op("getUserData", &[("key", "CoBrowseSessionId")])
        .await;
    assert_eq!(body["userData"], json!({}));

    let (status, body) = chat.op("getUserData", &[]).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["code"], 100);
}

#[tokio::test]
async fn user_data_calls_on_an_ended_chat_answer_status_code_two() {
    let server = start(no_auto_agent).await;
    let chat = Gms::start(&server, "Pat").await;
    assert_eq!(chat.op("disconnect", &[]).await.0, 200);
    let (status, body) = chat.op("getUserData", &[("key", "a")]).await;
    assert_eq!((status, body["statusCode"].clone()), (200, json!(2)));
    assert_eq!(body["chatEnded"], true);
}
