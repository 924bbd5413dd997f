// Helpers for the Engage v3 browser tests (chat-v3-*.test.js): a customer page configured with
// `transport.type: 'pureengage-v3-rest'` against the emulator, and a network watch that reads the
// session the page started from the wire (the start answer's clientToken), never from our client,
// so a test can check what our client exposes against what the server issued.
//
// The page is the GMS tests' (chat-emulator.js: the recording plugin `window.__chat`, a fresh
// stored session per tab); only `_genesys.widgets.webchat` differs. Waiting and transcript helpers
// are the Cloud tests' (chat-cloud.js), which know no wire.

import { openChat } from './chat-emulator.js';
import { withTimeout } from './harness.js';

/** The Engage v3 REST base the emulator serves. */
export const V3_BASE = '/nexus/v3/chat/sessions';
export const API_KEY = 'v3-test-key';

/** Rejection texts (webchat-core/src/texts.rs; seed 004). */
export const V3_TEXTS = {
  noSession: 'There is no active chat session',
  noCustomNotice: "This transport doesn't support sendCustomNotice command.",
  privateRestore:
    'Access Denied to private command. Only WebChatService is allowed to invoke this command in Non-Async mode.',
  historyAsyncOnly: 'Fetching history messages applies only to Asynchronous chat.',
  noMoreHistory: 'No more messages to fetch.',
  noVerifySession: "This transport doesn't support the verifySession command",
  alreadyRestoring: 'Already restoring. Ignoring request.',
  restoreWhileActive: 'Chat session is already active, ignoring restore command.',
};

/**
 * `_genesys.widgets.webchat` for Engage v3 (seed 004's example) as JS source, plus `extra`;
 * `asyncMode` is JS source of `transport.async` (the callbacks), when given.
 */
export function v3Webchat(emu, extra = '', asyncMode = '') {
  const transport = {
    type: 'pureengage-v3-rest',
    dataURL: emu.url + V3_BASE,
    endpoint: 'customer-support',
    headers: { 'x-api-key': API_KEY },
  };
  const withAsync = `Object.assign(${JSON.stringify(transport)}, {async: ${asyncMode || 'undefined'}})`;
  return `Object.assign({transport: ${withAsync}, userData: {customerId: '59606'}}, ${extra || '{}'})`;
}

/**
 * `transport.async` as a site would write it (seed 004's example, storing through `Cookie`), also
 * recording every call in `window.__async` ({get, set, deleted}: the arguments each was called
 * with). `setSessionData` answers `window.__restoreWith` when a test put session data there (a
 * site that keeps it server-side), else the cookie.
 */
export const SITE_ASYNC = `{
  enabled: true,
  getSessionData: function (sessionData, Cookie, CookieOptions) {
    window.__async.get.push(JSON.parse(JSON.stringify(sessionData)));
    window.__async.stored = JSON.stringify(sessionData);
    Cookie.set('customer-defined-session-cookie', JSON.stringify(sessionData), CookieOptions);
  },
  setSessionData: function (Open, Cookie, CookieOptions) {
    window.__async.set.push({open: Open, options: CookieOptions});
    return window.__restoreWith || Cookie.get('customer-defined-session-cookie');
  },
  deleteSessionData: function (errorData, Cookie, CookieOptions) {
    window.__async.deleted.push(JSON.parse(JSON.stringify(errorData === undefined ? null : errorData)));
    Cookie.remove('customer-defined-session-cookie', CookieOptions);
  }
}`;

/**
 * Page script for SITE_ASYNC's recorder (before the widgets script). Tests in one file share a
 * browser profile, so, as chat-emulator.js does for localStorage, a new tab starts without the
 * cookie an earlier test's site stored; reloads in the same tab keep it.
 */
export const ASYNC_RECORDER = `window.__async = {get: [], set: [], deleted: [], stored: null};
if (!sessionStorage.getItem('__asyncTab')) {
  sessionStorage.setItem('__asyncTab', '1');
  document.cookie = 'customer-defined-session-cookie=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT';
}`;

/** The claims of a clientToken (the page's own atob, as the vendor's client reads them). */
export function claimsOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64').toString('utf8'));
}

/** Records the page's requests to the emulator (with the two v3 headers) and start answers. */
function watchNetwork(p, emu) {
  const net = { requests: [], starts: [] };
  p.page.on('request', (req) => {
    if (!req.url().startsWith(emu.url)) return;
    const url = new URL(req.url());
    const headers = req.headers();
    net.requests.push({
      method: req.method(),
      path: url.pathname,
      query: url.searchParams,
      body: req.postData(),
      apiKey: headers['x-api-key'] ?? null,
      clientKey: headers['x-nexus-client-key'] ?? null,
    });
  });
  p.page.on('response', (res) => {
    const req = res.request();
    if (req.method() !== 'POST' || !res.url().startsWith(emu.url)) return;
    if (new URL(res.url()).pathname.replace(/\/$/, '') !== V3_BASE) return;
    net.starts.push({ status: res.status(), body: req.postData(), answer: res.json().catch(() => null) });
  });
  return net;
}

/**
 * Opens a customer page configured for Engage v3 against `emu` (`webchat`: JS source merged into
 * the config; `beforeScript`: page script run before the widgets) and waits for ready.
 * `p.v3` records the emulator traffic.
 */
export async function openV3Chat(
  h,
  emu,
  { webchat = '', asyncMode = '', main = '{debug: false}', body = '', waitReady = true, beforeScript = '', isolated = false } = {},
) {
  const config = `{main: ${main}, webchat: ${v3Webchat(emu, webchat, asyncMode)}}`;
  const v3Harness = {
    open: (opts) =>
      h.open({ ...opts, config, isolated, beforeScript: `${beforeScript}\n${opts.beforeScript || ''}` }),
  };
  const p = await openChat(v3Harness, emu, { body, waitReady });
  p.v3 = watchNetwork(p, emu);
  return p;
}

/**
 * Starts a v3 chat from the page with the seed's v3 shape (`{form: {...}, userData}`) and returns
 * what the server issued `{sid, participantId, token, startBody, resolution}`.
 */
export async function startV3Chat(p, data = { form: { nickname: 'Jo', email: 'jo@example.com', subject: 'help' }, userData: { plan: 'gold' } }) {
  const before = p.v3.starts.length;
  const r = await p.run((d) => window.__chat.cmd('startChat', d, 8000), data, { timeout: 10000, what: 'startChat' });
  if (r.state !== 'resolved') throw new Error(`startChat ${r.state} with ${JSON.stringify(r.args)}`);
  const start = p.v3.starts[before];
  if (!start) throw new Error(`startChat resolved but the page never POSTed ${V3_BASE}`);
  const answer = await withTimeout(start.answer, 5000, 'reading the start answer');
  const token = answer?.data?.clientToken;
  if (!token) throw new Error(`the start answered ${start.status} ${JSON.stringify(answer)}`);
  const claims = claimsOf(token);
  return {
    sid: claims.sessionId,
    participantId: claims.participantId,
    transportId: claims.transportId,
    token,
    startBody: new URLSearchParams(start.body || ''),
    resolution: r.args[0],
  };
}

/** Whether `token` appears anywhere in what the page's recorder saw published. */
export async function tokenInEvents(p, token) {
  return p.run((t) => JSON.stringify(window.__chat.events).includes(t), token);
}
