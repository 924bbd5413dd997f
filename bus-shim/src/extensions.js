/**
 * The `$` that extensions receive: the page's own `window.jQuery` when there is one, else the
 * jQuery 3.x that ships beside the script (`dist/jquery.js`, an ES module that leaves the page's
 * globals alone). It is fetched only when extensions are configured, in parallel with the
 * WebAssembly, so start-up waits no longer. An extension registered later through
 * `App.registerExtension` gets whatever `now()` has: ours if it was loaded, else the stand-in.
 */

import { dollarStandIn } from './standin.js';

const consoleError = console.error.bind(console);

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
 * Makes the `$` source for a script at `base`: `get()` resolves with the jQuery to pass (the
 * page's, else ours, imported once); if ours cannot be loaded, with the small stand-in, and the
 * failure is reported once on the console.
 */
export function makeDollar(base) {
  let ours = null;
  return {
    /** The `$` to pass right now without fetching anything. */
    now() {
      return pageJQuery() || (ours && ours.loaded) || dollarStandIn;
    },
    get() {
      const page = pageJQuery();
      if (page) return Promise.resolve(page);
      if (!ours) {
        const url = new URL('jquery.js', base).href;
        ours = import(url).then(
          (module) => (ours.loaded = module.default),
          (err) => {
            consoleError('[widgets] could not load ' + url + '; extensions get a minimal $', err);
            return dollarStandIn;
          },
        );
      }
      return ours;
    },
  };
}
