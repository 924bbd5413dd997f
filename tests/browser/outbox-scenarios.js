// The outbox scenarios every transport runs (outbox-*.test.js; README "Sending while offline").
// Each transport file passes `open(h, emu, webchatExtra)` (a ready customer page) and
// `start(p)` (starts the chat, returns the emulator's session id for the agent API).
//
// What is checked is what the customer and the server see: the page's events and command
// outcomes, and the emulator's transcript (each customer message once, in typed order).

import assert from 'node:assert/strict';
import { STORAGE_KEY, slow } from './chat-emulator.js';

/** The failure text of a message not delivered within `webchat.outbox.timeout` (texts.rs). */
export const OUTBOX_TIMED_OUT =
  'Message not delivered: the chat server could not be reached within the outbox timeout';

/** Sends `texts` in order without waiting for them to settle; outcomes land in window.__sent. */
export function sendAll(p, texts) {
  return p.run((list) => {
    window.__sent = window.__sent || {};
    list.forEach((text) => {
      window.__sent[text] = { state: 'pending' };
      window.__chat.plugin
        .command('WebChatService.sendMessage', { message: text })
        .done((answer) => (window.__sent[text] = { state: 'resolved', answer }))
        .fail((reason) => (window.__sent[text] = { state: 'rejected', reason }));
    });
  }, texts);
}

/** The customer's `Message` texts in the emulator's transcript, in server order. */
export async function customerTexts(emu, id) {
  const detail = await emu.agent(id).detail();
  return detail.transcript
    .filter((e) => e.type === 'Message' && e.from && e.from.role === 'client')
    .map((e) => e.text);
}

