// The start-up floor for `cargo xtask bench`: what any page loading our chat bundle must pay at
// least, with none of our code running. Like widgets.min.js it is a classic script that, once
// run, imports a bundle's glue module and fetches and compiles its WebAssembly in parallel; it
// then stops (no instantiation, no bus, no WebChatService). `window.__ready` resolves with the
// milliseconds from the page's `__t0` to both being done.
(function () {
  'use strict';
  var script = document.currentScript;
  var base = new URL(script.getAttribute('data-dist'), location.href);
  var bundle = script.getAttribute('data-bundle');
  var glue = import(new URL('widgets-' + bundle + '.js', base).href);
  var wasm = WebAssembly.compileStreaming(fetch(new URL('widgets-' + bundle + '.wasm', base)));
  window.__ready = Promise.all([glue, wasm]).then(function () {
    return performance.now() - window.__t0;
  });
})();
