// Helpers for the Genesys Cloud guest chat browser tests (chat-cloud-*.test.js): a customer page
// configured with `transport.type: 'purecloud-v2-sockets'` against the emulator, a probe that
// records the page's WebSockets, and a network watch that reads the conversation the page created.
//
// The page is the same as the GMS tests' (chat-emulator.js: the recording plugin `window.__chat`,
// a fresh stored session per tab); only `_genesys.widgets.webchat` differs. Tests still drive
// WebChatService only through the public bus API. The conversation id, member id and JWT are read
// from the wire (the create answer), never from our client, so a test can check what our client
// exposes against what the server issued.

import { openChat, slow } from './chat-emulator.js';
import { withTimeout } from './harness.js';

/** The guest chat REST base the emulator (and Genesys Cloud) serves. */
export const CLOUD_BASE = '/api/v2/webchat/guest/conversations';

/** Config userData of the Cloud example (seed 001), sent to the server as customFields. */
export const CLOUD_USER_DATA = { customerId: '59606', phoneType: 'Cell' };

/** Rejection texts (webchat-core/src/texts.rs; seeds 001 and 004). */
export const TEXTS = {
  noSession: 'There is no active chat session',
  alreadyActive: 'There is already an active chat session',
  noCustomNotice: "This transport doesn't support sendCustomNotice command.",
  noUpdateUserData: "This transport doesn't support updating userData during an active chat session.",
  noPolling: "This transport doesn't support polling",
  noResetPollExceptions: "This transport doesn't support resetPollExceptions command.",
  noFileUpload: "This transport doesn't support file uploads.",
  privateCommand: 'Access Denied to private command. Only WebChatService is allowed to invoke this command.',
  privateRestore:
    'Access Denied to private command. Only WebChatService is allowed to invoke this command in Non-Async mode.',
  historyAsyncOnly: 'Fetching history messages applies only to Asynchronous chat.',
  tooLong: 'Message is too long: Genesys Cloud accepts at most 4000 characters.',
};

// Installed before the widgets script: every WebSocket the page opens, as
// {url, opened, closed, frames, lastFrame, socket} in window.__ws. A subclass, so `instanceof
// WebSocket` and the constants still hold for the code under test.
const WS_PROBE = `(function () {
  var Native = window.WebSocket;
  var list = [];
  window.__ws = list;
  if (!Native) return;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      if (protocols === undefined) super(url); else super(url, protocols);
      var rec = { url: String(url), created: Date.now(), opened: 0, closed: 0, frames: 0, lastFrame: 0, socket: this };
      list.push(rec);
      this.addEventListener('open', function () { rec.opened = Date.now(); });
      this.addEventListener('close', function () { rec.closed = Date.now(); });
      this.addEventListener('message', function () { rec.frames += 1; rec.lastFrame = Date.now(); });
    }
  };
})();`;

/** `_genesys.widgets.webchat` for Genesys Cloud (seed 001's example) as JS source, plus `extra`. */
export function cloudWebchat(emu, extra = '') {
  const transport = {
    type: 'purecloud-v2-sockets',
    dataURL: emu.url,
    deploymentKey: 'dep-1',
    orgGuid: 'org-1',
    interactionData: { routing: { targetType: 'QUEUE', targetAddress: 'Support', priority: 2 } },
  };
  return `Object.assign({transport: ${JSON.stringify(transport)}, userData: ${JSON.stringify(CLOUD_USER_DATA)}}, ${extra || '{}'})`;
}

/** Records the page's requests to the emulator and the answers to conversation creates. */
function watchNetwork(p, emu) {
  const net = { requests: [], creates: [] };
  p.page.on('request', (req) => {
    if (!req.url().startsWith(emu.url)) return;
    net.requests.push({
      method: req.method(),
      path: new URL(req.url()).pathname,
      body: req.postData(),
      authorization: req.headerValue('authorization').catch(() => null),
    });
  });
  p.page.on('response', (res) => {
    const req = res.request();
    if (req.method() !== 'POST' || !res.url().startsWith(emu.url)) return;
    if (new URL(res.url()).pathname.replace(/\/$/, '') !== CLOUD_BASE) return;
    net.creates.push({
      status: res.status(),
      request: (() => {
        try {
          return req.postDataJSON();
        } catch {
          return req.postData();
        }
      })(),
      answer: res.json().catch(() => null),
    });
  });
  return net;
}

/**
 * Opens a customer page configured for Genesys Cloud against `emu` (`webchat`: JS source merged
 * into the config) and waits for WebChatService.ready. `p.cloud` records the emulator traffic.
 */
export async function openCloudChat(h, emu, { webchat = '', main = '{debug: false}', body = '', waitReady = true } = {}) {
  const config = `{main: ${main}, webchat: ${cloudWebchat(emu, webchat)}}`;
  // openChat builds the GMS config; keep its page (recorder, fresh-tab storage), swap the config.
  const cloudHarness = {
    open: (opts) => h.open({ ...opts, config, beforeScript: `${WS_PROBE}\n${opts.beforeScript || ''}` }),
  };
  const p = await openChat(cloudHarness, emu, { body, waitReady });
  p.cloud = watchNetwork(p, emu);
  return p;
}

