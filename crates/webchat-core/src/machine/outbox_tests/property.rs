//! The property: whatever happens, the server ends with each typed message once, in typed order,
//! and live messages are published in index order.

use super::*;

fn check(polling: bool, steps: Vec<Step>) {
    check_in(World::new(polling), steps);
}

fn check_in(mut w: World, steps: Vec<Step>) {
    for s in steps {
        w.run(s);
    }
    w.heal();
    assert!(w.chat.outbox.queued().is_empty(), "the outbox drains");
    let stored: Vec<String> = w
        .server
        .borrow()
        .transcript
        .iter()
        .filter(|(_, _, c)| *c)
        .map(|(_, t, _)| t.clone())
        .collect();
    // Exactly once, in typed order: the server holds the typed messages, each once, in order,
    // minus any reported as failed.
    let expected: Vec<String> = w
        .typed
        .iter()
        .filter(|t| !w.failed_texts.contains(t))
        .cloned()
        .collect();
    assert_eq!(stored, expected, "typed {:?}", w.typed);
    assert!(
        w.failed_texts.is_empty(),
        "nothing fails within the timeout"
    );
    // Live messages are published in index order, each once, on every page.
    for page in &w.published {
        assert!(
            page.windows(2).all(|p| p[0] < p[1]),
            "published out of order or twice: {page:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_polling_transport_never_loses_duplicates_or_reorders(
        steps in prop::collection::vec(step(), 0..60)
    ) {
        check(true, steps);
    }

    #[test]
    fn a_push_transport_never_loses_duplicates_or_reorders(
        steps in prop::collection::vec(step(), 0..60)
    ) {
        check(false, steps);
    }

    /// Echoes that come long after a lost answer (Genesys Cloud's socket is no proof of
    /// absence): the catch-up decides, never a timer.
    #[test]
    fn a_push_transport_with_late_echoes_never_loses_duplicates_or_reorders(
        steps in prop::collection::vec(step(), 0..60)
    ) {
        check_in(World::with_pushes(false, true), steps);
    }
}
