// The durable outbox over GMS CometD, long-polling and WebSocket (README "Sending while
// offline"): the scenarios of outbox-scenarios.js. A lost answer here is a publish whose reply
// never comes (the emulator cuts the long-poll or the socket after storing the message).

import { test } from 'node:test';
import { setup } from './harness.js';
import { emulator, startChat } from './chat-emulator.js';
import { openCometChat } from './chat-cometd.js';
import { scenarios } from './outbox-scenarios.js';

const h = setup();
const emu = emulator();

for (const websocket of [false, true]) {
  scenarios(test, h, emu, {
    name: `GMS CometD (${websocket ? 'WebSocket' : 'long-polling'})`,
    open: (h, emu, webchat) => openCometChat(h, emu, { websocket, webchat }),
    start: (p) => startChat(p),
    latency: !websocket,
  });
}
