//! GMS v2 REST end to end: the session driven through `WebChat::handle` as the glue would, with
//! the exact form fields, envelopes, poll schedule and restore of the documented wire.

use crate::json;
use crate::json::{Json, testing};

use crate::command::{
    Command, Environment, FileInfo, FiltersArg, PageInfo, PreprocessorArg, PreviewInput,
};
use crate::drive::{CommandId, Effect, Input, Reply, RequestId};
use crate::filter::{Filters, Pattern, SubstringMatcher};
use crate::http::{Body, HttpOutcome, HttpRequest, Part};
use crate::machine::WebChat;
use crate::persist::PersistedSession;
use crate::session::SocketEvent;
use crate::session::gms::POLL_ACTIVE_MS;
use crate::timing::{AGENT_TYPING_TIMEOUT_MS, TYPING_IDLE_MS};
use crate::validate::Phase;

const DATA_URL: &str = "http://h/genesys/2/chat/cs";
const CHAT: &str = "http://h/genesys/2/chat/cs/00048aAPEQJ8000U";
const START_OK: &str = r#"{"statusCode":0,"alias":"117","userId":"007555677B20000A","secureKey":"4ee15d7e1c343c8e",
"messages":[{"from":{"nickname":"First Last","participantId":1,"type":"Client"},"index":1,
"type":"ParticipantJoined","utcTime":1432845088000}],"chatId":"00048aAPEQJ8000U"}"#;

struct Harness {
    chat: WebChat<SubstringMatcher>,
    now: u64,
    next_cmd: u64,
}

fn msg(index: u64, kind: &str, who: &str, pid: u64, text: &str) -> Json {
    json!({"index": index, "type": kind, "text": text, "utcTime": 1000 + index,
           "from": {"nickname": who, "participantId": pid, "type": who}})
}

fn envelope(messages: &[Json]) -> String {
    json!({"statusCode": 0, "chatEnded": false, "alias": "117", "messages": messages}).to_string()
}

impl Harness {
    fn configured_with(webchat: Json, stored: Option<String>) -> (Self, Vec<Effect>) {
        let mut h = Self {
            chat: WebChat::new(SubstringMatcher),
            now: 1_000_000,
            next_cmd: 1,
        };
        let env = Environment {
            custom_headers: vec![],
            // What the glue reads: blank is nothing, text that is not JSON is `null`.
            stored_session: stored
                .filter(|t| !t.trim().is_empty())
                .map(|t| testing::parse(&t).unwrap_or(Json::Null)),
            ..Default::default()
        };
        let fx = h.cmd(SELF_NAME_, Command::Configure { webchat, env }).1;
        (h, fx)
    }

    fn new() -> Self {
        Self::configured_with(
            json!({"dataURL": DATA_URL, "userData": {"fromConfig": "c"}}),
            None,
        )
        .0
    }

    /// Configured, started, and the start answer delivered.
    fn started() -> Self {
        let mut h = Self::new();
        let fx = h.start(json!({"nickname": "Jonny"}));
        let (id, _) = request(&fx);
        h.answer(id, 200, START_OK);
        h
    }

    fn cmd(&mut self, caller: &str, command: Command) -> (CommandId, Vec<Effect>) {
        let id = CommandId(self.next_cmd);
        self.next_cmd += 1;
        let fx = self.chat.handle(
            Input::Command {
                id,
                caller: caller.into(),
                command,
            },
            self.now,
        );
        (id, fx)
    }

    fn user(&mut self, command: Command) -> (CommandId, Vec<Effect>) {
        self.cmd("MyPlugin", command)
    }

    fn start(&mut self, data: Json) -> Vec<Effect> {
        let page = PageInfo {
            language: "fr".into(),
            url: "http://page/".into(),
            ..PageInfo::default()
        };
        self.user(Command::StartChat { data, page }).1
    }

    fn answer(&mut self, id: RequestId, status: u16, body: &str) -> Vec<Effect> {
        self.now += 10;
        let outcome = HttpOutcome::Response {
            status,
            body: testing::body(body),
        };
        self.chat.handle(Input::Http { id, outcome }, self.now)
    }

    fn fail(&mut self, id: RequestId) -> Vec<Effect> {
        self.chat.handle(
            Input::Http {
                id,
                outcome: HttpOutcome::NetworkError,
            },
            self.now,
        )
    }

    /// Moves the clock to the next deadline (or 500 ms on without one) and fires it.
    fn fire(&mut self) -> Vec<Effect> {
        self.now = match self.chat.poll_timeout() {
            Some(at) => at.max(self.now),
            None => self.now + 500,
        };
        self.chat.handle(Input::Timeout, self.now)
    }

    /// The delay until the next deadline.
    fn due_in(&self) -> Option<u64> {
        self.chat
            .poll_timeout()
            .map(|at| at.saturating_sub(self.now))
    }

    /// Fires the poll deadline and returns the refresh request.
    fn poll(&mut self) -> (RequestId, HttpRequest) {
        let fx = self.fire();
        request(&fx)
    }
}

const SELF_NAME_: &str = crate::validate::SELF_NAME;

