// WebChatService commands on the Genesys Cloud transport: what Cloud cannot do rejects with the
// exact texts customer code depends on (seeds 001 and 004, webchat-core texts.rs and validate.rs),
// the 4000-character message limit, and session data that never exposes the JWT.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator } from './chat-emulator.js';
import {
  CLOUD_BASE,
  CLOUD_USER_DATA,
  TEXTS,
  openCloudChat,
  startCloudChat,
  waitEvent,
  waitRequest,
  waitText,
} from './chat-cloud.js';

const h = setup();
const emu = emulator();

/** Runs each [command, data-as-JS-source] in the page and returns {state, args} for each. */
function runAll(p, calls) {
  return p.run(async (calls) => {
    const out = {};
    for (const [name, src] of calls) {
      // eslint-disable-next-line no-new-func
      const data = src === undefined ? undefined : new Function('return ' + src)();
      out[name + (src ? ' ' + src : '')] = await window.__chat.cmd(name, data);
    }
    return out;
  }, calls);
}

/** Asserts that each key of `r` rejected with exactly the text in `expected`. */
function assertRejections(r, expected) {
  for (const [k, text] of Object.entries(expected)) {
    assert.deepEqual(r[k], { state: 'rejected', args: [text] }, `${k} should reject with ${JSON.stringify(text)}`);
  }
}

test('before a Cloud chat, unsupported commands reject with the transport texts and updateUserData merges locally', async () => {
  const p = await openCloudChat(h, emu);
  const r = await runAll(p, [
    ['sendCustomNotice', "{message: 'hi'}"],
    ['startPoll'],
    ['stopPoll'],
    ['resetPollExceptions'],
    ['sendFile', "{files: new File(['x'], 'a.txt')}"],
    ['poll'],
    ['restore'],
    ['fetchHistory'],
    ['sendMessage', "{message: 'hi'}"],
    ['endChat'],
    ['verifySession'],
    ['updateUserData', "{customer: 'gold'}"],
  ]);
  assertRejections(r, {
    "sendCustomNotice {message: 'hi'}": TEXTS.noCustomNotice,
    startPoll: TEXTS.noPolling,
    stopPoll: TEXTS.noPolling,
    resetPollExceptions: TEXTS.noResetPollExceptions,
    "sendFile {files: new File(['x'], 'a.txt')}": TEXTS.noFileUpload,
    poll: TEXTS.privateCommand,
    restore: TEXTS.privateRestore,
    fetchHistory: TEXTS.historyAsyncOnly,
    "sendMessage {message: 'hi'}": TEXTS.noSession,
    endChat: TEXTS.noSession,
  });
  assert.deepEqual(r.verifySession, { state: 'resolved', args: [{ sessionActive: false }] });
  const merged = { ...CLOUD_USER_DATA, customer: 'gold' };
  assert.deepEqual(r["updateUserData {customer: 'gold'}"], { state: 'resolved', args: [merged] });
  assert.deepEqual(await p.run(() => window.__chat.plugin.data('WebChatService.userData')), merged);
  assert.deepEqual(p.cloud.requests, [], 'no request reaches the server before a chat starts');

  // The merged userData goes out with the create, as customFields.
  const chat = await startCloudChat(p);
  assert.equal(chat.request.memberInfo?.customFields?.customer, 'gold', 'updateUserData before start reaches customFields');
  assert.equal((await emu.agent(chat.id).detail()).userData.customer, 'gold');
  await p.run(() => window.__chat.cmd('endChat'));
});

test('during a Cloud chat, unsupported commands reject with the exact texts and send nothing', async () => {
  const p = await openCloudChat(h, emu);
  const chat = await startCloudChat(p);
  await waitEvent(p, 'started');
  const writes = () => p.cloud.requests.filter((q) => q.method !== 'GET').map((q) => `${q.method} ${q.path}`);
  const mark = writes().length;
  const r = await runAll(p, [
    ['sendCustomNotice', "{message: 'ping'}"],
    ['updateUserData', '{a: 1}'],
    ['startPoll'],
    ['stopPoll'],
    ['resetPollExceptions'],
    ['sendFile', "{files: new File(['x'], 'a.txt')}"],
    ['poll'],
    ['restore'],
    ['fetchHistory'],
    ['startChat', "{nickname: 'again'}"],
    ['verifySession'],
  ]);
  assertRejections(r, {
    "sendCustomNotice {message: 'ping'}": TEXTS.noCustomNotice,
    'updateUserData {a: 1}': TEXTS.noUpdateUserData,
    startPoll: TEXTS.noPolling,
    stopPoll: TEXTS.noPolling,
    resetPollExceptions: TEXTS.noResetPollExceptions,
    "sendFile {files: new File(['x'], 'a.txt')}": TEXTS.noFileUpload,
    poll: TEXTS.privateCommand,
    restore: TEXTS.privateRestore,
    fetchHistory: TEXTS.historyAsyncOnly,
    "startChat {nickname: 'again'}": TEXTS.alreadyActive,
  });
  assert.deepEqual(r.verifySession, { state: 'resolved', args: [{ sessionActive: true }] });
  assert.deepEqual(writes().slice(mark), [], 'rejected commands send nothing to the server');
  assert.equal((await emu.agent(chat.id).detail()).userData.a, undefined, 'the rejected userData update was not sent');
  assert.equal(await p.run(() => window.__chat.count('pollingStarted')), 0, 'a rejected startPoll publishes nothing');

  // What Cloud does support still works after the rejections.
  const typing = await p.run(() => window.__chat.cmd('sendTyping', { message: 'dra' }));
  assert.equal(typing.state, 'resolved', `sendTyping: ${JSON.stringify(typing.args)}`);
  await waitRequest(
    p,
    (q) => q.method === 'POST' && q.path === `${CLOUD_BASE}/${chat.id}/members/${chat.memberId}/typing`,
    'POST members/{me}/typing',
  );
  const end = await p.run(() => window.__chat.cmd('endChat'));
  assert.equal(end.state, 'resolved', `endChat: ${JSON.stringify(end.args)}`);
  await waitEvent(p, 'ended');
});

