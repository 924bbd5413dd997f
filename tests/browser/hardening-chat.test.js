// Issue 11, "the chat stalls or loses a message silently": hostile server answers, hostile stored
// sessions, old browsers and huge payloads must never leave WebChatService stuck, and a message is
// delivered or reported as failed. Each test is named after the finding it reproduces.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, openChat, startChat, slow, STORAGE_KEY } from './chat-emulator.js';

const h = setup();
const emu = emulator();

/** JSON text nested `depth` objects deep. */
function deepJson(depth) {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

test('a poll response that fails to convert does not stop polling: later agent messages arrive', async () => {
  const p = await openChat(h, emu);
  const id = await startChat(p);
  let served = 0;
  await p.page.route('**/refresh', (route) => {
    served += 1;
    if (served > 2) return route.continue();
    return route.fulfill({ status: 200, contentType: 'application/json', body: deepJson(20000) });
  });
  await slow(p, () => window.__chat.until(() => true, 10, 'nothing'));
  const agent = emu.agent(id);
  await agent.join({ nickname: 'Alex' });
  await agent.say('still here');
  await slow(p, () => window.__chat.waitMessage((m) => m.text === 'still here', 18000), undefined, 20000);
  assert.ok(served > 2, `the hostile poll answers were served (${served})`);
  const alive = await p.run(() => window.__chat.cmd('sendMessage', { message: 'ok' }));
  assert.equal(alive.state, 'resolved');
});

/** A GMS session record as WebChatService stores it, with `keys` and fields overridden. */
function record(keys = {}, fields = {}) {
  const now = Date.now();
  return JSON.stringify({
    version: 1,
    keys: { transport: 'gms', chatId: 'c1', userId: 'u1', secureKey: 's1', alias: '1', ...keys },
    lastIndex: 0,
    filters: { prefilters: [], filtered: [] },
    startTime: now,
    lastActivity: now,
    ...fields,
  });
}

const HOSTILE_RECORDS = {
  'deeply nested': deepJson(20000),
  'wrong types': record({ chatId: 5, userId: ['x'], secureKey: { a: 1 } }),
  'wrong top-level types': record({}, { lastIndex: 'x', filters: 7 }),
  '`..` in the chat id': record({ chatId: '../../../emulator/api/faults' }),
  'a slash in the chat id': record({ chatId: 'a/b' }),
};

test('a corrupted or hostile stored session is discarded with restoreFailed, and never reaches a URL', async () => {
  const p = await openChat(h, emu);
  const urls = [];
  p.page.on('request', (r) => urls.push(r.url()));
  for (const [what, text] of Object.entries(HOSTILE_RECORDS)) {
    await p.run(([k, v]) => localStorage.setItem(k, v), [STORAGE_KEY, text]);
    await p.page.reload();
    await p.page.waitForFunction(() => window.__chat && window.__chat.count('ready') === 1, null, {
      timeout: 10000,
    });
    const r = await slow(p, async (key) => {
      await window.__chat.waitEvent('restoreFailed', 1, 5000).catch(() => null);
      return { names: window.__chat.names(), stored: localStorage.getItem(key) };
    }, STORAGE_KEY);
    assert.ok(r.names.includes('restoreFailed'), `${what}: restoreFailed in ${r.names}`);
    assert.equal(r.stored, null, `${what}: the record is removed`);
    const chat = await p.run(() => window.__chat.cmd('startChat', { nickname: 'Jo' }));
    assert.equal(chat.state, 'resolved', `${what}: a new chat starts`);
    await p.run(() => window.__chat.cmd('endChat'));
  }
  const escaped = urls.filter((u) => u.startsWith(emu.url) && !u.startsWith(emu.dataURL));
  assert.deepEqual(escaped, []);
});

test('without AbortSignal.timeout (Safari before 16) startChat and sendMessage still settle, and time out', async () => {
  // The outbox is off so that the send's own timeout is what settles it (with it on, the message
  // would wait as pending instead: outbox-*.test.js).
  const p = await openChat(h, emu, {
    beforeScript: 'delete AbortSignal.timeout;',
    webchat: '{ajaxTimeout: 1500, outbox: {enabled: false}}',
  });
  assert.equal(await p.run(() => typeof AbortSignal.timeout), 'undefined');
  await startChat(p);
  const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'hi' }));
  assert.equal(sent.state, 'resolved');
  await p.page.route('**/send', () => {}); // never answered
  const hung = await slow(p, () => window.__chat.cmd('sendMessage', { message: 'lost' }, 8000));
  assert.equal(hung.state, 'rejected');
  assert.equal(hung.args[0].statusText, 'timeout');
});

