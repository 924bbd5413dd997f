// WebChatService over Engage v3 REST (pureengage-v3-rest) against the emulator, outside async
// mode: a whole chat as customer code sees it, what goes on the wire, a reload mid-chat, and the
// seed's v3 texts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, STORAGE_KEY } from './chat-emulator.js';
import { assertNoDuplicates, publishedTexts, reopen, serverTexts, waitEvent, waitText } from './chat-cloud.js';
import { API_KEY, V3_BASE, V3_TEXTS, openV3Chat, startV3Chat, tokenInEvents } from './chat-v3.js';

const h = setup();
const emu = emulator();

test('a full v3 chat: the form goes as data[...] fields, the agent talks, the customer answers and ends it', async () => {
  const p = await openV3Chat(h, emu);
  const chat = await startV3Chat(p);
  await waitEvent(p, 'started');
  const body = chat.startBody;
  assert.equal(body.get('data[nickname]'), 'Jo');
  assert.equal(body.get('data[email]'), 'jo@example.com', 'v3 sends data[email], not emailAddress');
  assert.equal(body.get('data[subject]'), 'help');
  assert.equal(body.get('data[endpoint]'), 'customer-support', 'transport.endpoint is sent as data[endpoint]');
  assert.equal(body.get('data[userData][customerId]'), '59606', 'config userData');
  assert.equal(body.get('data[userData][plan]'), 'gold', "startChat's userData");
  assert.ok(body.get('operationId'), 'the start carries an operationId');
  const start = p.v3.requests.find((r) => r.method === 'POST' && r.path === V3_BASE);
  assert.equal(start.apiKey, API_KEY, 'x-api-key on the start');
  assert.equal(start.clientKey, null, 'the start carries no client key');
  assert.equal(JSON.stringify(chat.resolution).includes(chat.token), false, 'startChat does not resolve with the token');

  const agent = emu.agent(chat.sid);
  await agent.join({ nickname: 'Alex' });
  const joined = await waitEvent(p, 'agentConnected', { ms: 10000 });
  assert.equal(joined.data.message.from.name, 'Alex');
  await agent.say('Hello Jo');
  const hello = await waitText(p, 'Hello Jo', 10000);
  assert.equal(hello.type, 'Message', 'v3 Text is published as Message');
  assert.equal(hello.from.type, 'Agent');
  assert.equal(typeof hello.index, 'number', 'the string index is published as a number');

  const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'my question' }));
  assert.equal(sent.state, 'resolved', `sendMessage: ${JSON.stringify(sent.args)}`);
  const mine = await waitText(p, 'my question', 10000);
  assert.equal(mine.from.type, 'Client', 'v3 Customer is published as Client');
  const typed = await p.run(() => window.__chat.cmd('sendTyping', { message: 'typ' }));
  assert.equal(typed.state, 'resolved', `sendTyping: ${JSON.stringify(typed.args)}`);
  assert.equal((await agent.detail()).customerTyping, true, 'the agent sees the customer typing');
  const update = await p.run(() => window.__chat.cmd('updateUserData', { account: 'A-1' }));
  assert.equal(update.state, 'resolved', `updateUserData: ${JSON.stringify(update.args)}`);
  assert.equal((await agent.detail()).userData.account, 'A-1', 'PUT userdata reached the server');

  // Every call after the start carries the key and the token the server issued, and an operationId.
  const later = p.v3.requests.filter((r) => r.path !== V3_BASE);
  assert.ok(later.length >= 4, `calls after the start: ${later.map((r) => `${r.method} ${r.path}`)}`);
  for (const r of later) {
    assert.equal(r.apiKey, API_KEY, `x-api-key of ${r.method} ${r.path}`);
    assert.equal(r.clientKey, chat.token, `x-nexus-client-key of ${r.method} ${r.path}`);
    const op = r.method === 'GET' || r.method === 'DELETE' ? r.query.get('operationId') : new URLSearchParams(r.body || '').get('operationId');
    assert.ok(op, `operationId of ${r.method} ${r.path}`);
  }

  // getSessionData answers the v3 shape; events never carry the token.
  const data = await p.run(() => window.__chat.cmd('getSessionData'));
  assert.deepEqual(data.args[0], {
    participantId: chat.participantId,
    sessionId: chat.sid,
    token: chat.token,
    transportId: chat.transportId,
  });
  const batch = await p.run(() => window.__chat.events.find((e) => e.event === 'messageReceived').data.sessionData);
  assert.deepEqual(batch, { participantId: chat.participantId, sessionId: chat.sid, transportId: chat.transportId });
  assert.equal(await tokenInEvents(p, chat.token), false, 'no published event carries the clientToken');

  const end = await p.run(() => window.__chat.cmd('endChat'));
  assert.equal(end.state, 'resolved', `endChat: ${JSON.stringify(end.args)}`);
  await waitEvent(p, 'ended');
  const leave = p.v3.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
  assert.deepEqual(leave, [`${V3_BASE}/${chat.sid}/participants/${chat.participantId}`], 'endChat deletes our participant');
  assert.equal((await agent.detail()).state, 'ended');
  const published = await publishedTexts(p);
  assertNoDuplicates(assert, published.map((m) => m[0]));
  assert.deepEqual(published.map((m) => m[0]), await serverTexts(emu, chat.sid), 'each message once, in server order');
  assert.equal(await p.run((k) => localStorage.getItem(k), STORAGE_KEY), null, 'the ended session is not kept');
  assert.equal(await p.run(() => window.__chat.count('ended')), 1);
});

