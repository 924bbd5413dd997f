// The demo site (demo-site/index.html): the Greeter plugin and the live bus inspector work
// against the real bundle, and render bus data as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

async function openDemo() {
  const p = await h.open({ html: '<!doctype html><title>placeholder</title>', waitReady: false });
  await p.page.goto(`${h.server.origin}/demo/index.html`, { waitUntil: 'load' });
  await p.page.waitForFunction(() => window.CXBus && window.CXBus.data('App.ready') === true);
  return p;
}

const rowsText = (p) =>
  p.page.$$eval('#inspector-table tbody tr:not([hidden])', (rows) =>
    rows.map((r) => Array.from(r.children).map((td) => td.textContent)),
  );

test('the demo greets through the QuickBus and the inspector shows the command resolved', async () => {
  const p = await openDemo();
  await p.page.fill('#greet-name', 'Grace');
  await p.page.click('#btn-greet');
  await p.page.waitForFunction(() => document.querySelector('#results li')?.textContent.includes('Hello'));
  const result = await p.page.textContent('#results li .msg');
  assert.equal(result, 'Greeter.greet resolved: "Hello, Grace!"');
  await p.page.waitForFunction(() =>
    Array.from(document.querySelectorAll('#inspector-table tr.resolved')).some((r) => r.textContent.includes('Greeter.greet')),
  );
  const rows = await rowsText(p);
  const greet = rows.find((r) => r[3] === 'Greeter.greet');
  assert.equal(greet[1], 'command');
  assert.equal(greet[2], 'QuickBus');
  assert.equal(greet[4], 'resolved');
  assert.ok(Number(greet[5]) >= 30, `duration ${greet[5]}`);
  assert.ok(rows.some((r) => r[1] === 'register' && r[2] === 'Greeter'), 'Greeter registration row');
  assert.ok(rows.some((r) => r[1] === 'event' && r[3] === 'Greeter.greeted'), 'Greeter.greeted event row');
  assert.ok(rows.some((r) => r[1] === 'event' && r[3] === 'App.ready'), 'App.ready row replayed from page start');
  // Newest first: the greeted event (published after the command) is above the command row.
  const iEvent = rows.findIndex((r) => r[3] === 'Greeter.greeted');
  const iCmd = rows.findIndex((r) => r[3] === 'Greeter.greet');
  assert.ok(iEvent < iCmd, 'newest rows first');
});

test('the demo\'s rejecting buttons show the exact rejection texts', async () => {
  const p = await openDemo();
  for (const id of ['#btn-unknown', '#btn-private', '#btn-bad-theme', '#btn-greet-empty']) {
    await p.page.click(id);
  }
  await p.page.waitForFunction(() => document.querySelectorAll('#results li.err').length === 4);
  const texts = await p.page.$$eval('#results li.err', (lis) => lis.map((li) => li.querySelector('.msg').textContent));
  assert.deepEqual(texts.sort(), [
    'App.setTheme plaid rejected: Invalid theme specified',
    'Greeter.greet rejected: Greeter.greet needs a non-empty name',
    'Greeter.reset rejected: Access Denied to private command. Only Greeter is allowed to invoke this command.',
    'Greeter.shout rejected: Command does not exist',
  ]);
  const rejected = await p.page.$$eval('#inspector-table tr.rejected', (rows) => rows.map((r) => r.children[4].textContent));
  assert.ok(rejected.includes('rejected: Command does not exist'), JSON.stringify(rejected));
});

test('the inspector filter box narrows the table', async () => {
  const p = await openDemo();
  await p.page.click('#btn-unknown');
  await p.page.waitForSelector('#inspector-table tr.rejected');
  await p.page.fill('#inspector-filter', 'greeter.shout');
  const rows = await rowsText(p);
  assert.ok(rows.length >= 1);
  assert.ok(rows.every((r) => r.join(' ').toLowerCase().includes('greeter.shout')), JSON.stringify(rows));
});

test('bus data is rendered as text, never as HTML', async () => {
  const p = await openDemo();
  await p.page.fill('#greet-name', '<img src=x onerror="window.__xss=1">');
  await p.page.click('#btn-greet');
  await p.page.waitForFunction(() => document.querySelector('#events li')?.textContent.includes('<img'));
  const injected = await p.page.evaluate(() => ({ xss: window.__xss, imgs: document.querySelectorAll('main img').length }));
  assert.deepEqual(injected, { xss: undefined, imgs: 0 });
});

