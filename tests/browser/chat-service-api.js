// Helpers for the Chat Service JS API browser tests (chat-service-api-*.test.js): a customer page
// that uses only `window.widgetsRsChat` (no `webchat` configuration), with a recorder that keeps
// every callback event, every logger line and every state written, against the emulator of
// chat-emulator.js.

import { SERVICE } from './chat-emulator.js';

/** The built-in state storage's localStorage key (crates/webchat-web/src/chat_api.rs). */
export const STATE_KEY = 'widgets-rs.chatService.state';

/** Every callback of a session (seed 002). */
export const CALLBACKS = [
  'onError', 'onAgentConnected', 'onAgentDisconnected', 'onMessageReceived', 'onAgentTyping',
  'onInterrupted', 'onContinued', 'onSessionEnded',
];

// Installed after widgets.min.js: window.__api records and drives one session.
const RECORDER = `
window.__api = (function () {
  var api = {
    events: [],       // {on, event} per callback call, event cloned
    lines: [],        // logger lines
    states: [],       // what a page stateStorage was given (when the page uses __api.storage)
    session: null,
  };
  var clone = function (v) {
    if (v === undefined) return undefined;
    return JSON.parse(JSON.stringify(v));
  };
  api.logger = function () { api.lines.push([].slice.call(arguments).join(' ')); };
  // A page-supplied stateStorage over sessionStorage (survives reloads of the tab).
  api.storage = {
    read: function () { return JSON.parse(sessionStorage.getItem('__pageState') || 'null'); },
    write: function (state) {
      api.states.push(clone(state));
      sessionStorage.setItem('__pageState', JSON.stringify(state));
    },
  };
  api.listen = function (session) {
    api.session = session;
    ${JSON.stringify(CALLBACKS)}.forEach(function (on) {
      session[on](function (event) { api.events.push({ on: on, event: clone(event) }); });
    });
    return session;
  };
  /** Settles an API promise as {state: 'done'|'fail'|'pending', value}. */
  api.settle = function (promise, ms) {
    return new Promise(function (resolve) {
      var t = setTimeout(function () { resolve({ state: 'pending' }); }, ms || 8000);
      var finish = function (state, v) {
        clearTimeout(t);
        var r = { state: state };
        if (v !== undefined) r.value = v && v.sendMessage ? 'session' : clone(v);
        resolve(r);
      };
      promise
        .done(function (v) { finish('done', v); })
        .fail(function (v) { finish('fail', v); });
    });
  };
  /** Opens a session (startSession or restoreSession) and records it when it opens. */
  api.open = function (entry, options, ms) {
    var p = widgetsRsChat[entry](options);
    p.done(api.listen);
    return api.settle(p, ms);
  };
  api.cmd = function (name, arg, ms) { return api.settle(api.session[name](arg), ms); };
  api.on = function (on) { return api.events.filter(function (e) { return e.on === on; }); };
  api.until = function (pred, ms, what) {
    return new Promise(function (resolve, reject) {
      var end = Date.now() + (ms || 8000);
      (function check() {
        var v;
        try { v = pred(); } catch (e) { return reject(e); }
        if (v) return resolve(v);
        if (Date.now() > end) return reject(new Error('timed out waiting for ' + (what || 'a condition')));
        setTimeout(check, 25);
      })();
    });
  };
  api.waitOn = function (on, n, ms) {
    n = n || 1;
    return api.until(function () { var s = api.on(on); return s.length >= n && s[n - 1]; }, ms, on + ' #' + n);
  };
  /** The saved state (built-in localStorage or the page storage), or null. */
  api.state = function () {
    return JSON.parse(localStorage.getItem(${JSON.stringify(STATE_KEY)}) || sessionStorage.getItem('__pageState') || 'null');
  };
  return api;
})();`;

// Each new tab starts without a saved state (reloads of the same tab keep it).
const FRESH_TAB = `if (!sessionStorage.getItem('__apiTab')) {
  sessionStorage.setItem('__apiTab', '1');
  localStorage.removeItem(${JSON.stringify(STATE_KEY)});
}`;

/** Opens a page that uses only the Chat Service JS API (`chatService: {}` picks its bundle). */
export function openApiPage(h, { config = '{main: {debug: false}, chatService: {}}' } = {}) {
  return h.open({ config, after: RECORDER, beforeScript: FRESH_TAB });
}

/** The emulator's CometD endpoint (`serverUrl`). */
export function serverUrl(emu) {
  return `${emu.url}/genesys/cometd`;
}

/** A REST `transport` option for the emulator. */
export function restTransport(emu) {
  return { type: 'rest', dataURL: `${emu.url}/genesys/2/chat/${SERVICE}` };
}

/** Starts a session from the page with `options` (JS source, may use `__api.logger`). */
export async function startSession(p, options) {
  const r = await p.page.evaluate(`window.__api.open('startSession', ${options})`);
  if (r.state !== 'done') throw new Error(`startSession ${r.state}: ${JSON.stringify(r.value)}`);
  return r;
}

/** The chat id of the page's saved state. */
export async function chatIdOf(p) {
  const state = await p.run(() => window.__api.state());
  if (!state) throw new Error('no saved state');
  return state.session.keys.chatId;
}

/** The session keys that must never be shown (from the saved state). */
export async function secretsOf(p) {
  const keys = (await p.run(() => window.__api.state())).session.keys;
  return [keys.secureKey, keys.userId, keys.alias].filter(Boolean);
}

/** Asserts that nothing the page saw (events, logger lines, console) holds a secret. */
export async function assertNoSecrets(assert, p, secrets) {
  const seen = JSON.stringify({
    events: await p.run(() => window.__api.events),
    lines: await p.run(() => window.__api.lines),
    console: await p.console(),
  });
  for (const s of secrets) {
    // Aliases are short numbers: look for them as JSON values or whole words only.
    const pattern = new RegExp(`(^|[^0-9A-Za-z])${s}([^0-9A-Za-z]|$)`);
    assert.ok(!pattern.test(seen), `secret ${s.slice(0, 2)}… reached the page: ${seen.slice(0, 400)}`);
  }
}
