//! Loading plugin and other script files, and the small module registry.

use std::cell::RefCell;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::runtime::Config;
use crate::{host, safe};

/// Files already requested, and registered modules.
#[derive(Default)]
pub struct Loader {
    files: RefCell<Vec<String>>,
    modules: RefCell<Vec<(String, JsValue)>>,
}

impl Loader {
    /// The file for a plugin: `pluginMap[name]` (or, when that key is absent,
    /// `pluginMap[lower-case name]`) when it is a string, `None` when it
    /// is `false` (loading blocked) or the name is not a plain identifier (so that a command
    /// such as `//host/x.open` never becomes a script from another host), else
    /// `pluginsPath + lower-case name + ".min.js"`. Reading `pluginMap` may run page code: pass
    /// a snapshot ([`crate::Shared::config`]), not a borrow.
    pub fn plugin_file(&self, config: &Config, name: &str) -> Option<String> {
        if !is_identifier(name) {
            return None;
        }
        if let Some(map) = &config.plugin_map {
            let lookup = |key: &str| Reflect::get(map, &JsValue::from_str(key)).unwrap_or_default();
            let mut mapped = lookup(name);
            if mapped.is_undefined() {
                mapped = lookup(&name.to_ascii_lowercase());
            }
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
        self.load_script_boxed(url, Box::new(done));
    }

    /// [`Loader::load_script`] without generics: one copy of the JS callback's glue for every
    /// caller (docs/size.md).
    fn load_script_boxed(&self, url: &str, done: Box<dyn FnOnce(bool)>) {
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

    /// `registerModule(name, value)`: `true` the first time, `false` when the name is taken (the
    /// first module stays) or is not a string.
    pub fn register_module(&self, name: &JsValue, value: JsValue) -> bool {
        let Some(name) = name.as_string() else {
            return false;
        };
        let mut modules = self.modules.borrow_mut();
        if modules.iter().any(|(n, _)| *n == name) {
            return false;
        }
        modules.push((name, value));
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

/// Whether `name` is a plain identifier (`[A-Za-z_$][A-Za-z0-9_$]*`), the only plugin and module
/// names that may become file names.
pub fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'$')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
}

/// Where a plugin's or module's file is by default: `pluginsPath + lower-case name + ".min.js"`.
pub fn default_file(config: &Config, name: &str) -> String {
    [
        config.plugins_path.as_str(),
        &name.to_ascii_lowercase(),
        ".min.js",
    ]
    .concat()
}

/// The `CXBus.configure` options of the right type, read from the page's object (getters may
/// run or throw; a throwing one reads as absent) before the stored options are touched.
pub struct ConfigUpdate {
    debug: Option<bool>,
    plugins_path: Option<String>,
    plugin_map: Option<Object>,
}

impl ConfigUpdate {
    /// Reads `options`; anything of the wrong type is ignored.
    pub fn read(options: &JsValue) -> ConfigUpdate {
        ConfigUpdate {
            debug: safe::get(options, "debug").as_bool(),
            plugins_path: safe::get(options, "pluginsPath").as_string(),
            plugin_map: safe::object(&safe::get(options, "pluginMap")),
        }
    }

    /// Applies what was read.
    pub fn apply(self, config: &mut Config) {
        if let Some(debug) = self.debug {
            config.debug = debug;
        }
        if let Some(path) = self.plugins_path {
            config.plugins_path = path;
        }
        if let Some(map) = self.plugin_map {
            config.plugin_map = Some(map);
        }
    }
}
