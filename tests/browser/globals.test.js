// window.CXBus, the CXBus pseudo-plugin, CXBus.configure and registerMaster (cxbus.md "Globals",
// "configure, loadPlugin, registerMaster").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

const CXBUS_KEYS = [
  'registerPlugin',
  'registerMaster',
  'loadPlugin',
  'loadFile',
  'loadModule',
  'registerModule',
  'configure',
  'command',
  'subscribe',
  'data',
];

test('window.CXBus has exactly the ten documented own enumerable keys, all functions', async () => {
  const p = await h.open();
  const r = await p.run(() => ({
    keys: Object.keys(window.CXBus),
    types: Object.keys(window.CXBus).map((k) => typeof window.CXBus[k]),
  }));
  assert.deepEqual([...r.keys].sort(), [...CXBUS_KEYS].sort());
  assert.ok(r.types.every((t) => t === 'function'), `non-function keys: ${r.types}`);
});

test('CXBus exists with its keys on the very next line after the script tag', async () => {
  const p = await h.open({
    after: 'window.__keysAtLoad = Object.keys(window.CXBus);',
  });
  const keys = await p.run(() => window.__keysAtLoad);
  assert.deepEqual([...keys].sort(), [...CXBUS_KEYS].sort());
});

for (const [via, expected] of [
  ['the global CXBus', 'CXBus'],
  ['the QuickBus', 'QuickBus'],
]) {
  test(`commands sent through ${via} have commander "${expected}"`, async () => {
    const p = await h.open();
    const commander = await p.run(async (useQuickBus) => {
      const sender = useQuickBus ? window._genesys.widgets.bus : window.CXBus;
      const me = window.CXBus.registerPlugin('Probe');
      let seen;
      me.registerCommand('who', (e) => {
        seen = e.commander;
        e.deferred.resolve();
      });
      me.ready();
      await window.__t.settle(sender.command('Probe.who'));
      return seen;
    }, expected === 'QuickBus');
    assert.equal(commander, expected);
  });
}

test('registerPlugin("CXBus") returns false: the pseudo-plugin is registered at start', async () => {
  const p = await h.open();
  assert.equal(await p.run(() => window.CXBus.registerPlugin('CXBus')), false);
});

test('the CXBus pseudo-plugin never calls ready(): commands to it are not answered', async () => {
  // It is registered but never ready, so a command to it is buffered (never resolves).
  const p = await h.open();
  const r = await p.run(async () => {
    const other = window.CXBus.registerPlugin('Asker');
    return window.__t.settle(other.command('CXBus.COMMANDS'), 300);
  });
  assert.equal(r.state, 'pending');
});

test('CXBus.configure returns undefined and ignores options of the wrong type', async () => {
  const p = await h.open({ config: '{main: {debug: false}}' });
  const r = await p.run(() => {
    const ret = window.CXBus.configure({ debug: 'yes', pluginsPath: 42, pluginMap: 'nope' });
    const before = window.__console.length;
    window.CXBus.registerPlugin('AfterBadConfigure');
    return {
      ret: ret === undefined,
      logged: window.__console.slice(before).map((e) => e.text),
    };
  });
  assert.equal(r.ret, true);
  assert.ok(
    !r.logged.some((t) => t.includes('New Plugin Registered AfterBadConfigure')),
    `debug: 'yes' (a string) must not turn debug on; logged ${JSON.stringify(r.logged)}`,
  );
});

test('CXBus.configure({debug: true}) turns the debug log on', async () => {
  const p = await h.open({ config: '{main: {debug: false}}' });
  const logged = await p.run(() => {
    window.CXBus.configure({ debug: true });
    const before = window.__console.length;
    window.CXBus.registerPlugin('Loud');
    return window.__console.slice(before).map((e) => e.text);
  });
  assert.ok(
    logged.some((t) => t === 'New Plugin Registered Loud' || t.endsWith(' New Plugin Registered Loud')),
    `expected "New Plugin Registered Loud" in ${JSON.stringify(logged)}`,
  );
});

test('getPluginInterface gives the very interface registerPlugin returned, false for an unknown name, and unlocked: false removes it', async () => {
  const p = await h.open({ config: '{main: {debug: true}}' });
  const warnings = [];
  p.page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  const r = await p.run(() => {
    const mine = window.CXBus.registerPlugin('Exact');
    window.CXBus.configure({ unlocked: true });
    const same = window.CXBus.getPluginInterface('Exact') === mine;
    const unknown = window.CXBus.getPluginInterface('NoSuchPlugin');
    window.CXBus.configure({ unlocked: false });
    return { same, unknown, removed: !('getPluginInterface' in window.CXBus) };
  });
  assert.deepEqual(r, { same: true, unknown: false, removed: true });
  assert.ok(warnings.some((w) => w.includes('getPluginInterface')), `no warning while debug is on: ${JSON.stringify(warnings)}`);
});

test('CXBus.configure({unlocked: true}) adds getPluginInterface returning a registered plugin', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const before = typeof window.CXBus.getPluginInterface;
    const mine = window.CXBus.registerPlugin('Peek');
    const ret = window.CXBus.configure({ unlocked: true });
    const got = window.CXBus.getPluginInterface('Peek');
    return {
      before,
      ret: ret === undefined,
      after: typeof window.CXBus.getPluginInterface,
      ns: got && got.namespace(),
      appNs: window.CXBus.getPluginInterface('App') && window.CXBus.getPluginInterface('App').namespace(),
      same: got === mine || (got && got.namespace() === mine.namespace()),
    };
  });
  assert.equal(r.before, 'undefined');
  assert.equal(r.ret, true);
  assert.equal(r.after, 'function');
  assert.equal(r.ns, 'Peek');
  assert.equal(r.appNs, 'App');
  assert.equal(r.same, true);
});

test('registerMaster returns undefined to customer code because App claimed it', async () => {
  const p = await h.open();
  const types = await p.run(() => [typeof window.CXBus.registerMaster(), typeof window.CXBus.registerMaster()]);
  assert.deepEqual(types, ['undefined', 'undefined']);
});

test('_genesys.widgets.bus is the QuickBus: a plugin interface plus registerPlugin', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const q = window._genesys.widgets.bus;
    return {
      ns: q.namespace(),
      keys: Object.keys(q).sort(),
      registerPlugin: typeof q.registerPlugin,
    };
  });
  assert.equal(r.ns, 'QuickBus');
  assert.equal(r.registerPlugin, 'function');
  assert.deepEqual(
    r.keys,
    [
      'before',
      'command',
      'data',
      'namespace',
      'publish',
      'publishDirect',
      'ready',
      'registerCommand',
      'registerEvents',
      'registerPlugin',
      'registry',
      'republish',
      'subscribe',
      'subscribers',
      'unsubscribe',
    ],
  );
});

test('QuickBus.registerPlugin registers a plugin like CXBus.registerPlugin', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const q = window._genesys.widgets.bus;
    const viaQuick = q.registerPlugin('ViaQuick');
    return {
      ns: viaQuick && viaQuick.namespace(),
      again: window.CXBus.registerPlugin('ViaQuick'),
    };
  });
  assert.equal(r.ns, 'ViaQuick');
  assert.equal(r.again, false);
});

test('_genesys.widgets.common exists as an object (lower case)', async () => {
  const p = await h.open();
  assert.equal(await p.run(() => typeof window._genesys.widgets.common), 'object');
});
