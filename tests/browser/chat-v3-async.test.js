// Engage v3 async mode (transport.async) against the emulator: the site keeps the session through
// its getSessionData / setSessionData / deleteSessionData callbacks (with the Cookie and
// CookieOptions we hand them), a chat restored in another browser from that data with
// fetchHistory paging the older messages in exactly once, the public restore command, lost
// sessions, and callbacks that are missing or throw.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, STORAGE_KEY } from './chat-emulator.js';
import { assertNoDuplicates, reopen, serverTexts, waitEvent, waitText } from './chat-cloud.js';
import { ASYNC_RECORDER, SITE_ASYNC, V3_TEXTS, openV3Chat, startV3Chat, tokenInEvents } from './chat-v3.js';

const h = setup();
const emu = emulator();

/** Opens an async page; `restoreWith` is the session data its setSessionData answers with. */
function openAsync(opts = {}) {
  const { restoreWith, ...rest } = opts;
  const given = restoreWith === undefined ? '' : `window.__restoreWith = ${JSON.stringify(restoreWith)};`;
  return openV3Chat(h, emu, { asyncMode: SITE_ASYNC, beforeScript: `${ASYNC_RECORDER}${given}`, ...rest });
}

const asyncCalls = (p) => p.run(() => window.__async);

/** A clientToken-shaped JWT for a session the server never issued. */
function unknownToken() {
  const payload = Buffer.from(JSON.stringify({ sessionId: 'nosuchsession', transportId: 'x', participantId: '1' }))
    .toString('base64')
    .replace(/=+$/, '');
  return `eyJhbGciOiJIUzI1NiJ9.${payload}.c2ln`;
}

test('an async chat restored in another browser from the site-kept data, with fetchHistory paging the rest in once', async () => {
  const p1 = await openAsync();
  const calls = await asyncCalls(p1);
  assert.equal(calls.set.length, 1, 'setSessionData is called once at initialisation');
  assert.equal(calls.set[0].open, false, 'Open: there is no chat window, so false');
  assert.equal(calls.set[0].options.path, '/', "CookieOptions: {path: '/'}");
  const chat = await startV3Chat(p1);
  const expected = { participantId: chat.participantId, sessionId: chat.sid, token: chat.token, transportId: chat.transportId };
  const agent = emu.agent(chat.sid);
  await agent.join({ nickname: 'Alex' });
  for (let i = 1; i <= 30; i += 1) await agent.say(`agent ${i}`);
  assert.equal((await p1.run(() => window.__chat.cmd('sendMessage', { message: 'customer last' }))).state, 'resolved');
  await waitText(p1, 'customer last', 10000);
  const stored = await asyncCalls(p1);
  assert.deepEqual(stored.get, [expected], 'getSessionData gets the v3 session data once, when the chat starts');
  assert.ok(
    await p1.run(() => document.cookie.includes('customer-defined-session-cookie=')),
    "the seed's example stored it with Cookie.set",
  );
  assert.equal(await p1.run((k) => localStorage.getItem(k), STORAGE_KEY), null, 'async mode keeps nothing in localStorage');
  assert.equal(await tokenInEvents(p1, chat.token), false, 'no event carries the token');
  await p1.page.close();

  // Another browser: no cookies, no storage; the site hands the data back through setSessionData.
  const p2 = await openAsync({ isolated: true, restoreWith: stored.stored });
  const restored = await waitEvent(p2, 'restored', { ms: 10000 });
  assert.deepEqual(restored.data, { async: true }, 'restored carries {async: true}');
  const firstPage = await p2.run(() => window.__chat.messages().map((m) => [m.index, m.restoring]));
  assert.equal(firstPage.length > 0 && firstPage.length <= 20, true, `the restore replays the newest page: ${JSON.stringify(firstPage)}`);
  assert.ok(firstPage.every(([, restoring]) => restoring), 'replayed with restoring: true');
  assert.ok(firstPage.some(([index]) => index > 30), 'the newest messages are there');

  let pages = 0;
  for (;;) {
    const r = await p2.run(() => window.__chat.cmd('fetchHistory', undefined, 8000), undefined, { timeout: 10000 });
    if (r.state === 'rejected') {
      assert.deepEqual(r.args, [V3_TEXTS.noMoreHistory], 'fetchHistory at the start of the chat');
      break;
    }
    assert.equal(r.state, 'resolved', `fetchHistory: ${JSON.stringify(r.args)}`);
    assert.equal(typeof r.args[0], 'object', 'fetchHistory resolves with the AJAX response object');
    pages += 1;
    assert.ok(pages < 10, 'fetchHistory ends');
  }
  assert.ok(pages >= 1, 'older messages needed at least one fetchHistory');

  const published = await p2.run(() => window.__chat.messages());
  const indexes = published.map((m) => m.index);
  assert.deepEqual(indexes.filter((i, n) => indexes.indexOf(i) !== n), [], 'every index published once');
  const texts = published
    .filter((m) => m.type === 'Message')
    .sort((a, b) => a.index - b.index)
    .map((m) => m.text);
  assertNoDuplicates(assert, texts);
  assert.deepEqual(texts, await serverTexts(emu, chat.sid), 'with history, the whole transcript once, in order');
  const transcript = await p2.run(() => window.__chat.cmd('getTranscript'));
  assert.deepEqual(
    transcript.args[0].messages.filter((m) => m.type === 'Message').map((m) => m.text),
    texts,
    'getTranscript is in transcript order, history included',
  );

  // The chat goes on in the new browser; getSessionData is not called again for unchanged data.
  await agent.say('welcome back');
  await waitText(p2, 'welcome back', 10000);
  assert.deepEqual((await asyncCalls(p2)).get, [], 'no getSessionData for the data the site gave back');
  assert.deepEqual(await p2.run(() => window.__chat.cmd('verifySession')), {
    state: 'rejected',
    args: [V3_TEXTS.noVerifySession],
  });
  assert.equal((await p2.run(() => window.__chat.cmd('endChat'))).state, 'resolved');
  await waitEvent(p2, 'ended');
  assert.equal((await asyncCalls(p2)).deleted.length, 1, 'deleteSessionData once the chat is over');
});

