// One chat across tabs (issue 12): the tabs of one browser share one chat. One tab leads and
// talks to the server; the others follow over a BroadcastChannel and publish the same events.
// Each scenario runs on every transport (GMS REST, GMS CometD over WebSocket, Genesys Cloud):
// two and three pages of ONE browser context against the emulator.
//
// The server sees one poll loop or socket: every request or socket to the emulator is recorded
// per page (Playwright, at the context), and followers make none.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, openChat, slow, indicesOf, STORAGE_KEY } from './chat-emulator.js';
import { startAnyChat, tabTransports } from './chat-tabs.js';
import { ASYNC_RECORDER, SITE_ASYNC, openV3Chat, startV3Chat } from './chat-v3.js';

const h = setup();
const emu = emulator();

/** Every request and socket each page makes to the emulator, by page. */
function watchServer(firstPage) {
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
async function eventsOf(p) {
  return p.run(() => window.__chat.events.filter((e) => e.event !== 'ready').map((e) => ({ event: e.event, data: e.data })));
}

/** The published chat messages' texts, in order. */
async function textsOf(p) {
  return p.run(() => window.__chat.messages().filter((m) => m.type === 'Message').map((m) => m.text));
}

/** Starts a chat from `p`; the emulator's session id. */
const start = (p) => startAnyChat(p, emu);

/** Waits until `p` has published a message with `text`. */
function waitText(p, text) {
  return slow(p, (t) => window.__chat.waitMessage((m) => m.text === t, 15000), text);
}

for (const t of tabTransports) {
  const open = (opts = {}) => openChat(h, emu, { webchat: t.webchat(emu), fresh: false, ...opts });
  const openFirst = (opts = {}) => openChat(h, emu, { webchat: t.webchat(emu), ...opts });

  test(`${t.name}: two tabs follow one chat with the same events; a follower's commands run in the leader`, async () => {
    const a = await openFirst();
    const net = watchServer(a);
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
    const net = watchServer(a);
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
    const net = watchServer(a);
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

test('webchat.tabs: false keeps one chat per tab: the second tab restores the chat itself', async () => {
  const a = await openChat(h, emu, { webchat: '{tabs: false}' });
  const net = watchServer(a);
  const id = await start(a);
  await emu.agent(id).say('one');
  await waitText(a, 'one');
  const b = await openChat(h, emu, { webchat: '{tabs: false}', fresh: false });
  await slow(b, () => window.__chat.waitEvent('restored'));
  await waitText(b, 'one');
  assert.ok(net.of(b).length > 0, 'the second tab talks to the server itself');
  assert.equal(await a.run(() => window.__chat.count('restored')), 0);
});

test('without BroadcastChannel each tab runs its own chat, as before', async () => {
  const gone = 'delete window.BroadcastChannel;';
  const a = await openChat(h, emu, { beforeScript: gone });
  const net = watchServer(a);
  const id = await start(a);
  await emu.agent(id).say('one');
  await waitText(a, 'one');
  const b = await openChat(h, emu, { beforeScript: gone, fresh: false });
  await slow(b, () => window.__chat.waitEvent('restored'));
  await waitText(b, 'one');
  assert.ok(net.of(b).length > 0);
  assert.ok(await b.run((k) => localStorage.getItem(k), STORAGE_KEY));
});

test('without Web Locks a lease in localStorage elects the leader, and a follower takes over', async () => {
  const noLocks = "Object.defineProperty(Navigator.prototype, 'locks', {get: function () {}});";
  const a = await openChat(h, emu, { beforeScript: noLocks });
  const net = watchServer(a);
  const b = await openChat(h, emu, { beforeScript: noLocks, fresh: false });
  const id = await start(b);
  const agent = emu.agent(id);
  await agent.say('before');
  await waitText(b, 'before');
  assert.deepEqual(net.of(b), [], 'b follows');
  await a.page.close();
  await agent.say('after');
  await waitText(b, 'after');
  assert.deepEqual(await textsOf(b), ['before', 'after']);
  assert.ok(net.of(b).length > 0, 'b leads now');
});

test('Engage v3 async mode keeps one chat per tab: another tab restores through the site callbacks itself', async () => {
  const openAsync = (given = '') => openV3Chat(h, emu, { asyncMode: SITE_ASYNC, beforeScript: ASYNC_RECORDER + given });
  const a = await openAsync();
  const net = watchServer(a);
  const chat = await startV3Chat(a);
  await emu.agent(chat.sid).say('one');
  await waitText(a, 'one');
  const stored = await a.run(() => window.__async.stored);
  const b = await openAsync(`window.__restoreWith = ${JSON.stringify(stored)};`);
  await slow(b, () => window.__chat.waitEvent('restored'));
  await waitText(b, 'one');
  assert.ok(net.of(b).length > 0, 'the second tab talks to the server itself');
  assert.equal(await a.run(() => window.__chat.count('restored')), 0, 'nothing crossed to the first tab');
});

test('messages from another page on the channel cannot break, fake or steer the chat', async () => {
  const a = await openChat(h, emu);
  const b = await openChat(h, emu, { fresh: false });
  const id = await start(a);
  await emu.agent(id).say('one');
  await waitText(b, 'one');
  // A page of the same site, without the widgets, learns the leader's id from the channel and
  // posts junk: wrong shapes, unknown events and data keys, too deep data, private and local
  // commands, answers nobody asked for.
  const evil = await h.open({ config: '{}' });
  const leaderAnswers = await evil.run(async () => {
    const ch = new BroadcastChannel('_genesys.widgets.webchat.tabs');
    const w = 'widgets-rs-tabs/1';
    const heard = [];
    ch.onmessage = (e) => heard.push(e.data);
    const other = new BroadcastChannel('_genesys.widgets.webchat.tabs');
    other.postMessage({ w, from: 'evil', t: 'join' });
    await new Promise((r) => setTimeout(r, 300));
    const leader = heard.find((m) => m && m.t === 'snap').from;
    let deep = {};
    for (let i = 0; i < 300; i++) deep = { deep };
    const junk = [
      null, 7, 'text', [], {}, { w }, { w, from: 'x'.repeat(100), t: 'e', item: [0, 'ended', null] },
      { w, from: 'evil', t: 'e', item: [0, 'ended', null] },
      { w, from: leader, t: 'e', item: [0, 'noSuchEvent', null] },
      { w, from: leader, t: 'e', item: [0, 'error', deep] },
      { w, from: leader, t: 'e', item: [1, 'messageReceived', 'not an object'] },
      { w, from: leader, t: 'e', item: [2, 'evilKey', 1] },
      { w, from: leader, t: 'e', item: [9, 'ended', null] },
      { w, from: leader, t: 'e', item: 'nope' },
      { w, from: leader, t: 'snap', to: 'anyone', items: [[0, 'ended', null]] },
      { w, from: 'evil', t: 'ans', to: 'x', id: 1, s: 1, a: [] },
      { w, from: 'evil', t: 'cmd', to: leader, id: 1, n: 'poll', c: 'WebChatService', d: {} },
      { w, from: 'evil', t: 'cmd', to: leader, id: 2, n: 'restore', c: 'WebChatService', d: {} },
      { w, from: 'evil', t: 'cmd', to: leader, id: 3, n: 'configure', c: 'X', d: {} },
      { w, from: 'evil', t: 'cmd', to: leader, id: 4, n: 'noSuchCommand', c: 'X', d: {} },
      { w, from: 'evil', t: 'cmd', to: leader, id: 5, n: 'getAgents', c: 7, d: {} },
    ];
    for (const m of junk) other.postMessage(m);
    await new Promise((r) => setTimeout(r, 500));
    return heard.filter((m) => m && m.t === 'ans' && m.to === 'evil').map((m) => [m.id, m.s, m.a]);
  });
  assert.deepEqual(
    leaderAnswers,
    [1, 2, 3, 4].map((i) => [i, 2, ['Command does not exist']]),
    'private, local and unknown commands are refused',
  );
  // The chat goes on in both tabs, and the follower published nothing of the junk.
  await b.run(() => window.__chat.cmd('sendMessage', { message: 'still fine' }));
  for (const p of [a, b]) await waitText(p, 'still fine');
  for (const name of ['ended', 'error']) assert.equal(await b.run((n) => window.__chat.count(n), name), 0, name);
  assert.deepEqual(await eventsOf(b), await eventsOf(a));
});
