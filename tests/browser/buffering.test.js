// Buffering of commands to a plugin that has not called ready() (cxbus.md "Commands" 6, 7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

test('a command to a not-ready plugin is buffered until ready()', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const slow = window.CXBus.registerPlugin('Slow');
    const caller = window.CXBus.registerPlugin('Impatient');
    const log = [];
    slow.registerCommand('x', (e) => {
      log.push('handler');
      e.deferred.resolve('done');
    });
    const d = caller.command('Slow.x');
    const beforeReady = await window.__t.settle(d, 200);
    log.push('ready()');
    slow.ready();
    log.push('ready() returned');
    const afterReady = await window.__t.settle(d);
    return { log, beforeReady: beforeReady.state, afterReady };
  });
  assert.deepEqual(r, {
    log: ['ready()', 'ready() returned', 'handler'],
    beforeReady: 'pending',
    afterReady: { state: 'resolved', args: ['done'] },
  });
});

test('commands from the global CXBus are buffered too', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const slow = window.CXBus.registerPlugin('SlowToo');
    slow.registerCommand('x', (e) => e.deferred.resolve(e.commander));
    const d = window.CXBus.command('SlowToo.x');
    const beforeReady = await window.__t.settle(d, 200);
    slow.ready();
    return { beforeReady: beforeReady.state, afterReady: await window.__t.settle(d) };
  });
  assert.deepEqual(r, { beforeReady: 'pending', afterReady: { state: 'resolved', args: ['CXBus'] } });
});

test('buffered commands run in call order after ready()', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const slow = window.CXBus.registerPlugin('Queue');
    const a = window.CXBus.registerPlugin('QA');
    const log = [];
    slow.registerCommand('x', (e) => { log.push(e.commander + ' ' + e.data.n); e.deferred.resolve(); });
    const ds = [
      a.command('Queue.x', { n: 1 }),
      window.CXBus.command('Queue.x', { n: 2 }),
      window._genesys.widgets.bus.command('Queue.x', { n: 3 }),
      a.command('Queue.x', { n: 4 }),
    ];
    slow.ready();
    for (const d of ds) await window.__t.settle(d);
    return log;
  });
  assert.deepEqual(r, ['QA 1', 'CXBus 2', 'QuickBus 3', 'QA 4']);
});

test('a buffered command looks up its handler at ready() time', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const slow = window.CXBus.registerPlugin('LateHandler');
    const d = window.CXBus.command('LateHandler.x');
    slow.registerCommand('x', (e) => e.deferred.resolve('registered after the command'));
    slow.ready();
    return window.__t.settle(d);
  });
  assert.deepEqual(r, { state: 'resolved', args: ['registered after the command'] });
});

test('a buffered command with no handler at ready() rejects with "Command does not exist"', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const slow = window.CXBus.registerPlugin('NoHandler');
    const d = window.CXBus.command('NoHandler.missing');
    slow.ready();
    return window.__t.settle(d);
  });
  assert.deepEqual(r, { state: 'rejected', args: ['Command does not exist'] });
});

test('a plugin\'s commands to itself skip the buffer', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('SelfTalk');
    me.registerCommand('x', (e) => e.deferred.resolve('ran before ready'));
    return window.__t.settle(me.command('x'), 1000);
  });
  assert.deepEqual(r, { state: 'resolved', args: ['ran before ready'] });
});

test('calling ready() twice replays nothing twice', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const slow = window.CXBus.registerPlugin('Twice');
    let runs = 0;
    slow.registerCommand('x', (e) => { runs += 1; e.deferred.resolve(); });
    const d = window.CXBus.command('Twice.x');
    const first = slow.ready();
    const second = slow.ready();
    await window.__t.settle(d);
    await window.__t.tick(3);
    slow.ready();
    await window.__t.tick(3);
    return { runs, first: first === undefined, second: second === undefined };
  });
  assert.deepEqual(r, { runs: 1, first: true, second: true });
});

test('buffered commands are dispatched asynchronously, not inside ready()', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const slow = window.CXBus.registerPlugin('AsyncFlush');
    const log = [];
    slow.registerCommand('x', (e) => { log.push('handler'); e.deferred.resolve(); });
    const d = window.CXBus.command('AsyncFlush.x');
    slow.ready();
    log.push('after ready()');
    await window.__t.settle(d);
    return log;
  });
  assert.deepEqual(r, ['after ready()', 'handler']);
});
