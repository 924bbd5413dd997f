// Helpers for the WebChatService browser tests (chat-*.test.js): one chat-server emulator per
// test file, its agent and fault API, and a customer page with a recording plugin.
//
// The page is served by the harness and the chat API by the emulator, so every request is
// cross-origin with CORS, as on most customer sites. Tests drive WebChatService only through the
// public bus API (a plugin registered with CXBus.registerPlugin), as customer code does.
//
// Environment: EMULATOR_BIN (set by `cargo xtask test`), else target/debug/emulator.

import { after, afterEach, before } from 'node:test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './harness.js';

export const EMULATOR_BIN = process.env.EMULATOR_BIN || path.join(REPO_ROOT, 'target/debug/emulator');
export const SERVICE = 'customer-support';

/** Every event WebChatService publishes (the shipped list plus the documented extras). */
export const EVENTS = [
  'ready', 'started', 'restored', 'restoreTimeout', 'restoreFailed', 'restoredOffline',
  'messageReceived', 'error', 'ended', 'agentTypingStarted', 'agentTypingStopped',
  'agentTypingTimeout', 'pollingStarted', 'pollingStopped', 'clientConnected',
  'clientDisconnected', 'agentConnected', 'agentDisconnected', 'supervisorConnected',
  'supervisorDisconnected', 'botConnected', 'botDisconnected', 'clientTypingStarted',
  'clientTypingStopped', 'disconnected', 'reconnected', 'chatServerWentOffline',
  'chatServerBackOnline', 'connectionPending', 'connectionRestored',
  // Ours: the outbox (README "Sending while offline").
  'messagePending', 'messageDelivered', 'messageFailed',
];

const tokens = new Map();

/**
 * `fetch` of the emulator at `base` for path `p`, with the run's agent/fault API token (read once
 * from GET /emulator/api/token, as the agent console does). The one place JS tests add it.
 */
export async function emulatorFetch(base, p, init = {}) {
  if (!tokens.has(base)) {
    const res = await fetch(`${base}/emulator/api/token`);
    if (!res.ok) throw new Error(`GET /emulator/api/token -> ${res.status}`);
    tokens.set(base, (await res.json()).token);
  }
  return fetch(base + p, { ...init, headers: { ...(init.headers || {}), 'x-emulator-token': tokens.get(base) } });
}

/** Starts the emulator (auto-agent off: tests play the agent) for the file; resets faults after each test. */
export function emulator(args = ['--no-auto-agent']) {
  const state = { proc: null, url: null };
  before(async () => {
    if (!fs.existsSync(EMULATOR_BIN)) {
      throw new Error(`emulator not found at ${EMULATOR_BIN}; run \`cargo build -p emulator\` or set EMULATOR_BIN`);
    }
    const proc = spawn(EMULATOR_BIN, ['--host', '127.0.0.1', '--port', '0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    state.proc = proc;
    state.url = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 15000);
      proc.stdout.on('data', (chunk) => {
        out += chunk;
        const m = /emulator listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      proc.stderr.on('data', (chunk) => {
        out += chunk;
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`emulator exited with ${code}: ${out}`));
      });
    });
  });
  afterEach(async () => {
    if (state.url) await api('DELETE', '/emulator/api/faults');
  });
  after(() => {
    state.proc?.kill();
  });

  async function api(method, p, body) {
    const res = await emulatorFetch(state.url, p, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p} -> ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  return {
    get url() {
      return state.url;
    },
    get dataURL() {
      return `${state.url}/genesys/2/chat/${SERVICE}`;
    },
    api,
    /** Agent-side actions on session `id` (the GMS chatId). */
    agent(id) {
      const s = `/emulator/api/sessions/${id}`;
      return {
        join: (body = {}) => api('POST', `${s}/join`, body),
        say: (text, body = {}) => api('POST', `${s}/messages`, { text, ...body }),
        typing: (typing = true, body = {}) => api('POST', `${s}/typing`, { typing, ...body }),
        notice: (text) => api('POST', `${s}/notice`, { text }),
        transfer: (body = {}) => api('POST', `${s}/transfer`, body),
        leave: (participantId) => api('POST', `${s}/leave`, { participantId }),
        end: (reason = 'agent') => api('POST', `${s}/end`, { reason }),
        detail: () => api('GET', s),
      };
    },
    faults: (settings) => api('PUT', '/emulator/api/faults', settings),
  };
}

