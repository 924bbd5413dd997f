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
//! call: `{path: '/'}` with `_genesys.widgets.main.cookieOptions` assigned over it. Nothing here
//! throws: where cookies are blocked (a sandboxed frame) `get` answers `undefined` and writes are
//! dropped.
//!
//! It is a small JavaScript snippet (bundled into `widgets.min.js` by esbuild): the same code in
//! Rust, with its closures, cost about 3 KB gzip more.

use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
function safe(f, fallback) { try { return f(); } catch (e) { return fallback; } }
function write(name, value, o) {
  o = o || {};
  var text = encodeURIComponent(name) + '=' + encodeURIComponent(value) + '; path=' + (o.path || '/');
  if (o.domain) text += '; domain=' + o.domain;
  var at = typeof o.expires === 'number' ? new Date(Date.now() + o.expires * 864e5) : o.expires;
  if (at instanceof Date) text += '; expires=' + at.toUTCString();
  if (o.sameSite) text += '; samesite=' + o.sameSite;
  if (o.secure) text += '; secure';
  safe(function () { document.cookie = text; });
  return text;
}
export function makeCookie() {
  return {
    get: function (name) {
      var jar = safe(function () { return document.cookie; }, '') || '';
      var found;
      jar.split(';').forEach(function (pair) {
        var at = pair.indexOf('=');
        var key = safe(function () { return decodeURIComponent(pair.slice(0, at).trim()); }, '');
        if (at > 0 && found === undefined && key === name) {
          found = safe(function () { return decodeURIComponent(pair.slice(at + 1)); }, pair.slice(at + 1));
        }
      });
      return found;
    },
    set: function (name, value, options) {
      var text = typeof value === 'string' ? value : safe(function () { return JSON.stringify(value); }, '');
      return write(String(name), text === undefined ? '' : text, options);
    },
    remove: function (name, options) {
      write(String(name), '', Object.assign({}, options, { expires: -1 }));
    },
  };
}
export function cookieOptions(widgets) {
  var configured = safe(function () { return widgets.main.cookieOptions; });
  return Object.assign({ path: '/' }, configured && typeof configured === 'object' ? configured : {});
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
