//! Issue 10: every failed server call publishes `error` with the AJAX response the command is
//! rejected with (and the chat goes on); the page's custom headers changed mid-chat reach the
//! next request; configure sets the `capabilities` data key.

use super::*;

/// The GMS error answer every failing call gets here.
const REFUSED: &str = r#"{"statusCode":2,"errors":[{"code":100,"message":"refused"}]}"#;

/// Runs `command` on a started chat and answers its request with `REFUSED` (or a network
/// failure): the command is rejected with the AJAX object, which `error` carries too.
fn refused(h: &mut Harness, command: Command, network: bool) -> (Reply, Vec<Effect>) {
    let (id, fx) = h.user(command);
    let (rid, _) = request(&fx);
    let fx = if network {
        h.fail(rid)
    } else {
        h.answer(rid, 400, REFUSED)
    };
    (rejection(&fx, id), fx)
}

#[test]
fn a_failed_server_call_publishes_error_with_the_rejection_and_the_chat_goes_on() {
    let commands = [
        Command::SendMessage(json!({"message": "hi"})),
        Command::SendTyping(json!({"message": "hi"})),
        Command::SendCustomNotice(json!({"message": "hi"})),
        Command::UpdateUserData(json!({"k": "v"})),
    ];
    for network in [false, true] {
        for command in commands.clone() {
            if network && matches!(command, Command::SendMessage(_)) {
                // Unreachable, a message waits in the outbox as pending (outbox tests).
                continue;
            }
            let mut h = Harness::started();
            let name = format!("{command:?}");
            let (Reply::Json(rejected), fx) = refused(&mut h, command, network) else {
                panic!("{name}: not rejected with the AJAX object")
            };
            assert!(rejected.is_object(), "{name}: {rejected:?}");
            assert!(events(&fx).contains(&"error"), "{name}: {:?}", events(&fx));
            assert_eq!(payload(&fx, "error"), rejected, "{name}");
            assert!(!events(&fx).contains(&"ended"), "{name}");
            assert_eq!(h.chat.phase(), Phase::Active, "{name}: the chat goes on");
        }
    }
}

#[test]
fn a_refused_server_status_in_the_envelope_is_a_failed_call_too() {
    let mut h = Harness::started();
    let (id, fx) = h.user(Command::SendMessage(json!({"message": "hi"})));
    let (rid, _) = request(&fx);
    let fx = h.answer(
        rid,
        200,
        r#"{"statusCode":2,"chatEnded":false,"messages":[]}"#,
    );
    let Reply::Json(rejected) = rejection(&fx, id) else {
        panic!("not json")
    };
    assert_eq!(events(&fx), vec!["error"]);
    assert_eq!(payload(&fx, "error"), rejected);
}

#[test]
fn the_private_poll_command_failing_publishes_error_but_automatic_polls_do_not() {
    let mut h = Harness::started();
    let (id, fx) = h.cmd(SELF_NAME_, Command::Poll);
    let (rid, _) = request(&fx);
    let fx = h.fail(rid);
    assert!(matches!(rejection(&fx, id), Reply::Json(_)));
    assert_eq!(events(&fx), vec!["error"]);
    let (rid, _) = h.poll();
    assert!(
        events(&h.fail(rid)).is_empty(),
        "a failed automatic poll counts towards pollExceptionLimit instead"
    );
}

#[test]
fn a_failed_end_chat_publishes_error_before_ended() {
    let mut h = Harness::started();
    let (id, fx) = h.user(Command::EndChat);
    let (rid, _) = request(&fx);
    let fx = h.answer(rid, 400, REFUSED);
    assert!(matches!(rejection(&fx, id), Reply::Json(_)));
    let seen = events(&fx);
    let error = seen.iter().position(|e| *e == "error").expect("error");
    let ended = seen.iter().position(|e| *e == "ended").expect("ended");
    assert!(error < ended, "{seen:?}");
}

#[test]
fn an_unreachable_end_chat_publishes_error_and_keeps_the_chat() {
    let mut h = Harness::started();
    let (id, fx) = h.user(Command::EndChat);
    let (rid, _) = request(&fx);
    let fx = h.fail(rid);
    assert!(matches!(rejection(&fx, id), Reply::Json(_)));
    assert_eq!(events(&fx), vec!["error"]);
    assert_eq!(h.chat.phase(), Phase::Active);
}

