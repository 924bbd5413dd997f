// Genesys Cloud sessions that survive page loads: restore after a reload with the transcript once,
// restoreTimeout for an old session, restoreFailed for a forgotten conversation, restoredOffline
// while the server is down.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, STORAGE_KEY } from './chat-emulator.js';
import {
  assertNoDuplicates,
  openCloudChat,
  publishedTexts,
  reopen,
  serverTexts,
  startCloudChat,
  waitEvent,
  waitText,
} from './chat-cloud.js';

const h = setup();
const emu = emulator();

test('a reload mid-chat restores it: the transcript replays once with restoring, then goes on', async () => {
  const p = await openCloudChat(h, emu);
  const chat = await startCloudChat(p, { nickname: 'Jo' });
  const agent = emu.agent(chat.id);
  await agent.join({ nickname: 'Alex' });
  await waitEvent(p, 'agentConnected');
  for (const [who, text] of [
    ['agent', 'one'],
    ['client', 'two'],
    ['agent', 'three'],
    ['client', 'four'],
  ]) {
    if (who === 'agent') await agent.say(text);
    else assert.equal((await p.run((m) => window.__chat.cmd('sendMessage', { message: m }), text)).state, 'resolved');
    await waitText(p, text);
  }
  const before = await publishedTexts(p);
  assert.deepEqual(before.map((m) => m[0]), ['one', 'two', 'three', 'four'], 'before the reload, each message once');
  assert.ok(await p.run((k) => localStorage.getItem(k), STORAGE_KEY), 'the session is stored for the next page');

  // While the page is away, the agent keeps talking.
  await reopen(p, { before: () => agent.say('said while away') });
  await waitEvent(p, 'restored');
  await waitText(p, 'said while away');
  await agent.say('after restore');
  await waitText(p, 'after restore');
  const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'me again' }));
  assert.equal(sent.state, 'resolved', `sendMessage after restore: ${JSON.stringify(sent.args)}`);
  await waitText(p, 'me again');

  const published = await publishedTexts(p);
  assertNoDuplicates(assert, published.map((m) => m[0]), 'messageReceived after the reload');
  assert.deepEqual(published, [
    ['one', true, 'Agent'],
    ['two', true, 'Client'],
    ['three', true, 'Agent'],
    ['four', true, 'Client'],
    ['said while away', true, 'Agent'],
    ['after restore', false, 'Agent'],
    ['me again', false, 'Client'],
  ]);
  const server = await serverTexts(emu, chat.id);
  assert.deepEqual(published.map((m) => m[0]), server, 'nothing missing across the reload, in server order');
  const transcript = await p.run(() => window.__chat.cmd('getTranscript'));
  assert.deepEqual(
    transcript.args[0].messages.filter((m) => m.type === 'Message').map((m) => m.text),
    server,
    'getTranscript after the reload has each message once, in server order',
  );
  assert.equal(await p.run(() => window.__chat.count('started')), 0, 'a restore does not publish started');
  assert.equal(await p.run(() => window.__chat.count('restored')), 1);
  assert.deepEqual((await p.run(() => window.__chat.cmd('verifySession'))).args, [{ sessionActive: true }]);
  assert.equal(await p.run(() => window.__chat.plugin.data('WebChatService.sessionActive')), true);

  // No new conversation was created for the restore.
  assert.equal(p.cloud.creates.length, 1, 'the restore reuses the conversation instead of creating one');
  await p.run(() => window.__chat.cmd('endChat'));
  await waitEvent(p, 'ended');
  assert.equal(await p.run((k) => localStorage.getItem(k), STORAGE_KEY), null);
});

test('a Cloud session older than restoreTimeout is not restored: restoreTimeout', async () => {
  const p = await openCloudChat(h, emu, { webchat: '{restoreTimeout: 1500}' });
  await startCloudChat(p);
  await reopen(p, { away: 2500 });
  await waitEvent(p, 'restoreTimeout');
  assert.equal(await p.run(() => window.__chat.count('restored')), 0);
  assert.deepEqual((await p.run(() => window.__chat.cmd('verifySession'))).args, [{ sessionActive: false }]);
  assert.equal(await p.run((k) => localStorage.getItem(k), STORAGE_KEY), null);
  // A new chat can start.
  await startCloudChat(p);
  await p.run(() => window.__chat.cmd('endChat'));
});

test('a conversation the server forgot gives restoreFailed', async () => {
  const p = await openCloudChat(h, emu);
  const chat = await startCloudChat(p);
  await reopen(p, { before: () => emu.agent(chat.id).end('lost') });
  await waitEvent(p, 'restoreFailed');
  assert.equal(await p.run(() => window.__chat.count('restored')), 0);
  assert.deepEqual((await p.run(() => window.__chat.cmd('verifySession'))).args, [{ sessionActive: false }]);
  assert.equal(await p.run((k) => localStorage.getItem(k), STORAGE_KEY), null);
});

test('restoring while the server is down gives restoredOffline, then reconnected, nothing lost', async () => {
  const p = await openCloudChat(h, emu);
  const chat = await startCloudChat(p);
  const agent = emu.agent(chat.id);
  await agent.join({ nickname: 'Alex' });
  await agent.say('before');
  await waitText(p, 'before');
  await reopen(p, {
    before: async () => {
      await emu.faults({ offlineSeconds: 3 });
      await agent.say('while offline');
    },
  });
  await waitEvent(p, 'restoredOffline');
  await waitEvent(p, 'reconnected', { ms: 12000 });
  await waitText(p, 'while offline');
  await agent.say('back');
  await waitText(p, 'back');
  const published = (await publishedTexts(p)).map((m) => m[0]);
  assertNoDuplicates(assert, published, 'messageReceived after the offline restore');
  for (const text of ['while offline', 'back']) {
    assert.ok(published.includes(text), `${JSON.stringify(text)} delivered after coming back: ${JSON.stringify(published)}`);
  }
  const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'online again' }));
  assert.equal(sent.state, 'resolved', `sendMessage after coming back: ${JSON.stringify(sent.args)}`);
  await waitText(p, 'online again');
  await p.run(() => window.__chat.cmd('endChat'));
});
