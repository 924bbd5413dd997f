// One chat across tabs: leader election and the BroadcastChannel protocol (see tabs.rs).
//
// Every tab of the site that configures WebChatService opens the channel. One tab leads: it holds
// the Web Lock (or, without `navigator.locks`, a lease in localStorage renewed by a heartbeat) and
// runs the chat; the others follow. The leader broadcasts every item it publishes (an event, the
// messages of a messageReceived, a data change) and keeps the current chat's items as a log that
// a joining tab replays; followers forward commands to the leader and get its answer back.
//
// Messages from the channel come from other tabs, which may run other code: each one is checked
// (shape, types, sizes) before use, and nothing here throws into the runtime.
//
// The leader also passes on the session record it saves (item kind 3, not published): a follower
// that takes over resumes from it where localStorage does not hold it (blocked or cleared).
//
// A hidden leading tab has its timers throttled by the browser (to once a minute after a few
// minutes hidden, in Chromium), which would slow a polling transport for every tab; so a visible
// follower sends a tick every second, and the leader runs its due deadline on it (messages from
// the channel are not throttled).
//
// `handler(kind, a, b, c)` is the Rust side: 1 lead (a: 0 first leader, 1 takeover, 2 takeover by
// a tab that never got the leader's log; b: messages seen, c: the record), 2 follow,
// 3 mirror (a: item kind, b: name, c: data), 4 run (a: name, b: caller, c: data; returns the
// command's deferred), 5 settle (a: id, b: 1 resolved, 2 rejected, 3 leader gone, 4 answer not
// cloneable, c: arguments), 6 tick (run a deadline that is due), 7 key (a: the text of a
// follower's typing-preview input).

var NAME = '_genesys.widgets.webchat.tabs';
var TAG = 'widgets-rs-tabs/1';
var LOG_CAP = 20000;
var LEASE_MS = 1200;
var BEAT_MS = 300;
var TICK_MS = 1000;

function isId(v) {
  return typeof v == 'string' && v.length > 0 && v.length <= 64;
}
function isName(v) {
  return typeof v == 'string' && v.length <= 64;
}
function isItem(v) {
  return Array.isArray(v) && v.length == 3 && [0, 1, 2, 3].indexOf(v[0]) >= 0 && isName(v[1]);
}
function read(o, k) {
  try {
    return o[k];
  } catch (e) {}
}

