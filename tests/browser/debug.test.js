// Debug log lines (cxbus.md "Debug log lines" and "Commands" 10).
//
// A line counts when the console text is exactly the documented line, or ends with " " + line
// (so a short prefix such as "[CXBus]" is allowed); the documented text itself must be exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

const has = (texts, line) => texts.some((t) => t === line || t.endsWith(' ' + line));

// Runs one scenario of every logged action and returns the console texts it produced.
const SCENARIO = async () => {
  const mark = window.__console.length;
  const dbg = window.CXBus.registerPlugin('Dbg');
  dbg.registerCommand('go', (e) => e.deferred.resolve());
  dbg.ready();
  await window.__t.settle(window._genesys.widgets.bus.command('Dbg.go'));
  dbg.subscribe('App.ready', () => {});
  dbg.publish('evt', {});
  dbg.republish('kept', {});
  await window.__t.settle(window.CXBus.command('Dbg.nope'));
  await window.__t.tick(3);
  return window.__console.slice(mark).map((e) => e.text);
};

const LINES = [
  'New Plugin Registered Dbg',
  'Dbg registered the command: go',
  'QuickBus called the command: Dbg.go',
  'Dbg subscribed to App.ready',
  'Dbg published: Dbg.evt',
  'Dbg republished: Dbg.kept',
  'Error (Dbg.nope): Command does not exist',
];

for (const line of LINES) {
  test(`with main.debug on, the bus logs "${line}"`, async () => {
    const p = await h.open({ config: '{main: {debug: true}}' });
    const texts = await p.run(SCENARIO);
    assert.ok(has(texts, line), `missing "${line}" in:\n${texts.join('\n')}`);
  });
}

test('with debug off, none of the debug lines are logged', async () => {
  const p = await h.open({ config: '{main: {debug: false}}' });
  const texts = await p.run(SCENARIO);
  for (const line of LINES) {
    assert.ok(!has(texts, line), `"${line}" logged with debug off`);
  }
});

test('every rejected command logs Error (<cmd>): <reason> when debug is on', async () => {
  const p = await h.open({ config: '{main: {debug: true}}' });
  const texts = await p.run(async () => {
    const mark = window.__console.length;
    const me = window.CXBus.registerPlugin('Rejecter');
    me.registerCommand('no', (e) => e.deferred.reject('custom reason'));
    me.ready();
    await window.__t.settle(window.CXBus.command('Rejecter.no'));
    await window.__t.settle(window.CXBus.command('Rejecter.no', 'not an object'));
    await window.__t.tick(2);
    return window.__console.slice(mark).map((e) => e.text);
  });
  assert.ok(has(texts, 'Error (Rejecter.no): custom reason'), texts.join('\n'));
  assert.ok(has(texts, "Error (Rejecter.no): Command was cancelled by a 'before' function."), texts.join('\n'));
});

test('Common.log logs when debug is on', async () => {
  const p = await h.open({ config: '{main: {debug: true}}' });
  const texts = await p.run(() => {
    const mark = window.__console.length;
    window._genesys.widgets.common.log('hello from an extension');
    return window.__console.slice(mark).map((e) => e.text);
  });
  assert.ok(texts.some((t) => t.includes('hello from an extension')), texts.join('\n'));
});

test('with debug on, a refused registration logs why, naming the plugin (better)', async () => {
  const p = await h.open({ config: '{main: {debug: true}}' });
  const texts = await p.run(() => {
    const mark = window.__console.length;
    window.CXBus.registerPlugin('Dup');
    const again = window.CXBus.registerPlugin('Dup');
    return { again, logged: window.__console.slice(mark).map((e) => e.text) };
  });
  assert.equal(texts.again, false);
  const refusal = texts.logged.filter((t) => t.includes('Dup') && !t.endsWith('New Plugin Registered Dup'));
  assert.ok(refusal.length >= 1, `no refusal logged: ${JSON.stringify(texts.logged)}`);
});