test("v3 answers the seed's texts: no custom notices, restore private and history only in async mode", async () => {
  const p = await openV3Chat(h, emu);
  const cmd = (name, data) => p.run((a) => window.__chat.cmd(a.name, a.data), { name, data });
  assert.deepEqual(await cmd('fetchHistory'), { state: 'rejected', args: [V3_TEXTS.historyAsyncOnly] });
  assert.deepEqual(await cmd('restore', { sessionData: 'x.y.z' }), { state: 'rejected', args: [V3_TEXTS.privateRestore] });
  assert.deepEqual(await cmd('verifySession'), { state: 'resolved', args: [{ sessionActive: false }] });
  const chat = await startV3Chat(p);
  assert.deepEqual(await cmd('sendCustomNotice', { message: 'x' }), { state: 'rejected', args: [V3_TEXTS.noCustomNotice] });
  assert.deepEqual(await cmd('fetchHistory'), { state: 'rejected', args: [V3_TEXTS.historyAsyncOnly] });
  assert.deepEqual(await cmd('verifySession'), { state: 'resolved', args: [{ sessionActive: true }] });
  const poll = await cmd('resetPollExceptions');
  assert.equal(poll.state, 'resolved', 'v3 polls, so resetPollExceptions resolves');
  await cmd('endChat');
  await waitEvent(p, 'ended');
  assert.equal((await emu.agent(chat.sid).detail()).state, 'ended');
});

test('a reload mid-chat restores it: the transcript replays once with restoring, then goes on', async () => {
  const p = await openV3Chat(h, emu);
  const chat = await startV3Chat(p);
  const agent = emu.agent(chat.sid);
  await agent.join({ nickname: 'Alex' });
  for (const [who, text] of [
    ['agent', 'one'],
    ['client', 'two'],
    ['agent', 'three'],
  ]) {
    if (who === 'agent') await agent.say(text);
    else assert.equal((await p.run((m) => window.__chat.cmd('sendMessage', { message: m }), text)).state, 'resolved');
    await waitText(p, text, 10000);
  }
  assert.ok(await p.run((k) => localStorage.getItem(k), STORAGE_KEY), 'the session is kept for the next page');

  await reopen(p, { before: () => agent.say('said while away') });
  const restored = await waitEvent(p, 'restored', { ms: 10000 });
  assert.equal(restored.data?.async, undefined, 'outside async mode restored says nothing of async');
  await waitText(p, 'said while away', 10000);
  await agent.say('after restore');
  await waitText(p, 'after restore', 10000);
  const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'me again' }));
  assert.equal(sent.state, 'resolved', `sendMessage after restore: ${JSON.stringify(sent.args)}`);
  await waitText(p, 'me again', 10000);

  const published = await publishedTexts(p);
  assertNoDuplicates(assert, published.map((m) => m[0]), 'messageReceived after the reload');
  assert.deepEqual(published, [
    ['one', true, 'Agent'],
    ['two', true, 'Client'],
    ['three', true, 'Agent'],
    ['said while away', true, 'Agent'],
    ['after restore', false, 'Agent'],
    ['me again', false, 'Client'],
  ]);
  assert.deepEqual(published.map((m) => m[0]), await serverTexts(emu, chat.sid), 'nothing missing, in server order');
  assert.equal(await p.run(() => window.__chat.count('started')), 0, 'a restore does not publish started');
  const starts = p.v3.requests.filter((r) => r.method === 'POST' && r.path === V3_BASE);
  assert.deepEqual(
    starts.map((r) => r.clientKey),
    [null, chat.token],
    'one start, then the restore resumes the session with its token instead of starting another',
  );
  await p.run(() => window.__chat.cmd('endChat'));
  await waitEvent(p, 'ended');
});

