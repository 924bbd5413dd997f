// Issue 11, "the runtime dies for the whole page": hostile or careless values from page code must
// never leave a RefCell borrowed, overflow the wasm stack or stop the start-up replay. Each test
// is named after the finding it reproduces and ends by checking that the bus still answers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

/** In the page: whether the bus still answers a simple command and WebChatService still runs. */
const STILL_ALIVE = `window.__alive = async function () {
  var theme = await window.__t.settle(CXBus.command('App.getTheme'));
  var chat = await window.__t.settle(CXBus.command('WebChatService.verifySession'));
  return { theme: theme.state + ':' + theme.args[0], chat: chat.state === 'pending' ? 'pending' : 'settled' };
};`;
const ALIVE = { theme: 'resolved:cx-theme-dark', chat: 'settled' };
/** A configuration with WebChatService in the bundle (GMS, no server needed here). */
const CHAT = '{main: {debug: false}, webchat: {}}';

test('CXBus.data with a null-prototype object, a throwing toString or a re-entrant toString leaves the bus working', async () => {
  const p = await h.open({ config: CHAT, after: STILL_ALIVE });
  const r = await p.run(async () => {
    const thrown = [];
    const tryIt = (f) => {
      try {
        f();
      } catch (e) {
        thrown.push(String(e && e.message));
      }
    };
    const me = CXBus.registerPlugin('Hostile');
    tryIt(() => CXBus.data('x', Object.create(null)));
    tryIt(() => me.data('y', 'before'));
    tryIt(() => me.data('y', Object.create(null)));
    tryIt(() => me.data('z', { toString() { throw new Error('no'); }, valueOf() { throw new Error('no'); } }));
    tryIt(() => me.data('w', { toString() { me.data('inner', 1); return 'r'; } }));
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    tryIt(() => me.data('v', revoked.proxy));
    return { alive: await window.__alive(), inner: me.data('inner') };
  });
  assert.deepEqual(r.alive, ALIVE);
  assert.equal(r.inner, 1);
});

test('a hostile CXBus.data call queued before the wasm is ready drops no later call and blames nothing on widgets.wasm', async () => {
  const p = await h.open({
    config: CHAT,
    after: `${STILL_ALIVE}
      CXBus.data('x', Object.create(null));
      window.__later = CXBus.command('App.getTheme');`,
  });
  const r = await p.run(async () => ({
    later: await window.__t.settle(window.__later),
    alive: await window.__alive(),
  }));
  assert.deepEqual(r.later, { state: 'resolved', args: ['cx-theme-dark'] });
  assert.deepEqual(r.alive, ALIVE);
  const texts = (await p.console()).map((c) => c.text).join('\n');
  assert.doesNotMatch(texts, /failed to load/);
});

test('a WebChatService payload nested 5,000 levels deep is refused, and the module keeps working', async () => {
  const p = await h.open({ config: CHAT, after: STILL_ALIVE });
  const r = await p.run(async () => {
    let deep = {};
    const root = deep;
    for (let i = 0; i < 5000; i++) {
      deep.child = {};
      deep = deep.child;
    }
    const sent = await window.__t.settle(
      CXBus.command('WebChatService.startChat', { nickname: 'x', userData: { state: root } }),
    );
    const deepArray = [];
    let a = deepArray;
    for (let i = 0; i < 5000; i++) {
      a.push([]);
      a = a[0];
    }
    const updated = await window.__t.settle(CXBus.command('WebChatService.updateUserData', { tree: deepArray }));
    return { sent: sent.state, updated: updated.state, reason: sent.args[0], alive: await window.__alive() };
  });
  assert.equal(r.sent, 'rejected');
  assert.equal(r.updated, 'rejected');
  assert.equal(r.reason, 'The command data is nested too deeply or is too large');
  assert.deepEqual(r.alive, ALIVE);
});

