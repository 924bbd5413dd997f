// The Chat Service JS API (`window.widgetsRsChat`, seeds 000, 002, 003) holding whole chats
// against the emulator: over the built-in CometD transport (WebSocket and long-polling) and over
// a REST transport, with the seed's callbacks and event shapes, getTranscript, isAgentConnected,
// leave, and a page that has no `webchat` configuration at all.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator } from './chat-emulator.js';
import {
  openApiPage, serverUrl, restTransport, startSession, chatIdOf, secretsOf, assertNoSecrets,
} from './chat-service-api.js';

const h = setup();
const emu = emulator();

function bundlesFetched(p) {
  return p
    .requests()
    .map((u) => /\/widgets-(\w+)\.(js|wasm)$/.exec(u))
    .filter(Boolean)
    .map((m) => `${m[1]}.${m[2]}`)
    .sort();
}

/** A full chat on an opened session: agent joins, types, talks; the customer talks back. */
async function holdChat(p) {
  const id = await chatIdOf(p);
  const agent = emu.agent(id);
  await agent.join({ nickname: 'Alex' });
  await p.run(() => window.__api.waitOn('onAgentConnected'));
  assert.equal(await p.run(() => window.__api.session.isAgentConnected()), true);
  await agent.typing(true);
  await p.run(() => window.__api.waitOn('onAgentTyping'));
  await agent.say('Hello, how can I help?');
  const sent = await p.run(() => window.__api.cmd('sendMessage', 'I need help'));
  assert.deepEqual(sent, { state: 'done' });
  await p.run(() => window.__api.cmd('sendMessage', { message: 'https://example.com/order/1', type: 'url' }));
  await p.run(() => window.__api.waitOn('onMessageReceived', 3));

  const connected = (await p.run(() => window.__api.on('onAgentConnected')))[0].event;
  assert.equal(connected.party.name, 'Alex');
  assert.deepEqual(connected.party.type, { agent: true });
  assert.equal(typeof connected.index, 'number');
  assert.equal(typeof connected.timestamp, 'number');
  assert.equal(connected.restored, undefined);
  const typing = (await p.run(() => window.__api.on('onAgentTyping')))[0].event;
  assert.deepEqual(typing, { party: { id: connected.party.id, name: 'Alex' }, isTyping: true });

  const received = (await p.run(() => window.__api.on('onMessageReceived'))).map((e) => e.event);
  assert.deepEqual(
    received.map((e) => [e.content.text, e.content.type, e.party.type]),
    [
      ['Hello, how can I help?', { text: true }, { agent: true }],
      ['I need help', { text: true }, { client: true }],
      ['https://example.com/order/1', { text: true }, { client: true }],
    ],
  );
  const indexes = received.map((e) => e.index);
  assert.deepEqual(indexes, [...indexes].sort((a, b) => a - b));
  assert.equal(new Set(indexes).size, 3, 'each message once');

  const all = await p.run(() => window.__api.cmd('getTranscript'));
  assert.deepEqual(
    all.value.transcript.map((t) => t.type),
    ['AgentConnected', 'MessageReceived', 'MessageReceived', 'MessageReceived'],
  );
  assert.deepEqual(all.value.transcript[0].party, { id: connected.party.id, type: 'Agent', name: 'Alex' });
  assert.deepEqual(all.value.transcript[1].content, { text: 'Hello, how can I help?', type: 'text' });
  const tail = await p.run((from) => window.__api.cmd('getTranscript', { fromIndex: from }), indexes[1]);
  assert.equal(tail.value.transcript.length, 2);
  return { id, agent };
}

test('widgetsRsChat exists at once, and a page with only chatService gets the chatservice bundle', async () => {
  const p = await openApiPage(h);
  const r = await p.run(() => ({
    type: typeof window.widgetsRsChat,
    keys: Object.keys(window.widgetsRsChat).sort(),
  }));
  assert.deepEqual(r, { type: 'object', keys: ['restoreSession', 'startChat', 'startSession'] });
  assert.deepEqual(bundlesFetched(p), ['chatservice.js', 'chatservice.wasm']);
  assert.ok(p.requests().some((u) => u.endsWith('/widgets-chat-session.js')), 'the session script is fetched');
  const bus = await openApiPage(h, { config: '{main: {debug: false}}' });
  assert.deepEqual(bundlesFetched(bus), ['bus.js', 'bus.wasm']);
  assert.ok(!bus.requests().some((u) => u.endsWith('/widgets-chat-session.js')), 'nor without chatService');
  assert.equal(await bus.run(() => typeof window.widgetsRsChat.startSession), 'function');
});

