// `cargo xtask bench`: our bus (dist/widgets.min.js) against the minimal pure-JS bus
// (tests/bench/js-bus.js), in one headless Chromium run. Prints medians and ratios (ours / JS).
// Then issue 13's four dispatch figures (dispatch.js) for our bus and both pure-JS floors
// (MessageChannel and microtask scheduling), and start-up against its floor. Then, when
// EMULATOR_URL is set, WebChatService against the chat-server emulator (tests/bench/chat.js), over
// GMS REST, Genesys Cloud and GMS CometD (long-poll, WebSocket): agent-message latency (median, p95),
// ready and restore times (median, min, max). A transport the runtime cannot chat over yet is
// reported as `<id>: unavailable (<reason>)`.
//
// Measured, not asserted. Env: WIDGETS_DIST, CHROMIUM_PATH, REPO_ROOT (as for the browser suite),
// BENCH_RUNS (repeats per measurement, default 5), EMULATOR_URL (a running emulator started with
// --no-auto-agent; `cargo xtask bench` starts one).
import { launchBrowser, MOUNTS, startServer, withTimeout } from '../browser/harness.js';
import { benchChat, RESTORE_MESSAGES } from './chat.js';
import { benchTabs, printTabs } from './tabs.js';
import { dispatchFigures, DISPATCH_FIGURES } from './dispatch.js';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const EMULATOR_URL = process.env.EMULATOR_URL || '';
const ROUND_TRIPS = 2000;
const FANOUTS = [1, 10, 100];
const DELIVERIES = 20000; // per fan-out measurement: events x subscribers
const DISPATCH_OPS = 2000; // operations per dispatch figure

const PAGES = {
  ours: `<!doctype html><html><body>
<script>window.__t0 = performance.now(); window._genesys = {widgets: {main: {}}};</script>
<script src="${MOUNTS.dist}widgets.min.js"></script>
<script>
window.BUS = window.CXBus;
window.__ready = new Promise(function (resolve) {
  CXBus.subscribe('App.ready', function () { resolve(performance.now() - window.__t0); });
});
</script></body></html>`,
  js: `<!doctype html><html><body>
<script>window.__t0 = performance.now(); window._genesys = {widgets: {main: {}}};</script>
<script src="/bench/js-bus.js"></script>
<script>
window.BUS = window.JSBus;
window.__ready = new Promise(function (resolve) {
  JSBus.subscribe('App.ready', function () { resolve(performance.now() - window.__t0); });
});
</script></body></html>`,
  jsMicro: `<!doctype html><html><body>
<script>window.__t0 = performance.now(); window._genesys = {widgets: {main: {}}};
window.__jsBusScheduler = 'microtask';</script>
<script src="/bench/js-bus.js"></script>
<script>
window.BUS = window.JSBus;
window.__ready = new Promise(function (resolve) {
  JSBus.subscribe('App.ready', function () { resolve(performance.now() - window.__t0); });
});
</script></body></html>`,
  // WebChatService configured for GMS REST (no server needed until a chat starts): script start
  // to WebChatService.ready with no stored chat, against the floor below.
  chatReady: `<!doctype html><html><body>
<script>window.__t0 = performance.now();
window._genesys = {widgets: {main: {}, webchat: {dataURL: 'http://127.0.0.1:9/genesys/2/chat/customer-support'}}};</script>
<script src="${MOUNTS.dist}widgets.min.js"></script>
<script>
window.__ready = new Promise(function (resolve) {
  CXBus.subscribe('WebChatService.ready', function () { resolve(performance.now() - window.__t0); });
});
</script></body></html>`,
  startupFloor: `<!doctype html><html><body>
<script>window.__t0 = performance.now();</script>
<script src="/bench/startup-floor.js" data-dist="${MOUNTS.dist}" data-bundle="gms"></script>
</body></html>`,
};

// In-page benchmarks; `window.BUS` has the CXBus shape for both buses.
async function roundTrip(n) {
  const id = Math.random().toString(36).slice(2, 8);
  const a = window.BUS.registerPlugin('BenchA' + id);
  const b = window.BUS.registerPlugin('BenchB' + id);
  b.registerCommand('echo', (e) => e.deferred.resolve(e.data.n));
  a.ready();
  b.ready();
  const target = 'BenchB' + id + '.echo';
  for (let i = 0; i < 200; i++) await a.command(target, { n: i }); // warm-up
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const v = await a.command(target, { n: i });
    if (v !== i) throw new Error('wrong echo ' + v + ' for ' + i);
  }
  return performance.now() - t;
}