// The tabs link, or undefined where tabs are off (`webchat.tabs: false`, async mode) or the
// browser has no BroadcastChannel.
export function openTabs(webchat, handler) {
  var transport = read(webchat, 'transport');
  var async = read(transport, 'async');
  if (read(webchat, 'tabs') === false || (async && (read(async, 'enabled') === true || read(async, 'enable') === true))) return;
  var channel;
  try {
    channel = new BroadcastChannel(NAME);
  } catch (e) {
    return;
  }
  var me = Math.random().toString(36).slice(2) + Date.now().toString(36);
  var role = 0; // 0 pending, 1 leader, 2 follower
  var leader = null;
  var joined = false;
  var log = [];
  var record = null;
  var pending = []; // [id, leader it was sent to]
  var queued = []; // forwards waiting for a known leader

  function post(m) {
    m.w = TAG;
    m.from = me;
    try {
      channel.postMessage(m);
      return true;
    } catch (e) {
      return false;
    }
  }
  function call(kind, a, b, c) {
    try {
      return handler(kind, a, b, c);
    } catch (e) {}
  }
  // Keeps an item; true when it is published (not the record).
  function remember(item) {
    if (item[0] == 3) {
      record = item[2];
      return false;
    }
    var name = item[1];
    if (item[0] == 0 && (name == 'started' || name == 'restored' || name == 'restoredOffline')) log = [];
    if (log.length < LOG_CAP) log.push(item);
    if (item[0] == 0 && name == 'ended') log = [];
    return true;
  }
  function seenMessages() {
    var seen = [];
    for (var i = 0; i < log.length; i++) {
      var messages = log[i][0] == 1 && read(log[i][2], 'messages');
      if (Array.isArray(messages)) for (var j = 0; j < messages.length; j++) seen.push(messages[j]);
    }
    return seen;
  }
  function lead(takeover) {
    var was = role;
    role = 1;
    // Forwards this tab sent, or was holding, have no leader to answer them any more.
    leaderChanged(me);
    for (var i = 0; i < queued.length; i++) call(5, queued[i][0], 3);
    queued = [];
    post({ t: 'lead' });
    call(1, takeover && was == 2 ? (joined ? 1 : 2) : 0, takeover ? seenMessages() : [], record);
  }
  function follow() {
    role = 2;
    post({ t: 'join' });
    call(2);
  }
  function send(f) {
    pending.push([f[0], leader]);
    if (!post({ t: 'cmd', to: leader, id: f[0], n: f[1], c: f[2], d: f[3] })) {
      pending.pop();
      return false;
    }
    return true;
  }
  function leaderChanged(id) {
    leader = id;
    var gone = pending.filter(function (p) {
      return p[1] !== id;
    });
    pending = pending.filter(function (p) {
      return p[1] === id;
    });
    for (var i = 0; i < gone.length; i++) call(5, gone[i][0], 3);
  }

  channel.onmessage = function (event) {
    var m = event.data;
    if (m === null || typeof m != 'object' || read(m, 'w') !== TAG || !isId(read(m, 'from'))) return;
    var t = m.t;
    var from = m.from;
    if (t == 'lead') {
      if (role == 2) {
        leaderChanged(from);
        if (!joined) post({ t: 'join' });
      }
    } else if (t == 'key') {
      if (role == 1 && m.to === me && typeof m.x == 'string' && m.x.length <= 100000) call(7, m.x);
    } else if (t == 'tick') {
      if (role == 1) call(6);
    } else if (t == 'join') {
      if (role == 1) post({ t: 'snap', to: from, items: log, record: record });
    } else if (t == 'snap') {
      if (role != 2 || joined || m.to !== me || !Array.isArray(m.items) || m.items.length > LOG_CAP) return;
      joined = true;
      leaderChanged(from);
      record = m.record === undefined ? null : m.record;
      for (var i = 0; i < m.items.length; i++) {
        var item = m.items[i];
        if (isItem(item) && remember(item)) call(3, item[0], item[1], item[2]);
      }
      var waiting = queued;
      queued = [];
      for (var j = 0; j < waiting.length; j++) if (!send(waiting[j])) call(5, waiting[j][0], 4);
    } else if (t == 'e') {
      if (role != 2 || !joined || from !== leader || !isItem(m.item)) return;
      if (remember(m.item)) call(3, m.item[0], m.item[1], m.item[2]);
    } else if (t == 'cmd') {
      if (role != 1 || m.to !== me || typeof m.id != 'number' || !isName(m.n) || !isName(m.c)) return;
      var id = m.id;
      var cell = call(4, m.n, m.c, m.d);
      if (!cell || typeof cell.done != 'function') return post({ t: 'ans', to: from, id: id, s: 4 });
      var answer = function (state) {
        return function () {
          var args = Array.prototype.slice.call(arguments);
          if (!post({ t: 'ans', to: from, id: id, s: state, a: args })) post({ t: 'ans', to: from, id: id, s: 4 });
        };
      };
      cell.done(answer(1));
      cell.fail(answer(2));
    } else if (t == 'ans') {
      if (role != 2 || m.to !== me || from !== leader || typeof m.id != 'number') return;
      var at = -1;
      for (var k = 0; k < pending.length; k++) if (pending[k][0] === m.id) at = k;
      if (at < 0) return;
      pending.splice(at, 1);
      var s = m.s === 1 || m.s === 2 ? m.s : 4;
      call(5, m.id, s, Array.isArray(m.a) && m.a.length <= 16 ? m.a : []);
    }
  };

  setInterval(function () {
    if (role == 2 && joined && document.visibilityState == 'visible') post({ t: 'tick' });
  }, TICK_MS);

  var forever = new Promise(function () {});
  var locks = read(navigator, 'locks');
  if (locks && typeof locks.request == 'function') {
    try {
      locks
        .request(NAME, { ifAvailable: true }, function (lock) {
          if (lock) {
            lead(false);
            return forever;
          }
          follow();
          return locks.request(NAME, function () {
            lead(true);
            return forever;
          });
        })
        .catch(function () {
          if (role == 0) lead(false);
        });
    } catch (e) {
      lead(false);
    }
  } else {
    lease(me, lead, follow);
  }

  return {
    // The leader: broadcasts one item it published and keeps it in the log.
    publish: function (kind, name, data) {
      if (role != 1) return;
      var item = [kind, name, data];
      remember(item);
      post({ t: 'e', item: item });
    },
    // A follower: passes command `name` to the leader; false when its data cannot be cloned.
    forward: function (id, name, caller, data) {
      var f = [id, name, caller, data];
      if (leader === null || !joined) {
        try {
          if (typeof structuredClone == 'function') structuredClone(data);
        } catch (e) {
          return false;
        }
        queued.push(f);
        return true;
      }
      return send(f);
    },
    // A follower: a key in its typing-preview input, for the leader.
    key: function (text) {
      if (leader !== null && joined) post({ t: 'key', to: leader, x: text });
    },
    role: function () {
      return role;
    },
  };
}

// The fallback where `navigator.locks` is missing: a lease `{id, until}` in localStorage, renewed
// every BEAT_MS by the leader; a follower that finds it expired writes its own and leads if it
// still holds it one beat later. The leader drops it on pagehide so a follower takes over at once.
function lease(me, lead, follow) {
  var key = NAME + '.lease';
  var mine = false;
  var claimed = false;
  function get() {
    try {
      var v = JSON.parse(localStorage.getItem(key) || 'null');
      return v && typeof v.id == 'string' && typeof v.until == 'number' ? v : null;
    } catch (e) {
      return null;
    }
  }
  function put() {
    try {
      localStorage.setItem(key, JSON.stringify({ id: me, until: Date.now() + LEASE_MS }));
    } catch (e) {}
  }
  var started = false;
  function beat() {
    var held = get();
    if (mine) return put();
    if (claimed && held && held.id === me) {
      mine = true;
      put();
      return lead(started);
    }
    claimed = false;
    if (!held || held.until < Date.now()) {
      claimed = true;
      put();
    } else if (!started) {
      started = true;
      follow();
    }
  }
  setTimeout(beat, 0);
  setInterval(beat, BEAT_MS);
  addEventListener('pagehide', function () {
    if (mine) {
      try {
        localStorage.removeItem(key);
      } catch (e) {}
    }
  });
}
