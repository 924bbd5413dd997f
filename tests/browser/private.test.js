// Private commands: registerCommand(name, fn, {private: true}) (cxbus.md "Private commands").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

const denied = (plugin) =>
  `Access Denied to private command. Only ${plugin} is allowed to invoke this command.`;

test('another plugin calling a private command is rejected with the exact text', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const owner = window.CXBus.registerPlugin('Vault');
    const thief = window.CXBus.registerPlugin('Thief');
    let ran = false;
    const ret = owner.registerCommand('open', (e) => { ran = true; e.deferred.resolve(); }, { private: true });
    owner.ready();
    const res = await window.__t.settle(thief.command('Vault.open'));
    return { ret, ran, res };
  });
  assert.deepEqual(r, { ret: true, ran: false, res: { state: 'rejected', args: [denied('Vault')] } });
});

test('the global CXBus and the QuickBus are denied a private command too', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const owner = window.CXBus.registerPlugin('Vault');
    owner.registerCommand('open', (e) => e.deferred.resolve(), { private: true });
    owner.ready();
    return [
      await window.__t.settle(window.CXBus.command('Vault.open')),
      await window.__t.settle(window._genesys.widgets.bus.command('Vault.open')),
    ];
  });
  assert.deepEqual(r, [
    { state: 'rejected', args: [denied('Vault')] },
    { state: 'rejected', args: [denied('Vault')] },
  ]);
});

test('a private command of a lazily loaded plugin is denied to the caller that made it load', async () => {
  const p = await h.open({ after: "CXBus.configure({pluginsPath: '/pages/plugins/'});" });
  const r = await p.run(async () => {
    const caller = window.CXBus.registerPlugin('Caller');
    return [
      await window.__t.settle(caller.command('Lazy.secret'), 4000),
      await window.__t.settle(caller.command('Lazy.hello', { who: 'Caller' }), 4000),
    ];
  });
  assert.deepEqual(r, [
    { state: 'rejected', args: [denied('Lazy')] },
    { state: 'resolved', args: ['hello Caller from Lazy'] },
  ]);
  assert.ok(p.requests().includes('/pages/plugins/lazy.min.js'));
});

test('the owner may call its own private command, qualified or not', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const owner = window.CXBus.registerPlugin('Vault');
    owner.registerCommand('open', (e) => e.deferred.resolve('opened by ' + e.commander), { private: true });
    owner.ready();
    return [
      await window.__t.settle(owner.command('open')),
      await window.__t.settle(owner.command('Vault.open')),
    ];
  });
  assert.deepEqual(r, [
    { state: 'resolved', args: ['opened by Vault'] },
    { state: 'resolved', args: ['opened by Vault'] },
  ]);
});

test('a public command beside a private one stays callable by everyone', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const owner = window.CXBus.registerPlugin('Mixed');
    owner.registerCommand('secret', (e) => e.deferred.resolve(), { private: true });
    owner.registerCommand('open', (e) => e.deferred.resolve('public'));
    owner.ready();
    return window.__t.settle(window.CXBus.command('Mixed.open'));
  });
  assert.deepEqual(r, { state: 'resolved', args: ['public'] });
});

test('a denied private command buffered before ready() is rejected at ready()', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const owner = window.CXBus.registerPlugin('LateVault');
    owner.registerCommand('open', (e) => e.deferred.resolve(), { private: true });
    const d = window.CXBus.command('LateVault.open');
    owner.ready();
    return window.__t.settle(d);
  });
  assert.deepEqual(r, { state: 'rejected', args: [denied('LateVault')] });
});

test('a plugin cannot pose as another: the name is taken, so registerPlugin returns false', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    window.CXBus.registerPlugin('Vault');
    return window.CXBus.registerPlugin('Vault');
  });
  assert.equal(r, false);
});
