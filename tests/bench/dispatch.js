// The four dispatch figures of issue 13, measured in the page for any bus with the CXBus shape
// (`window.BUS`): a command round trip started from a fresh task, a publish to one subscriber, a
// chained round trip (the next command sent from the previous one's callback) and a publish to 100
// subscribers.
//
// performance.now() is coarsened in the browser, so nothing is timed one at a time: each figure
// runs `n` times back to back and the per-operation time is the total divided by `n`. The two
// fresh-task figures start every operation from its own MessageChannel task; the same chain of
// tasks with no bus work is timed alongside and subtracted, so they report the bus's share only.

/** In-page: per-operation microseconds for the four figures. Self-contained (page.evaluate). */
export async function dispatchFigures(n) {
  const bus = window.BUS;
  const id = Math.random().toString(36).slice(2, 8);
  const a = bus.registerPlugin('DispA' + id);
  const b = bus.registerPlugin('DispB' + id);
  b.registerCommand('echo', (e) => e.deferred.resolve(e.data.n));
  a.ready();
  b.ready();
  const target = 'DispB' + id + '.echo';
  const event = 'DispA' + id + '.tick';
  const payload = { n: 1 };

  // n steps, each from a fresh task; step(next) calls next() when its work is done.
  const freshTasks = (count, step) =>
    new Promise((resolve) => {
      const channel = new MessageChannel();
      let i = 0;
      const t = performance.now();
      const next = () => {
        i += 1;
        if (i > count) {
          channel.port1.onmessage = null;
          resolve(performance.now() - t);
        } else {
          channel.port2.postMessage(0);
        }
      };
      channel.port1.onmessage = () => step(next);
      next();
    });
  const chained = (count) =>
    new Promise((resolve) => {
      let i = 0;
      const t = performance.now();
      const go = () => {
        i += 1;
        if (i > count) return resolve(performance.now() - t);
        a.command(target, payload).then(go);
      };
      go();
    });

  let pending = null;
  const one = bus.registerPlugin('DispS1' + id);
  one.subscribe(event, () => pending && pending());
  const many = 100;
  let got = 0;
  let pendingMany = null;
  const event100 = 'DispA' + id + '.many';
  for (let s = 0; s < many; s++) {
    one.subscribe(event100, () => {
      got += 1;
      if (got === many) {
        got = 0;
        pendingMany();
      }
    });
  }
  const figures = {
    baseline: () => freshTasks(n, (next) => next()),
    roundTrip: () => freshTasks(n, (next) => a.command(target, payload).then(next)),
    publishOne: () =>
      freshTasks(n, (next) => {
        pending = next;
        a.publish('tick', payload);
      }),
    chained: () => chained(n),
    publish100: () =>
      freshTasks(n, (next) => {
        pendingMany = next;
        a.publish('many', payload);
      }),
  };
  for (const f of Object.values(figures)) await f(); // warm-up, not counted
  const ms = {};
  for (const [name, f] of Object.entries(figures)) ms[name] = await f();
  const perOp = (total, minus = 0) => ((total - minus) * 1000) / n;
  return {
    roundTrip: perOp(ms.roundTrip, ms.baseline),
    publishOne: perOp(ms.publishOne, ms.baseline),
    chained: perOp(ms.chained),
    publish100: perOp(ms.publish100, ms.baseline),
  };
}

/** The figures in print order, with their labels and issue 13's goal (ratio to the floor). */
export const DISPATCH_FIGURES = [
  ['roundTrip', 'command round trip from a fresh task', 2.5],
  ['publishOne', 'publish to one subscriber (fresh task)', 2.5],
  ['chained', 'chained round trip (next command from then)', 3],
  ['publish100', 'publish to 100 subscribers (fresh task)', 3],
];
