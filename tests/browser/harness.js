// Browser-test harness: a static server for dist/ and test pages, one headless Chromium per test
// file, a fresh page per test, and helpers that run scenario code in the page the way customer
// code runs.
//
// Usage in a test file:
//
//   import { test } from 'node:test';
//   import assert from 'node:assert/strict';
//   import { setup } from './harness.js';
//   const h = setup();
//   test('behaviour', async () => {
//     const p = await h.open({ config: '{main: {debug: false}}' });
//     assert.equal(await p.run(() => typeof window.CXBus), 'object');
//   });
//
// Environment: WIDGETS_DIST (abs path of dist/), CHROMIUM_PATH, REPO_ROOT (all optional).

import { after, afterEach, before } from 'node:test';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = process.env.REPO_ROOT || path.resolve(HERE, '../..');
export const DIST = process.env.WIDGETS_DIST || path.join(REPO_ROOT, 'dist');
const PAGES = path.join(HERE, 'pages');
const DEMO_SITE = path.join(REPO_ROOT, 'demo-site');
const BENCH = path.join(HERE, '..', 'bench');

/** How long one scenario may run in the page before it fails as "hung". */
export const SCENARIO_TIMEOUT_MS = 5000;
/** How long a page may take to publish App.ready. */
export const READY_TIMEOUT_MS = 10000;

/** Where the bundle is mounted. `/cdn/...` proves the wasm is found relative to the script. */
export const MOUNTS = {
  dist: '/dist/',
  cdn: '/cdn/widgets/9.0/',
  slowCdn: '/slowcdn/widgets/9.0/', // like cdn, but widgets.wasm arrives 400 ms late
};

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.ts': 'text/plain; charset=utf-8',
};

/** Fails fast with a clear message instead of hanging the suite. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${ms} ms (a promise that never settles?)`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts the static server on 127.0.0.1, port 0. */
export async function startServer() {
  const generated = new Map(); // '/pages/gen-3.html' -> html
  const requests = []; // every path asked for, in order
  let counter = 0;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const p = decodeURIComponent(url.pathname);
    requests.push(p);
    const send = (status, type, body) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (generated.has(p)) return send(200, TYPES['.html'], generated.get(p));
    let file = null;
    let delay = 0;
    for (const [prefix, dir] of [
      [MOUNTS.dist, DIST],
      [MOUNTS.cdn, DIST],
      [MOUNTS.slowCdn, DIST],
      ['/pages/', PAGES],
      ['/demo/', DEMO_SITE],
      ['/bench/', BENCH],
    ]) {
      if (p.startsWith(prefix)) {
        const rest = p.slice(prefix.length);
        if (rest.split('/').some((seg) => seg === '..')) return send(403, 'text/plain', 'forbidden');
        file = path.join(dir, rest);
        if (prefix === MOUNTS.slowCdn && p.endsWith('.wasm')) delay = 400;
        break;
      }
    }
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      return send(404, 'text/plain', 'not found');
    }
    const body = fs.readFileSync(file);
    const type = TYPES[path.extname(file)] || 'application/octet-stream';
    setTimeout(() => send(200, type, body), delay);
  });
  server.keepAliveTimeout = 1000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    requests,
    /** Serves `html` at a fresh URL under /pages/ (so relative plugin files resolve there). */
    addPage(html) {
      counter += 1;
      const p = `/pages/gen-${counter}.html`;
      generated.set(p, html);
      return origin + p;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Launches headless Chromium with the flags this closed network needs and a fresh profile. */
export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}; run \`cargo xtask setup\` or set CHROMIUM_PATH`);
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'widgets-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30000,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

// In-page helpers, installed before any page script runs.
// - window.__console: every console call as {level, text}, in order (the bus may capture
//   console methods at load time, so the wrapper must be there first).
// - window.__t.settle(d, ms): {state: 'resolved'|'rejected'|'pending', args} of a deferred,
//   without hanging when it never settles; Error args become {error: message}.
// - window.__t.tick(n): waits n macrotasks.
const INIT_SCRIPT = `(() => {
  const log = [];
  window.__console = log;
  const fmt = (a) => {
    if (typeof a === 'string') return a;
    if (a instanceof Error) return String(a && a.message);
    try { return JSON.stringify(a); } catch (e) { return String(a); }
  };
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    const orig = console[level];
    console[level] = function (...args) {
      log.push({ level, text: args.map(fmt).join(' ') });
      return orig.apply(this, args);
    };
  }
  const norm = (a) => (a instanceof Error ? { error: a.message } : a);
  window.__t = {
    norm,
    tick(n = 1) {
      let p = Promise.resolve();
      for (let i = 0; i < n; i++) p = p.then(() => new Promise((r) => setTimeout(r, 0)));
      return p;
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    settle(d, ms = 2000) {
      return new Promise((resolve) => {
        let done = false;
        const finish = (v) => { if (!done) { done = true; clearTimeout(t); resolve(v); } };
        const t = setTimeout(() => finish({ state: 'pending', args: [] }), ms);
        try {
          d.done((...a) => finish({ state: 'resolved', args: a.map(norm) }));
          d.fail((...a) => finish({ state: 'rejected', args: a.map(norm) }));
        } catch (e) {
          finish({ state: 'no-deferred', args: [String(e && e.message)] });
        }
      });
    },
  };
})();`;

