//! GMS v2 codec tests: exact form fields and envelope parsing.

use crate::http::ResponseBody;
use crate::json;
use crate::json::{Json, Object, testing};

use super::*;
use crate::config::WebChatConfig;
use crate::drive::CommandId;

const EXAMPLE: &str = r#"{"statusCode":0,"alias":"117","userId":"007555677B20000A","secureKey":"4ee15d7e1c343c8e",
"messages":[{"from":{"nickname":"First Last","participantId":1,"type":"Client"},"index":1,
"type":"ParticipantJoined","utcTime":1432845088000}],"chatId":"00048aAPEQJ8000U"}"#;

fn gms(config: Json, env: &Environment) -> GmsWire {
    let c = WebChatConfig::parse(&config).unwrap();
    let crate::config::TransportConfig::Gms(g) = &c.transport else {
        panic!("not gms")
    };
    GmsWire::new(g, c.ajax_timeout_ms, env)
}

fn codec() -> GmsWire {
    gms(
        json!({"dataURL": "http://h/genesys/2/chat/cs"}),
        &Environment::default(),
    )
}

fn keys() -> GmsKeys {
    GmsKeys {
        chat_id: "00048aAPEQJ8000U".into(),
        user_id: "007555677B20000A".into(),
        secure_key: "4ee15d7e1c343c8e".into(),
        alias: "117".into(),
    }
}

fn http(r: HttpRequest) -> HttpRequest {
    r
}

