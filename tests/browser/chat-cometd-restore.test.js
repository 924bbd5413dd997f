// A GMS CometD chat survives a reload: restored, the transcript replayed once with restoring,
// what the agent said while the page was away included, then live pushes again. Over
// long-polling the restore's publish travels on its own request, beside the connect loop: a
// connect held before the restore reattaches the client, and a push that comes back before the
// restore's answer, each still deliver the next agent message once, after the transcript.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { STORAGE_KEY, emulator, indicesOf, startChat } from './chat-emulator.js';
import { assertExactlyOnce, reopen, serverTexts, waitEvent, waitText } from './chat-cloud.js';
import { openCometChat } from './chat-cometd.js';
import { eventually } from './outbox-scenarios.js';

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
  const { p, id, agent } = await chatToReload();
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

/** A long-polling chat with the agent's "before" shown, ready to reload. */
async function chatToReload() {
  const p = await openCometChat(h, emu);
  const id = await startChat(p);
  const agent = emu.agent(id);
  await agent.join({ nickname: 'Alex' });
  await agent.say('before');
  await waitText(p, 'before');
  return { p, id, agent };
}

/** The page's Message texts with their restoring flags, and each published once. */
async function assertRestoredThenLive(p, id, live) {
  const msgs = await p.run(() => window.__chat.messages().filter((m) => m.type === 'Message'));
  assert.deepEqual(
    msgs.map((m) => [m.text, m.restoring]),
    [
      ['before', true],
      [live, false],
    ],
  );
  await assertExactlyOnce(assert, p, await serverTexts(emu, id));
}

test('over long-polling, a restore whose publish runs after its connect is held still gets the next push', async () => {
  const { p, id, agent } = await chatToReload();
  // The restore's requestNotifications runs late: the new page's connect is held first, while
  // the client follows no chat yet.
  await reopen(p, { before: () => emu.faults({ slowPublishMs: 1500 }) });
  await waitEvent(p, 'restored');
  await emu.faults({ slowPublishMs: 0 });
  await agent.say('after restore');
  await waitText(p, 'after restore');
  await assertRestoredThenLive(p, id, 'after restore');
  await p.run(() => window.__chat.cmd('endChat'));
});

test("over long-polling, an agent message pushed before the restore's answer is published once, after the transcript", async () => {
  const { p, id, agent } = await chatToReload();
  await reopen(p, { before: () => emu.faults({ holdPublishAnswers: true }) });
  // The restore ran on the server (the client follows the chat again); its answer is held.
  await eventually(
    async () => (await emu.api('GET', '/emulator/api/faults')).heldPublishAnswers === 1,
    8000,
    async () => JSON.stringify(await emu.api('GET', '/emulator/api/faults')),
  );
  const pushed = p.page.waitForResponse(
    async (r) => r.url().includes('/genesys/cometd') && (await r.text().catch(() => '')).includes('pushed first'),
  );
  await agent.say('pushed first');
  await pushed;
  assert.equal(await p.run(() => window.__chat.count('restored')), 0, 'the push came while restoring');
  await emu.faults({ holdPublishAnswers: false });
  await waitEvent(p, 'restored');
  await waitText(p, 'pushed first');
  await assertRestoredThenLive(p, id, 'pushed first');
  await p.run(() => window.__chat.cmd('endChat'));
});
