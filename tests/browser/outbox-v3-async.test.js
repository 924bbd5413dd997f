// The durable outbox in Engage v3 async mode (README "Sending while offline"): the site keeps
// the session data through its transport.async callbacks, so the queue is kept by itself in
// localStorage (OUTBOX_KEY, `{sessionId, outbox}`), taken back by the restore of the same chat
// after a reload, and reported failed with the documented reason when the chat cannot be resumed.
// What is checked is what the customer and the server see: the page's events and the emulator's
// transcript (each customer message once, in typed order).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, OUTBOX_KEY, STORAGE_KEY, slow } from './chat-emulator.js';
import { reopen } from './chat-cloud.js';
import { ASYNC_RECORDER, SITE_ASYNC, openV3Chat, startV3Chat } from './chat-v3.js';
import { assertPendingAgain, customerTexts, payloads, sendAll } from './outbox-scenarios.js';

const h = setup();
const emu = emulator();

/** The reason of a message whose chat ended before it could be delivered (texts.rs). */
const OUTBOX_CHAT_ENDED = 'Message not delivered: the chat ended before the server could be reached';

const openAsync = () => openV3Chat(h, emu, { asyncMode: SITE_ASYNC, beforeScript: ASYNC_RECORDER });

const stored = async (p, key) => JSON.parse(await p.run((k) => localStorage.getItem(k), key));

/** Starts an async chat, takes the server offline and sends `texts`; returns the chat and the pending messages. */
async function queueOffline(p, texts) {
  const chat = await startV3Chat(p);
  await emu.agent(chat.sid).join({ nickname: 'Alex' });
  await emu.faults({ offline: true });
  await sendAll(p, texts);
  await slow(p, (n) => window.__chat.waitEvent('messagePending', n, 15000), texts.length, 20000);
  const pending = await payloads(p, 'messagePending');
  assert.deepEqual(
    pending.map((m) => m.text),
    texts,
  );
  const kept = await stored(p, OUTBOX_KEY);
  assert.equal(kept.sessionId, chat.sid, 'kept for this chat');
  assert.deepEqual(kept.outbox.map((q) => q.text), texts, 'the queue is in localStorage');
  assert.equal(JSON.stringify(kept).includes(chat.token), false, 'without the token, which the site keeps');
  assert.equal(await stored(p, STORAGE_KEY), null, 'no session record of ours in async mode');
  return { chat, pending };
}

test('Engage v3 async: messages sent offline survive a reload and arrive once each, in order', async () => {
  const p = await openAsync();
  const { chat, pending } = await queueOffline(p, ['one', 'two', 'three']);

  // Reloaded while the server is still offline: the site's setSessionData gives the chat back,
  // and the queue kept apart from it is pending again.
  await reopen(p);
  await assertPendingAgain(p, pending, 'restoredOffline');
  assert.deepEqual(await customerTexts(emu, chat.sid), [], 'nothing reached the server yet');

  await emu.faults({ offline: false });
  await slow(p, () => window.__chat.waitEvent('messageDelivered', 3, 30000), undefined, 35000);
  const delivered = await payloads(p, 'messageDelivered');
  assert.deepEqual(
    delivered.map((d) => d.clientId),
    pending.map((m) => m.clientId),
    'delivered in typed order',
  );
  assert.deepEqual(await customerTexts(emu, chat.sid), ['one', 'two', 'three'], 'each once, in order, on the server');
  assert.deepEqual(await payloads(p, 'messageFailed'), []);
  assert.equal(await stored(p, OUTBOX_KEY), null, 'nothing left queued');
  await p.run(() => window.__chat.cmd('endChat'));
});

test('Engage v3 async: messages of a chat that cannot be resumed after the reload fail with the documented reason', async () => {
  const p = await openAsync();
  const { chat, pending } = await queueOffline(p, ['lost 1', 'lost 2']);
  // Away from the page, the chat ends on the server, which then comes back.
  await reopen(p, {
    before: async () => {
      await emu.agent(chat.sid).end();
      await emu.faults({ offline: false });
    },
  });
  await slow(p, () => window.__chat.waitEvent('messageFailed', 2, 15000), undefined, 20000);
  const failed = await payloads(p, 'messageFailed');
  assert.deepEqual(
    failed.map((f) => [f.clientId, f.text, f.reason]),
    pending.map((m) => [m.clientId, m.text, OUTBOX_CHAT_ENDED]),
    'each reported failed, in order, with the reason',
  );
  assert.deepEqual(await customerTexts(emu, chat.sid), [], 'never sent to the ended chat');
  assert.equal(await stored(p, OUTBOX_KEY), null, 'nothing left queued');
});
