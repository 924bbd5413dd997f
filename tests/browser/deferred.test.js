// The deferred / promise returned by command() and given to handlers as e.deferred
// (cxbus.md "The deferred / promise").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

// In the page: registers plugin "Def" whose command "hold" parks its full deferred in
// window.__full, then returns {p: caller's promise, d: full deferred}.
const HOLD = `window.__hold = async function () {
  if (!window.__defPlugin) {
    window.__defPlugin = window.CXBus.registerPlugin('Def');
    window.__defPlugin.registerCommand('hold', function (e) { window.__full = e.deferred; });
    window.__defPlugin.ready();
  }
  window.__full = null;
  const p = window.CXBus.command('Def.hold');
  for (let i = 0; i < 50 && !window.__full; i++) await window.__t.tick();
  return { p, d: window.__full };
};`;

const open = () => h.open({ after: HOLD });

test('the promise has done, fail, always, progress, then, promise, state, pipe, isResolved, isRejected', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { p } = await window.__hold();
    return ['done', 'fail', 'always', 'progress', 'then', 'promise', 'state', 'pipe', 'isResolved', 'isRejected']
      .filter((m) => typeof p[m] !== 'function');
  });
  assert.deepEqual(r, []);
});

test('done, fail, always and progress return this', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { p, d } = await window.__hold();
    const f = () => {};
    return [
      p.done(f) === p, p.fail(f) === p, p.always(f) === p, p.progress(f) === p,
      d.done(f) === d, d.fail(f) === d, d.always(f) === d, d.progress(f) === d,
    ];
  });
  assert.deepEqual(r, Array(8).fill(true));
});

test('done takes several functions and arrays of functions, all called in order', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { p, d } = await window.__hold();
    const log = [];
    const f = (tag) => (v) => log.push(tag + ':' + v);
    p.done(f('a'), [f('b'), f('c')], f('d'));
    p.done([f('e')]);
    d.resolve('x');
    return log;
  });
  assert.deepEqual(r, ['a:x', 'b:x', 'c:x', 'd:x', 'e:x']);
});

test('fail, progress and always take several functions and arrays too', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { p, d } = await window.__hold();
    const log = [];
    const f = (tag) => (v) => log.push(tag + ':' + v);
    p.progress(f('p1'), [f('p2')]);
    p.fail([f('f1'), f('f2')], f('f3'));
    p.always(f('a1'), [f('a2')]);
    d.notify('n');
    d.reject('r');
    return log;
  });
  assert.deepEqual(r, ['p1:n', 'p2:n', 'f1:r', 'f2:r', 'f3:r', 'a1:r', 'a2:r']);
});

test('resolve(a, b) passes every argument to every callback in registration order', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { p, d } = await window.__hold();
    const log = [];
    p.done((...a) => log.push(['first', ...a]));
    p.always((...a) => log.push(['always', ...a]));
    p.done((...a) => log.push(['second', ...a]));
    d.resolve(1, 'b', null);
    return log;
  });
  assert.deepEqual(r, [
    ['first', 1, 'b', null],
    ['always', 1, 'b', null],
    ['second', 1, 'b', null],
  ]);
});

test('a callback added after settlement runs synchronously with the stored arguments', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { p, d } = await window.__hold();
    d.resolve('stored', 2);
    const log = [];
    p.done((...a) => log.push(a));
    log.push('after done()');
    p.fail(() => log.push('fail must not run'));
    p.always((...a) => log.push(['always', ...a]));
    return log;
  });
  assert.deepEqual(r, [['stored', 2], 'after done()', ['always', 'stored', 2]]);
});

test('only the first resolve or reject counts', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const a = await window.__hold();
    const log = [];
    a.p.done((v) => log.push('done ' + v)).fail((v) => log.push('fail ' + v));
    a.d.resolve(1);
    a.d.reject(2);
    a.d.resolve(3);
    const b = await window.__hold();
    b.p.done((v) => log.push('done ' + v)).fail((v) => log.push('fail ' + v));
    b.d.reject('first');
    b.d.resolve('second');
    return { log, a: a.p.state(), b: b.p.state() };
  });
  assert.deepEqual(r, { log: ['done 1', 'fail first'], a: 'resolved', b: 'rejected' });
});

test('progress callbacks get notify() values only while pending', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { p, d } = await window.__hold();
    const log = [];
    p.progress((...a) => log.push(a));
    d.notify(10);
    d.notify(20, 'x');
    d.resolve();
    d.notify(30);
    p.progress((v) => log.push(['late progress', v]));
    return log;
  });
  assert.deepEqual(r, [[10], [20, 'x']]);
});

test('state() is "pending", then "resolved" or "rejected"; isResolved/isRejected agree', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const a = await window.__hold();
    const s0 = [a.p.state(), a.p.isResolved(), a.p.isRejected()];
    a.d.resolve();
    const s1 = [a.p.state(), a.p.isResolved(), a.p.isRejected(), a.d.state()];
    const b = await window.__hold();
    b.d.reject();
    const s2 = [b.p.state(), b.p.isResolved(), b.p.isRejected()];
    return [s0, s1, s2];
  });
  assert.deepEqual(r, [
    ['pending', false, false],
    ['resolved', true, false, 'resolved'],
    ['rejected', false, true],
  ]);
});

