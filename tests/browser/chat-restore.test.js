// Sessions that survive page loads: restore after a reload with no duplicates and no gaps,
// restoreTimeout for an old session, restoreFailed for a lost one, restoredOffline.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, openChat, startChat, slow, indicesOf, STORAGE_KEY } from './chat-emulator.js';

const h = setup();
const emu = emulator();

async function reopen(p, { away = 0, before } = {}) {
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

test('a reload mid-chat restores it: the transcript replays once with restoring, then goes on', async () => {
  const p = await openChat(h, emu);
  const id = await startChat(p);
  const agent = emu.agent(id);
  await agent.join({ nickname: 'Alex' });
  await agent.say('one');
  await p.run(() => window.__chat.cmd('sendMessage', { message: 'two' }));
  await slow(p, () => window.__chat.waitMessage((m) => m.text === 'one'));
  await p.run(() => window.__chat.cmd('addPrefilter', { filters: /^hidden/ }));
  assert.ok(await p.run((k) => localStorage.getItem(k), STORAGE_KEY));

  // While the page is away, the agent keeps talking.
  await reopen(p, { before: () => agent.say('said while away') });
  await slow(p, () => window.__chat.waitEvent('restored'));
  await agent.say('hidden by the restored prefilter');
  await agent.say('after restore');
  await slow(p, () => window.__chat.waitMessage((m) => m.text === 'after restore'));

  const msgs = await p.run(() => window.__chat.messages());
  const idx = indicesOf(msgs);
  assert.equal(new Set(idx).size, idx.length, `duplicates in ${idx}`);
  assert.equal(idx[0], 1);
  const texts = msgs.filter((m) => m.type === 'Message').map((m) => [m.text, m.restoring]);
  assert.deepEqual(texts, [
    ['one', true],
    ['two', true],
    ['said while away', true],
    ['after restore', false],
  ]);
  // Every index the server has is accounted for: published, or hidden by the prefilter.
  const server = (await agent.detail()).transcript.map((e) => e.index);
  const hidden = (await agent.detail()).transcript.filter((e) => e.text === 'hidden by the restored prefilter')[0].index;
  assert.deepEqual(
    server.filter((i) => i !== hidden && i <= Math.max(...idx)),
    idx,
    'no gap between the restored transcript and what came after',
  );
  assert.equal(await p.run(() => window.__chat.count('started')), 0);
  assert.deepEqual((await p.run(() => window.__chat.cmd('verifySession'))).args, [{ sessionActive: true }]);
  assert.equal(await p.run(() => window.__chat.plugin.data('WebChatService.sessionActive')), true);
  await p.run(() => window.__chat.cmd('endChat'));
  await slow(p, () => window.__chat.waitEvent('ended'));
  assert.equal(await p.run((k) => localStorage.getItem(k), STORAGE_KEY), null);
});

test('a session older than restoreTimeout is not restored: restoreTimeout', async () => {
  const p = await openChat(h, emu, { webchat: '{restoreTimeout: 1500}' });
  await startChat(p);
  await reopen(p, { away: 2500 });
  await slow(p, () => window.__chat.waitEvent('restoreTimeout'));
  assert.equal(await p.run(() => window.__chat.count('restored')), 0);
  assert.deepEqual((await p.run(() => window.__chat.cmd('verifySession'))).args, [{ sessionActive: false }]);
  assert.equal(await p.run((k) => localStorage.getItem(k), STORAGE_KEY), null);
  // A new chat can start.
  await startChat(p);
  await p.run(() => window.__chat.cmd('endChat'));
});

test('a session the server lost gives restoreFailed', async () => {
  const p = await openChat(h, emu);
  const id = await startChat(p);
  await reopen(p, { before: () => emu.agent(id).end('lost') });
  await slow(p, () => window.__chat.waitEvent('restoreFailed'));
  assert.equal(await p.run(() => window.__chat.count('restored')), 0);
  assert.equal(await p.run((k) => localStorage.getItem(k), STORAGE_KEY), null);
});

test('restoring while the server is down gives restoredOffline, then chatServerBackOnline', async () => {
  const p = await openChat(h, emu);
  const id = await startChat(p);
  await emu.agent(id).join();
  await reopen(p, {
    before: async () => {
      await emu.faults({ offlineSeconds: 2 });
      await emu.agent(id).say('while offline').catch(() => {});
    },
  });
  await slow(p, () => window.__chat.waitEvent('restoredOffline'));
  await slow(p, () => window.__chat.waitEvent('chatServerBackOnline', 1, 15000), undefined, 20000);
  await slow(p, () => window.__chat.waitEvent('connectionRestored'));
  await emu.agent(id).say('back');
  await slow(p, () => window.__chat.waitMessage((m) => m.text === 'back'));
  const idx = indicesOf(await p.run(() => window.__chat.messages()));
  assert.equal(new Set(idx).size, idx.length, `duplicates in ${idx}`);
  await p.run(() => window.__chat.cmd('endChat'));
});

test('verifySession during a page-load restore waits for its outcome instead of answering sessionActive: false', async () => {
  const p = await openChat(h, emu);
  await startChat(p);
  // A slow server keeps the restore running while the page asks.
  await emu.api('PUT', '/emulator/api/faults', { latencyMs: 800 });
  try {
    await p.page.reload();
    await p.page.waitForFunction(() => window.__chat && window.__chat.count('ready') === 1);
    // Without waiting, this would answer {sessionActive: false}: the chat is still restoring.
    const answer = await slow(p, () => window.__t.settle(CXBus.command('WebChatService.verifySession'), 8000));
    assert.equal(answer.state, 'resolved');
    assert.deepEqual(answer.args[0], { sessionActive: true });
  } finally {
    await emu.api('DELETE', '/emulator/api/faults');
  }
});
