// The Chat Service JS API across page loads: restoreSession after a reload (built-in storage and
// a page-supplied stateStorage), the restored events played back with `restored: true` to
// callbacks registered afterwards, nothing doubled, maxOfflineDuration, and no chat to continue.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator } from './chat-emulator.js';
import { openApiPage, serverUrl, restTransport, startSession, chatIdOf, secretsOf, assertNoSecrets } from './chat-service-api.js';

const h = setup();
const emu = emulator();

async function reload(p) {
  await p.page.reload();
  await p.page.waitForFunction(() => window.__api !== undefined);
}

test('restoreSession after a reload continues a CometD chat: history played back once, restored', async () => {
  const p = await openApiPage(h);
  await startSession(p, `{serverUrl: ${JSON.stringify(serverUrl(emu))}, username: 'Jo'}`);
  const secrets = await secretsOf(p);
  const agent = emu.agent(await chatIdOf(p));
  await agent.join({ nickname: 'Alex' });
  await agent.say('before the reload');
  await p.run(() => window.__api.waitOn('onMessageReceived'));

  await reload(p);
  await agent.say('while the page was away');
  const r = await p.run(() => window.__api.open('restoreSession', { logger: window.__api.logger }));
  assert.equal(r.state, 'done', JSON.stringify(r));
  await p.run(() => window.__api.waitOn('onMessageReceived', 2));
  assert.equal(await p.run(() => window.__api.session.isAgentConnected()), true);
  await agent.say('after the restore');
  await p.run(() => window.__api.waitOn('onMessageReceived', 3));

  const got = (await p.run(() => window.__api.on('onMessageReceived'))).map((e) => [e.event.content.text, e.event.restored === true]);
  assert.deepEqual(got, [
    ['before the reload', true],
    ['while the page was away', true],
    ['after the restore', false],
  ]);
  const joined = await p.run(() => window.__api.on('onAgentConnected'));
  assert.equal(joined.length, 1);
  assert.equal(joined[0].event.restored, true);
  const transcript = await p.run(() => window.__api.cmd('getTranscript'));
  assert.equal(transcript.value.transcript.filter((t) => t.type === 'MessageReceived').length, 3);
  assert.ok((await p.run(() => window.__api.lines)).includes('restoreSession: chat restored'));
  await p.run(() => window.__api.cmd('leave'));
  await assertNoSecrets(assert, p, secrets);
});

test('a page-supplied stateStorage is written, read on restore, and cleared with write(null)', async () => {
  const p = await openApiPage(h);
  await startSession(p, `{transport: ${JSON.stringify(restTransport(emu))}, stateStorage: __api.storage}`);
  const written = await p.run(() => window.__api.states);
  assert.ok(written.length >= 1);
  assert.equal(written[0].chatService, 1);
  assert.equal(await p.run((k) => localStorage.getItem(k), 'widgets-rs.chatService.state'), null, 'not the built-in storage');
  const agent = emu.agent(await chatIdOf(p));
  await agent.join({ nickname: 'Alex' });
  await agent.say('kept by the page');
  await p.run(() => window.__api.waitOn('onMessageReceived', 1, 10000), undefined, { timeout: 12000 });

  await reload(p);
  // Well past the built-in 5 s limit would not matter: a page storage has no expiry.
  const r = await p.page.evaluate(
    `window.__api.open('restoreSession', {transport: ${JSON.stringify(restTransport(emu))}, stateStorage: __api.storage, maxOfflineDuration: 0})`,
  );
  assert.equal(r.state, 'done', JSON.stringify(r));
  const replay = await p.run(() => window.__api.waitOn('onMessageReceived', 1, 10000), undefined, { timeout: 12000 });
  assert.equal(replay.event.content.text, 'kept by the page');
  assert.equal(replay.event.restored, true);

  await p.run(() => window.__api.cmd('leave'));
  const states = await p.run(() => window.__api.states);
  assert.equal(states[states.length - 1], null, 'write(null) after the session ended');
});

test('restoreSession with no chat to continue fails without an error; an expired one too', async () => {
  const p = await openApiPage(h);
  const none = await p.run(() => window.__api.open('restoreSession'));
  assert.deepEqual(none, { state: 'fail', value: {} });

  await startSession(p, `{serverUrl: ${JSON.stringify(serverUrl(emu))}, disableWebSockets: true}`);
  assert.ok(await p.run(() => window.__api.state()));
  // The built-in storage keeps the state maxOfflineDuration seconds after the page is left.
  const url = p.page.url();
  await p.page.goto('about:blank');
  await new Promise((r) => setTimeout(r, 1500));
  await p.page.goto(url);
  await p.page.waitForFunction(() => window.__api !== undefined);
  const expired = await p.run(() => window.__api.open('restoreSession', { maxOfflineDuration: 1, disableWebSockets: true }));
  assert.deepEqual(expired, { state: 'fail', value: {} });
  assert.equal(await p.run(() => window.__api.state()), null, 'the expired state is dropped');
});
