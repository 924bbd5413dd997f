// Deterministic order (issue 12): messages are published in transcript order even when a poll
// answer lists them out of order (the emulator's `reversePolls` fault), over GMS REST and Engage
// v3, the two transports whose answers carry several messages at once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, openChat, startChat, slow } from './chat-emulator.js';
import { openV3Chat, startV3Chat } from './chat-v3.js';

const h = setup();
const emu = emulator();

const transports = [
  { name: 'GMS REST', open: () => openChat(h, emu), start: (p) => startChat(p) },
  { name: 'Engage v3', open: () => openV3Chat(h, emu), start: async (p) => (await startV3Chat(p)).sid },
];

for (const t of transports) {
  test(`${t.name}: messages a poll lists backwards are published in index order`, async () => {
    const p = await t.open();
    const id = await t.start(p);
    const agent = emu.agent(id);
    await agent.join({ nickname: 'Alex' });
    await slow(p, () => window.__chat.waitEvent('agentConnected', 1, 15000));
    await emu.faults({ reversePolls: 1 });
    for (const text of ['one', 'two', 'three']) await agent.say(text);
    await slow(p, () => window.__chat.waitMessage((m) => m.text === 'three', 15000));
    assert.equal((await emu.api('GET', '/emulator/api/faults')).reversePolls, 0, 'a poll answer was reversed');
    const msgs = await p.run(() => window.__chat.messages().filter((m) => !m.restoring));
    const idx = msgs.map((m) => Number(m.index));
    assert.deepEqual(idx, [...idx].sort((a, b) => a - b), `published in index order: ${idx}`);
    assert.equal(new Set(idx).size, idx.length, `each once: ${idx}`);
    assert.deepEqual(
      msgs.filter((m) => m.type === 'Message').map((m) => m.text),
      ['one', 'two', 'three'],
    );
    await p.run(() => window.__chat.cmd('endChat'));
  });
}
