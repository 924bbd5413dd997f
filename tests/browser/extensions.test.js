// Extensions get the jQuery they were written for: the page's own `window.jQuery`, else the
// jQuery 3.x shipped beside the script (dist/jquery.js), fetched only when extensions exist and
// never put on `window`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

// A real-world-style extension: waits for the DOM, binds a click, makes an AJAX call, and
// registers a plugin whose command reports what it saw.
const REAL_WORLD_EXTENSION = `{
  extensions: {
    ClickTracker: function ($, CXBus, Common) {
      $(document).ready(function () {
        var seen = { clicks: 0, ajax: null, version: $.fn && $.fn.jquery };
        $('#buy').addClass('tracked').on('click', function () { seen.clicks += 1; });
        $.ajax({ url: location.href, dataType: 'text' })
          .done(function (body) { seen.ajax = body.indexOf('<html') >= 0 ? 'ok' : 'odd'; })
          .fail(function () { seen.ajax = 'failed'; });
        var me = CXBus.registerPlugin('ClickTracker');
        me.registerCommand('report', function (e) { e.deferred.resolve(seen); });
        me.ready();
      });
    },
  },
}`;

test('an extension on a page without jQuery gets a real jQuery 3: ready, on(click), addClass and $.ajax work', async () => {
  const p = await h.open({ config: REAL_WORLD_EXTENSION, body: '<button id="buy">Buy</button>' });
  await p.page.click('#buy');
  await p.page.click('#buy');
  const r = await p.run(async () => {
    for (let i = 0; i < 100; i++) {
      const seen = await CXBus.command('ClickTracker.report');
      if (seen.ajax) return { ...seen, tracked: document.getElementById('buy').className, globals: [typeof window.jQuery, typeof window.$] };
      await new Promise((r) => setTimeout(r, 20));
    }
    return 'the AJAX call never finished';
  });
  assert.deepEqual(r, { clicks: 2, ajax: 'ok', version: '3.7.1', tracked: 'tracked', globals: ['undefined', 'undefined'] });
  assert.ok(p.requests().some((u) => u.endsWith('/jquery.js')), 'jquery.js was fetched');
});

test("a page's own jQuery is the one extensions get, and ours is not fetched", async () => {
  const p = await h.open({
    beforeScript: "window.jQuery = function pagesOwnJQuery() {}; window.jQuery.fn = { jquery: 'page' };",
    config: `{ extensions: { Probe: function ($) { window.__gotPagesOwn = $ === window.jQuery && $.fn.jquery === 'page'; } } }`,
  });
  assert.equal(await p.run(() => window.__gotPagesOwn), true);
  assert.ok(!p.requests().some((u) => u.endsWith('/jquery.js')), 'jquery.js was fetched anyway');
});

test('a page without extensions downloads no jQuery', async () => {
  const p = await h.open({ config: '{main: {debug: false}}' });
  assert.equal(await p.run(() => window.__appReadyFired), true);
  assert.ok(!p.requests().some((u) => u.endsWith('/jquery.js')), 'jquery.js was fetched');
});

test('a page without extensions downloads neither jQuery nor the extension helpers', async () => {
  const p = await h.open({ config: '{main: {debug: false}}' });
  await p.run(() => window.__t.tick(5));
  const fetched = p.requests().filter((u) => u.endsWith('/jquery.js') || u.endsWith('/widgets-extension-helpers.js'));
  assert.deepEqual(fetched, []);
});

test('App.registerExtension on a page with no configured extensions fetches jQuery then and calls each extension with it, in order, before its command resolves', async () => {
  const p = await h.open({ config: '{main: {}}' });
  const before = p.requests().filter((u) => u.endsWith('/jquery.js')).length;
  const r = await p.run(async () => {
    const calls = [];
    const register = (name) =>
      CXBus.command('App.registerExtension', {
        name,
        extension: function ($, CXBus, Common, Cookies, URI) {
          calls.push({ name, version: $.fn && $.fn.jquery, ready: typeof $(document).ready, helpers: [typeof Cookies, typeof URI] });
          CXBus.registerPlugin(name + 'Plugin');
        },
      });
    const first = window.__t.settle(register('First'), 4000);
    const second = window.__t.settle(register('Second'), 4000);
    const callsWhenSent = calls.length;
    const results = await Promise.all([first, second]);
    // Resolved only once the extension had run: the plugin it registered is there.
    const registered = [CXBus.registerPlugin('FirstPlugin'), CXBus.registerPlugin('SecondPlugin')];
    return { callsWhenSent, results: results.map((x) => x.state), calls, registered, globals: [typeof window.jQuery, typeof window.$] };
  });
  assert.equal(before, 0, 'jquery.js was fetched before any extension existed');
  assert.deepEqual(r, {
    callsWhenSent: 0,
    results: ['resolved', 'resolved'],
    calls: [
      { name: 'First', version: '3.7.1', ready: 'function', helpers: ['object', 'function'] },
      { name: 'Second', version: '3.7.1', ready: 'function', helpers: ['object', 'function'] },
    ],
    registered: [false, false],
    globals: ['undefined', 'undefined'],
  });
  assert.equal(p.requests().filter((u) => u.endsWith('/jquery.js')).length, 1);
});

