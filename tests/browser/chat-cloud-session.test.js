// WebChatService over Genesys Cloud guest chat (purecloud-v2-sockets) against the emulator: a
// whole chat as customer code sees it, and what the page sends to create the conversation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, STORAGE_KEY } from './chat-emulator.js';
import {
  CLOUD_BASE,
  CLOUD_USER_DATA,
  TEXTS,
  assertNoDuplicates,
  openCloudChat,
  publishedTexts,
  serverTexts,
  startCloudChat,
  waitEvent,
  waitRequest,
  waitText,
} from './chat-cloud.js';

const h = setup();
const emu = emulator();

test('a full Cloud chat: started once the socket is open, the agent joins, types, talks and ends it', async () => {
  const p = await openCloudChat(h, emu);
  const chat = await startCloudChat(p, { nickname: 'Jo' });
  assert.ok(
    chat.openAtResolve.some((u) => u.includes(`${CLOUD_BASE}/${chat.id}/stream`)),
    `startChat resolved before the conversation's WebSocket was open (open sockets: ${JSON.stringify(chat.openAtResolve)})`,
  );
  await waitEvent(p, 'started');
  const listed = (await emu.api('GET', '/emulator/api/sessions')).sessions.find((s) => s.id === chat.id);
  assert.equal(listed?.protocol, 'cloud', 'the emulator lists the conversation as a Cloud session');
  assert.equal(await p.run(() => window.__chat.plugin.data('WebChatService.sessionActive')), true);

  const agent = emu.agent(chat.id);
  await agent.join({ nickname: 'Alex' });
  const joined = await waitEvent(p, 'agentConnected');
  assert.equal(joined.data.numAgentsConnected, 1, 'agentConnected.numAgentsConnected');
  assert.equal(joined.data.message?.from?.name, 'Alex', 'agentConnected names the agent (GET members/{id})');
  assert.equal(joined.data.message.from.type, 'Agent');
  assert.equal(typeof joined.data.agents, 'object', 'agentConnected carries the agents');

  await agent.typing(true);
  const typing = await waitEvent(p, 'agentTypingStarted');
  assert.equal(typing.data?.from?.name, 'Alex', 'agentTypingStarted names the typing agent');

  await agent.say('Hello Jo');
  await waitText(p, 'Hello Jo');
  const batch = await p.run(
    () => window.__chat.events.find((e) => e.event === 'messageReceived' && e.data.messages.some((m) => m.text === 'Hello Jo')).data,
  );
  assert.equal(batch.messages[0].text, 'Hello Jo');
  assert.equal(batch.messages[0].type, 'Message');
  assert.equal(batch.messages[0].from.type, 'Agent');
  assert.equal(batch.messages[0].from.name, 'Alex');
  assert.equal(batch.restoring, false, 'a live message is published with restoring: false');
  assert.ok(batch.sessionData && typeof batch.sessionData === 'object', 'messageReceived carries a sessionData object');

  const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'my question' }));
  assert.equal(sent.state, 'resolved', `sendMessage: ${JSON.stringify(sent.args)}`);
  const mine = await waitText(p, 'my question');
  assert.equal(mine.from.type, 'Client', 'the guest echo is published as from Client');
  assert.ok(
    (await agent.detail()).transcript.some((e) => e.type === 'Message' && e.text === 'my question' && e.from?.role === 'client'),
    'the emulator transcript has the customer message',
  );
  await agent.say('anything else?');
  await waitText(p, 'anything else?');

  await agent.end();
  await waitEvent(p, 'ended');
  const names = await p.run(() => window.__chat.names());
  for (const once of ['started', 'agentConnected', 'ended']) {
    assert.equal(names.filter((n) => n === once).length, 1, `${once} once in [${names}]`);
  }
  assert.equal(await p.run(() => window.__chat.plugin.data('WebChatService.sessionActive')), false);

  // Every message published once, in the server's order, and the transcript the same.
  const server = await serverTexts(emu, chat.id);
  assert.deepEqual(server, ['Hello Jo', 'my question', 'anything else?']);
  const published = await publishedTexts(p);
  assertNoDuplicates(assert, published.map((m) => m[0]));
  assert.deepEqual(published, [
    ['Hello Jo', false, 'Agent'],
    ['my question', false, 'Client'],
    ['anything else?', false, 'Agent'],
  ]);
  const transcript = await p.run(() => window.__chat.cmd('getTranscript'));
  assert.equal(transcript.state, 'resolved');
  const texts = transcript.args[0].messages.filter((m) => m.type === 'Message').map((m) => m.text);
  assert.deepEqual(texts, server, 'getTranscript has each message once, in server order');

  const after = await p.run(() => window.__chat.cmd('sendMessage', { message: 'too late' }));
  assert.deepEqual(after, { state: 'rejected', args: [TEXTS.noSession] });
  assert.equal(await p.run((k) => localStorage.getItem(k), STORAGE_KEY), null, 'the ended session is not kept');
});

