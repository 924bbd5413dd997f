// Prefilters, filtered messages and preprocessors: what reaches messageReceived subscribers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, openChat, startChat, slow } from './chat-emulator.js';

const h = setup();
const emu = emulator();

test('prefilters and sendFilteredMessage patterns hide matching messages; others pass', async () => {
  const p = await openChat(h, emu);
  const id = await startChat(p);
  await p.run(() => window.__chat.cmd('addPrefilter', { filters: [/^token:/i, /secret/g] }));
  const f = await p.run(() => window.__chat.cmd('sendFilteredMessage', { message: 'CODE-42', regex: /^CODE-\d+$/ }));
  assert.equal(f.state, 'resolved');
  const agent = emu.agent(id);
  await agent.join();
  await agent.say('TOKEN: abc');
  await agent.say('a secret');
  await agent.say('another secret'); // a `g` pattern must not depend on lastIndex
  await agent.say('visible');
  await slow(p, () => window.__chat.waitMessage((m) => m.text === 'visible'));
  const texts = await p.run(() => window.__chat.messages().filter((m) => m.type === 'Message').map((m) => m.text));
  assert.deepEqual(texts, ['visible']);
  // The server has everything, including the filtered message the client sent.
  const detail = await agent.detail();
  assert.ok(detail.transcript.some((e) => e.text === 'CODE-42'));
  await p.run(() => window.__chat.cmd('endChat'));
});

test('preprocessors run in registration order on each message before messageReceived', async () => {
  const p = await openChat(h, emu);
  await p.run(async () => {
    await window.__chat.cmd('registerPreProcessor', {
      preprocessor: (m) => Object.assign(m, { text: m.text + ' [1]' }),
    });
    await window.__chat.cmd('registerPreProcessor', {
      preprocessor: (m) => ({ ...m, text: m.text + ' [2]', extra: true }),
    });
    await window.__chat.cmd('registerPreProcessor', { preprocessor: () => 'not an object' });
    await window.__chat.cmd('registerPreProcessor', {
      preprocessor: () => {
        throw new Error('customer bug');
      },
    });
  });
  p.allowPageErrors();
  const id = await startChat(p);
  await emu.agent(id).join();
  await emu.agent(id).say('hi');
  const m = await slow(p, () => window.__chat.waitMessage((m) => m.type === 'Message'));
  assert.equal(m.text, 'hi [1] [2]');
  assert.equal(m.extra, true);
  // originalMessages keep the wire form.
  const original = await p.run(() =>
    window.__chat.events.filter((e) => e.event === 'messageReceived').flatMap((e) => e.data.originalMessages),
  );
  assert.ok(original.some((o) => o.text === 'hi'));
  await p.run(() => window.__chat.cmd('endChat'));
});