async function fanout({ subs, events }) {
  const id = Math.random().toString(36).slice(2, 8);
  const pub = window.BUS.registerPlugin('BenchP' + id);
  const sub = window.BUS.registerPlugin('BenchS' + id);
  const event = 'BenchP' + id + '.tick';
  let got = 0;
  let done;
  const finished = new Promise((r) => (done = r));
  const want = subs * events;
  for (let s = 0; s < subs; s++) {
    sub.subscribe(event, () => {
      got += 1;
      if (got === want) done();
    });
  }
  const payload = { n: 1 };
  // Warm-up publish, not counted.
  got = -subs;
  pub.publish('tick', payload);
  await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => setTimeout(r, 0));
  const t = performance.now();
  for (let i = 0; i < events; i++) pub.publish('tick', payload);
  await finished;
  return performance.now() - t;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  const server = await startServer();
  const browser = await launchBrowser();
  const urls = Object.fromEntries(Object.entries(PAGES).map(([k, html]) => [k, server.addPage(html)]));
  const results = { ours: {}, js: {}, jsMicro: {} };

  async function fresh(kind) {
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(urls[kind], { waitUntil: 'load' });
    const readyMs = await withTimeout(page.evaluate(() => window.__ready), 15000, `${kind} App.ready`);
    if (errors.length) throw new Error(`${kind} page errors: ${errors.join('; ')}`);
    return { page, readyMs };
  }

  try {
    for (const kind of ['ours', 'js', 'jsMicro']) {
      const name = { ours: 'our bus', js: 'the pure-JS bus', jsMicro: 'the pure-JS bus on microtasks' }[kind];
      process.stdout.write(`    measuring ${name} `);
      const r = results[kind];
      r.dispatch = Object.fromEntries(DISPATCH_FIGURES.map(([key]) => [key, []]));
      r.ready = [];
      r.roundTrip = [];
      r.fanout = Object.fromEntries(FANOUTS.map((n) => [n, []]));
      for (let run = 0; run < RUNS; run++) {
        const { page, readyMs } = await fresh(kind);
        r.ready.push(readyMs);
        const figures = await withTimeout(page.evaluate(dispatchFigures, DISPATCH_OPS), 60000, 'dispatch');
        for (const [key] of DISPATCH_FIGURES) r.dispatch[key].push(figures[key]);
        if (kind === 'jsMicro') {
          await page.close();
          process.stdout.write('.');
          continue;
        }
        r.roundTrip.push(await withTimeout(page.evaluate(roundTrip, ROUND_TRIPS), 60000, 'round trip'));
        for (const subs of FANOUTS) {
          const events = Math.max(1, Math.round(DELIVERIES / subs));
          r.fanout[subs].push(await withTimeout(page.evaluate(fanout, { subs, events }), 60000, 'publish'));
        }
        await page.close();
        process.stdout.write('.');
      }
      process.stdout.write('\n');
    }
    process.stdout.write('    measuring start-up with chat, and its floor ');
    results.startup = { chatReady: [], startupFloor: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const kind of ['chatReady', 'startupFloor']) {
        const { page, readyMs } = await fresh(kind);
        results.startup[kind].push(readyMs);
        await page.close();
      }
      process.stdout.write('.');
    }
    process.stdout.write('\n');
    if (EMULATOR_URL) {
      const args = {
        browser,
        server,
        emulatorUrl: EMULATOR_URL,
        runs: RUNS,
        progress: () => process.stdout.write('.'),
      };
      process.stdout.write('    measuring WebChatService against the emulator ');
      results.chat = await benchChat(args);
      process.stdout.write('\n    measuring one chat across tabs (leader closed to next message) ');
      results.tabs = await benchTabs(args);
      process.stdout.write('\n');
    }
  } finally {
    await browser.close();
    await server.close();
  }

  const rows = [];
  const row = (label, ours, js, unit, per) => {
    rows.push([label, fmt(ours, unit), fmt(js, unit), `${(ours / js).toFixed(2)}x`, per || '']);
  };
  const fmt = (v, unit) => (unit === 'us' ? `${v.toFixed(2)} µs` : `${v.toFixed(1)} ms`);
  const o = results.ours;
  const j = results.js;
  row(
    `command round-trip, ${ROUND_TRIPS} awaited (total)`,
    median(o.roundTrip),
    median(j.roundTrip),
    'ms',
  );
  row('  per command', (median(o.roundTrip) * 1000) / ROUND_TRIPS, (median(j.roundTrip) * 1000) / ROUND_TRIPS, 'us');
  for (const subs of FANOUTS) {
    const events = Math.max(1, Math.round(DELIVERIES / subs));
    row(
      `publish to ${subs} subscriber${subs > 1 ? 's' : ''}, per event (${events} events)`,
      (median(o.fanout[subs]) * 1000) / events,
      (median(j.fanout[subs]) * 1000) / events,
      'us',
    );
  }
  row('script start to App.ready', median(o.ready), median(j.ready), 'ms');

  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length), ['', 'ours', 'pure JS', 'ratio'][c].length));
  const line = (cells) =>
    '    ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ');
  console.log(`\n    medians of ${RUNS} runs each, headless Chromium; ratio = ours / pure JS (lower is better)`);
  console.log(line(['benchmark', 'ours', 'pure JS', 'ratio']));
  for (const r of rows) console.log(line(r.slice(0, 4)));

  printDispatch(results);
  const ours = median(results.startup.chatReady);
  const floor = median(results.startup.startupFloor);
  console.log(
    `\n    script start to WebChatService.ready (GMS bundle, no stored chat): ${ours.toFixed(1)} ms;` +
      ` floor (the same glue imported and wasm compiled, nothing run): ${floor.toFixed(1)} ms;` +
      ` ratio ${(ours / floor).toFixed(2)}x (goal ≤ 1.15x ${ours / floor <= 1.15 ? 'met' : 'NOT met'})`,
  );
  if (results.chat) printChat(results.chat);
  if (results.tabs) printTabs(results.tabs, median);
  else console.log('\n    WebChatService: skipped (no EMULATOR_URL; `cargo xtask bench` starts the emulator)');
}