// The chat demo (demo-site/chat/): a transport switch that reloads with ?transport=ID, and a
// config built by transport.js before widgets.min.js, under the page's own strict CSP (no inline
// script or style). Static files only: the switch needs no chat server.

async function openChatDemo(query = '') {
  const p = await h.open({ html: '<!doctype html><title>placeholder</title>', waitReady: false });
  await p.page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`);
    });
  });
  await p.page.goto(`${h.server.origin}/demo/chat/index.html${query}`, { waitUntil: 'load' });
  await p.page.waitForFunction(() => window.CXBus && window.CXBus.data('App.ready') === true);
  return p;
}

const chatDemoState = (p) =>
  p.page.evaluate(() => ({
    search: location.search,
    webchat: JSON.parse(JSON.stringify(window._genesys.widgets.webchat)),
    active: document.querySelector('#chat-transport-active').textContent,
    selected: document.querySelector('#chat-transport').value,
    options: Array.from(document.querySelectorAll('#chat-transport option')).map((o) => [o.value, o.disabled, o.textContent]),
    inlineScripts: document.querySelectorAll('script:not([src])').length,
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content || '',
    violations: window.__cspViolations.slice(),
  }));

test('the chat demo defaults to GMS REST, configured from a file under a strict CSP', async () => {
  const p = await openChatDemo();
  // WebChatService came up (so widgets.wasm compiled under the policy): the start form shows.
  await p.page.locator('#chat-start').waitFor({ state: 'visible', timeout: 8000 });
  const s = await chatDemoState(p);
  assert.equal(s.search, '');
  assert.deepEqual(s.webchat, { dataURL: `${h.server.origin}/genesys/2/chat/customer-support` });
  assert.equal(s.selected, 'gms');
  assert.match(s.active, /^Active: GMS REST/);
  assert.deepEqual(s.options, [
    ['gms', false, 'GMS REST'],
    ['cloud', false, 'Genesys Cloud'],
    ['v3', false, 'Engage v3'],
    ['v3-async', false, 'Engage v3 async'],
    ['cometd', false, 'GMS CometD'],
  ]);
  assert.equal(s.inlineScripts, 0, 'no inline <script> on the chat demo');
  assert.match(s.csp, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.match(s.csp, /style-src 'self';/);
  assert.deepEqual(s.violations, []);
});

test('the chat demo\'s transport switch reloads with ?transport=cloud and configures Genesys Cloud', async () => {
  const p = await openChatDemo();
  await Promise.all([
    p.page.waitForURL(/\?transport=cloud$/, { waitUntil: 'load' }),
    p.page.selectOption('#chat-transport', 'cloud'),
  ]);
  await p.page.waitForFunction(() => window.CXBus && window.CXBus.data('App.ready') === true);
  const s = await chatDemoState(p);
  assert.equal(s.search, '?transport=cloud');
  assert.equal(s.selected, 'cloud');
  assert.match(s.active, /^Active: Genesys Cloud \(purecloud-v2-sockets/);
  assert.deepEqual(s.webchat, {
    transport: {
      type: 'purecloud-v2-sockets',
      dataURL: h.server.origin,
      deploymentKey: 'demo-deployment',
      orgGuid: 'demo-org',
      interactionData: { routing: { targetType: 'QUEUE', targetAddress: 'Support', priority: 2 } },
    },
  });
  assert.equal(await p.page.getAttribute('html', 'data-transport'), 'cloud');
  assert.deepEqual(s.violations, []);

  // And back: the switch is symmetric.
  await Promise.all([
    p.page.waitForURL(/\?transport=gms$/, { waitUntil: 'load' }),
    p.page.selectOption('#chat-transport', 'gms'),
  ]);
  const back = await chatDemoState(p);
  assert.equal(back.webchat.dataURL, `${h.server.origin}/genesys/2/chat/customer-support`);
});

test('the chat demo offers GMS CometD: ?transport=cometd configures cometD over the emulator', async () => {
  const p = await openChatDemo('?transport=cometd');
  const s = await chatDemoState(p);
  assert.equal(s.selected, 'cometd');
  assert.match(s.active, /^Active: GMS CometD/);
  assert.deepEqual(s.webchat, {
    dataURL: `${h.server.origin}/genesys/2/chat/customer-support`,
    cometD: {
      enabled: true,
      cometURL: `${h.server.origin}/genesys/cometd`,
      channel: '/service/chatV2/customer-support',
      websocketEnabled: true,
    },
  });
  assert.deepEqual(s.violations, []);
});

test('the chat demo falls back to GMS REST for a transport it does not offer', async () => {
  const p = await openChatDemo('?transport=carrier-pigeon');
  const s = await chatDemoState(p);
  assert.equal(s.selected, 'gms');
  assert.ok(s.webchat.dataURL, JSON.stringify(s.webchat));
  assert.match(s.active, /"carrier-pigeon" is not available, using GMS REST/);
});

test('the chat demo configures Engage v3, plain and in async mode with the page keeping the session', async () => {
  const plain = await chatDemoState(await openChatDemo('?transport=v3'));
  assert.equal(plain.selected, 'v3');
  assert.match(plain.active, /^Active: Engage v3 \(pureengage-v3-rest/);
  assert.deepEqual(plain.webchat, {
    transport: {
      type: 'pureengage-v3-rest',
      dataURL: `${h.server.origin}/nexus/v3/chat/sessions`,
      endpoint: 'customer-support',
      headers: { 'x-api-key': 'demo-api-key' },
    },
  });
  const p = await openChatDemo('?transport=v3-async');
  const s = await chatDemoState(p);
  assert.equal(s.selected, 'v3-async');
  const callbacks = await p.page.evaluate(() => {
    const a = window._genesys.widgets.webchat.transport.async;
    return [a.enabled, typeof a.getSessionData, typeof a.setSessionData, typeof a.deleteSessionData];
  });
  assert.deepEqual(callbacks, [true, 'function', 'function', 'function']);
  // WebChatService asked the page for a stored session at start: the panel shows the call.
  await p.page.locator('#async-store-calls li', { hasText: 'setSessionData' }).waitFor({ timeout: 8000 });
  assert.equal(await p.page.textContent('#async-store-data'), '(nothing stored)');
  assert.equal(await p.page.isVisible('#chat-history'), false, 'the history button belongs to the chat view');
  assert.deepEqual(s.violations, []);
});

test('the chat demo\'s CSP lets the Cloud WebSocket reach its own origin and nothing else', async () => {
  const p = await openChatDemo('?transport=cloud');
  // A socket to this origin (as the Cloud client opens it) is allowed (it fails to connect here:
  // the static server has no socket); one to another origin is a connect-src violation.
  const violations = await p.page.evaluate(async () => {
    const attempt = (url) =>
      new Promise((resolve) => {
        try {
          const ws = new WebSocket(url);
          ws.onerror = ws.onclose = () => resolve();
          setTimeout(resolve, 1500);
        } catch (e) {
          resolve();
        }
      });
    await attempt(location.origin.replace(/^http/, 'ws') + '/api/v2/webchat/guest/conversations/x/stream');
    const own = window.__cspViolations.slice();
    await attempt('ws://127.0.0.2:9/elsewhere');
    await new Promise((r) => setTimeout(r, 100));
    return { own, all: window.__cspViolations.slice() };
  });
  assert.deepEqual(violations.own, []);
  assert.ok(violations.all.some((v) => v.startsWith('connect-src')), JSON.stringify(violations.all));
});

test('the chat demo in two tabs shows which tab leads the one chat, and the follower takes over', async () => {
  const first = await openChatDemo();
  const role = (p) => p.page.locator('#chat-tab-role');
  await role(first).filter({ hasText: 'this tab leads' }).waitFor({ timeout: 8000 });
  const second = await openChatDemo();
  await role(second).filter({ hasText: 'this tab follows the leading tab (2 tabs' }).waitFor({ timeout: 8000 });
  await role(first).filter({ hasText: '(2 tabs share it)' }).waitFor({ timeout: 8000 });
  await first.page.close();
  await role(second).filter({ hasText: 'this tab leads the chat (1 tab shares it)' }).waitFor({ timeout: 8000 });
  assert.deepEqual((await chatDemoState(second)).violations, []);
});
