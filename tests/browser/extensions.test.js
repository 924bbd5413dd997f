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