/** Issue 13's dispatch figures: ours against the microtask floor (and the MessageChannel bus). */
function printDispatch(results) {
  const us = (v) => `${v.toFixed(2)} µs`;
  const rows = DISPATCH_FIGURES.map(([key, label, goal]) => {
    const ours = median(results.ours.dispatch[key]);
    const floor = median(results.jsMicro.dispatch[key]);
    const channel = median(results.js.dispatch[key]);
    const ratio = ours / floor;
    return [label, us(ours), us(floor), `${ratio.toFixed(2)}x`, `≤ ${goal}x ${ratio <= goal ? 'met' : 'NOT met'}`, us(channel)];
  });
  const header = ['dispatch, per operation', 'ours', 'JS floor', 'ratio', 'goal', 'JS on MessageChannel'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells) =>
    '    ' + cells.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('   ');
  console.log(
    `\n    medians of ${RUNS} runs of ${DISPATCH_OPS} operations; floor = the pure-JS bus dispatching through` +
      ' microtasks; fresh-task figures minus the cost of the task hop itself',
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

/** Nearest-rank percentile. */
const percentile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

function printChat(c) {
  const ms = (v) => `${v.toFixed(1)} ms`;
  const us = (v) => `${v.toFixed(2)} µs`;
  const ids = Object.keys(c);
  // One cell per transport: "median (min–max)", or why there is no figure.
  const cell = (t, pick, f = ms, scale = 1) => {
    const r = c[t];
    if (r.unavailable) return 'unavailable';
    if (!r.restore || r.restore.error) return 'failed';
    const xs = pick(r.restore);
    const bare = (v) => f(v * scale).split(' ')[0];
    return `${f(median(xs) * scale)} (${bare(Math.min(...xs))}–${bare(Math.max(...xs))})`;
  };
  const latencyCell = (t) => {
    const r = c[t];
    if (r.unavailable) return 'unavailable';
    const xs = r.latency;
    return `${ms(median(xs))} / ${ms(percentile(xs, 0.95))} (${xs.length} msgs)`;
  };
  const outboxCell = (t) => {
    const r = c[t];
    if (r.unavailable) return 'unavailable';
    if (!r.outbox || r.outbox.error) return 'failed';
    const xs = r.outbox;
    return `${ms(median(xs))} (${ms(Math.min(...xs)).split(' ')[0]}–${ms(Math.max(...xs)).split(' ')[0]})`;
  };
  const rows = [
    ['agent message to customer messageReceived: median / p95', ...ids.map(latencyCell)],
    ['script start to WebChatService.ready (no stored chat)', ...ids.map((t) => cell(t, (r) => r.ready))],
    ['script start to WebChatService.ready (reload, chat stored)', ...ids.map((t) => cell(t, (r) => r.readyRestoring))],
    [`restore ${RESTORE_MESSAGES} messages: script start to last published`, ...ids.map((t) => cell(t, (r) => r.restore))],
    ['  per message', ...ids.map((t) => cell(t, (r) => r.restore, us, 1000 / RESTORE_MESSAGES))],
    ['  of which: last server answer in to last published', ...ids.map((t) => cell(t, (r) => r.afterAnswer))],
    ['  floor: JSON.parse of the largest answer', ...ids.map((t) => cell(t, (r) => r.parseFloor))],
    ['outbox: server back online to last of 3 queued messages delivered', ...ids.map(outboxCell)],
  ];
  const header = ['benchmark', ...ids.map((t) => c[t].label)];
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col].length)));
  const line = (cells) =>
    '    ' + cells.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('   ');
  console.log(
    `\n    WebChatService against the emulator at ${EMULATOR_URL}, headless Chromium;` +
      ` restore rows: median (min–max) of ${RUNS} runs`,
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log(
    '    latency: the page POSTs an agent message to the agent API and times, on its own clock, until its\n' +
      '    messageReceived subscriber has the text (random 0–500 ms between messages, 0–3000 ms over Engage v3,\n' +
        '    after one warm-up).',
  );
  console.log(
    '    restore: the rest of "script start to last published" is start-up and waiting for the server (the\n' +
      '    release-built emulator serialising the whole transcript); what the runtime itself does is the\n' +
      '    "last server answer in" row, against the floor of parsing that answer.',
  );
  if (c.gms && !c.gms.unavailable) {
    console.log(
      `    gms: latency ${ms(median(c.gms.latency))} median is bound by the GMS poll interval` +
        ' (0.5 s after activity, backing off ×1.2 to 3 s idle): it measures polling, not the runtime.',
    );
  }
  if (c.v3 && !c.v3.unavailable) {
    console.log(
      `    v3: latency ${ms(median(c.v3.latency))} median is bound by the Engage v3 poll interval` +
        ' (every 3 s): it measures polling, not the runtime.',
    );
  }
  console.log(
    '    outbox: the emulator is switched offline, 3 messages are sent (all pending), 2 s later it is switched\n' +
      '    back and the page times until the third messageDelivered; bound by the retry backoff (1 s doubling\n' +
      '    to 10 s) unless the transport reports its link back first. Median (min–max) of the runs in one chat.',
  );
  for (const t of ids) {
    const r = c[t];
    if (r.unavailable) {
      console.log(`    ${t}: unavailable (${r.unavailable})`);
      continue;
    }
    if (r.outbox && r.outbox.error) console.log(`    ${t}: outbox failed (${r.outbox.error})`);
    if (r.restore && r.restore.error) {
      console.log(`    ${t}: restore failed (${r.restore.error})`);
      continue;
    }
    const x = r.restore;
    console.log(
      `    ${t}: restore published ${median(x.restoredMessages)} messages (${RESTORE_MESSAGES} agent texts,` +
        ` ${median(x.restoredMessages) - RESTORE_MESSAGES} others)` +
        ` in a median of ${median(x.batches)} messageReceived event(s);` +
        ` building each transcript took ${ms(median(x.build))} (agent API, not measured above)`,
    );
  }
}

main().catch((e) => {
  console.error(`bench failed: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
