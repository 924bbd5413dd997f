// The WebChatService part of `cargo xtask bench`, against the chat-server emulator at
// EMULATOR_URL (started by xtask with --no-auto-agent, so the benchmark plays the agent).
//
// Everything below runs once per transport, GMS REST first, then Genesys Cloud
// (`purecloud-v2-sockets`), then GMS over CometD (long-polling, then WebSocket), then Engage v3
// (`pureengage-v3-rest`, not async); only the page's
// `_genesys.widgets.webchat` differs, the bus API used is the same. Per transport:
//
//   Latency, one chat in a fresh tab: start a chat, the agent joins through the agent API, then
//   N times the page asks the bench (an exposed function; the agent API takes the run's token
//   and no cross-origin calls) to POST an agent message to `/emulator/api/sessions/{id}/messages`
//   and times, on the page's own clock (performance.now), from just before the ask until the page's
//   `WebChatService.messageReceived` subscriber sees that text. A warm-up message (CORS preflight,
//   poll speed-up) is not counted; each message waits a random 0-500 ms after the previous one
//   arrived (0-3000 ms for Engage v3, whose poll interval is a fixed 3 s), so the polling phase is
//   sampled rather than locked. GMS REST can only be as fast as its poll (0.5 s after activity,
//   backing off to 3 s), so its figure measures polling; Engage v3 polls every 3 s, so its figure
//   is about half that interval.
//
//   Restore, `runs` times, each in a fresh tab:
//   1. load a customer page and time script start to `WebChatService.ready` (no stored session);
//   2. start a chat, then have the agent post RESTORE_MESSAGES messages through the agent API
//      while the page receives them live;
//   3. reload and time script start (on the reloaded page) until every one of those messages has
//      been published through `WebChatService.messageReceived` with `restoring: true`.
//
// Measured, not asserted. For GMS a failure fails the benchmark. Genesys Cloud, CometD and Engage
// v3 failures (for example a runtime built without that client, whose startChat rejects) are
// caught and reported as `<id>: unavailable (<reason>)`, so the rest of the benchmark still
// completes.

import { MOUNTS, withTimeout } from '../browser/harness.js';
import { emulatorFetch } from '../browser/chat-emulator.js';

export const RESTORE_MESSAGES = 2000;
const SERVICE = 'customer-support';
/** WebChatService's session record (webchat_core::STORAGE_KEY). */
const STORAGE_KEY = '_genesys.widgets.webchat.session';
/** Agent messages posted at once while building the transcript. */
const POST_CONCURRENCY = 8;
/** Longest random wait before each latency message, in ms. */
const LATENCY_GAP_MS = 500;

/** The transports measured, in order, with the page config each needs. */
export const TRANSPORTS = [
  {
    id: 'gms',
    label: 'GMS REST',
    protocol: 'gms',
    /** Latency messages: GMS waits for polls, so keep it short. */
    latencyMessages: (runs) => Math.max(5, 2 * runs),
    webchat: (url) => ({ dataURL: `${url}/genesys/2/chat/${SERVICE}` }),
  },
  {
    id: 'cloud',
    label: 'Genesys Cloud',
    protocol: 'cloud',
    latencyMessages: (runs) => Math.max(10, 4 * runs),
    webchat: (url) => ({
      transport: {
        type: 'purecloud-v2-sockets',
        dataURL: url,
        deploymentKey: 'bench-deployment',
        orgGuid: 'bench-org',
        interactionData: { routing: { targetType: 'QUEUE', targetAddress: 'Support', priority: 2 } },
      },
    }),
  },
  // GMS Chat v2 over CometD: the same chat API pushed over Bayeux, long-polling and WebSocket.
  ...[false, true].map((websocket) => ({
    id: websocket ? 'cometd-ws' : 'cometd-lp',
    label: websocket ? 'CometD WebSocket' : 'CometD long-poll',
    protocol: 'cometd',
    latencyMessages: (runs) => Math.max(10, 4 * runs),
    webchat: (url) => ({
      dataURL: `${url}/genesys/2/chat/${SERVICE}`,
      cometD: {
        enabled: true,
        cometURL: `${url}/genesys/cometd`,
        channel: `/service/chatV2/${SERVICE}`,
        websocketEnabled: websocket,
      },
    }),
  })),
  {
    id: 'v3',
    label: 'Engage v3',
    protocol: 'v3',
    /** Latency messages: v3 polls every 3 s, so keep it short. */
    latencyMessages: (runs) => Math.max(5, 2 * runs),
    /** Pauses spread over the whole fixed 3 s poll interval, so it is sampled, not locked. */
    latencyGapMs: 3000,
    webchat: (url) => ({
      transport: {
        type: 'pureengage-v3-rest',
        dataURL: `${url}/nexus/v3/chat/sessions`,
        endpoint: SERVICE,
        headers: { 'x-api-key': 'bench-key' },
      },
    }),
  },
];

