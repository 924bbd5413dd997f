// App commands (cxbus.md "App commands").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

const EXTENSION_TAKEN = (n) => `The Extension name: '${n}', is already taken. Please use another name.`;
const EXTENSION_BAD_ARGS = "The options 'name' must be a string and 'extension' must be a function or a URL.";

test('App.getTheme resolves with "cx-theme-dark" by default', async () => {
  const p = await h.open({ config: '{main: {}}' });
  const r = await p.run(() => window.__t.settle(window._genesys.widgets.bus.command('App.getTheme')));
  assert.deepEqual(r, { state: 'resolved', args: ['cx-theme-dark'] });
});

test('App.getTheme reflects main.theme', async () => {
  const p = await h.open({ config: "{main: {theme: 'light'}}" });
  const r = await p.run(() => window.__t.settle(window.CXBus.command('App.getTheme')));
  assert.deepEqual(r, { state: 'resolved', args: ['cx-theme-light'] });
});

test('App.setTheme changes the theme and App data', async () => {
  const p = await h.open({ config: '{main: {}}' });
  const r = await p.run(async () => {
    const set = await window.__t.settle(window.CXBus.command('App.setTheme', { theme: 'light' }));
    const get = await window.__t.settle(window.CXBus.command('App.getTheme'));
    return { set: set.state, get: get.args[0], data: window.CXBus.data('App.theme') };
  });
  assert.deepEqual(r, { set: 'resolved', get: 'cx-theme-light', data: 'light' });
});

test('App.setTheme with an unknown theme rejects with "Invalid theme specified"', async () => {
  const p = await h.open({ config: '{main: {}}' });
  const r = await p.run(async () => {
    const bad = await window.__t.settle(window.CXBus.command('App.setTheme', { theme: 'no-such-theme' }));
    const missing = await window.__t.settle(window.CXBus.command('App.setTheme', {}));
    const get = await window.__t.settle(window.CXBus.command('App.getTheme'));
    return { bad, missing, still: get.args[0] };
  });
  assert.deepEqual(r, {
    bad: { state: 'rejected', args: ['Invalid theme specified'] },
    missing: { state: 'rejected', args: ['Invalid theme specified'] },
    still: 'cx-theme-dark',
  });
});

test('App.setLanguage {lang} resolves and updates App data language', async () => {
  const p = await h.open({ config: '{main: {}}' });
  const r = await p.run(async () => {
    const res = await window.__t.settle(window.CXBus.command('App.setLanguage', { lang: 'de' }));
    return { state: res.state, lang: window.CXBus.data('App.language') };
  });
  assert.deepEqual(r, { state: 'resolved', lang: 'de' });
});

test('App.debug {enabled: true} turns the debug log on, {enabled: false} off', async () => {
  const p = await h.open({ config: '{main: {debug: false}}' });
  const r = await p.run(async () => {
    const on = await window.__t.settle(window.CXBus.command('App.debug', { enabled: true }));
    const mark = window.__console.length;
    window.CXBus.registerPlugin('WhileDebug');
    const whileOn = window.__console.slice(mark).map((e) => e.text);
    const off = await window.__t.settle(window.CXBus.command('App.debug', { enabled: false }));
    const mark2 = window.__console.length;
    window.CXBus.registerPlugin('AfterDebug');
    const whileOff = window.__console.slice(mark2).map((e) => e.text);
    return { on: on.state, off: off.state, whileOn, whileOff };
  });
  assert.equal(r.on, 'resolved');
  assert.equal(r.off, 'resolved');
  assert.ok(
    r.whileOn.some((t) => t === 'New Plugin Registered WhileDebug' || t.endsWith(' New Plugin Registered WhileDebug')),
    JSON.stringify(r.whileOn),
  );
  assert.ok(!r.whileOff.some((t) => t.includes('AfterDebug')), JSON.stringify(r.whileOff));
});

test('App.about resolves', async () => {
  const p = await h.open();
  const r = await p.run(() => window.__t.settle(window.CXBus.command('App.about')));
  assert.equal(r.state, 'resolved');
});

test('App.registerExtension after App.ready calls fn($, CXBus, Common, Cookies, URI)', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    let seen = null;
    const res = await window.__t.settle(
      window.CXBus.command('App.registerExtension', {
        name: 'LateExt',
        extension: function ($, CXBus, Common) {
          seen = {
            args: arguments.length,
            cxbus: CXBus === window.CXBus,
            common: Common === window._genesys.widgets.common,
            dollar: typeof $,
          };
        },
      }),
    );
    await window.__t.tick(2);
    return { state: res.state, seen };
  });
  assert.deepEqual(r, { state: 'resolved', seen: { args: 5, cxbus: true, common: true, dollar: 'function' } });
});

test('App.registerExtension rejects a name already used, including a configured extension', async () => {
  const p = await h.open({ config: '{main: {}, extensions: {Configured: function () {}}}' });
  const r = await p.run(async () => {
    const configured = await window.__t.settle(
      window.CXBus.command('App.registerExtension', { name: 'Configured', extension: () => {} }),
    );
    await window.__t.settle(window.CXBus.command('App.registerExtension', { name: 'Once', extension: () => {} }));
    const again = await window.__t.settle(
      window.CXBus.command('App.registerExtension', { name: 'Once', extension: () => {} }),
    );
    return { configured, again };
  });
  assert.deepEqual(r, {
    configured: { state: 'rejected', args: [EXTENSION_TAKEN('Configured')] },
    again: { state: 'rejected', args: [EXTENSION_TAKEN('Once')] },
  });
});

test('App.registerExtension with bad arguments rejects with the options text', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const out = [];
    for (const data of [{}, { name: 5, extension: () => {} }, { name: 'NoFn' }, { name: 'Num', extension: 42 }]) {
      out.push(await window.__t.settle(window.CXBus.command('App.registerExtension', data)));
    }
    return out;
  });
  for (const res of r) assert.deepEqual(res, { state: 'rejected', args: [EXTENSION_BAD_ARGS] });
});

test('App.updateAJAXHeader and App.removeAJAXHeader resolve', async () => {
  const p = await h.open();
  const r = await p.run(async () => [
    await window.__t.settle(window.CXBus.command('App.updateAJAXHeader', { header: { 'X-Custom': 'v' } })),
    await window.__t.settle(window.CXBus.command('App.removeAJAXHeader', { header: 'X-Custom' })),
  ]);
  assert.deepEqual(r.map((x) => x.state), ['resolved', 'resolved']);
});