test("the seed's cookie example restores after a reload, and restore is public with {sessionData}", async () => {
  const p = await openAsync();
  const chat = await startV3Chat(p);
  await emu.agent(chat.sid).say('before reload');
  await waitText(p, 'before reload', 10000);
  await reopen(p);
  const restored = await waitEvent(p, 'restored', { ms: 10000 });
  assert.deepEqual(restored.data, { async: true });
  await waitText(p, 'before reload', 10000);
  assert.equal((await asyncCalls(p)).set.length, 1, 'setSessionData on the new page');

  // A plugin restores with the JWT itself, in a browser that knows nothing.
  const q = await openAsync({ isolated: true });
  assert.equal(await q.run(() => window.__chat.count('restored')), 0, 'nothing to restore without data');
  const [r, twice] = await q.run(
    (t) => Promise.all([window.__chat.cmd('restore', { sessionData: t }, 8000), window.__chat.cmd('restore', { sessionData: t })]),
    chat.token,
    { timeout: 10000 },
  );
  assert.equal(r.state, 'resolved', `restore {sessionData}: ${JSON.stringify(r.args)}`);
  assert.deepEqual(twice, { state: 'rejected', args: [V3_TEXTS.alreadyRestoring] }, 'a second restore meanwhile');
  assert.deepEqual((await waitEvent(q, 'restored')).data, { async: true });
  await waitText(q, 'before reload', 10000);
  const again = await q.run((t) => window.__chat.cmd('restore', { sessionData: t }), chat.token);
  assert.deepEqual(again, { state: 'rejected', args: [V3_TEXTS.restoreWhileActive] });
  await q.run(() => window.__chat.cmd('endChat'));
  await waitEvent(q, 'ended');
});

test('session data the server no longer knows: restoreFailed, and deleteSessionData gets the error', async () => {
  const p = await openAsync({ restoreWith: JSON.stringify({ sessionId: 'nosuchsession', token: unknownToken() }) });
  await waitEvent(p, 'restoreFailed', { ms: 10000 });
  const error = await waitEvent(p, 'error');
  assert.equal(error.data.responseJSON?.status?.code, 'INVALID_SESSION', `error: ${JSON.stringify(error.data)}`);
  const calls = await asyncCalls(p);
  assert.equal(calls.deleted.length, 1, 'deleteSessionData is called once');
  assert.equal(calls.deleted[0].responseJSON.status.code, 'INVALID_SESSION', 'with the error as errorData');
  // The site forgot it; a new chat starts normally.
  const chat = await startV3Chat(p);
  assert.ok(chat.sid);
  await p.run(() => window.__chat.cmd('endChat'));
  await waitEvent(p, 'ended');
});

test('a callback that is missing or throws is reported as error and the chat still works', async () => {
  const broken = `{enabled: true,
    setSessionData: function () { throw new Error('site storage down'); },
    deleteSessionData: 'not a function'}`;
  const p = await openV3Chat(h, emu, { asyncMode: broken });
  const errors = () => p.run(() => window.__chat.events.filter((e) => e.event === 'error').map((e) => e.data.message));
  assert.deepEqual(await errors(), ['transport.async.setSessionData threw an exception']);
  const chat = await startV3Chat(p);
  assert.deepEqual(await errors(), [
    'transport.async.setSessionData threw an exception',
    'transport.async.getSessionData is not a function',
  ]);
  await emu.agent(chat.sid).say('still here');
  await waitText(p, 'still here', 10000);
  assert.equal((await p.run(() => window.__chat.cmd('endChat'))).state, 'resolved');
  await waitEvent(p, 'ended');
  assert.equal((await errors()).at(-1), 'transport.async.deleteSessionData is not a function');
  assert.deepEqual(await p.run(() => window.__chat.cmd('fetchHistory')), { state: 'rejected', args: [V3_TEXTS.noMoreHistory] });
});
