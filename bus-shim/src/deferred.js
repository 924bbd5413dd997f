/**
 * The promise and deferred objects customers hold, and their state.
 *
 * The state lives here, in JavaScript: a command's round trip (handler resolves, `done`/`then`
 * callbacks run) never crosses into the wasm runtime, which only holds the `Deferred` as an
 * opaque handle and settles it through `settleDeferred` when the bus itself decides (rejection
 * texts, built-in commands, Rust plugins). The state machine is the one of
 * `cxbus_core::deferred`: listeners of four kinds, settle once, stored arguments for late
 * listeners, progress only while pending. done/fail/always/progress return `this`;
 * then/catch/finally/pipe chain like standard promises so `await` works.
 *
 * Built-ins are captured at load: page code may replace `Array.isArray`, `Function.prototype`
 * methods and the like later.
 */

const consoleError = console.error.bind(console);
const isArray = Array.isArray;
const apply = Reflect.apply;
const SLOT = Symbol('cxbus.slot');
const STATES = ['pending', 'resolved', 'rejected'];
const [DONE, FAIL, ALWAYS, PROGRESS] = [0, 1, 2, 3];
/** The most items read from one array-like argument list (as `cxbus_web::safe::MAX_ITEMS`). */
const MAX_ITEMS = 10000;
/** How deep arrays of callbacks may nest; deeper (or self-containing) arrays are ignored. */
const MAX_NESTING = 8;
const NO_ARGS = [];

/** Told `(record, state, firstArgument)` when a watched deferred settles (the bus monitor). */
let onWatchedSettle = null;

export function watchSettlements(listener) {
  onWatchedSettle = listener;
}

/**
 * One deferred's state, shared by its full deferred and its read-only promise: `state` 0
 * pending, 1 resolved, 2 rejected; `listeners` is flat `[kind, fn, kind, fn, ...]` while pending;
 * `monitor` is the bus-monitor record to report the outcome to (or null); `commander` and
 * `command` name the command it answers.
 */
function newSlot() {
  return {
    state: 0,
    args: NO_ARGS,
    context: undefined,
    listeners: [],
    view: null,
    monitor: null,
    commander: undefined,
    command: undefined,
  };
}

/** Calls one callback; a throw is reported and does not stop the others. */
function call(fn, context, args) {
  try {
    apply(fn, context, args);
  } catch (err) {
    consoleError('[CXBus] a promise callback threw', err);
  }
}

/** Whether a listener of `kind` runs on settling to `state` (progress listeners never do). */
function fires(kind, state) {
  return kind === ALWAYS || (kind === DONE ? state === 1 : kind === FAIL && state === 2);
}

/** Adds a listener; one added after settlement that matches the outcome runs at once. */
function listen(slot, kind, fn) {
  if (slot.state === 0) {
    const list = slot.listeners;
    list[list.length] = kind;
    list[list.length] = fn;
  } else if (fires(kind, slot.state)) {
    call(fn, slot.context, slot.args);
  }
}

/** Settles with `args` already read (`state` 1 resolved, 2 rejected). Only the first counts. */
function settle(slot, state, args, context) {
  if (slot.state !== 0) return false;
  slot.state = state;
  slot.args = args;
  slot.context = context;
  const list = slot.listeners;
  slot.listeners = NO_ARGS;
  // The monitor hears of the outcome before the listeners run.
  const record = slot.monitor;
  if (record !== null && onWatchedSettle) {
    slot.monitor = null;
    try {
      onWatchedSettle(record, state, args[0]);
    } catch (err) {
      consoleError('[CXBus] the bus monitor threw', err);
    }
  }
  for (let i = 0; i < list.length; i += 2) {
    if (fires(list[i], state)) call(list[i + 1], context, args);
  }
  return true;
}

/** Progress: runs the progress listeners (as they were when called) while pending. */
function notify(slot, args, context) {
  if (slot.state !== 0) return;
  const list = slot.listeners;
  const fns = [];
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === PROGRESS) fns[fns.length] = list[i + 1];
  }
  for (let i = 0; i < fns.length; i++) call(fns[i], context, args);
}

/**
 * The items of an array or array-like (`length` and indexed reads), at most `MAX_ITEMS`; a
 * non-object gives none, a read that throws ends the list there (page getters, proxies).
 */
function items(value) {
  if (typeof value !== 'object' || value === null) return [];
  let length;
  try {
    length = value.length;
  } catch (_) {
    return [];
  }
  const count = typeof length === 'number' && length > 0 ? (length >= MAX_ITEMS ? MAX_ITEMS : length | 0) : 0;
  const out = [];
  for (let i = 0; i < count; i++) {
    try {
      out[i] = value[i];
    } catch (_) {
      break;
    }
  }
  return out;
}

function isArrayValue(value) {
  try {
    return isArray(value);
  } catch (_) {
    return false; // a revoked proxy
  }
}

/** The functions in `value`: a function, or arrays of them nested up to `depth`. */
function collectFunctions(value, found, depth) {
  if (typeof value === 'function') found[found.length] = value;
  else if (depth > 0 && typeof value === 'object' && value !== null && isArrayValue(value)) {
    const list = items(value);
    for (let i = 0; i < list.length; i++) collectFunctions(list[i], found, depth - 1);
  }
}

/** `arguments` as a real array, capped like any argument list. */
function argList(args) {
  const n = args.length;
  if (n === 0) return [];
  if (n === 1) return [args[0]];
  return items(args);
}

/** A read-only promise (what `command()` returns). */
export function CommandPromise(slot) {
  this[SLOT] = slot || newSlot();
}

