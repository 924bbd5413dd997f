//! Fixture tests: live answers have the field names and JSON types of the documented examples in
//! `tests/fixtures/`, and transcript indexes agree with `nextPosition`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{AgentApi, Cloud, Gms, V3, frame_kind, frames_until, no_auto_agent, start};
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture file"))
        .expect("fixture json")
}

/// Same keys at every level and the same JSON type at every leaf; array items match the fixture's
/// first item. Returns the differences.
fn shape_differences(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let mut ek: Vec<&String> = e.keys().collect();
            let mut ak: Vec<&String> = a.keys().collect();
            ek.sort();
            ak.sort();
            if ek != ak {
                out.push(format!("{path}: keys {ek:?} != {ak:?}"));
            }
            for (k, v) in e {
                if let Some(av) = a.get(k) {
                    shape_differences(v, av, &format!("{path}.{k}"), out);
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if let Some(first) = e.first() {
                for (i, item) in a.iter().enumerate() {
                    shape_differences(first, item, &format!("{path}[{i}]"), out);
                }
            }
        }
        (Value::Number(e), Value::Number(a)) if e.is_u64() != a.is_u64() => {
            out.push(format!("{path}: number kind"))
        }
        (e, a) if std::mem::discriminant(e) != std::mem::discriminant(a) => {
            out.push(format!("{path}: {e} vs {a}"));
        }
        _ => {}
    }
}

fn assert_shape(name: &str, actual: &Value) {
    let mut out = Vec::new();
    shape_differences(&fixture(name), actual, "$", &mut out);
    assert!(out.is_empty(), "{name}: {out:#?}\nactual: {actual:#}");
}

/// Indexes are 1..n, contiguous, and nextPosition is n + 1.
fn assert_positions_consistent(body: &Value) {
    let indexes: Vec<u64> = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["index"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = (1..=indexes.len() as u64).collect();
    assert_eq!(indexes, expected);
    assert_eq!(body["nextPosition"], indexes.len() as u64 + 1);
}

#[tokio::test]
async fn gms_envelopes_events_and_errors_match_the_documented_shapes() {
    let server = start(|c| c.max_message_chars = 5).await;
    let response = common::http()
        .post(format!("{}/", Gms::data_url(&server)))
        .form(&[("firstName", "First"), ("lastName", "Last")])
        .send()
        .await
        .unwrap();
    let created: Value = response.json().await.unwrap();
    assert_shape("gms_request_chat", &created);
    assert_positions_consistent(&created);
    let chat = Gms::start(&server, "Pat").await;
    chat.op("send", &[("message", "hi")]).await;
    let body = chat
        .wait_for(|m| m["type"] == "Message" && m["from"]["type"] == "Agent")
        .await;
    assert_positions_consistent(&body);
    for message in body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] == "Message")
    {
        assert_shape("gms_message_event", message);
    }
    let (_, error) = chat.op("send", &[("message", "too long")]).await;
    assert_shape("gms_error", &error);
}

#[tokio::test]
async fn cloud_create_frames_members_and_errors_match_the_documented_shapes() {
    let server = start(|_| {}).await;
    let created = common::http()
        .post(Cloud::base(&server))
        .json(&json!({"memberInfo": {"displayName": "Pat"}}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_shape("cloud_create", &created);
    let guest = Cloud::start(&server, "Pat").await;
    let mut socket = guest.connect().await;
    let frames = frames_until(&mut socket, |f| f["eventBody"]["bodyType"] == "standard").await;
    for frame in &frames {
        match frame_kind(frame) {
            "message" => assert_shape("cloud_message_frame", frame),
            "member-change" => assert_shape("cloud_member_change_frame", frame),
            other => panic!("unexpected frame {other}"),
        }
    }
    let (_, me) = guest.get(&format!("/members/{}", guest.member)).await;
    assert_shape("cloud_member", &me);
    let (_, error) = guest.get("/members/nosuch").await;
    assert_shape("cloud_error", &error);
}

#[tokio::test]
async fn v3_poll_answers_and_errors_match_the_documented_shapes() {
    let server = start(no_auto_agent).await;
    let chat = V3::start(&server, "Pat").await;
    AgentApi::new(&server)
        .post(
            &format!("/sessions/{}/messages", chat.sid),
            json!({"text": "hi"}),
        )
        .await;
    assert_shape("v3_poll", &chat.poll("").await);
    let lost = chat
        .http
        .get(format!("{}/nosuch/messages", chat.base))
        .header("x-api-key", "k")
        .send()
        .await
        .unwrap();
    assert_shape("v3_error", &lost.json::<Value>().await.unwrap());
}
