// Issue 11's fuzz suite: fast-check generates hostile values (null-prototype objects, throwing
// getters and toString, re-entrant getters, revoked and throwing proxies, cycles, deep nesting,
// huge arrays and array-likes, odd strings and numbers, live DOM objects) and feeds them into every
// public bus method, every WebChatService command, stored sessions and server answers. After each
// case the bus must still answer a simple command and WebChatService must still hold a chat.
//
// Values are generated in node as *recipes* (plain JSON, so fast-check can shrink them) and built
// into real hostile objects in the page by `installBuilder`.
//
// Fixed seed and bounded time inside `cargo xtask test`. To run longer or with another seed:
//   FUZZ_SECONDS=600 FUZZ_SEED=7 node --test --test-timeout=0 tests/browser/fuzz.test.js
// (plus the EMULATOR_BIN, WIDGETS_DIST and REPO_ROOT variables every browser test takes). The
// seconds are split among the properties below; a failure prints the seed, path and recipe.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { setup } from './harness.js';
import { emulator, openChat, startChat, STORAGE_KEY } from './chat-emulator.js';

const h = setup();
const emu = emulator();

const SECONDS = Number(process.env.FUZZ_SECONDS || 30);
const SEED = Number(process.env.FUZZ_SEED || 20261206);
/** Share of SECONDS each property gets. */
const SHARE = { bus: 0.45, chat: 0.3, stored: 0.1, answers: 0.15 };

function options(share) {
  return {
    seed: SEED,
    numRuns: 1_000_000,
    interruptAfterTimeLimit: Math.max(1000, SECONDS * 1000 * share),
    markInterruptAsFailure: false,
    verbose: 1,
  };
}

// ----- recipes ---------------------------------------------------------------------------------

const ODD = [
  'undefined', 'null', 'NaN', 'Infinity', '-0', 'bigint', 'symbol', 'function', 'throwingFunction',
  'date', 'regexp', 'error', 'nullProto', 'revoked', 'revokedFunction', 'throwingProxy',
  'reenteringProxy', 'hugeArrayLike', 'hugeArray', 'sparseArray', 'cycle', 'lonelySurrogate',
  'longString', 'element', 'input', 'file', 'promise', 'thenable', 'cxbus', 'window', 'frozen',
];

const KEYS = fc.oneof(
  fc.constantFrom(
    '__proto__', 'constructor', 'toString', 'valueOf', 'toJSON', 'length', 'then', '0', 'message',
    'userData', 'form', 'nickname', 'filters', 'regex', 'input', 'files', 'preprocessor', 'header',
    'enabled', 'theme', 'lang', 'name', 'extension', 'fileId', 'pluginMap', 'pluginsPath', 'debug',
    'private', 'transport', 'chatId', 'secureKey',
  ),
  fc.string({ maxLength: 6 }),
);

const { value: VALUE } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean()).map((v) => ({ k: 'prim', v })),
    fc.constantFrom(...ODD).map((v) => ({ k: 'odd', v })),
    fc.record({ depth: fc.integer({ min: 1, max: 20000 }), array: fc.boolean() }).map((r) => ({ k: 'deep', ...r })),
    fc.record({ entries: fc.array(fc.tuple(KEYS, tie('value')), { maxLength: 4 }), nullProto: fc.boolean() })
      .map((r) => ({ k: 'object', ...r })),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => ({ k: 'array', items })),
    fc.record({ key: KEYS, how: fc.constantFrom('throw', 'reenter', 'value'), inner: tie('value') })
      .map((r) => ({ k: 'getter', ...r })),
    fc.record({ how: fc.constantFrom('throw', 'reenter') }).map((r) => ({ k: 'coercion', ...r })),
  ),
}));

const WEBCHAT_COMMANDS = [
  'configure', 'startChat', 'endChat', 'sendMessage', 'sendCustomNotice', 'sendTyping',
  'sendFilteredMessage', 'addPrefilter', 'updateUserData', 'poll', 'startPoll', 'stopPoll',
  'resetPollExceptions', 'restore', 'getTranscript', 'getAgents', 'getStats', 'sendFile',
  'downloadFile', 'getSessionData', 'fetchHistory', 'registerTypingPreviewInput',
  'registerPreProcessor', 'verifySession',
];
const APP_COMMANDS = [
  'getTheme', 'setTheme', 'setLanguage', 'debug', 'about', 'registerExtension', 'updateAJAXHeader',
  'removeAJAXHeader',
];
const NAME = fc.oneof(
  fc.constantFrom(
    ...WEBCHAT_COMMANDS.map((c) => 'WebChatService.' + c),
    ...APP_COMMANDS.map((c) => 'App.' + c),
    'Fuzz.x', 'x', '', '.', 'Nope.open', '//2130706433/x.open', '../x.open', 'a b.c',
  ),
  fc.string({ maxLength: 10 }),
).map((v) => ({ k: 'prim', v }));

