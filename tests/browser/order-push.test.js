// Deterministic order (issue 12) on the push transports: agent messages the server pushes out of
// order (the emulator's `reversePushes` fault holds three and pushes them last first) are
// published in index order, each once, over GMS CometD (long-polling and WebSocket). The test also
// reads what came over the wire, so it cannot pass because the emulator happened to push them in
// order. Genesys Cloud is not here: its frames carry no transcript index, so there is no order to
// restore but arrival order (issue 12's closing note; the emulator's reversePushes fault covers
// Cloud already, for when the session orders by something on the wire).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, startChat, slow } from './chat-emulator.js';
import { COMET_PATH, openCometChat } from './chat-cometd.js';

const h = setup();
const emu = emulator();

const TEXTS = ['order-first', 'order-second', 'order-third'];

const transports = [
  {
    name: 'GMS CometD (long-polling)',
    open: () => openCometChat(h, emu, { websocket: false }),
    start: (p) => startChat(p),
  },
  {
    name: 'GMS CometD (WebSocket)',
    open: () => openCometChat(h, emu, { websocket: true }),
    start: (p) => startChat(p),
  },
];

/**
 * Records, in arrival order, the push payloads the page receives (CometD long-poll answers and
 * WebSocket frames); `order()` gives the order in which TEXTS first appear in them.
 */
function watchPushes(p) {
  const payloads = [];
  p.page.on('response', (res) => {
    if (res.request().method() === 'POST' && new URL(res.url()).pathname.startsWith(COMET_PATH)) {
      payloads.push(res.text().catch(() => ''));
    }
  });
  p.page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => payloads.push(Promise.resolve(String(f.payload))));
  });
  return {
    async order() {
      const seen = [];
      for (const text of await Promise.all(payloads)) {
        const here = TEXTS.filter((t) => !seen.includes(t) && text.includes(JSON.stringify(t)))
          .map((t) => [text.indexOf(JSON.stringify(t)), t])
          .sort((a, b) => a[0] - b[0]);
        seen.push(...here.map(([, t]) => t));
      }
      return seen;
    },
  };
}

for (const t of transports) {
  test(`${t.name}: agent messages pushed backwards are published in index order`, async () => {
    const p = await t.open();
    const wire = watchPushes(p);
    const id = await t.start(p);
    const agent = emu.agent(id);
    await agent.join({ nickname: 'Alex' });
    await slow(p, () => window.__chat.waitEvent('agentConnected', 1, 15000));
    await emu.faults({ reversePushes: TEXTS.length });
    for (const text of TEXTS) await agent.say(text);
    await slow(p, () => window.__chat.waitMessage((m) => m.text === 'order-third', 15000));
    assert.equal((await emu.api('GET', '/emulator/api/faults')).reversePushes, 0, 'the held pushes went out');
    assert.deepEqual(await wire.order(), [...TEXTS].reverse(), 'the page received them last first');
    const msgs = await p.run(() => window.__chat.messages().filter((m) => !m.restoring));
    const idx = msgs.map((m) => Number(m.index));
    assert.deepEqual(idx, [...idx].sort((a, b) => a - b), `published in index order: ${idx}`);
    assert.equal(new Set(idx).size, idx.length, `each once: ${idx}`);
    assert.deepEqual(
      msgs.filter((m) => m.type === 'Message' && TEXTS.includes(m.text)).map((m) => m.text),
      TEXTS,
    );
    await p.run(() => window.__chat.cmd('endChat'));
  });
}
