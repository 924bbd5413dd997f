// GMS CometD connection faults injected through the emulator: a dropped long-poll or WebSocket,
// an outage that refuses the reconnects for a while, and a server that forgets the client (402).
// In each, the messages the agent sends meanwhile are published exactly once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, startChat } from './chat-emulator.js';
import { assertExactlyOnce, serverTexts, waitEvent, waitText } from './chat-cloud.js';
import { openCometChat } from './chat-cometd.js';

const h = setup();
const emu = emulator();

/** A chat with the agent joined and one message through. */
async function chatting(websocket) {
  const p = await openCometChat(h, emu, { websocket });
  const id = await startChat(p);
  const agent = emu.agent(id);
  await agent.join({ nickname: 'Alex' });
  await waitEvent(p, 'agentConnected');
  await agent.say('before the fault');
  await waitText(p, 'before the fault');
  return { p, id, agent };
}

for (const websocket of [false, true]) {
  const carrier = websocket ? 'WebSocket' : 'long-poll';

  test(`a dropped ${carrier} mid-chat: disconnected, reconnected, messages sent meanwhile once`, async () => {
    const { p, id, agent } = await chatting(websocket);
    const { dropped } = await emu.api('POST', '/emulator/api/faults/drop-websockets');
    assert.ok(dropped >= 1, `the page's ${carrier} was open to drop`);
    await agent.say('while dropped 1');
    await agent.say('while dropped 2');
    await waitEvent(p, 'disconnected');
    await waitEvent(p, 'reconnected', { ms: 10000 });
    await waitText(p, 'while dropped 1');
    await waitText(p, 'while dropped 2');
    const names = await p.run(() => window.__chat.names());
    assert.ok(names.indexOf('disconnected') < names.indexOf('reconnected'), `[${names}]`);
    assert.equal(await p.run(() => window.__chat.count('ended')), 0, 'a drop does not end the chat');

    await agent.say('after the reconnect');
    await waitText(p, 'after the reconnect');
    const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'still here' }));
    assert.equal(sent.state, 'resolved', JSON.stringify(sent.args));
    await waitText(p, 'still here');
    await assertExactlyOnce(assert, p, await serverTexts(emu, id));
    await p.run(() => window.__chat.cmd('endChat'));
  });

  test(`an outage over ${carrier}: the offline events, then everything said meanwhile once`, async () => {
    const { p, id, agent } = await chatting(websocket);
    await emu.faults({ offlineSeconds: 5 });
    await agent.say('during the outage 1');
    await agent.say('during the outage 2');
    await waitEvent(p, 'disconnected');
    // pollExceptionLimit (5) failed reconnects a second apart: connectionPending, wentOffline.
    await waitEvent(p, 'chatServerWentOffline', { ms: 10000 });
    await waitEvent(p, 'reconnected', { ms: 12000 });
    await waitEvent(p, 'chatServerBackOnline');
    await waitText(p, 'during the outage 1');
    await waitText(p, 'during the outage 2');
    const names = await p.run(() => window.__chat.names());
    for (const [a, b] of [
      ['disconnected', 'connectionPending'],
      ['connectionPending', 'chatServerWentOffline'],
      ['chatServerWentOffline', 'chatServerBackOnline'],
    ]) {
      assert.ok(names.indexOf(a) < names.indexOf(b), `${a} before ${b}: [${names}]`);
    }
    assert.equal(await p.run(() => window.__chat.count('disconnected')), 1);
    assert.equal(await p.run(() => window.__chat.count('reconnected')), 1);
    await agent.say('after the outage');
    await waitText(p, 'after the outage');
    await assertExactlyOnce(assert, p, await serverTexts(emu, id));
    await p.run(() => window.__chat.cmd('endChat'));
  });
}

test('a server that forgets the client (402): rehandshake, nothing lost or doubled', async () => {
  const { p, id, agent } = await chatting(false);
  const handshakes = () => p.bayeux.posts.filter((r) => r.path.endsWith('/handshake')).length;
  assert.equal(handshakes(), 1);
  const { forgotten } = await emu.api('POST', '/emulator/api/faults/cometd-forget-clients');
  assert.ok(forgotten >= 1);
  await agent.say('after forgetting 1');
  await agent.say('after forgetting 2');
  await waitText(p, 'after forgetting 1');
  await waitText(p, 'after forgetting 2');
  assert.equal(handshakes(), 2, 'one new handshake');
  const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'on the new client' }));
  assert.equal(sent.state, 'resolved', JSON.stringify(sent.args));
  await waitText(p, 'on the new client');
  await assertExactlyOnce(assert, p, await serverTexts(emu, id));
  await p.run(() => window.__chat.cmd('endChat'));
});
