// Lazy plugin loading, loadPlugin, loadFile, pluginMap, registerModule/loadModule
// (cxbus.md "Commands" 8, "configure, loadPlugin, registerMaster").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

const PLUGIN_FILE_MISSING = 'Could not load plugin file in given location. Check your plugins path option.';

test('a command to an unregistered plugin loads pluginsPath + name.toLowerCase() + ".min.js" and dispatches', async () => {
  const p = await h.open({ after: "CXBus.configure({pluginsPath: '/pages/plugins/'});" });
  const r = await p.run(async () => {
    const res = await window.__t.settle(window.CXBus.command('Lazy.hello', { who: 'customer' }), 4000);
    return { res, loads: window.__lazyLoads };
  });
  assert.deepEqual(r, { res: { state: 'resolved', args: ['hello customer from Lazy'] }, loads: 1 });
  assert.ok(p.requests().includes('/pages/plugins/lazy.min.js'));
});

test('two commands to the same unloaded plugin load its file once and both run in order', async () => {
  const p = await h.open({ after: "CXBus.configure({pluginsPath: '/pages/plugins/'});" });
  const r = await p.run(async () => {
    const a = window.CXBus.command('Lazy.hello', { who: 'one' });
    const b = window.CXBus.command('Lazy.hello', { who: 'two' });
    const ra = await window.__t.settle(a, 4000);
    const rb = await window.__t.settle(b, 4000);
    return { ra: ra.args[0], rb: rb.args[0], loads: window.__lazyLoads };
  });
  assert.deepEqual(r, { ra: 'hello one from Lazy', rb: 'hello two from Lazy', loads: 1 });
});

test('a command to a plugin whose file is missing rejects with the plugins-path text', async () => {
  const p = await h.open({ after: "CXBus.configure({pluginsPath: '/pages/plugins/'});" });
  const r = await p.run(() => window.__t.settle(window.CXBus.command('Nowhere.open'), 4000));
  assert.deepEqual(r, { state: 'rejected', args: [PLUGIN_FILE_MISSING] });
  assert.ok(p.requests().includes('/pages/plugins/nowhere.min.js'));
});

test('with an empty pluginsPath the plugin file is fetched relative to the page', async () => {
  const p = await h.open();
  const r = await p.run(() => window.__t.settle(window.CXBus.command('RelativeOne.open'), 4000));
  assert.deepEqual(r, { state: 'rejected', args: [PLUGIN_FILE_MISSING] });
  assert.ok(
    p.requests().includes('/pages/relativeone.min.js'),
    `requests: ${JSON.stringify(p.requests().slice(-5))}`,
  );
});

test('a command naming a registered plugin in another case rejects and requests no file', async () => {
  const p = await h.open({ after: "CXBus.configure({pluginsPath: '/pages/plugins/'});" });
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Cased');
    me.registerCommand('x', (e) => e.deferred.resolve());
    me.ready();
    return window.__t.settle(window.CXBus.command('cased.x'), 4000);
  });
  assert.deepEqual(r, { state: 'rejected', args: [PLUGIN_FILE_MISSING] });
  assert.ok(!p.requests().some((u) => u.endsWith('cased.min.js')));
});

test('a plugin file that registers no such plugin rejects the command with the plugins-path text', async () => {
  const p = await h.open({
    after: "CXBus.configure({pluginsPath: '/pages/plugins/', pluginMap: {ghost: '/pages/plugins/registers-nothing.min.js'}});",
  });
  const r = await p.run(() => window.__t.settle(window.CXBus.command('Ghost.boo'), 4000));
  assert.equal(r.state, 'rejected');
});

test('pluginMap names the file to load for a plugin', async () => {
  const p = await h.open({ after: "CXBus.configure({pluginsPath: '', pluginMap: {mapped: '/pages/plugins/mapped-impl.js'}});" });
  const r = await p.run(async () => {
    const res = await window.__t.settle(window.CXBus.command('Mapped.where'), 4000);
    return { res, loads: window.__mappedLoads };
  });
  assert.deepEqual(r, { res: { state: 'resolved', args: ['mapped-impl.js'] }, loads: 1 });
  assert.ok(p.requests().includes('/pages/plugins/mapped-impl.js'));
});