/** A customer page: the webchat config, the bundle, then a small recording plugin. */
export function chatPage(webchat) {
  return `<!doctype html><html><body>
<script>
window.__t0 = performance.now();
// A new tab starts without a stored chat; a reload in the same tab keeps it (as on a real site).
if (!sessionStorage.getItem('__benchTab')) {
  sessionStorage.setItem('__benchTab', '1');
  localStorage.removeItem(${JSON.stringify(STORAGE_KEY)});
}
window._genesys = {widgets: {main: {}, webchat: ${JSON.stringify(webchat)}}};
// Restore breakdown: when each server answer was in the page (fetch bodies and WebSocket frames),
// and the largest one, to time what the runtime does after the last answer and the floor
// (JSON.parse of that answer).
(function () {
  var a = (window.__answers = { last: 0, largest: '' });
  function seen(text) {
    a.last = performance.now();
    if (typeof text === 'string' && text.length > a.largest.length) a.largest = text;
  }
  var text = Response.prototype.text;
  Response.prototype.text = function () {
    return text.call(this).then(function (t) { seen(t); return t; });
  };
  var Ws = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    var ws = protocols === undefined ? new Ws(url) : new Ws(url, protocols);
    ws.addEventListener('message', function (e) { seen(e.data); });
    return ws;
  };
  window.WebSocket.prototype = Ws.prototype;
  ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (k) { window.WebSocket[k] = Ws[k]; });
})();
</script>
<script src="${MOUNTS.dist}widgets.min.js"></script>
<script>
(function () {
  var want = ${RESTORE_MESSAGES};
  var p = CXBus.registerPlugin('ChatBench');
  var s = (window.__bench = {
    plugin: p, restoring: 0, restoredTexts: 0, liveTexts: 0, batches: 0,
    waiters: {} // text -> function(performance.now() at delivery), for the latency benchmark
  });
  var allRestored;
  s.ready = new Promise(function (resolve) {
    p.subscribe('WebChatService.ready', function () { resolve(performance.now() - window.__t0); });
  });
  s.started = new Promise(function (resolve) {
    p.subscribe('WebChatService.started', function () { resolve(); });
  });
  s.agentConnected = new Promise(function (resolve) {
    p.subscribe('WebChatService.agentConnected', function () { resolve(); });
  });
  s.restored = new Promise(function (resolve) { allRestored = resolve; });
  p.subscribe('WebChatService.messageReceived', function (e) {
    var at = performance.now();
    var ms = e.data.messages || [];
    var texts = 0;
    for (var i = 0; i < ms.length; i++) {
      if (ms[i].type !== 'Message') continue;
      texts += 1;
      var w = !e.data.restoring && s.waiters[ms[i].text];
      if (w) { delete s.waiters[ms[i].text]; w(at); }
    }
    if (!e.data.restoring) { s.liveTexts += texts; return; }
    s.batches += 1;
    s.restoring += ms.length;
    s.restoredTexts += texts;
    if (s.restoredTexts >= want) {
      var at = performance.now();
      s.afterAnswer = at - window.__answers.last;
      allRestored(at - window.__t0);
    }
  });

  function reason(e) {
    if (typeof e === 'string') return e;
    var body = e && e.responseJSON;
    if (body && body.errors && body.errors[0]) return body.errors[0].message;
    if (e && e.message) return e.message;
    try { return JSON.stringify(e); } catch (x) { return String(e); }
  }

  /** startChat: {chatId} once started, or {error} when the command rejects. */
  s.start = function (nickname) {
    return new Promise(function (resolve) {
      p.command('WebChatService.startChat', { nickname: nickname, subject: 'benchmark' })
        .done(function (r) { s.started.then(function () { resolve({ chatId: r && r.chatId }); }); })
        .fail(function (e) { resolve({ error: reason(e) }); });
    });
  };

  // The outbox: messages queued while the server is offline, delivered when it is back.
  s.outboxEvents = { pending: 0, delivered: 0 };
  p.subscribe('WebChatService.messagePending', function () { s.outboxEvents.pending += 1; });
  p.subscribe('WebChatService.messageDelivered', function () {
    s.outboxEvents.delivered += 1;
    if (s.onDelivered) s.onDelivered();
  });
  function until(pred, ms, what) {
    return new Promise(function (resolve, reject) {
      var end = performance.now() + ms;
      (function check() {
        if (pred()) return resolve(performance.now());
        if (performance.now() > end) return reject(new Error('timed out waiting for ' + what));
        setTimeout(check, 10);
      })();
    });
  }

  /**
   * o = {n, offlineMs, timeoutMs}: with the server offline (window.__server(false)), sends n
   * messages, waits for them to be pending and offlineMs more, brings the server back and times,
   * on the page's clock, from just before that call until the n-th messageDelivered.
   */
  s.outbox = async function (o) {
    var before = { pending: s.outboxEvents.pending, delivered: s.outboxEvents.delivered };
    await window.__server(false);
    for (var i = 1; i <= o.n; i++) {
      p.command('WebChatService.sendMessage', { message: 'queued ' + i + ' of ' + o.n });
    }
    await until(function () { return s.outboxEvents.pending - before.pending >= o.n; }, o.timeoutMs, 'messagePending');
    await new Promise(function (r) { setTimeout(r, o.offlineMs); });
    var last = new Promise(function (resolve) {
      s.onDelivered = function () {
        if (s.outboxEvents.delivered - before.delivered >= o.n) resolve(performance.now());
      };
    });
    var t0 = performance.now();
    await window.__server(true);
    var timer;
    var timeout = new Promise(function (resolve, reject) {
      timer = setTimeout(function () { reject(new Error('queued messages not delivered within ' + o.timeoutMs + ' ms')); }, o.timeoutMs);
    });
    var at = await Promise.race([last, timeout]);
    clearTimeout(timer);
    s.onDelivered = null;
    return at - t0;
  };

  /** Agent message -> messageReceived latency, o = {url, prefix, n, gapMs, timeoutMs}. */
  s.latency = async function (o) {
    function one(text) {
      var timer;
      var arrived = new Promise(function (resolve, reject) {
        s.waiters[text] = function (at) { clearTimeout(timer); resolve(at); };
        timer = setTimeout(function () {
          reject(new Error('"' + text + '" did not reach messageReceived within ' + o.timeoutMs + ' ms'));
        }, o.timeoutMs);
      });
      arrived.catch(function () {}); // handled below; never an unhandled rejection
      var t0 = performance.now();
      // The agent API takes the run's token and no cross-origin calls, so the bench's node side
      // posts for the page (window.__agentSay, exposed by benchLatency).
      return window.__agentSay(text).then(function () {
        return arrived;
      }).then(function (at) { return at - t0; });
    }
    await one(o.prefix + ' warm-up');
    var out = [];
    for (var i = 1; i <= o.n; i++) {
      await new Promise(function (r) { setTimeout(r, Math.random() * o.gapMs); });
      out.push(await one(o.prefix + ' ' + i + ' of ' + o.n));
    }
    return out;
  };
})();
</script></body></html>`;
}

