//! The functions the shim calls: one exported `Runtime` class whose methods back the
//! `window.CXBus` object and every plugin interface. Plugins are named by their numeric id; the
//! shim keeps the customer-facing objects (with exactly the documented keys) and checks the
//! JavaScript types of arguments it must answer synchronously.
//!
//! The hot paths (`command`, `publish`) have an export each; the other calls share a few
//! exports that take a small `kind` number (`plugin`, `attach`, `call`, `load`), because every
//! wasm-bindgen export carries a wrapper in the wasm and in the glue (docs/size.md).

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

    /// `subscribe(event, fn)`; the shim has checked both types.
    fn subscribe(&self, plugin: u32, event: &JsValue, callback: &JsValue) -> bool {
        if let (Some(event), Some(callback)) = (event.as_string(), js_callback(callback)) {
            self.shared.subscribe(id(plugin), &event, callback);
        }
        true
    }

    /// `unsubscribe(event[, fn])`.
    fn unsubscribe(&self, plugin: u32, event: &JsValue, callback: &JsValue) -> bool {
        let Some(event) = event.as_string() else {
            return false;
        };
        let callback = js_callback(callback);
        self.shared
            .unsubscribe(id(plugin), &event, callback.as_ref())
    }

    /// `before(name, fn)`: `true`, or `false` for an empty name or missing function.
    fn before(&self, name: &JsValue, hook: &JsValue) -> bool {
        match (name.as_string(), js_callback(hook)) {
            (Some(name), Some(hook)) => self.shared.before(&name, hook),
            _ => false,
        }
    }

    /// `registerCommand(name, fn, {private})`: `true`, or `false` for a missing name or function.
    fn register_command(
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
    fn register_events(&self, plugin: u32, names: &JsValue) {
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

    /// `subscribers()`.
    fn subscribers(&self, plugin: u32) -> Object {
        self.shared.subscribers(id(plugin))
    }

    /// `data(key, value)`: writes when `value` is neither undefined nor null and returns it;
    /// otherwise reads (the whole own map when `key` is undefined).
    fn data(&self, plugin: u32, key: &JsValue, value: &JsValue) -> JsValue {
        let key_text = key.as_string();
        if !value.is_undefined() && !value.is_null() {
            if let Some(key) = &key_text {
                self.shared.set_data(id(plugin), key, value.clone());
            }
            return value.clone();
        }
        if key.is_undefined() || key.is_null() {
            return self.shared.get_data(id(plugin), None);
        }
        key_text.map_or(JsValue::UNDEFINED, |key| {
            self.shared.get_data(id(plugin), Some(&key))
        })
    }

    /// `ready()`.
    fn ready(&self, plugin: u32) {
        self.shared.ready(id(plugin));
    }

    /// `CXBus.configure(options)`.
    fn configure(&self, options: &JsValue) {
        self.shared.configure(options);
    }

    /// `registerModule(name, value)`.
    fn register_module(&self, name: &JsValue, value: &JsValue) -> bool {
        self.shared.loader.register_module(name, value.clone())
    }

    /// `loadFile(url)`: runs a script once; a path loaded before rejects with no arguments.
    fn load_file(&self, url: &str, cell: DeferredCell) {
        if self.shared.loader.was_requested(url) {
            return cell.reject(&[]);
        }
        let text = load_text::file(url);
        self.shared.loader.load_script(url, move |loaded| {
            if loaded {
                cell.resolve(&[]);
            } else {
                cell.reject(&[text.into()]);
            }
        });
    }

    /// `loadModule(name)`: resolves with the module, loading its file first if needed.
    fn load_module(&self, name: String, cell: DeferredCell) {
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
}

fn id(raw: u32) -> PluginId {
    PluginId::from_raw(raw)
}

#[wasm_bindgen]
impl Runtime {
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

    /// `registerPlugin(name)` (`create`): the new plugin's id, or -1 for `false`; else the id of
    /// the plugin registered under exactly `name`, or -1. One export for both (each export
    /// carries a wrapper in the wasm and the glue; docs/size.md).
    pub fn plugin(&self, create: bool, name: &JsValue) -> i32 {
        let Some(name) = name.as_string() else {
            return -1;
        };
        let id = if create {
            self.shared.register(&name)
        } else {
            self.shared.plugin(&name)
        };
        id.map_or(-1, |id| i32::try_from(id.raw()).unwrap_or(-1))
    }

    /// The calls on a plugin's interface that hand over plain values: `ready()` (`kind` 0),
    /// `subscribers()` (1), `registerEvents(a)` (2), `data(a, b)` (3), and the bus-wide
    /// `CXBus.configure(a)` (4) and `CXBus.registerModule(a, b)` (5). Answers what the call
    /// returns (`undefined` for none). One export for these (docs/size.md).
    pub fn call(&self, kind: u8, plugin: u32, a: &JsValue, b: &JsValue) -> JsValue {
        match kind {
            0 => self.ready(plugin),
            1 => return self.subscribers(plugin).into(),
            2 => self.register_events(plugin, a),
            3 => return self.data(plugin, a, b),
            4 => self.configure(a),
            _ => return self.register_module(a, b).into(),
        }
        JsValue::UNDEFINED
    }

    /// A function handed to the bus for `plugin`: `subscribe(event, fn)` (`kind` 0),
    /// `unsubscribe(event[, fn])` (1), `before(name, fn)` (2) or `registerCommand(name, fn,
    /// options)` (3). One export for the four (each export carries a wrapper in the wasm and the
    /// glue; docs/size.md).
    pub fn attach(
        &self,
        kind: u8,
        plugin: u32,
        name: &JsValue,
        callback: &JsValue,
        options: &JsValue,
    ) -> bool {
        match kind {
            0 => self.subscribe(plugin, name, callback),
            1 => self.unsubscribe(plugin, name, callback),
            2 => self.before(name, callback),
            _ => self.register_command(plugin, name, callback, options),
        }
    }

    /// Runs queued work; the shim calls it from its scheduler.
    pub fn drain(&self) {
        self.shared.drain();
    }

    /// Whether debug logging is on.
    #[wasm_bindgen(getter)]
    pub fn debug(&self) -> bool {
        self.shared.debug_on()
    }

    /// `loadPlugin(name)` (`kind` 0), `loadFile(url)` (1) or `loadModule(name)` (2); the outcome
    /// settles `deferred`. One export for the three (each export carries a wrapper in the wasm
    /// and the glue; docs/size.md).
    pub fn load(&self, kind: u8, name: &JsValue, deferred: JsValue) {
        let name = name.as_string().unwrap_or_default();
        let cell = DeferredCell::from_js(deferred);
        match kind {
            0 => self.shared.load_plugin(name, cell),
            1 => self.load_file(&name, cell),
            _ => self.load_module(name, cell),
        }
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