test('pluginMap: a command to an unregistered plugin loads the mapped file and its before-hooks ran once, at call time', async () => {
  const p = await h.open({ after: "CXBus.configure({pluginsPath: '/pages/plugins/', pluginMap: {mapped: '/pages/plugins/mapped-impl.js'}});" });
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('HookOwner');
    let calls = 0;
    me.before('Mapped.echo', (data) => {
      calls += 1;
      return { ...data, hooked: calls };
    });
    const sent = { x: 1 };
    const res = await window.__t.settle(me.command('Mapped.echo', sent), 4000);
    await window.__t.tick(3);
    return { res, calls, loads: window.__mappedLoads };
  });
  assert.deepEqual(r, { res: { state: 'resolved', args: [{ x: 1, hooked: 1 }] }, calls: 1, loads: 1 });
  assert.ok(p.requests().includes('/pages/plugins/mapped-impl.js'));
  assert.ok(!p.requests().some((u) => u.endsWith('/mapped.min.js')), 'the default file was requested');
});

test('pluginMap: a key spelt like the plugin name (not lower-case) names the file too', async () => {
  const p = await h.open({ after: "CXBus.configure({pluginsPath: '/pages/plugins/', pluginMap: {Mapped: '/pages/plugins/mapped-impl.js'}});" });
  const r = await p.run(() => window.__t.settle(window.CXBus.command('Mapped.where'), 4000));
  assert.deepEqual(r, { state: 'resolved', args: ['mapped-impl.js'] });
  assert.ok(!p.requests().some((u) => u.endsWith('/mapped.min.js')), 'the default file was requested');
});

test('pluginMap: loadPlugin(name) loads the mapped file, and a second loadPlugin of the loaded plugin rejects with no arguments', async () => {
  const p = await h.open({ after: "CXBus.configure({pluginsPath: '/pages/plugins/', pluginMap: {mapped: '/pages/plugins/mapped-impl.js'}});" });
  const r = await p.run(async () => {
    const first = await window.__t.settle(window.CXBus.loadPlugin('Mapped'), 4000);
    const second = await window.__t.settle(window.CXBus.loadPlugin('Mapped'), 4000);
    const where = await window.__t.settle(window.CXBus.command('Mapped.where'), 4000);
    return { first, second, where: where.args[0], loads: window.__mappedLoads };
  });
  assert.deepEqual(r, {
    first: { state: 'resolved', args: [] },
    second: { state: 'rejected', args: [] },
    where: 'mapped-impl.js',
    loads: 1,
  });
  assert.ok(p.requests().includes('/pages/plugins/mapped-impl.js'));
  assert.ok(!p.requests().some((u) => u.endsWith('/mapped.min.js')), 'the default file was requested');
});

test('pluginMap {name: false} blocks loading and the command rejects with the plugin-file text', async () => {
  const p = await h.open({ after: "CXBus.configure({pluginsPath: '/pages/plugins/', pluginMap: {lazy: false}});" });
  const r = await p.run(() => window.__t.settle(window.CXBus.command('Lazy.hello'), 4000));
  assert.deepEqual(r, { state: 'rejected', args: [PLUGIN_FILE_MISSING] });
  assert.ok(!p.requests().includes('/pages/plugins/lazy.min.js'));
});

test('loadPlugin(name) loads the plugin file and resolves', async () => {
  const p = await h.open({ after: "CXBus.configure({pluginsPath: '/pages/plugins/'});" });
  const r = await p.run(async () => {
    const res = await window.__t.settle(window.CXBus.loadPlugin('Lazy'), 4000);
    return { state: res.state, loads: window.__lazyLoads };
  });
  assert.deepEqual(r, { state: 'resolved', loads: 1 });
});

