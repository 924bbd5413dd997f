/**
 * The customer-facing objects: `window.CXBus`, plugin interfaces and the QuickBus. They hold no
 * bus state; each method calls the wasm runtime, or, before it is instantiated, queues the call
 * to be replayed in order and answers what it can answer synchronously.
 */

import { Deferred } from './deferred.js';

const consoleError = console.error.bind(console);
const consoleWarn = console.warn.bind(console);
// Captured at load: customer scripts may replace globals later.
const nativeQueueMicrotask = queueMicrotask.bind(window);

/** Names taken before any customer code can register: the runtime registers these first. */
const BUILT_IN_PLUGINS = ['CXBus', 'App', 'QuickBus', 'WebChatService'];

export function makeBus() {
  let runtime = null;
  let queue = [];
  const pendingNames = new Set(BUILT_IN_PLUGINS);
  const registry = {};
  const interfaces = new Map();

  /** Runs `call` now, or queues it and returns `early`. */
  function run(call, early) {
    if (runtime) return call(runtime);
    queue.push(call);
    return early;
  }

  /**
   * Sends a command; the runtime settles the deferred, the caller gets its read-only view.
   * `data = data || {}` is applied here, where it costs no call into the runtime: a payload that
   * is then not an object (or array) goes as `undefined`, which cancels the command (cxbus.md).
   */
  function commandFrom(slot, name, data) {
    const deferred = new Deferred();
    const payload = data ? data : {};
    const coerced = typeof payload === 'object' ? payload : undefined;
    run((rt) => rt.command(slot.id, name, coerced, deferred));
    return deferred.promise();
  }

  function makeInterface(slot, name) {
    const iface = {
      publish(event, data) {
        run((rt) => rt.publish(slot.id, event, data, 0));
        return true;
      },
      publishDirect(event, data) {
        run((rt) => rt.publish(slot.id, event, data, 2));
        return true;
      },
      republish(event, data) {
        run((rt) => rt.publish(slot.id, event, data, 1));
        return true;
      },
      subscribe(event, callback) {
        if (typeof event !== 'string' || typeof callback !== 'function') return false;
        run((rt) => rt.attach(0, slot.id, event, callback));
        return event;
      },
      unsubscribe(event, callback) {
        return run((rt) => rt.attach(1, slot.id, event, callback), false);
      },
      command(command, data) {
        return commandFrom(slot, command, data);
      },
      before(command, hook) {
        if (typeof command !== 'string' || command === '' || typeof hook !== 'function') {
          return false;
        }
        run((rt) => rt.attach(2, slot.id, command, hook));
        return true;
      },
      registerCommand(command, handler, options) {
        if (typeof command !== 'string' || typeof handler !== 'function') return false;
        run((rt) => rt.attach(3, slot.id, command, handler, options));
        return true;
      },
      registerEvents(names) {
        run((rt) => rt.call(2, slot.id, names));
      },
      namespace() {
        return name;
      },
      subscribers() {
        return run((rt) => rt.call(1, slot.id), {});
      },
      data(key, value) {
        return run((rt) => rt.call(3, slot.id, key, value), value == null ? undefined : value);
      },
      registry() {
        return registry;
      },
      ready() {
        run((rt) => rt.call(0, slot.id));
      },
    };
    interfaces.set(name, iface);
    return iface;
  }

  function registerPlugin(name) {
    // Also refused by the runtime; checked here too so a call queued before it is ready agrees.
    if (typeof name !== 'string' || name === '' || name.indexOf('.') >= 0) return false;
    if (runtime) {
      const id = runtime.plugin(true, name);
      return id < 0 ? false : makeInterface({ id }, name);
    }
    if (pendingNames.has(name)) return false;
    pendingNames.add(name);
    const slot = { id: -1 };
    queue.push((rt) => {
      slot.id = rt.plugin(true, name);
    });
    return makeInterface(slot, name);
  }

  const cxbusSlot = { id: -1 };
  const quickSlot = { id: -1 };

  /** `loadPlugin` (kind 0) and `loadFile` (1): the runtime's one `load` export settles them. */
  function loader(kind) {
    return function (arg) {
      const deferred = new Deferred();
      run((rt) => rt.load(kind, arg, deferred));
      return deferred.promise();
    };
  }

  const CXBus = {
    registerPlugin,
    registerMaster() {
      // The App claims the master at start, so page code always gets undefined.
      return undefined;
    },
    loadPlugin: loader(0),
    loadFile: loader(1),
    // A registered module resolves asynchronously: the promise is always pending when returned.
    loadModule(name) {
      const deferred = new Deferred();
      run((rt) => {
        nativeQueueMicrotask(() => rt.load(2, name, deferred));
      });
      return deferred.promise();
    },
    registerModule(name, value) {
      return run((rt) => rt.call(5, 0, name, value), typeof name === 'string');
    },
    configure(options) {
      run((rt) => rt.call(4, 0, options));
      let unlocked;
      try {
        unlocked = options && options.unlocked;
      } catch (_) {
        return;
      }
      if (unlocked === true) {
        CXBus.getPluginInterface = getPluginInterface;
        if (runtime && runtime.debug) {
          consoleWarn('[CXBus] unlocked: CXBus.getPluginInterface hands out every plugin\'s identity');
        }
      } else if (unlocked === false) {
        delete CXBus.getPluginInterface;
      }
    },
    command(command, data) {
      return commandFrom(cxbusSlot, command, data);
    },
    subscribe(event, callback) {
      if (typeof event !== 'string' || typeof callback !== 'function') return false;
      run((rt) => rt.attach(0, cxbusSlot.id, event, callback));
      return event;
    },
    data(key, value) {
      return run((rt) => rt.call(3, cxbusSlot.id, key, value), value == null ? undefined : value);
    },
  };

  /** The interface `registerPlugin` returned for `name` (a built-in gets one), `false` if none. */
  function getPluginInterface(name) {
    if (interfaces.has(name)) return interfaces.get(name);
    const id = runtime ? runtime.plugin(false, String(name)) : -1;
    return id < 0 ? false : makeInterface({ id }, String(name));
  }

  const quickBus = makeInterface(quickSlot, 'QuickBus');
  quickBus.registerPlugin = registerPlugin;

  return {
    CXBus,
    quickBus,
    registry,
    /**
     * Binds the runtime, then replays the queued calls in order, each on its own: one that
     * throws (as it would have thrown to its caller) is reported and drops nothing after it.
     */
    bind(rt, beforeReplay) {
      cxbusSlot.id = rt.plugin(false, 'CXBus');
      quickSlot.id = rt.plugin(false, 'QuickBus');
      runtime = rt;
      beforeReplay();
      const queued = queue;
      queue = null;
      for (const call of queued) {
        try {
          call(rt);
        } catch (err) {
          consoleError('[CXBus] a call made before start-up threw', err);
        }
      }
    },
  };
}