test('sendFile uploads to images within the limits, rejects beyond them with the server answer, and downloadFile fetches', async () => {
  const p = await openV3Chat(h, emu, { body: '<input type="file" id="f">' });
  const chat = await startV3Chat(p);
  const big = await p.run(() =>
    window.__chat.cmd('sendFile', { files: [new File([new Uint8Array(3 * 1024 * 1024)], 'big.txt')] }, 8000),
  );
  assert.equal(big.state, 'rejected');
  assert.equal(big.args[0].status, 400, 'rejected with the AJAX response object');
  assert.equal(big.args[0].responseJSON.status.code, 'LIMIT_FILE_SIZE');
  const type = await p.run(() => window.__chat.cmd('sendFile', { files: new File(['x'], 'run.exe') }));
  assert.equal(type.args[0].responseJSON.status.code, 'INVALID_FILE_TYPE');

  await p.page.setInputFiles('#f', { name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('hello file') });
  const ok = await p.run(() => window.__chat.cmd('sendFile', { files: document.getElementById('f') }));
  assert.equal(ok.state, 'resolved', JSON.stringify(ok.args));
  const fileId = ok.args[0].data.fileId;
  assert.ok(fileId, `sendFile resolves with the upload answer: ${JSON.stringify(ok.args[0])}`);
  const upload = p.v3.requests.find((r) => r.method === 'POST' && r.path === `${V3_BASE}/${chat.sid}/images`);
  assert.equal(upload?.clientKey, chat.token, 'the upload carries the client key');
  const detail = await emu.agent(chat.sid).detail();
  assert.deepEqual(detail.files.map((f) => [f.name, f.size]), [['note.txt', 10]]);

  const [download, result] = await Promise.all([
    p.page.waitForEvent('download', { timeout: 5000 }),
    p.run((f) => window.__chat.cmd('downloadFile', { fileId: f, fileName: 'note.txt' }), fileId),
  ]);
  assert.equal(result.state, 'resolved');
  assert.equal(download.suggestedFilename(), 'note.txt');
  await p.run(() => window.__chat.cmd('endChat'));
  await waitEvent(p, 'ended');
});

test('the capabilities data key says what v3 does, and a session the server lost publishes error, sessionLost, then ended', async () => {
  const p = await openV3Chat(h, emu);
  const capabilities = await p.run(() => window.__chat.plugin.data('WebChatService.capabilities'));
  assert.deepEqual(capabilities, {
    polling: true, push: false, fileUpload: true, customNotice: false,
    updateUserData: true, verifySession: true, async: false,
  });
  await p.run(() => {
    window.__lost = [];
    for (const n of ['error', 'sessionLost', 'ended']) {
      window.__chat.plugin.subscribe(`WebChatService.${n}`, () => window.__lost.push(n));
    }
  });
  const chat = await startV3Chat(p);
  await emu.agent(chat.sid).end('lost');
  await p.run(() => window.__chat.until(() => window.__lost.includes('ended'), 15000, 'ended'), undefined, { timeout: 20000 });
  assert.deepEqual(await p.run(() => window.__lost), ['error', 'sessionLost', 'ended']);
});
