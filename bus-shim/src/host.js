/**
 * The helpers the wasm runtime calls (`cxbus_web::host::HostJs`): the scheduler, the
 * event objects handed to user code, logging, script loading and the monitor. Globals are
 * captured here, at load time, because customer scripts replace things like `console` or
 * `Date` later.
 */

import {
  Deferred,
  handlerEvent,
  listenDeferred,
  settleDeferred,
  settleDeferredWith,
  STATE_NAMES,
  watchDeferred,
  watchSettlements,
} from './deferred.js';
import { recordEvent, recordCommand, recordSettled } from './monitor.js';
import { redact } from './redact.js';

const now = Date.now.bind(Date);
const consoleLog = console.log.bind(console);
const consoleError = console.error.bind(console);
const NativePromise = Promise;
// Captured too: page code that replaces queueMicrotask or MessagePort.prototype.postMessage (or
// makes them throw) must not stop the bus's pump.
const microtask = queueMicrotask;
const postMessage = MessagePort.prototype.postMessage;
const apply = Reflect.apply;
const setTimer = setTimeout;
const defineProperty = Object.defineProperty;

/**
 * Drains in a row through microtasks before the scheduler yields to the event loop once. Plugins
 * that keep commanding each other (a subscriber that republishes its own event) would otherwise
 * starve rendering and input for good; with this they only slow down.
 */
const MICROTASK_DRAINS_BEFORE_YIELD = 1000;

/**
 * Reports an exception from customer code (a handler or a subscriber) to the page as uncaught,
 * as the vendor's bus lets it escape: the window `error` event and the console see it, and the
 * bus goes on with the next handler or subscriber.
 */
const reportUncaught =
  typeof reportError === 'function'
    ? reportError.bind(window)
    : (err) =>
        setTimeout(() => {
          throw err;
        }, 0);

/** Calls one subscriber with its own event object; a throw is reported, never propagated. */
function deliverOne(callback, publisher, event, data, hasData) {
  try {
    callback({ time: now(), publisher, event, data: hasData ? data : {} });
  } catch (err) {
    reportUncaught(err);
  }
}

export function makeHost(getRuntime) {
  // Work runs in a microtask: after the caller's synchronous code, before the next task, with no
  // timer clamp (cxbus.md: handlers run asynchronously, in call order). Every
  // MICROTASK_DRAINS_BEFORE_YIELD drains without an event-loop turn, one drain goes through a
  // MessageChannel task instead, which also starts the count afresh.
  const channel = new MessageChannel();
  let drainsInARow = 0;
  const drain = () => getRuntime().drain();
  channel.port1.onmessage = () => {
    drainsInARow = 0;
    drain();
  };
  // A watched command's outcome, when its deferred settles (here in JS, not in the runtime).
  watchSettlements((record, state, reason) => {
    const name = STATE_NAMES[state];
    // What is logged or kept never holds the session's secrets.
    if (name === 'rejected') reason = redact(reason);
    const command = recordSettled(now, record, name, reason);
    if (name === 'rejected' && getRuntime().debug) {
      consoleLog('Error (' + command + '): ' + describe(reason));
    }
  });

  return {
    schedule() {
      drainsInARow += 1;
      try {
        if (drainsInARow < MICROTASK_DRAINS_BEFORE_YIELD) {
          // Called directly (no Reflect.apply and argument list): this runs once per command.
          microtask(drain);
        } else {
          apply(postMessage, channel.port2, [0]);
        }
      } catch (_) {
        setTimer(drain, 0);
      }
    },
    runCommand(handler, deferred, data) {
      const e = handlerEvent(now(), deferred, data);
      try {
        handler(e);
      } catch (err) {
        settleDeferredWith(deferred, 2, err);
        reportUncaught(err);
      }
    },
    /** A command's deferred (the state lives in JS, see deferred.js); the runtime holds it. */
    newDeferred() {
      return new Deferred();
    },
    settle: settleDeferred,
    settleOne: settleDeferredWith,
    listen: listenDeferred,
    deliver(callbacks, publisher, event, data, hasData) {
      for (let i = 0; i < callbacks.length; i++) {
        deliverOne(callbacks[i], publisher, event, data, hasData);
      }
    },
    log(text) {
      consoleLog(text);
    },
    error(text, value) {
      consoleError('[CXBus] ' + text, value);
    },
    now,
    dataEntry(map, key, last, value, time) {
      const entry = { last, value, time };
      try {
        defineProperty(map, key, { value: entry, writable: true, enumerable: true, configurable: true });
      } catch (_) {}
      return entry;
    },
    loadScript(url) {
      return new NativePromise((resolve) => {
        const script = document.createElement('script');
        script.src = url;
        script.async = true;
        script.onload = () => resolve(true);
        script.onerror = () => resolve(false);
        (document.head || document.documentElement).appendChild(script);
      });
    },
    record(kind, plugin, name, retained) {
      recordEvent(now, kind, plugin, name, retained);
    },
    recordCommand(commander, command, deferred) {
      watchDeferred(deferred, commander, command, recordCommand(now, commander, command));
    },
    /** A copy of an event's data without the session's secrets (WebChatService's `error`). */
    redact(value) {
      return redact(value);
    },
  };
}

function describe(reason) {
  if (reason instanceof Error) return reason.message;
  try {
    return typeof reason === 'object' && reason !== null ? JSON.stringify(reason) : String(reason);
  } catch (_) {
    return String(reason);
  }
}
