//! GMS file transfer over real HTTP: limits, multipart upload, download, delete and every refusal.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{AgentApi, Gms, no_auto_agent, start};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

async fn upload(chat: &Gms, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let form = Form::new()
        .text("userId", chat.user_id.clone())
        .text("secureKey", chat.secure_key.clone())
        .text("alias", chat.alias.clone())
        .part(
            "file",
            Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str("text/plain")
                .unwrap(),
        );
    let response = chat
        .http
        .post(format!("{}/{}/file", chat.base, chat.chat_id))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn limits_report_the_defaults_and_count_uploads() {
    let server = start(no_auto_agent).await;
    let chat = Gms::start(&server, "Pat").await;
    let (status, limits) = chat.op("file/limits", &[]).await;
    assert_eq!(status, 200);
    let data = &limits["messages"][0]["userData"];
    assert_eq!(data["upload-max-files"], "3");
    assert_eq!(data["upload-max-file-size"], "2097152");
    assert_eq!(data["upload-max-total-size"], "5242880");
    assert!(data["upload-file-types"].as_str().unwrap().contains("txt"));
    upload(&chat, "a.txt", b"abc".to_vec()).await;
    let (_, limits) = chat.op("file/limits", &[]).await;
    assert_eq!(
        limits["messages"][0]["userData"]["used-upload-max-files"],
        "1"
    );
    assert_eq!(
        limits["messages"][0]["userData"]["used-upload-max-total-size"],
        "3"
    );
}

#[tokio::test]
async fn an_uploaded_file_is_announced_downloadable_and_deletable() {
    let server = start(no_auto_agent).await;
    let chat = Gms::start(&server, "Pat").await;
    let (status, body) = upload(&chat, "notes.txt", b"hello file".to_vec()).await;
    assert_eq!(status, 200, "{body}");
    let file_id = body["userData"]["file-id"].as_str().unwrap().to_owned();
    let announced = chat.refresh(2).await;
    let event = &announced["messages"][0];
    assert_eq!(event["type"], "FileUploaded");
    assert_eq!(event["userData"]["file-id"], file_id.as_str());
    assert_eq!(event["userData"]["file-name"], "notes.txt");
    assert_eq!(event["userData"]["file-size"], "10");
    let download = chat.download(&file_id).await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "text/plain");
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("notes.txt")
    );
    assert_eq!(&download.bytes().await.unwrap()[..], b"hello file");
    let agent_copy = AgentApi::new(&server)
        .request(
            reqwest::Method::GET,
            &format!("/sessions/{}/files/{file_id}", chat.chat_id),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(&agent_copy.bytes().await.unwrap()[..], b"hello file");
    let (status, deleted) = chat
        .op(
            &format!("file/{file_id}/delete"),
            &[("transcriptPosition", "3")],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(deleted["messages"][0]["type"], "FileDeleted");
    let (status, gone) = chat.op(&format!("file/{file_id}/download"), &[]).await;
    assert_eq!(status, 400);
    assert_eq!(gone["statusCode"], 2);
    assert_eq!(
        AgentApi::new(&server).session(&chat.chat_id).await["files"],
        serde_json::json!([])
    );
}

#[tokio::test]
async fn uploads_beyond_the_limits_get_codes_201_202_and_203() {
    let server = start(no_auto_agent).await;
    let chat = Gms::start(&server, "Pat").await;
    let (status, body) = upload(&chat, "run.exe", vec![1]).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_u64()),
        (400, Some(203))
    );
    let (status, body) = upload(&chat, "big.txt", vec![0; 2 * 1024 * 1024 + 1]).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_u64()),
        (400, Some(202))
    );
    let (status, body) = upload(&chat, "huge.txt", vec![0; 8 * 1024 * 1024]).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_u64()),
        (400, Some(202)),
        "a body over the server limit"
    );
    for name in ["1.txt", "2.txt", "3.txt"] {
        assert_eq!(upload(&chat, name, vec![1]).await.0, 200);
    }
    let (status, body) = upload(&chat, "4.txt", vec![1]).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_u64()),
        (400, Some(201))
    );
}

#[tokio::test]
async fn the_total_size_limit_is_code_202() {
    let server = start(no_auto_agent).await;
    let chat = Gms::start(&server, "Pat").await;
    let two_mib = 2 * 1024 * 1024;
    assert_eq!(upload(&chat, "a.txt", vec![0; two_mib]).await.0, 200);
    assert_eq!(upload(&chat, "b.txt", vec![0; two_mib]).await.0, 200);
    let (status, body) = upload(&chat, "c.txt", vec![0; two_mib]).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_u64()),
        (400, Some(202))
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("total size exceeded")
    );
}

#[tokio::test]
async fn uploads_with_a_wrong_key_or_no_file_are_refused() {
    let server = start(no_auto_agent).await;
    let chat = Gms::start(&server, "Pat").await;
    let wrong = Form::new()
        .text("userId", chat.user_id.clone())
        .text("secureKey", "0000000000000000")
        .part("file", Part::bytes(vec![1]).file_name("a.txt"));
    let response = chat
        .http
        .post(format!("{}/{}/file", chat.base, chat.chat_id))
        .multipart(wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap()["errors"][0]["code"],
        241
    );
    let no_file = Form::new()
        .text("userId", chat.user_id.clone())
        .text("secureKey", chat.secure_key.clone());
    let response = chat
        .http
        .post(format!("{}/{}/file", chat.base, chat.chat_id))
        .multipart(no_file)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let not_multipart = chat
        .http
        .post(format!("{}/{}/file", chat.base, chat.chat_id))
        .form(&[("secureKey", chat.secure_key.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(not_multipart.status(), 400);
}
