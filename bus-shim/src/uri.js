/**
 * `URI`, the fifth argument of extensions (`fn($, CXBus, Common, Cookies, URI)`).
 *
 * The vendor passes the URI.js library there. We do not ship it (about 20 KB gzip); this is the
 * read-only part of its surface that extensions use to read the page's address, over the
 * browser's `URL`: `URI(url?)` (default: the page's address) answers an object with `href()`,
 * `toString()`, `protocol()` (without `:`), `hostname()`, `host()`, `port()`, `path()`,
 * `search()` (with `?`), `query()` (without), `query(true)`/`search(true)` (the parameters as an
 * object; a repeated key gives an array), `hash()` (with `#`) and `fragment()` (without).
 * `URI.parseQuery(text)` reads a query string the same way. Setters are not provided. Nothing
 * throws: an address that cannot be parsed reads as empty.
 */

/** `a=1&b=2&b=3` (a leading `?` is ignored) → `{a: '1', b: ['2', '3']}`. */
export function parseQuery(text) {
  const out = {};
  let params;
  try {
    params = new URLSearchParams(String(text == null ? '' : text));
  } catch (_) {
    return out;
  }
  params.forEach((value, key) => {
    if (!Object.prototype.hasOwnProperty.call(out, key)) out[key] = value;
    else if (Array.isArray(out[key])) out[key].push(value);
    else out[key] = [out[key], value];
  });
  return out;
}

function parse(url) {
  try {
    return new URL(url === undefined ? location.href : String(url), location.href);
  } catch (_) {
    return null;
  }
}

/** `URI(url)`: read-only accessors over a parsed address. */
export function URI(url) {
  const u = parse(url);
  const read = (key) => (u ? u[key] : '');
  return {
    href: () => read('href'),
    toString: () => read('href'),
    protocol: () => read('protocol').replace(/:$/, ''),
    hostname: () => read('hostname'),
    host: () => read('host'),
    port: () => read('port'),
    path: () => read('pathname'),
    search: (asObject) => (asObject ? parseQuery(read('search')) : read('search')),
    query: (asObject) => (asObject ? parseQuery(read('search')) : read('search').replace(/^\?/, '')),
    hash: () => read('hash'),
    fragment: () => read('hash').replace(/^#/, ''),
  };
}

URI.parseQuery = parseQuery;