const ARG = fc.oneof({ weight: 1, arbitrary: NAME }, { weight: 3, arbitrary: VALUE });

/** Bus calls: CXBus methods, the fuzz plugin's interface, and deferred methods in a handler. */
const BUS_CALL = fc.record({
  target: fc.constantFrom('CXBus', 'plugin', 'deferred', 'promise'),
  method: fc.constantFrom(
    'registerPlugin', 'loadPlugin', 'loadFile', 'loadModule', 'registerModule', 'configure', 'command',
    'subscribe', 'data', 'publish', 'publishDirect', 'republish', 'unsubscribe', 'before',
    'registerCommand', 'registerEvents', 'namespace', 'subscribers', 'registry', 'ready', 'done', 'fail',
    'always', 'progress', 'then', 'catch', 'finally', 'pipe', 'state', 'resolve', 'reject', 'notify',
    'resolveWith', 'rejectWith', 'notifyWith', 'promise',
  ),
  args: fc.array(ARG, { maxLength: 3 }),
});

const CHAT_CALL = fc.record({
  command: fc.constantFrom(...WEBCHAT_COMMANDS),
  data: VALUE,
});

// ----- the page side ---------------------------------------------------------------------------

/** Installs window.__fuzz: build(recipe) makes the hostile value; call(...) and alive() run. */
function installBuilder() {
  const settle = (d, ms) => window.__t.settle(d, ms);
  const fuzz = CXBus.registerPlugin('Fuzz');
  const busy = { depth: 0 };
  // What re-entering getters do: call into the bus, at most a few levels deep.
  function reenter() {
    if (busy.depth > 3) return 'deep';
    busy.depth += 1;
    try {
      CXBus.data('reentered', busy.depth);
      fuzz.publish('reentered', { n: busy.depth });
      fuzz.command('WebChatService.verifySession');
      return 'ok';
    } finally {
      busy.depth -= 1;
    }
  }
  function odd(v) {
    switch (v) {
      case 'undefined': return undefined;
      case 'null': return null;
      case 'NaN': return NaN;
      case 'Infinity': return -Infinity;
      case '-0': return -0;
      case 'bigint': return 12345678901234567890n;
      case 'symbol': return Symbol('fuzz');
      case 'function': return function () { return { fuzz: true }; };
      case 'throwingFunction': return function () { throw new Error('fuzz function'); };
      case 'date': return new Date(NaN);
      case 'regexp': return /(a+)+$/gi;
      case 'error': return new Error('fuzz error');
      case 'nullProto': return Object.create(null);
      case 'revoked': { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; }
      case 'revokedFunction': { const r = Proxy.revocable(function () {}, {}); r.revoke(); return r.proxy; }
      case 'throwingProxy': {
        const boom = () => { throw new Error('fuzz trap'); };
        return new Proxy({}, { get: boom, has: boom, ownKeys: boom, getPrototypeOf: boom, getOwnPropertyDescriptor: boom });
      }
      case 'reenteringProxy':
        return new Proxy({}, { get: (t, k) => (k === Symbol.toPrimitive ? undefined : reenter()), ownKeys: () => { reenter(); return ['a']; }, getOwnPropertyDescriptor: () => ({ value: reenter(), enumerable: true, configurable: true }), getPrototypeOf: () => { reenter(); return Object.prototype; } });
      case 'hugeArrayLike': return { length: 4294967295, 0: 'a' };
      case 'hugeArray': return new Array(200000).fill('x');
      case 'sparseArray': { const a = []; a[1e6] = 1; return a; }
      case 'cycle': { const o = { a: 1 }; o.self = o; o.list = [o]; return o; }
      case 'lonelySurrogate': return 'a\uD800b\uDFFF\u0000\u2028';
      case 'longString': return 'x'.repeat(1 << 20);
      case 'element': return document.body;
      case 'input': { const i = document.createElement('input'); i.type = 'file'; return i; }
      case 'file': return new File(['fuzz'], 'é\u0000.txt', { type: 'text/plain' });
      case 'promise': return Promise.reject(new Error('fuzz')).catch(() => {}) && new Promise(() => {});
      case 'thenable': return { then(ok) { ok(reenter()); } };
      case 'cxbus': return window.CXBus;
      case 'window': return window;
      case 'frozen': return Object.freeze({ message: 'frozen', userData: Object.freeze({ a: 1 }) });
      default: return undefined;
    }
  }
  function build(r) {
    switch (r.k) {
      case 'prim': return r.v;
      case 'odd': return odd(r.v);
      case 'deep': {
        const root = r.array ? [] : {};
        let at = root;
        for (let i = 0; i < r.depth; i++) {
          const next = r.array ? [] : {};
          if (r.array) at.push(next); else at.child = next;
          at = next;
        }
        return { message: 'deep', userData: { tree: root }, data: root, header: root };
      }
      case 'object': {
        const o = r.nullProto ? Object.create(null) : {};
        for (const [key, v] of r.entries) {
          Object.defineProperty(o, key, { value: build(v), enumerable: true, configurable: true, writable: true });
        }
        return o;
      }
      case 'array': return r.items.map(build);
      case 'getter': {
        const o = {};
        Object.defineProperty(o, r.key, {
          enumerable: true,
          configurable: true,
          get() {
            if (r.how === 'throw') throw new Error('fuzz getter');
            if (r.how === 'reenter') return reenter();
            return build(r.inner);
          },
        });
        return o;
      }
      case 'coercion': {
        const f = () => {
          if (r.how === 'throw') throw new Error('fuzz coercion');
          return reenter();
        };
        return { toString: f, valueOf: f, toJSON: f, [Symbol.toPrimitive]: f };
      }
      default: return undefined;
    }
  }
  let lastDeferred = null;
  fuzz.registerCommand('hold', (e) => { lastDeferred = e.deferred; });
  fuzz.ready();
  window.__fuzz = {
    async call(c) {
      const args = c.args.map(build);
      try {
        let target;
        if (c.target === 'CXBus') target = window.CXBus;
        else if (c.target === 'plugin') target = fuzz;
        else {
          fuzz.command('Fuzz.hold');
          await window.__t.tick(2);
          target = c.target === 'deferred' ? lastDeferred : lastDeferred && lastDeferred.promise();
        }
        // Page code that hooks the chat's own commands may break it on purpose: not fuzzed here.
        if (c.method === 'before' && typeof args[0] === 'string' && !args[0].startsWith('Fuzz.')) return;
        const f = target && target[c.method];
        if (typeof f !== 'function') return;
        const out = f.apply(target, args);
        if (out && typeof out.fail === 'function') out.fail(() => {});
      } catch (e) {
        // Throwing back to the caller is fine; dying is not.
      }
      await window.__t.tick(3);
    },
    async command(c) {
      const data = build(c.data);
      let reply = null;
      try {
        reply = window.__chat.plugin.command('WebChatService.' + c.command, data);
      } catch (e) {
        // as above
      }
      // Let the command finish (an endChat, say) before the chat is checked.
      if (reply) await settle(reply, 8000);
    },
    /** null when alive, else what is wrong. */
    async alive() {
      const theme = await settle(CXBus.command('App.getTheme'), 3000);
      if (theme.state !== 'resolved') return 'App.getTheme ' + theme.state;
      const p = window.__chat.plugin;
      const v = await settle(p.command('WebChatService.verifySession'), 5000);
      if (v.state !== 'resolved') return 'verifySession ' + v.state + ' ' + JSON.stringify(v.args);
      if (!v.args[0] || !v.args[0].sessionActive) {
        const s = await settle(p.command('WebChatService.startChat', { nickname: 'Fuzz' }), 8000);
        if (s.state !== 'resolved') return 'startChat ' + s.state + ' ' + JSON.stringify(s.args);
      }
      return null;
    },
  };
}

