/**
 * The bus monitor behind `_genesys.widgets.common.busMonitor(listener)`: a bounded record of
 * registrations, commands (with outcome and duration) and events, for the demo's inspector.
 */

const LIMIT = 1000;
const consoleError = console.error.bind(console);
const records = [];
const listeners = new Set();
let nextId = 1;

/** Calls a listener; a monitor listener that throws must never break the bus or its caller. */
function tell(listener, record) {
  try {
    listener(record);
  } catch (err) {
    consoleError('[CXBus] a bus monitor listener threw', err);
  }
}

/** Once `records` is full it is a ring: the oldest record is at this index. */
let oldest = 0;

function emit(record) {
  // A ring, not push + shift: shifting a full list moves every record, twice per command.
  if (records.length < LIMIT) records.push(record);
  else {
    records[oldest] = record;
    oldest = (oldest + 1) % LIMIT;
  }
  for (const listener of listeners) tell(listener, record);
}

/** Subscribes a listener; it first gets every record kept so far. Returns `unsubscribe`. */
export function busMonitor(listener) {
  if (typeof listener !== 'function') return () => {};
  const kept = records.slice(oldest).concat(records.slice(0, oldest));
  for (const record of kept) tell(listener, record);
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function recordEvent(now, kind, plugin, name, retained) {
  if (kind === 'publish') emit({ kind, publisher: plugin, event: name, time: now(), retained });
  else if (kind === 'subscribe') emit({ kind, plugin, event: name, time: now() });
  else emit({ kind, plugin, time: now() });
}

/**
 * Records a command. Returns what `recordSettled` reports the outcome with; the command's
 * deferred keeps it, so a command that never settles leaves nothing behind here.
 */
export function recordCommand(now, commander, command) {
  const id = nextId++;
  const time = now();
  emit({ kind: 'command', id, commander, command, time });
  return { id, command, time };
}

/** Records the outcome of a command `recordCommand` recorded as `started`; returns its name. */
export function recordSettled(now, started, state, reason) {
  const end = now();
  emit({
    kind: 'settled',
    id: started.id,
    command: started.command,
    state,
    time: end,
    ms: end - started.time,
    reason: state === 'rejected' ? reason : undefined,
  });
  return started.command;
}
