// Plugin data and registry() (cxbus.md "Plugin data", "registry(), subscribers(), namespace()").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

test('data(key, value) returns the value, and data(key) reads it back', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const me = window.CXBus.registerPlugin('Store');
    return { ret: me.data('color', 'blue'), read: me.data('color') };
  });
  assert.deepEqual(r, { ret: 'blue', read: 'blue' });
});

test('data(key, undefined) and data(key, null) do not write', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const me = window.CXBus.registerPlugin('Store');
    me.data('k', 1);
    me.data('k', undefined);
    me.data('k', null);
    return me.data('k');
  });
  assert.equal(r, 1);
});

test('objects are stored by reference', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const me = window.CXBus.registerPlugin('Store');
    const obj = { n: 1 };
    me.data('obj', obj);
    obj.n = 2;
    return { same: me.data('obj') === obj, n: me.data('obj').n };
  });
  assert.deepEqual(r, { same: true, n: 2 });
});

test('data() with no key returns the whole own map of {last, value, time} entries', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const me = window.CXBus.registerPlugin('Store');
    me.data('k', 'first');
    me.data('k', 'second');
    const all = me.data();
    const e = all.k;
    return {
      keys: Object.keys(all),
      entryKeys: Object.keys(e).sort(),
      last: e.last,
      value: e.value,
      timeOk: typeof e.time === 'number' && Math.abs(e.time - Date.now()) < 5000,
    };
  });
  assert.deepEqual(r, {
    keys: ['k'],
    entryKeys: ['last', 'time', 'value'],
    last: 'first',
    value: 'second',
    timeOk: true,
  });
});

test('a changed value publishes <P>.data, <P>.data.<key>, <P>.data.<key>:<value>, in that order', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Obs');
    const log = [];
    const rec = (e) => log.push(e.event);
    window.CXBus.subscribe('Obs.data', (e) => {
      log.push('Obs.data');
      log.push('map has count: ' + (e.data && e.data.count && e.data.count.value));
    });
    window.CXBus.subscribe('Obs.data.count', (e) => {
      log.push('Obs.data.count');
      log.push('entry: ' + JSON.stringify({ last: e.data.last, value: e.data.value }));
    });
    window.CXBus.subscribe('Obs.data.count:5', rec);
    window.CXBus.subscribe("Obs.data.name:'Ann'", rec);
    me.data('count', 5);
    await window.__t.tick(3);
    me.data('name', 'Ann');
    await window.__t.tick(3);
    return log;
  });
  assert.deepEqual(r, [
    'Obs.data',
    'map has count: 5',
    'Obs.data.count',
    'entry: {"value":5}',
    'Obs.data.count:5',
    'Obs.data',
    'map has count: 5',
    "Obs.data.name:'Ann'",
  ]);
});

test('setting the same value again (strict equality) publishes nothing', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Same');
    const obj = { a: 1 };
    me.data('n', 1);
    me.data('s', 'x');
    me.data('o', obj);
    await window.__t.tick(3);
    let events = 0;
    for (const key of ['n', 's', 'o']) window.CXBus.subscribe('Same.data.' + key, () => { events += 1; });
    window.CXBus.subscribe('Same.data', () => { events += 1; });
    me.data('n', 1);
    me.data('s', 'x');
    me.data('o', obj);
    await window.__t.tick(3);
    return events;
  });
  assert.equal(r, 0);
});

test('setting a loosely equal value of another type (1 then "1") stores it and publishes the change (strict comparison)', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Strict');
    me.data('n', 1);
    await window.__t.tick(3);
    const events = [];
    window.CXBus.subscribe('Strict.data', (e) => events.push(e.event));
    window.CXBus.subscribe('Strict.data.n', (e) => events.push(e.event + ' ' + JSON.stringify({ last: e.data.last, value: e.data.value })));
    window.CXBus.subscribe("Strict.data.n:'1'", (e) => events.push(e.event));
    window.CXBus.subscribe('Strict.data.n:true', (e) => events.push(e.event));
    me.data('n', '1');
    await window.__t.tick(3);
    const stored = me.data('n');
    me.data('n', true);
    await window.__t.tick(3);
    return { stored, events };
  });
  assert.deepEqual(r, {
    stored: '1',
    events: [
      'Strict.data',
      'Strict.data.n {"last":1,"value":"1"}',
      "Strict.data.n:'1'",
      'Strict.data',
      'Strict.data.n {"last":"1","value":true}',
      'Strict.data.n:true',
    ],
  });
});

