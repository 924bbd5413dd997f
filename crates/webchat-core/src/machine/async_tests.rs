//! Async mode (Engage v3 with `transport.async.enabled`) through the machine and the real v3
//! session: restore from customer-held session data, `restored {async: true}`, getSessionData's
//! sink called only when the data changes, lost sessions, and fetchHistory paging.

use super::test_effects::{published, settled};
use super::*;
use crate::command::{Command, Environment, PageInfo};
use crate::drive::{CommandId, Effect, Input, Reply, RequestId};
use crate::filter::SubstringMatcher;
use crate::http::{HttpOutcome, HttpRequest};
use crate::json::testing;
use crate::texts;

/// `{sessionId: "abc123", transportId: "emulator", participantId: "1"}`.
const TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZXNzaW9uSWQiOiJhYmMxMjMiLCJ0cmFuc3BvcnRJZCI6ImVtdWxhdG9yIiwicGFydGljaXBhbnRJZCI6IjEifQ.c2ln";
const T0: u64 = 5_000_000;

struct Harness {
    chat: WebChat<SubstringMatcher>,
    now: u64,
    next: u64,
}

fn session_data() -> Json {
    json!({"participantId": "1", "sessionId": "abc123", "token": TOKEN, "transportId": "emulator"})
}

fn started_answer() -> String {
    crate::http::concat(&[r#"{"data":{"clientToken":""#, TOKEN, r#""}}"#])
}

/// An answer with agent texts `from..from + count`.
fn batch(from: u64, count: u64) -> String {
    let list: Vec<String> = (from..from + count)
        .map(|i| {
            let i = crate::json::number_text(i as f64);
            crate::http::concat(&[
                r#"{"index":""#,
                &i,
                r#"","utcTime":1,"type":"Text","text":"m"#,
                &i,
                r#"","from":{"nickname":"Ann","type":"Agent","participantId":"2"}}"#,
            ])
        })
        .collect();
    crate::http::concat(&[
        r#"{"data":{"messages":["#,
        &list.join(","),
        r#"],"chatEnded":false}}"#,
    ])
}

impl Harness {
    /// Configured for async v3, with what setSessionData returned (`stored`).
    fn new(async_enabled: bool, stored: Option<Json>) -> (Self, Vec<Effect>) {
        let env = Environment {
            stored_session: stored,
            ..Default::default()
        };
        Self::configured(async_enabled, env)
    }

    /// Configured for v3 (async or not) with `env`.
    fn configured(async_enabled: bool, env: Environment) -> (Self, Vec<Effect>) {
        let mut h = Self {
            chat: WebChat::new(SubstringMatcher),
            now: T0,
            next: 1,
        };
        let webchat = json!({"transport": {"type": "pureengage-v3-rest",
            "dataURL": "https://n/nexus/v3/chat/sessions", "endpoint": "ep",
            "headers": {"x-api-key": "k"}, "async": {"enabled": async_enabled}}});
        let fx = h
            .command("WebChatService", Command::Configure { webchat, env })
            .1;
        (h, fx)
    }

    /// A plugin's startChat, answered with the token: the answer's effects.
    fn start(&mut self) -> Vec<Effect> {
        let start = Command::StartChat {
            data: json!({"form": {"nickname": "Jo"}}),
            page: PageInfo::default(),
        };
        let (_, fx) = self.command("MyPlugin", start);
        let (id, _) = request(&fx);
        self.answer(id, 200, &started_answer())
    }

    fn command(&mut self, caller: &str, command: Command) -> (CommandId, Vec<Effect>) {
        let id = CommandId(self.next);
        self.next += 1;
        let input = Input::Command {
            id,
            caller: caller.into(),
            command,
        };
        (id, self.chat.handle(input, self.now))
    }

    fn answer(&mut self, id: RequestId, status: u16, text: &str) -> Vec<Effect> {
        let outcome = HttpOutcome::Response {
            status,
            body: testing::body(text),
        };
        self.chat.handle(Input::Http { id, outcome }, self.now)
    }

    /// Runs the timer if due.
    fn tick(&mut self, at: u64) -> Vec<Effect> {
        self.now = at;
        if self.chat.poll_timeout().is_some_and(|due| due <= at) {
            self.chat.handle(Input::Timeout, at)
        } else {
            Vec::new()
        }
    }

    /// Answers the resume and the replay of a restore that `fx` began.
    fn finish_restore(&mut self, fx: &[Effect], replay: &str) -> Vec<Effect> {
        let (id, resume) = request(fx);
        assert!(
            resume
                .headers
                .contains(&("x-nexus-client-key".into(), TOKEN.into()))
        );
        let fx = self.answer(id, 200, &started_answer());
        let (id, _) = request(&fx);
        self.answer(id, 200, replay)
    }
}

fn request(fx: &[Effect]) -> (RequestId, HttpRequest) {
    fx.iter()
        .find_map(|e| match e {
            Effect::Http { id, request } => Some((*id, request.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no request in {fx:?}"))
}

/// The values of the `SaveSession` effects in `fx` (`outbox`: of the `SaveOutbox` ones).
fn saved_values(fx: &[Effect], outbox: bool) -> Vec<Json> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::SaveSession { value } if !outbox => Some(value.clone()),
            Effect::SaveOutbox { value } if outbox => Some(value.clone()),
            _ => None,
        })
        .collect()
}

fn saved(fx: &[Effect]) -> Vec<Json> {
    saved_values(fx, false)
}

/// The indexes of every messageReceived, and whether the batch was `restoring`.
fn indexes(fx: &[Effect]) -> Vec<(u64, bool)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::PublishMessages { payload } => Some(payload),
            _ => None,
        })
        .flat_map(|p| {
            let restoring = p["restoring"] == true;
            p["messages"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |m| (m["index"].as_u64().unwrap_or(0), restoring))
        })
        .collect()
}

