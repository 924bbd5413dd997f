// The agent console (demo-site/agent/) in a real browser, against a chat that a customer
// started through the GMS Chat API v2 over plain HTTP: the console lists the chat, shows the
// customer's message, joins, types and replies, and the customer sees it all through the protocol.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, DIST, launchBrowser } from './harness.js';
import { EMULATOR_BIN, SERVICE } from './chat-emulator.js';

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
