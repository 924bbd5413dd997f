// A GMS CometD chat survives a reload: restored, the transcript replayed once with restoring,
// what the agent said while the page was away included, then live pushes again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { STORAGE_KEY, emulator, indicesOf, startChat } from './chat-emulator.js';
import { assertExactlyOnce, reopen, serverTexts, waitEvent, waitText } from './chat-cloud.js';
import { openCometChat } from './chat-cometd.js';

const h = setup();
const emu = emulator();

for (const websocket of [false, true]) {
  const carrier = websocket ? 'WebSocket' : 'long-polling';

  test(`a reload mid-chat over ${carrier} restores it once, then pushes go on`, async () => {
    const p = await openCometChat(h, emu, { websocket });
    const id = await startChat(p);
    const agent = emu.agent(id);
    await agent.join({ nickname: 'Alex' });
    await agent.say('one');
    await p.run(() => window.__chat.cmd('sendMessage', { message: 'two' }));
    await waitText(p, 'one');
    await waitText(p, 'two');
    const stored = await p.run((k) => localStorage.getItem(k), STORAGE_KEY);
    assert.ok(stored && JSON.parse(stored), 'the chat is stored for the reload');

    await reopen(p, { before: () => agent.say('said while away') });
    await waitEvent(p, 'restored');
    await agent.say('after restore');
    await waitText(p, 'after restore');

    const msgs = await p.run(() => window.__chat.messages());
    const idx = indicesOf(msgs);
    assert.equal(new Set(idx).size, idx.length, `duplicates in ${idx}`);
    assert.equal(idx[0], 1);
    assert.deepEqual(
      msgs.filter((m) => m.type === 'Message').map((m) => [m.text, m.restoring]),
      [
        ['one', true],
        ['two', true],
        ['said while away', true],
        ['after restore', false],
      ],
    );
    assert.equal(await p.run(() => window.__chat.count('started')), 0);
    await assertExactlyOnce(assert, p, await serverTexts(emu, id));
    const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'after the reload' }));
    assert.equal(sent.state, 'resolved', JSON.stringify(sent.args));
    await p.run(() => window.__chat.cmd('endChat'));
    await waitEvent(p, 'ended');
    assert.equal(await p.run((k) => localStorage.getItem(k), STORAGE_KEY), null);
  });
}

test('a restore while the CometD server is down: restoredOffline, then the replay when it is back', async () => {
  const p = await openCometChat(h, emu);
  const id = await startChat(p);
  const agent = emu.agent(id);
  await agent.join({ nickname: 'Alex' });
  await agent.say('before');
  await waitText(p, 'before');
  await reopen(p, { before: () => emu.faults({ offlineSeconds: 3 }) });
  await waitEvent(p, 'restoredOffline');
  await agent.say('while offline');
  await waitEvent(p, 'chatServerBackOnline', { ms: 10000 });
  await waitText(p, 'while offline');
  const msgs = await p.run(() => window.__chat.messages().filter((m) => m.type === 'Message'));
  assert.deepEqual(msgs.map((m) => [m.text, m.restoring]), [['before', true], ['while offline', true]]);
  // reconnected is only published after disconnected; restoredOffline is answered by chatServerBackOnline.
  assert.equal(await p.run(() => window.__chat.count('reconnected')), 0);
  assert.equal(await p.run(() => window.__chat.count('disconnected')), 0);
  await assertExactlyOnce(assert, p, await serverTexts(emu, id));
  await p.run(() => window.__chat.cmd('endChat'));
});
