// Genesys Cloud socket faults injected through the emulator: a dropped WebSocket, an outage that
// refuses the reconnects for a while, and a socket that goes silent (no heartbeat). In each, the
// page publishes disconnected then reconnected, and no message is lost or published twice.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';
import { emulator } from './chat-emulator.js';
import {
  CLOUD_BASE,
  assertExactlyOnce,
  openCloudChat,
  serverTexts,
  startCloudChat,
  waitEvent,
  waitText,
} from './chat-cloud.js';

const h = setup();
const emu = emulator();
// No heartbeat within a test's life: the client must notice the silence itself.
const quiet = emulator(['--no-auto-agent', '--heartbeat-secs', '60']);

/** Every message the server has was published exactly once, and getTranscript is in server order. */
const assertExact = (p, server) => assertExactlyOnce(assert, p, server);

/** The page's socket attempts to this conversation's stream, as {created, opened, closed, lastFrame}. */
function sockets(p, id) {
  return p.run(
    (path) => window.__ws.filter((w) => w.url.includes(path)).map((w) => ({ created: w.created, opened: w.opened, closed: w.closed, lastFrame: w.lastFrame })),
    `${CLOUD_BASE}/${id}/stream`,
  );
}

test('a dropped socket: disconnected, reconnected, and the messages sent meanwhile arrive once', async () => {
  const p = await openCloudChat(h, emu);
  const chat = await startCloudChat(p);
  const agent = emu.agent(chat.id);
  await agent.join({ nickname: 'Alex' });
  await waitEvent(p, 'agentConnected');
  await agent.say('before the drop');
  await waitText(p, 'before the drop');

  const { dropped } = await emu.api('POST', '/emulator/api/faults/drop-websockets');
  assert.equal(dropped, 1, 'the page had one open socket to drop');
  await agent.say('while down 1');
  await agent.say('while down 2');
  await waitEvent(p, 'disconnected');
  await waitEvent(p, 'reconnected', { ms: 10000 });
  await waitText(p, 'while down 1');
  await waitText(p, 'while down 2');
  const names = await p.run(() => window.__chat.names());
  assert.ok(names.indexOf('disconnected') < names.indexOf('reconnected'), `disconnected before reconnected: [${names}]`);

  // The new socket carries live messages again.
  await agent.say('after the reconnect');
  await waitText(p, 'after the reconnect');
  const socks = await sockets(p, chat.id);
  assert.ok(socks.length >= 2 && socks.at(-1).opened && !socks.at(-1).closed, `a new socket is open: ${JSON.stringify(socks)}`);
  assert.equal(await p.run(() => window.__chat.count('disconnected')), 1);
  assert.equal(await p.run(() => window.__chat.count('reconnected')), 1);
  assert.equal(await p.run(() => window.__chat.count('ended')), 0, 'a dropped socket does not end the chat');
  await assertExact(p, await serverTexts(emu, chat.id));

  const sent = await p.run(() => window.__chat.cmd('sendMessage', { message: 'still here' }));
  assert.equal(sent.state, 'resolved', `sendMessage after the reconnect: ${JSON.stringify(sent.args)}`);
  await waitText(p, 'still here');
  await assertExact(p, await serverTexts(emu, chat.id));
  await p.run(() => window.__chat.cmd('endChat'));
});

test('an outage refusing reconnects: the page retries every 2 s until it is back, nothing lost', async () => {
  const p = await openCloudChat(h, emu);
  const chat = await startCloudChat(p);
  const agent = emu.agent(chat.id);
  await agent.join({ nickname: 'Alex' });
  await waitEvent(p, 'agentConnected');

  // Drops the socket at once and answers 503 to everything (upgrades included) for 5 s.
  await emu.faults({ offlineSeconds: 5 });
  const downAt = Date.now();
  await agent.say('during the outage 1');
  await agent.say('during the outage 2');
  await waitEvent(p, 'disconnected');
  const back = await waitEvent(p, 'reconnected', { ms: 12000 });
  const took = back.at - downAt;
  assert.ok(took >= 4500, `reconnected ${took} ms into a 5 s outage: only once the server is back`);
  assert.ok(took <= 8500, `reconnected ${took} ms after a 5 s outage began: retries every 2 s should get back within ~7 s`);
  await waitText(p, 'during the outage 1');
  await waitText(p, 'during the outage 2');
  assert.equal(await p.run(() => window.__chat.count('reconnected')), 1);

  // Socket attempts are spaced about 2 s apart: not a tight loop.
  const tries = (await sockets(p, chat.id)).slice(1).map((s) => s.created);
  assert.ok(tries.length >= 1 && tries.length <= 5, `${tries.length} socket attempt(s) during a 5 s outage`);
  const gaps = tries.slice(1).map((t, i) => t - tries[i]);
  assert.ok(gaps.every((g) => g >= 1500), `socket retries about 2 s apart, gaps: ${JSON.stringify(gaps)}`);

  await agent.say('after the outage');
  await waitText(p, 'after the outage');
  await assertExact(p, await serverTexts(emu, chat.id));
  await p.run(() => window.__chat.cmd('endChat'));
});

test('a socket silent for 14 s (no heartbeat) is treated as dead and reopened', async () => {
  const p = await openCloudChat(h, quiet);
  const chat = await startCloudChat(p);
  const agent = quiet.agent(chat.id);
  await agent.join({ nickname: 'Alex' });
  await waitEvent(p, 'agentConnected');
  const disc = await waitEvent(p, 'disconnected', { ms: 17000 });
  const first = (await sockets(p, chat.id))[0];
  const silence = disc.at - first.lastFrame;
  assert.ok(
    silence >= 12000 && silence <= 17000,
    `disconnected ${silence} ms after the socket's last frame; about 14 s without a heartbeat expected`,
  );
  await waitEvent(p, 'reconnected', { ms: 4000 });
  await agent.say('after the silence');
  await waitText(p, 'after the silence');
  await assertExact(p, await serverTexts(quiet, chat.id));
  await p.run(() => window.__chat.cmd('endChat'));
});
