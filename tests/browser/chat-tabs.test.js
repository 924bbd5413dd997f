// One chat across tabs (issue 12): the tabs of one browser share one chat. One tab leads and
// talks to the server; the others follow over a BroadcastChannel and publish the same events.
// The scenarios (chat-tabs.js) run here on GMS REST, and on the other transports in
// chat-tabs-transports.test.js: two and three pages of ONE browser context against the emulator.
// Here too: the opt-out flag, the fallbacks, async mode and hostile channel messages.
//
// The server sees one poll loop or socket: every request or socket to the emulator is recorded
// per page (Playwright, at the context), and followers make none.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, openChat, slow, STORAGE_KEY } from './chat-emulator.js';
import { eventsOf, startAnyChat, tabScenarios, tabTransports, textsOf, waitText, watchServer } from './chat-tabs.js';
import { ASYNC_RECORDER, SITE_ASYNC, openV3Chat, startV3Chat } from './chat-v3.js';

const h = setup();
const emu = emulator();

tabScenarios(h, emu, tabTransports.slice(0, 1));

/** Starts a chat from `p`; the emulator's session id. */
const start = (p) => startAnyChat(p, emu);

test('webchat.tabs: false keeps one chat per tab: the second tab restores the chat itself', async () => {
  const a = await openChat(h, emu, { webchat: '{tabs: false}' });
  const net = watchServer(emu, a);
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
  const net = watchServer(emu, a);
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
  const net = watchServer(emu, a);
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

test('typing in a follower\'s typing-preview input sends typing from the leader, seen in every tab', async () => {
  const a = await openChat(h, emu);
  const net = watchServer(emu, a);
  const b = await openChat(h, emu, { fresh: false, body: '<textarea id="typed"></textarea>' });
  await start(a);
  const reg = await b.run(() => window.__chat.cmd('registerTypingPreviewInput', { input: document.getElementById('typed') }));
  assert.equal(reg.state, 'resolved');
  await b.page.type('#typed', 'hel');
  for (const p of [a, b]) await slow(p, () => window.__chat.waitEvent('clientTypingStarted'));
  const typedOnServer = () => net.of(a).some((r) => r.endsWith('/startTyping'));
  for (let i = 0; i < 50 && !typedOnServer(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(typedOnServer(), JSON.stringify(net.of(a)));
  assert.deepEqual(net.of(b), []);
  // Sending ends the typing state, in both tabs.
  await b.run(() => window.__chat.cmd('sendMessage', { message: 'hello' }));
  for (const p of [a, b]) await slow(p, () => window.__chat.waitEvent('clientTypingStopped'));
  assert.equal(await b.run(() => window.__chat.count('clientTypingStarted')), 1);
});

test('a follower takes over from the record the leader broadcast when localStorage lost it', async () => {
  const a = await openChat(h, emu);
  const b = await openChat(h, emu, { fresh: false });
  const id = await start(a);
  const agent = emu.agent(id);
  await agent.join({ nickname: 'Alex' });
  await agent.say('before');
  await waitText(b, 'before');
  await b.run((k) => localStorage.removeItem(k), STORAGE_KEY);
  await a.page.close();
  await agent.say('after');
  await waitText(b, 'after');
  assert.deepEqual(await textsOf(b), ['before', 'after']);
  assert.equal(await b.run(() => window.__chat.count('agentConnected')), 1);
});

test('a follower that never got the leader\'s log takes over as a page load restores: restored, then the replay', async () => {
  const a = await openChat(h, emu);
  const id = await start(a);
  const agent = emu.agent(id);
  await agent.say('one');
  await waitText(a, 'one');
  // This tab's channel loses the leader's answer to its join (as when the leader closes first).
  const deaf = `(function () {
    var Channel = window.BroadcastChannel;
    window.BroadcastChannel = function (name) {
      var ch = new Channel(name);
      var on = null;
      ch.onmessage = function (e) { if (on && !(e.data && e.data.t === 'snap')) on(e); };
      return { postMessage: function (m) { ch.postMessage(m); }, set onmessage(f) { on = f; } };
    };
  })();`;
  const b = await openChat(h, emu, { fresh: false, beforeScript: deaf });
  assert.equal(await b.run(() => window.__chat.messages().length), 0, 'b shows nothing of the chat yet');
  await a.page.close();
  await slow(b, () => window.__chat.waitEvent('restored'));
  await agent.say('two');
  await waitText(b, 'two');
  const msgs = await b.run(() => window.__chat.messages());
  assert.deepEqual(
    msgs.filter((m) => m.type === 'Message').map((m) => [m.text, m.restoring]),
    [
      ['one', true],
      ['two', false],
    ],
  );
});

test('Engage v3 async mode keeps one chat per tab: another tab restores through the site callbacks itself', async () => {
  const openAsync = (given = '') => openV3Chat(h, emu, { asyncMode: SITE_ASYNC, beforeScript: ASYNC_RECORDER + given });
  const a = await openAsync();
  const net = watchServer(emu, a);
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
