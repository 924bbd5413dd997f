//! Loading plugin and other script files, and the small module registry.

use std::cell::RefCell;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::host;
use crate::runtime::Config;

/// Files already requested, and registered modules.
#[derive(Default)]
pub struct Loader {
    files: RefCell<Vec<String>>,
    modules: RefCell<Vec<(String, JsValue)>>,
}

impl Loader {
    /// The file for a plugin: `pluginMap[lower-case name]` when it is a string, `None` when it
    /// is `false` (loading blocked), else `pluginsPath + lower-case name + ".min.js"`.
    pub fn plugin_file(&self, config: &Config, name: &str) -> Option<String> {
        if let Some(map) = &config.plugin_map {
            let lower = JsValue::from_str(&name.to_ascii_lowercase());
            let mapped = Reflect::get(map, &lower).unwrap_or_default();
            if mapped == JsValue::FALSE {
                return None;
            }
            if let Some(file) = mapped.as_string() {
                return Some(file);
            }
        }
        Some(default_file(config, name))
    }

    /// Whether this exact path was requested before.
    pub fn was_requested(&self, url: &str) -> bool {
        self.files.borrow().iter().any(|f| f == url)
    }

    /// Injects the script once and calls `done(loaded)` when it has run or failed.
    pub fn load_script(&self, url: &str, done: impl FnOnce(bool) + 'static) {
        self.files.borrow_mut().push(url.to_owned());
        let Some(promise) = host::with(|h| h.load_script(url)) else {
            return done(false);
        };
        let callback = Closure::once_into_js(move |loaded: JsValue| done(loaded.is_truthy()));
        let then = Reflect::get(&promise, &JsValue::from_str("then"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        if let Some(then) = then {
            let _ = then.call1(&promise, &callback);
        }
    }

    /// `registerModule(name, value)`: `false` when the name is not a string.
    pub fn register_module(&self, name: &JsValue, value: JsValue) -> bool {
        let Some(name) = name.as_string() else {
            return false;
        };
        let mut modules = self.modules.borrow_mut();
        match modules.iter_mut().find(|(n, _)| *n == name) {
            Some((_, slot)) => *slot = value,
            None => modules.push((name, value)),
        }
        true
    }

    /// A registered module.
    pub fn module(&self, name: &str) -> Option<JsValue> {
        self.modules
            .borrow()
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

/// Where a plugin's or module's file is by default: `pluginsPath + lower-case name + ".min.js"`.
pub fn default_file(config: &Config, name: &str) -> String {
    format!(
        "{}{}.min.js",
        config.plugins_path,
        name.to_ascii_lowercase()
    )
}

/// Applies `CXBus.configure` options of the right type; others are ignored.
pub fn configure(config: &mut Config, options: &JsValue) {
    if !options.is_object() {
        return;
    }
    let get = |key: &str| Reflect::get(options, &JsValue::from_str(key)).unwrap_or_default();
    if let Some(debug) = get("debug").as_bool() {
        config.debug = debug;
    }
    if let Some(path) = get("pluginsPath").as_string() {
        config.plugins_path = path;
    }
    if let Ok(map) = get("pluginMap").dyn_into::<Object>()
        && !map.is_function()
    {
        config.plugin_map = Some(map);
    }
}
