// Issue 10: App.updateAJAXHeader and App.removeAJAXHeader take effect on the next WebChatService
// request of a running chat (a token refresh reaches the next poll and send), and
// removeAJAXHeader removes only the headers it names. The emulator records each request's
// headers (GET /emulator/api/requests).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator, openChat, startChat, slow } from './chat-emulator.js';
import { COMET_PATH, openCometChat } from './chat-cometd.js';

const h = setup();
const emu = emulator();

/** The recorded requests of chat `id` (its path holds the chat id) since the log was emptied. */
async function chatRequests(id) {
  const { requests } = await emu.api('GET', '/emulator/api/requests');
  return requests.filter((r) => r.path.includes(`/${id}/`));
}

/** Waits until a request of chat `id` to `op` has been recorded, and returns its headers. */
async function nextCall(id, op) {
  for (let i = 0; i < 200; i += 1) {
    const hit = (await chatRequests(id)).find((r) => r.path.endsWith(`/${op}`));
    if (hit) return hit.headers;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`no ${op} request recorded for ${id}`);
}

const app = ([command, data]) => window.__t.settle(window.CXBus.command(`App.${command}`, data));

test('a header updated mid-chat reaches the next poll and the next send', async () => {
  const p = await openChat(h, emu, {
    webchat: '{enableCustomHeader: true}',
    main: "{debug: false, header: {'X-Static': 'config'}}",
  });
  await p.run(app, ['updateAJAXHeader', { header: { Authorization: 'Bearer first' } }]);
  const id = await startChat(p);
  await emu.api('DELETE', '/emulator/api/requests');
  let headers = await nextCall(id, 'refresh');
  assert.equal(headers.authorization, 'Bearer first');
  assert.equal(headers['x-static'], 'config');

  const refreshed = await p.run(app, ['updateAJAXHeader', { header: { Authorization: 'Bearer second' } }]);
  assert.equal(refreshed.state, 'resolved');
  await emu.api('DELETE', '/emulator/api/requests');
  headers = await nextCall(id, 'refresh');
  assert.equal(headers.authorization, 'Bearer second', 'the token refresh reached the next poll');
  assert.equal(headers['x-static'], 'config');

  await p.run(app, ['updateAJAXHeader', { header: { Authorization: 'Bearer third' } }]);
  await emu.api('DELETE', '/emulator/api/requests');
  const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'hi' }));
  assert.equal(sent.state, 'resolved');
  headers = await nextCall(id, 'send');
  assert.equal(headers.authorization, 'Bearer third', 'and the next send');
  await p.run(() => window.__chat.cmd('endChat'));
});

test('removeAJAXHeader removes only the headers it names; the others stay', async () => {
  const p = await openChat(h, emu, { webchat: '{enableCustomHeader: true}' });
  await p.run(app, ['updateAJAXHeader', { header: { Authorization: 'Bearer t', 'X-One': '1', 'X-Two': '2', 'X-Three': '3' } }]);
  const id = await startChat(p);
  await emu.api('DELETE', '/emulator/api/requests');
  let headers = await nextCall(id, 'refresh');
  assert.deepEqual([headers.authorization, headers['x-one'], headers['x-two'], headers['x-three']], ['Bearer t', '1', '2', '3']);

  const one = await p.run(app, ['removeAJAXHeader', { header: 'x-one' }]);
  assert.equal(one.state, 'resolved');
  await emu.api('DELETE', '/emulator/api/requests');
  headers = await nextCall(id, 'refresh');
  assert.equal(headers['x-one'], undefined, 'a name (any case) removes that header');
  assert.deepEqual([headers.authorization, headers['x-two'], headers['x-three']], ['Bearer t', '2', '3']);

  await p.run(app, ['removeAJAXHeader', { header: ['X-Two', 'X-Three'] }]);
  await emu.api('DELETE', '/emulator/api/requests');
  headers = await nextCall(id, 'refresh');
  assert.equal(headers['x-two'], undefined, 'an array of names removes each');
  assert.equal(headers['x-three'], undefined);
  assert.equal(headers.authorization, 'Bearer t', 'what was not named stays');

  await p.run(app, ['removeAJAXHeader', {}]);
  await emu.api('DELETE', '/emulator/api/requests');
  headers = await nextCall(id, 'refresh');
  assert.equal(headers.authorization, 'Bearer t', 'naming nothing removes nothing');
  await p.run(() => window.__chat.cmd('endChat'));
});

test('without enableCustomHeader no App header is sent', async () => {
  const p = await openChat(h, emu);
  await p.run(app, ['updateAJAXHeader', { header: { Authorization: 'Bearer t' } }]);
  const id = await startChat(p);
  await emu.api('DELETE', '/emulator/api/requests');
  const headers = await nextCall(id, 'refresh');
  assert.equal(headers.authorization, undefined);
  await slow(p, () => window.__chat.cmd('endChat'));
});

test('over CometD the REST file calls carry the header as it is now; Bayeux traffic carries none', async () => {
  const p = await openCometChat(h, emu, { webchat: '{enableCustomHeader: true}' });
  const id = await startChat(p);
  await p.run(app, ['updateAJAXHeader', { header: { Authorization: 'Bearer live' } }]);
  await emu.api('DELETE', '/emulator/api/requests');
  await p.run(() => window.__chat.cmd('sendFile', { files: new File(['x'], 'a.txt') }), undefined, { timeout: 10000 });
  const headers = await nextCall(id, 'file/limits');
  assert.equal(headers.authorization, 'Bearer live');
  // A Bayeux publish for certain in the window (a long-poll held across it records nothing).
  const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'over bayeux' }));
  assert.equal(sent.state, 'resolved');
  const { requests } = await emu.api('GET', '/emulator/api/requests');
  const bayeux = requests.filter((r) => r.path.startsWith(COMET_PATH));
  assert.ok(bayeux.length > 0, 'Bayeux traffic went on meanwhile');
  assert.ok(bayeux.every((r) => r.headers.authorization === undefined), 'no App header on Bayeux messages');
  await slow(p, () => window.__chat.cmd('endChat'));
});
