// The transports the tab tests (chat-tabs*.test.js) run on: each one's `webchat` additions (JS
// source merged into the GMS page's configuration, chat-emulator.js `openChat`). A chat is started
// from a page the same way on each (`startAnyChat`), and the emulator's session list says which
// session it made, for the agent API. `tabScenarios` registers the scenarios every transport runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openChat, slow, indicesOf } from './chat-emulator.js';
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

/** Every request and socket each page makes to the emulator, by page. */
export function watchServer(emu, firstPage) {
  const seen = new Map();
  const log = (page, what) => {
    if (!seen.has(page)) seen.set(page, []);
    seen.get(page).push(what);
  };
  const context = firstPage.page.context();
  context.on('request', (req) => {
    if (!req.url().startsWith(emu.url) || req.url().includes('/emulator/')) return;
    const page = req.frame()?.page();
    if (page) log(page, req.method() + ' ' + new URL(req.url()).pathname);
  });
  for (const p of context.pages()) p.on('websocket', (ws) => log(p, 'WS ' + ws.url()));
  context.on('page', (p) => p.on('websocket', (ws) => log(p, 'WS ' + ws.url())));
  return { of: (p) => seen.get(p.page) || [] };
}

/** Events after `ready`, as the recorder cloned them (names and data). */
export async function eventsOf(p) {
  return p.run(() => window.__chat.events.filter((e) => e.event !== 'ready').map((e) => ({ event: e.event, data: e.data })));
}

/** The published chat messages' texts, in order. */
export async function textsOf(p) {
  return p.run(() => window.__chat.messages().filter((m) => m.type === 'Message').map((m) => m.text));
}

/** Waits until `p` has published a message with `text`. */
export function waitText(p, text) {
  return slow(p, (t) => window.__chat.waitMessage((m) => m.text === t, 15000), text);
}

/** The scenarios of chat-tabs*.test.js, on each of `transports` (harness `h`, emulator `emu`). */
export function tabScenarios(h, emu, transports) {
  const start = (p) => startAnyChat(p, emu);
  for (const t of transports) {
    const open = (opts = {}) => openChat(h, emu, { webchat: t.webchat(emu), fresh: false, ...opts });
    const openFirst = (opts = {}) => openChat(h, emu, { webchat: t.webchat(emu), ...opts });

    test(`${t.name}: two tabs follow one chat with the same events; a follower's commands run in the leader`, async () => {
      const a = await openFirst();
      const net = watchServer(emu, a);
      const b = await open();
      const id = await start(b);
      const agent = emu.agent(id);
      await agent.join({ nickname: 'Alex' });
      await agent.say('hello from the agent');
      await waitText(b, 'hello from the agent');
      const sent = await b.run(() => window.__chat.cmd('sendMessage', { message: 'from the follower' }));
      assert.equal(sent.state, 'resolved', JSON.stringify(sent));
      await a.run(() => window.__chat.cmd('sendMessage', { message: 'from the leader' }));
      await waitText(a, 'from the leader');
      await waitText(a, 'from the follower');
      await waitText(b, 'from the leader');
      // A rejection from the leader arrives with its text.
      const bad = await b.run(() => window.__chat.cmd('sendMessage', {}));
      assert.deepEqual(bad, { state: 'rejected', args: ['No message text provided'] });
      // Queries are answered by the leader: the same transcript.
      const ta = await a.run(() => window.__chat.cmd('getTranscript'));
      const tb = await b.run(() => window.__chat.cmd('getTranscript'));
      assert.equal(tb.state, 'resolved');
      assert.deepEqual(tb.args, ta.args);
      assert.equal(await b.run(() => window.__chat.plugin.data('WebChatService.sessionActive')), true);

      const ended = await b.run(() => window.__chat.cmd('endChat'));
      assert.equal(ended.state, 'resolved', JSON.stringify(ended));
      await slow(a, () => window.__chat.waitEvent('ended'));
      await slow(b, () => window.__chat.waitEvent('ended'));
      assert.deepEqual(await eventsOf(b), await eventsOf(a), 'the same events, in the same order, with the same data');
      assert.deepEqual(await textsOf(b), ['hello from the agent', 'from the follower', 'from the leader']);
      assert.equal(await b.run(() => window.__chat.plugin.data('WebChatService.sessionActive')), false);
      assert.deepEqual(net.of(b), [], 'the follower talks to no server');
      assert.ok(net.of(a).length > 0);
    });

    test(`${t.name}: the leader closes mid-chat; another tab takes over and nothing is lost or doubled`, async () => {
      const a = await openFirst();
      const net = watchServer(emu, a);
      const b = await open();
      const c = await open();
      const id = await start(a);
      const agent = emu.agent(id);
      await agent.join({ nickname: 'Alex' });
      await agent.say('before');
      for (const p of [b, c]) await waitText(p, 'before');
      await a.page.close();
      // During the handover the agent keeps talking.
      await agent.say('during one');
      await agent.say('during two');
      for (const p of [b, c]) await waitText(p, 'during two');
      await agent.say('after');
      for (const p of [b, c]) await waitText(p, 'after');
      // A command from the remaining follower runs in the new leader.
      const sent = await c.run(() => window.__chat.cmd('sendMessage', { message: 'from c' }));
      assert.equal(sent.state, 'resolved', JSON.stringify(sent));
      for (const p of [b, c]) await waitText(p, 'from c');

      for (const p of [b, c]) {
        assert.deepEqual(await textsOf(p), ['before', 'during one', 'during two', 'after', 'from c']);
        const idx = indicesOf(await p.run(() => window.__chat.messages()));
        assert.equal(new Set(idx).size, idx.length, `no duplicate index in ${idx}`);
        assert.equal(await p.run(() => window.__chat.count('restored')), 0);
        assert.equal(await p.run(() => window.__chat.count('agentConnected')), 1);
      }
      assert.deepEqual(await eventsOf(c), await eventsOf(b));
      // Exactly one of the remaining tabs talks to the server now.
      const talking = [b, c].filter((p) => net.of(p).length > 0);
      assert.equal(talking.length, 1, 'one tab leads');
      assert.deepEqual(net.of(c), [], 'the tab that kept following talks to no server');
      await b.run(() => window.__chat.cmd('endChat'));
      await slow(c, () => window.__chat.waitEvent('ended'));
    });

    test(`${t.name}: a tab opened mid-chat joins it without asking the server`, async () => {
      const a = await openFirst();
      const net = watchServer(emu, a);
      const id = await start(a);
      const agent = emu.agent(id);
      await agent.join({ nickname: 'Alex' });
      await agent.say('one');
      await waitText(a, 'one');
      const b = await open();
      await slow(b, () => window.__chat.waitMessage((m) => m.text === 'one'));
      assert.deepEqual(net.of(b), [], 'no restore request, no poll, no socket from the new tab');
      assert.equal(await b.run(() => window.__chat.plugin.data('WebChatService.sessionActive')), true);
      await agent.say('two');
      await waitText(b, 'two');
      assert.deepEqual(await eventsOf(b), await eventsOf(a), 'the log of the chat, then the live events');
      assert.deepEqual(net.of(b), []);
      await b.run(() => window.__chat.cmd('endChat'));
      await slow(a, () => window.__chat.waitEvent('ended'));
    });
  }
}
