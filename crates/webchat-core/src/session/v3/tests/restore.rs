//! Restoring from the saved record or from customer-held session data (async mode), and paging
//! history in.

use super::*;
use crate::texts;

/// Runs a restore whose replay answers with `replay`; returns the events after it.
fn restore(h: &mut Harness, replay: &str) -> Vec<SessionEvent> {
    let op = h.begin(Op::Restore);
    let (id, resume) = h.request();
    assert_eq!((resume.method, resume.url.as_str()), (Method::Post, BASE));
    assert_eq!(header(&resume, "x-nexus-client-key"), Some(TOKEN));
    h.answer(id, 200, &started_answer());
    let (id, replay_request) = h.request();
    assert!(
        is_get(&replay_request, "/abc123/messages?count=10000"),
        "{}",
        replay_request.url
    );
    h.answer(id, 200, replay);
    let events = h.events();
    assert_eq!(finished(&events), [(op, OpOutcome::Done(Json::Null))]);
    events
}

#[test]
fn the_saved_record_restores_the_whole_transcript_without_typing() {
    let started = Harness::started(false, POLL_FIXTURE);
    let record = started.session.record().unwrap_or_default();
    assert_eq!(record["transport"], "v3");
    let mut h = Harness::new(false);
    assert!(h.session.resume(&record));
    let mut all = agent_texts(1, 30);
    all.push(message(31, "TypingStarted", "Agent", ""));
    let events = restore(&mut h, &batch(&all, false));
    let got = delivered(&events);
    assert_eq!(got.len(), 30);
    assert!(got.iter().all(|(_, _, restoring)| *restoring));
    // Polling goes on from the next index, 3 s later.
    let (_, poll) = h.next_poll();
    assert_eq!(h.now, T0 + 3000);
    assert!(is_get(&poll, "/abc123/messages?index=32"), "{}", poll.url);
}

