/**
 * What extensions are called with.
 *
 * `$` is the page's own `window.jQuery` when there is one, else the jQuery 3.x that ships beside
 * the script (`dist/jquery.js`, an ES module that leaves the page's globals alone). For the
 * configured extensions (`_genesys.widgets.extensions`, called at start as `fn($, CXBus,
 * Common)`) it is fetched in parallel with the WebAssembly, and only when there are some.
 * Extensions registered later through `App.registerExtension` are called as `fn($, CXBus,
 * Common, Cookies, URI)`: the first one makes the shim fetch what is still missing (our jQuery
 * when the page has none, and `dist/widgets-extension-helpers.js` with `Cookies` and `URI`), and
 * each is called once that has arrived, in the order they were registered.
 */

import { settleDeferred } from './deferred.js';
import { dollarStandIn } from './standin.js';

const consoleError = console.error.bind(console);
const NativePromise = Promise;

/** Whether `_genesys.widgets.extensions` holds anything to call at start. */
export function hasExtensions(widgets) {
  try {
    const extensions = widgets.extensions;
    return extensions !== null && typeof extensions === 'object' && Object.keys(extensions).length > 0;
  } catch (_) {
    return false;
  }
}

/** The page's own jQuery, if it has one. */
function pageJQuery() {
  try {
    return typeof window.jQuery === 'function' ? window.jQuery : null;
  } catch (_) {
    return null;
  }
}

/**
 * Imports `file` from beside the script at `base` once; if that fails, the console says so once
 * and `fallback` is used.
 */
function lazyModule(base, file, fallback) {
  let loading = null;
  return () => {
    if (!loading) {
      const url = new URL(file, base).href;
      loading = import(/* webpackIgnore: true */ url).catch((err) => {
        consoleError('[widgets] could not load ' + url + '; extensions get a minimal stand-in', err);
        return fallback;
      });
    }
    return loading;
  };
}

/**
 * The extension arguments for a script at `base`:
 * - `dollar()` resolves with the `$` for the configured extensions (the page's, else ours,
 *   imported once; the small stand-in if ours cannot be loaded);
 * - `runLate(fn, name, deferred)` calls a registered extension with `($, CXBus, Common, Cookies,
 *   URI)` once they are there, after every extension registered before it, reports a throw on
 *   the console, then resolves the `App.registerExtension` command's deferred.
 */
export function makeExtensionArgs(base, cxbus, common) {
  const jquery = lazyModule(base, 'jquery.js', { default: dollarStandIn });
  const helpers = lazyModule(base, 'widgets-extension-helpers.js', {});
  const dollar = () => {
    const page = pageJQuery();
    return page ? NativePromise.resolve(page) : jquery().then((m) => m.default);
  };
  let queue = NativePromise.resolve();
  return {
    dollar,
    runLate(fn, name, deferred) {
      const args = NativePromise.all([dollar(), helpers()]);
      queue = queue
        .then(() => args)
        .then(([$, h]) => {
          try {
            fn($, cxbus, common, h.Cookies, h.URI);
          } catch (err) {
            consoleError("[CXBus] extension '" + name + "' threw", err);
          }
        })
        .then(() => settleDeferred(deferred, 1, [], undefined))
        .catch(() => {}); // keeps the queue going for the extensions after this one
    },
  };
}
