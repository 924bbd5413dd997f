// Commands: names, data coercion, payloads by reference, the handler's event, async dispatch,
// unknown commands and throwing handlers (cxbus.md "Commands" 1, 2, 4, 5, 7, 9).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

const CANCELLED = "Command was cancelled by a 'before' function.";
const NO_SUCH_COMMAND = 'Command does not exist';

test('an unqualified command name gets the caller\'s own namespace', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Me');
    let seen;
    me.registerCommand('open', (e) => {
      seen = e.command;
      e.deferred.resolve('opened');
    });
    me.ready();
    const res = await window.__t.settle(me.command('open'));
    return { seen, res };
  });
  assert.deepEqual(r, { seen: 'Me.open', res: { state: 'resolved', args: ['opened'] } });
});

test('a command name with more than one dot never reaches a handler', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Dots');
    let ran = false;
    me.registerCommand('a.b', (e) => {
      ran = true;
      e.deferred.resolve();
    });
    me.ready();
    const res = await window.__t.settle(window.CXBus.command('Dots.a.b'), 500);
    return { ran, state: res.state };
  });
  assert.equal(r.ran, false);
  assert.notEqual(r.state, 'resolved');
});

test('falsy data (0, "", false, null, undefined) becomes a fresh {}', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Falsy');
    const seen = [];
    me.registerCommand('take', (e) => {
      seen.push(Object.prototype.toString.call(e.data) + JSON.stringify(e.data));
      e.deferred.resolve();
    });
    me.ready();
    for (const v of [0, '', false, null, undefined]) {
      await window.__t.settle(window.CXBus.command('Falsy.take', v));
    }
    return seen;
  });
  assert.deepEqual(r, Array(5).fill('[object Object]{}'));
});

test('array data is accepted and passed as the same array', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Arr');
    let same;
    me.registerCommand('take', (e) => {
      same = e.data === arr;
      e.deferred.resolve(e.data.length);
    });
    me.ready();
    const arr = [1, 2, 3];
    const res = await window.__t.settle(window.CXBus.command('Arr.take', arr));
    return { same, res };
  });
  assert.deepEqual(r, { same: true, res: { state: 'resolved', args: [3] } });
});

test('non-object data is rejected asynchronously with the cancelled text even with no hooks', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Strict');
    let ran = 0;
    me.registerCommand('take', (e) => {
      ran += 1;
      e.deferred.resolve();
    });
    me.ready();
    const out = [];
    for (const v of ['text', true, 42, () => {}]) {
      const d = window.CXBus.command('Strict.take', v);
      const syncState = d.state();
      const res = await window.__t.settle(d);
      out.push({ syncState, state: res.state, args: res.args });
    }
    return { out, ran };
  });
  assert.equal(r.ran, 0);
  for (const o of r.out) {
    assert.deepEqual(o, { syncState: 'pending', state: 'rejected', args: [CANCELLED] });
  }
});

test('non-object data never reaches the before-hooks', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Hooked');
    me.registerCommand('take', (e) => e.deferred.resolve());
    me.ready();
    let hookCalls = 0;
    me.before('Hooked.take', (d) => {
      hookCalls += 1;
      return d;
    });
    const res = await window.__t.settle(window.CXBus.command('Hooked.take', 'a string'));
    return { hookCalls, res };
  });
  assert.deepEqual(r, { hookCalls: 0, res: { state: 'rejected', args: [CANCELLED] } });
});

test('the handler gets the caller\'s own object and its mutations are visible to the caller', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Ref');
    let same;
    me.registerCommand('mutate', (e) => {
      same = e.data === payload;
      e.data.touched = true;
      e.data.list.push('handler');
      e.deferred.resolve();
    });
    me.ready();
    const payload = { list: ['caller'] };
    await window.__t.settle(window.CXBus.command('Ref.mutate', payload));
    return { same, payload };
  });
  assert.deepEqual(r, { same: true, payload: { list: ['caller', 'handler'], touched: true } });
});

