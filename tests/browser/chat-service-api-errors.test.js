// The Chat Service JS API's numbered errors (`{error: {code, description}}`), each provoked for
// real against the emulator: 1, 2, 3, 50, 52, 100, 101 and 150 (with onInterrupted/onContinued).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator } from './chat-emulator.js';
import { openApiPage, serverUrl, restTransport, startSession, chatIdOf } from './chat-service-api.js';

const h = setup();
const emu = emulator();

const open = (p, entry, options) => p.page.evaluate(`window.__api.open(${JSON.stringify(entry)}, ${options})`);

test('1 unknown command: a bundle without the API (the page did not set chatService)', async () => {
  const p = await openApiPage(h, { config: "{main: {bundle: 'bus'}}" });
  const r = await open(p, 'startSession', `{serverUrl: ${JSON.stringify(serverUrl(emu))}}`);
  assert.deepEqual(r, {
    state: 'fail',
    value: {
      error: {
        code: 1,
        description: 'unknown command',
      },
    },
  });
});

test('2 mandatory parameter missing and 3 bad parameter value, for options and commands', async () => {
  const p = await openApiPage(h);
  assert.deepEqual(await open(p, 'startSession', '{}'), {
    state: 'fail',
    value: { error: { code: 2, description: 'mandatory parameter missing', details: 'serverUrl or transport' } },
  });
  const bad = [
    ['{serverUrl: 5}', 'serverUrl'],
    [`{serverUrl: 'x', username: 7}`, 'username'],
    [`{serverUrl: 'x', stateStorage: {read: function () {}}}`, 'stateStorage'],
    [`{serverUrl: 'x', logger: 'console'}`, 'logger'],
    [`{serverUrl: 'x', maxOfflineDuration: -5}`, 'maxOfflineDuration'],
    [`{transport: {type: 'carrier-pigeon'}}`, 'transport.type'],
  ];
  for (const [options, details] of bad) {
    assert.deepEqual(await open(p, 'startSession', options), {
      state: 'fail',
      value: { error: { code: 3, description: 'bad parameter value', details } },
    }, options);
  }
  await startSession(p, `{transport: ${JSON.stringify(restTransport(emu))}}`);
  const missing = await p.run(() => window.__api.cmd('sendMessage', {}));
  assert.deepEqual(missing.value.error, { code: 2, description: 'mandatory parameter missing', details: 'message' });
  const badType = await p.run(() => window.__api.cmd('sendMessage', { message: 'x', type: 'video' }));
  assert.deepEqual(badType.value.error, { code: 3, description: 'bad parameter value', details: 'type' });
  const noKey = await p.run(() => window.__api.cmd('getUserData'));
  assert.equal(noKey.value.error.code, 2);
  await p.run(() => window.__api.cmd('leave'));
});

test('100 chat server not available and 101 login failed', async () => {
  const p = await openApiPage(h);
  const down = await open(p, 'startSession', "{transport: {type: 'rest', dataURL: 'http://127.0.0.1:9/genesys/2/chat/customer-support'}}");
  assert.equal(down.state, 'fail');
  assert.deepEqual(down.value.error, { code: 100, description: 'chat server not available' });

  await emu.faults({ rejectNewChats: true });
  const p2 = await openApiPage(h);
  const refused = await open(p2, 'startSession', `{serverUrl: ${JSON.stringify(serverUrl(emu))}}`);
  assert.deepEqual(refused.value.error, {
    code: 101,
    description: 'login failed',
    details: 'cannot start a new chat now',
  });
});

test('50 unknown session: a restore the server no longer knows (commands after the end: session test)', async () => {
  const p = await openApiPage(h);
  await startSession(p, `{transport: ${JSON.stringify(restTransport(emu))}, stateStorage: __api.storage}`);
  // The saved state now names a key the server never issued.
  await p.run(() => {
    const s = window.__api.storage.read();
    s.session.keys.secureKey = 'not-the-key';
    sessionStorage.setItem('__pageState', JSON.stringify(s));
  });
  await p.page.reload();
  await p.page.waitForFunction(() => window.__api !== undefined);
  const lost = await open(p, 'restoreSession', `{transport: ${JSON.stringify(restTransport(emu))}, stateStorage: __api.storage}`);
  assert.deepEqual(lost, { state: 'fail', value: { error: { code: 50, description: 'unknown session' } } });
  assert.equal(await p.run(() => window.__api.storage.read()), null, 'the lost state is cleared');
});

test('52 execution error: the server refuses a command', async () => {
  const p = await openApiPage(h);
  await startSession(p, `{serverUrl: ${JSON.stringify(serverUrl(emu))}}`);
  const long = await p.run(() => window.__api.cmd('sendMessage', 'x'.repeat(20000)));
  assert.equal(long.state, 'fail');
  assert.equal(long.value.error.code, 52);
  assert.equal(long.value.error.description, 'execution error');
  await p.run(() => window.__api.cmd('leave'));
});

test('150 network connection interrupted: onError and onInterrupted once, then onContinued', async () => {
  const p = await openApiPage(h);
  await startSession(p, `{serverUrl: ${JSON.stringify(serverUrl(emu))}}`);
  const agent = emu.agent(await chatIdOf(p));
  await agent.join({ nickname: 'Alex' });
  await p.run(() => window.__api.waitOn('onAgentConnected'));
  await emu.faults({ offlineSeconds: 2 });
  await emu.api('POST', '/emulator/api/faults/drop-websockets');
  await p.run(() => window.__api.waitOn('onInterrupted', 1, 10000), undefined, { timeout: 12000 });
  await agent.say('said while the link was down');
  // Once the server is back, it forgets its clients: the next connect gets 402 and the session
  // handshakes afresh (rather than waiting out a held long-poll).
  await new Promise((r) => setTimeout(r, 2500));
  await emu.api('POST', '/emulator/api/faults/cometd-forget-clients');
  await p.run(() => window.__api.waitOn('onContinued', 1, 40000), undefined, { timeout: 42000 });
  await p.run(() => window.__api.until(() => window.__api.on('onMessageReceived').length >= 1, 10000), undefined, { timeout: 12000 });
  const events = await p.run(() => window.__api.events.map((e) => e.on));
  const errors = await p.run(() => window.__api.on('onError'));
  assert.deepEqual(errors.map((e) => e.event), [{ error: { code: 150, description: 'network connection interrupted' } }]);
  assert.deepEqual(
    events.filter((e) => ['onError', 'onInterrupted', 'onContinued'].includes(e)),
    ['onError', 'onInterrupted', 'onContinued'],
  );
  const texts = (await p.run(() => window.__api.on('onMessageReceived'))).map((e) => e.event.content.text);
  assert.deepEqual(texts, ['said while the link was down'], 'delivered exactly once');
  await p.run(() => window.__api.cmd('leave'));
});