fn request(fx: &[Effect]) -> (RequestId, HttpRequest) {
    fx.iter()
        .find_map(|e| match e {
            Effect::Http { id, request } => Some((*id, request.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no request in {fx:#?}"))
}

fn requests(fx: &[Effect]) -> usize {
    fx.iter()
        .filter(|e| matches!(e, Effect::Http { .. }))
        .count()
}

fn events(fx: &[Effect]) -> Vec<&'static str> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Publish { event, .. } => Some(event.name()),
            Effect::PublishMessages { .. } => Some("messageReceived"),
            _ => None,
        })
        .collect()
}

fn payload(fx: &[Effect], name: &str) -> Json {
    fx.iter()
        .find_map(|e| match e {
            Effect::Publish { event, payload } if event.name() == name => Some(payload.clone()),
            Effect::PublishMessages { payload } if name == "messageReceived" => {
                Some(payload.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no {name} in {fx:#?}"))
}

fn published_indexes(fx: &[Effect]) -> Vec<u64> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::PublishMessages { payload } => payload["messages"].as_array().cloned(),
            _ => None,
        })
        .flatten()
        .filter_map(|m| m["index"].as_u64())
        .collect()
}

fn resolution(fx: &[Effect], id: CommandId) -> Reply {
    fx.iter()
        .find_map(|e| match e {
            Effect::Resolve { id: i, reply } if *i == id => Some(reply.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{id:?} not resolved in {fx:#?}"))
}

fn rejection(fx: &[Effect], id: CommandId) -> Reply {
    fx.iter()
        .find_map(|e| match e {
            Effect::Reject { id: i, reply } if *i == id => Some(reply.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{id:?} not rejected in {fx:#?}"))
}

fn stored(fx: &[Effect]) -> Option<PersistedSession> {
    fx.iter().rev().find_map(|e| match e {
        Effect::SaveSession { value } => PersistedSession::from_storage(value).ok(),
        _ => None,
    })
}

// ----- configure ---------------------------------------------------------------------------------

#[test]
fn configure_resolves_once_and_a_second_call_is_rejected() {
    let (mut h, fx) = Harness::configured_with(json!({"dataURL": DATA_URL}), None);
    assert_eq!(resolution(&fx, CommandId(1)), Reply::Undefined);
    assert!(events(&fx).is_empty());
    let (id, fx) = h.cmd(
        SELF_NAME_,
        Command::Configure {
            webchat: json!({}),
            env: Environment::default(),
        },
    );
    assert_eq!(
        rejection(&fx, id),
        Reply::text("WebChatService is already configured.")
    );
}

#[test]
fn invalid_config_still_resolves_publishes_one_error_and_commands_name_the_problem() {
    let (mut h, fx) = Harness::configured_with(json!({"ajaxTimeout": 1}), None);
    assert_eq!(resolution(&fx, CommandId(1)), Reply::Undefined);
    assert_eq!(events(&fx), vec!["error"]);
    assert_eq!(
        payload(&fx, "error")["message"],
        "invalid webchat configuration: missing required `dataURL`"
    );
    let fx = h.start(json!({}));
    assert_eq!(
        rejection(&fx, CommandId(2)),
        Reply::text("invalid webchat configuration: missing required `dataURL`")
    );
    assert!(
        events(&fx).is_empty(),
        "the error event is published once only"
    );
    let (id, fx) = h.user(Command::GetTranscript);
    assert_eq!(resolution(&fx, id), Reply::Json(json!({"messages": []})));
}

#[test]
fn commands_before_configure_reject_with_not_configured() {
    let mut chat = WebChat::new(SubstringMatcher);
    let fx = chat.handle(
        Input::Command {
            id: CommandId(7),
            caller: "MyPlugin".into(),
            command: Command::EndChat,
        },
        0,
    );
    assert_eq!(
        rejection(&fx, CommandId(7)),
        Reply::text("webchat configuration has not been provided yet")
    );
}

// ----- starting ----------------------------------------------------------------------------------

#[test]
fn start_chat_sends_merged_user_data_with_page_keys() {
    let mut h = Harness::new();
    let (id, fx) = h.user(Command::UpdateUserData(json!({"pending": "p"})));
    assert_eq!(
        resolution(&fx, id),
        Reply::Json(json!({"fromConfig": "c", "pending": "p"}))
    );
    let fx = h.start(json!({"form": {"firstname": "A", "lastname": "B", "email": "e@x"}, "userData": {"cmd": 1}}));
    let (_, r) = request(&fx);
    assert_eq!(r.url, format!("{DATA_URL}/"));
    let f = |k: &str| r.body.form_field(k).map(str::to_owned);
    assert_eq!(f("nickname").as_deref(), Some("A B"));
    assert_eq!(f("emailAddress").as_deref(), Some("e@x"));
    assert_eq!(f("userData[fromConfig]").as_deref(), Some("c"));
    assert_eq!(f("userData[pending]").as_deref(), Some("p"));
    assert_eq!(f("userData[cmd]").as_deref(), Some("1"));
    assert_eq!(f("userData[GCTI_LanguageCode]").as_deref(), Some("fr"));
    assert_eq!(f("userData[_genesys_url]").as_deref(), Some("http://page/"));
    for k in [
        "_genesys_source",
        "_genesys_referrer",
        "_genesys_pageTitle",
        "_genesys_browser",
        "_genesys_OS",
        "_genesys_widgets",
    ] {
        assert!(f(&format!("userData[{k}]")).is_some(), "{k} missing");
    }
}

#[test]
fn a_started_chat_publishes_started_connects_the_client_and_starts_polling() {
    let mut h = Harness::new();
    let fx = h.start(json!({"nickname": "Jonny"}));
    assert_eq!(h.chat.phase(), Phase::Starting);
    let (rid, _) = request(&fx);
    let fx = h.answer(rid, 200, START_OK);
    assert_eq!(h.chat.phase(), Phase::Active);
    assert_eq!(
        events(&fx),
        vec![
            "started",
            "messageReceived",
            "clientConnected",
            "pollingStarted"
        ]
    );
    assert_eq!(payload(&fx, "started")["chatId"], "00048aAPEQJ8000U");
    let Reply::Json(body) = resolution(&fx, CommandId(2)) else {
        panic!("not json")
    };
    assert_eq!(body["secureKey"], "4ee15d7e1c343c8e");
    let mr = payload(&fx, "messageReceived");
    assert_eq!(mr["restoring"], false);
    assert_eq!(mr["originalMessages"][0]["index"], 1);
    assert_eq!(mr["messages"][0]["from"]["name"], "First Last");
    assert_eq!(mr["sessionData"]["sessionID"], "00048aAPEQJ8000U");
    assert!(fx.contains(&Effect::SetData {
        key: "sessionActive",
        value: json!(true)
    }));
    assert_eq!(
        h.due_in(),
        Some(POLL_ACTIVE_MS),
        "polls quickly after the start"
    );
    let rec = stored(&fx).expect("session stored");
    assert_eq!(rec.last_index, 1);
    assert_eq!(rec.last_activity, h.now);
}

#[test]
fn a_rejected_start_publishes_error_and_returns_to_idle() {
    let mut h = Harness::new();
    let fx = h.start(json!({}));
    let (rid, _) = request(&fx);
    let fx = h.answer(
        rid,
        400,
        r#"{"errors":[{"code":161,"message":"name required"}]}"#,
    );
    assert_eq!(events(&fx), vec!["error"]);
    let Reply::Json(err) = rejection(&fx, CommandId(2)) else {
        panic!("not json")
    };
    assert_eq!(err["responseJSON"]["errors"][0]["code"], 161);
    assert_eq!(h.chat.phase(), Phase::Idle);
}

#[test]
fn a_second_start_chat_while_active_rejects_with_the_exact_text() {
    let mut h = Harness::started();
    let fx = h.start(json!({"nickname": "again"}));
    assert_eq!(
        rejection(&fx, CommandId(3)),
        Reply::text("There is already an active chat session")
    );
    assert_eq!(requests(&fx), 0);
}

// ----- polling -----------------------------------------------------------------------------------

#[test]
fn refresh_asks_for_highest_index_seen_plus_one() {
    let mut h = Harness::started();
    let (rid, r) = h.poll();
    assert_eq!(r.url, format!("{CHAT}/refresh"));
    assert_eq!(r.body.form_field("transcriptPosition"), Some("2"));
    h.answer(
        rid,
        200,
        &envelope(&[
            msg(2, "ParticipantJoined", "Agent", 2, ""),
            msg(5, "Message", "Agent", 2, "hi"),
        ]),
    );
    let (_, r) = h.poll();
    assert_eq!(r.body.form_field("transcriptPosition"), Some("6"));
}

#[test]
fn a_message_seen_twice_is_published_once() {
    let mut h = Harness::started();
    let (rid, _) = h.poll();
    let fx = h.answer(rid, 200, &envelope(&[msg(2, "Message", "Agent", 2, "hi")]));
    assert_eq!(published_indexes(&fx), vec![2]);
    let (rid, _) = h.poll();
    let fx = h.answer(
        rid,
        200,
        &envelope(&[
            msg(2, "Message", "Agent", 2, "hi"),
            msg(3, "Message", "Agent", 2, "yo"),
        ]),
    );
    assert_eq!(published_indexes(&fx), vec![3]);
    let (id, fx) = h.user(Command::GetTranscript);
    let Reply::Json(t) = resolution(&fx, id) else {
        panic!("not json")
    };
    assert_eq!(t["messages"].as_array().map(Vec::len), Some(3));
}

#[test]
fn only_one_poll_is_in_flight_at_a_time() {
    let mut h = Harness::started();
    let (rid, _) = h.poll();
    assert_eq!(requests(&h.fire()), 0);
    let (id, fx) = h.cmd(SELF_NAME_, Command::Poll);
    assert_eq!(
        rejection(&fx, id),
        Reply::text("previous poll has not finished.")
    );
    h.answer(rid, 200, &envelope(&[]));
    assert!(h.due_in().is_some(), "the next poll is scheduled");
    let (id, fx) = h.cmd(SELF_NAME_, Command::Poll);
    let (rid, _) = request(&fx);
    let fx = h.answer(rid, 200, &envelope(&[]));
    assert!(matches!(resolution(&fx, id), Reply::Json(_)));
}

#[test]
fn the_poll_interval_backs_off_toward_three_seconds_when_quiet() {
    let mut h = Harness::started();
    let delays: Vec<u64> = (0..3)
        .map(|_| {
            let (rid, _) = h.poll();
            h.answer(rid, 200, &envelope(&[]));
            h.due_in().unwrap_or(0)
        })
        .collect();
    assert_eq!(delays, vec![600, 720, 864]);
}

#[test]
fn five_failed_polls_publish_connection_pending_then_chat_server_went_offline() {
    let mut h = Harness::started();
    let mut all = Vec::new();
    for _ in 0..5 {
        let (rid, _) = h.poll();
        all.extend(h.fail(rid));
    }
    assert_eq!(
        events(&all),
        vec!["connectionPending", "chatServerWentOffline"]
    );
    let (rid, _) = h.poll();
    assert!(events(&h.fail(rid)).is_empty(), "offline is announced once");
    let (rid, _) = h.poll();
    let fx = h.answer(
        rid,
        200,
        &envelope(&[msg(2, "Message", "Agent", 2, "back")]),
    );
    assert_eq!(
        events(&fx)[..2],
        ["chatServerBackOnline", "connectionRestored"]
    );
    assert_eq!(
        published_indexes(&fx),
        vec![2],
        "nothing lost across the outage"
    );
}

#[test]
fn reset_poll_exceptions_restarts_the_count() {
    let mut h = Harness::started();
    let mut all = Vec::new();
    for _ in 0..4 {
        let (rid, _) = h.poll();
        all.extend(h.fail(rid));
    }
    let (id, fx) = h.user(Command::ResetPollExceptions);
    assert_eq!(resolution(&fx, id), Reply::Undefined);
    let (rid, _) = h.poll();
    all.extend(h.fail(rid));
    assert!(events(&all).is_empty());
}

#[test]
fn an_alias_change_is_used_on_the_next_request_and_stored() {
    let mut h = Harness::started();
    let (rid, _) = h.poll();
    let body =
        json!({"statusCode": 0, "alias": "205", "chatEnded": false, "messages": []}).to_string();
    let fx = h.answer(rid, 200, &body);
    assert!(stored(&fx).is_some_and(|r| r.keys["alias"] == "205"));
    let (_, r) = h.poll();
    assert_eq!(r.body.form_field("alias"), Some("205"));
}

#[test]
fn stop_and_start_poll_publish_their_events() {
    let mut h = Harness::started();
    let (id, fx) = h.user(Command::StopPoll);
    assert_eq!(events(&fx), vec!["pollingStopped"]);
    assert_eq!(h.chat.poll_timeout(), None);
    assert_eq!(resolution(&fx, id), Reply::Undefined);
    assert_eq!(requests(&h.fire()), 0, "a stale timer does not poll");
    let (_, fx) = h.user(Command::StartPoll);
    assert_eq!(events(&fx), vec!["pollingStarted"]);
    assert!(h.chat.poll_timeout().is_some());
}

// ----- participants and typing -------------------------------------------------------------------

#[test]
fn an_agent_joining_publishes_agent_connected_with_the_roster() {
    let mut h = Harness::started();
    let (rid, _) = h.poll();
    let fx = h.answer(
        rid,
        200,
        &envelope(&[msg(2, "ParticipantJoined", "Agent", 7, "")]),
    );
    let p = payload(&fx, "agentConnected");
    assert_eq!(p["numAgentsConnected"], 1);
    assert_eq!(p["message"]["index"], 2);
    assert_eq!(p["agents"]["7"]["name"], "Agent");
    let (id, fx) = h.user(Command::GetAgents);
    let Reply::Json(a) = resolution(&fx, id) else {
        panic!("not json")
    };
    assert_eq!(a["agents"]["7"]["connected"], true);
    assert_eq!(a["agents"]["7"]["supervisor"], false);
    let (rid, _) = h.poll();
    let fx = h.answer(
        rid,
        200,
        &envelope(&[msg(3, "ParticipantLeft", "Agent", 7, "")]),
    );
    assert_eq!(payload(&fx, "agentDisconnected")["numAgentsConnected"], 0);
}

#[test]
fn agent_typing_times_out_or_stops_with_their_message() {
    let mut h = Harness::started();
    let (rid, _) = h.poll();
    let fx = h.answer(
        rid,
        200,
        &envelope(&[msg(2, "TypingStarted", "Agent", 7, "")]),
    );
    assert!(events(&fx).contains(&"agentTypingStarted"));
    h.user(Command::StopPoll);
    assert_eq!(h.due_in(), Some(AGENT_TYPING_TIMEOUT_MS));
    assert_eq!(events(&h.fire()), vec!["agentTypingTimeout"]);
    assert!(events(&h.fire()).is_empty());
    h.user(Command::StartPoll);
    let (rid, _) = h.poll();
    h.answer(
        rid,
        200,
        &envelope(&[msg(3, "TypingStarted", "Agent", 7, "")]),
    );
    let (rid, _) = h.poll();
    let fx = h.answer(
        rid,
        200,
        &envelope(&[msg(4, "Message", "Agent", 7, "done")]),
    );
    assert!(events(&fx).contains(&"agentTypingStopped"));
    h.user(Command::StopPoll);
    assert_eq!(
        h.chat.poll_timeout(),
        None,
        "no agent-typing deadline is left"
    );
}

#[test]
fn typing_preview_starts_on_the_first_key_and_stops_after_two_idle_seconds() {
    let mut h = Harness::started();
    h.user(Command::StopPoll);
    let (id, fx) = h.user(Command::RegisterTypingPreviewInput(PreviewInput::TextField));
    assert!(fx.contains(&Effect::WatchPreviewInput(id)));
    let fx = h.chat.handle(Input::PreviewKey { text: "h".into() }, h.now);
    let (_, r) = request(&fx);
    assert_eq!(r.url, format!("{CHAT}/startTyping"));
    assert_eq!(r.body.form_field("message"), Some("h"));
    assert_eq!(events(&fx), vec!["clientTypingStarted"]);
    assert_eq!(h.due_in(), Some(TYPING_IDLE_MS));
    let fx = h
        .chat
        .handle(Input::PreviewKey { text: "he".into() }, h.now);
    assert_eq!(requests(&fx), 0);
    assert_eq!(h.due_in(), Some(TYPING_IDLE_MS));
    let fx = h.fire();
    let (_, r) = request(&fx);
    assert_eq!(r.url, format!("{CHAT}/stopTyping"));
    assert_eq!(r.body.form_field("message"), Some("he"));
    assert_eq!(events(&fx), vec!["clientTypingStopped"]);
}

#[test]
fn send_typing_ends_the_typing_state_after_two_idle_seconds() {
    let mut h = Harness::started();
    h.user(Command::StopPoll);
    let (_, fx) = h.user(Command::SendTyping(json!({"message": "hel"})));
    assert_eq!(request(&fx).1.url, format!("{CHAT}/startTyping"));
    assert_eq!(events(&fx), vec!["clientTypingStarted"]);
    assert_eq!(h.due_in(), Some(TYPING_IDLE_MS));
    let fx = h.fire();
    let (_, r) = request(&fx);
    assert_eq!(r.url, format!("{CHAT}/stopTyping"));
    assert_eq!(r.body.form_field("message"), Some("hel"));
    assert_eq!(events(&fx), vec!["clientTypingStopped"]);
    assert_eq!(requests(&h.fire()), 0, "the stop is sent once");
}

#[test]
fn keys_without_a_registered_input_or_session_send_nothing() {
    let mut h = Harness::started();
    assert!(
        h.chat
            .handle(Input::PreviewKey { text: "x".into() }, 0)
            .is_empty()
    );
    let mut idle = Harness::new();
    idle.user(Command::RegisterTypingPreviewInput(PreviewInput::TextField));
    assert!(
        idle.chat
            .handle(Input::PreviewKey { text: "x".into() }, 0)
            .is_empty()
    );
}

// ----- sending -----------------------------------------------------------------------------------

#[test]
fn send_message_posts_send_and_resolves_with_the_answer() {
    let mut h = Harness::started();
    let (id, fx) = h.user(Command::SendMessage(json!({"message": "hello"})));
    let (rid, r) = request(&fx);
    assert_eq!(r.url, format!("{CHAT}/send"));
    assert_eq!(r.body.form_field("messageType"), Some("text"));
    assert_eq!(r.body.form_field("transcriptPosition"), None);
    let fx = h.answer(rid, 200, r#"{"statusCode":0}"#);
    assert_eq!(resolution(&fx, id), Reply::Json(json!({"statusCode": 0})));
}

#[test]
fn a_failed_send_rejects_with_the_ajax_response() {
    let mut h = Harness::started();
    let (id, fx) = h.user(Command::SendMessage(json!({"message": "x"})));
    let (rid, _) = request(&fx);
    let fx = h.answer(
        rid,
        400,
        r#"{"errors":[{"code":204,"message":"too long"}]}"#,
    );
    let Reply::Json(e) = rejection(&fx, id) else {
        panic!("not json")
    };
    assert_eq!(e["status"], 400);
}

#[test]
fn custom_notice_typing_and_user_data_go_to_their_operations() {
    let mut h = Harness::started();
    let (_, fx) = h.user(Command::SendCustomNotice(json!({"message": "n"})));
    assert_eq!(request(&fx).1.url, format!("{CHAT}/customNotice"));
    let (_, fx) = h.user(Command::SendTyping(json!({"message": "t"})));
    assert_eq!(request(&fx).1.url, format!("{CHAT}/startTyping"));
    assert_eq!(events(&fx), vec!["clientTypingStarted"]);
    let (id, fx) = h.user(Command::UpdateUserData(json!({"firstname": "Joe"})));
    let (rid, r) = request(&fx);
    assert_eq!(r.url, format!("{CHAT}/updateData"));
    assert_eq!(r.body.form_field("userData[firstname]"), Some("Joe"));
    let fx = h.answer(rid, 200, r#"{"statusCode":0}"#);
    assert!(matches!(resolution(&fx, id), Reply::Json(_)));
}

// ----- filters and preprocessors -----------------------------------------------------------------

#[test]
fn a_filtered_message_is_hidden_but_still_advances_the_position() {
    let mut h = Harness::started();
    let (id, fx) = h.user(Command::SendFilteredMessage {
        message: json!("token-123"),
        regex: Some(Pattern::new("token-", "")),
    });
    let (rid, _) = request(&fx);
    assert_eq!(stored(&fx).map(|r| r.filters.filtered.len()), Some(1));
    assert_eq!(
        resolution(&h.answer(rid, 200, r#"{"statusCode":0}"#), id),
        Reply::Undefined
    );
    let (rid, _) = h.poll();
    let fx = h.answer(
        rid,
        200,
        &envelope(&[
            msg(2, "Message", "Client", 1, "token-123"),
            msg(3, "Message", "Agent", 2, "ok"),
        ]),
    );
    assert_eq!(published_indexes(&fx), vec![3]);
    let (_, r) = h.poll();
    assert_eq!(r.body.form_field("transcriptPosition"), Some("4"));
}

#[test]
fn prefilters_hide_matches_and_resolve_with_all_prefilters() {
    let mut h = Harness::started();
    let (id, fx) = h.user(Command::AddPrefilter(FiltersArg::One(Pattern::new(
        "secret", "i",
    ))));
    assert_eq!(
        resolution(&fx, id),
        Reply::Prefilters(vec![Pattern::new("secret", "i")])
    );
    let (id, fx) = h.user(Command::AddPrefilter(FiltersArg::Many(vec![Pattern::new(
        "x", "",
    )])));
    assert_eq!(
        resolution(&fx, id),
        Reply::Prefilters(vec![Pattern::new("secret", "i"), Pattern::new("x", "")])
    );
    let (rid, _) = h.poll();
    let fx = h.answer(
        rid,
        200,
        &envelope(&[
            msg(2, "Message", "Agent", 2, "a secret"),
            msg(3, "Message", "Agent", 2, "plain"),
        ]),
    );
    assert_eq!(published_indexes(&fx), vec![3]);
}

#[test]
fn messages_are_published_through_the_preprocessor_step() {
    let mut h = Harness::new();
    let (id, fx) = h.user(Command::RegisterPreProcessor(PreprocessorArg::Function));
    assert!(fx.contains(&Effect::KeepPreprocessor(id)));
    assert_eq!(resolution(&fx, id), Reply::RegisteredPreprocessor);
    let fx = h.start(json!({"nickname": "n"}));
    let fx = h.answer(request(&fx).0, 200, START_OK);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::PublishMessages { .. }))
    );
    assert!(!fx.iter().any(|e| matches!(
        e,
        Effect::Publish {
            event: crate::event::Event::MessageReceived,
            ..
        }
    )));
}

// ----- ending ------------------------------------------------------------------------------------

#[test]
fn end_chat_disconnects_publishes_ended_and_allows_a_new_chat() {
    let mut h = Harness::started();
    let (id, fx) = h.user(Command::EndChat);
    let (rid, r) = request(&fx);
    assert_eq!(r.url, format!("{CHAT}/disconnect"));
    assert_eq!(h.chat.phase(), Phase::Ending);
    let fx = h.answer(rid, 200, r#"{"statusCode":0,"chatEnded":true}"#);
    // The customer ended it: clientDisconnected, as a server-ended chat publishes it.
    assert_eq!(
        events(&fx),
        vec!["pollingStopped", "clientDisconnected", "ended"]
    );
    assert!(fx.contains(&Effect::ClearSession));
    assert!(fx.contains(&Effect::SetData {
        key: "sessionActive",
        value: json!(false)
    }));
    assert!(matches!(resolution(&fx, id), Reply::Json(_)));
    let (id, fx) = h.user(Command::EndChat);
    assert_eq!(
        rejection(&fx, id),
        Reply::text("There is no active chat session")
    );
    assert_eq!(requests(&h.start(json!({"nickname": "again"}))), 1);
}

#[test]
fn the_server_ending_the_chat_during_a_poll_ends_the_session() {
    let mut h = Harness::started();
    let (rid, _) = h.poll();
    let body = json!({"statusCode": 0, "chatEnded": true, "messages": [msg(2, "ParticipantLeft", "Agent", 2, "")]});
    let fx = h.answer(rid, 200, &body.to_string());
    assert_eq!(
        events(&fx),
        vec![
            "messageReceived",
            "agentDisconnected",
            "pollingStopped",
            "clientDisconnected",
            "ended"
        ]
    );
    assert_eq!(h.chat.phase(), Phase::Idle);
    assert_eq!(requests(&h.fire()), 0);
}

#[test]
fn get_stats_reports_start_end_and_duration() {
    let mut h = Harness::started();
    let start = h.now;
    let (_, fx) = h.user(Command::EndChat);
    h.now += 1000;
    h.answer(request(&fx).0, 200, r#"{"statusCode":0}"#);
    let (id, fx) = h.user(Command::GetStats);
    let Reply::Json(s) = resolution(&fx, id) else {
        panic!("not json")
    };
    assert_eq!(s["startTime"], start);
    assert_eq!(s["endTime"], start + 1010);
    assert_eq!(s["duration"], 1010);
    assert!(s["agents"].is_object());
}

#[test]
fn verify_session_and_get_session_data_reflect_the_session() {
    let mut h = Harness::new();
    let (id, fx) = h.user(Command::VerifySession);
    assert_eq!(
        resolution(&fx, id),
        Reply::Json(json!({"sessionActive": false}))
    );
    let (id, fx) = h.user(Command::GetSessionData);
    assert_eq!(resolution(&fx, id), Reply::Json(json!({})));
    let mut h = Harness::started();
    let (id, fx) = h.user(Command::VerifySession);
    assert_eq!(
        resolution(&fx, id),
        Reply::Json(json!({"sessionActive": true}))
    );
    let (id, fx) = h.user(Command::GetSessionData);
    let Reply::Json(d) = resolution(&fx, id) else {
        panic!("not json")
    };
    assert_eq!(d["alias"], "117");
}

// ----- files -------------------------------------------------------------------------------------

fn files(sizes: &[(&str, u64)]) -> Command {
    Command::SendFile(Some(
        sizes
            .iter()
            .map(|(n, s)| FileInfo {
                name: (*n).into(),
                size: *s,
                mime: String::new(),
            })
            .collect(),
    ))
}

const LIMITS: &str = r#"{"statusCode":0,"messages":[{"index":0,"type":"Notice","userData":{
  "upload-max-files":"3","upload-max-file-size":"100","upload-max-total-size":"150",
  "used-upload-max-files":"1","used-upload-max-total-size":"0","upload-file-types":"txt:png"}}]}"#;

#[test]
fn send_file_fetches_limits_then_uploads_each_file() {
    let mut h = Harness::started();
    let (id, fx) = h.user(files(&[("a.txt", 10), ("b.png", 20)]));
    let (rid, r) = request(&fx);
    assert_eq!(r.url, format!("{CHAT}/file/limits"));
    let fx = h.answer(rid, 200, LIMITS);
    let (rid, r) = request(&fx);
    assert_eq!(r.url, format!("{CHAT}/file"));
    assert!(
        matches!(&r.body, Body::Multipart(p) if p.contains(&Part::File { name: "file".into(), command: id, file_index: 0 }))
    );
    let fx = h.answer(rid, 200, r#"{"statusCode":0}"#);
    let (rid, r) = request(&fx);
    assert!(
        matches!(&r.body, Body::Multipart(p) if p.contains(&Part::File { name: "file".into(), command: id, file_index: 1 }))
    );
    let fx = h.answer(rid, 200, r#"{"statusCode":0}"#);
    assert!(matches!(resolution(&fx, id), Reply::Json(_)));
}

#[test]
fn a_file_over_the_server_limits_is_rejected_with_the_server_error_shape() {
    let cases: [(&[(&str, u64)], u64); 3] = [
        (&[("a.txt", 1), ("b.txt", 1), ("c.txt", 1)], 201),
        (&[("big.txt", 101)], 202),
        (&[("a.exe", 1)], 203),
    ];
    for (list, code) in cases {
        let mut h = Harness::started();
        let (id, fx) = h.user(files(list));
        let fx = h.answer(request(&fx).0, 200, LIMITS);
        assert_eq!(requests(&fx), 0);
        let Reply::Json(e) = rejection(&fx, id) else {
            panic!("not json")
        };
        assert_eq!(e["responseJSON"]["errors"][0]["code"], code);
        assert_eq!(e["status"], 400);
    }
}

#[test]
fn download_file_asks_the_glue_to_save_the_named_file() {
    let mut h = Harness::started();
    let (id, fx) = h.user(Command::DownloadFile(
        json!({"fileId": "f1", "fileName": "doc.txt"}),
    ));
    let (rid, file_name, url) = fx
        .iter()
        .find_map(|e| match e {
            Effect::Download {
                id,
                request,
                file_name,
            } => Some((*id, file_name.clone(), request.url.clone())),
            _ => None,
        })
        .expect("download effect");
    assert_eq!(file_name, "doc.txt");
    assert_eq!(url, format!("{CHAT}/file/f1/download"));
    let fx = h.answer(rid, 200, "bytes");
    assert_eq!(resolution(&fx, id), Reply::Undefined);
}

// ----- restore -----------------------------------------------------------------------------------

fn record(last_activity: u64, last_index: u64, prefilters: Vec<Pattern>) -> String {
    let record = PersistedSession {
        version: crate::persist::RECORD_VERSION,
        keys: json!({"transport": "gms", "chatId": "00048aAPEQJ8000U",
                     "userId": "007555677B20000A", "secureKey": "4ee15d7e1c343c8e",
                     "alias": "117"}),
        last_index,
        filters: Filters {
            prefilters,
            filtered: vec![],
        },
        start_time: 5,
        last_activity,
        outbox: Json::Array(Vec::new()),
    };
    testing::text(&record.to_storage())
}

fn restoring(stored: String) -> (Harness, RequestId, HttpRequest) {
    let (h, fx) = Harness::configured_with(json!({"dataURL": DATA_URL}), Some(stored));
    let (rid, r) = request(&fx);
    (h, rid, r)
}

#[test]
fn a_reload_within_restore_timeout_replays_the_transcript_with_restoring_true() {
    let (mut h, rid, r) = restoring(record(
        1_000_000 - 59_000,
        3,
        vec![Pattern::new("hidden", "")],
    ));
    assert_eq!(h.chat.phase(), Phase::Restoring);
    assert_eq!(r.url, format!("{CHAT}/refresh"));
    assert_eq!(r.body.form_field("transcriptPosition"), Some("1"));
    let body = envelope(&[
        msg(1, "ParticipantJoined", "Client", 1, ""),
        msg(2, "Message", "Agent", 2, "hidden thing"),
        msg(3, "Message", "Agent", 2, "visible"),
    ]);
    let fx = h.answer(rid, 200, &body);
    assert_eq!(
        events(&fx),
        vec![
            "restored",
            "messageReceived",
            "clientConnected",
            "pollingStarted"
        ]
    );
    assert_eq!(payload(&fx, "messageReceived")["restoring"], true);
    assert_eq!(
        published_indexes(&fx),
        vec![1, 3],
        "stored prefilters still apply"
    );
    let (rid, r) = h.poll();
    assert_eq!(r.body.form_field("transcriptPosition"), Some("4"));
    let fx = h.answer(
        rid,
        200,
        &envelope(&[
            msg(3, "Message", "Agent", 2, "visible"),
            msg(4, "Message", "Agent", 2, "new"),
        ]),
    );
    assert_eq!(
        published_indexes(&fx),
        vec![4],
        "no duplicates after restore"
    );
    assert_eq!(payload(&fx, "messageReceived")["restoring"], false);
}

#[test]
fn verify_session_during_a_page_load_restore_waits_for_its_outcome() {
    // Restored: the answer comes with the restore's outcome, {sessionActive: true}.
    let (mut h, rid, _) = restoring(record(1_000_000, 3, vec![]));
    let (id, fx) = h.user(Command::VerifySession);
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::Resolve { id: i, .. } if *i == id)),
        "answered while the restore was still running"
    );
    let body = envelope(&[msg(1, "ParticipantJoined", "Client", 1, "")]);
    let fx = h.answer(rid, 200, &body);
    assert_eq!(
        resolution(&fx, id),
        Reply::Json(json!({"sessionActive": true}))
    );
    // Failed: {sessionActive: false}, once the restore has failed.
    let (mut h, rid, _) = restoring(record(1_000_000, 3, vec![]));
    let (id, _) = h.user(Command::VerifySession);
    let fx = h.answer(rid, 200, r#"{"statusCode":0,"chatEnded":true}"#);
    assert_eq!(
        resolution(&fx, id),
        Reply::Json(json!({"sessionActive": false}))
    );
}

#[test]
fn an_older_session_gives_restore_timeout() {
    let (h, fx) = Harness::configured_with(
        json!({"dataURL": DATA_URL}),
        Some(record(1_000_000 - 60_001, 3, vec![])),
    );
    assert_eq!(events(&fx), vec!["restoreTimeout"]);
    assert!(fx.contains(&Effect::ClearSession));
    assert_eq!(requests(&fx), 0);
    assert_eq!(h.chat.phase(), Phase::Idle);
}

#[test]
fn a_restore_answer_without_chat_ended_false_is_restore_failed() {
    for body in [
        r#"{"statusCode":0,"messages":[]}"#,
        r#"{"statusCode":0,"chatEnded":true}"#,
    ] {
        let (mut h, rid, _) = restoring(record(1_000_000, 3, vec![]));
        let fx = h.answer(rid, 200, body);
        assert_eq!(events(&fx), vec!["restoreFailed"]);
        assert!(fx.contains(&Effect::ClearSession));
        assert_eq!(h.chat.phase(), Phase::Idle);
    }
    let (mut h, rid, _) = restoring(record(1_000_000, 3, vec![]));
    assert_eq!(
        events(&h.answer(rid, 400, r#"{"errors":[]}"#)),
        vec!["restoreFailed"]
    );
}

#[test]
fn a_restore_with_the_server_down_is_restored_offline_until_it_answers() {
    let (mut h, rid, _) = restoring(record(1_000_000, 2, vec![]));
    let fx = h.fail(rid);
    assert_eq!(events(&fx), vec!["restoredOffline", "pollingStarted"]);
    assert_eq!(h.chat.phase(), Phase::Active);
    let (rid, r) = h.poll();
    assert_eq!(r.body.form_field("transcriptPosition"), Some("1"));
    let fx = h.answer(
        rid,
        200,
        &envelope(&[
            msg(1, "Message", "Agent", 2, "a"),
            msg(2, "Message", "Agent", 2, "b"),
        ]),
    );
    assert_eq!(
        events(&fx)[..3],
        [
            "chatServerBackOnline",
            "connectionRestored",
            "messageReceived"
        ]
    );
    assert_eq!(payload(&fx, "messageReceived")["restoring"], true);
}

#[test]
fn restore_from_another_plugin_is_denied_and_while_active_is_ignored() {
    let mut h = Harness::started();
    let (id, fx) = h.user(Command::Restore(json!({})));
    assert_eq!(
        rejection(&fx, id),
        Reply::text(
            "Access Denied to private command. Only WebChatService is allowed to invoke this command in Non-Async mode."
        )
    );
    let (id, fx) = h.cmd(SELF_NAME_, Command::Restore(json!({})));
    assert_eq!(
        rejection(&fx, id),
        Reply::text("Chat session is already active, ignoring restore command.")
    );
    let (mut r, _, _) = restoring(record(1_000_000, 3, vec![]));
    let (id, fx) = r.cmd(SELF_NAME_, Command::Restore(json!({})));
    assert_eq!(
        rejection(&fx, id),
        Reply::text("Already restoring. Ignoring request.")
    );
}

// ----- robustness --------------------------------------------------------------------------------

#[test]
fn unknown_request_ids_and_garbage_answers_do_not_panic() {
    let mut h = Harness::started();
    assert!(h.answer(RequestId(999), 200, "{").is_empty());
    let (rid, _) = h.poll();
    let fx = h.answer(
        rid,
        200,
        r#"{"statusCode":0,"messages":[{"index":"x"},{"index":2,"from":7},null]}"#,
    );
    assert_eq!(published_indexes(&fx), vec![2]);
    assert!(
        h.chat
            .handle(
                Input::Socket(SocketEvent::Frame(testing::body("not json"))),
                0
            )
            .is_empty()
    );
    for body in [
        "",
        "null",
        "[1,2]",
        r#"{"messages":"no"}"#,
        r#"{"statusCode":"0"}"#,
    ] {
        let (rid, _) = h.poll();
        let _ = h.answer(rid, 200, body);
    }
}

#[test]
fn a_command_in_flight_when_the_server_ends_the_chat_is_rejected_not_left_hanging() {
    let mut h = Harness::started();
    let (send, fx) = h.user(Command::SendMessage(json!({"message": "late"})));
    let (send_rid, _) = request(&fx);
    let (rid, _) = h.poll();
    let ended = json!({"statusCode": 0, "chatEnded": true, "messages": []}).to_string();
    let fx = h.answer(rid, 200, &ended);
    assert!(events(&fx).contains(&"ended"));
    assert_eq!(
        rejection(&fx, send),
        Reply::text("There is no active chat session")
    );
    assert!(
        h.answer(send_rid, 200, &envelope(&[])).is_empty(),
        "the late answer settles nothing twice"
    );
}

// ----- issue 11: hostile answers and stored sessions -------------------------------------------

#[test]
fn a_200_with_an_empty_body_or_without_status_code_is_not_a_delivered_message() {
    let mut h = Harness::started();
    for body in [
        "",
        "  ",
        "{}",
        r#"{"messages":[]}"#,
        r#"{"statusCode":"0"}"#,
        "null",
    ] {
        let (id, fx) = h.user(Command::SendMessage(json!({"message": "x"})));
        let (rid, _) = request(&fx);
        let fx = h.answer(rid, 200, body);
        assert!(
            matches!(rejection(&fx, id), Reply::Json(_)),
            "{body:?} must reject sendMessage"
        );
    }
}

#[test]
fn an_unreadable_stored_record_is_discarded_with_restore_failed() {
    let good = record(1_000_000, 3, vec![]);
    let wrong_types = good.replace("\"00048aAPEQJ8000U\"", "5");
    for stored in ["{not json", r#"{"version":1}"#, "[]", wrong_types.as_str()] {
        let (h, fx) = Harness::configured_with(json!({"dataURL": DATA_URL}), Some(stored.into()));
        assert_eq!(events(&fx), vec!["restoreFailed"], "{stored}");
        assert!(fx.contains(&Effect::ClearSession), "{stored}");
        assert_eq!(requests(&fx), 0, "{stored}");
        assert_eq!(h.chat.phase(), Phase::Idle);
    }
}

#[test]
fn a_stored_chat_id_that_would_walk_up_the_url_is_refused_with_restore_failed() {
    for id in ["..", ".", "a/b", "../../emulator/api/faults", ""] {
        let stored = record(1_000_000, 3, vec![]).replace("00048aAPEQJ8000U", id);
        let (_, fx) = Harness::configured_with(json!({"dataURL": DATA_URL}), Some(stored));
        assert_eq!(events(&fx), vec!["restoreFailed"], "{id}");
        assert_eq!(requests(&fx), 0, "{id}: no request");
    }
}

mod calls;
mod fuzz;