// The recorder installed on every chat page: a customer-style plugin that records every
// WebChatService event (data cloned at delivery) and sends commands.
const RECORDER = `
window.__chat = (function () {
  var p = CXBus.registerPlugin('ChatTest');
  var events = [];
  var clone = function (v) {
    if (v === undefined) return undefined;
    try { return JSON.parse(JSON.stringify(v)); } catch (e) { return String(e); }
  };
  ${JSON.stringify(EVENTS)}.forEach(function (n) {
    p.subscribe('WebChatService.' + n, function (e) {
      events.push({ event: n, data: clone(e.data), at: Date.now() });
    });
  });
  function until(pred, ms, what) {
    return new Promise(function (resolve, reject) {
      var end = Date.now() + ms;
      (function check() {
        var v;
        try { v = pred(); } catch (e) { return reject(e); }
        if (v) return resolve(v);
        if (Date.now() > end) return reject(new Error('timed out waiting for ' + what));
        setTimeout(check, 25);
      })();
    });
  }
  return {
    plugin: p,
    events: events,
    names: function () { return events.map(function (e) { return e.event; }); },
    cmd: function (name, data, ms) {
      return window.__t.settle(p.command('WebChatService.' + name, data), ms || 5000);
    },
    count: function (name) {
      return events.filter(function (e) { return e.event === name; }).length;
    },
    waitEvent: function (name, n, ms) {
      n = n || 1;
      return until(function () {
        var seen = events.filter(function (e) { return e.event === name; });
        return seen.length >= n && seen[n - 1];
      }, ms || 8000, name + ' #' + n);
    },
    until: until,
    /** Every published message, in order, with the batch's restoring flag. */
    messages: function () {
      var out = [];
      events.forEach(function (e) {
        if (e.event !== 'messageReceived') return;
        e.data.messages.forEach(function (m) {
          out.push(Object.assign({ restoring: e.data.restoring }, m));
        });
      });
      return out;
    },
    waitMessage: function (pred, ms) {
      var self = this;
      return until(function () { return self.messages().filter(pred)[0]; }, ms || 8000, 'a message');
    },
  };
})();`;

/** The session record key of WebChatService (webchat_core::STORAGE_KEY). */
export const STORAGE_KEY = '_genesys.widgets.webchat.session';
/** Engage v3 async mode's outbox key (webchat_core::OUTBOX_KEY). */
export const OUTBOX_KEY = '_genesys.widgets.webchat.outbox';

// Tests in one file share a browser profile, so a new tab must not restore an earlier test's
// chat: the first page load in a tab forgets the stored session; reloads and navigations in the
// same tab (which keeps its sessionStorage) keep it, as on a real site.
const FRESH_TAB = `if (!sessionStorage.getItem('__chatTab')) {
  sessionStorage.setItem('__chatTab', '1');
  localStorage.removeItem(${JSON.stringify('_genesys.widgets.webchat.session')});
  localStorage.removeItem(${JSON.stringify('_genesys.widgets.webchat.outbox')});
}`;

/**
 * Opens a customer page whose `_genesys.widgets.webchat` points at the emulator (plus
 * `webchat`, JS source merged in), with the recorder, and waits for WebChatService.ready.
 * `fresh: false` keeps a stored session on the first load too (another tab of a running chat).
 */
export async function openChat(
  h,
  emu,
  { webchat = '', main = '{debug: false}', body = '', waitReady = true, beforeScript = '', fresh = true } = {},
) {
  const config = `{main: ${main}, webchat: Object.assign({dataURL: ${JSON.stringify(emu.dataURL)}}, ${webchat || '{}'})}`;
  const first = fresh ? FRESH_TAB : '';
  const page = await h.open({ config, after: RECORDER, body, beforeScript: first + beforeScript });
  if (waitReady) await page.run(() => window.__chat.waitEvent('ready', 1, 8000), undefined, { timeout: 10000 });
  return page;
}

/** Starts a chat from the page; returns the chat id (GMS chatId). */
export async function startChat(page, data = { nickname: 'Jonny', subject: 'help' }) {
  const r = await page.run((d) => window.__chat.cmd('startChat', d), data);
  if (r.state !== 'resolved') throw new Error(`startChat ${r.state}: ${JSON.stringify(r.args)}`);
  return r.args[0].chatId;
}

/** Runs `fn` in the page with a generous timeout (polls take up to 3 s each). */
export function slow(page, fn, arg, ms = 20000) {
  return page.run(fn, arg, { timeout: ms });
}

/** Asserts that message indices are unique and have no gaps from `from` on. */
export function indicesOf(messages) {
  return messages.filter((m) => m.index != null).map((m) => m.index);
}