#[test]
fn session_data_from_set_session_data_restores_with_async_true_and_the_newest_page() {
    for stored in [session_data(), Json::String(TOKEN.into())] {
        let (mut h, fx) = Harness::new(true, Some(stored));
        assert!(published(&fx, Event::RestoreTimeout).is_empty());
        let fx = h.finish_restore(&fx, &batch(1, 45));
        assert_eq!(published(&fx, Event::Restored), [json!({"async": true})]);
        let got = indexes(&fx);
        assert_eq!(got.first(), Some(&(26, true)));
        assert_eq!(got.len(), 20);
        // The customer holds this data already: getSessionData is not called for it.
        assert!(saved(&fx).is_empty(), "{fx:?}");
        let sent = fx.iter().any(|e| matches!(e, Effect::PublishMessages { payload }
            if payload["sessionData"] == json!({"participantId": "1", "sessionId": "abc123", "transportId": "emulator"})));
        assert!(
            sent,
            "messageReceived carries sessionData without the token"
        );
        assert!(
            !format!("{fx:?}").contains(TOKEN),
            "no effect carries the token"
        );
    }
}

#[test]
fn nothing_from_set_session_data_restores_nothing() {
    for stored in [None, Some(Json::Null), Some(json!("")), Some(json!({}))] {
        let (_, fx) = Harness::new(true, stored);
        assert!(
            !fx.iter().any(|e| matches!(e, Effect::Http { .. })),
            "{fx:?}"
        );
    }
}

#[test]
fn a_started_async_chat_hands_its_session_data_to_the_sink_once() {
    let (mut h, _) = Harness::new(true, None);
    let fx = h.start();
    assert_eq!(saved(&fx), [session_data()]);
    let mut later = Vec::new();
    for n in 0..3u64 {
        let fx = h.tick(T0 + n * 3000);
        if let Some((id, _)) = fx.iter().find_map(|e| match e {
            Effect::Http { id, request } => Some((*id, request.clone())),
            _ => None,
        }) {
            later.extend(h.answer(id, 200, &batch(n + 1, 1)));
        }
    }
    assert!(
        saved(&later).is_empty(),
        "unchanged data is not handed out again"
    );
}

#[test]
fn restore_is_public_in_async_mode_and_takes_the_jwt() {
    let (mut h, _) = Harness::new(true, None);
    let data = json!({"sessionData": TOKEN});
    let (id, fx) = h.command("MyPlugin", Command::Restore(data));
    let fx = h.finish_restore(&fx, &batch(1, 3));
    assert_eq!(settled(&fx, id), Some((true, Reply::Undefined)));
    assert_eq!(published(&fx, Event::Restored), [json!({"async": true})]);
    let (id, fx) = h.command("MyPlugin", Command::Restore(json!({"sessionData": TOKEN})));
    assert_eq!(
        settled(&fx, id),
        Some((false, Reply::text(texts::RESTORE_WHILE_ACTIVE)))
    );
    let (id, fx) = h.command("MyPlugin", Command::VerifySession);
    assert_eq!(
        settled(&fx, id),
        Some((false, Reply::text(texts::NO_VERIFY_SESSION)))
    );
}