test('sendMessage on Cloud: 4000 characters are sent, 4001 reject with the limit text before any request', async () => {
  const p = await openCloudChat(h, emu);
  const chat = await startCloudChat(p);
  const mark = p.cloud.requests.filter((q) => q.method === 'POST').length;
  const long = await p.run(() => window.__chat.cmd('sendMessage', { message: 'x'.repeat(4001) }));
  assert.deepEqual(long, { state: 'rejected', args: [TEXTS.tooLong] });
  assert.equal(p.cloud.requests.filter((q) => q.method === 'POST').length, mark, 'the 4001-character message was not POSTed');

  const max = await p.run(() => window.__chat.cmd('sendMessage', { message: 'y'.repeat(4000) }));
  assert.equal(max.state, 'resolved', `sendMessage with 4000 characters: ${JSON.stringify(max.args).slice(0, 300)}`);
  const mine = await slowText(p, 'y'.repeat(4000));
  assert.equal(mine.from.type, 'Client');
  const transcript = (await emu.agent(chat.id).detail()).transcript.filter((e) => e.type === 'Message');
  assert.deepEqual(
    transcript.map((e) => [e.from?.role, e.text.length]),
    [['client', 4000]],
    'the server has the 4000-character message only',
  );
  await p.run(() => window.__chat.cmd('endChat'));
});

test('getSessionData during a Cloud chat names the conversation and member and never holds the JWT', async () => {
  const p = await openCloudChat(h, emu);
  const chat = await startCloudChat(p);
  assert.ok(chat.jwt && chat.jwt.split('.').length === 3, 'the server issued a JWT');
  const sd = await p.run(() => window.__chat.cmd('getSessionData'));
  assert.equal(sd.state, 'resolved');
  const data = sd.args[0];
  assert.equal(data?.conversationId, chat.id, `getSessionData.conversationId: ${JSON.stringify(data)}`);
  assert.equal(data.memberId, chat.memberId, 'getSessionData.memberId is the guest member id');
  assertNoJwt(data, chat.jwt, 'getSessionData');

  const agent = emu.agent(chat.id);
  await agent.join({ nickname: 'Alex' });
  await agent.say('with session data');
  await waitText(p, 'with session data');
  const batch = await p.run(
    () => window.__chat.events.find((e) => e.event === 'messageReceived' && e.data.messages.some((m) => m.text === 'with session data')).data,
  );
  assert.equal(batch.sessionData?.conversationId, chat.id, 'messageReceived.sessionData names the conversation');
  assertNoJwt(batch.sessionData, chat.jwt, 'messageReceived.sessionData');
  const events = await p.run(() => window.__chat.events);
  assertNoJwt(events, chat.jwt, 'the published events (started included)');
  assertNoJwt(chat.resolution, chat.jwt, "startChat's resolution");
  assert.equal(chat.resolution?.id, chat.id, 'startChat still resolves with the conversation id');
  await p.run(() => window.__chat.cmd('endChat'));
});

/** Fails when the JWT, or any of its three segments, appears anywhere in `value`. */
function assertNoJwt(value, jwt, where) {
  const text = JSON.stringify(value);
  for (const part of [jwt, ...jwt.split('.')]) {
    assert.ok(!text.includes(part), `${where} exposes the JWT (or a segment of it): ${text.slice(0, 300)}`);
  }
}

/** waitText for long texts: reports only their length on failure. */
async function slowText(p, text) {
  try {
    return await waitText(p, text);
  } catch {
    const lengths = await p.run(() => window.__chat.messages().map((m) => (m.text || '').length));
    throw new Error(`expected the ${text.length}-character message to be published; published lengths: ${lengths}`);
  }
}

test('the capabilities data key says what Cloud does: pushed, no files, notices or userData updates', async () => {
  const p = await openCloudChat(h, emu);
  const capabilities = await p.run(() => window.__chat.plugin.data('WebChatService.capabilities'));
  assert.deepEqual(capabilities, {
    polling: false, push: true, fileUpload: false, customNotice: false,
    updateUserData: false, verifySession: true, async: false,
  });
});
