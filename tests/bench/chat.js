// The WebChatService part of `cargo xtask bench`, against the chat-server emulator at
// EMULATOR_URL (started by xtask with --no-auto-agent, so the benchmark plays the agent).
//
// Per run, in a fresh tab:
//   1. load a customer page configured with `webchat.dataURL` and time script start to
//      `WebChatService.ready` (no stored session);
//   2. start a chat, then have the agent post RESTORE_MESSAGES messages through the emulator's
//      agent API while the page polls them in;
//   3. reload and time script start (on the reloaded page) until every one of those messages has
//      been published through `WebChatService.messageReceived` with `restoring: true`.
// Measured, not asserted: a run that does not finish in time fails the benchmark, nothing else.

import { MOUNTS, withTimeout } from '../browser/harness.js';

export const RESTORE_MESSAGES = 2000;
const SERVICE = 'customer-support';
/** WebChatService's session record (webchat_core::STORAGE_KEY). */
const STORAGE_KEY = '_genesys.widgets.webchat.session';
/** Agent messages posted at once while building the transcript. */
const POST_CONCURRENCY = 8;

/** A customer page: the webchat config, the bundle, then a small recording plugin. */
function chatPage(emulatorUrl) {
  const dataURL = `${emulatorUrl}/genesys/2/chat/${SERVICE}`;
  return `<!doctype html><html><body>
<script>
window.__t0 = performance.now();
// A new tab starts without a stored chat; a reload in the same tab keeps it (as on a real site).
if (!sessionStorage.getItem('__benchTab')) {
  sessionStorage.setItem('__benchTab', '1');
  localStorage.removeItem(${JSON.stringify(STORAGE_KEY)});
}
window._genesys = {widgets: {main: {}, webchat: {dataURL: ${JSON.stringify(dataURL)}}}};
</script>
<script src="${MOUNTS.dist}widgets.min.js"></script>
<script>
(function () {
  var want = ${RESTORE_MESSAGES};
  var p = CXBus.registerPlugin('ChatBench');
  var s = (window.__bench = { plugin: p, restoring: 0, restoredTexts: 0, liveTexts: 0, batches: 0 });
  var allRestored;
  s.ready = new Promise(function (resolve) {
    p.subscribe('WebChatService.ready', function () { resolve(performance.now() - window.__t0); });
  });
  s.started = new Promise(function (resolve) {
    p.subscribe('WebChatService.started', function () { resolve(); });
  });
  s.restored = new Promise(function (resolve) { allRestored = resolve; });
  p.subscribe('WebChatService.messageReceived', function (e) {
    var ms = e.data.messages || [];
    var texts = 0;
    for (var i = 0; i < ms.length; i++) if (ms[i].type === 'Message') texts += 1;
    if (!e.data.restoring) { s.liveTexts += texts; return; }
    s.batches += 1;
    s.restoring += ms.length;
    s.restoredTexts += texts;
    if (s.restoredTexts >= want) allRestored(performance.now() - window.__t0);
  });
})();
</script></body></html>`;
}

/** `fetch` against the emulator's agent API; throws on anything but 2xx. */
function agentApi(emulatorUrl) {
  return async (method, p, body) => {
    const res = await fetch(emulatorUrl + p, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p} -> ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** The agent joins chat `id` and posts `n` messages, a few at a time. */
async function buildTranscript(api, id, n) {
  const s = `/emulator/api/sessions/${id}`;
  await api('POST', `${s}/join`, { nickname: 'Bench Agent' });
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = ++next;
      await api('POST', `${s}/messages`, { text: `message ${i} of ${n}` });
    }
  };
  await Promise.all(Array.from({ length: POST_CONCURRENCY }, worker));
}

/**
 * Runs the chat benchmark `runs` times in `browser`, serving pages from `server`.
 * Returns arrays of milliseconds (and counts) per run.
 */
export async function benchChat({ browser, server, emulatorUrl, runs, progress }) {
  const url = server.addPage(chatPage(emulatorUrl));
  const api = agentApi(emulatorUrl);
  await api('GET', '/emulator/api/health');
  const r = { ready: [], readyRestoring: [], restore: [], restoredMessages: [], batches: [], build: [] };
  for (let run = 0; run < runs; run++) {
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(url, { waitUntil: 'load' });
      r.ready.push(await withTimeout(page.evaluate(() => window.__bench.ready), 15000, 'WebChatService.ready'));

      const chatId = await withTimeout(
        page.evaluate(async () => {
          const res = await window.__bench.plugin.command('WebChatService.startChat', {
            nickname: 'Bench',
            subject: 'restore benchmark',
          });
          await window.__bench.started;
          return res.chatId;
        }),
        15000,
        'startChat',
      );
      const t = performance.now();
      await buildTranscript(api, chatId, RESTORE_MESSAGES);
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
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { restoring, batches, restoredTexts } = await page.evaluate(() => {
        const b = window.__bench;
        return { restoring: b.restoring, batches: b.batches, restoredTexts: b.restoredTexts };
      });
      if (restoredTexts !== RESTORE_MESSAGES) {
        throw new Error(`restore published ${restoredTexts} agent messages, expected ${RESTORE_MESSAGES}`);
      }
      r.restoredMessages.push(restoring);
      r.batches.push(batches);

      await page.evaluate(() => window.__bench.plugin.command('WebChatService.endChat').then(() => true));
      if (errors.length) throw new Error(`chat page errors: ${errors.join('; ')}`);
    } finally {
      await page.close();
    }
    progress();
  }
  return r;
}