#[test]
fn typing_from_the_preview_input_that_fails_publishes_error() {
    let mut h = Harness::started();
    h.user(Command::RegisterTypingPreviewInput(PreviewInput::TextField));
    let fx = h.chat.handle(Input::PreviewKey { text: "h".into() }, h.now);
    let (rid, r) = request(&fx);
    assert!(r.url.ends_with("/startTyping"), "{}", r.url);
    assert_eq!(events(&h.fail(rid)), vec!["error"]);
}

#[test]
fn refusals_decided_locally_publish_no_error() {
    let mut h = Harness::started();
    let (_, fx) = h.user(Command::SendMessage(json!({"message": ""})));
    assert!(events(&fx).is_empty());
    let (_, fx) = h.user(Command::SendFile(None));
    assert!(!events(&fx).contains(&"error"), "{:?}", events(&fx));
}

#[test]
fn configure_sets_the_capabilities_data_key() {
    let (_, fx) = Harness::configured_with(json!({"dataURL": DATA_URL}), None);
    let expected = json!({"polling": true, "push": false, "fileUpload": true,
        "customNotice": true, "updateUserData": true, "verifySession": true, "async": false});
    assert!(
        fx.contains(&Effect::SetData {
            key: "capabilities",
            value: expected.clone()
        }),
        "{fx:#?}"
    );
    assert!(
        events(&fx).is_empty(),
        "no capabilitiesChanged: {:?}",
        events(&fx)
    );
    let (_, bad) = Harness::configured_with(json!({"dataURL": 5}), None);
    assert!(
        !bad.iter().any(|e| matches!(e, Effect::SetData { .. })),
        "a bad configuration has no transport, so no capabilities"
    );
}

fn with_headers(extra: Json) -> Harness {
    let mut webchat = json!({"dataURL": DATA_URL, "apikey": "k", "enableCustomHeader": true});
    if let (Json::Object(w), Json::Object(e)) = (&mut webchat, &extra) {
        w.assign(e);
    }
    let (mut h, _) = Harness::configured_with(webchat, None);
    let fx = h.start(json!({"nickname": "Jo"}));
    let (rid, _) = request(&fx);
    h.answer(rid, 200, START_OK);
    h
}

fn header_list(r: &HttpRequest) -> Vec<(&str, &str)> {
    r.headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

#[test]
fn custom_headers_changed_mid_chat_reach_the_next_poll_and_send() {
    let mut h = with_headers(json!({}));
    let (rid, r) = h.poll();
    assert_eq!(header_list(&r), vec![("apikey", "k")]);
    h.answer(rid, 200, &envelope(&[]));
    h.chat.set_custom_headers(&[
        ("Authorization".into(), "Bearer 1".into()),
        ("X-Trace".into(), "t".into()),
    ]);
    let (_, fx) = h.user(Command::SendMessage(json!({"message": "hi"})));
    let (_, r) = request(&fx);
    assert_eq!(
        header_list(&r),
        vec![
            ("apikey", "k"),
            ("Authorization", "Bearer 1"),
            ("X-Trace", "t")
        ]
    );
    h.chat.set_custom_headers(&[("X-Trace".into(), "t".into())]);
    let (_, r) = h.poll();
    assert!(r.url.ends_with("/refresh"), "{}", r.url);
    assert_eq!(header_list(&r), vec![("apikey", "k"), ("X-Trace", "t")]);
}

#[test]
fn custom_headers_follow_the_apikey_and_none_are_sent_without_the_option() {
    let mut h = with_headers(json!({}));
    h.chat
        .set_custom_headers(&[("APIKEY".into(), "page".into())]);
    let (_, r) = h.poll();
    assert_eq!(header_list(&r), vec![("apikey", "k"), ("APIKEY", "page")]);
    let mut off = with_headers(json!({"enableCustomHeader": false}));
    off.chat
        .set_custom_headers(&[("Authorization".into(), "Bearer 1".into())]);
    let (_, r) = off.poll();
    assert_eq!(header_list(&r), vec![("apikey", "k")]);
}
