/**
 * `URI`, the fifth argument of extensions registered through `App.registerExtension`: a small,
 * read-only stand-in for the URI.js library the vendor's name stands for, over the platform
 * `URL`. Extensions use it to read the page's address, mostly its query string:
 *
 *     URI(location.href).search(true).campaign      // or new URI(), or URI('/relative?x=1')
 *
 * `URI(url)` (with or without `new`) parses `url` against the page's address (`location.href`
 * when `url` is missing). An address that cannot be parsed reads as empty parts. Getters, named
 * and shaped as in URI.js:
 *
 * - `href()`, `toString()`, `valueOf()`: the whole address;
 * - `protocol()`/`scheme()` (`'https'`, no colon), `username()`, `password()`, `origin()`,
 *   `host()` (with the port), `hostname()`, `port()` (`''` for the default one), `domain()`
 *   (the last two labels of the host name), `subdomain()` (the labels before them), `tld()`;
 * - `path()`/`pathname()`, `directory()` (without the trailing slash), `filename()`,
 *   `suffix()` (the file name's extension, no dot), `segment()` (the path without its leading
 *   `/`, split at each `/`: `['a', 'b.html']`), `segment(i)` (one of them; negative counts from
 *   the end);
 * - `search()` (`'?a=1'`), `query()` (`'a=1'`); `search(true)`/`query(true)`: the query as an
 *   object, `{a: '1'}`, with an array for a repeated name and `null` for a name without `=`;
 * - `hash()` (`'#top'`), `fragment()` (`'top'`);
 * - `hasQuery(name)`, `hasQuery(name, value)`: whether the query has the name (with that value);
 * - `URI.parseQuery(text)`: a query string (with or without `?`) as the object above.
 *
 * It never changes the address: given any other argument, a getter ignores it and still
 * answers the part (URI.js would set it). Nothing here throws.
 */

/** A query string (with or without `?`) as `{name: value}`; repeated names collect an array. */
function parseQuery(text) {
  const out = {};
  const query = String(text == null ? '' : text).replace(/^\?/, '');
  for (const part of query ? query.split('&') : []) {
    if (!part) continue;
    const at = part.indexOf('=');
    const decode = (s) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch (_) {
        return s;
      }
    };
    const name = decode(at < 0 ? part : part.slice(0, at));
    const value = at < 0 ? null : decode(part.slice(at + 1));
    if (!Object.prototype.hasOwnProperty.call(out, name)) out[name] = value;
    else if (Array.isArray(out[name])) out[name].push(value);
    else out[name] = [out[name], value];
  }
  return out;
}

/** `URI(url)`: a read-only view of `url`, resolved against the page's address. */
export function URI(url) {
  let u = null;
  try {
    u = new URL(url === undefined ? location.href : String(url), location.href);
  } catch (_) {}
  const part = (key) => (u ? u[key] : '');
  const labels = () => (part('hostname') ? part('hostname').split('.') : []);
  const segments = () => part('pathname').replace(/^\//, '').split('/');
  const file = () => {
    const path = part('pathname');
    return path.slice(path.lastIndexOf('/') + 1);
  };
  const view = Object.create(URI.prototype);
  const getters = {
    href: () => part('href'),
    protocol: () => part('protocol').replace(/:$/, ''),
    username: () => part('username'),
    password: () => part('password'),
    origin: () => (u ? u.origin : ''),
    host: () => part('host'),
    hostname: () => part('hostname'),
    port: () => part('port'),
    domain: () => labels().slice(-2).join('.'),
    subdomain: () => labels().slice(0, -2).join('.'),
    tld: () => labels().slice(-1).join(''),
    path: () => part('pathname'),
    directory: () => {
      const path = part('pathname');
      return path.slice(0, Math.max(path.lastIndexOf('/'), path.startsWith('/') ? 1 : 0));
    },
    filename: file,
    suffix: () => {
      const name = file();
      const dot = name.lastIndexOf('.');
      return dot > 0 ? name.slice(dot + 1) : '';
    },
    search: (asObject) => (asObject === true ? parseQuery(part('search')) : part('search')),
    query: (asObject) => (asObject === true ? parseQuery(part('search')) : part('search').replace(/^\?/, '')),
    hash: () => part('hash'),
    fragment: () => part('hash').replace(/^#/, ''),
    segment: (index) => {
      const all = segments();
      if (typeof index !== 'number') return all;
      return all[index < 0 ? all.length + index : index];
    },
    hasQuery: (name, ...value) => {
      const query = parseQuery(part('search'));
      if (!Object.prototype.hasOwnProperty.call(query, name)) return false;
      if (!value.length) return true;
      const got = query[name];
      return Array.isArray(got) ? got.includes(value[0]) : got === value[0];
    },
  };
  getters.scheme = getters.protocol;
  getters.pathname = getters.path;
  getters.toString = getters.href;
  getters.valueOf = getters.href;
  for (const name of Object.keys(getters)) view[name] = getters[name];
  return view;
}

URI.parseQuery = parseQuery;
