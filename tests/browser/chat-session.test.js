// WebChatService over GMS Chat v2 against the emulator: a whole chat as customer code sees it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, openChat, startChat, slow, indicesOf } from './chat-emulator.js';

const h = setup();
const emu = emulator();

test('a full chat: the agent joins, types, sends, transfers, and ends it', async () => {
  const p = await openChat(h, emu);
  const id = await startChat(p);
  const agent = emu.agent(id);

  await slow(p, () => window.__chat.waitEvent('started'));
  assert.equal(await p.run(() => window.__chat.plugin.data('WebChatService.sessionActive')), true);

  await agent.join({ nickname: 'Alex' });
  const joined = await slow(p, () => window.__chat.waitEvent('agentConnected'));
  assert.equal(joined.data.numAgentsConnected, 1);
  assert.equal(joined.data.message.from.name, 'Alex');
  assert.equal(joined.data.message.from.type, 'Agent');

  await agent.typing(true);
  const typing = await slow(p, () => window.__chat.waitEvent('agentTypingStarted'));
  assert.equal(typing.data.from.name, 'Alex');

  await agent.say('Hello <b>Jonny</b>');
  const hello = await slow(p, () => window.__chat.waitMessage((m) => m.type === 'Message' && m.from.type === 'Agent'));
  assert.equal(hello.text, 'Hello <b>Jonny</b>');
  assert.equal(hello.from.name, 'Alex');
  await slow(p, () => window.__chat.waitEvent('agentTypingStopped'));

  const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'my question' }));
  assert.equal(sent.state, 'resolved');
  assert.equal(sent.args[0].statusCode, 0);
  await slow(p, () => window.__chat.waitMessage((m) => m.text === 'my question' && m.from.type === 'Client'));

  await agent.transfer({ nickname: 'Sam' });
  const left = await slow(p, () => window.__chat.waitEvent('agentDisconnected'));
  assert.equal(left.data.message.from.name, 'Alex');
  const sam = await slow(p, () => window.__chat.waitEvent('agentConnected', 2));
  assert.equal(sam.data.message.from.name, 'Sam');
  assert.equal(sam.data.numAgentsConnected, 1);

  const agents = await p.run(() => window.__chat.cmd('getAgents'));
  const list = Object.values(agents.args[0].agents);
  assert.deepEqual(list.map((a) => [a.name, a.connected]).sort(), [['Alex', false], ['Sam', true]]);

  await agent.end();
  await slow(p, () => window.__chat.waitEvent('ended'));
  const names = await p.run(() => window.__chat.names());
  for (const once of ['started', 'clientConnected', 'clientDisconnected', 'pollingStarted', 'ended']) {
    assert.equal(names.filter((n) => n === once).length, 1, `${once} in ${names}`);
  }
  assert.ok(names.indexOf('clientDisconnected') < names.indexOf('ended'));
  assert.equal(await p.run(() => window.__chat.plugin.data('WebChatService.sessionActive')), false);
  assert.equal(await p.run(() => window.__chat.count('pollingStopped')), 1);

  // Every transcript event was published once, in order, with no gap.
  const idx = indicesOf(await p.run(() => window.__chat.messages()));
  assert.deepEqual(idx, [...idx].sort((a, b) => a - b));
  assert.equal(new Set(idx).size, idx.length, `duplicates in ${idx}`);
  assert.deepEqual(idx, Array.from({ length: idx.length }, (_, i) => idx[0] + i), `gap in ${idx}`);

  const transcript = await p.run(() => window.__chat.cmd('getTranscript'));
  assert.equal(transcript.state, 'resolved');
  assert.ok(transcript.args[0].messages.some((m) => m.text === 'my question'));
  const stats = await p.run(() => window.__chat.cmd('getStats'));
  assert.ok(stats.args[0].startTime > 0 && stats.args[0].endTime >= stats.args[0].startTime);
  assert.equal(stats.args[0].duration, stats.args[0].endTime - stats.args[0].startTime);
});

