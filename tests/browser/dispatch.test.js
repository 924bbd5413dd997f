// When handlers and subscribers run: after the caller's synchronous code, in call order, before the
// next task (microtask dispatch), and never starving the page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

test('a handler runs after the caller\'s synchronous code, but before the next task', async () => {
  const p = await h.open();
  const r = await p.run(
    () =>
      new Promise((resolve) => {
        const seen = [];
        const me = CXBus.registerPlugin('Order1');
        me.registerCommand('go', (e) => {
          seen.push('handler');
          e.deferred.resolve();
        });
        me.ready();
        setTimeout(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            seen.push('next task');
            resolve(seen);
          };
          channel.port2.postMessage(0);
          me.command('go');
          seen.push('caller continues');
        }, 0);
      }),
  );
  assert.deepEqual(r, ['caller continues', 'handler', 'next task']);
});

test('commands to one plugin run in call order, also those sent from handlers', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const seen = [];
    const me = CXBus.registerPlugin('Order2');
    me.registerCommand('log', (e) => {
      seen.push(e.data.n);
      if (e.data.n === 1) me.command('log', { n: 4 });
      e.deferred.resolve();
    });
    me.ready();
    const all = [1, 2, 3].map((n) => me.command('log', { n }));
    await Promise.all(all);
    await new Promise((r) => setTimeout(r, 0));
    return seen;
  });
  assert.deepEqual(r, [1, 2, 3, 4]);
});

test('subscribers see events in publish order', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const seen = [];
    const pub = CXBus.registerPlugin('Order3');
    const sub = CXBus.registerPlugin('Order3Sub');
    sub.subscribe('Order3.a', (e) => seen.push('a' + e.data.n));
    sub.subscribe('Order3.b', (e) => seen.push('b' + e.data.n));
    pub.publish('a', { n: 1 });
    pub.publish('b', { n: 2 });
    pub.publish('a', { n: 3 });
    await new Promise((r) => setTimeout(r, 0));
    return seen;
  });
  assert.deepEqual(r, ['a1', 'b2', 'a3']);
});

test('a subscriber that republishes its own event forever does not freeze the page', async () => {
  const p = await h.open();
  const r = await p.run(
    () =>
      new Promise((resolve) => {
        const loop = CXBus.registerPlugin('Forever');
        let rounds = 0;
        let stop = false;
        loop.subscribe('Forever.tick', () => {
          rounds += 1;
          if (!stop) loop.publish('tick');
        });
        loop.publish('tick');
        // Microtask dispatch would starve this timer if the bus never yielded to the event loop.
        setTimeout(() => {
          stop = true;
          resolve(rounds);
        }, 0);
      }),
  );
  assert.ok(r > 100, `the loop ran only ${r} rounds before the timer`);
});
