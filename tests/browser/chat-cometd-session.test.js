// A whole GMS chat over CometD against the emulator, once over long-polling and once over a
// WebSocket: started, the agent's messages pushed without any REST poll, sendMessage, typing,
// a custom notice, userData, and the end, with the GMS REST texts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, startChat } from './chat-emulator.js';
import { assertExactlyOnce, serverTexts, waitEvent, waitText } from './chat-cloud.js';
import { COMET_PATH, openCometChat } from './chat-cometd.js';

const h = setup();
const emu = emulator();

for (const websocket of [false, true]) {
  const carrier = websocket ? 'WebSocket' : 'long-polling';

  test(`a full chat over CometD ${carrier}: pushes, commands, the end`, async () => {
    const p = await openCometChat(h, emu, { websocket });
    const id = await startChat(p);
    const started = await p.run(() => window.__chat.events.find((e) => e.event === 'started').data);
    assert.equal(started.chatId, id);
    for (const secret of ['secureKey', 'userId', 'alias']) {
      assert.equal(started[secret], undefined, `started does not carry ${secret}`);
    }
    assert.equal((await emu.agent(id).detail()).protocol, 'cometd');

    const agent = emu.agent(id);
    await agent.join({ nickname: 'Alex' });
    await waitEvent(p, 'agentConnected');
    await agent.typing(true);
    await waitEvent(p, 'agentTypingStarted');
    await agent.say('pushed to you');
    await waitText(p, 'pushed to you');

    const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'hello agent' }));
    assert.equal(sent.state, 'resolved', JSON.stringify(sent.args));
    assert.equal(sent.args[0].statusCode, 0);
    await waitText(p, 'hello agent');
    assert.equal((await p.run(() => window.__chat.cmd('sendTyping', { message: 'typ' }))).state, 'resolved');
    assert.equal((await p.run(() => window.__chat.cmd('sendCustomNotice', { message: 'notice' }))).state, 'resolved');
    assert.equal((await p.run(() => window.__chat.cmd('updateUserData', { plan: 'gold' }))).state, 'resolved');
    assert.equal((await agent.detail()).userData.plan, 'gold');
    assert.deepEqual(
      (await p.run(() => window.__chat.cmd('sendMessage', {}))).args,
      ['No message text provided'],
      'the GMS REST rejection text',
    );
    const poll = await p.run(() => window.__chat.cmd('startPoll'));
    assert.equal(poll.state, 'rejected', 'a pushed transport has no polling');

    await agent.say('and another');
    await waitText(p, 'and another');
    await assertExactlyOnce(assert, p, await serverTexts(emu, id));

    // Pushed, not polled: no REST refresh at all, and the carrier asked for.
    assert.deepEqual(p.bayeux.rest.filter((r) => r.endsWith('/refresh')), [], 'no REST polls');
    const connects = p.bayeux.posts.filter((r) => r.path === `${COMET_PATH}/connect`);
    if (websocket) {
      assert.equal(p.bayeux.sockets.length, 1, 'one WebSocket to the Bayeux endpoint');
      assert.deepEqual(connects, [], 'no long-polling connects');
    } else {
      assert.equal(p.bayeux.sockets.length, 0, 'no WebSocket');
      assert.ok(connects.length >= 1, 'long-polling connects');
    }

    const ended = await p.run(() => window.__chat.cmd('endChat'));
    assert.equal(ended.state, 'resolved', JSON.stringify(ended.args));
    await waitEvent(p, 'ended');
    assert.equal((await agent.detail()).state, 'ended');
  });
}

test('the agent ending the chat over CometD ends it in the page', async () => {
  const p = await openCometChat(h, emu);
  const id = await startChat(p);
  const agent = emu.agent(id);
  await agent.join({ nickname: 'Alex' });
  await waitEvent(p, 'agentConnected');
  await agent.end();
  await waitEvent(p, 'ended');
  const after = await p.run(() => window.__chat.cmd('sendMessage', { message: 'too late' }));
  assert.deepEqual(after.args, ['There is no active chat session']);
});

test('the capabilities data key says what GMS over CometD does: pushed, not polled', async () => {
  const p = await openCometChat(h, emu, { websocket: true });
  const capabilities = await p.run(() => window.__chat.plugin.data('WebChatService.capabilities'));
  assert.deepEqual(capabilities, {
    polling: false, push: true, fileUpload: true, customNotice: true,
    updateUserData: true, verifySession: true, async: false,
  });
});
