// The transports the tab tests (chat-tabs.test.js) run on: each one's `webchat` additions (JS
// source merged into the GMS page's configuration, chat-emulator.js `openChat`). A chat is started
// from a page the same way on each (`startAnyChat`), and the emulator's session list says which
// session it made, for the agent API.

import { cometD } from './chat-cometd.js';
import { cloudWebchat } from './chat-cloud.js';
import { v3Webchat } from './chat-v3.js';

export const tabTransports = [
  { name: 'GMS REST', webchat: () => '{}' },
  { name: 'GMS CometD (WebSocket)', webchat: (emu) => `{cometD: ${JSON.stringify(cometD(emu, true))}}` },
  { name: 'Genesys Cloud', webchat: (emu) => cloudWebchat(emu) },
  { name: 'Engage v3', webchat: (emu) => v3Webchat(emu) },
];

/** Starts a chat from page `p` (any transport); resolves with the emulator's session id. */
export async function startAnyChat(p, emu) {
  const ids = async () => (await emu.api('GET', '/emulator/api/sessions')).sessions.map((s) => s.id);
  const before = new Set(await ids());
  const form = { nickname: 'Jo', firstname: 'Jo', lastname: 'Doe', email: 'jo@example.com', subject: 'help' };
  const r = await p.run((d) => window.__chat.cmd('startChat', d, 8000), { form }, { timeout: 10000, what: 'startChat' });
  if (r.state !== 'resolved') throw new Error(`startChat ${r.state}: ${JSON.stringify(r.args)}`);
  const made = (await ids()).filter((id) => !before.has(id));
  if (made.length !== 1) throw new Error(`startChat made ${made.length} sessions on the emulator`);
  return made[0];
}
