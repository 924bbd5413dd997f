// The agent console (demo-site/agent/) in a real browser, against a chat that a customer
// started through the GMS Chat API v2 over plain HTTP: the console lists the chat, shows the
// customer's message, joins, types and replies, and the customer sees it all through the protocol.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, DIST, launchBrowser } from './harness.js';
import { EMULATOR_BIN, SERVICE, emulatorFetch } from './chat-emulator.js';

let emulatorProcess;
let base;
let browser;

before(async () => {
  emulatorProcess = spawn(
    EMULATOR_BIN,
    [
      '--port', '0', '--no-auto-agent',
      '--mount', `/=${path.join(REPO_ROOT, 'demo-site')}`,
      '--mount', `/dist/=${DIST}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 15000);
    emulatorProcess.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /emulator listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    emulatorProcess.on('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  emulatorProcess?.kill();
});

/** One GMS v2 call as a customer's client makes it: form-encoded POST, JSON envelope back. */
async function gms(op, fields) {
  const url = `${base}/genesys/2/chat/${SERVICE}/${op}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  assert.equal(res.status, 200, `${op} answered ${res.status}: ${await res.clone().text()}`);
  return res.json();
}

async function waitFor(what, check, ms = 8000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the agent console shows a GMS chat and its replies reach the customer', async () => {
  const started = await gms('', {
    nickname: 'Console Customer', subject: 'console test', alias: '', secureKey: '', userId: '', text: '',
  });
  assert.equal(started.statusCode, 0);
  const keys = { alias: started.alias, secureKey: started.secureKey, userId: started.userId };
  const chat = `${started.chatId}`;
  await gms(`${chat}/send`, { ...keys, message: 'hello from the customer', messageType: 'text' });

  const page = await browser.context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${base}/agent/`);

  const item = page.locator(`#sessions li[data-id="${chat}"]`);
  await item.waitFor({ timeout: 8000 });
  assert.match(await item.textContent(), /Console Customer/);
  await item.click();
  await page.locator('#transcript', { hasText: 'hello from the customer' }).waitFor({ timeout: 8000 });

  await page.click('#join');
  await page.fill('#reply', 'hello from the console');
  await page.press('#reply', 'Enter');
  await page.locator('#transcript', { hasText: 'hello from the console' }).waitFor({ timeout: 8000 });

  // The customer, polling through the protocol, sees the agent join, type and answer.
  const seen = await waitFor('the agent reply over GMS refresh', async () => {
    const polled = await gms(`${chat}/refresh`, { ...keys, transcriptPosition: '1', message: '' });
    const types = polled.messages.map((m) => `${m.type}:${m.from.type}:${m.text || ''}`);
    return types.some((t) => t === 'Message:Agent:hello from the console') ? types : null;
  });
  assert.ok(seen.some((t) => t.startsWith('ParticipantJoined:Agent')), seen.join('\n'));
  assert.ok(seen.some((t) => t.startsWith('TypingStarted:Agent')), seen.join('\n'));

  await page.click('#end');
  const ended = await waitFor('the chat to end for the customer', async () => {
    const polled = await gms(`${chat}/refresh`, { ...keys, transcriptPosition: '1', message: '' });
    return polled.chatEnded ? polled : null;
  });
  assert.equal(ended.chatEnded, true);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('the agent console shows each chat\'s protocol and drops Cloud WebSockets on request', async () => {
  // One chat per protocol the console must tell apart: GMS (form POST) and Cloud (guest REST).
  const gmsChat = await gms('', {
    nickname: 'Gms Guest', subject: 'protocol test', alias: '', secureKey: '', userId: '', text: '',
  });
  const res = await fetch(`${base}/api/v2/webchat/guest/conversations`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ memberInfo: { displayName: 'Cloud Guest' } }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const cloud = await res.json();

  const page = await browser.context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${base}/agent/`);
  const gmsItem = page.locator(`#sessions li[data-id="${gmsChat.chatId}"]`);
  const cloudItem = page.locator(`#sessions li[data-id="${cloud.id}"]`);
  await cloudItem.waitFor({ timeout: 8000 });
  assert.equal(await gmsItem.getAttribute('data-protocol'), 'gms');
  assert.equal(await gmsItem.locator('.protocol').textContent(), 'GMS');
  assert.equal(await cloudItem.getAttribute('data-protocol'), 'cloud');
  assert.equal(await cloudItem.locator('.protocol').textContent(), 'Cloud');
  await cloudItem.click();
  await page.locator('#chat-meta', { hasText: /^Cloud · / }).waitFor({ timeout: 8000 });

  // The customer's event stream, opened from the console page (same origin, so no CORS).
  await page.evaluate(
    (uri) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(uri);
        window.__ws = { closed: false };
        ws.onopen = () => resolve();
        ws.onerror = () => reject(new Error('the Cloud event stream did not open'));
        ws.onclose = () => { window.__ws.closed = true; };
      }),
    cloud.eventStreamUri,
  );

  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith('/emulator/api/faults/drop-websockets')),
    page.click('#drop-websockets'),
  ]);
  assert.equal(request.method(), 'POST');
  await page.locator('#drop-report', { hasText: '{"dropped":1}' }).waitFor({ timeout: 8000 });
  await page.waitForFunction(() => window.__ws.closed, null, { timeout: 8000 });

  // Nothing left to drop: the report says so, and stays (the 1 s refresh does not overwrite it).
  await page.click('#drop-websockets');
  await page.locator('#drop-report', { hasText: '{"dropped":0}' }).waitFor({ timeout: 8000 });
  await page.waitForTimeout(1500);
  assert.match(await page.textContent('#drop-report'), /^\{"dropped":0\} at /);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('the chat demo, under its strict CSP, holds a GMS chat with the console', async () => {
  const page = await browser.context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(`${base}/chat/?transport=gms`);
  await page.locator('#chat-start').waitFor({ state: 'visible', timeout: 10000 });
  await page.fill('#chat-start input[name="nickname"]', 'Demo Customer');
  await page.click('#chat-start button[type="submit"]');
  await page.locator('#chat-session').waitFor({ state: 'visible', timeout: 10000 });
  await page.fill('#chat-input', 'hello from the demo');
  await page.press('#chat-input', 'Enter');

  const chat = await waitFor('the demo chat in the sessions list', async () => {
    const list = await (await emulatorFetch(base, '/emulator/api/sessions')).json();
    return list.sessions.find((s) => s.customer === 'Demo Customer' && s.state !== 'ended');
  });
  assert.equal(chat.protocol, 'gms');
  const api = (p, body) =>
    emulatorFetch(base, `/emulator/api/sessions/${chat.id}${p}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  await api('/join', { nickname: 'Grace' });
  await api('/messages', { text: '<b>hi</b> from the agent' });
  await page.locator('#chat-transcript li.agent', { hasText: '<b>hi</b> from the agent' }).waitFor({ timeout: 10000 });
  assert.equal(await page.locator('#chat-transcript b').count(), 0, 'agent text is shown as text');
  await page.click('#chat-end');
  await page.locator('#chat-transcript', { hasText: 'The chat has ended.' }).waitFor({ state: 'attached', timeout: 10000 });
  await page.locator('#chat-start').waitFor({ state: 'visible', timeout: 10000 });
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

/**
 * Holds a chat in the chat demo over `transport` (`?transport=`) as `customer`, checks the
 * console's protocol badge, then presses the console's Drop WebSockets: the demo shows
 * disconnected then reconnected, and the message sent during the drop exactly once.
 */
async function demoChatThroughDrop(transport, customer, protocol, badge) {
  const page = await browser.context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${base}/chat/?transport=${transport}`);
  await page.locator('#chat-start').waitFor({ state: 'visible', timeout: 10000 });
  await page.fill('#chat-start input[name="nickname"]', customer);
  await page.click('#chat-start button[type="submit"]');
  await page.locator('#chat-session').waitFor({ state: 'visible', timeout: 10000 });

  const chat = await waitFor(`the ${transport} demo chat in the sessions list`, async () => {
    const list = await (await emulatorFetch(base, '/emulator/api/sessions')).json();
    return list.sessions.find((s) => s.customer === customer && s.state !== 'ended');
  });
  assert.equal(chat.protocol, protocol);
  const api = (p, body) =>
    emulatorFetch(base, `/emulator/api/sessions/${chat.id}${p}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  await api('/join', { nickname: 'Grace' });
  await api('/messages', { text: 'before the drop' });
  await page.locator('#chat-transcript li.agent', { hasText: 'before the drop' }).waitFor({ timeout: 10000 });

  // The console's button, as a QA tester would press it.
  const consolePage = await browser.context.newPage();
  await consolePage.goto(`${base}/agent/`);
  const item = consolePage.locator(`#sessions li[data-id="${chat.id}"]`);
  await item.waitFor({ timeout: 8000 });
  assert.equal(await item.locator('.protocol').textContent(), badge);
  await consolePage.click('#drop-websockets');
  await page.locator('#chat-transcript', { hasText: 'Disconnected:' }).waitFor({ state: 'attached', timeout: 10000 });
  await api('/messages', { text: 'sent while the socket was down' });
  await page.locator('#chat-transcript', { hasText: 'Reconnected.' }).waitFor({ state: 'attached', timeout: 10000 });
  await page.locator('#chat-transcript li.agent', { hasText: 'sent while the socket was down' }).waitFor({ timeout: 10000 });
  assert.equal(
    await page.locator('#chat-transcript li.agent', { hasText: 'sent while the socket was down' }).count(),
    1,
    'the message sent during the drop is shown exactly once',
  );
  await page.click('#chat-end');
  await page.locator('#chat-start').waitFor({ state: 'visible', timeout: 10000 });
  assert.deepEqual(pageErrors, []);
  await consolePage.close();
  await page.close();
}

test('the chat demo holds a Genesys Cloud chat, and Drop WebSockets shows disconnected then reconnected', async () => {
  await demoChatThroughDrop('cloud', 'Cloud Customer', 'cloud', 'Cloud');
});

test('the chat demo holds a GMS CometD chat, and Drop WebSockets shows disconnected then reconnected', async () => {
  await demoChatThroughDrop('cometd', 'CometD Customer', 'cometd', 'GMS CometD');
});

test('the chat demo in Engage v3 async mode shows what the page stores, and a new tab restores the chat with its history', async () => {
  const page = await browser.context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${base}/chat/?transport=v3-async`);
  await page.locator('#chat-start').waitFor({ state: 'visible', timeout: 10000 });
  await page.fill('#chat-start input[name="nickname"]', 'Async Customer');
  await page.click('#chat-start button[type="submit"]');
  await page.locator('#chat-session').waitFor({ state: 'visible', timeout: 10000 });
  const chat = await waitFor('the async demo chat in the sessions list', async () => {
    const list = await (await emulatorFetch(base, '/emulator/api/sessions')).json();
    return list.sessions.find((s) => s.customer === 'Async Customer' && s.state !== 'ended');
  });
  assert.equal(chat.protocol, 'v3');
  // The panel shows what getSessionData handed the page: the session, with the token shortened.
  await page.locator('#async-store-data', { hasText: chat.id }).waitFor({ timeout: 10000 });
  const shown = await page.textContent('#async-store-data');
  assert.match(shown, /"token": "[^"]{12}… \(\d+ chars\)"/, shown);
  await page.locator('#async-store-calls li', { hasText: 'getSessionData' }).waitFor({ timeout: 10000 });
  const api = (p, body) =>
    emulatorFetch(base, `/emulator/api/sessions/${chat.id}${p}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  await api('/join', { nickname: 'Grace' });
  for (let i = 1; i <= 25; i += 1) await api('/messages', { text: `agent line ${i}` });
  await page.locator('#chat-transcript li.agent', { hasText: 'agent line 25' }).waitFor({ timeout: 10000 });
  await page.close();

  // A QA tester closes the tab and comes back: the page's stored session is restored.
  const again = await browser.context.newPage();
  again.on('pageerror', (e) => pageErrors.push(e.message));
  await again.goto(`${base}/chat/?transport=v3-async`);
  await again.locator('#chat-status', { hasText: 'Chat restored.' }).waitFor({ timeout: 10000 });
  await again.locator('#chat-transcript li.agent', { hasText: 'agent line 25' }).waitFor({ timeout: 10000 });
  assert.equal(await again.locator('#chat-transcript li.agent', { hasText: /^agent line 1$/ }).count(), 0, 'older lines wait for history');
  // Load older messages until the demo says there are none left.
  for (let i = 0; i < 20; i += 1) {
    await again.click('#chat-history');
    const status = await again.locator('#chat-status').textContent();
    if (status === 'No more messages to fetch.') break;
    await again.waitForTimeout(300);
  }
  await again.locator('#chat-status', { hasText: 'No more messages to fetch.' }).waitFor({ timeout: 10000 });
  const lines = await again.$$eval('#chat-transcript li.agent .text', (els) => els.map((e) => e.textContent));
  assert.deepEqual(lines, Array.from({ length: 25 }, (_, i) => `agent line ${i + 1}`), 'every line once, in order');
  await again.click('#chat-end');
  await again.locator('#chat-start').waitFor({ state: 'visible', timeout: 10000 });
  await again.locator('#async-store-data', { hasText: '(nothing stored)' }).waitFor({ timeout: 10000 });
  assert.deepEqual(pageErrors, []);
  await again.close();
});