test('loadPlugin of a missing file rejects with "Could not load plugin file: <file>"', async () => {
  // pluginsPath '' so that <file> is the same whether or not the text includes the path.
  const p = await h.open({ after: "CXBus.configure({pluginsPath: ''});" });
  const r = await p.run(() => window.__t.settle(window.CXBus.loadPlugin('Missing'), 4000));
  assert.deepEqual(r, { state: 'rejected', args: ['Could not load plugin file: missing.min.js'] });
});

test('loadPlugin of a registered plugin, in any case, rejects with no arguments and loads nothing', async () => {
  const p = await h.open({ after: "CXBus.configure({pluginsPath: '/pages/plugins/'});" });
  const r = await p.run(async () => {
    window.CXBus.registerPlugin('Present');
    return [
      await window.__t.settle(window.CXBus.loadPlugin('Present'), 2000),
      await window.__t.settle(window.CXBus.loadPlugin('present'), 2000),
      await window.__t.settle(window.CXBus.loadPlugin('App'), 2000),
    ];
  });
  for (const res of r) assert.deepEqual(res, { state: 'rejected', args: [] });
  assert.ok(!p.requests().some((u) => u.endsWith('present.min.js') || u.endsWith('app.min.js')));
});

test('loadFile(url) runs a script once; loading the same path again rejects', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const first = await window.__t.settle(window.CXBus.loadFile('/pages/plugins/once.js'), 4000);
    const second = await window.__t.settle(window.CXBus.loadFile('/pages/plugins/once.js'), 4000);
    return { first: first.state, second: second.state, runs: window.__onceRuns };
  });
  assert.deepEqual(r, { first: 'resolved', second: 'rejected', runs: 1 });
});

test('loadFile of a missing URL rejects with "Could not load file: <url>"', async () => {
  const p = await h.open();
  const r = await p.run(() => window.__t.settle(window.CXBus.loadFile('/pages/plugins/not-there.js'), 4000));
  assert.deepEqual(r, { state: 'rejected', args: ['Could not load file: /pages/plugins/not-there.js'] });
});

test('registerModule(name, value) and loadModule(name) hand back the same value', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const mod = { util: () => 'from module' };
    window.CXBus.registerModule('MyModule', mod);
    const got = window.CXBus.loadModule('MyModule');
    let value = got;
    if (got && typeof got.done === 'function') {
      const res = await window.__t.settle(got);
      value = res.args[0];
    }
    return { same: value === mod, call: value && value.util && value.util() };
  });
  assert.deepEqual(r, { same: true, call: 'from module' });
});

test('registerModule returns true the first time and false when the name is taken (the first module stays)', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const first = { n: 1 };
    const results = [window.CXBus.registerModule('Once', first), window.CXBus.registerModule('Once', { n: 2 })];
    const got = await window.__t.settle(window.CXBus.loadModule('Once'));
    return { results, kept: got.args[0] === first };
  });
  assert.deepEqual(r, { results: [true, false], kept: true });
});

test('loadModule of a registered module returns a pending promise that resolves asynchronously', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const mod = { m: true };
    window.CXBus.registerModule('Later', mod);
    const promise = window.CXBus.loadModule('Later');
    const stateWhenReturned = promise.state();
    let syncValue = 'not yet';
    promise.done((v) => { syncValue = v; });
    const afterDone = syncValue;
    const settled = await window.__t.settle(promise);
    return { stateWhenReturned, afterDone, resolvedWithModule: settled.args[0] === mod };
  });
  assert.deepEqual(r, { stateWhenReturned: 'pending', afterDone: 'not yet', resolvedWithModule: true });
});

test('loadFile of a path already loaded rejects with no arguments', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const url = '/pages/plugins/not-there-twice.js';
    await window.__t.settle(window.CXBus.loadFile(url), 4000);
    return window.__t.settle(window.CXBus.loadFile(url), 4000);
  });
  assert.deepEqual(r, { state: 'rejected', args: [] });
});