/** `fetch` against the emulator's agent API; throws on anything but 2xx. */
export function agentApi(emulatorUrl) {
  return async (method, p, body) => {
    const res = await emulatorFetch(emulatorUrl, p, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p} -> ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a chat from the page and finds its id in the emulator: the session that appeared with
 * this protocol (the startChat answer's chatId, or the customer's nickname, picks among several).
 */
export async function startChat(page, api, transport, nickname) {
  const before = new Set((await api('GET', '/emulator/api/sessions')).sessions.map((s) => s.id));
  const r = await withTimeout(page.evaluate((n) => window.__bench.start(n), nickname), 20000, 'startChat');
  if (r.error) throw new Error(`startChat rejected: ${r.error}`);
  const fresh = (await api('GET', '/emulator/api/sessions')).sessions.filter(
    (s) => !before.has(s.id) && s.protocol === transport.protocol,
  );
  const found =
    fresh.find((s) => s.id === String(r.chatId)) ||
    fresh.find((s) => s.customer === nickname) ||
    (fresh.length === 1 ? fresh[0] : null);
  if (!found) {
    throw new Error(`startChat resolved (chatId ${r.chatId}) but the emulator has no new ${transport.protocol} session`);
  }
  return found.id;
}

/** The agent joins chat `id`; a Cloud chat is routed first (once its event stream attached). */
export async function joinAgent(api, transport, id) {
  const s = `/emulator/api/sessions/${id}`;
  if (transport.protocol === 'cloud') {
    const deadline = Date.now() + 15000;
    for (;;) {
      const detail = await api('GET', s);
      if (detail.parties.some((p) => p.role === 'workflow')) break;
      if (Date.now() > deadline) throw new Error('the Cloud chat was never routed (no event stream attached?)');
      await sleep(50);
    }
  }
  await api('POST', `${s}/join`, { nickname: 'Bench Agent' });
}

/** The agent posts `n` messages into chat `id`, a few at a time. */
async function postMessages(api, id, n) {
  const s = `/emulator/api/sessions/${id}`;
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = ++next;
      await api('POST', `${s}/messages`, { text: `message ${i} of ${n}` });
    }
  };
  await Promise.all(Array.from({ length: POST_CONCURRENCY }, worker));
}

