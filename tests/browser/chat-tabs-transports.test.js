// One chat across tabs (issue 12) on GMS CometD (WebSocket), Genesys Cloud and Engage v3: the
// scenarios of chat-tabs.js (same events, follower commands, takeover, a tab joining mid-chat, one
// connection), as chat-tabs.test.js runs them on GMS REST.

import { setup } from './harness.js';
import { emulator } from './chat-emulator.js';
import { tabScenarios, tabTransports } from './chat-tabs.js';

const h = setup();
const emu = emulator();

tabScenarios(h, emu, tabTransports.slice(1));