#[test]
fn outside_async_mode_customer_session_data_is_not_a_record() {
    let mut h = Harness::new(false);
    assert!(!h.session.resume(&Json::String(TOKEN.into())));
    assert!(
        !h.session
            .resume(&json(r#"{"transport":"gms","chatId":"c"}"#))
    );
}

#[test]
fn async_mode_resumes_from_the_token_or_the_session_data_object() {
    let object = h_session_data();
    for data in [
        Json::String(TOKEN.into()),
        object.clone(),
        json(&crate::http::concat(&[
            r#"{"sessionData":""#,
            TOKEN,
            r#""}"#,
        ])),
    ] {
        let mut h = Harness::new(true);
        assert!(h.session.resume(&data), "{data:?}");
        assert_eq!(h.session.session_data(), object);
    }
    let mut h = Harness::new(true);
    for garbage in ["", "a.b.c", "{}", "[1]", "null"] {
        assert!(!h.session.resume(&json(garbage)), "{garbage}");
        assert!(
            !h.session.resume(&Json::String(garbage.into())),
            "{garbage}"
        );
    }
}

fn h_session_data() -> Json {
    Harness::started(true, POLL_FIXTURE).session.session_data()
}

#[test]
fn an_async_restore_replays_the_newest_page_and_history_pages_to_the_end() {
    let mut h = Harness::new(true);
    assert!(h.session.resume(&Json::String(TOKEN.into())));
    let events = restore(&mut h, &batch(&agent_texts(1, 45), false));
    let indexes: Vec<u64> = delivered(&events).iter().map(|d| d.0).collect();
    assert_eq!(indexes, (26..=45).collect::<Vec<_>>());

    let op = h.begin(Op::FetchHistory);
    let (id, page) = h.request();
    assert!(
        is_get(&page, "/abc123/messages?index=6&count=20"),
        "{}",
        page.url
    );
    // A server may answer with more than asked: only the older ones are delivered.
    h.answer(id, 200, &batch(&agent_texts(6, 30), false));
    let events = h.events();
    let indexes: Vec<u64> = delivered(&events).iter().map(|d| d.0).collect();
    assert_eq!(indexes, (6..=25).collect::<Vec<_>>());
    assert!(delivered(&events).iter().all(|d| d.2));
    assert!(matches!(finished(&events)[..], [(o, OpOutcome::Done(_))] if o == op));
    // Messages first, then the resolution, so subscribers have them when it resolves.
    assert!(matches!(events.last(), Some(SessionEvent::Finished { .. })));

    h.begin(Op::FetchHistory);
    let (id, page) = h.request();
    assert!(
        is_get(&page, "/abc123/messages?index=1&count=5"),
        "{}",
        page.url
    );
    h.answer(id, 200, &batch(&agent_texts(1, 5), false));
    assert_eq!(delivered(&h.events()).len(), 5);

    let op = h.begin(Op::FetchHistory);
    assert_eq!(
        finished(&h.events()),
        [(
            op,
            OpOutcome::Failed(Json::String(texts::NO_MORE_HISTORY.into()))
        )]
    );
    assert!(h.io().is_empty());
}

#[test]
fn a_fresh_async_chat_has_no_history_to_fetch() {
    let mut h = Harness::started(true, POLL_FIXTURE);
    let op = h.begin(Op::FetchHistory);
    assert_eq!(
        finished(&h.events()),
        [(
            op,
            OpOutcome::Failed(Json::String(texts::NO_MORE_HISTORY.into()))
        )]
    );
}

#[test]
fn a_restore_of_a_session_the_server_lost_fails_and_forgets_it() {
    for (status, text) in [
        (404, ERROR_FIXTURE),
        (
            401,
            r#"{"status":{"code":"AUTHENTICATION_REQUIRED","message":"x"}}"#,
        ),
    ] {
        let mut h = Harness::new(true);
        assert!(h.session.resume(&Json::String(TOKEN.into())));
        let op = h.begin(Op::Restore);
        let (id, _) = h.request();
        h.answer(id, status, text);
        let events = h.events();
        assert!(matches!(finished(&events)[..], [(o, OpOutcome::Failed(_))] if o == op));
        assert_eq!(h.session.session_data(), json("{}"));
        assert_eq!(h.session.poll_timeout(), None);
    }
}

#[test]
fn a_restore_of_an_ended_chat_fails() {
    let mut h = Harness::new(false);
    assert!(h.session.resume(&json(&crate::http::concat(&[
        r#"{"transport":"v3","token":""#,
        TOKEN,
        r#""}"#
    ]))));
    let op = h.begin(Op::Restore);
    let (id, _) = h.request();
    h.answer(id, 200, &started_answer());
    let (id, _) = h.request();
    h.answer(id, 200, &batch(&agent_texts(1, 2), true));
    let events = h.events();
    assert!(matches!(finished(&events)[..], [(o, OpOutcome::Failed(_))] if o == op));
    assert!(delivered(&events).is_empty());
}

#[test]
fn a_restore_with_the_server_down_keeps_the_session_and_the_first_poll_is_the_replay() {
    let mut h = Harness::new(true);
    assert!(h.session.resume(&Json::String(TOKEN.into())));
    let op = h.begin(Op::Restore);
    let (id, _) = h.request();
    h.fail(id, HttpOutcome::NetworkError);
    let events = h.events();
    assert!(matches!(finished(&events)[..], [(o, OpOutcome::Unreachable(_))] if o == op));
    let (id, poll) = h.next_poll();
    assert!(is_get(&poll, "/abc123/messages?index=1"), "{}", poll.url);
    h.answer(id, 200, &batch(&agent_texts(1, 25), false));
    let events = h.events();
    assert!(events.contains(&SessionEvent::Link(crate::session::Link::BackOnline)));
    let got = delivered(&events);
    assert_eq!(got.first().map(|d| (d.0, d.2)), Some((6, true)));
    assert_eq!(got.len(), 20);
}