/**
 * Starts a Cloud chat from the page and returns what the server issued
 * `{id, memberId, jwt, eventStreamUri, request, resolution, openAtResolve}`; `openAtResolve` lists
 * the URLs of the page's open WebSockets at the moment startChat resolved.
 */
export async function startCloudChat(p, data = { nickname: 'Jo' }) {
  const before = p.cloud.creates.length;
  const r = await p.run(
    async (d) => {
      const dfd = window.__chat.plugin.command('WebChatService.startChat', d);
      let openAtResolve = null;
      dfd.done(() => {
        openAtResolve = window.__ws.filter((w) => w.socket.readyState === 1).map((w) => w.url);
      });
      const settled = await window.__t.settle(dfd, 8000);
      return { ...settled, openAtResolve };
    },
    data,
    { timeout: 10000, what: 'startChat' },
  );
  if (r.state !== 'resolved') {
    throw new Error(
      `startChat ${r.state} with ${JSON.stringify(r.args)}; expected it to resolve once the Genesys Cloud ` +
        `conversation is created and its WebSocket is open`,
    );
  }
  const create = p.cloud.creates[before];
  if (!create) {
    throw new Error(`startChat resolved but the page never POSTed ${CLOUD_BASE} to the emulator`);
  }
  const answer = await withTimeout(create.answer, 5000, 'reading the create answer');
  if (!answer || !answer.id) {
    throw new Error(`the conversation create answered ${create.status} ${JSON.stringify(answer)}`);
  }
  return {
    id: answer.id,
    memberId: answer.member.id,
    jwt: answer.jwt,
    eventStreamUri: answer.eventStreamUri,
    request: create.request,
    resolution: r.args[0],
    openAtResolve: r.openAtResolve,
  };
}

/** Waits until the page has sent a request to the emulator matching `pred({method, path, body})`. */
export async function waitRequest(p, pred, what, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const hit = p.cloud.requests.find(pred);
    if (hit) return hit;
    if (Date.now() > end) {
      const seen = p.cloud.requests.map((r) => `${r.method} ${r.path}`);
      throw new Error(`expected the page to send ${what} within ${ms} ms; it sent ${JSON.stringify(seen)}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits for `event` number `n` (default 1) in the page, failing with what was published instead. */
export async function waitEvent(p, event, { n = 1, ms = 8000 } = {}) {
  try {
    return await slow(p, (a) => window.__chat.waitEvent(a.event, a.n, a.ms), { event, n, ms }, ms + 2000);
  } catch (e) {
    const names = await p.run(() => window.__chat.names()).catch(() => []);
    throw new Error(
      `expected WebChatService.${event} #${n} within ${ms} ms (${e.message}); published so far: [${names.join(', ')}]`,
    );
  }
}

/** Waits for a published message with this text, failing with the texts published instead. */
export async function waitText(p, text, ms = 8000) {
  try {
    return await slow(p, (a) => window.__chat.waitMessage((m) => m.text === a.text, a.ms), { text, ms }, ms + 2000);
  } catch (e) {
    const texts = await p.run(() => window.__chat.messages().map((m) => m.text)).catch(() => []);
    throw new Error(`expected a messageReceived with text ${JSON.stringify(text)} within ${ms} ms; got ${JSON.stringify(texts)}`);
  }
}

/** The texts of the published `Message` entries, in order, as [text, restoring, from.type]. */
export function publishedTexts(p) {
  return p.run(() =>
    window.__chat
      .messages()
      .filter((m) => m.type === 'Message')
      .map((m) => [m.text, m.restoring, m.from && m.from.type]),
  );
}

/** The emulator's transcript `Message` texts, in server order. */
export async function serverTexts(emu, id) {
  const detail = await emu.agent(id).detail();
  return detail.transcript.filter((e) => e.type === 'Message').map((e) => e.text);
}

/** Fails naming every text that was published more than once. */
export function assertNoDuplicates(assert, texts, where = 'messageReceived') {
  const seen = new Map();
  for (const t of texts) seen.set(t, (seen.get(t) || 0) + 1);
  const twice = [...seen].filter(([, n]) => n > 1);
  assert.deepEqual(twice, [], `texts published more than once in ${where}: ${JSON.stringify(twice)}`);
}

/** Reloads the page (or leaves and comes back after `before()` and `away` ms), then waits for ready. */
export async function reopen(p, { away = 0, before } = {}) {
  const url = p.page.url();
  if (away || before) {
    await p.page.goto('about:blank');
    if (before) await before();
    if (away) await new Promise((r) => setTimeout(r, away));
    await p.page.goto(url);
  } else {
    await p.page.reload();
  }
  await p.page.waitForFunction(() => window.__chat && window.__chat.count('ready') === 1);
}

/** Every message the server has was published exactly once, and getTranscript is in server order. */
export async function assertExactlyOnce(assert, p, server) {
  const published = (await publishedTexts(p)).map((m) => m[0]);
  assertNoDuplicates(assert, published);
  assert.deepEqual(
    [...published].sort(),
    [...server].sort(),
    `published ${JSON.stringify(published)}, server has ${JSON.stringify(server)}: none missing, none extra`,
  );
  const transcript = await p.run(() => window.__chat.cmd('getTranscript'));
  assert.deepEqual(
    transcript.args[0].messages.filter((m) => m.type === 'Message').map((m) => m.text),
    server,
    'getTranscript has each message once, in server order',
  );
}
