// publish / republish / publishDirect, subscribe / unsubscribe, subscribers() (cxbus.md "Events",
// "registry(), subscribers(), namespace(), ready()").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from './harness.js';

const h = setup();

test('publish returns true and the full name is "<Plugin>." + evt, even with dots', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const pub = window.CXBus.registerPlugin('Pub');
    const seen = [];
    window.CXBus.subscribe('Pub.opened', (e) => seen.push(e.event));
    window.CXBus.subscribe('Pub.a.b', (e) => seen.push(e.event));
    window.CXBus.subscribe('a.b', () => seen.push('wrong: a.b'));
    const rets = [pub.publish('opened'), pub.publish('a.b')];
    await window.__t.tick(3);
    return { rets, seen };
  });
  assert.deepEqual(r, { rets: [true, true], seen: ['Pub.opened', 'Pub.a.b'] });
});

test('subscribers get a fresh {time, publisher, event, data} asynchronously, in subscription order', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const pub = window.CXBus.registerPlugin('Pub');
    const a = window.CXBus.registerPlugin('SubA');
    const b = window.CXBus.registerPlugin('SubB');
    const log = [];
    const events = [];
    a.subscribe('Pub.evt', (e) => { log.push('A'); events.push(e); });
    b.subscribe('Pub.evt', (e) => { log.push('B'); events.push(e); });
    window.CXBus.subscribe('Pub.evt', (e) => { log.push('CXBus'); events.push(e); });
    pub.publish('evt', { x: 1 });
    log.push('publish returned');
    await window.__t.tick(3);
    const e = events[0];
    return {
      log,
      keys: Object.keys(e).sort(),
      publisher: e.publisher,
      event: e.event,
      timeOk: typeof e.time === 'number' && Math.abs(e.time - Date.now()) < 5000,
      fresh: events[0] !== events[1] && events[1] !== events[2],
      sameData: events[0].data === events[1].data && events[1].data === events[2].data,
    };
  });
  assert.deepEqual(r, {
    log: ['publish returned', 'A', 'B', 'CXBus'],
    keys: ['data', 'event', 'publisher', 'time'],
    publisher: 'Pub',
    event: 'Pub.evt',
    timeOk: true,
    fresh: true,
    sameData: true,
  });
});

test('event data is passed by reference: a subscriber\'s mutation is seen by the next and by the publisher', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const pub = window.CXBus.registerPlugin('Chat');
    const payload = { messages: [{ text: 'hello' }] };
    let secondSaw;
    window.CXBus.subscribe('Chat.messageReceived', (e) => { e.data.messages[0].text = 'HELLO (rewritten)'; });
    window.CXBus.subscribe('Chat.messageReceived', (e) => { secondSaw = e.data.messages[0].text; });
    pub.publish('messageReceived', payload);
    await window.__t.tick(3);
    return { secondSaw, publisherSees: payload.messages[0].text };
  });
  assert.deepEqual(r, { secondSaw: 'HELLO (rewritten)', publisherSees: 'HELLO (rewritten)' });
});

test('non-object truthy data is delivered as is; no data gives each subscriber its own {}', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const pub = window.CXBus.registerPlugin('Pub');
    const got = [];
    window.CXBus.subscribe('Pub.s', (e) => got.push(e.data));
    window.CXBus.subscribe('Pub.n', (e) => got.push(e.data));
    const empties = [];
    window.CXBus.subscribe('Pub.none', (e) => empties.push(e.data));
    window.CXBus.subscribe('Pub.none', (e) => empties.push(e.data));
    pub.publish('s', 'a string');
    pub.publish('n', 42);
    pub.publish('none');
    await window.__t.tick(3);
    return {
      got,
      empties: empties.map((d) => Object.prototype.toString.call(d) + JSON.stringify(d)),
      distinct: empties[0] !== empties[1],
    };
  });
  assert.deepEqual(r, {
    got: ['a string', 42],
    empties: ['[object Object]{}', '[object Object]{}'],
    distinct: true,
  });
});

test('a callback subscribed twice runs twice', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const pub = window.CXBus.registerPlugin('Pub');
    let n = 0;
    const cb = () => { n += 1; };
    window.CXBus.subscribe('Pub.x', cb);
    window.CXBus.subscribe('Pub.x', cb);
    pub.publish('x');
    await window.__t.tick(3);
    return n;
  });
  assert.equal(r, 2);
});

