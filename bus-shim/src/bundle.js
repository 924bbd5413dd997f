/**
 * Which bundle a page needs, and loading it.
 *
 * `dist/` holds one WebAssembly module (with its wasm-bindgen glue, `widgets-<name>.js`) per
 * configuration: the bus alone, the bus with WebChatService and one chat protocol, and one with
 * every protocol. The shim reads `window._genesys.widgets` when it runs and fetches only the
 * pair that configuration needs; `main.bundle` names one explicitly (pages that configure chat
 * after the script runs choose `'all'`).
 */

/** Every bundle `cargo xtask dist` builds. */
export const BUNDLES = ['bus', 'gms', 'cometd', 'cloud', 'v3', 'all'];

/** Reads `obj[key]`, treating a throwing getter or a non-object as absent. */
function read(obj, key) {
  try {
    return obj !== null && typeof obj === 'object' ? obj[key] : undefined;
  } catch (_) {
    return undefined;
  }
}

/**
 * The bundle for a `_genesys.widgets` configuration: `main.bundle` when it names one; else the
 * bus alone without a `webchat` object; else the protocol `webchat` selects, mirroring
 * WebChatService's own reading (`transport.type`, then `cometD.enabled`). An unknown
 * `transport.type` gets GMS's bundle: WebChatService reports the bad type the same way in each.
 */
export function chooseBundle(widgets) {
  const chosen = read(read(widgets, 'main'), 'bundle');
  if (BUNDLES.includes(chosen)) return chosen;
  const webchat = read(widgets, 'webchat');
  if (webchat === null || typeof webchat !== 'object') return 'bus';
  const type = read(read(webchat, 'transport'), 'type');
  if (type === 'purecloud-v2-sockets') return 'cloud';
  if (type === 'pureengage-v3-rest') return 'v3';
  if (read(read(webchat, 'cometD'), 'enabled') === true) return 'cometd';
  return 'gms';
}

/** Fetches and compiles a module, streaming when the server sends `application/wasm`. */
function compile(url) {
  const bytes = () =>
    fetch(url).then((r) => {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.arrayBuffer();
    });
  if (typeof WebAssembly.compileStreaming !== 'function') {
    return bytes().then((b) => WebAssembly.compile(b));
  }
  return WebAssembly.compileStreaming(fetch(url)).catch(() =>
    bytes().then((b) => WebAssembly.compile(b)),
  );
}

/**
 * Loads bundle `name` from beside `base` (the script's own URL): imports its glue and compiles
 * its module in parallel, then instantiates. Resolves with the glue's exports.
 */
export function loadBundle(name, base) {
  const glueUrl = new URL('widgets-' + name + '.js', base);
  const wasmUrl = new URL('widgets-' + name + '.wasm', base);
  const module = compile(wasmUrl);
  module.catch(() => {}); // reported below, once
  return import(/* webpackIgnore: true */ glueUrl.href).then((glue) =>
    module.then((m) => glue.default({ module_or_path: m }).then(() => glue)),
  ).catch((err) => {
    throw { wasmUrl, glueUrl, err };
  });
}
