// The one-script drop-in: calls made on the next line, before the wasm is instantiated, are
// queued and replayed in order; dist/ works from any folder, as on a CDN (issue 2, "bus-shim/").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MOUNTS, setup } from './harness.js';

const h = setup();

// Runs on the line after the script tag. The slow CDN mount delays widgets.wasm by 400 ms, so
// every call here happens before the wasm is instantiated.
const EARLY_CALLS = `
window.__order = [];
var oEarly = CXBus.registerPlugin('Early');
window.__earlyIsInterface = !!oEarly && typeof oEarly.registerCommand === 'function';
oEarly.registerCommand('ping', function (e) {
  window.__order.push('handler ' + e.data.n + ' from ' + e.commander);
  e.deferred.resolve(e.data.n);
});
CXBus.subscribe('Early.evt', function (e) { window.__order.push('event ' + e.data); });
oEarly.ready();
var d1 = CXBus.command('Early.ping', {n: 1});
window.__d1HasDone = typeof d1.done === 'function';
d1.done(function (v) { window.__order.push('done ' + v); });
oEarly.publish('evt', 'published early');
CXBus.command('Early.ping', {n: 2}).done(function (v) { window.__order.push('done ' + v); });
oEarly.data('early', 'stored early');
window.__registerAgain = CXBus.registerPlugin('Early');
`;

test('calls made before the wasm is instantiated are queued and replayed in order', async () => {
  const p = await h.open({ scriptSrc: `${MOUNTS.slowCdn}widgets.min.js`, after: EARLY_CALLS });
  const r = await p.run(async () => {
    for (let i = 0; i < 100 && window.__order.length < 5; i++) await window.__t.sleep(10);
    return {
      isInterface: window.__earlyIsInterface,
      d1HasDone: window.__d1HasDone,
      order: window.__order,
      data: window.CXBus.data('Early.early'),
    };
  });
  assert.equal(r.isInterface, true);
  assert.equal(r.d1HasDone, true);
  // Commands keep their order; the event is delivered (its place relative to the commands
  // depends on whether events and commands share one task queue, which the spec leaves open).
  assert.deepEqual(
    r.order.filter((x) => !x.startsWith('event')),
    ['handler 1 from CXBus', 'done 1', 'handler 2 from CXBus', 'done 2'],
  );
  assert.deepEqual(r.order.filter((x) => x.startsWith('event')), ['event published early']);
  assert.equal(r.data, 'stored early');
});

test('a queued registerPlugin of a taken name still answers false once replayed', async () => {
  // Before the wasm is there the shim cannot know; it must not register the name twice.
  const p = await h.open({ scriptSrc: `${MOUNTS.slowCdn}widgets.min.js`, after: EARLY_CALLS });
  const r = await p.run(async () => {
    await window.__t.sleep(50);
    return { again: window.CXBus.registerPlugin('Early'), ns: window.CXBus.registerPlugin('EarlyOther').namespace() };
  });
  assert.deepEqual(r, { again: false, ns: 'EarlyOther' });
});

test('calls queued before the wasm resolve through await too', async () => {
  const p = await h.open({
    scriptSrc: `${MOUNTS.slowCdn}widgets.min.js`,
    after: `
var oAw = CXBus.registerPlugin('Awaiter');
oAw.registerCommand('sum', function (e) { e.deferred.resolve(e.data.a + e.data.b); });
oAw.ready();
window.__sum = (async function () { return await CXBus.command('Awaiter.sum', {a: 2, b: 3}); })();
window.__unknown = (async function () {
  try { await CXBus.command('Awaiter.nothing'); return 'resolved'; } catch (e) { return e; }
})();`,
  });
  const r = await p.run(async () => [await window.__sum, await window.__unknown]);
  assert.deepEqual(r, [5, 'Command does not exist']);
});

test('widgets.min.js loaded from a deep CDN-like path finds its bundle beside itself', async () => {
  const p = await h.open({ scriptSrc: `${MOUNTS.cdn}widgets.min.js` });
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('FromCdn');
    me.registerCommand('x', (e) => e.deferred.resolve('cdn works'));
    me.ready();
    return window.__t.settle(window.CXBus.command('FromCdn.x'));
  });
  assert.deepEqual(r, { state: 'resolved', args: ['cdn works'] });
  const bundleRequests = p.requests().filter((u) => /widgets-\w+\.(js|wasm)$/.test(u));
  assert.deepEqual(
    bundleRequests.sort(),
    [`${MOUNTS.cdn}widgets-bus.js`, `${MOUNTS.cdn}widgets-bus.wasm`],
    'the bundle is fetched relative to the script, not the page',
  );
});

test('the bundle loaded with the async attribute still works', async () => {
  const p = await h.open({
    readyProbe: false,
    html: `<!doctype html><html><body>
<script>window._genesys = {widgets: {main: {}}};</script>
<script async src="${MOUNTS.cdn}widgets.min.js"></script>
</body></html>`,
  });
  const r = await p.run(async () => {
    for (let i = 0; i < 200 && !(window.CXBus && window.CXBus.data('App.ready')); i++) await window.__t.sleep(10);
    return window.CXBus && window.CXBus.data('App.ready');
  });
  assert.equal(r, true);
});

test('loading the page produces no uncaught errors and no console errors', async () => {
  const p = await h.open({ config: '{main: {}}' });
  await p.run(() => window.__t.sleep(50));
  assert.deepEqual(p.pageErrors.map((e) => e.message), []);
  assert.deepEqual(p.consoleErrors, []);
});
