// Which bundle a page downloads: `widgets.min.js` reads `_genesys.widgets` and fetches only the
// WebAssembly (and its glue) that the configuration needs (bus-shim/src/bundle.js).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

/** The bundle files (`widgets-<name>.js|wasm`) a page fetched, by name. */
function bundlesFetched(p) {
  const names = p
    .requests()
    .map((u) => /\/widgets-(\w+)\.(js|wasm)$/.exec(u))
    .filter(Boolean)
    .map((m) => `${m[1]}.${m[2]}`);
  return names.sort();
}

const WEBCHAT = "dataURL: 'http://127.0.0.1:9/genesys/2/chat/customer-support'";
const CASES = [
  ['no webchat configuration: the bus alone', '{main: {debug: false}}', 'bus'],
  ['webchat with a dataURL: GMS REST', `{webchat: {${WEBCHAT}}}`, 'gms'],
  ['webchat with cometD.enabled: GMS CometD', `{webchat: {${WEBCHAT}, cometD: {enabled: true, cometURL: 'http://127.0.0.1:9/genesys/cometd'}}}`, 'cometd'],
  ["transport.type 'purecloud-v2-sockets': Genesys Cloud", "{webchat: {transport: {type: 'purecloud-v2-sockets', dataURL: 'http://127.0.0.1:9', deploymentKey: 'd', orgGuid: 'o'}}}", 'cloud'],
  ["transport.type 'pureengage-v3-rest': Engage v3", "{webchat: {transport: {type: 'pureengage-v3-rest', dataURL: 'http://127.0.0.1:9/nexus/v3/chat/sessions'}}}", 'v3'],
  ["main.bundle 'all': every transport", "{main: {bundle: 'all'}}", 'all'],
  ["main.bundle naming no bundle: chosen from the configuration", `{main: {bundle: 'everything'}, webchat: {${WEBCHAT}}}`, 'gms'],
  ['a webchat object whose getters throw: GMS, and the page still starts', `{webchat: Object.defineProperty({}, 'transport', {get() { throw new Error('no'); }})}`, 'gms'],
];

for (const [what, config, bundle] of CASES) {
  test(`a page downloads one bundle for its configuration (${what})`, async () => {
    const p = await h.open({ config });
    assert.deepEqual(bundlesFetched(p), [`${bundle}.js`, `${bundle}.wasm`]);
    assert.equal(await p.run(() => window.__appReadyFired), true, 'App.ready was published');
  });
}

test('the bus-alone bundle has no WebChatService: a command to it loads the plugin by name', async () => {
  const p = await h.open({ config: "{main: {debug: false}}" });
  p.allowErrors = true; // the lazy load of webchatservice.min.js fails
  const r = await p.run(() => window.__t.settle(CXBus.command('WebChatService.getSessionData')));
  assert.equal(r.state, 'rejected');
  assert.ok(
    p.requests().some((u) => u.endsWith('webchatservice.min.js')),
    `no lazy load was attempted: ${JSON.stringify(p.requests())}`,
  );
});

test('a bundle without the configured transport says so when a chat starts', async () => {
  const p = await h.open({
    config:
      "{main: {bundle: 'gms'}, webchat: {transport: {type: 'purecloud-v2-sockets', dataURL: 'http://127.0.0.1:9', deploymentKey: 'd', orgGuid: 'o', interactionData: {routing: {targetType: 'QUEUE', targetAddress: 'Support'}}}}}",
    after: `window.__seen = []; CXBus.subscribe('WebChatService.error', function (e) { window.__seen.push(e.data); });
      CXBus.subscribe('WebChatService.ready', function () { window.__ready = true; });`,
  });
  await p.page.waitForFunction(() => window.__ready === true);
  const r = await p.run(async () => {
    const d = CXBus.command('WebChatService.startChat', { nickname: 'J' });
    return { start: await window.__t.settle(d), errors: window.__seen };
  });
  assert.deepEqual(bundlesFetched(p), ['gms.js', 'gms.wasm']);
  assert.equal(r.start.state, 'rejected');
  assert.equal(
    r.start.args[0],
    "transport 'purecloud-v2-sockets' is not in this bundle; configure webchat before widgets.min.js runs, or set main.bundle to 'all'",
  );
});
