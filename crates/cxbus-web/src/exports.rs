//! The functions the shim calls: one exported `Runtime` class whose methods back the
//! `window.CXBus` object and every plugin interface. Plugins are named by their numeric id; the
//! shim keeps the customer-facing objects (with exactly the documented keys) and checks the
//! JavaScript types of arguments it must answer synchronously.

use std::cell::RefCell;
use std::rc::Rc;

use cxbus_core::{Access, PluginId, load_text};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::app::App;
use crate::deferred::DeferredCell;
use crate::host::{self, HostJs};
use crate::runtime::{PublishMode, Shared, js_callback};
use crate::{loader, safe};

thread_local! {
    static CURRENT: RefCell<Option<Rc<Shared>>> = const { RefCell::new(None) };
}

/// The running runtime, once started.
pub fn current() -> Option<Rc<Shared>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// The bus runtime, as the shim sees it.
#[wasm_bindgen]
pub struct Runtime {
    shared: Rc<Shared>,
    app: Rc<App>,
}

impl Runtime {
    /// Starts the runtime: installs the shim's helpers and registers `CXBus`, `App` and
    /// `QuickBus`. The bundle's entry point calls this, then installs its own plugins.
    pub fn create(host: HostJs, registry: Object) -> Runtime {
        host::install(host);
        let shared = Shared::new(registry);
        CURRENT.with(|c| *c.borrow_mut() = Some(shared.clone()));
        let app = App::install(&shared);
        let _ = shared.register("QuickBus");
        Runtime { shared, app }
    }

    /// The shared runtime, for built-in plugins.
    pub fn shared(&self) -> &Rc<Shared> {
        &self.shared
    }

    /// The App plugin.
    pub fn app(&self) -> &Rc<App> {
        &self.app
    }
}

fn id(raw: u32) -> PluginId {
    PluginId::from_raw(raw)
}

#[wasm_bindgen]
impl Runtime {
    /// `registerPlugin(name)`: the new plugin's id, or -1 for `false`.
    pub fn register(&self, name: &JsValue) -> i32 {
        let Some(name) = name.as_string() else {
            return -1;
        };
        self.shared
            .register(&name)
            .map_or(-1, |id| i32::try_from(id.raw()).unwrap_or(-1))
    }

    /// The id of the plugin registered under exactly `name`, or -1.
    #[wasm_bindgen(js_name = pluginId)]
    pub fn plugin_id(&self, name: &str) -> i32 {
        self.shared
            .plugin(name)
            .map_or(-1, |id| i32::try_from(id.raw()).unwrap_or(-1))
    }

    /// `registerCommand(name, fn, {private})`: `true`, or `false` for a missing name or function.
    #[wasm_bindgen(js_name = registerCommand)]
    pub fn register_command(
        &self,
        plugin: u32,
        name: &JsValue,
        handler: &JsValue,
        options: &JsValue,
    ) -> bool {
        let (Some(name), Some(handler)) = (name.as_string(), js_callback(handler)) else {
            return false;
        };
        let private = options.is_object()
            && Reflect::get(options, &JsValue::from_str("private"))
                .unwrap_or_default()
                .is_truthy();
        let access = if private {
            Access::Private {
                qualifier: String::new(),
            }
        } else {
            Access::Public
        };
        self.shared
            .register_command(id(plugin), &name, handler, access);
        true
    }

    /// `registerEvents(name | [names])`.
    #[wasm_bindgen(js_name = registerEvents)]
    pub fn register_events(&self, plugin: u32, names: &JsValue) {
        let names = if let Some(name) = names.as_string() {
            vec![name]
        } else if safe::is_array(names) {
            safe::items(names)
                .iter()
                .filter_map(|n| n.as_string())
                .collect()
        } else {
            return;
        };
        self.shared.register_events(id(plugin), names);
    }

    /// `before(name, fn)`: `true`, or `false` for an empty name or missing function.
    pub fn before(&self, _plugin: u32, name: &JsValue, hook: &JsValue) -> bool {
        match (name.as_string(), js_callback(hook)) {
            (Some(name), Some(hook)) => self.shared.before(&name, hook),
            _ => false,
        }
    }

    /// `command(name, data)`; the outcome settles `deferred` (the shim's JS deferred). The shim
    /// has coerced `data` already (`data || {}`; `undefined` when that is not an object).
    pub fn command(&self, plugin: u32, name: &JsValue, data: Option<JsValue>, deferred: JsValue) {
        let text = name.as_string().unwrap_or_default();
        let reply = DeferredCell::from_js(deferred);
        self.shared
            .command_with(id(plugin), &text, Some(name), data, reply);
    }

    /// `publish` (mode 0), `republish` (1) or `publishDirect` (2).
    pub fn publish(&self, plugin: u32, event: &JsValue, data: JsValue, mode: u8) {
        let mode = match mode {
            1 => PublishMode::Republish,
            2 => PublishMode::Direct,
            _ => PublishMode::Publish,
        };
        let event = event.as_string().unwrap_or_default();
        self.shared.publish(id(plugin), &event, data, mode);
    }

