//! `Cookie` and `CookieOptions`, the second and third arguments of the async-mode callbacks
//! (`getSessionData`, `setSessionData`, `deleteSessionData`).
//!
//! The vendor passes its internal cookie library there, and customer code written against it
//! calls `Cookie.set(name, value, options)`, `Cookie.get(name)` and `Cookie.remove(name, options)`
//! (seed 004's example). We ship no cookie library, so `Cookie` is a minimal one with exactly that
//! surface, over `document.cookie`, in the style of js-cookie.
//!
//! The helper is `bus-shim/src/cookies.js` (its header lists the surface and the options), shared
//! with the `Cookies` that extensions receive; wasm-bindgen copies it beside this bundle's glue
//! and esbuild bundles it in. `CookieOptions` is a fresh object per call: `{path: '/'}` with
//! `_genesys.widgets.main.cookieOptions` assigned over it. Cookie access never throws (`set`
//! throws only what `JSON.stringify` throws for its value, inside the customer's callback, which
//! then counts as a callback that threw). The same code in Rust, with its closures, cost about
//! 3 KB gzip more.

use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/../../bus-shim/src/cookies.js")]
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