test('a 200 with an empty body, or without statusCode, does not count as a delivered message', async () => {
  const p = await openChat(h, emu);
  await startChat(p);
  const bodies = ['', '{}', '{"messages":[]}', 'null'];
  const states = [];
  for (const body of bodies) {
    await p.page.route('**/send', (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
    const r = await p.run(() => window.__chat.cmd('sendMessage', { message: 'x' }));
    states.push(r.state);
    await p.page.unroute('**/send');
  }
  assert.deepEqual(states, bodies.map(() => 'rejected'));
  const real = await p.run(() => window.__chat.cmd('sendMessage', { message: 'real' }));
  assert.equal(real.state, 'resolved');
});

test('a startChat payload of 50,000 userData keys is converted in linear time', async () => {
  const p = await openChat(h, emu);
  const r = await slow(p, () => {
    const userData = {};
    for (let i = 0; i < 50000; i++) userData['k' + i] = 'v';
    return window.__chat.cmd('startChat', { nickname: 'Jo', userData }, 3000);
  }, undefined, 15000);
  assert.equal(r.state, 'resolved');
});

test('another website cannot read the emulator token, list transcripts or set faults', async () => {
  const p = await h.open();
  const r = await p.run(async (base) => {
    const attempt = async (path, init) => {
      try {
        const res = await fetch(base + path, init);
        return `read ${res.status}`;
      } catch (e) {
        return 'blocked';
      }
    };
    return {
      token: await attempt('/emulator/api/token'),
      sessions: await attempt('/emulator/api/sessions'),
      faults: await attempt('/emulator/api/faults', { method: 'PUT', body: '{"offlineSeconds":60}' }),
      credentialed: await attempt(`/genesys/2/chat/customer-support/x/refresh`, { method: 'POST', credentials: 'include' }),
    };
  }, emu.url);
  assert.deepEqual(r, { token: 'blocked', sessions: 'blocked', faults: 'blocked', credentialed: 'blocked' });
  const faults = await emu.api('GET', '/emulator/api/faults');
  assert.equal(faults.offlineRemainingMs, 0, 'the fault API was not reached');
});

test('a page that replaced fetch with one that throws gets a failed command, not a stalled chat', async () => {
  // One attempt (outbox off): the failed fetch must reject the command, not hang it.
  const p = await openChat(h, emu, { webchat: '{outbox: {enabled: false}}' });
  await startChat(p);
  const r = await p.run(async () => {
    const real = window.fetch;
    window.fetch = () => {
      throw new Error('fetch replaced');
    };
    const broken = await window.__chat.cmd('sendMessage', { message: 'lost' });
    window.fetch = real;
    const fixed = await window.__chat.cmd('sendMessage', { message: 'works' });
    return { broken: broken.state, fixed: fixed.state };
  });
  assert.deepEqual(r, { broken: 'rejected', fixed: 'resolved' });
});

test('a page that made RegExp.prototype.test throw does not leave the chat core borrowed', async () => {
  const p = await openChat(h, emu);
  const id = await startChat(p);
  const agent = emu.agent(id);
  await agent.join({ nickname: 'Alex' });
  await p.run(() => window.__chat.cmd('addPrefilter', { filters: /^hidden/ }));
  await p.run(() => {
    window.__realTest = RegExp.prototype.test;
    RegExp.prototype.test = function () {
      throw new Error('test replaced');
    };
  });
  await agent.say('while test throws');
  await slow(p, () => new Promise((r) => setTimeout(r, 4000)));
  await p.run(() => {
    RegExp.prototype.test = window.__realTest;
  });
  const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'still here' }));
  assert.equal(sent.state, 'resolved');
  await agent.say('after');
  await slow(p, () => window.__chat.waitMessage((m) => m.text === 'after'));
});

test('a page that made Object.entries and Array.isArray throw still gets agent messages', async () => {
  const p = await openChat(h, emu);
  const id = await startChat(p);
  const agent = emu.agent(id);
  await agent.join({ nickname: 'Alex' });
  await p.run(() => {
    window.__real = { entries: Object.entries, isArray: Array.isArray };
    Object.entries = () => {
      throw new Error('entries replaced');
    };
    Array.isArray = () => {
      throw new Error('isArray replaced');
    };
  });
  await agent.say('while builtins throw');
  await slow(p, () => new Promise((r) => setTimeout(r, 4000)));
  await p.run(() => {
    Object.entries = window.__real.entries;
    Array.isArray = window.__real.isArray;
  });
  await agent.say('after');
  await slow(p, () => window.__chat.waitMessage((m) => m.text === 'after'));
  const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'still here' }));
  assert.equal(sent.state, 'resolved');
});

for (const builtin of [
  'Date.now',
  'Promise.prototype.then',
  'MessagePort.prototype.postMessage',
  'queueMicrotask',
  'URLSearchParams.prototype.append',
]) {
  test(`a page that made ${builtin} throw for a while does not stop the bus or the chat`, async () => {
    const p = await openChat(h, emu);
    p.allowPageErrors();
    const id = await startChat(p);
    const agent = emu.agent(id);
    await agent.join({ nickname: 'Alex' });
    await p.run((name) => {
      const path = name.split('.');
      const key = path.pop();
      const owner = path.reduce((o, k) => o[k], window);
      window.__saved = [owner, key, owner[key]];
      owner[key] = function () {
        throw new Error('replaced ' + name);
      };
      try {
        window.__chat.plugin.command('WebChatService.sendMessage', { message: 'during' });
        CXBus.command('App.getTheme');
      } catch (e) {
        // throwing to the caller is fine
      }
    }, builtin);
    await agent.say('during');
    await slow(p, () => new Promise((r) => setTimeout(r, 2500)));
    await p.run(() => {
      const [owner, key, real] = window.__saved;
      owner[key] = real;
    });
    const r = await slow(p, async () => ({
      theme: (await window.__t.settle(CXBus.command('App.getTheme'), 3000)).state,
      sent: (await window.__chat.cmd('sendMessage', { message: 'after' })).state,
    }));
    assert.deepEqual(r, { theme: 'resolved', sent: 'resolved' });
    await agent.say('agent after');
    await slow(p, () => window.__chat.waitMessage((m) => m.text === 'agent after'));
    const dead = p.pageErrors.map((e) => e.message).filter((m) => /RuntimeError|unreachable|memory/.test(m));
    assert.deepEqual(dead, []);
  });
}