test('supervisor and bot parties give their own connected and disconnected events', async () => {
  const p = await openChat(h, emu);
  const id = await startChat(p);
  const agent = emu.agent(id);
  const sup = await agent.join({ role: 'supervisor', nickname: 'Sue' });
  const bot = await agent.join({ role: 'bot', nickname: 'Botty' });
  const s = await slow(p, () => window.__chat.waitEvent('supervisorConnected'));
  assert.equal(s.data.message.from.name, 'Sue');
  const b = await slow(p, () => window.__chat.waitEvent('botConnected'));
  assert.equal(b.data.message.from.type, 'Bot');
  await agent.leave(sup.participantId);
  await agent.leave(bot.participantId);
  await slow(p, () => window.__chat.waitEvent('supervisorDisconnected'));
  await slow(p, () => window.__chat.waitEvent('botDisconnected'));
  await p.run(() => window.__chat.cmd('endChat'));
});

test('agent typing with nothing after it times out with agentTypingTimeout', async () => {
  const p = await openChat(h, emu);
  const id = await startChat(p);
  await emu.agent(id).join();
  await emu.agent(id).typing(true);
  await slow(p, () => window.__chat.waitEvent('agentTypingStarted'));
  const timeout = await slow(p, () => window.__chat.waitEvent('agentTypingTimeout', 1, 8000));
  assert.equal(timeout.data.type, 'TypingStarted');
  await p.run(() => window.__chat.cmd('endChat'));
});

test('the typing-preview input sends typing start on the first key and stop after 2 s idle', async () => {
  const p = await openChat(h, emu, { body: '<textarea id="box"></textarea>' });
  const id = await startChat(p);
  const reg = await p.run(() =>
    window.__chat.cmd('registerTypingPreviewInput', { input: document.getElementById('box') }),
  );
  assert.equal(reg.state, 'resolved');
  await p.page.type('#box', 'hel');
  await slow(p, () => window.__chat.waitEvent('clientTypingStarted'));
  assert.equal(await p.run(() => window.__chat.count('clientTypingStarted')), 1);
  const started = await p.run(() => window.__chat.events.find((e) => e.event === 'clientTypingStarted').at);
  const stopped = await slow(p, () => window.__chat.waitEvent('clientTypingStopped', 1, 5000));
  assert.ok(stopped.at - started >= 1900, `stop came after ${stopped.at - started} ms`);
  const detail = await emu.agent(id).detail();
  assert.ok(detail.transcript.some((e) => e.type === 'TypingStarted'));
  await p.run(() => window.__chat.cmd('endChat'));
});

test('sendTyping publishes clientTypingStarted and resolves with the server answer', async () => {
  const p = await openChat(h, emu);
  await startChat(p);
  const r = await p.run(() => window.__chat.cmd('sendTyping', { message: 'draft' }));
  assert.equal(r.state, 'resolved');
  assert.equal(r.args[0].statusCode, 0);
  await slow(p, () => window.__chat.waitEvent('clientTypingStarted'));
  await p.run(() => window.__chat.cmd('endChat'));
});

test('a customer endChat publishes clientDisconnected once, before ended, like a server-ended chat', async () => {
  const p = await openChat(h, emu);
  await startChat(p);
  await slow(p, () => window.__chat.waitEvent('clientConnected'));
  const ended = await p.run(() => window.__chat.cmd('endChat'));
  assert.equal(ended.state, 'resolved');
  await slow(p, () => window.__chat.waitEvent('ended'));
  const names = await p.run(() => window.__chat.names());
  assert.equal(names.filter((n) => n === 'clientDisconnected').length, 1, `${names}`);
  assert.ok(names.indexOf('clientDisconnected') < names.indexOf('ended'), `${names}`);
  const left = await p.run(() => window.__chat.waitEvent('clientDisconnected'));
  assert.equal(left.data.message.type, 'ParticipantLeft');
  assert.equal(left.data.message.from.type, 'Client');
});
