// The transports the tab tests (chat-tabs.test.js) run on: each one's `webchat` additions (JS
// source merged into the GMS page's configuration) and how a page starts a chat (resolving with
// the emulator's session id, which its agent API takes).

import { startChat } from './chat-emulator.js';

export const tabTransports = [
  {
    name: 'GMS REST',
    webchat: () => '{}',
    start: (p) => startChat(p),
  },
];
