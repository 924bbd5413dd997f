// The durable outbox over GMS CometD, long-polling and WebSocket (README "Sending while
// offline"): the scenarios of outbox-scenarios.js. A lost answer here is a publish whose reply
// never comes (the emulator cuts the long-poll or the socket after storing the message).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, startChat, slow } from './chat-emulator.js';
import { openCometChat } from './chat-cometd.js';
import { scenarios, sendAll, payloads, customerTexts } from './outbox-scenarios.js';

const h = setup();
const emu = emulator();

/** Outages in a row in one chat, as in the bench's outbox run (tests/bench/chat.js). */
const OUTAGES = 5;

for (const websocket of [false, true]) {
  const name = `GMS CometD (${websocket ? 'WebSocket' : 'long-polling'})`;
  scenarios(test, h, emu, {
    name,
    open: (h, emu, webchat) => openCometChat(h, emu, { websocket, webchat }),
    start: (p) => startChat(p),
    latency: !websocket,
  });

  // Each outage drops the socket (or the held long-poll) again, right after the link came back
  // from the one before. The same three texts every time, as the bench sends them: an earlier
  // message's echo must never stand for a later one.
  test(`${name}: ${OUTAGES} outages in one chat: the messages of each are pending, then each arrives once, in order`, async () => {
    const p = await openCometChat(h, emu, { websocket, webchat: '' });
    const id = await startChat(p);
    const texts = ['queued 1 of 3', 'queued 2 of 3', 'queued 3 of 3'];
    const typed = [];
    for (let outage = 1; outage <= OUTAGES; outage++) {
      await emu.faults({ offline: true });
      await sendAll(p, texts);
      typed.push(...texts);
      const announced = await slow(p, (n) => window.__chat.waitEvent('messagePending', n, 15000).then(() => true, () => false), typed.length, 20000);
      const pendingSoFar = await payloads(p, 'messagePending');
      assert.ok(announced, `outage ${outage}: ${pendingSoFar.length} of ${typed.length} announced pending; sent: ${JSON.stringify(await p.run(() => window.__sent))}`);
      await emu.faults({ offline: false });
      await slow(p, (n) => window.__chat.waitEvent('messageDelivered', n, 30000), typed.length, 35000);
    }
    const pending = await payloads(p, 'messagePending');
    assert.deepEqual(pending.map((m) => m.text), typed, 'each announced pending once, in order');
    const delivered = await payloads(p, 'messageDelivered');
    assert.deepEqual(delivered.map((d) => d.clientId), pending.map((m) => m.clientId), 'delivered in typed order');
    assert.deepEqual(await customerTexts(emu, id), typed, 'each once, in order, on the server');
    await p.run(() => window.__chat.cmd('endChat'));
  });
}