test("setting a key publishes <P>.data with the plugin's own data map: the same object each time, the one data() returns", async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Live');
    const maps = [];
    window.CXBus.subscribe('Live.data', (e) => maps.push(e.data));
    me.data('a', 1);
    await window.__t.tick(3);
    me.data('b', 'two');
    await window.__t.tick(3);
    me.data('a', 3);
    await window.__t.tick(3);
    const own = me.data();
    return {
      count: maps.length,
      sameEachTime: maps.every((m) => m === maps[0]),
      isDataMap: maps[0] === own,
      readByOthers: window.CXBus.registerPlugin('Reader').data('Live.b'),
      keys: Object.keys(own),
      a: { last: own.a.last, value: own.a.value, timeOk: typeof own.a.time === 'number' },
      b: own.b.value,
    };
  });
  assert.deepEqual(r, {
    count: 3,
    sameEachTime: true,
    isDataMap: true,
    readByOthers: 'two',
    keys: ['a', 'b'],
    a: { last: 1, value: 3, timeOk: true },
    b: 'two',
  });
});

test('a data key named __proto__ is an own key of the data map like any other', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Proto');
    me.data('__proto__', { polluted: true });
    me.data('plain', 1);
    const map = me.data();
    return {
      own: Object.keys(map),
      protoIsObject: Object.getPrototypeOf(map) === Object.prototype,
      value: me.data('__proto__').polluted,
    };
  });
  assert.deepEqual(r, { own: ['__proto__', 'plain'], protoIsObject: true, value: true });
});

test('data change events are plain publishes, not retained', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('NotKept');
    me.data('k', 'v');
    await window.__t.tick(3);
    let late = 0;
    window.CXBus.subscribe('NotKept.data.k', () => { late += 1; });
    window.CXBus.subscribe("NotKept.data.k:'v'", () => { late += 1; });
    await window.__t.tick(3);
    return late;
  });
  assert.equal(r, 0);
});

test('data("Other.key") reads another plugin\'s key; an own key of that exact name wins', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const other = window.CXBus.registerPlugin('Other');
    const me = window.CXBus.registerPlugin('Reader');
    other.data('open', true);
    other.data('shadowed', 'other value');
    const cross = me.data('Other.open');
    me.data('Other.shadowed', 'own value');
    return {
      cross,
      own: me.data('Other.shadowed'),
      viaCXBus: window.CXBus.data('Other.open'),
      appReady: window.CXBus.data('App.ready'),
    };
  });
  assert.deepEqual(r, { cross: true, own: 'own value', viaCXBus: true, appReady: true });
});

test('registry() lists every plugin with events and commands, including CXBus and App', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const me = window.CXBus.registerPlugin('Reg');
    me.registerCommand('open', () => {});
    me.registerCommand('open', () => {});
    me.registerCommand('close', () => {});
    me.registerEvents(['opened']);
    const reg = me.registry();
    return {
      hasCXBus: !!reg.CXBus,
      hasApp: !!reg.App,
      hasQuickBus: !!reg.QuickBus,
      regKeys: Object.keys(reg.Reg).sort(),
      arrays: Array.isArray(reg.Reg.events) && Array.isArray(reg.Reg.commands),
      openCount: reg.Reg.commands.filter((c) => c === 'open').length,
      close: reg.Reg.commands.includes('close'),
      events: reg.Reg.events,
      appHasGetTheme: reg.App.commands.includes('getTheme'),
    };
  });
  assert.deepEqual(r, {
    hasCXBus: true,
    hasApp: true,
    hasQuickBus: true,
    regKeys: ['commands', 'events'],
    arrays: true,
    openCount: 1,
    close: true,
    events: ['opened'],
    appHasGetTheme: true,
  });
});

test('registry() is one live object shared by all plugins', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const a = window.CXBus.registerPlugin('RegA');
    const b = window.CXBus.registerPlugin('RegB');
    const reg = a.registry();
    const same = reg === b.registry();
    window.CXBus.registerPlugin('RegLater').registerCommand('later', () => {});
    return { same, later: !!reg.RegLater && reg.RegLater.commands.includes('later') };
  });
  assert.deepEqual(r, { same: true, later: true });
});