    /// `subscribe(event, fn)`; the shim has checked both types.
    pub fn subscribe(&self, plugin: u32, event: &str, callback: &JsValue) {
        if let Some(callback) = js_callback(callback) {
            self.shared.subscribe(id(plugin), event, callback);
        }
    }

    /// `unsubscribe(event[, fn])`.
    pub fn unsubscribe(&self, plugin: u32, event: &JsValue, callback: &JsValue) -> bool {
        let Some(event) = event.as_string() else {
            return false;
        };
        let callback = js_callback(callback);
        self.shared
            .unsubscribe(id(plugin), &event, callback.as_ref())
    }

    /// `subscribers()`.
    pub fn subscribers(&self, plugin: u32) -> Object {
        self.shared.subscribers(id(plugin))
    }

    /// `data(key, value)`: writes when `value` is neither undefined nor null and returns it;
    /// otherwise reads (the whole own map when `key` is undefined).
    pub fn data(&self, plugin: u32, key: &JsValue, value: JsValue) -> JsValue {
        let key_text = key.as_string();
        if !value.is_undefined() && !value.is_null() {
            if let Some(key) = &key_text {
                self.shared.set_data(id(plugin), key, value.clone());
            }
            return value;
        }
        if key.is_undefined() || key.is_null() {
            return self.shared.get_data(id(plugin), None);
        }
        key_text.map_or(JsValue::UNDEFINED, |key| {
            self.shared.get_data(id(plugin), Some(&key))
        })
    }

    /// `ready()`.
    pub fn ready(&self, plugin: u32) {
        self.shared.ready(id(plugin));
    }

    /// Runs queued work; the shim calls it from its scheduler.
    pub fn drain(&self) {
        self.shared.drain();
    }

    /// `CXBus.configure(options)`.
    pub fn configure(&self, options: &JsValue) {
        self.shared.configure(options);
    }

    /// Whether debug logging is on.
    #[wasm_bindgen(getter)]
    pub fn debug(&self) -> bool {
        self.shared.debug_on()
    }

    /// `loadPlugin(name)`.
    #[wasm_bindgen(js_name = loadPlugin)]
    pub fn load_plugin(&self, name: &JsValue, deferred: JsValue) {
        let name = name.as_string().unwrap_or_default();
        self.shared
            .load_plugin(name, DeferredCell::from_js(deferred));
    }

    /// `loadFile(url)`: runs a script once; a path loaded before rejects with no arguments.
    #[wasm_bindgen(js_name = loadFile)]
    pub fn load_file(&self, url: &JsValue, deferred: JsValue) {
        let url = url.as_string().unwrap_or_default();
        let cell = DeferredCell::from_js(deferred);
        if self.shared.loader.was_requested(&url) {
            return cell.reject(&[]);
        }
        let text = load_text::file(&url);
        self.shared.loader.load_script(&url, move |loaded| {
            if loaded {
                cell.resolve(&[]);
            } else {
                cell.reject(&[text.into()]);
            }
        });
    }

    /// `registerModule(name, value)`.
    #[wasm_bindgen(js_name = registerModule)]
    pub fn register_module(&self, name: &JsValue, value: JsValue) -> bool {
        self.shared.loader.register_module(name, value)
    }

    /// `loadModule(name)`: resolves with the module, loading its file first if needed.
    #[wasm_bindgen(js_name = loadModule)]
    pub fn load_module(&self, name: &JsValue, deferred: JsValue) {
        let name = name.as_string().unwrap_or_default();
        let cell = DeferredCell::from_js(deferred);
        if let Some(module) = self.shared.loader.module(&name) {
            return cell.resolve(&[module]);
        }
        if !loader::is_identifier(&name) {
            return cell.reject(&[load_text::module(&name).into()]);
        }
        let file = loader::default_file(&self.shared.config(), &name);
        let shared = self.shared.clone();
        self.shared
            .loader
            .load_script(&file, move |_| match shared.loader.module(&name) {
                Some(module) => cell.resolve(&[module]),
                None => cell.reject(&[load_text::module(&name).into()]),
            });
    }

    /// The widgets bootstrap: extensions, `App.ready`, `App.data('ready')`, `onReady`.
    /// `run_late(fn, name, cell)` calls an extension registered later through
    /// `App.registerExtension` once its arguments are there (the shim's `extensions.js`).
    pub fn boot(
        &self,
        widgets: &JsValue,
        quick_bus: &JsValue,
        dollar: &JsValue,
        cxbus: &JsValue,
        common: &JsValue,
        run_late: &JsValue,
    ) {
        self.app
            .boot(widgets, quick_bus, dollar, cxbus, common, run_late);
    }
}
