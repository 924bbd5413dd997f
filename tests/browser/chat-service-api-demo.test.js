// The Chat Service JS API demo (demo-site/chat-service/) under its strict CSP, against the
// emulator serving the demo, the bundle and the chat on one origin: start a session, chat with
// the agent API, reload (restoreSession shows the history again), leave.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { REPO_ROOT, DIST, launchBrowser } from './harness.js';
import { emulator } from './chat-emulator.js';
import { STATE_KEY } from './chat-service-api.js';

const emu = emulator([
  '--no-auto-agent',
  '--mount', `/=${path.join(REPO_ROOT, 'demo-site')}`,
  '--mount', `/dist/=${DIST}`,
]);

test('the Chat Service JS API demo holds, restores and leaves a CometD chat under its CSP', async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`);
      });
    });
    await page.goto(`${emu.url}/chat-service/`);
    await page.locator('#api-start').waitFor({ state: 'visible', timeout: 10000 });
    assert.equal(await page.textContent('#api-status'), 'No chat yet.');
    await page.fill('#api-start input[name="username"]', 'Api Customer');
    await page.click('#api-start button[type="submit"]');
    await page.locator('#api-session').waitFor({ state: 'visible', timeout: 10000 });

    const state = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), STATE_KEY));
    const agent = emu.agent(state.session.keys.chatId);
    assert.equal((await agent.detail()).protocol, 'cometd');
    await agent.join({ nickname: 'Grace' });
    await agent.say('<b>hi</b> from the agent');
    await page.locator('#api-transcript li.agent', { hasText: '<b>hi</b> from the agent' }).waitFor({ timeout: 10000 });
    assert.equal(await page.locator('#api-transcript b').count(), 0, 'agent text is shown as text');
    await page.fill('#api-input', 'hello from the API demo');
    await page.press('#api-input', 'Enter');
    await page.locator('#api-transcript li.me', { hasText: 'hello from the API demo' }).waitFor({ timeout: 10000 });

    await page.reload();
    await page.locator('#api-transcript li.agent.restored', { hasText: 'from the agent' }).waitFor({ timeout: 10000 });
    assert.equal(await page.locator('#api-transcript li.me', { hasText: 'hello from the API demo' }).count(), 1);
    await page.click('#api-leave');
    await page.locator('#api-start').waitFor({ state: 'visible', timeout: 10000 });
    assert.match(await page.textContent('#api-status'), /you left/);

    const log = await page.locator('#api-log li').allTextContents();
    assert.ok(log.includes('restoreSession: chat restored'), JSON.stringify(log));
    const keys = state.session.keys;
    for (const secret of [keys.secureKey, keys.userId]) {
      assert.ok(!log.join('\n').includes(secret), 'no session key in the log');
    }
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
  }
});