test('a subscriber that throws does not stop the others', async () => {
  const p = await h.open();
  p.allowPageErrors(); // re-reporting the subscriber's error is allowed
  const r = await p.run(async () => {
    const pub = window.CXBus.registerPlugin('Pub');
    const log = [];
    window.CXBus.subscribe('Pub.x', () => { log.push(1); throw new Error('subscriber failed'); });
    window.CXBus.subscribe('Pub.x', () => log.push(2));
    pub.publish('x');
    await window.__t.tick(3);
    pub.publish('x');
    await window.__t.tick(3);
    return log;
  });
  assert.deepEqual(r, [1, 2, 1, 2]);
});

test('publish needs no registerEvents and adds nothing to registry()', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const pub = window.CXBus.registerPlugin('Quiet');
    pub.publish('undeclared');
    await window.__t.tick(2);
    return pub.registry().Quiet.events.includes('undeclared');
  });
  assert.equal(r, false);
});

test('subscribe returns the event name, adds no namespace, and returns false without a callback', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const me = window.CXBus.registerPlugin('Subber');
    return [
      me.subscribe('Other.thing', () => {}),
      me.subscribe('thing', () => {}),
      window.CXBus.subscribe('App.ready', () => {}),
      me.subscribe('Other.thing'),
      window.CXBus.subscribe('Other.thing'),
    ];
  });
  assert.deepEqual(r, ['Other.thing', 'thing', 'App.ready', false, false]);
});

test('subscribe works before the publisher exists', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const got = [];
    window.CXBus.subscribe('Future.born', (e) => got.push(e.data.v));
    const future = window.CXBus.registerPlugin('Future');
    future.publish('born', { v: 'yes' });
    await window.__t.tick(3);
    return got;
  });
  assert.deepEqual(r, ['yes']);
});

test('republish replays the latest value to a late subscriber, asynchronously', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const pub = window.CXBus.registerPlugin('Rep');
    const early = [];
    window.CXBus.subscribe('Rep.state', (e) => early.push(e.data.v));
    pub.republish('state', { v: 1 });
    pub.republish('state', { v: 2 });
    pub.publish('state', { v: 'plain publish is not remembered' });
    await window.__t.tick(3);
    const late = [];
    const log = [];
    window.CXBus.subscribe('Rep.state', (e) => { late.push(e.data.v); log.push('replay'); });
    log.push('subscribe returned');
    await window.__t.tick(3);
    return { early, late, log };
  });
  assert.deepEqual(r, {
    early: [1, 2, 'plain publish is not remembered'],
    late: [2],
    log: ['subscribe returned', 'replay'],
  });
});

test('republish returns true and notifies existing subscribers like publish', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const pub = window.CXBus.registerPlugin('Rep');
    const got = [];
    window.CXBus.subscribe('Rep.x', (e) => got.push([e.event, e.publisher, e.data]));
    const ret = pub.republish('x', 'value');
    await window.__t.tick(3);
    return { ret, got };
  });
  assert.deepEqual(r, { ret: true, got: [['Rep.x', 'Rep', 'value']] });
});

test('publishDirect delivers like publish and is never retained', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const pub = window.CXBus.registerPlugin('Direct');
    const early = [];
    window.CXBus.subscribe('Direct.x', (e) => early.push(e.data));
    const ret = pub.publishDirect('x', 'direct');
    await window.__t.tick(3);
    const late = [];
    window.CXBus.subscribe('Direct.x', (e) => late.push(e.data));
    await window.__t.tick(3);
    return { ret, early, late };
  });
  assert.deepEqual(r, { ret: true, early: ['direct'], late: [] });
});

test('unsubscribe(name) removes all of this plugin\'s callbacks and reports whether there was an entry', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const pub = window.CXBus.registerPlugin('Pub');
    const me = window.CXBus.registerPlugin('Leaver');
    const other = window.CXBus.registerPlugin('Stayer');
    const log = [];
    me.subscribe('Pub.x', () => log.push('me 1'));
    me.subscribe('Pub.x', () => log.push('me 2'));
    other.subscribe('Pub.x', () => log.push('other'));
    const first = me.unsubscribe('Pub.x');
    const never = me.unsubscribe('Pub.neverSubscribed');
    pub.publish('x');
    await window.__t.tick(3);
    return { first, never, log };
  });
  assert.deepEqual(r, { first: true, never: false, log: ['other'] });
});