/** Page errors that mean the module died (as opposed to hostile code throwing on its own). */
function fatal(p) {
  return p.pageErrors.map((e) => e.message).filter((m) => /RuntimeError|unreachable|memory access out of bounds/.test(m));
}

async function chatPage() {
  const p = await openChat(h, emu);
  p.allowPageErrors();
  await startChat(p);
  await p.run(installBuilder);
  return p;
}

async function check(p, what) {
  const problem = await p.run(() => window.__fuzz.alive(), undefined, { timeout: 20000 });
  assert.equal(problem, null, `${what}: ${problem}`);
  assert.deepEqual(fatal(p), [], `${what}: the module died`);
}

test('fuzz: hostile values into every public bus method leave the bus and the chat working', async () => {
  const p = await chatPage();
  await fc.assert(
    fc.asyncProperty(BUS_CALL, async (call) => {
      await p.run((c) => window.__fuzz.call(c), call, { timeout: 20000 });
      await check(p, `${call.target}.${call.method}`);
    }),
    options(SHARE.bus),
  );
});

test('fuzz: hostile payloads into every WebChatService command leave the bus and the chat working', async () => {
  const p = await chatPage();
  await fc.assert(
    fc.asyncProperty(CHAT_CALL, async (call) => {
      await p.run((c) => window.__fuzz.command(c), call, { timeout: 20000 });
      await check(p, `WebChatService.${call.command}`);
    }),
    options(SHARE.chat),
  );
});

