/**
 * The promise and deferred objects customers hold.
 *
 * State lives in a wasm `DeferredCell` (the state machine is `cxbus_core::deferred`). These
 * objects add the variadic, chainable JavaScript surface: done/fail/always/progress return
 * `this`, and then/catch/finally/pipe chain like standard promises so `await` works.
 * A facade made before the wasm is instantiated records its calls in a slot and replays them
 * on the cell once it exists, so nothing is dropped.
 */

const consoleError = console.error.bind(console);
const SLOT = Symbol('cxbus.slot');
const STATES = ['pending', 'resolved', 'rejected'];
const [DONE, FAIL, ALWAYS, PROGRESS] = [0, 1, 2, 3];

let makeCell = null;
const waitingSlots = [];

/** Called once the wasm is instantiated: every slot made before then gets its cell now. */
export function enableCells(factory) {
  makeCell = factory;
  for (const slot of waitingSlots.splice(0)) attach(slot, factory());
}

function newSlot(cell) {
  if (cell) return { cell, early: null };
  if (makeCell) return { cell: makeCell(), early: null };
  const slot = { cell: null, early: [] };
  waitingSlots.push(slot);
  return slot;
}

function attach(slot, cell) {
  slot.cell = cell;
  const early = slot.early;
  slot.early = null;
  for (const call of early) {
    try {
      call(cell);
    } catch (err) {
      consoleError('[CXBus] a promise call made before start-up threw', err);
    }
  }
}

function withCell(facade, call) {
  const slot = facade[SLOT];
  if (slot.cell) call(slot.cell);
  else slot.early.push(call);
}

/** The cell behind a facade; every slot has one once `enableCells` has run (wasm is ready). */
export function cellOf(facade) {
  return facade[SLOT].cell;
}

/** A read-only promise (what `command()` returns). */
export function CommandPromise(slot) {
  this[SLOT] = slot || newSlot();
}

/** `arguments` as a real array (the runtime reads arrays in place). */
function argList(args) {
  return args.length === 0 ? [] : args.length === 1 ? [args[0]] : Array.prototype.slice.call(args);
}

function listener(kind) {
  return function (fn) {
    if (arguments.length === 1 && typeof fn === 'function') {
      withCell(this, (cell) => cell.listenOne(kind, fn));
    } else {
      const fns = argList(arguments);
      withCell(this, (cell) => cell.listen(kind, fns));
    }
    return this;
  };
}

/** Whether `value` has a callable `then` (reading it may throw: then it is not). */
function isThenable(value) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return typeof value.then === 'function';
  } catch (_) {
    return false;
  }
}

function adopt(deferred, value) {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    let then;
    try {
      then = value.then;
    } catch (err) {
      deferred.reject(err);
      return;
    }
    if (typeof then === 'function') {
      let called = false;
      const once = (fn) => (v) => {
        if (!called) {
          called = true;
          fn(v);
        }
      };
      try {
        then.call(value, once((v) => adopt(deferred, v)), once((r) => deferred.reject(r)));
      } catch (err) {
        once((r) => deferred.reject(r))(err);
      }
      return;
    }
  }
  deferred.resolve(value);
}

/**
 * A new promise settled from `source` through the filters: `then` adopts whatever a filter
 * returns (a fail filter's value resolves); `pipe` (`keepSide`) rejects with a fail filter's
 * plain value. Both follow a returned thenable, and reject with what a filter throws.
 */
function chain(source, onResolved, onRejected, onProgress, keepSide) {
  const next = new Deferred();
  const filtered = (fn, passOn) =>
    function () {
      if (typeof fn !== 'function') {
        passOn.apply(next, arguments);
        return;
      }
      let value;
      try {
        value = fn.apply(undefined, arguments);
      } catch (err) {
        next.reject(err);
        return;
      }
      if (keepSide && !isThenable(value)) passOn.call(next, value);
      else adopt(next, value);
    };
  source.done(filtered(onResolved, next.resolve));
  source.fail(filtered(onRejected, next.reject));
  if (typeof onProgress === 'function') source.progress(onProgress);
  return next.promise();
}

const promiseMethods = {
  done: listener(DONE),
  fail: listener(FAIL),
  always: listener(ALWAYS),
  progress: listener(PROGRESS),
  state() {
    const cell = this[SLOT].cell;
    return STATES[cell ? cell.state() : 0];
  },
  isResolved() {
    return this.state() === 'resolved';
  },
  isRejected() {
    return this.state() === 'rejected';
  },
  promise() {
    return this;
  },
  then(onResolved, onRejected, onProgress) {
    return chain(this, onResolved, onRejected, onProgress, false);
  },
  /**
   * The older jQuery `pipe`: a filter maps the value and the outcome keeps its side, so a fail
   * filter's result rejects the new promise (unlike `then`, where it would resolve it). A filter
   * returning a thenable is followed; a filter that throws rejects with the error.
   */
  pipe(onResolved, onRejected, onProgress) {
    return chain(this, onResolved, onRejected, onProgress, true);
  },
  catch(onRejected) {
    return this.then(undefined, onRejected);
  },
  finally(onFinally) {
    if (typeof onFinally !== 'function') return this.then();
    const after = (settle) =>
      function (value) {
        const result = onFinally();
        const next = new Deferred();
        adopt(next, result);
        return next.promise().then(() => settle(value));
      };
    return this.then(
      after((v) => v),
      after((r) => {
        throw r;
      }),
    );
  },
};
Object.assign(CommandPromise.prototype, promiseMethods);

function settler(state) {
  return function (value) {
    if (arguments.length === 1) {
      // The common case crosses with the value alone, no argument list to build and read.
      withCell(this, (cell) => cell.settleOne(state, value));
    } else {
      const args = argList(arguments);
      withCell(this, (cell) => cell.settle(state, args, undefined));
    }
    return this;
  };
}

function settlerWith(apply) {
  return function (context, args) {
    const list = args == null ? [] : args;
    withCell(this, (cell) => apply(cell, list, context));
    return this;
  };
}

/** A full deferred (what a command handler gets as `e.deferred`). */
export function Deferred(slot) {
  CommandPromise.call(this, slot);
}
Deferred.prototype = Object.create(CommandPromise.prototype, {
  constructor: { value: Deferred, writable: true, configurable: true },
});
Object.assign(Deferred.prototype, {
  resolve: settler(1),
  reject: settler(2),
  notify() {
    const args = argList(arguments);
    withCell(this, (cell) => cell.notify(args, undefined));
    return this;
  },
  resolveWith: settlerWith((cell, args, context) => cell.settle(1, args, context)),
  rejectWith: settlerWith((cell, args, context) => cell.settle(2, args, context)),
  notifyWith: settlerWith((cell, args, context) => cell.notify(args, context)),
  promise() {
    // Kept on the (internal) slot: the same read-only view every time.
    const slot = this[SLOT];
    return slot.view || (slot.view = new CommandPromise(slot));
  },
});

/** The full deferred a handler receives for an existing cell. */
export function deferredFor(cell) {
  return new Deferred(newSlot(cell));
}

/** A fresh read-only promise and its cell slot (the cell may come later). */
export function newPromise() {
  return new CommandPromise();
}

export const STATE_NAMES = STATES;