/** A fresh tab on `url`, closed (with a check for page errors) after `fn(page)`. */
async function inTab(browser, url, fn) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(url, { waitUntil: 'load' });
    const result = await fn(page);
    if (errors.length) throw new Error(`chat page errors: ${errors.join('; ')}`);
    return result;
  } finally {
    await page.close();
  }
}

const endChat = (page) =>
  withTimeout(
    page.evaluate(
      () =>
        new Promise((resolve) => {
          window.__bench.plugin.command('WebChatService.endChat').always(() => resolve(true));
        }),
    ),
    10000,
    'endChat',
  );

/** Agent message -> customer messageReceived latency over one chat; ms per message. */
async function benchLatency({ browser, url, api, transport, runs }) {
  return inTab(browser, url, async (page) => {
    await withTimeout(page.evaluate(() => window.__bench.ready), 15000, 'WebChatService.ready');
    const id = await startChat(page, api, transport, `Latency ${transport.id} ${Date.now()}`);
    await joinAgent(api, transport, id);
    await withTimeout(page.evaluate(() => window.__bench.agentConnected), 15000, 'agentConnected in the page');
    const n = transport.latencyMessages(runs);
    await page.exposeFunction('__agentSay', (text) =>
      api('POST', `/emulator/api/sessions/${encodeURIComponent(id)}/messages`, { text }),
    );
    const samples = await withTimeout(
      page.evaluate((o) => window.__bench.latency(o), {
        prefix: `latency ${transport.id}`,
        n,
        gapMs: transport.latencyGapMs || LATENCY_GAP_MS,
        timeoutMs: 10000,
      }),
      (n + 1) * 11000,
      `${n} agent messages reaching the page`,
    );
    await endChat(page);
    return samples;
  });
}

/** Messages queued in the outbox while the emulator was offline. */
const OUTBOX_MESSAGES = 3;
/** How long the emulator stays offline after the messages are pending, in ms. */
const OUTBOX_OFFLINE_MS = 2000;

/**
 * The outbox: connection back (the emulator's offline switch turned off) to the last of
 * OUTBOX_MESSAGES queued messages delivered, `runs` times in one chat; ms per run.
 */
async function benchOutbox({ browser, url, api, transport, runs }) {
  return inTab(browser, url, async (page) => {
    await withTimeout(page.evaluate(() => window.__bench.ready), 15000, 'WebChatService.ready');
    await startChat(page, api, transport, `Outbox ${transport.id} ${Date.now()}`);
    await page.exposeFunction('__server', (online) => api('PUT', '/emulator/api/faults', { offline: !online }));
    const out = [];
    try {
      for (let run = 0; run < runs; run++) {
        out.push(
          await withTimeout(
            page.evaluate((o) => window.__bench.outbox(o), { n: OUTBOX_MESSAGES, offlineMs: OUTBOX_OFFLINE_MS, timeoutMs: 30000 }),
            70000,
            'queued messages delivered',
          ),
        );
      }
    } finally {
      await api('PUT', '/emulator/api/faults', { offline: false });
    }
    await endChat(page);
    return out;
  });
}