test('unsubscribe(name, cb) removes just that callback (better)', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const pub = window.CXBus.registerPlugin('Pub');
    const me = window.CXBus.registerPlugin('Picky');
    const log = [];
    const keep = () => log.push('keep');
    const drop = () => log.push('drop');
    me.subscribe('Pub.x', keep);
    me.subscribe('Pub.x', drop);
    me.unsubscribe('Pub.x', drop);
    pub.publish('x');
    await window.__t.tick(3);
    return log;
  });
  assert.deepEqual(r, ['keep']);
});

test('when the last subscriber leaves, the republish memory is forgotten', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const pub = window.CXBus.registerPlugin('Mem');
    const me = window.CXBus.registerPlugin('Listener');
    me.subscribe('Mem.x', () => {});
    pub.republish('x', 'remembered');
    await window.__t.tick(3);
    me.unsubscribe('Mem.x');
    const late = [];
    window.CXBus.subscribe('Mem.x', (e) => late.push(e.data));
    await window.__t.tick(3);
    return late;
  });
  assert.deepEqual(r, []);
});

test('unsubscribing during a publish skips no other subscriber', async () => {
  const p = await h.open();
  const r = await p.run(async () => {
    const pub = window.CXBus.registerPlugin('Pub');
    const a = window.CXBus.registerPlugin('A1');
    const b = window.CXBus.registerPlugin('B1');
    const log = [];
    a.subscribe('Pub.x', () => { log.push('a'); a.unsubscribe('Pub.x'); });
    b.subscribe('Pub.x', () => log.push('b'));
    pub.publish('x');
    await window.__t.tick(3);
    pub.publish('x');
    await window.__t.tick(3);
    return log;
  });
  assert.deepEqual(r, ['a', 'b', 'b']);
});

test('subscribers() lists this plugin\'s events with subscriber names, duplicates kept', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const pub = window.CXBus.registerPlugin('Widget');
    const b = window.CXBus.registerPlugin('Fan');
    const cb = () => {};
    b.subscribe('Widget.opened', cb);
    b.subscribe('Widget.opened', cb);
    window.CXBus.subscribe('Widget.closed', cb);
    b.subscribe('WidgetX.other', cb); // another plugin's namespace, not a prefix match
    return pub.subscribers();
  });
  assert.deepEqual(r, { 'Widget.opened': ['Fan', 'Fan'], 'Widget.closed': ['CXBus'] });
});

test('subscribers() also lists the events the plugin republished, with an empty array when nobody subscribes', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const pub = window.CXBus.registerPlugin('Kept');
    pub.republish('ready');
    pub.republish('state', { open: true });
    window.CXBus.subscribe('Kept.state', () => {});
    pub.publish('plain'); // not retained, no subscriber: not listed
    return pub.subscribers();
  });
  assert.deepEqual(r, { 'Kept.state': ['CXBus'], 'Kept.ready': [] });
});

test('subscribers() matches by namespace: plugin "A" does not list "App.ready" (better)', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const a = window.CXBus.registerPlugin('A');
    window.CXBus.subscribe('A.x', () => {});
    return a.subscribers();
  });
  assert.deepEqual(r, { 'A.x': ['CXBus'] });
});

test('subscribers() of a plugin named "Lab(" does not throw (better)', async () => {
  const p = await h.open();
  const r = await p.run(() => {
    const lab = window.CXBus.registerPlugin('Lab(');
    window.CXBus.subscribe('Lab(.x', () => {});
    try {
      return lab.subscribers();
    } catch (e) {
      return 'threw: ' + e.message;
    }
  });
  assert.deepEqual(r, { 'Lab(.x': ['CXBus'] });
});

test("a subscriber's exception reaches the page as an uncaught error (window error event), and the others still run", async () => {
  const p = await h.open();
  p.allowPageErrors();
  const r = await p.run(async () => {
    const seen = [];
    window.addEventListener('error', (e) => seen.push('window error: ' + (e.error && e.error.message)));
    const pub = window.CXBus.registerPlugin('PubUncaught');
    window.CXBus.subscribe('PubUncaught.x', () => { throw new Error('subscriber failed'); });
    window.CXBus.subscribe('PubUncaught.x', () => seen.push('second subscriber'));
    pub.publish('x');
    await window.__t.tick(3);
    await new Promise((r) => setTimeout(r, 10));
    return seen;
  });
  assert.deepEqual(r.sort(), ['second subscriber', 'window error: subscriber failed']);
  assert.ok(p.pageErrors.some((e) => e.message.includes('subscriber failed')), 'the browser saw an uncaught error');
});
