// A minimal pure-JS plugin bus: the baseline `cargo xtask bench` compares our wasm bus with.
//
// It implements just what the benchmark uses, with the same shape as CXBus: registerPlugin,
// registerCommand, command (qualified names, async dispatch through an unclamped MessageChannel, or
// through microtasks when the page sets `window.__jsBusScheduler = 'microtask'` first,
// handler gets e.deferred, caller gets a thenable), publish/republish, subscribe and ready().
// No hooks, buffering, private commands, data, registry or debug logging: it is a floor, not a
// competitor. Loaded as a classic script; defines window.JSBus.
(function () {
  'use strict';

  var plugins = Object.create(null); // name -> {commands}
  var subscribers = Object.create(null); // event -> [callback]
  var retained = Object.create(null); // event -> data

  // One FIFO queue, flushed from an unclamped MessageChannel task or from a microtask (the floor
  // a modern emitter reaches: native promise-job scheduling).
  var queue = [];
  var scheduled = false;
  function flush() {
    scheduled = false;
    var batch = queue;
    queue = [];
    for (var i = 0; i < batch.length; i++) batch[i]();
  }
  var kick;
  if (window.__jsBusScheduler === 'microtask') {
    kick = function () {
      queueMicrotask(flush);
    };
  } else {
    var channel = new MessageChannel();
    channel.port1.onmessage = flush;
    kick = function () {
      channel.port2.postMessage(0);
    };
  }
  function later(fn) {
    queue.push(fn);
    if (!scheduled) {
      scheduled = true;
      kick();
    }
  }

  function deferred() {
    var d = {};
    d.promise = new Promise(function (resolve, reject) {
      d.resolve = resolve;
      d.reject = reject;
    });
    return d;
  }

  function deliver(publisher, event, data) {
    var subs = subscribers[event];
    if (!subs) return;
    subs = subs.slice();
    later(function () {
      for (var i = 0; i < subs.length; i++) {
        try {
          subs[i]({ time: Date.now(), publisher: publisher, event: event, data: data });
        } catch (e) {
          /* a throwing subscriber does not stop the others */
        }
      }
    });
  }

  function subscribe(event, cb) {
    if (typeof cb !== 'function') return false;
    (subscribers[event] = subscribers[event] || []).push(cb);
    if (event in retained) {
      var data = retained[event];
      later(function () {
        cb({ time: Date.now(), publisher: event.split('.')[0], event: event, data: data });
      });
    }
    return event;
  }

  function command(commander, name, data) {
    var full = name.indexOf('.') === -1 ? commander + '.' + name : name;
    var dot = full.indexOf('.');
    var target = plugins[full.slice(0, dot)];
    var d = deferred();
    later(function () {
      var handler = target && target.commands[full.slice(dot + 1)];
      if (!handler) return d.reject('Command does not exist');
      try {
        handler({ time: Date.now(), commander: commander, command: full, deferred: d, data: data || {} });
      } catch (e) {
        d.reject(e);
      }
    });
    return d.promise;
  }

  function registerPlugin(name) {
    if (typeof name !== 'string' || plugins[name]) return false;
    var p = (plugins[name] = { commands: Object.create(null) });
    return {
      registerCommand: function (cmd, fn) {
        p.commands[cmd] = fn;
        return true;
      },
      command: function (cmd, data) {
        return command(name, cmd, data);
      },
      publish: function (evt, data) {
        deliver(name, name + '.' + evt, data);
        return true;
      },
      republish: function (evt, data) {
        retained[name + '.' + evt] = data;
        deliver(name, name + '.' + evt, data);
        return true;
      },
      subscribe: subscribe,
      ready: function () {},
      namespace: function () {
        return name;
      },
    };
  }

  var app = registerPlugin('App');
  window.JSBus = {
    registerPlugin: registerPlugin,
    command: function (name, data) {
      return command('JSBus', name, data);
    },
    subscribe: subscribe,
  };
  // Like the widgets bootstrap, announce readiness with the config object.
  app.republish('ready', (window._genesys && window._genesys.widgets) || {});
})();