test('endChat from the customer resolves, ends the chat once and leaves the conversation', async () => {
  const p = await openCloudChat(h, emu);
  const chat = await startCloudChat(p, { nickname: 'Jo' });
  await emu.agent(chat.id).join({ nickname: 'Alex' });
  await waitEvent(p, 'agentConnected');
  const end = await p.run(() => window.__chat.cmd('endChat'));
  assert.equal(end.state, 'resolved', `endChat: ${JSON.stringify(end.args)}`);
  await waitEvent(p, 'ended');
  const left = p.cloud.requests.filter((r) => r.method === 'DELETE');
  assert.deepEqual(
    left.map((r) => r.path),
    [`${CLOUD_BASE}/${chat.id}/members/${chat.memberId}`],
    'endChat sends one DELETE of the guest member',
  );
  const detail = await emu.agent(chat.id).detail();
  assert.equal(detail.state, 'ended', 'the server has ended the conversation');
  // Give a late duplicate (the socket's own member-change after the DELETE) time to show.
  await p.run(() => window.__t.sleep(500));
  assert.equal(await p.run(() => window.__chat.count('ended')), 1, 'ended is published once');
  assert.deepEqual((await p.run(() => window.__chat.cmd('verifySession'))).args, [{ sessionActive: false }]);
  assert.deepEqual(await p.run(() => window.__chat.cmd('endChat')), { state: 'rejected', args: [TEXTS.noSession] });
  assert.deepEqual(await p.run(() => window.__chat.cmd('sendMessage', { message: 'hi' })), {
    state: 'rejected',
    args: [TEXTS.noSession],
  });
});

test('startChat creates the conversation with the deployment, the queue and the form as customFields', async () => {
  const p = await openCloudChat(h, emu);
  const chat = await startCloudChat(p, {
    nickname: 'Jo',
    firstname: 'Joanna',
    lastname: 'Smith',
    email: 'jo@example.com',
    subject: 'billing',
    userData: { plan: 'gold' },
  });
  const body = chat.request;
  assert.equal(body.organizationId, 'org-1', 'organizationId is transport.orgGuid');
  assert.equal(body.deploymentId, 'dep-1', 'deploymentId is transport.deploymentKey');
  assert.deepEqual(
    [body.routingTarget?.targetType, body.routingTarget?.targetAddress, body.routingTarget?.priority],
    ['QUEUE', 'Support', 2],
    `routingTarget comes from interactionData.routing: ${JSON.stringify(body.routingTarget)}`,
  );
  assert.equal(body.memberInfo?.displayName, 'Jo', 'the nickname is the displayName');
  const fields = body.memberInfo.customFields;
  for (const [k, v] of Object.entries({ ...CLOUD_USER_DATA, plan: 'gold' })) {
    assert.equal(fields?.[k], v, `customFields.${k} (config userData merged with startChat's)`);
  }
  for (const v of Object.values(fields)) assert.equal(typeof v, 'string', 'customFields values are strings');

  const detail = await emu.agent(chat.id).detail();
  assert.equal(detail.customer, 'Jo');
  assert.equal(detail.service, 'Support');
  assert.equal(detail.userData.customerId, '59606');
  assert.equal(detail.userData.plan, 'gold');
  assert.equal(detail.email, 'jo@example.com');
  assert.equal(detail.subject, 'billing');

  // The page reads its own member once the socket is open; every call after the create carries
  // the Bearer JWT the server issued.
  await waitRequest(
    p,
    (r) => r.method === 'GET' && r.path === `${CLOUD_BASE}/${chat.id}/members/${chat.memberId}`,
    'GET members/{own member id}',
  );
  const later = p.cloud.requests.filter((r) => r.path !== CLOUD_BASE && r.path !== `${CLOUD_BASE}/`);
  for (const r of later) {
    assert.equal(await r.authorization, `Bearer ${chat.jwt}`, `Authorization of ${r.method} ${r.path}`);
  }
  await p.run(() => window.__chat.cmd('endChat'));
  await waitEvent(p, 'ended');
});