/** Restore runs: ready, ready after reload, restore time, counts. */
async function benchRestore({ browser, url, api, transport, runs, progress }) {
  const r = {
    ready: [], readyRestoring: [], restore: [], restoredMessages: [], batches: [], build: [],
    afterAnswer: [], parseFloor: [],
  };
  for (let run = 0; run < runs; run++) {
    await inTab(browser, url, async (page) => {
      r.ready.push(await withTimeout(page.evaluate(() => window.__bench.ready), 15000, 'WebChatService.ready'));
      const id = await startChat(page, api, transport, `Restore ${transport.id} ${run} ${Date.now()}`);
      const t = performance.now();
      await joinAgent(api, transport, id);
      await postMessages(api, id, RESTORE_MESSAGES);
      r.build.push(performance.now() - t);
      // Let the live page catch up (so the stored position is recent), then reload.
      await withTimeout(
        page.waitForFunction((n) => window.__bench.liveTexts >= n, RESTORE_MESSAGES, { timeout: 60000, polling: 100 }),
        65000,
        'the live page receiving the transcript',
      );

      await page.reload({ waitUntil: 'load' });
      r.readyRestoring.push(await withTimeout(page.evaluate(() => window.__bench.ready), 15000, 'ready after reload'));
      r.restore.push(await withTimeout(page.evaluate(() => window.__bench.restored), 60000, 'restoring the transcript'));
      // Anything still arriving with restoring: true would be counted after a short settle.
      await sleep(200);
      const { restoring, batches, restoredTexts, afterAnswer, parseFloor } = await page.evaluate(() => {
        const b = window.__bench;
        // The floor: JSON.parse of the largest answer, median of 5.
        const times = [];
        for (let i = 0; i < 5; i++) {
          const t0 = performance.now();
          JSON.parse(window.__answers.largest);
          times.push(performance.now() - t0);
        }
        times.sort((x, y) => x - y);
        return {
          restoring: b.restoring, batches: b.batches, restoredTexts: b.restoredTexts,
          afterAnswer: b.afterAnswer, parseFloor: times[2],
        };
      });
      if (restoredTexts !== RESTORE_MESSAGES) {
        throw new Error(`restore published ${restoredTexts} agent messages, expected ${RESTORE_MESSAGES}`);
      }
      r.restoredMessages.push(restoring);
      r.afterAnswer.push(afterAnswer);
      r.parseFloor.push(parseFloor);
      r.batches.push(batches);
      await endChat(page);
    });
    progress();
  }
  return r;
}

/** One line, short enough for the report. */
const oneLine = (e) => String((e && e.message) || e).split('\n')[0].slice(0, 200);

/**
 * Runs the chat benchmarks in `browser`, serving pages from `server`: per transport
 * `{label, latency: ms[] | {error}, restore: {...} | {error}}`, or `{label, unavailable}` when
 * Genesys Cloud could not chat at all. GMS failures throw.
 */
export async function benchChat({ browser, server, emulatorUrl, runs, progress }) {
  const api = agentApi(emulatorUrl);
  await api('GET', '/emulator/api/health');
  const out = {};
  // BENCH_TRANSPORTS=cometd-ws,cloud runs only those (ids as in TRANSPORTS); default: all.
  const only = (process.env.BENCH_TRANSPORTS || '').split(',').filter(Boolean);
  for (const transport of TRANSPORTS.filter((t) => !only.length || only.includes(t.id))) {
    const url = server.addPage(chatPage(transport.webchat(emulatorUrl)));
    const args = { browser, url, api, emulatorUrl, transport, runs, progress };
    const r = (out[transport.id] = { label: transport.label });
    // Latency first: it is short, and a transport that cannot chat fails there.
    try {
      r.latency = await benchLatency(args);
      progress();
    } catch (e) {
      if (transport.id === 'gms') throw e;
      r.unavailable = oneLine(e);
      continue;
    }
    try {
      r.outbox = await benchOutbox(args);
      progress();
    } catch (e) {
      if (transport.id === 'gms') throw e;
      r.outbox = { error: oneLine(e) };
    }
    try {
      r.restore = await benchRestore(args);
    } catch (e) {
      if (transport.id === 'gms') throw e;
      r.restore = { error: oneLine(e) };
    }
  }
  return out;
}