test('the handler event is {time, commander, command, deferred, data} with a full deferred', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const target = window.CXBus.registerPlugin('Target');
    const caller = window.CXBus.registerPlugin('Caller');
    let info;
    target.registerCommand('inspect', (e) => {
      const d = e.deferred;
      info = {
        keys: Object.keys(e).sort(),
        timeOk: typeof e.time === 'number' && Math.abs(e.time - Date.now()) < 5000,
        commander: e.commander,
        command: e.command,
        data: e.data,
        deferredMethods: [
          'resolve', 'reject', 'notify', 'resolveWith', 'rejectWith', 'notifyWith',
          'done', 'fail', 'always', 'progress', 'then', 'promise', 'state', 'pipe',
        ].filter((m) => typeof d[m] !== 'function'),
      };
      e.deferred.resolve();
    });
    target.ready();
    await window.__t.settle(caller.command('Target.inspect', { a: 1 }));
    return info;
  });
  assert.deepEqual(r, {
    keys: ['command', 'commander', 'data', 'deferred', 'time'],
    timeOk: true,
    commander: 'Caller',
    command: 'Target.inspect',
    data: { a: 1 },
    deferredMethods: [],
  });
});

test('the caller gets a read-only promise with no resolve or reject', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const me = window.CXBus.registerPlugin('RO');
    me.registerCommand('x', (e) => e.deferred.resolve());
    me.ready();
    const d = window.CXBus.command('RO.x');
    return {
      resolve: typeof d.resolve,
      reject: typeof d.reject,
      notify: typeof d.notify,
      done: typeof d.done,
      then: typeof d.then,
    };
  });
  assert.deepEqual(r, { resolve: 'undefined', reject: 'undefined', notify: 'undefined', done: 'function', then: 'function' });
});

test('the handler\'s return value is ignored', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Ret');
    me.registerCommand('x', () => 'ignored');
    me.ready();
    return window.__t.settle(window.CXBus.command('Ret.x'), 300);
  });
  assert.equal(r.state, 'pending');
});

test('dispatch is asynchronous: the handler never runs inside command()', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Async');
    const log = [];
    me.registerCommand('x', (e) => {
      log.push('handler');
      e.deferred.resolve();
    });
    me.ready();
    const d = window.CXBus.command('Async.x');
    log.push('after command()');
    await window.__t.settle(d);
    // A self-command runs asynchronously too.
    const d2 = me.command('x');
    log.push('after self command()');
    await window.__t.settle(d2);
    return log;
  });
  assert.deepEqual(r, ['after command()', 'handler', 'after self command()', 'handler']);
});

test('handlers run in the order the commands were issued', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const a = window.CXBus.registerPlugin('OrdA');
    const b = window.CXBus.registerPlugin('OrdB');
    const log = [];
    a.registerCommand('x', (e) => { log.push('A.x ' + e.data.n); e.deferred.resolve(); });
    b.registerCommand('y', (e) => { log.push('B.y ' + e.data.n); e.deferred.resolve(); });
    a.ready();
    b.ready();
    const ds = [];
    for (let n = 0; n < 6; n++) {
      ds.push(window.CXBus.command(n % 2 ? 'OrdB.y' : 'OrdA.x', { n }));
    }
    for (const d of ds) await window.__t.settle(d);
    return log;
  });
  assert.deepEqual(r, ['A.x 0', 'B.y 1', 'A.x 2', 'B.y 3', 'A.x 4', 'B.y 5']);
});

test('a chain of 200 commands, each sent from the previous one\'s done, is not timer-clamped', async () => {
  // With setTimeout(0) dispatch, nested timers clamp to 4 ms: 200 links take >= 800 ms.
  const p = await h.open();
  const ms = await p.run(
    () =>
      new Promise((resolve) => {
        const me = window.CXBus.registerPlugin('Chain');
        me.registerCommand('step', (e) => e.deferred.resolve(e.data.n));
        me.ready();
        const start = performance.now();
        const next = (n) => {
          if (n === 200) return resolve(performance.now() - start);
          window.CXBus.command('Chain.step', { n }).done(() => next(n + 1));
        };
        next(0);
      }),
    undefined,
    { timeout: 10000 },
  );
  assert.ok(ms < 600, `200 chained commands took ${ms.toFixed(0)} ms (clamped timers?)`);
});

