/**
 * The helpers the wasm runtime calls (`cxbus_web::host::HostJs`): an unclamped scheduler, the
 * event objects handed to user code, logging, script loading and the monitor. Globals are
 * captured here, at load time, because customer scripts replace things like `console` or
 * `Date` later.
 */

import { deferredFor, STATE_NAMES } from './deferred.js';
import { recordEvent, recordCommand, recordSettled } from './monitor.js';
import { redact } from './redact.js';

const now = Date.now.bind(Date);
const consoleLog = console.log.bind(console);
const consoleError = console.error.bind(console);
const NativePromise = Promise;
// Captured too: page code that replaces MessagePort.prototype.postMessage (or makes it throw)
// must not stop the bus's pump.
const postMessage = MessagePort.prototype.postMessage;
const apply = Reflect.apply;
const setTimer = setTimeout;

export function makeHost(getRuntime) {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => getRuntime().drain();

  return {
    schedule() {
      try {
        apply(postMessage, channel.port2, [0]);
      } catch (_) {
        setTimer(() => getRuntime().drain(), 0);
      }
    },
    runCommand(handler, commander, command, cell, data) {
      const e = { time: now(), commander, command, deferred: deferredFor(cell), data };
      try {
        handler(e);
      } catch (err) {
        consoleError('[CXBus] the handler of ' + command + ' threw', err);
        cell.settle(2, [err], undefined);
      }
    },
    deliver(callback, publisher, event, data, hasData) {
      try {
        callback({ time: now(), publisher, event, data: hasData ? data : {} });
      } catch (err) {
        consoleError('[CXBus] a subscriber of ' + event + ' threw', err);
      }
    },
    log(text) {
      consoleLog(text);
    },
    error(text, value) {
      consoleError('[CXBus] ' + text, value);
    },
    now,
    looseEqual(a, b) {
      return a == b;
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
    recordCommand(commander, command) {
      return recordCommand(now, commander, command);
    },
    recordSettled(id, state, reason) {
      const name = STATE_NAMES[state];
      // What is logged or kept never holds the session's secrets.
      if (name === 'rejected') reason = redact(reason);
      const command = recordSettled(now, id, name, reason);
      if (name === 'rejected' && getRuntime().debug) {
        consoleLog('Error (' + command + '): ' + describe(reason));
      }
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