const STORED = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.string({ maxLength: 40 }),
  fc.integer({ min: 1, max: 30000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc
    .record({
      version: fc.oneof(fc.constant(1), fc.jsonValue()),
      keys: fc.oneof(
        fc.record({
          transport: fc.constantFrom('gms', 'cloud', 'v3', 'x'),
          chatId: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('..', '.', 'a/b', '%2e%2e'), fc.jsonValue()),
          userId: fc.oneof(fc.string(), fc.jsonValue()),
          secureKey: fc.oneof(fc.string(), fc.jsonValue()),
          alias: fc.oneof(fc.string(), fc.jsonValue()),
          conversationId: fc.oneof(fc.string({ maxLength: 12 }), fc.constant('../..')),
          memberId: fc.string({ maxLength: 12 }),
          jwt: fc.string(),
          eventStreamUri: fc.oneof(fc.string(), fc.constant('ws://127.0.0.1:1/x')),
        }, { requiredKeys: ['transport'] }),
        fc.jsonValue(),
      ),
      lastIndex: fc.oneof(fc.nat(), fc.double(), fc.constant(1.8446744073709552e19), fc.jsonValue()),
      filters: fc.oneof(fc.constant({ prefilters: [], filtered: [] }), fc.jsonValue()),
      startTime: fc.oneof(fc.constant(Date.now()), fc.double(), fc.jsonValue()),
      lastActivity: fc.oneof(fc.constant(Date.now()), fc.constant(Number.MAX_VALUE), fc.jsonValue()),
    })
    .map((r) => JSON.stringify(r)),
);

test('fuzz: hostile stored sessions never keep WebChatService from becoming ready and chatting', async () => {
  const p = await chatPage();
  await fc.assert(
    fc.asyncProperty(STORED, async (text) => {
      await p.run(([k, v]) => localStorage.setItem(k, v), [STORAGE_KEY, text]);
      await p.page.reload();
      await p.page.waitForFunction(() => window.__chat && window.__chat.count('ready') === 1, null, { timeout: 10000 });
      await p.run(installBuilder);
      await check(p, `stored ${text.slice(0, 200)}`);
    }),
    options(SHARE.stored),
  );
});

const ANSWER = fc.record({
  status: fc.constantFrom(200, 200, 200, 204, 400, 404, 500, 503),
  body: fc.oneof(
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 30 }),
    fc.integer({ min: 1, max: 30000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
    fc.record({
      statusCode: fc.oneof(fc.constantFrom(0, 1, 2), fc.jsonValue()),
      chatEnded: fc.oneof(fc.boolean(), fc.jsonValue()),
      alias: fc.oneof(fc.string(), fc.jsonValue()),
      nextPosition: fc.oneof(fc.nat(), fc.jsonValue()),
      messages: fc.oneof(
        fc.array(
          fc.record({
            index: fc.oneof(fc.nat(), fc.constant(1.8446744073709552e19), fc.double(), fc.jsonValue()),
            type: fc.constantFrom('Message', 'ParticipantJoined', 'ParticipantLeft', 'TypingStarted', 'Notice', 'x'),
            from: fc.oneof(fc.record({ nickname: fc.string(), participantId: fc.nat(), type: fc.constantFrom('Agent', 'Client', 'External') }), fc.jsonValue()),
            text: fc.oneof(fc.string(), fc.jsonValue()),
            utcTime: fc.oneof(fc.nat(), fc.jsonValue()),
          }),
          { maxLength: 4 },
        ),
        fc.jsonValue(),
      ),
    }).map((r) => JSON.stringify(r)),
  ),
});

test('fuzz: hostile server answers to polls and sends never stall the chat', async () => {
  const p = await chatPage();
  await fc.assert(
    fc.asyncProperty(fc.array(ANSWER, { minLength: 1, maxLength: 4 }), async (answers) => {
      const queue = answers.slice();
      const handler = (route) => {
        const next = queue.shift();
        // A request may still be routed as the page closes: nothing to report then.
        const done = next
          ? route.fulfill({ status: next.status, contentType: 'application/json', body: next.body })
          : route.continue();
        return done.catch(() => {});
      };
      await p.page.route(/\/(refresh|send)$/, handler);
      await p.run(() => {
        window.__chat.plugin.command('WebChatService.sendMessage', { message: 'fuzzed' });
      });
      await p.run(() => new Promise((r) => setTimeout(r, 300)));
      await p.page.unroute(/\/(refresh|send)$/, handler);
      await check(p, `answers ${JSON.stringify(answers).slice(0, 300)}`);
      const sent = await p.run(() => window.__t.settle(window.__chat.plugin.command('WebChatService.sendMessage', { message: 'after' }), 8000), undefined, { timeout: 10000 });
      assert.equal(sent.state, 'resolved', `sendMessage after ${JSON.stringify(answers).slice(0, 300)}: ${JSON.stringify(sent.args)}`);
    }),
    options(SHARE.answers),
  );
});