test('a whole chat over the built-in CometD transport (WebSocket), ended by leave', async () => {
  const p = await openApiPage(h);
  const sockets = [];
  p.page.on('websocket', (ws) => sockets.push(ws.url()));
  await startSession(p, `{serverUrl: ${JSON.stringify(serverUrl(emu))}, username: 'Jo', subject: 'Order', logger: __api.logger}`);
  const secrets = await secretsOf(p);
  const { id, agent } = await holdChat(p);
  const detail = await agent.detail();
  assert.equal(detail.protocol, 'cometd');
  assert.ok(sockets.some((u) => u.startsWith(serverUrl(emu).replace('http', 'ws'))), `a CometD WebSocket: ${sockets}`);

  const left = await p.run(() => window.__api.cmd('leave'));
  assert.equal(left.state, 'done');
  const ended = await p.run(() => window.__api.waitOn('onSessionEnded'));
  assert.deepEqual(ended.event, { reason: { leaveRequest: true } });
  assert.equal(await p.run(() => window.__api.session.isAgentConnected()), false);
  assert.equal(await p.run(() => window.__api.state()), null, 'the state is cleared');
  assert.equal((await emu.agent(id).detail()).state, 'ended', 'the server ended the chat');
  const lines = await p.run(() => window.__api.lines);
  assert.ok(lines.includes('startSession: chat started'), JSON.stringify(lines));
  await assertNoSecrets(assert, p, secrets);
});

test('a whole chat over CometD long-polling (disableWebSockets), ended by the agent', async () => {
  const p = await openApiPage(h);
  const sockets = [];
  p.page.on('websocket', (ws) => sockets.push(ws.url()));
  await startSession(p, `{serverUrl: ${JSON.stringify(serverUrl(emu))}, disableWebSockets: true, logger: __api.logger}`);
  const secrets = await secretsOf(p);
  const { agent } = await holdChat(p);
  assert.equal((await agent.detail()).protocol, 'cometd');
  assert.deepEqual(sockets, [], 'no WebSocket');
  await agent.end();
  const ended = await p.run(() => window.__api.waitOn('onSessionEnded'));
  assert.deepEqual(ended.event, { reason: { agent: true } });
  const late = await p.run(() => window.__api.cmd('sendMessage', 'too late'));
  assert.equal(late.state, 'fail');
  assert.deepEqual(late.value.error, { code: 50, description: 'unknown session' });
  await assertNoSecrets(assert, p, secrets);
});

test('a whole chat over a REST transport ({type: "rest", dataURL})', async () => {
  const p = await openApiPage(h);
  await startSession(p, `{transport: ${JSON.stringify(restTransport(emu))}, username: 'Jo', logger: __api.logger}`);
  const secrets = await secretsOf(p);
  assert.equal((await emu.agent(await chatIdOf(p)).detail()).protocol, 'gms');
  const { agent } = await holdChat(p);
  await agent.leave((await agent.detail()).agents[0].participantId);
  await p.run(() => window.__api.waitOn('onAgentDisconnected', 1, 10000), undefined, { timeout: 12000 });
  assert.equal(await p.run(() => window.__api.session.isAgentConnected()), false);
  await p.run(() => window.__api.cmd('leave'));
  await assertNoSecrets(assert, p, secrets);
});

test('chatService beside a Genesys Cloud webchat gets the all bundle, and the API works there', async () => {
  const config = `{main: {debug: false}, chatService: {}, webchat: {transport: {type: 'purecloud-v2-sockets',
    dataURL: ${JSON.stringify(emu.url)}, deploymentKey: 'd', orgGuid: 'o'}}}`;
  const p = await openApiPage(h, { config });
  assert.deepEqual(bundlesFetched(p), ['all.js', 'all.wasm']);
  await startSession(p, `{transport: ${JSON.stringify(restTransport(emu))}}`);
  const agent = emu.agent(await chatIdOf(p));
  await agent.join({ nickname: 'Alex' });
  await agent.say('over the all bundle');
  const got = await p.run(() => window.__api.waitOn('onMessageReceived', 1, 10000), undefined, { timeout: 12000 });
  assert.equal(got.event.content.text, 'over the all bundle');
  await p.run(() => window.__api.cmd('leave'));
});
