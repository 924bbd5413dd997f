// The durable outbox over Genesys Cloud guest chat (README "Sending while offline"): the scenarios
// of outbox-scenarios.js, plus a lost answer whose echo comes late. A message whose answer was lost
// is looked for with `GET …/messages?after=<last seen>` before it would be sent again; the
// WebSocket's echo is no proof either way, since it can come after any grace time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator } from './chat-emulator.js';
import { openCloudChat, startCloudChat } from './chat-cloud.js';
import { customerTexts, eventually, scenarios } from './outbox-scenarios.js';

const h = setup();
const emu = emulator();

scenarios(test, h, emu, {
  name: 'Genesys Cloud',
  open: (h, emu, webchat) => openCloudChat(h, emu, { webchat }),
  start: async (p) => (await startCloudChat(p)).id,
});

test('Genesys Cloud: a send whose answer was lost and whose echo comes late is not sent twice', async () => {
  const p = await openCloudChat(h, emu);
  const { id } = await startCloudChat(p);
  // The answer is cut and every frame is held for 5 s: longer than any wait a client could guess.
  await emu.faults({ dropSendReplies: 1, holdPushesMs: 5000 });
  const r = await p.run(() => window.__chat.cmd('sendMessage', { message: 'once' }, 25000), undefined, {
    timeout: 30000,
  });
  assert.equal(r.state, 'resolved', JSON.stringify(r));
  // The late echo arrives (frames go in order, so once 'after' is published, 'once' came too).
  await eventually(
    async () => (await emu.api('GET', '/emulator/api/faults')).holdPushesMs === 0,
    15000,
    () => 'the hold ends',
  );
  const r2 = await p.run(() => window.__chat.cmd('sendMessage', { message: 'after' }, 15000), undefined, {
    timeout: 20000,
  });
  assert.equal(r2.state, 'resolved', JSON.stringify(r2));
  await p.run(() => window.__chat.waitMessage((m) => m.text === 'after', 15000), undefined, { timeout: 20000 });
  assert.deepEqual(await customerTexts(emu, id), ['once', 'after'], 'each once on the server');
  const published = await p.run(() => window.__chat.messages().filter((m) => m.text === 'once').length);
  assert.equal(published, 1, 'published once, the late frame de-duplicated');
  await p.run(() => window.__chat.cmd('endChat'));
});