fn fields(r: &HttpRequest) -> Vec<(String, String)> {
    match &r.body {
        Body::Form(f) => f.clone(),
        other => panic!("not a form: {other:?}"),
    }
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

fn ok(body: &str) -> HttpOutcome {
    HttpOutcome::Response {
        status: 200,
        body: testing::body(body),
    }
}

fn done(reply: Reply) -> Answer {
    match reply {
        Reply::Done(a) => *a,
        other => panic!("not done: {other:?}"),
    }
}

#[test]
fn request_chat_posts_to_data_url_slash_with_empty_keys_and_text() {
    let mut ud = Object::new();
    ud.insert("GCTI_LanguageCode", json!("en"));
    ud.insert("_genesys_url", json!("http://page/"));
    let form = StartForm {
        nickname: Some("Jonny".into()),
        first_name: Some("Johnathan".into()),
        last_name: Some("Smith".into()),
        email: Some("jon@mail.com".into()),
        subject: Some("questions".into()),
    };
    let r = http(codec().build(
        &Call::RequestChat {
            form,
            user_data: ud,
        },
        None,
    ));
    assert_eq!(r.method, Method::Post);
    assert_eq!(r.url, "http://h/genesys/2/chat/cs/");
    assert_eq!(r.timeout_ms, 3000);
    assert_eq!(
        fields(&r),
        pairs(&[
            ("nickname", "Jonny"),
            ("firstName", "Johnathan"),
            ("lastName", "Smith"),
            ("emailAddress", "jon@mail.com"),
            ("subject", "questions"),
            ("alias", ""),
            ("secureKey", ""),
            ("userId", ""),
            ("text", ""),
            ("userData[GCTI_LanguageCode]", "en"),
            ("userData[_genesys_url]", "http://page/"),
        ])
    );
}

#[test]
fn request_chat_without_nickname_uses_first_and_last_name() {
    let form = StartForm {
        first_name: Some("A".into()),
        last_name: Some("B".into()),
        ..StartForm::default()
    };
    let r = http(codec().build(
        &Call::RequestChat {
            form,
            user_data: Object::new(),
        },
        None,
    ));
    assert_eq!(r.body.form_field("nickname"), Some("A B"));
}

#[test]
fn send_carries_message_type_text_and_no_transcript_position() {
    let r = http(codec().build(&Call::Send { text: "hi".into() }, Some(&keys())));
    assert_eq!(r.url, "http://h/genesys/2/chat/cs/00048aAPEQJ8000U/send");
    assert_eq!(
        fields(&r),
        pairs(&[
            ("userId", "007555677B20000A"),
            ("secureKey", "4ee15d7e1c343c8e"),
            ("alias", "117"),
            ("message", "hi"),
            ("messageType", "text"),
        ])
    );
}

#[test]
fn refresh_asks_for_the_given_transcript_position() {
    let op = Call::Refresh {
        position: 8,
        preview: String::new(),
    };
    let r = http(codec().build(&op, Some(&keys())));
    assert_eq!(r.url, "http://h/genesys/2/chat/cs/00048aAPEQJ8000U/refresh");
    assert_eq!(r.body.form_field("transcriptPosition"), Some("8"));
    assert_eq!(r.body.form_field("message"), Some(""));
}

#[test]
fn typing_disconnect_notice_limits_and_update_use_their_paths() {
    let c = codec();
    let k = Some(keys());
    let url = |op: Call| http(c.build(&op, k.as_ref())).url;
    let base = "http://h/genesys/2/chat/cs/00048aAPEQJ8000U";
    assert_eq!(
        url(Call::StartTyping {
            position: 3,
            text: "a".into()
        }),
        format!("{base}/startTyping")
    );
    assert_eq!(
        url(Call::StopTyping {
            position: 3,
            text: String::new()
        }),
        format!("{base}/stopTyping")
    );
    assert_eq!(url(Call::Disconnect), format!("{base}/disconnect"));
    assert_eq!(
        url(Call::CustomNotice { text: "x".into() }),
        format!("{base}/customNotice")
    );
    assert_eq!(url(Call::FileLimits), format!("{base}/file/limits"));
    assert_eq!(
        url(Call::DownloadFile {
            file_id: "f 1".into()
        }),
        format!("{base}/file/f%201/download")
    );
    let typing = http(c.build(
        &Call::StartTyping {
            position: 3,
            text: "a".into(),
        },
        k.as_ref(),
    ));
    assert_eq!(typing.body.form_field("transcriptPosition"), Some("3"));
    assert_eq!(typing.body.form_field("message"), Some("a"));
    let notice = http(c.build(&Call::CustomNotice { text: "bye".into() }, k.as_ref()));
    assert_eq!(notice.body.form_field("message"), Some("bye"));
    let mut ud = Object::new();
    ud.insert("firstname", json!("Joe"));
    let upd = http(c.build(&Call::UpdateData { user_data: ud }, k.as_ref()));
    assert_eq!(upd.url, format!("{base}/updateData"));
    assert_eq!(upd.body.form_field("userData[firstname]"), Some("Joe"));
    assert_eq!(upd.body.form_field("secureKey"), Some("4ee15d7e1c343c8e"));
}

#[test]
fn file_upload_is_multipart_with_the_keys_and_the_glues_file() {
    let r = http(codec().build(
        &Call::UploadFile {
            command: CommandId(9),
            file_index: 1,
        },
        Some(&keys()),
    ));
    assert_eq!(r.url, "http://h/genesys/2/chat/cs/00048aAPEQJ8000U/file");
    let Body::Multipart(parts) = r.body else {
        panic!("not multipart")
    };
    assert_eq!(parts.len(), 4);
    assert_eq!(
        parts[0],
        Part::Text {
            name: "userId".into(),
            value: "007555677B20000A".into()
        }
    );
    assert_eq!(
        parts[3],
        Part::File {
            name: "file".into(),
            command: CommandId(9),
            file_index: 1
        }
    );
}

#[test]
fn apikey_and_custom_headers_are_attached_when_configured() {
    let env = Environment {
        custom_headers: vec![("Authorization".into(), "Bearer t".into())],
        ..Default::default()
    };
    let c = gms(
        json!({"dataURL": "u", "apikey": "k", "enableCustomHeader": true, "ajaxTimeout": 100}),
        &env,
    );
    let r = http(c.build(&Call::Disconnect, Some(&keys())));
    assert_eq!(
        r.headers,
        vec![
            ("apikey".into(), "k".into()),
            ("Authorization".into(), "Bearer t".into())
        ]
    );
    assert_eq!(r.timeout_ms, 100);
    let plain = gms(json!({"dataURL": "u"}), &env);
    assert!(
        http(plain.build(&Call::Disconnect, None))
            .headers
            .is_empty()
    );
}

#[test]
fn the_documented_example_envelope_parses_into_keys_and_a_client_join() {
    let a = done(codec().parse(
        &Call::RequestChat {
            form: StartForm::default(),
            user_data: Object::new(),
        },
        None,
        &ok(EXAMPLE),
    ));
    assert_eq!(a.keys, Some(keys()));
    assert_eq!(a.chat_ended, None);
    assert_eq!(a.raw_messages.len(), 1);
    let m = &a.messages[0];
    assert_eq!(m.index, Some(1));
    assert_eq!(m.kind, "ParticipantJoined");
    assert_eq!(m.timestamp, 1_432_845_088_000);
    assert_eq!(m.from.name, "First Last");
    assert_eq!(m.from.kind, SenderType::Client);
    assert_eq!(m.from.participant_id, "1");
    assert_eq!(a.body["chatId"], "00048aAPEQJ8000U");
}

#[test]
fn an_alias_change_is_followed_and_missing_keys_are_kept() {
    let refresh = Call::Refresh {
        position: 2,
        preview: String::new(),
    };
    let a = done(codec().parse(
        &refresh,
        Some(&keys()),
        &ok(r#"{"statusCode":0,"alias":"205","chatEnded":false}"#),
    ));
    let Some(GmsKeys { alias, chat_id, .. }) = a.keys else {
        panic!("no keys")
    };
    assert_eq!(
        (alias.as_str(), chat_id.as_str()),
        ("205", "00048aAPEQJ8000U")
    );
    assert_eq!(a.chat_ended, Some(false));
}

#[test]
fn status_codes_one_and_two_and_http_400_are_classified() {
    let c = codec();
    let op = Call::Refresh {
        position: 1,
        preview: String::new(),
    };
    assert!(matches!(
        c.parse(&op, None, &ok(r#"{"statusCode":1}"#)),
        Reply::Transient(_)
    ));
    assert!(matches!(
        c.parse(&op, None, &ok(r#"{"statusCode":2,"chatEnded":true}"#)),
        Reply::Failed {
            chat_ended: true,
            ..
        }
    ));
    let bad = HttpOutcome::Response {
        status: 400,
        body: testing::body(r#"{"errors":[{"code":161,"message":"name required"}]}"#),
    };
    let Reply::Failed {
        error,
        chat_ended: false,
    } = c.parse(&op, None, &bad)
    else {
        panic!("not failed")
    };
    assert_eq!(error["responseJSON"]["errors"][0]["code"], 161);
    assert_eq!(error["status"], 400);
    assert!(matches!(
        c.parse(&op, None, &HttpOutcome::Timeout),
        Reply::Transient(_)
    ));
    let down = HttpOutcome::Response {
        status: 503,
        body: ResponseBody::default(),
    };
    assert!(matches!(c.parse(&op, None, &down), Reply::Transient(_)));
    assert!(matches!(
        c.parse(&op, None, &ok("<html>")),
        Reply::Transient(_)
    ));
}

#[test]
fn a_bot_is_recognised_from_party_info_style() {
    let body = r#"{"statusCode":0,"messages":[{"index":2,"type":"Message","utcTime":5,"text":"beep",
      "from":{"nickname":"Bot","participantId":3,"type":"External"},
      "eventAttributes":{"GCTI_SYSTEM":{"party-info":{"style":"BOT"}}}}]}"#;
    let a = done(codec().parse(
        &Call::Refresh {
            position: 2,
            preview: String::new(),
        },
        None,
        &ok(body),
    ));
    assert_eq!(a.messages[0].from.kind, SenderType::Bot);
    assert_eq!(a.messages[0].text, "beep");
}

#[test]
fn file_uploaded_carries_the_file_and_rejoined_maps_to_joined() {
    let body = r#"{"statusCode":0,"messages":[
      {"index":4,"type":"FileUploaded","utcTime":5,"text":"x.txt","from":{"nickname":"Me","participantId":1,"type":"Client"},
       "userData":{"file-id":"f1","file-name":"x.txt","file-size":"12"}},
      {"index":5,"type":"ParticipantRejoined","utcTime":6,"from":{"nickname":"A","participantId":2,"type":"Agent"}},
      {"type":"Message","text":"no index"}]}"#;
    let a = done(codec().parse(
        &Call::Refresh {
            position: 4,
            preview: String::new(),
        },
        None,
        &ok(body),
    ));
    assert_eq!(
        a.messages.len(),
        2,
        "a message without index is dropped, not a panic"
    );
    let file = a.messages[0].to_json();
    assert_eq!(
        file["file"],
        json!({"id": "f1", "name": "x.txt", "size": "12"})
    );
    assert_eq!(a.messages[1].kind, "ParticipantJoined");
    assert_eq!(
        a.messages[1].to_json()["originalType"],
        "ParticipantRejoined"
    );
}

#[test]
fn file_limits_are_read_from_the_first_message_user_data() {
    let body = r#"{"statusCode":0,"messages":[{"index":0,"type":"Notice","userData":{
      "upload-max-files":"5","upload-max-file-size":"100","upload-max-total-size":"300",
      "used-upload-max-files":"1","used-upload-max-total-size":"50","upload-file-types":"jpg:PNG:txt"}}]}"#;
    let a = done(codec().parse(&Call::FileLimits, Some(&keys()), &ok(body)));
    let l = a.file_limits.unwrap();
    assert_eq!(
        (l.max_files, l.max_file_size, l.max_total_size),
        (5, 100, 300)
    );
    assert_eq!((l.used_files, l.used_total_size), (1, 50));
    assert_eq!(l.file_types, vec!["jpg", "png", "txt"]);
}

#[test]
fn file_types_separated_by_semicolons_are_understood() {
    let body = r#"{"statusCode":0,"messages":[{"index":0,"type":"Notice","userData":{
      "upload-file-types":"jpg;pdf;txt"}}]}"#;
    let a = done(codec().parse(&Call::FileLimits, Some(&keys()), &ok(body)));
    assert_eq!(a.file_limits.unwrap().file_types, vec!["jpg", "pdf", "txt"]);
}

#[test]
fn get_session_data_names_gms_keys() {
    let v = GmsWire::session_data(Some(&keys()));
    assert_eq!(v["secureKey"], "4ee15d7e1c343c8e");
    assert_eq!(v["sessionID"], "00048aAPEQJ8000U");
    assert_eq!(v["alias"], "117");
    assert_eq!(v["userId"], "007555677B20000A");
    assert_eq!(GmsWire::session_data(None), json!({}));
}

#[test]
fn an_empty_answer_to_disconnect_is_success() {
    let reply = codec().parse(
        &Call::Disconnect,
        Some(&keys()),
        &HttpOutcome::Response {
            status: 204,
            body: ResponseBody::default(),
        },
    );
    assert!(matches!(reply, Reply::Done(_)));
}