function listener(kind) {
  return function (fn) {
    const slot = this[SLOT];
    if (arguments.length === 1 && typeof fn === 'function') {
      listen(slot, kind, fn);
    } else {
      const found = [];
      collectFunctions(argList(arguments), found, MAX_NESTING);
      for (let i = 0; i < found.length; i++) listen(slot, kind, found[i]);
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

/** Settles `slot` with `value`, following it when it is a thenable (as a standard promise). */
function adopt(slot, value) {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    let then;
    try {
      then = value.then;
    } catch (err) {
      settle(slot, 2, [err], undefined);
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
      const fail = once((r) => settle(slot, 2, [r], undefined));
      try {
        apply(then, value, [once((v) => adopt(slot, v)), fail]);
      } catch (err) {
        fail(err);
      }
      return;
    }
  }
  settle(slot, 1, [value], undefined);
}

/** A new read-only promise over a fresh state. */
function newView() {
  const slot = newSlot();
  return (slot.view = new CommandPromise(slot));
}

/**
 * A new promise settled from `source` through the filters: `then` adopts whatever a filter
 * returns (a fail filter's value resolves); `pipe` (`keepSide`) rejects with a fail filter's
 * plain value. Both follow a returned thenable, and reject with what a filter throws. One
 * listener, in the place a done and a fail listener would take, serves both outcomes.
 */
function chain(source, onResolved, onRejected, onProgress, keepSide) {
  const from = source[SLOT];
  const view = newView();
  const next = view[SLOT];
  listen(from, ALWAYS, function () {
    const state = from.state;
    const fn = state === 1 ? onResolved : onRejected;
    if (typeof fn !== 'function') {
      settle(next, state, argList(arguments), undefined);
      return;
    }
    let value;
    try {
      value = apply(fn, undefined, arguments);
    } catch (err) {
      settle(next, 2, [err], undefined);
      return;
    }
    if (keepSide && !isThenable(value)) settle(next, state, [value], undefined);
    else adopt(next, value);
  });
  if (typeof onProgress === 'function') listen(from, PROGRESS, onProgress);
  return view;
}

const promiseMethods = {
  done: listener(DONE),
  fail: listener(FAIL),
  always: listener(ALWAYS),
  progress: listener(PROGRESS),
  state() {
    return STATES[this[SLOT].state];
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
    const after = (passOn) =>
      function (value) {
        const result = onFinally();
        const next = newView();
        adopt(next[SLOT], result);
        return next.then(() => passOn(value));
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
    // The common case, one value, builds no list to read.
    settle(this[SLOT], state, arguments.length === 1 ? [value] : argList(arguments), undefined);
    return this;
  };
}

/** `resolveWith(context, args)` and friends: the array-like is read before anything settles. */
function settlerWith(state) {
  return function (context, args) {
    const list = items(args == null ? NO_ARGS : args);
    if (state === PROGRESS) notify(this[SLOT], list, context);
    else settle(this[SLOT], state, list, context);
    return this;
  };
}

/** A full deferred (what a command handler gets as `e.deferred`). */
export function Deferred(slot) {
  this[SLOT] = slot || newSlot();
}
Deferred.prototype = Object.create(CommandPromise.prototype, {
  constructor: { value: Deferred, writable: true, configurable: true },
});
Object.assign(Deferred.prototype, {
  resolve: settler(1),
  reject: settler(2),
  notify() {
    notify(this[SLOT], argList(arguments), undefined);
    return this;
  },
  resolveWith: settlerWith(1),
  rejectWith: settlerWith(2),
  notifyWith: settlerWith(PROGRESS),
  promise() {
    // Kept on the (internal) slot: the same read-only view every time.
    const slot = this[SLOT];
    return slot.view || (slot.view = new CommandPromise(slot));
  },
});

// ----- what the runtime and the shim use (never through the objects' own, replaceable methods)

/** The state behind one of our deferreds (the key is private to this module), or null. */
function slotOf(deferred) {
  const slot = typeof deferred === 'object' && deferred !== null ? deferred[SLOT] : undefined;
  return slot === undefined ? null : slot;
}

/**
 * Settles `deferred` (`state` 1 resolved, 2 rejected) with the items of the array-like `args`
 * and `context` as `this` for its callbacks. Returns whether this call settled it.
 */
export function settleDeferred(deferred, state, args, context) {
  const slot = slotOf(deferred);
  return slot !== null && settle(slot, state === 1 ? 1 : 2, items(args), context);
}

/** Settles `deferred` with exactly one argument. */
export function settleDeferredWith(deferred, state, value) {
  const slot = slotOf(deferred);
  return slot !== null && settle(slot, state === 1 ? 1 : 2, [value], undefined);
}

/** Adds listeners of `kind` (0 done, 1 fail, 2 always, 3 progress): functions or arrays of them. */
export function listenDeferred(deferred, kind, fns) {
  const slot = slotOf(deferred);
  if (slot === null) return;
  const found = [];
  collectFunctions(fns, found, MAX_NESTING);
  for (let i = 0; i < found.length; i++) listen(slot, kind, found[i]);
}

/**
 * Ties `deferred` to the command it answers: its names (for the handler's event object) and
 * its bus-monitor `record`, which hears of the outcome.
 */
export function watchDeferred(deferred, commander, command, record) {
  const slot = slotOf(deferred);
  if (slot === null) return;
  slot.commander = commander;
  slot.command = command;
  if (slot.state === 0) slot.monitor = record;
}

/** The event a command handler gets: `{time, commander, command, deferred, data}`. */
export function handlerEvent(time, deferred, data) {
  const slot = slotOf(deferred);
  const commander = slot === null ? undefined : slot.commander;
  const command = slot === null ? undefined : slot.command;
  return { time, commander, command, deferred, data };
}

export const STATE_NAMES = STATES;
