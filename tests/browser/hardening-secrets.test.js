// Issue 11, "secrets leak": with debug on (any plugin can switch it on through App.debug), a
// rejected chat command whose AJAX object echoes the session's keys must not put them in the
// console or in the bus monitor's page-global buffer. Every secret-bearing field is checked.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, openChat, startChat } from './chat-emulator.js';

const h = setup();
const emu = emulator();

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJndWVzdCJ9.c2lnbmF0dXJlLXNlY3JldA';
const OTHER = {
  jwt: JWT,
  token: 'tok-7f3a9c',
  accessToken: 'acc-51be0d',
  clientToken: 'cli-88e4a1',
  apikey: 'key-2d6f90',
  Authorization: 'Bearer bear-9911aa',
};

test('every secret-bearing field is absent from debug logs and from the bus monitor', async () => {
  const p = await openChat(h, emu, { main: '{debug: true}' });
  await startChat(p);
  const keys = await p.run(async () => (await window.__chat.cmd('getSessionData')).args[0]);
  const secrets = {
    secureKey: keys.secureKey,
    userId: keys.userId,
    alias: keys.alias,
    chatId: keys.sessionID,
    ...OTHER,
  };
  for (const [name, value] of Object.entries(secrets)) assert.ok(value && String(value).length > 2, name);

  // The server answers with an error that echoes everything, as JSON, as form text and in prose.
  const echo = JSON.stringify({
    statusCode: 2,
    errors: [{ code: 102, message: `bad session for ${JWT}` }],
    ...secrets,
    form: `secureKey=${keys.secureKey}&userId=${keys.userId}&alias=${keys.alias}&token=${OTHER.token}`,
    header: `Authorization: Bearer bear-9911aa`,
    nested: { deeper: { apikey: OTHER.apikey, clientToken: OTHER.clientToken } },
  });
  await p.page.route('**/send', (route) => route.fulfill({ status: 400, contentType: 'application/json', body: echo }));
  const r = await p.run(async () => {
    const records = [];
    window._genesys.widgets.common.busMonitor((rec) => records.push(rec));
    const sent = await window.__chat.cmd('sendMessage', { message: 'hello' });
    const reject = await window.__t.settle(
      CXBus.command('App.nothing').then(null, () => CXBus.command('WebChatService.sendMessage', { message: 'x' })),
    );
    await window.__t.tick(3);
    let text;
    try {
      text = JSON.stringify(records);
    } catch (e) {
      text = String(e);
    }
    return { sent: sent.state, reject: reject.state, monitor: text };
  });
  assert.equal(r.sent, 'rejected');
  const logs = (await p.console()).map((c) => c.text).join('\n');
  assert.match(logs, /Error \(WebChatService\.sendMessage\)/, 'the rejection is still logged');
  for (const [name, value] of Object.entries(secrets)) {
    const bare = String(value).replace(/^Bearer /, '');
    assert.ok(!logs.includes(bare), `${name} (${bare}) is in the console:\n${logs}`);
    assert.ok(!r.monitor.includes(bare), `${name} (${bare}) is in the bus monitor`);
  }
});

test("the error event of a failed call carries the AJAX object without the session's secrets", async () => {
  const p = await openChat(h, emu);
  await startChat(p);
  const keys = await p.run(async () => (await window.__chat.cmd('getSessionData')).args[0]);
  const secrets = { secureKey: keys.secureKey, userId: keys.userId, alias: keys.alias, jwt: JWT };
  const echo = JSON.stringify({
    statusCode: 2,
    errors: [{ code: 102, message: `bad session for ${JWT}` }],
    ...secrets,
    form: `secureKey=${keys.secureKey}&userId=${keys.userId}`,
  });
  await p.page.route('**/send', (route) => route.fulfill({ status: 400, contentType: 'application/json', body: echo }));
  const r = await p.run(async () => {
    const sent = await window.__chat.cmd('sendMessage', { message: 'hello' });
    const error = (await window.__chat.waitEvent('error')).data;
    return { sent: sent.state, error, text: JSON.stringify(error) };
  });
  assert.equal(r.sent, 'rejected');
  assert.equal(r.error.status, 400, 'the AJAX object is still there');
  assert.equal(r.error.responseJSON.errors[0].code, 102);
  for (const [name, value] of Object.entries(secrets)) {
    assert.ok(!r.text.includes(value), `${name} (${value}) is in the error event: ${r.text}`);
  }
});
