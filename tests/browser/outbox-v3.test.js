// The durable outbox over Engage v3 (README "Sending while offline"): the scenarios of
// outbox-scenarios.js, with the poll as the catch-up that finds a message whose answer was lost.

import { test } from 'node:test';
import { setup } from './harness.js';
import { emulator } from './chat-emulator.js';
import { openV3Chat, startV3Chat } from './chat-v3.js';
import { scenarios } from './outbox-scenarios.js';

const h = setup();
const emu = emulator();

scenarios(test, h, emu, {
  name: 'Engage v3',
  open: (h, emu, webchat) => openV3Chat(h, emu, { webchat }),
  start: async (p) => (await startV3Chat(p)).sid,
});