test('an unknown command on a ready plugin rejects with "Command does not exist"', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Known');
    me.ready();
    return window.__t.settle(window.CXBus.command('Known.nothingHere'));
  });
  assert.deepEqual(r, { state: 'rejected', args: [NO_SUCH_COMMAND] });
});

test('an unknown App command rejects with "Command does not exist"', async () => {
  const p = await h.open();
  const r = await p.run(() => window.__t.settle(window.CXBus.command('App.noSuchCommand')));
  assert.deepEqual(r, { state: 'rejected', args: [NO_SUCH_COMMAND] });
});

test('a handler that throws rejects its command with the error, and the bus keeps working', async () => {
  const p = await h.open();
  p.allowPageErrors(); // the bus may re-report the error; the command must still reject
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Thrower');
    me.registerCommand('boom', () => {
      throw new Error('boom from handler');
    });
    me.registerCommand('fine', (e) => e.deferred.resolve('still fine'));
    me.ready();
    const boom = await window.__t.settle(window.CXBus.command('Thrower.boom'));
    const fine = await window.__t.settle(window.CXBus.command('Thrower.fine'));
    const other = window.CXBus.registerPlugin('AfterThrow');
    return { boom, fine, other: other && other.namespace() };
  });
  assert.deepEqual(r.boom, { state: 'rejected', args: [{ error: 'boom from handler' }] });
  assert.deepEqual(r.fine, { state: 'resolved', args: ['still fine'] });
  assert.equal(r.other, 'AfterThrow');
});

test('a handler that throws a non-Error value rejects with that value', async () => {
  const p = await h.open();
  p.allowPageErrors();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('ThrowStr');
    me.registerCommand('boom', () => {
      throw 'plain string';
    });
    me.ready();
    return window.__t.settle(window.CXBus.command('ThrowStr.boom'));
  });
  assert.deepEqual(r, { state: 'rejected', args: ['plain string'] });
});

test('a handler may resolve with several arguments and all reach the caller', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Multi');
    me.registerCommand('x', (e) => e.deferred.resolve(1, 'two', { three: 3 }));
    me.ready();
    return window.__t.settle(window.CXBus.command('Multi.x'));
  });
  assert.deepEqual(r, { state: 'resolved', args: [1, 'two', { three: 3 }] });
});

test('a handler may reject with its own reason and the caller receives it', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const me = window.CXBus.registerPlugin('Rej');
    me.registerCommand('x', (e) => e.deferred.reject('nope', 7));
    me.ready();
    return window.__t.settle(window.CXBus.command('Rej.x'));
  });
  assert.deepEqual(r, { state: 'rejected', args: ['nope', 7] });
});

test('a handler may send another command and resolve later (nested commands)', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const a = window.CXBus.registerPlugin('Outer');
    const b = window.CXBus.registerPlugin('Inner');
    b.registerCommand('inner', (e) => e.deferred.resolve(e.data.v * 2));
    a.registerCommand('outer', (e) => {
      a.command('Inner.inner', { v: e.data.v }).done((x) => e.deferred.resolve(x + 1));
    });
    a.ready();
    b.ready();
    return window.__t.settle(window.CXBus.command('Outer.outer', { v: 20 }));
  });
  assert.deepEqual(r, { state: 'resolved', args: [41] });
});

test("a throwing handler's exception also reaches the page as uncaught, after its command is rejected", async () => {
  const p = await h.open();
  p.allowPageErrors();
  const r = await p.run(async () => {
    const seen = [];
    window.addEventListener('error', (e) => seen.push('window error: ' + (e.error && e.error.message)));
    const me = window.CXBus.registerPlugin('ThrowsUncaught');
    me.registerCommand('boom', () => {
      throw new Error('handler failed');
    });
    me.ready();
    const outcome = await window.__t.settle(window.CXBus.command('ThrowsUncaught.boom'));
    await new Promise((r) => setTimeout(r, 10));
    return { outcome: outcome.state, seen };
  });
  assert.deepEqual(r, { outcome: 'rejected', seen: ['window error: handler failed'] });
  assert.ok(p.pageErrors.some((e) => e.message.includes('handler failed')), 'the browser saw an uncaught error');
});
