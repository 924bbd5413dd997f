/**
 * The Chat Service JS API (seeds 000, 002, 003) at `window.widgetsRsChat`: the part every page's
 * script carries, so it is small.
 *
 * The global exists as soon as `widgets.min.js` has run: `startSession`, `startChat` (the seeds'
 * other name for it) and `restoreSession` return promises at once and wait for the bundle. The
 * bundles that carry the API (`chatservice`, `all`: see bundle.js) come with
 * `widgets-chat-session.js` (chat-session.js), which builds the session object over the wasm
 * `ChatServiceSession`; with any other bundle every open fails with code 1. Rules, codes and
 * event shapes live in the Rust core (crates/webchat-core/src/chat_api/).
 */

/**
 * Gives a standard promise the seeds' `done` and `fail` (chainable, callbacks run as `then`'s
 * do, after the current script); a failure nobody handles is not reported as unhandled.
 */
export function withDoneFail(p) {
  p.catch(() => {});
  p.done = (fn) => (p.then(fn, () => {}), p);
  p.fail = (fn) => (p.catch(fn), p);
  return p;
}

/** A failure `{error: {code, description}}`. */
const failure = (code, description) => Promise.reject({ error: { code, description } });

/**
 * The global's object. `loaded` resolves with `{glue, open}` once the runtime has started
 * (`open` from the session script, present with the bundles that carry the API), or rejects when the bundle
 * could not be loaded (then every open fails with 52).
 */
export function makeChatService(loaded) {
  loaded.catch(() => {}); // reported by the calls, if any
  const entry = (restore) => (options) =>
    withDoneFail(
      loaded.then(
        (b) =>
          b.open
            ? b.open(b.glue, restore, options)
            : // Texts of crates/webchat-core/src/texts.rs. No API in this bundle: the page did not
              // set `chatService` (README, "Bundles").
              failure(1, 'unknown command'),
        () => failure(52, 'execution error'),
      ),
    );
  const start = entry(false);
  return { startSession: start, startChat: start, restoreSession: entry(true) };
}
