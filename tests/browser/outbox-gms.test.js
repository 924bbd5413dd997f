// The durable outbox over GMS REST (README "Sending while offline"): messages sent while the
// server is unreachable are pending, survive a reload, and arrive once each, in typed order, when
// it is back; a message that cannot be delivered in time fails with the documented reason; a send
// whose answer was lost is not sent twice; the browser's offline/online events hold and release
// the queue. Every transport runs the same scenarios (outbox-scenarios.js).

import { test } from 'node:test';
import { setup } from './harness.js';
import { emulator, openChat, startChat } from './chat-emulator.js';
import { scenarios } from './outbox-scenarios.js';

const h = setup();
const emu = emulator();

scenarios(test, h, emu, {
  name: 'GMS REST',
  open: (h, emu, webchat) => openChat(h, emu, { webchat }),
  start: (p) => startChat(p),
});
