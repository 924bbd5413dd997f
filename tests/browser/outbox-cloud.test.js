// The durable outbox over Genesys Cloud guest chat (README "Sending while offline"): the scenarios
// of outbox-scenarios.js. Cloud has no catch-up call, so a message whose answer was lost is found
// in what the WebSocket pushes (or replays after a reconnect) before it would be sent again.

import { test } from 'node:test';
import { setup } from './harness.js';
import { emulator } from './chat-emulator.js';
import { openCloudChat, startCloudChat } from './chat-cloud.js';
import { scenarios } from './outbox-scenarios.js';

const h = setup();
const emu = emulator();

scenarios(test, h, emu, {
  name: 'Genesys Cloud',
  open: (h, emu, webchat) => openCloudChat(h, emu, { webchat }),
  start: async (p) => (await startCloudChat(p)).id,
});
