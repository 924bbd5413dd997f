/**
 * `widgets-chat-session.js`: the Chat Service JS API's session object, loaded beside the bundles
 * that carry the API (`chatservice`, `all`) and handed to chat-service.js.
 *
 * `open` creates one wasm `ChatServiceSession` (crates/webchat-web/src/chat_api.rs) and the
 * customer's session object around it: each command returns a done/fail promise settled through
 * the session's `sink`, each `on<Name>(fn)` adds a callback (and tells the core, which plays back
 * the events that callback missed), and log lines go to the `logger` option or the console.
 */

import { withDoneFail } from './chat-service.js';

const consoleLog = console.log.bind(console);
const consoleError = console.error.bind(console);

/** The session commands (seed 002 and the extended API of seed 000). */
const COMMANDS = 'getTranscript sendMessage sendTyping leave setUserData getUserData deleteUserData';
/** The session callbacks (seed 002), without their `on`. */
const CALLBACKS = 'Error AgentConnected AgentDisconnected MessageReceived AgentTyping Interrupted Continued SessionEnded';

/** `fn(...args)`, reporting (not propagating) what it throws. */
function guarded(fn, args) {
  try {
    fn.apply(undefined, args);
  } catch (err) {
    consoleError('[widgetsRsChat] a callback threw', err);
  }
}

/**
 * Opens one session (`restore` or start) on the bundle's `glue` (its `ChatServiceSession`).
 * Resolves with the session object, or fails with `{error}` (or `{}`: no chat to restore).
 */
export function open(glue, restore, options) {
  const logger = options && typeof options.logger === 'function' ? options.logger : null;
  const calls = []; // call id → [resolve, reject]; 0 is the open itself
  const handlers = {};
  const session = {};
  let native = null;
  const call = (id) => new Promise((resolve, reject) => (calls[id] = [resolve, reject]));
  COMMANDS.split(' ').forEach((name) => {
    session[name] = (arg) => {
      const id = calls.length;
      const p = withDoneFail(call(id));
      native.command(id, name, arg);
      return p;
    };
  });
  CALLBACKS.split(' ').forEach((name) => {
    const on = 'on' + name;
    session[on] = (fn) => {
      if (typeof fn === 'function') {
        (handlers[on] = handlers[on] || []).push(fn);
        native.listen(on);
      }
      return session;
    };
  });
  session.isAgentConnected = () => native.isAgentConnected();
  const opened = call(0);
  const sink = (kind, a, b) => {
    if (kind === 'event') {
      (handlers[a] || []).slice().forEach((fn) => guarded(fn, b === undefined ? [] : [b]));
    } else if (kind === 'log') {
      if (logger) guarded(logger, [a]);
      else consoleLog('[widgetsRsChat] ' + a);
    } else if (calls[a]) {
      calls[a][kind === 'done' ? 0 : 1](a === 0 && kind === 'done' ? session : b);
      calls[a] = null;
    }
  };
  native = glue.ChatServiceSession.open(restore, options, sink);
  return opened;
}
