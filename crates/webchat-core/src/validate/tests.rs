//! Validation tests: every rejection text, per state and per transport.

use crate::json;

use super::*;
use crate::command::{FileInfo, PageInfo};
use crate::filter::Pattern;

const OTHER: &str = "MyPlugin";

fn ctx<'a>(caps: Capabilities, phase: Phase, caller: &'a str) -> Context<'a> {
    Context {
        transport: Ok(caps),
        phase,
        caller,
        poll_in_flight: false,
    }
}

fn gms(phase: Phase) -> Context<'static> {
    ctx(Capabilities::GMS_REST, phase, OTHER)
}

fn rejects(cmd: &Command, c: &Context<'_>) -> String {
    validate(cmd, c).expect_err("expected a rejection")
}

fn start() -> Command {
    Command::StartChat {
        data: json!({"nickname": "n"}),
        page: PageInfo::default(),
    }
}

fn file() -> Command {
    Command::SendFile(Some(vec![FileInfo {
        name: "a.txt".into(),
        size: 1,
        mime: "text/plain".into(),
    }]))
}

#[test]
fn a_second_start_chat_while_active_rejects_with_the_exact_text() {
    for phase in [
        Phase::Starting,
        Phase::Active,
        Phase::Ending,
        Phase::Restoring,
    ] {
        assert_eq!(
            rejects(&start(), &gms(phase)),
            "There is already an active chat session"
        );
    }
    assert_eq!(validate(&start(), &gms(Phase::Idle)), Ok(()));
}

#[test]
fn start_chat_with_non_object_user_data_is_malformed() {
    let cmd = Command::StartChat {
        data: json!({"userData": "x"}),
        page: PageInfo::default(),
    };
    assert_eq!(
        rejects(&cmd, &gms(Phase::Idle)),
        "malformed data object provided in userData property"
    );
    let under_form = Command::StartChat {
        data: json!({"form": {"userData": [1]}}),
        page: PageInfo::default(),
    };
    assert_eq!(
        rejects(&under_form, &gms(Phase::Idle)),
        "malformed data object provided in userData property"
    );
    let fine = Command::StartChat {
        data: json!({"form": {"nickname": "a"}, "userData": {}}),
        page: PageInfo::default(),
    };
    assert_eq!(validate(&fine, &gms(Phase::Idle)), Ok(()));
}

#[test]
fn session_commands_without_a_session_reject_with_there_is_no_active_chat_session() {
    let cmds = [
        Command::EndChat,
        Command::SendMessage(json!({"message": "hi"})),
        Command::SendCustomNotice(json!({"message": "x"})),
        Command::SendTyping(json!({})),
        file(),
        Command::DownloadFile(json!({"fileId": "1"})),
    ];
    for cmd in &cmds {
        assert_eq!(
            rejects(cmd, &gms(Phase::Idle)),
            "There is no active chat session",
            "{cmd:?}"
        );
        assert_eq!(validate(cmd, &gms(Phase::Active)), Ok(()), "{cmd:?}");
    }
}

#[test]
fn send_message_without_text_rejects_with_no_message_text_provided() {
    for data in [
        json!({}),
        json!({"message": ""}),
        json!({"message": null}),
        json!({"message": {}}),
    ] {
        assert_eq!(
            rejects(&Command::SendMessage(data), &gms(Phase::Active)),
            "No message text provided"
        );
    }
    assert_eq!(
        validate(
            &Command::SendMessage(json!({"message": 5})),
            &gms(Phase::Active)
        ),
        Ok(())
    );
}

#[test]
fn send_filtered_message_rejects_with_no_active_chat_session() {
    let cmd = Command::SendFilteredMessage {
        message: json!("code"),
        regex: Some(Pattern::new("code", "")),
    };
    assert_eq!(rejects(&cmd, &gms(Phase::Idle)), "No active chat session");
    assert_eq!(validate(&cmd, &gms(Phase::Active)), Ok(()));
    let empty = Command::SendFilteredMessage {
        message: json!(""),
        regex: None,
    };
    assert_eq!(
        rejects(&empty, &gms(Phase::Active)),
        "No message text provided"
    );
}

