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
