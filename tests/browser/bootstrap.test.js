// The widgets bootstrap: extensions, App.ready, App.data('ready'), onReady(QuickBus)
// (cxbus.md "Widgets bootstrap (the App plugin)").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

// A config whose extension and onReady record what they see, in order, in window.__boot.
const RECORDING_CONFIG = `{
  main: { theme: 'dark', lang: 'en' },
  extensions: {
    Recorder: function ($, CXBus, Common) {
      window.__boot.push({
        step: 'extension',
        args: arguments.length,
        dollarIsFunction: typeof $ === 'function',
        cxbusIsGlobal: CXBus === window.CXBus,
        commonIsCommon: Common === window._genesys.widgets.common,
        appReadyData: CXBus.data('App.ready') === true,
      });
      var ext = CXBus.registerPlugin('RecorderExt');
      ext.subscribe('App.ready', function (e) {
        window.__boot.push({
          step: 'App.ready subscriber (from extension)',
          dataIsConfig: e.data === window._genesys.widgets,
          publisher: e.publisher,
          appReadyData: CXBus.data('App.ready') === true,
        });
      });
    },
    Second: function () { window.__boot.push({ step: 'second extension' }); },
  },
  onReady: function (bus) {
    window.__boot.push({
      step: 'onReady',
      args: arguments.length,
      isQuickBus: bus === window._genesys.widgets.bus,
      ns: bus && bus.namespace(),
      appReadyData: window.CXBus.data('App.ready') === true,
    });
  },
}`;

test('extensions run once as fn($, CXBus, Common), then App.ready subscribers, with onReady first', async () => {
  const p = await h.open({
    beforeScript: 'window.__boot = [];',
    config: RECORDING_CONFIG,
    after: "CXBus.subscribe('App.ready', function (e) { window.__boot.push({step: 'App.ready subscriber (page)', dataIsConfig: e.data === window._genesys.widgets}); });",
  });
  const boot = await p.run(async () => {
    await window.__t.tick(5);
    return window.__boot;
  });
  // The two App.ready subscribers may run in either order (the page's was queued before the
  // wasm loaded); both come after the extensions and onReady.
  assert.deepEqual(boot.slice(0, 3).map((b) => b.step), ['extension', 'second extension', 'onReady']);
  assert.deepEqual(boot.slice(3).map((b) => b.step).sort(), [
    'App.ready subscriber (from extension)',
    'App.ready subscriber (page)',
  ]);
  const fromExt = boot.find((b) => b.step === 'App.ready subscriber (from extension)');
  const fromPage = boot.find((b) => b.step === 'App.ready subscriber (page)');
  assert.deepEqual(boot[0], {
    step: 'extension',
    args: 3,
    dollarIsFunction: true,
    cxbusIsGlobal: true,
    commonIsCommon: true,
    appReadyData: false,
  });
  assert.deepEqual(boot[2], { step: 'onReady', args: 1, isQuickBus: true, ns: 'QuickBus', appReadyData: true });
  assert.deepEqual(fromExt, {
    step: 'App.ready subscriber (from extension)',
    dataIsConfig: true,
    publisher: 'App',
    appReadyData: true,
  });
  assert.equal(fromPage.dataIsConfig, true);
});

test('App.ready is republished: a subscriber added long after start still gets the config object', async () => {
  const p = await h.open({ config: "{main: {}, custom: {marker: 'mine'}}" });
  const r = await p.run(async () => {
    await window.__t.sleep(50);
    let got;
    window.CXBus.registerPlugin('Late').subscribe('App.ready', (e) => { got = e.data; });
    await window.__t.tick(3);
    return { same: got === window._genesys.widgets, marker: got && got.custom.marker };
  });
  assert.deepEqual(r, { same: true, marker: 'mine' });
});

test('App.data("ready") is true after start', async () => {
  const p = await h.open();
  const r = await p.run(() => [window.CXBus.data('App.ready'), window._genesys.widgets.bus.data('App.ready')]);
  assert.deepEqual(r, [true, true]);
});

test("App's ready data is not yet set while extensions run; it is set after them", async () => {
  const p = await h.open({
    beforeScript: 'window.__seenByExtensions = [];',
    config: `{main: {}, extensions: {
      One: function (_, CXBus) { window.__seenByExtensions.push([CXBus.data('App.ready'), CXBus.data('App.theme')]); },
      Two: function (_, CXBus) { window.__seenByExtensions.push([CXBus.data('App.ready'), CXBus.data('App.theme')]); },
    }}`,
  });
  const r = await p.run(() => ({ during: window.__seenByExtensions, after: window.CXBus.data('App.ready') }));
  assert.deepEqual(r, { during: [[undefined, 'dark'], [undefined, 'dark']], after: true });
});

test('App data holds the theme and language from main, with defaults dark and en', async () => {
  const p = await h.open({ config: '{main: {}}' });
  const defaults = await p.run(() => [window.CXBus.data('App.theme'), window.CXBus.data('App.language')]);
  assert.deepEqual(defaults, ['dark', 'en']);
  const q = await h.open({ config: "{main: {theme: 'light', lang: 'fr'}}" });
  const configured = await q.run(() => [window.CXBus.data('App.theme'), window.CXBus.data('App.language')]);
  assert.deepEqual(configured, ['light', 'fr']);
});

test('the page\'s own window.jQuery is passed to extensions as $', async () => {
  const p = await h.open({
    beforeScript: 'window.__seen = null; window.jQuery = function fakeJQuery() {};',
    config: '{main: {}, extensions: {UsesJQ: function ($) { window.__seen = ($ === window.jQuery); }}}',
  });
  assert.equal(await p.run(() => window.__seen), true);
});

test('an extension that throws does not stop the bootstrap', async () => {
  const p = await h.open({
    beforeScript: 'window.__ran = [];',
    config: `{main: {}, extensions: {
      Bad: function () { window.__ran.push('bad'); throw new Error('extension failed'); },
      Good: function () { window.__ran.push('good'); }
    }}`,
  });
  p.allowPageErrors();
  const r = await p.run(() => ({ ran: window.__ran, ready: window.CXBus.data('App.ready') }));
  assert.deepEqual(r, { ran: ['bad', 'good'], ready: true });
});

test('onReady is called once with the QuickBus even when there are no extensions', async () => {
  const p = await h.open({
    beforeScript: 'window.__onReady = [];',
    config: '{main: {}, onReady: function (bus) { window.__onReady.push(bus === window._genesys.widgets.bus); }}',
  });
  const r = await p.run(async () => {
    await window.__t.tick(3);
    return window.__onReady;
  });
  assert.deepEqual(r, [true]);
});

test('a page with no _genesys config at all still gets a working bus', async () => {
  const p = await h.open({
    html: `<!doctype html><html><body>
<script src="/dist/widgets.min.js"></script>
<script>window.__appReadyFired = false; CXBus.subscribe('App.ready', function () { window.__appReadyFired = true; });</script>
</body></html>`,
  });
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('NoConfig');
    me.registerCommand('x', (e) => e.deferred.resolve('works'));
    me.ready();
    return window.__t.settle(window.CXBus.command('NoConfig.x'));
  });
  assert.deepEqual(r, { state: 'resolved', args: ['works'] });
});

test('Common.log exists for extensions', async () => {
  const p = await h.open();
  assert.equal(await p.run(() => typeof window._genesys.widgets.common.log), 'function');
});
