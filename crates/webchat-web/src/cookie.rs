//! `Cookie` and `CookieOptions`, the second and third arguments of the async-mode callbacks
//! (`getSessionData`, `setSessionData`, `deleteSessionData`).
//!
//! The vendor passes its internal cookie library there, and customer code written against it
//! calls `Cookie.set(name, value, options)`, `Cookie.get(name)` and `Cookie.remove(name, options)`
//! (seed 004's example). We ship no cookie library, so `Cookie` is a minimal one with exactly that
//! surface, over `document.cookie`, in the style of js-cookie:
//!
//! * `get(name)` → the decoded value, or `undefined`;
//! * `set(name, value, options)` → the cookie text written (a non-string value is stored as its
//!   `JSON.stringify` text);
//! * `remove(name, options)` → expires the cookie (give the `path`/`domain` it was set with).
//!
//! `options` (and `CookieOptions`) may hold `path` (default `/`), `domain`, `expires` (days from
//! now as a number, or a `Date`), `secure` and `sameSite`. `CookieOptions` is a fresh object per
//! call: `{path: '/'}` with `_genesys.widgets.main.cookieOptions` assigned over it. Cookie access
//! never throws: where cookies are blocked (a sandboxed frame) `get` answers `undefined` and writes
//! are dropped (`set` throws only what `JSON.stringify` throws for its value, inside the
//! customer's callback, which then counts as a callback that threw).
//!
//! It is a small JavaScript snippet (bundled into `widgets.min.js` by esbuild): the same code in
//! Rust, with its closures, cost about 3 KB gzip more.

use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
function write(name, value, o) {
  o = o || {};
  var at = typeof o.expires == 'number' ? new Date(Date.now() + o.expires * 864e5) : o.expires;
  var text = encodeURIComponent(name) + '=' + encodeURIComponent(value) + '; path=' + (o.path || '/') +
    (o.domain ? '; domain=' + o.domain : '') + (at instanceof Date ? '; expires=' + at.toUTCString() : '') +
    (o.sameSite ? '; samesite=' + o.sameSite : '') + (o.secure ? '; secure' : '');
  try { document.cookie = text; } catch (e) {}
  return text;
}
export function makeCookie() {
  return {
    get: function (name) {
      try {
        var pairs = document.cookie.split('; ');
        for (var i = 0; i < pairs.length; i++) {
          var at = pairs[i].indexOf('=');
          if (decodeURIComponent(pairs[i].slice(0, at)) === name) return decodeURIComponent(pairs[i].slice(at + 1));
        }
      } catch (e) {}
    },
    set: function (name, value, o) {
      return write(String(name), typeof value == 'string' ? value : JSON.stringify(value) || '', o);
    },
    remove: function (name, o) {
      write(String(name), '', Object.assign({}, o, { expires: -1 }));
    },
  };
}
export function cookieOptions(widgets) {
  try {
    var c = widgets.main.cookieOptions;
  } catch (e) {}
  return Object.assign({ path: '/' }, typeof c == 'object' ? c : 0);
}
"#)]
extern "C" {
    /// A fresh `Cookie` object.
    #[wasm_bindgen(js_name = makeCookie)]
    pub fn make_cookie() -> JsValue;
    /// A fresh `CookieOptions` object for `_genesys.widgets`.
    #[wasm_bindgen(js_name = cookieOptions)]
    fn cookie_options(widgets: &JsValue) -> JsValue;
}

/// Calls customer callback `f` with `first`, `Cookie` and `CookieOptions`.
pub fn call(
    f: &Function,
    first: &JsValue,
    cookie: &JsValue,
    widgets: &JsValue,
) -> Result<JsValue, JsValue> {
    f.call3(&JsValue::UNDEFINED, first, cookie, &cookie_options(widgets))
}