#[test]
fn add_prefilter_without_regexps_rejects_with_the_exact_text() {
    let text = "Missing or invalid filters provided. Please provide a regular expression or an array of regular expressions.";
    assert_eq!(
        rejects(
            &Command::AddPrefilter(FiltersArg::Invalid),
            &gms(Phase::Idle)
        ),
        text
    );
    assert_eq!(
        rejects(
            &Command::AddPrefilter(FiltersArg::Many(vec![])),
            &gms(Phase::Idle)
        ),
        text
    );
    let one = Command::AddPrefilter(FiltersArg::One(Pattern::new("a", "")));
    assert_eq!(validate(&one, &gms(Phase::Idle)), Ok(()));
}

#[test]
fn update_user_data_rules_depend_on_session_and_transport() {
    let cmd = Command::UpdateUserData(json!({"a": 1}));
    assert_eq!(validate(&cmd, &gms(Phase::Idle)), Ok(()));
    assert_eq!(validate(&cmd, &gms(Phase::Active)), Ok(()));
    assert_eq!(
        validate(&cmd, &ctx(Capabilities::CLOUD, Phase::Idle, OTHER)),
        Ok(())
    );
    assert_eq!(
        rejects(&cmd, &ctx(Capabilities::CLOUD, Phase::Active, OTHER)),
        "This transport doesn't support updating userData during an active chat session."
    );
    assert_eq!(
        rejects(&Command::UpdateUserData(json!("x")), &gms(Phase::Idle)),
        "malformed data object provided in userData property"
    );
}

#[test]
fn poll_is_private_to_web_chat_service() {
    assert_eq!(
        rejects(&Command::Poll, &gms(Phase::Active)),
        "Access Denied to private command. Only WebChatService is allowed to invoke this command."
    );
    let own = ctx(Capabilities::GMS_REST, Phase::Active, SELF_NAME);
    assert_eq!(validate(&Command::Poll, &own), Ok(()));
}

#[test]
fn poll_while_one_is_in_flight_rejects_with_previous_poll_has_not_finished() {
    let c = Context {
        poll_in_flight: true,
        ..ctx(Capabilities::GMS_REST, Phase::Active, SELF_NAME)
    };
    assert_eq!(
        rejects(&Command::Poll, &c),
        "previous poll has not finished."
    );
    let idle = ctx(Capabilities::GMS_REST, Phase::Idle, SELF_NAME);
    assert_eq!(rejects(&Command::Poll, &idle), "No active chat session");
    let cloud = ctx(Capabilities::CLOUD, Phase::Active, SELF_NAME);
    assert_eq!(
        rejects(&Command::Poll, &cloud),
        "This transport doesn't support polling."
    );
}

#[test]
fn start_and_stop_poll_need_a_session_and_polling() {
    for cmd in [Command::StartPoll, Command::StopPoll] {
        assert_eq!(rejects(&cmd, &gms(Phase::Idle)), "No active chat session");
        assert_eq!(validate(&cmd, &gms(Phase::Active)), Ok(()));
        assert_eq!(
            rejects(&cmd, &ctx(Capabilities::CLOUD, Phase::Active, OTHER)),
            "This transport doesn't support polling"
        );
    }
}

#[test]
fn reset_poll_exceptions_always_resolves_where_polling_exists() {
    assert_eq!(
        validate(&Command::ResetPollExceptions, &gms(Phase::Idle)),
        Ok(())
    );
    assert_eq!(
        rejects(
            &Command::ResetPollExceptions,
            &ctx(Capabilities::CLOUD, Phase::Idle, OTHER)
        ),
        "This transport doesn't support resetPollExceptions command."
    );
}

#[test]
fn restore_is_private_outside_async_mode() {
    let cmd = Command::Restore(json!({}));
    assert_eq!(
        rejects(&cmd, &gms(Phase::Idle)),
        "Access Denied to private command. Only WebChatService is allowed to invoke this command in Non-Async mode."
    );
    let async_v3 = ctx(Capabilities::engage_v3(true), Phase::Idle, OTHER);
    assert_eq!(validate(&cmd, &async_v3), Ok(()));
    let own = |phase| ctx(Capabilities::GMS_REST, phase, SELF_NAME);
    assert_eq!(
        rejects(&cmd, &own(Phase::Restoring)),
        "Already restoring. Ignoring request."
    );
    assert_eq!(
        rejects(&cmd, &own(Phase::Active)),
        "Chat session is already active, ignoring restore command."
    );
    assert_eq!(validate(&cmd, &own(Phase::Idle)), Ok(()));
}