test('then(onDone, onFail, onProgress) registers all three', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const log = [];
    const a = await window.__hold();
    a.p.then((v) => log.push('done ' + v), (v) => log.push('fail ' + v), (v) => log.push('progress ' + v));
    a.d.notify('n');
    a.d.resolve('ok');
    const b = await window.__hold();
    b.p.then((v) => log.push('done ' + v), (v) => log.push('fail ' + v));
    b.d.reject('bad');
    await window.__t.tick(2);
    return log;
  });
  assert.deepEqual(r, ['progress n', 'done ok', 'fail bad']);
});

test('pipe(fn) maps the resolved value', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { p, d } = await window.__hold();
    let got;
    const piped = p.pipe((v) => v * 2);
    piped.done((v) => { got = v; });
    d.resolve(21);
    await window.__t.tick(2);
    return { got, state: piped.state ? piped.state() : 'no state()' };
  });
  assert.deepEqual(r, { got: 42, state: 'resolved' });
});

test('pipe(null, failFilter) maps the rejection value and stays rejected', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { p, d } = await window.__hold();
    let got;
    const piped = p.pipe(null, (v) => v * 3);
    piped.fail((v) => { got = v; });
    d.reject(7);
    await window.__t.tick(2);
    return { got, state: piped.state() };
  });
  assert.deepEqual(r, { got: 21, state: 'rejected' });
});

test('pipe follows a thenable returned by a filter, and a throwing filter rejects', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const a = await window.__hold();
    const b = await window.__hold();
    const followed = a.p.pipe((v) => Promise.resolve(v + 1));
    const thrown = b.p.pipe(null, () => { throw 'filter failed'; });
    a.d.resolve(1);
    b.d.reject('x');
    await window.__t.tick(4);
    const out = {};
    followed.done((v) => { out.followed = v; });
    thrown.fail((v) => { out.thrown = v; });
    return { ...out, states: [followed.state(), thrown.state()] };
  });
  assert.deepEqual(r, { followed: 2, thrown: 'filter failed', states: ['resolved', 'rejected'] });
});

test('promise() gives a read-only view of the same deferred', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { d } = await window.__hold();
    const ro = d.promise();
    let got;
    ro.done((v) => { got = v; });
    d.resolve('through promise()');
    return { resolve: typeof ro.resolve, got, state: ro.state() };
  });
  assert.deepEqual(r, { resolve: 'undefined', got: 'through promise()', state: 'resolved' });
});

test('resolveWith, rejectWith and notifyWith call callbacks with the given context and args', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const log = [];
    const ctx = { name: 'ctx' };
    const a = await window.__hold();
    a.p.progress(function (...args) { log.push(['progress', this === ctx, ...args]); });
    a.p.done(function (...args) { log.push(['done', this === ctx, ...args]); });
    a.d.notifyWith(ctx, [1]);
    a.d.resolveWith(ctx, ['x', 'y']);
    const b = await window.__hold();
    b.p.fail(function (...args) { log.push(['fail', this === ctx, ...args]); });
    b.d.rejectWith(ctx, ['why']);
    return log;
  });
  assert.deepEqual(r, [
    ['progress', true, 1],
    ['done', true, 'x', 'y'],
    ['fail', true, 'why'],
  ]);
});

test('then() returns a new thenable that chains like a standard Promise (better)', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { p, d } = await window.__hold();
    const chained = p.then((v) => v + 1).then((v) => v * 10);
    const isNew = chained !== p;
    d.resolve(1);
    const value = await chained;
    return { isNew, value };
  });
  assert.deepEqual(r, { isNew: true, value: 20 });
});

test('then() chains through a returned promise or deferred', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { p, d } = await window.__hold();
    const out = p
      .then((v) => new Promise((res) => setTimeout(() => res(v + '-async'), 5)))
      .then((v) => v + '-end');
    d.resolve('start');
    return await out;
  });
  assert.equal(r, 'start-async-end');
});

test('catch and finally exist and chain (better)', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const log = [];
    const a = await window.__hold();
    const caught = a.p.catch((e) => 'caught ' + e).finally(() => log.push('finally'));
    a.d.reject('reason');
    const value = await caught;
    const b = await window.__hold();
    const f = b.p.finally(() => log.push('finally 2'));
    b.d.resolve('kept');
    const kept = await f;
    return { value, kept, log };
  });
  assert.deepEqual(r, { value: 'caught reason', kept: 'kept', log: ['finally', 'finally 2'] });
});

test('await gives the first resolved argument', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { p, d } = await window.__hold();
    setTimeout(() => d.resolve('first', 'second'), 0);
    return await p;
  });
  assert.equal(r, 'first');
});

test('await of a rejected command throws the first rejection argument', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { p, d } = await window.__hold();
    setTimeout(() => d.reject('the reason', 'extra'), 0);
    try {
      await p;
      return 'did not throw';
    } catch (e) {
      return e;
    }
  });
  assert.equal(r, 'the reason');
});

test('await of a command rejected by the bus throws its exact text', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('AwaitRej');
    me.ready();
    try {
      await window.CXBus.command('AwaitRej.none');
      return 'did not throw';
    } catch (e) {
      return e;
    }
  });
  assert.equal(r, 'Command does not exist');
});

test('Promise.resolve() and Promise.all adopt the bus promise', async () => {
  const p = await open();
  const r = await p.run(async () => {
    const { p, d } = await window.__hold();
    setTimeout(() => d.resolve('adopted'), 0);
    const [a, b] = await Promise.all([p, Promise.resolve(p)]);
    return [a, b];
  });
  assert.deepEqual(r, ['adopted', 'adopted']);
});