test('App.updateAJAXHeader with a throwing getter leaves the header store usable', async () => {
  const p = await h.open({ config: CHAT, after: STILL_ALIVE });
  const r = await p.run(async () => {
    const header = {};
    Object.defineProperty(header, 'X-Bad', { enumerable: true, get() { throw new Error('no'); } });
    const bad = await window.__t.settle(CXBus.command('App.updateAJAXHeader', { header }));
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const worse = await window.__t.settle(CXBus.command('App.updateAJAXHeader', { header: revoked.proxy }));
    const good = await window.__t.settle(CXBus.command('App.updateAJAXHeader', { header: { 'X-Good': '1' } }));
    const removed = await window.__t.settle(CXBus.command('App.removeAJAXHeader'));
    return { bad: bad.state, worse: worse.state, good: good.state, removed: removed.state, alive: await window.__alive() };
  });
  assert.equal(r.good, 'resolved');
  assert.equal(r.removed, 'resolved');
  assert.notEqual(r.bad, 'pending');
  assert.notEqual(r.worse, 'pending');
  assert.deepEqual(r.alive, ALIVE);
});

test("a deferred's resolveWith with an array-like whose getter calls state() resolves", async () => {
  const p = await h.open({ config: CHAT, after: STILL_ALIVE });
  const r = await p.run(async () => {
    const me = CXBus.registerPlugin('Reentrant');
    me.registerCommand('go', (e) => {
      const d = e.deferred;
      const args = { length: 1, get 0() { return d.state(); } };
      d.resolveWith(null, args);
    });
    me.ready();
    const huge = CXBus.registerPlugin('Huge');
    huge.registerCommand('go', (e) => e.deferred.resolveWith(null, { length: 4294967295 }));
    huge.ready();
    const went = await window.__t.settle(CXBus.command('Reentrant.go'));
    const big = await window.__t.settle(CXBus.command('Huge.go'));
    return { went, big: big.state, alive: await window.__alive() };
  });
  assert.deepEqual(r.went, { state: 'resolved', args: ['pending'] });
  assert.notEqual(r.big, 'pending');
  assert.deepEqual(r.alive, ALIVE);
});

test('a loadPlugin failure callback or a pluginMap getter that reconfigures the bus leaves it working', async () => {
  const p = await h.open({
    config: CHAT,
    after: `${STILL_ALIVE}
      CXBus.configure({ pluginMap: { blocked: false } });
      CXBus.loadPlugin('blocked').fail(function () {
        CXBus.configure({ debug: false });
        window.__failRan = true;
      });`,
  });
  const r = await p.run(async () => {
    CXBus.configure({
      pluginMap: new Proxy({}, { get() { CXBus.configure({ debug: false }); return undefined; } }),
    });
    const missing = await window.__t.settle(CXBus.command('Nowhere.open'));
    CXBus.configure({ pluginMap: {} });
    return { failRan: window.__failRan === true, missing: missing.state, alive: await window.__alive() };
  });
  assert.equal(r.failRan, true);
  assert.equal(r.missing, 'rejected');
  assert.deepEqual(r.alive, ALIVE);
});

test('a command or plugin name that is not a plain identifier never becomes a script URL', async () => {
  const p = await h.open({ config: CHAT, after: STILL_ALIVE });
  const r = await p.run(async () => {
    const a = await window.__t.settle(CXBus.command('//2130706433/x.open'));
    const b = await window.__t.settle(CXBus.loadPlugin('//evil.example/x'));
    const c = await window.__t.settle(CXBus.command('a/../b.open'));
    const srcs = [...document.scripts].map((s) => s.getAttribute('src') || '');
    return { a: a.state, b: b.state, c: c.state, srcs, alive: await window.__alive() };
  });
  assert.deepEqual([r.a, r.b, r.c], ['rejected', 'rejected', 'rejected']);
  assert.deepEqual(r.srcs.filter((s) => /2130706433|evil|\.\./.test(s)), []);
  assert.deepEqual(r.alive, ALIVE);
});
