// Deterministic order (issue 12) on the push transports: agent messages the server pushes out of
// order (the emulator's `reversePushes` fault holds three and pushes them last first) are
// published in index order, each once, over GMS CometD (long-polling and WebSocket). The test also
// reads what came over the wire, so it cannot pass because the emulator happened to push them in
// order. Genesys Cloud's frames carry no index, only a random id and a timestamp, so nothing on
// the wire says an earlier message is still on its way (README "Sending while offline", the
// ordering paragraph): live, a Cloud page publishes frames as they arrive, each once, and a reload
// shows the server's order. The last test pins that.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, startChat, slow } from './chat-emulator.js';
import { COMET_PATH, openCometChat } from './chat-cometd.js';
import { openCloudChat, publishedTexts, reopen, serverTexts, startCloudChat } from './chat-cloud.js';

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

test('Genesys Cloud: frames pushed backwards are published once each as they arrive, and a reload shows the server order', async () => {
  const p = await openCloudChat(h, emu);
  const wire = watchPushes(p);
  const { id } = await startCloudChat(p);
  const agent = emu.agent(id);
  await agent.join({ nickname: 'Alex' });
  await slow(p, () => window.__chat.waitEvent('agentConnected', 1, 15000));
  await emu.faults({ reversePushes: TEXTS.length });
  for (const text of TEXTS) await agent.say(text);
  await slow(p, () => window.__chat.waitMessage((m) => m.text === 'order-first', 15000));
  assert.equal((await emu.api('GET', '/emulator/api/faults')).reversePushes, 0, 'the held frames went out');
  assert.deepEqual(await wire.order(), [...TEXTS].reverse(), 'the page received them last first');
  const ours = (list) => list.filter(([text]) => TEXTS.includes(text));
  assert.deepEqual(
    ours(await publishedTexts(p)).map(([text, restoring]) => [text, restoring]),
    [...TEXTS].reverse().map((text) => [text, false]),
    'live: each once, in arrival order (no index to wait for)',
  );
  assert.deepEqual((await serverTexts(emu, id)).filter((t) => TEXTS.includes(t)), TEXTS);

  await reopen(p);
  await slow(p, () => window.__chat.waitMessage((m) => m.text === 'order-third', 15000));
  assert.deepEqual(
    ours(await publishedTexts(p)).map(([text]) => text),
    TEXTS,
    "after a reload: the server's order, each once",
  );
  await p.run(() => window.__chat.cmd('endChat'));
});