#[test]
fn outside_async_mode_restore_stays_private() {
    let (mut h, _) = Harness::new(false, None);
    let (id, fx) = h.command("MyPlugin", Command::Restore(json!({"sessionData": TOKEN})));
    assert_eq!(
        settled(&fx, id),
        Some((false, Reply::text(texts::PRIVATE_RESTORE)))
    );
}

#[test]
fn a_lost_async_session_reports_the_error_and_clears_the_customer_data() {
    let (mut h, fx) = Harness::new(true, Some(session_data()));
    let (id, _) = request(&fx);
    let fx = h.answer(
        id,
        404,
        r#"{"status":{"code":"INVALID_SESSION","message":"gone"}}"#,
    );
    let errors = published(&fx, Event::Error);
    assert_eq!(errors.len(), 1, "{fx:?}");
    assert_eq!(
        errors[0]["responseJSON"]["status"]["code"],
        "INVALID_SESSION"
    );
    let error_at = fx.iter().position(|e| {
        matches!(
            e,
            Effect::Publish {
                event: Event::Error,
                ..
            }
        )
    });
    let clear_at = fx.iter().position(|e| matches!(e, Effect::ClearSession));
    assert!(
        error_at < clear_at,
        "the error comes first, for deleteSessionData's errorData"
    );
    assert_eq!(published(&fx, Event::RestoreFailed).len(), 1);
}

