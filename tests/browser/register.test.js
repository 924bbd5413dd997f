// registerPlugin, the plugin interface, built-in commands, registerCommand/registerEvents
// (cxbus.md "registerPlugin(name)").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

const INTERFACE_KEYS = [
  'publish',
  'publishDirect',
  'republish',
  'subscribe',
  'unsubscribe',
  'command',
  'before',
  'registerCommand',
  'registerEvents',
  'namespace',
  'subscribers',
  'data',
  'registry',
  'ready',
];

test('the plugin interface has exactly the fourteen documented methods', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const me = window.CXBus.registerPlugin('Shape');
    const keys = Object.keys(me);
    return { keys, types: keys.map((k) => typeof me[k]) };
  });
  assert.deepEqual([...r.keys].sort(), [...INTERFACE_KEYS].sort());
  assert.ok(r.types.every((t) => t === 'function'));
});

test('registerPlugin returns false for a name that is not a string', async () => {
  const p = await h.open();
  const r = await p.run(() =>
    [undefined, null, 42, {}, ['A'], () => 'A', true].map((n) => window.CXBus.registerPlugin(n)),
  );
  assert.deepEqual(r, [false, false, false, false, false, false, false]);
});

test('registerPlugin returns false for a name already taken, including App and QuickBus', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const first = window.CXBus.registerPlugin('Twice');
    return {
      first: typeof first,
      second: window.CXBus.registerPlugin('Twice'),
      app: window.CXBus.registerPlugin('App'),
      quick: window.CXBus.registerPlugin('QuickBus'),
    };
  });
  assert.deepEqual(r, { first: 'object', second: false, app: false, quick: false });
});

test('plugin names are case-sensitive: "Case" and "case" are different plugins', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const a = window.CXBus.registerPlugin('Case');
    const b = window.CXBus.registerPlugin('case');
    return [a && a.namespace(), b && b.namespace()];
  });
  assert.deepEqual(r, ['Case', 'case']);
});

test('namespace() returns the plugin name', async () => {
  const p = await h.open();
  assert.equal(await p.run(() => window.CXBus.registerPlugin('MyPlugin').namespace()), 'MyPlugin');
});

test('registerCommand returns true, and registering the same name again replaces the handler', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Repl');
    const a = me.registerCommand('go', (e) => e.deferred.resolve('first'));
    const b = me.registerCommand('go', (e) => e.deferred.resolve('second'));
    me.ready();
    const res = await window.__t.settle(window.CXBus.command('Repl.go'));
    return { a, b, res };
  });
  assert.equal(r.a, true);
  assert.equal(r.b, true);
  assert.deepEqual(r.res, { state: 'resolved', args: ['second'] });
});

test('registerEvents returns undefined and never lists a name twice', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const me = window.CXBus.registerPlugin('Evts');
    const a = me.registerEvents(['opened', 'closed']);
    const b = me.registerEvents('opened');
    const c = me.registerEvents(['closed', 'ready']);
    const events = me.registry().Evts.events;
    return {
      rets: [a, b, c].map((x) => x === undefined),
      opened: events.filter((e) => e === 'opened').length,
      closed: events.filter((e) => e === 'closed').length,
      ready: events.filter((e) => e === 'ready').length,
    };
  });
  assert.deepEqual(r, { rets: [true, true, true], opened: 1, closed: 1, ready: 1 });
});

test('built-in COMMANDS and EVENTS resolve with no value', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Built');
    me.registerCommand('a', (e) => e.deferred.resolve());
    me.registerEvents(['x']);
    me.ready();
    const commands = await window.__t.settle(window.CXBus.command('Built.COMMANDS'));
    const events = await window.__t.settle(window.CXBus.command('Built.EVENTS'));
    return {
      commands: [commands.state, commands.args[0] === undefined],
      events: [events.state, events.args[0] === undefined],
    };
  });
  assert.deepEqual(r, { commands: ['resolved', true], events: ['resolved', true] });
});

test('built-in LOAD resolves with no value only once the plugin is ready', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Later');
    const d = window.CXBus.command('Later.LOAD');
    const beforeReady = await window.__t.settle(d, 200);
    me.ready();
    const afterReady = await window.__t.settle(d, 2000);
    return { beforeReady: beforeReady.state, afterReady: afterReady.state, arg: afterReady.args[0] === undefined };
  });
  assert.deepEqual(r, { beforeReady: 'pending', afterReady: 'resolved', arg: true });
});

test('App and the built-in plugins answer COMMANDS too', async () => {
  const p = await h.open();
  const r = await p.run(() => window.__t.settle(window.CXBus.command('App.COMMANDS')));
  assert.equal(r.state, 'resolved');
});

test('ready() returns undefined', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const me = window.CXBus.registerPlugin('R');
    return [me.ready() === undefined, me.ready() === undefined];
  });
  assert.deepEqual(r, [true, true]);
});

test('a plugin name containing "." is refused, so no plugin can publish events that look like another\'s', async () => {
  const p = await h.open();
  const r = await p.run(() => [
    window.CXBus.registerPlugin('App.data'),
    window.CXBus.registerPlugin('My.Plugin'),
    typeof window.CXBus.registerPlugin('MyPluginNoDot'),
  ]);
  assert.deepEqual(r, [false, false, 'object']);
});

test('a plugin name containing "." is refused the same way before the wasm is ready', async () => {
  const p = await h.open({ after: "window.__early = window.CXBus.registerPlugin('Early.Dot');" });
  assert.equal(await p.run(() => window.__early), false);
});