/** Polls `check` (async, truthy when done) every 100 ms for up to `ms`; fails with `what()`. */
export async function eventually(check, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${await what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Reloads `p` and waits for the new page's WebChatService.ready. */
async function reload(p) {
  await p.page.reload();
  await p.page.waitForFunction(() => window.__chat && window.__chat.count('ready') === 1);
}

/** The data of every `event` the page published, in order. */
export function payloads(p, event) {
  return p.run((e) => window.__chat.events.filter((x) => x.event === e).map((x) => x.data), event);
}

/** After a reload: waits for `waitRestore` and checks the `pending` messages are pending again. */
export async function assertPendingAgain(p, pending, waitRestore) {
  await slow(p, (e) => window.__chat.waitEvent(e, 1, 15000), waitRestore, 20000);
  await slow(p, (n) => window.__chat.waitEvent('messagePending', n, 15000), pending.length, 20000);
  const again = await payloads(p, 'messagePending');
  assert.deepEqual(
    again.map((m) => [m.text, m.clientId]),
    pending.map((m) => [m.text, m.clientId]),
    'the same messages, with the same client ids',
  );
}

/** Registers the scenarios under `test` for one transport. */
export function scenarios(test, h, emu, { name, open, start, waitRestore = 'restoredOffline', latency = true }) {
  test(`${name}: messages sent while the server is offline are pending, survive a reload, then arrive once each, in order`, async () => {
    const p = await open(h, emu, '');
    const id = await start(p);
    await emu.agent(id).join({ nickname: 'Alex' });
    await emu.faults({ offline: true });
    await sendAll(p, ['one', 'two', 'three']);
    await slow(p, () => window.__chat.waitEvent('messagePending', 3, 15000), undefined, 20000);
    const pending = await payloads(p, 'messagePending');
    assert.deepEqual(
      pending.map((m) => [m.text, m.pending, m.type, m.from.type]),
      [
        ['one', true, 'Message', 'Client'],
        ['two', true, 'Message', 'Client'],
        ['three', true, 'Message', 'Client'],
      ],
    );
    const ids = pending.map((m) => m.clientId);
    assert.equal(new Set(ids).size, 3, `distinct client ids: ${ids}`);
    assert.deepEqual(await p.run(() => window.__sent.one.state), 'pending', 'kept, not rejected');
    const stored = JSON.parse(await p.run((k) => localStorage.getItem(k), STORAGE_KEY));
    assert.deepEqual(
      stored.outbox.map((q) => q.text),
      ['one', 'two', 'three'],
      'the queue is in the session record',
    );

    // Reloaded while the server is still offline: the messages are pending again.
    await reload(p);
    await assertPendingAgain(p, pending, waitRestore);
    assert.deepEqual(await customerTexts(emu, id), [], 'nothing reached the server yet');

    await emu.faults({ offline: false });
    await slow(p, () => window.__chat.waitEvent('messageDelivered', 3, 30000), undefined, 35000);
    const delivered = await payloads(p, 'messageDelivered');
    assert.deepEqual(delivered.map((d) => d.clientId), ids, 'delivered in typed order');
    assert.deepEqual(await customerTexts(emu, id), ['one', 'two', 'three'], 'each once, in order, on the server');
    // The page sees each once in the transcript too.
    await eventually(
      () => p.run(() => window.__chat.messages().filter((m) => m.text === 'three').length === 1),
      15000,
      () => p.run(() => JSON.stringify(window.__chat.messages().map((m) => m.text))),
    );
    const texts = await p.run(() =>
      window.__chat.messages().filter((m) => m.type === 'Message' && m.from.type === 'Client').map((m) => m.text),
    );
    assert.deepEqual(texts, ['one', 'two', 'three']);
    const record = JSON.parse(await p.run((k) => localStorage.getItem(k), STORAGE_KEY));
    assert.equal(record.outbox, undefined, 'the record has no queue left');
    await p.run(() => window.__chat.cmd('endChat'));
  });

  test(`${name}: a message that cannot be delivered within outbox.timeout fails with the documented reason`, async () => {
    // Long enough for a transport to reconnect after the outage, for the second message.
    const p = await open(h, emu, '{outbox: {timeout: 6000}}');
    const id = await start(p);
    await emu.faults({ offline: true });
    const r = await p.run(() => window.__chat.cmd('sendMessage', { message: 'lost' }, 20000), undefined, {
      timeout: 25000,
    });
    assert.deepEqual(r, { state: 'rejected', args: [OUTBOX_TIMED_OUT] });
    const failed = await payloads(p, 'messageFailed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0].text, 'lost');
    assert.equal(failed[0].reason, OUTBOX_TIMED_OUT);
    assert.equal(failed[0].clientId, (await payloads(p, 'messagePending'))[0].clientId);
    await emu.faults({ offline: false });
    assert.deepEqual(await customerTexts(emu, id), [], 'a failed message is never sent later');
    const r2 = await p.run(() => window.__chat.cmd('sendMessage', { message: 'later' }, 15000), undefined, {
      timeout: 20000,
    });
    assert.equal(r2.state, 'resolved', JSON.stringify(r2));
    await p.run(() => window.__chat.cmd('endChat'));
  });

  test(`${name}: a send whose answer was lost is not sent twice`, async () => {
    const p = await open(h, emu, '');
    const id = await start(p);
    await emu.faults({ dropSendReplies: 1 });
    const r = await p.run(() => window.__chat.cmd('sendMessage', { message: 'once' }, 25000), undefined, {
      timeout: 30000,
    });
    assert.equal(r.state, 'resolved', JSON.stringify(r));
    // Resolved with the server's answer if a later one came, else with the transcript message
    // that showed it arrived.
    assert.ok(r.args[0] && typeof r.args[0] === 'object', JSON.stringify(r));
    const r2 = await p.run(() => window.__chat.cmd('sendMessage', { message: 'twice?' }, 15000), undefined, {
      timeout: 20000,
    });
    assert.equal(r2.state, 'resolved', JSON.stringify(r2));
    assert.deepEqual(await customerTexts(emu, id), ['once', 'twice?']);
    await p.run(() => window.__chat.cmd('endChat'));
  });

  // The emulator's latency applies to HTTP requests, not to frames on an open WebSocket.
  test(`${name}: a send that outlives ajaxTimeout stays pending and is delivered once`, { skip: !latency }, async () => {
    const p = await open(h, emu, '{ajaxTimeout: 400, pollExceptionLimit: 50}');
    const id = await start(p);
    await emu.faults({ latencyMs: 700 });
    await sendAll(p, ['slow']);
    await slow(p, () => window.__chat.waitEvent('messagePending', 1, 8000), undefined, 10000);
    await emu.faults({ latencyMs: 0 });
    await eventually(
      () => p.run(() => window.__sent.slow.state === 'resolved'),
      30000,
      () => p.run(() => JSON.stringify(window.__sent)),
    );
    assert.deepEqual(await customerTexts(emu, id), ['slow'], 'on the server once');
    await p.run(() => window.__chat.cmd('endChat'));
  });

  test(`${name}: while the browser is offline messages wait, and go in order when it is online`, async () => {
    const p = await open(h, emu, '');
    const id = await start(p);
    await p.page.context().setOffline(true);
    try {
      await sendAll(p, ['a', 'b']);
      await slow(p, () => window.__chat.waitEvent('messagePending', 2, 8000), undefined, 10000);
    } finally {
      await p.page.context().setOffline(false);
    }
    await slow(p, () => window.__chat.waitEvent('messageDelivered', 2, 30000), undefined, 35000);
    assert.deepEqual(await customerTexts(emu, id), ['a', 'b']);
    assert.deepEqual(await p.run(() => [window.__sent.a.state, window.__sent.b.state]), ['resolved', 'resolved']);
    await p.run(() => window.__chat.cmd('endChat'));
  });
}