#[test]
fn fetch_history_pages_older_messages_once_then_says_no_more() {
    let (mut h, fx) = Harness::new(true, Some(session_data()));
    h.finish_restore(&fx, &batch(1, 30));
    let (id, fx) = h.command("MyPlugin", Command::FetchHistory);
    let (request_id, page) = request(&fx);
    assert!(page.url.contains("index=1&count=10"), "{}", page.url);
    let fx = h.answer(request_id, 200, &batch(1, 30));
    assert_eq!(
        indexes(&fx),
        (1..=10).map(|i| (i, true)).collect::<Vec<_>>()
    );
    assert!(matches!(settled(&fx, id), Some((true, Reply::Json(_)))));
    let (id, fx) = h.command("MyPlugin", Command::FetchHistory);
    assert_eq!(
        settled(&fx, id),
        Some((false, Reply::text(texts::NO_MORE_HISTORY)))
    );
    let transcript = h.command("MyPlugin", Command::GetTranscript).1;
    let Some((true, Reply::Json(t))) = settled(&transcript, CommandId(h.next - 1)) else {
        panic!("{transcript:?}")
    };
    let order: Vec<u64> = t["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|m| m["index"].as_u64())
        .collect();
    assert_eq!(
        order,
        (1..=30).collect::<Vec<_>>(),
        "getTranscript is in index order"
    );
}

// The outbox in async mode (`async_outbox.rs`): kept in localStorage apart from the site-held
// session data, taken back by a restore of the same session, reported failed otherwise.

/// A configured async harness with both the site's session data and the stored outbox.
fn with_outbox(session: Option<Json>, outbox: Json) -> (Harness, Vec<Effect>) {
    let env = Environment {
        stored_session: session,
        stored_outbox: Some(outbox),
        ..Default::default()
    };
    Harness::configured(true, env)
}

/// The `SaveOutbox` values in `fx`.
fn outbox_saves(fx: &[Effect]) -> Vec<Json> {
    saved_values(fx, true)
}

/// The customer-message POST in `fx` (`data[type]=Text`).
fn send_request(fx: &[Effect]) -> Option<RequestId> {
    fx.iter().find_map(|e| match e {
        Effect::Http { id, request } if format!("{:?}", request.body).contains("Text") => Some(*id),
        _ => None,
    })
}

/// An async chat started, with "one" and "two" queued while the server is unreachable: the
/// last outbox value written.
fn queued_offline() -> Json {
    let (mut h, _) = Harness::new(true, None);
    h.start();
    let mut saves = Vec::new();
    let (_, fx) = h.command("MyPlugin", Command::SendMessage(json!({"message": "one"})));
    let Some(send) = send_request(&fx) else {
        panic!("the first message goes at once: {fx:?}")
    };
    saves.extend(outbox_saves(&fx));
    let (_, fx) = h.command("MyPlugin", Command::SendMessage(json!({"message": "two"})));
    saves.extend(outbox_saves(&fx));
    let fx = h.chat.handle(
        Input::Http {
            id: send,
            outcome: HttpOutcome::NetworkError,
        },
        h.now,
    );
    assert_eq!(published(&fx, Event::MessagePending).len(), 2, "{fx:?}");
    saves.extend(outbox_saves(&fx));
    let Some(last) = saves.pop() else {
        panic!("the outbox was written")
    };
    assert_eq!(last["sessionId"], "abc123");
    let texts: Vec<_> = last["outbox"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|q| q["text"].clone())
        .collect();
    assert_eq!(texts, [json!("one"), json!("two")]);
    assert!(
        !format!("{last:?}").contains(TOKEN),
        "the token stays with the site"
    );
    assert!(saved(&fx).is_empty(), "the site's data is not touched");
    last
}

#[test]
fn an_async_outbox_survives_a_reload_and_is_delivered_once_in_order() {
    let stored = queued_offline();
    let ids: Vec<_> = stored["outbox"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|q| q["clientId"].clone())
        .collect();
    let (mut h, fx) = with_outbox(Some(session_data()), stored);
    assert!(
        outbox_saves(&fx).is_empty(),
        "kept until the restore decides"
    );
    let fx = h.finish_restore(&fx, &batch(1, 2));
    let pending: Vec<_> = published(&fx, Event::MessagePending)
        .iter()
        .map(|m| m["clientId"].clone())
        .collect();
    assert_eq!(pending, ids, "pending again, same client ids, in order");
    // The first one's answer was lost: the poll catches the transcript up before it goes again.
    let mut delivered = Vec::new();
    let mut sends = 0;
    let mut queue: Vec<(RequestId, bool)> = Vec::new();
    let mut fx = fx;
    for _ in 0..10 {
        queue.extend(fx.iter().filter_map(|e| match e {
            Effect::Http { id, request } => {
                Some((*id, format!("{:?}", request.body).contains("Text")))
            }
            _ => None,
        }));
        let Some((id, is_send)) = queue.pop() else {
            break;
        };
        sends += usize::from(is_send);
        let body = if is_send {
            r#"{"data":{}}"#
        } else {
            r#"{"data":{"messages":[],"chatEnded":false}}"#
        };
        fx = h.answer(id, 200, body);
        delivered.extend(published(&fx, Event::MessageDelivered));
        if delivered.len() == 2 {
            break;
        }
    }
    assert_eq!(sends, 2, "each sent once");
    let texts: Vec<_> = delivered.iter().map(|d| d["text"].clone()).collect();
    assert_eq!(texts, [json!("one"), json!("two")]);
    assert_eq!(
        outbox_saves(&fx),
        [Json::Null],
        "the stored queue is removed"
    );
}

#[test]
fn an_async_outbox_that_cannot_be_resumed_fails_with_the_chat_ended_reason() {
    let reason = json!(texts::OUTBOX_CHAT_ENDED);
    // The session is lost: the restore fails.
    let (mut h, fx) = with_outbox(Some(session_data()), queued_offline());
    let (id, _) = request(&fx);
    let fx = h.answer(id, 404, r#"{"status":{"code":"INVALID_SESSION"}}"#);
    let failed = published(&fx, Event::MessageFailed);
    assert_eq!(failed.len(), 2, "{fx:?}");
    assert!(failed.iter().all(|f| f["reason"] == reason));
    assert_eq!(outbox_saves(&fx), [Json::Null]);

    // The site restores another session, or starts a new chat.
    let other = json!({"sessionId": "another", "outbox": queued_offline()["outbox"].clone()});
    let (mut h, fx) = with_outbox(Some(session_data()), other);
    let failed = published(&fx, Event::MessageFailed);
    let fx = h.finish_restore(&fx, &batch(1, 2));
    assert_eq!(failed.len(), 2, "{fx:?}");
    assert!(failed.iter().all(|f| f["reason"] == reason));
    assert!(
        send_request(&fx).is_none(),
        "another session's messages never go"
    );

    let (mut h, _) = with_outbox(None, queued_offline());
    let fx = h.start();
    assert_eq!(published(&fx, Event::MessageFailed).len(), 2, "{fx:?}");
    assert_eq!(outbox_saves(&fx), [Json::Null]);
}