/**
 * Builds a customer-style page: `window._genesys = {widgets: <config>}`, then the script tag,
 * then `after` on the next line. `config` is JS source (so it may hold functions).
 */
export function customerPage({
  config = '{}',
  beforeScript = '',
  after = '',
  scriptSrc = `${MOUNTS.dist}widgets.min.js`,
  body = '',
  readyProbe = true,
} = {}) {
  const probe = readyProbe
    ? `window.__appReadyFired = false;
try { CXBus.subscribe('App.ready', function () { window.__appReadyFired = true; }); }
catch (e) { window.__probeError = String(e && e.message); }`
    : '';
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>widgets test page</title></head>
<body>${body}
<script>
${beforeScript}
window._genesys = window._genesys || {};
window._genesys.widgets = ${config};
</script>
<script src="${scriptSrc}"></script>
<script>
${after}
${probe}
</script>
</body></html>`;
}

/** A page under test: run scenarios, read the console, check errors. */
class TestPage {
  constructor(page, server) {
    this.page = page;
    this.server = server;
    this.pageErrors = [];
    this.consoleErrors = [];
    this.allowErrors = false;
    this.requestMark = server.requests.length;
    page.on('pageerror', (e) => this.pageErrors.push(e));
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(m.text());
    });
  }

  /** Runs `fn(arg)` in the page and returns its (awaited) result, failing fast if it hangs. */
  run(fn, arg, { timeout = SCENARIO_TIMEOUT_MS, what = 'scenario' } = {}) {
    return withTimeout(this.page.evaluate(fn, arg), timeout, what);
  }

  /** Paths requested from the server since this page was opened (tests run one at a time). */
  requests() {
    return this.server.requests.slice(this.requestMark);
  }

  /** Every console call made in the page so far, as {level, text}. */
  console() {
    return this.page.evaluate(() => window.__console.slice());
  }

  /** Waits until `App.ready` has been published (seen by the probe on the page). */
  async waitReady() {
    try {
      await this.page.waitForFunction(() => window.__appReadyFired === true, null, {
        timeout: READY_TIMEOUT_MS,
      });
    } catch {
      const probeError = await this.page.evaluate(() => window.__probeError).catch(() => null);
      throw new Error(
        `App.ready was never published within ${READY_TIMEOUT_MS} ms` +
          (probeError ? ` (CXBus.subscribe threw: ${probeError})` : '') +
          this.errorReport(),
      );
    }
  }

  /** This test expects uncaught page errors (for example a throwing subscriber re-reported). */
  allowPageErrors() {
    this.allowErrors = true;
  }

  errorReport() {
    let out = '';
    if (this.pageErrors.length) {
      out += `\n  uncaught page errors:\n    ${this.pageErrors.map((e) => e.message).join('\n    ')}`;
    }
    if (this.consoleErrors.length) {
      out += `\n  console errors:\n    ${this.consoleErrors.join('\n    ')}`;
    }
    return out;
  }
}

/**
 * Registers the per-file hooks (one server + one browser per file, a new page per test, and an
 * error check after each test) and returns the helpers.
 */
export function setup() {
  const state = { server: null, browser: null, pages: [], isolated: [] };

  before(async () => {
    if (!fs.existsSync(path.join(DIST, 'widgets.min.js'))) {
      throw new Error(`${DIST}/widgets.min.js is missing; run \`cargo xtask dist\` first`);
    }
    state.server = await startServer();
    state.browser = await launchBrowser();
  });

  after(async () => {
    await state.browser?.close();
    await state.server?.close();
  });

  afterEach(async () => {
    const pages = state.pages.splice(0);
    let problem = '';
    for (const p of pages) {
      if (p.pageErrors.length && !p.allowErrors) {
        problem += `uncaught page error(s) during the test:${p.errorReport()}\n`;
      }
      await p.page.close().catch(() => {});
    }
    for (const b of state.isolated.splice(0)) await b.close();
    if (problem) throw new Error(problem);
  });

  return {
    get server() {
      return state.server;
    },

    /**
     * Opens a customer page (see customerPage for options) and, unless `waitReady: false`,
     * waits for App.ready. `isolated: true` opens it in a browser of its own (another profile:
     * no storage, cookies or cache shared with the other pages), closed after the test.
     */
    async open(opts = {}) {
      const { waitReady = true, html } = opts;
      let browser = state.browser;
      if (opts.isolated) {
        browser = await launchBrowser();
        state.isolated.push(browser);
      }
      const page = await browser.context.newPage();
      page.setDefaultTimeout(10000);
      await page.addInitScript(INIT_SCRIPT);
      const tp = new TestPage(page, state.server);
      state.pages.push(tp);
      const url = state.server.addPage(html ?? customerPage(opts));
      await page.goto(url, { waitUntil: 'load' });
      if (waitReady && opts.readyProbe !== false) await tp.waitReady();
      return tp;
    },
  };
}
