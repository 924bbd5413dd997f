/**
 * A minimal js-cookie-style helper over `document.cookie`: the `Cookies` that extensions
 * registered through `App.registerExtension` receive (`widgets-extension-helpers.js`), and the
 * `Cookie`/`CookieOptions` that WebChatService's Engage v3 async-mode callbacks receive
 * (`crates/webchat-web/src/cookie.rs` imports this file, so wasm-bindgen bundles it into that
 * glue). One copy of the logic for both.
 *
 * - `get(name)` → the decoded value, or `undefined`; `get()` → every readable cookie as
 *   `{name: value}`;
 * - `set(name, value, options)` → the cookie text written (a non-string value is stored as its
 *   `JSON.stringify` text);
 * - `remove(name, options)` → expires the cookie (give the `path`/`domain` it was set with).
 *
 * `options` may hold `path` (default `/`), `domain`, `expires` (days from now as a number, or a
 * `Date`), `secure` and `sameSite`. Cookie access never throws: where cookies are blocked (a
 * sandboxed frame) `get` answers `undefined` (`{}` for all) and writes are dropped; `set` throws
 * only what `JSON.stringify` throws for its value.
 */

function write(name, value, o) {
  o = o || {};
  var at = typeof o.expires == 'number' ? new Date(Date.now() + o.expires * 864e5) : o.expires;
  var text = encodeURIComponent(name) + '=' + encodeURIComponent(value) + '; path=' + (o.path || '/') +
    (o.domain ? '; domain=' + o.domain : '') + (at instanceof Date ? '; expires=' + at.toUTCString() : '') +
    (o.sameSite ? '; samesite=' + o.sameSite : '') + (o.secure ? '; secure' : '');
  try {
    document.cookie = text;
  } catch (e) {}
  return text;
}

/** Every cookie as `[name, value]`, decoded; a pair that does not decode is left out. */
function pairs() {
  var out = [];
  try {
    var all = document.cookie ? document.cookie.split('; ') : [];
    for (var i = 0; i < all.length; i++) {
      var at = all[i].indexOf('=');
      try {
        out.push([decodeURIComponent(all[i].slice(0, at)), decodeURIComponent(all[i].slice(at + 1))]);
      } catch (e) {}
    }
  } catch (e) {}
  return out;
}

/** A fresh cookie helper. */
export function makeCookie() {
  return {
    get: function (name) {
      var all = pairs();
      if (name === undefined) {
        var map = {};
        for (var i = 0; i < all.length; i++) map[all[i][0]] = all[i][1];
        return map;
      }
      for (var j = 0; j < all.length; j++) if (all[j][0] === name) return all[j][1];
    },
    set: function (name, value, o) {
      return write(String(name), typeof value == 'string' ? value : JSON.stringify(value) || '', o);
    },
    remove: function (name, o) {
      write(String(name), '', Object.assign({}, o, { expires: -1 }));
    },
  };
}

/** A fresh `CookieOptions` for `_genesys.widgets`: `{path: '/'}` with `main.cookieOptions` over it. */
export function cookieOptions(widgets) {
  try {
    var c = widgets.main.cookieOptions;
  } catch (e) {}
  return Object.assign({ path: '/' }, typeof c == 'object' ? c : 0);
}
