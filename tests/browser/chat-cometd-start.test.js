// A GMS CometD chat over long-polling whose requestChat answer comes late: the server attached the
// client when the operation ran, so the agent's join and first message are pushed on the connect
// loop before the start is answered. They are published once, right after `started`, in
// transcript order after the customer's own join that the answer brings; nothing is lost.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator } from './chat-emulator.js';
import { assertExactlyOnce, serverTexts, waitText } from './chat-cloud.js';
import { COMET_PATH, openCometChat } from './chat-cometd.js';
import { eventually } from './outbox-scenarios.js';

const h = setup();
const emu = emulator();

/** The emulator's held publish answers. */
async function heldAnswers() {
  return (await emu.api('GET', '/emulator/api/faults')).heldPublishAnswers;
}

test("over long-polling, the agent's join and message pushed before requestChat is answered are published once, right after started", async () => {
  const p = await openCometChat(h, emu);
  await emu.faults({ holdPublishAnswers: true });
  const starting = p.run(() => window.__chat.cmd('startChat', { nickname: 'Jonny', subject: 'help' }, 20000), null, {
    timeout: 25000,
  });
  // requestChat ran on the server (the client follows the chat); its answer is held.
  await eventually(async () => (await heldAnswers()) === 1, 8000, async () => JSON.stringify(await heldAnswers()));
  const { sessions } = await emu.api('GET', '/emulator/api/sessions');
  const id = sessions[0].id;
  const agent = emu.agent(id);
  const pushed = p.page.waitForResponse(
    async (r) =>
      r.url().includes(`${COMET_PATH}/connect`) && (await r.text().catch(() => '')).includes('greeting before started'),
  );
  await agent.join({ nickname: 'Alex' });
  await agent.say('greeting before started');
  await pushed;
  assert.equal(await p.run(() => window.__chat.count('started')), 0, 'the pushes came while starting');
  assert.equal(await p.run(() => window.__chat.count('messageReceived')), 0, 'nothing published before started');

  await emu.faults({ holdPublishAnswers: false });
  const started = await starting;
  assert.equal(started.state, 'resolved', JSON.stringify(started.args));
  assert.equal(started.args[0].chatId, id);
  await waitText(p, 'greeting before started');

  const names = await p.run(() => window.__chat.names());
  assert.ok(names.indexOf('started') < names.indexOf('messageReceived'), names.join());
  const msgs = await p.run(() => window.__chat.messages());
  assert.deepEqual(
    msgs.map((m) => [m.index, m.type, m.from.type, m.restoring]),
    [
      [1, 'ParticipantJoined', 'Client', false],
      [2, 'ParticipantJoined', 'Agent', false],
      [3, 'Message', 'Agent', false],
    ],
  );
  assert.equal(await p.run(() => window.__chat.count('agentConnected')), 1);
  await assertExactlyOnce(assert, p, await serverTexts(emu, id));

  // The chat runs on: the next push goes at once, nothing held is published again.
  await agent.say('after the start');
  await waitText(p, 'after the start');
  const texts = (await p.run(() => window.__chat.messages())).filter((m) => m.type === 'Message').map((m) => m.text);
  assert.deepEqual(texts, ['greeting before started', 'after the start']);
  await p.run(() => window.__chat.cmd('endChat'));
});
