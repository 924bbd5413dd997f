// The outbox in the demo (issue 12): the agent console's "Go offline" switch turns the emulator
// offline, the chat demo shows three messages typed meanwhile as pending, and "Back online"
// delivers them once each, in order. The emulator serves the demo site and dist/ itself, as
// `cargo xtask demo` does.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { REPO_ROOT, DIST, launchBrowser } from './harness.js';
import { emulator } from './chat-emulator.js';
import { customerTexts, eventually } from './outbox-scenarios.js';

const emu = emulator([
  '--no-auto-agent',
  '--mount', `/=${path.join(REPO_ROOT, 'demo-site')}`,
  '--mount', `/dist/=${DIST}`,
]);
let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('the agent console turns the emulator offline; the chat demo shows pending messages that arrive once, in order', async () => {
  const errors = [];
  const demo = await browser.context.newPage();
  demo.on('pageerror', (e) => errors.push(e.message));
  await demo.goto(`${emu.url}/chat/?transport=gms`);
  await demo.locator('#chat-start').waitFor({ state: 'visible', timeout: 10000 });
  await demo.fill('#chat-start input[name="nickname"]', 'Offline Customer');
  await demo.click('#chat-start button[type="submit"]');
  await demo.locator('#chat-session').waitFor({ state: 'visible', timeout: 10000 });
  const chat = await eventually(
    async () => (await emu.api('GET', '/emulator/api/sessions')).sessions.find((s) => s.customer === 'Offline Customer'),
    8000,
    () => 'the demo chat in the sessions list',
  );

  const console_ = await browser.context.newPage();
  console_.on('pageerror', (e) => errors.push(e.message));
  await console_.goto(`${emu.url}/agent/`);
  await console_.locator('#offline-switch', { hasText: 'Go offline' }).waitFor({ timeout: 8000 });
  await console_.click('#offline-switch');
  await console_.locator('#offline-switch[aria-pressed="true"]', { hasText: 'Back online' }).waitFor({ timeout: 8000 });
  assert.equal((await emu.api('GET', '/emulator/api/faults')).offline, true);

  for (const text of ['first', 'second', 'third']) {
    await demo.fill('#chat-input', text);
    await demo.press('#chat-input', 'Enter');
  }
  await demo.locator('#chat-transcript li.pending').nth(2).waitFor({ timeout: 15000 });
  assert.deepEqual(await demo.locator('#chat-transcript li.pending .text').allTextContents(), ['first', 'second', 'third']);

  await console_.click('#offline-switch');
  await console_.locator('#offline-switch[aria-pressed="false"]').waitFor({ timeout: 8000 });
  await demo.locator('#chat-transcript li.pending').first().waitFor({ state: 'detached', timeout: 30000 });
  await eventually(
    async () => (await demo.locator('#chat-transcript li.client:not(.pending) .text').allTextContents()).length === 3,
    15000,
    async () => JSON.stringify(await demo.locator('#chat-transcript li .text').allTextContents()),
  );
  assert.deepEqual(
    await demo.locator('#chat-transcript li.client:not(.pending) .text').allTextContents(),
    ['first', 'second', 'third'],
  );
  assert.deepEqual(await customerTexts(emu, chat.id), ['first', 'second', 'third']);
  assert.deepEqual(errors, []);
  await demo.close();
  await console_.close();
});
