// before-hooks (cxbus.md "Commands" 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

const CANCELLED = "Command was cancelled by a 'before' function.";

test('before(name, fn) returns true, and false for an empty name', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const me = window.CXBus.registerPlugin('HookRet');
    return [me.before('HookRet.x', (d) => d), me.before('', (d) => d)];
  });
  assert.deepEqual(r, [true, false]);
});

test('before-hooks run synchronously inside command(), in registration order', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Sync');
    me.registerCommand('x', (e) => {
      log.push('handler');
      e.deferred.resolve();
    });
    me.ready();
    const log = [];
    me.before('Sync.x', (d) => { log.push('hook 1'); return d; });
    me.before('Sync.x', (d) => { log.push('hook 2'); return d; });
    const d = window.CXBus.command('Sync.x', {});
    log.push('command() returned');
    await window.__t.settle(d);
    return log;
  });
  assert.deepEqual(r, ['hook 1', 'hook 2', 'command() returned', 'handler']);
});

test('a hook registered by another plugin also runs for the command', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const owner = window.CXBus.registerPlugin('Own');
    const watcher = window.CXBus.registerPlugin('Watcher');
    owner.registerCommand('x', (e) => e.deferred.resolve(e.data.tag));
    owner.ready();
    watcher.before('Own.x', (d) => ({ tag: 'from watcher' }));
    return window.__t.settle(window.CXBus.command('Own.x', { tag: 'original' }));
  });
  assert.deepEqual(r, { state: 'resolved', args: ['from watcher'] });
});

test('a hook returning a replacement object makes it e.data, passed along the chain', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Replace');
    const replacement = { replaced: true };
    let got;
    const chain = [];
    me.registerCommand('x', (e) => {
      got = e.data === replacement;
      e.deferred.resolve();
    });
    me.ready();
    me.before('Replace.x', (d) => { chain.push(d.orig === true); return replacement; });
    me.before('Replace.x', (d) => { chain.push(d === replacement); return d; });
    await window.__t.settle(window.CXBus.command('Replace.x', { orig: true }));
    return { got, chain };
  });
  assert.deepEqual(r, { got: true, chain: [true, true] });
});

test('a hook may mutate the data in place and return it', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Mut');
    me.registerCommand('x', (e) => e.deferred.resolve(e.data.added));
    me.ready();
    me.before('Mut.x', (d) => { d.added = 'by hook'; return d; });
    const payload = {};
    const res = await window.__t.settle(window.CXBus.command('Mut.x', payload));
    return { res, payload };
  });
  assert.deepEqual(r, { res: { state: 'resolved', args: ['by hook'] }, payload: { added: 'by hook' } });
});

for (const [label, ret] of [
  ['undefined', 'undefined'],
  ['null', 'null'],
  ['false', 'false'],
  ['a string', '"text"'],
  ['a number', '1'],
]) {
  test(`a hook returning ${label} cancels with the exact text and stops the chain`, async () => {
    const p = await h.open();
    const r = await p.run(async (retSrc) => {
      const me = window.CXBus.registerPlugin('Cancel');
      let ran = false;
      let secondHook = false;
      me.registerCommand('x', (e) => {
        ran = true;
        e.deferred.resolve();
      });
      me.ready();
      // eslint-disable-next-line no-new-func
      me.before('Cancel.x', new Function(`return ${retSrc};`));
      me.before('Cancel.x', (d) => { secondHook = true; return d; });
      const d = window.CXBus.command('Cancel.x', {});
      const res = await window.__t.settle(d);
      return { ran, secondHook, res };
    }, ret);
    assert.deepEqual(r, { ran: false, secondHook: false, res: { state: 'rejected', args: [CANCELLED] } });
  });
}

test('hooks match only full Plugin.command names, not unqualified ones', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Full');
    me.registerCommand('x', (e) => e.deferred.resolve());
    me.ready();
    let shortHook = 0;
    let fullHook = 0;
    me.before('x', (d) => { shortHook += 1; return d; });
    me.before('Full.x', (d) => { fullHook += 1; return d; });
    await window.__t.settle(me.command('x'));
    await window.__t.settle(window.CXBus.command('Full.x'));
    return { shortHook, fullHook };
  });
  assert.deepEqual(r, { shortHook: 0, fullHook: 2 });
});

test('hooks for a command that triggers a plugin load run once, at call time', async () => {
  const p = await h.open({ after: "CXBus.configure({pluginsPath: '/pages/plugins/'});" });
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Loader');
    let calls = 0;
    me.before('Lazy.hello', (d) => { calls += 1; d.who = 'hook'; return d; });
    const d = me.command('Lazy.hello', {});
    const callsAtCall = calls;
    const res = await window.__t.settle(d, 4000);
    return { callsAtCall, calls, res };
  });
  assert.deepEqual(r, {
    callsAtCall: 1,
    calls: 1,
    res: { state: 'resolved', args: ['hello hook from Lazy'] },
  });
});

test('a before-hook that throws either escapes command() or rejects with the error; the bus keeps working', async () => {
  // cxbus.md: the original lets the exception escape from command(); rejecting the command with
  // the error is also acceptable. Either way the handler must not run.
  const p = await h.open();
  p.allowPageErrors();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('HookThrows');
    let ran = false;
    me.registerCommand('x', (e) => { ran = true; e.deferred.resolve(); });
    me.registerCommand('y', (e) => e.deferred.resolve('still works'));
    me.ready();
    me.before('HookThrows.x', () => { throw new Error('hook failed'); });
    let outcome;
    try {
      const res = await window.__t.settle(window.CXBus.command('HookThrows.x', {}));
      outcome = res.state === 'rejected' ? { rejectedWith: res.args[0] } : { state: res.state };
    } catch (e) {
      outcome = { rejectedWith: { error: e.message } };
    }
    const after = await window.__t.settle(window.CXBus.command('HookThrows.y'));
    return { ran, outcome, after };
  });
  assert.deepEqual(r, {
    ran: false,
    outcome: { rejectedWith: { error: 'hook failed' } },
    after: { state: 'resolved', args: ['still works'] },
  });
});
