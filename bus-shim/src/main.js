/**
 * `widgets.min.js`: the one script a customer page loads.
 *
 * Synchronously, it sets up `window.CXBus`, `_genesys.widgets.bus` (the QuickBus) and
 * `_genesys.widgets.common`, so the page's next line can already register plugins and send
 * commands. Meanwhile it fetches the bundle the configuration needs (`bundle.js`) from beside
 * itself (relative to this script's own URL, so `dist/` can live on any CDN path), starts the
 * runtime, runs the widgets bootstrap and replays every call made in between, in order.
 * `window.widgetsRsChat`, the Chat Service JS API, is set up at once too (`chat-service.js`).
 */

import { chooseBundle, loadBundle } from './bundle.js';
import { makeChatService } from './chat-service.js';
import { makeBus } from './facade.js';
import { makeHost } from './host.js';
import { busMonitor } from './monitor.js';
import { hasExtensions, makeExtensionArgs } from './extensions.js';

const consoleError = console.error.bind(console);
const script = document.currentScript;
const base = (script && script.src) || location.href;

const genesys = (window._genesys = window._genesys || {});
const widgets = (genesys.widgets = genesys.widgets || {});
const bus = makeBus();
let runtime = null;

const common = (widgets.common = widgets.common || {});
Object.defineProperty(common, 'busMonitor', { value: busMonitor, configurable: true });
if (typeof common.log !== 'function') {
  common.log = function () {
    if (runtime && runtime.debug) console.log.apply(console, arguments);
  };
}

window.CXBus = bus.CXBus;
widgets.bus = bus.quickBus;

const bundle = chooseBundle(widgets);
// The Chat Service JS API's session script comes with the bundles that carry the API
// (`chatservice` and `all`), fetched in parallel (a failed fetch leaves the API out: its calls
// then fail with code 1).
const chatSession = bundle === 'chatservice' || bundle === 'all'
  ? import(/* webpackIgnore: true */ new URL('widgets-chat-session.js', base).href).catch(() => ({}))
  : {};
// Extensions are called at start with jQuery as `$`: fetch ours (when the page has none) in
// parallel with the bundle, and only when there are extensions. Extensions registered later
// get theirs through `runLate` (extensions.js).
const extensionArgs = makeExtensionArgs(base, bus.CXBus, common);
const startDollar = hasExtensions(widgets) ? extensionArgs.dollar() : Promise.resolve(null);

const started = Promise.all([loadBundle(bundle, base), startDollar]).then(([glue, $]) => {
  runtime = glue.start(makeHost(() => runtime), bus.registry);
  bus.bind(runtime, () => {
    runtime.boot(widgets, bus.quickBus, $, bus.CXBus, common, extensionArgs.runLate);
  });
  return glue;
});
// The Chat Service JS API: there at once; its calls wait for the started bundle (chat-service.js).
window.widgetsRsChat = makeChatService(
  started.then((glue) => Promise.resolve(chatSession).then((s) => ({ glue, open: s.open }))),
);

started.catch((failure) => {
  if (failure && failure.wasmUrl) {
    const what = failure.wasmUrl.href + ' (glue ' + failure.glueUrl.href + ')';
    consoleError('[widgets] could not start: failed to load ' + what, failure.err);
  } else {
    consoleError('[widgets] could not start', failure);
  }
});