test("App.registerExtension passes the page's own window.jQuery, and ours is not fetched", async () => {
  const p = await h.open({ config: '{main: {}}' });
  const r = await p.run(async () => {
    window.jQuery = function pagesOwnJQuery() {};
    let same = null;
    const res = await window.__t.settle(
      CXBus.command('App.registerExtension', { name: 'UsesPageJQ', extension: ($) => { same = $ === window.jQuery; } }),
      4000,
    );
    return { state: res.state, same };
  });
  assert.deepEqual(r, { state: 'resolved', same: true });
  assert.ok(!p.requests().some((u) => u.endsWith('/jquery.js')), 'jquery.js was fetched anyway');
});

test('extensions registered later get working Cookies (get, set, remove) and a read-only URI', async () => {
  const p = await h.open({ config: '{main: {}}' });
  const r = await p.run(async () => {
    let out = null;
    const res = await window.__t.settle(
      CXBus.command('App.registerExtension', {
        name: 'Helpers',
        extension: function ($, CXBus, Common, Cookies, URI) {
          const written = Cookies.set('ext-pref', 'dark mode', { expires: 1 });
          Cookies.set('ext-obj', { a: 1 });
          const got = [Cookies.get('ext-pref'), Cookies.get('ext-obj'), Cookies.get('absent')];
          const all = Cookies.get();
          Cookies.remove('ext-pref');
          const u = URI('https://user:pw@shop.example.co:8443/a/b/page.html?campaign=x%20y&tag=1&tag=2&flag#top');
          const here = new URI();
          out = {
            written: written.startsWith('ext-pref=dark%20mode; path=/; expires='),
            got,
            all: { pref: all['ext-pref'], obj: all['ext-obj'] },
            afterRemove: Cookies.get('ext-pref'),
            documentCookie: document.cookie.includes('ext-obj='),
            parts: [u.protocol(), u.scheme(), u.username(), u.password(), u.host(), u.hostname(), u.port(),
              u.domain(), u.subdomain(), u.tld(), u.path(), u.pathname(), u.directory(), u.filename(), u.suffix(),
              u.search(), u.query(), u.hash(), u.fragment(), u.origin(), String(u) === u.href()],
            query: u.search(true),
            queryToo: u.query(true),
            segments: [u.segment(), u.segment(0), u.segment(-1)],
            has: [u.hasQuery('campaign'), u.hasQuery('campaign', 'x y'), u.hasQuery('tag', '2'), u.hasQuery('nope')],
            parse: URI.parseQuery('?a=1&b=&c'),
            readOnly: u.hostname('evil.example') === 'shop.example.co' && u.hostname() === 'shop.example.co',
            here: here.href() === location.href && here instanceof URI,
            relative: URI('/x/y?z=1').href() === location.origin + '/x/y?z=1',
            broken: URI('http://[::bad').href(),
          };
        },
      }),
      4000,
    );
    return { state: res.state, out };
  });
  assert.equal(r.state, 'resolved');
  assert.deepEqual(r.out, {
    written: true,
    got: ['dark mode', '{"a":1}', undefined],
    all: { pref: 'dark mode', obj: '{"a":1}' },
    afterRemove: undefined,
    documentCookie: true,
    parts: ['https', 'https', 'user', 'pw', 'shop.example.co:8443', 'shop.example.co', '8443',
      'example.co', 'shop', 'co', '/a/b/page.html', '/a/b/page.html', '/a/b', 'page.html', 'html',
      '?campaign=x%20y&tag=1&tag=2&flag', 'campaign=x%20y&tag=1&tag=2&flag', '#top', 'top',
      'https://shop.example.co:8443', true],
    query: { campaign: 'x y', tag: ['1', '2'], flag: null },
    queryToo: { campaign: 'x y', tag: ['1', '2'], flag: null },
    segments: [['a', 'b', 'page.html'], 'a', 'page.html'],
    has: [true, true, true, false],
    parse: { a: '1', b: '', c: null },
    readOnly: true,
    here: true,
    relative: true,
    broken: '',
  });
  assert.ok(p.requests().some((u) => u.endsWith('/widgets-extension-helpers.js')));
});

test('a registered extension that throws is reported on the console, its command resolves and the next one still runs', async () => {
  const p = await h.open({ config: '{main: {}}' });
  const r = await p.run(async () => {
    const ran = [];
    const bad = window.__t.settle(
      CXBus.command('App.registerExtension', { name: 'Throws', extension: () => { ran.push('bad'); throw new Error('late extension failed'); } }),
      4000,
    );
    const good = window.__t.settle(
      CXBus.command('App.registerExtension', { name: 'After', extension: () => ran.push('good') }),
      4000,
    );
    const states = [(await bad).state, (await good).state];
    const reported = window.__console.some((c) => c.level === 'error' && c.text.includes("extension 'Throws' threw"));
    return { ran, states, reported };
  });
  assert.deepEqual(r, { ran: ['bad', 'good'], states: ['resolved', 'resolved'], reported: true });
});

test('an extension registered on a page with configured extensions gets the same jQuery, fetched once', async () => {
  const p = await h.open({ config: '{ extensions: { Configured: function ($) { window.__configured$ = $; } } }' });
  const r = await p.run(async () => {
    let same = null;
    const res = await window.__t.settle(
      CXBus.command('App.registerExtension', { name: 'LaterOne', extension: ($) => { same = $ === window.__configured$; } }),
      4000,
    );
    return { state: res.state, same, version: window.__configured$.fn.jquery };
  });
  assert.deepEqual(r, { state: 'resolved', same: true, version: '3.7.1' });
  assert.equal(p.requests().filter((u) => u.endsWith('/jquery.js')).length, 1);
});
