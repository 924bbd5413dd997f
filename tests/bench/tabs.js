// One chat across tabs, in `cargo xtask bench`: the time from the leading tab closing to a
// following tab receiving the agent's next message, per transport.
//
// Per run: tab A loads the chat page (tests/bench/chat.js) and leads, tab B loads it in the same
// browser context and follows; A starts a chat and the agent joins (B sees agentConnected through
// A). Then the bench notes the wall clock, closes A, and at once has the agent post a message;
// B's messageReceived subscriber stamps its arrival (performance.timeOrigin + now, the same wall
// clock). The figure is arrival minus the moment before A closed: B winning the Web Lock, resuming
// the session from the stored record, and its first fetch or socket delivering the message.
// Measured, not asserted; a transport that fails is reported as unavailable.

import { withTimeout } from '../browser/harness.js';
import { TRANSPORTS, agentApi, chatPage, joinAgent, startChat } from './chat.js';

/** Opens `url` in a new tab of the context; `follower` keeps the stored chat (see chatPage). */
async function openTab(browser, url, follower) {
  const page = await browser.context.newPage();
  if (follower) await page.addInitScript(() => sessionStorage.setItem('__benchTab', '1'));
  await page.goto(url, { waitUntil: 'load' });
  await withTimeout(page.evaluate(() => window.__bench.ready), 15000, 'WebChatService.ready');
  return page;
}

async function oneTakeover(browser, url, api, transport, run) {
  const a = await openTab(browser, url, false);
  const b = await openTab(browser, url, true);
  try {
    const id = await startChat(a, api, transport, `Tabs ${transport.id} ${run} ${Date.now()}`);
    await joinAgent(api, transport, id);
    await withTimeout(b.evaluate(() => window.__bench.agentConnected), 15000, 'agentConnected in the follower');
    const text = `after the leader closed ${run}`;
    await b.evaluate((t) => {
      window.__arrived = new Promise((resolve) => {
        window.__bench.waiters[t] = (at) => resolve(performance.timeOrigin + at);
      });
    }, text);
    const closedAt = Date.now();
    await a.close();
    await api('POST', `/emulator/api/sessions/${id}/messages`, { text });
    const arrived = await withTimeout(b.evaluate(() => window.__arrived), 20000, 'the message in the follower');
    await b.evaluate(() => window.__bench.plugin.command('WebChatService.endChat'));
    return arrived - closedAt;
  } finally {
    if (!a.isClosed()) await a.close();
    await b.close();
  }
}

/** Per transport `{label, takeover: ms[]}` or `{label, unavailable}`. */
export async function benchTabs({ browser, server, emulatorUrl, runs, progress }) {
  const api = agentApi(emulatorUrl);
  const out = {};
  for (const transport of TRANSPORTS) {
    const url = server.addPage(chatPage(transport.webchat(emulatorUrl)));
    const r = (out[transport.id] = { label: transport.label, takeover: [] });
    try {
      for (let run = 0; run < runs; run++) {
        r.takeover.push(await oneTakeover(browser, url, api, transport, run));
        progress();
      }
    } catch (e) {
      r.unavailable = String((e && e.message) || e).split('\n')[0];
    }
  }
  return out;
}

/** Prints the takeover figures: median (min–max) per transport. */
export function printTabs(results, median) {
  console.log('\n    one chat across tabs: leader tab closed to the follower receiving the next agent message');
  for (const r of Object.values(results)) {
    const xs = r.takeover;
    const figure = r.unavailable
      ? `unavailable (${r.unavailable})`
      : `${median(xs).toFixed(0)} ms median (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}, ${xs.length} runs)`;
    console.log(`    ${r.label.padEnd(26)} ${figure}`);
  }
}
