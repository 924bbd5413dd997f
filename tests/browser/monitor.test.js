// The bus inspector hook: _genesys.widgets.common.busMonitor(listener) -> unsubscribe.
// Records: register, command, settled, publish, subscribe; records since page start are replayed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

test('busMonitor is a function on common and does not add keys to CXBus', async () => {
  const p = await h.open();
  const r = await p.run(() => ({
    type: typeof window._genesys.widgets.common.busMonitor,
    cxbusKeys: Object.keys(window.CXBus).length,
  }));
  assert.deepEqual(r, { type: 'function', cxbusKeys: 10 });
});

test('a new listener first gets the records since page start (App registration, App.ready publish)', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const recs = [];
    const unsub = window._genesys.widgets.common.busMonitor((rec) => recs.push(rec));
    await window.__t.tick(2);
    unsub();
    return {
      unsubType: typeof unsub,
      appRegistered: recs.some((x) => x.kind === 'register' && x.plugin === 'App' && typeof x.time === 'number'),
      appReady: recs.find((x) => x.kind === 'publish' && x.event === 'App.ready'),
      probeSubscribe: recs.some((x) => x.kind === 'subscribe' && x.plugin === 'CXBus' && x.event === 'App.ready'),
    };
  });
  assert.equal(r.unsubType, 'function');
  assert.equal(r.appRegistered, true);
  assert.equal(r.probeSubscribe, true);
  assert.equal(r.appReady.publisher, 'App');
  assert.equal(r.appReady.retained, true);
  assert.equal(typeof r.appReady.time, 'number');
});

test('live records: register, subscribe, command and settled (resolved and rejected), publish', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const recs = [];
    const unsub = window._genesys.widgets.common.busMonitor((rec) => recs.push(rec));
    await window.__t.tick(2);
    const mark = recs.length;
    const mon = window.CXBus.registerPlugin('Mon');
    mon.registerCommand('ok', (e) => setTimeout(() => e.deferred.resolve('fine'), 20));
    mon.ready();
    mon.subscribe('Mon.evt', () => {});
    await window.__t.settle(window.CXBus.command('Mon.ok'));
    await window.__t.settle(window.CXBus.command('Mon.missing'));
    mon.publish('evt', { a: 1 });
    mon.republish('kept', 1);
    await window.__t.tick(3);
    unsub();
    const live = recs.slice(mark);
    const cmdOk = live.find((x) => x.kind === 'command' && x.command === 'Mon.ok');
    const cmdMissing = live.find((x) => x.kind === 'command' && x.command === 'Mon.missing');
    const settledOk = cmdOk && live.find((x) => x.kind === 'settled' && x.id === cmdOk.id);
    const settledMissing = cmdMissing && live.find((x) => x.kind === 'settled' && x.id === cmdMissing.id);
    return {
      register: live.filter((x) => x.kind === 'register').map((x) => x.plugin),
      subscribe: live.filter((x) => x.kind === 'subscribe').map((x) => [x.plugin, x.event]),
      cmdOk: cmdOk && { commander: cmdOk.commander, idType: typeof cmdOk.id, time: typeof cmdOk.time },
      differentIds: !!cmdOk && !!cmdMissing && cmdOk.id !== cmdMissing.id,
      settledOk: settledOk && {
        command: settledOk.command,
        state: settledOk.state,
        msOk: typeof settledOk.ms === 'number' && settledOk.ms >= 15,
        time: typeof settledOk.time,
      },
      settledMissing: settledMissing && {
        command: settledMissing.command,
        state: settledMissing.state,
        reason: settledMissing.reason,
      },
      publishes: live.filter((x) => x.kind === 'publish').map((x) => [x.publisher, x.event, x.retained]),
      kinds: [...new Set(live.map((x) => x.kind))].sort(),
    };
  });
  assert.deepEqual(r.register, ['Mon']);
  assert.deepEqual(r.subscribe, [['Mon', 'Mon.evt']]);
  assert.deepEqual(r.cmdOk, { commander: 'CXBus', idType: 'number', time: 'number' });
  assert.equal(r.differentIds, true);
  assert.deepEqual(r.settledOk, { command: 'Mon.ok', state: 'resolved', msOk: true, time: 'number' });
  assert.deepEqual(r.settledMissing, { command: 'Mon.missing', state: 'rejected', reason: 'Command does not exist' });
  assert.deepEqual(r.publishes.filter((x) => x[0] === 'Mon'), [
    ['Mon', 'Mon.evt', false],
    ['Mon', 'Mon.kept', true],
  ]);
  assert.deepEqual(r.kinds, ['command', 'publish', 'register', 'settled', 'subscribe']);
});

test('after unsubscribe the listener gets nothing more', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const recs = [];
    const unsub = window._genesys.widgets.common.busMonitor((rec) => recs.push(rec));
    await window.__t.tick(2);
    unsub();
    const n = recs.length;
    window.CXBus.registerPlugin('Unseen').publish('x');
    await window.__t.tick(3);
    return recs.length - n;
  });
  assert.equal(r, 0);
});

test('a throwing monitor listener does not break the bus', async () => {
  const p = await h.open();
  p.allowPageErrors();
  const r = await p.run(async () => {
    const unsub = window._genesys.widgets.common.busMonitor(() => {
      throw new Error('bad listener');
    });
    const me = window.CXBus.registerPlugin('Robust');
    me.registerCommand('x', (e) => e.deferred.resolve('ok'));
    me.ready();
    const res = await window.__t.settle(window.CXBus.command('Robust.x'));
    unsub();
    return res;
  });
  assert.deepEqual(r, { state: 'resolved', args: ['ok'] });
});

test('past its limit the monitor keeps the last 1000 records, replayed oldest first', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const spam = window.CXBus.registerPlugin('Spam');
    for (let i = 0; i < 1500; i++) spam.publish('n' + i);
    await window.__t.tick(2);
    const recs = [];
    window._genesys.widgets.common.busMonitor((rec) => recs.push(rec));
    const published = recs.filter((x) => x.kind === 'publish' && x.publisher === 'Spam');
    return { count: recs.length, first: published[0].event, last: published[published.length - 1].event };
  });
  assert.equal(r.count, 1000);
  assert.equal(r.first, 'Spam.n500');
  assert.equal(r.last, 'Spam.n1499');
});
