/**
 * `widgets.min.js`: the one script a customer page loads.
 *
 * Synchronously, it sets up `window.CXBus`, `_genesys.widgets.bus` (the QuickBus) and
 * `_genesys.widgets.common`, so the page's next line can already register plugins and send
 * commands. Meanwhile it fetches `widgets.wasm` from beside itself (relative to this script's
 * own URL, so `dist/` can live on any CDN path), starts the runtime, runs the widgets bootstrap
 * and replays every call made in between, in order.
 */

import init, { start, DeferredCell } from '../gen/widgets.js';
import { enableCells } from './deferred.js';
import { makeBus } from './facade.js';
import { makeHost } from './host.js';
import { busMonitor } from './monitor.js';
import { dollarStandIn } from './standin.js';

const consoleError = console.error.bind(console);
const script = document.currentScript;
const wasmUrl = new URL('widgets.wasm', (script && script.src) || location.href);

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

init({ module_or_path: wasmUrl }).then(
  () => {
    runtime = start(makeHost(() => runtime), bus.registry);
    bus.bind(runtime, () => {
      enableCells(() => new DeferredCell());
      const $ = typeof window.jQuery === 'function' ? window.jQuery : dollarStandIn;
      runtime.boot(widgets, bus.quickBus, $, bus.CXBus, common);
    });
  },
  (err) => {
    consoleError('[widgets] could not start: failed to load ' + wasmUrl.href, err);
  },
);