#[test]
fn cloud_has_no_file_upload_custom_notice_or_poll() {
    let cloud = ctx(Capabilities::CLOUD, Phase::Active, OTHER);
    assert_eq!(
        rejects(&file(), &cloud),
        "This transport doesn't support file uploads."
    );
    assert_eq!(
        rejects(&Command::SendCustomNotice(json!({"message": "x"})), &cloud),
        "This transport doesn't support sendCustomNotice command."
    );
    assert_eq!(
        rejects(&Command::StartPoll, &cloud),
        "This transport doesn't support polling"
    );
    assert_eq!(validate(&Command::VerifySession, &cloud), Ok(()));
}

#[test]
fn engage_v3_has_no_custom_notice_and_async_cannot_verify_sessions() {
    let v3 = ctx(Capabilities::engage_v3(false), Phase::Active, OTHER);
    assert_eq!(
        rejects(&Command::SendCustomNotice(json!({"message": "x"})), &v3),
        "This transport doesn't support sendCustomNotice command."
    );
    assert_eq!(validate(&file(), &v3), Ok(()));
    assert_eq!(validate(&Command::VerifySession, &v3), Ok(()));
    let v3_async = ctx(Capabilities::engage_v3(true), Phase::Active, OTHER);
    assert_eq!(
        rejects(&Command::VerifySession, &v3_async),
        "This transport doesn't support the verifySession command"
    );
}

#[test]
fn fetch_history_applies_only_to_async_chat() {
    assert_eq!(
        rejects(&Command::FetchHistory, &gms(Phase::Active)),
        "Fetching history messages applies only to Asynchronous chat."
    );
    let v3_async = ctx(Capabilities::engage_v3(true), Phase::Idle, OTHER);
    assert_eq!(
        rejects(&Command::FetchHistory, &v3_async),
        "No more messages to fetch."
    );
}

#[test]
fn typing_preview_input_must_be_a_text_field() {
    assert_eq!(
        rejects(
            &Command::RegisterTypingPreviewInput(PreviewInput::Invalid),
            &gms(Phase::Idle)
        ),
        "Invalid value provided for the 'input' property. An HTML element reference to a textarea or text input is required."
    );
    let ok = Command::RegisterTypingPreviewInput(PreviewInput::TextField);
    assert_eq!(validate(&ok, &gms(Phase::Idle)), Ok(()));
}

#[test]
fn preprocessor_must_be_a_function_and_names_the_type_given() {
    let cmd = Command::RegisterPreProcessor(PreprocessorArg::NotFunction {
        type_name: "object".into(),
    });
    assert_eq!(
        rejects(&cmd, &gms(Phase::Idle)),
        "No preprocessor function provided. Type provided was 'object'."
    );
    assert_eq!(
        validate(
            &Command::RegisterPreProcessor(PreprocessorArg::Function),
            &gms(Phase::Idle)
        ),
        Ok(())
    );
}

#[test]
fn send_file_without_files_and_download_without_id_reject() {
    assert_eq!(
        rejects(&Command::SendFile(None), &gms(Phase::Active)),
        "No file provided."
    );
    assert_eq!(
        rejects(&Command::SendFile(Some(vec![])), &gms(Phase::Active)),
        "No file provided."
    );
    assert_eq!(
        rejects(&Command::DownloadFile(json!({})), &gms(Phase::Active)),
        "No fileId provided."
    );
}

#[test]
fn with_a_bad_config_transport_commands_reject_with_the_config_problem() {
    let err = CoreError::MissingKey("dataURL");
    let c = Context {
        transport: Err(&err),
        phase: Phase::Idle,
        caller: OTHER,
        poll_in_flight: false,
    };
    let text = "invalid webchat configuration: missing required `dataURL`";
    for cmd in [
        start(),
        Command::EndChat,
        Command::StartPoll,
        Command::VerifySession,
        file(),
    ] {
        assert_eq!(rejects(&cmd, &c), text, "{cmd:?}");
    }
    for cmd in [
        Command::GetTranscript,
        Command::GetAgents,
        Command::GetStats,
        Command::GetSessionData,
    ] {
        assert_eq!(validate(&cmd, &c), Ok(()), "{cmd:?}");
    }
    assert_eq!(validate(&Command::UpdateUserData(json!({})), &c), Ok(()));
}

#[test]
fn read_only_commands_never_reject() {
    for phase in [Phase::Idle, Phase::Active] {
        for cmd in [
            Command::GetTranscript,
            Command::GetAgents,
            Command::GetStats,
            Command::GetSessionData,
        ] {
            assert_eq!(validate(&cmd, &gms(phase)), Ok(()));
        }
    }
}
