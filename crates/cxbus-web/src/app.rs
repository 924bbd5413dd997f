//! The App plugin and the widgets bootstrap: configuration from `window._genesys.widgets`,
//! extensions, `App.ready`, `onReady`, themes, language, debug and the AJAX header other
//! plugins send.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use cxbus_core::Access;
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::callback::CommandCall;
use crate::plugin::PluginHandle;
use crate::runtime::Shared;
use crate::{host, safe};

/// Texts of App command rejections, verbatim from the spec.
pub mod text {
    /// `App.setTheme` with a theme that is not configured.
    pub const INVALID_THEME: &str = "Invalid theme specified";
    /// `App.registerExtension` before `App.ready`.
    pub const EXTENSION_TOO_EARLY: &str =
        "You must wait until 'App.ready' is published before registering new Extensions.";
    /// `App.registerExtension` with bad arguments.
    pub const EXTENSION_BAD_OPTIONS: &str =
        "The options 'name' must be a string and 'extension' must be a function or a URL.";
    /// `App.registerExtension` with a name in use.
    pub fn extension_taken(name: &str) -> String {
        [
            "The Extension name: '",
            name,
            "', is already taken. Please use another name.",
        ]
        .concat()
    }
    /// `App.setLanguage` without a language code.
    pub const INVALID_LANGUAGE: &str = "Invalid language specified";
}

/// How an App command ends: now, or later by a callback holding the reply.
enum Outcome {
    Now(Result<JsValue, JsValue>),
    Later,
}

/// What configured extensions are called with, and the shim's caller for later ones.
#[derive(Clone)]
struct ExtensionArgs {
    dollar: JsValue,
    cxbus: JsValue,
    common: JsValue,
    /// `runLate(fn, name, cell)`: calls `fn($, CXBus, Common, Cookies, URI)` once jQuery and the
    /// helpers have arrived, in registration order, then resolves the command's `cell`.
    run_late: Option<Function>,
}

/// The App plugin.
pub struct App {
    plugin: PluginHandle,
    /// Set when `App.ready` reaches the App itself, i.e. after every command issued before it.
    published: Cell<bool>,
    themes: RefCell<Vec<String>>,
    extensions: RefCell<Vec<String>>,
    args: RefCell<Option<ExtensionArgs>>,
    headers: RefCell<Vec<(String, String)>>,
    /// Bumped by every updateAJAXHeader/removeAJAXHeader: how WebChatService sees a change
    /// without comparing lists on every input.
    headers_version: Cell<u32>,
}

fn get(object: &JsValue, key: &str) -> JsValue {
    if object.is_object() {
        Reflect::get(object, &JsValue::from_str(key)).unwrap_or_default()
    } else {
        JsValue::UNDEFINED
    }
}

impl App {
    /// Registers the App plugin with its commands. It is ready at once; `boot` publishes
    /// `App.ready`.
    pub fn install(shared: &Rc<Shared>) -> Rc<App> {
        let plugin = match PluginHandle::register(shared, "App") {
            Some(plugin) => plugin,
            None => unreachable_plugin(shared),
        };
        let app = Rc::new(App {
            plugin,
            published: Cell::new(false),
            themes: RefCell::new(vec!["dark".into(), "light".into()]),
            extensions: RefCell::new(Vec::new()),
            args: RefCell::new(None),
            headers: RefCell::new(Vec::new()),
            headers_version: Cell::new(0),
        });
        app.plugin
            .register_events(&["ready", "themeChanged", "languageChanged"]);
        let weak = Rc::downgrade(&app);
        app.plugin.subscribe("App.ready", move |_| {
            if let Some(app) = weak.upgrade() {
                app.published.set(true);
            }
        });
        type Handler = fn(&App, &CommandCall) -> Outcome;
        let commands: [(&str, Handler); 8] = [
            ("getTheme", |app, call| Outcome::Now(app.get_theme(call))),
            ("setTheme", |app, call| Outcome::Now(app.set_theme(call))),
            ("setLanguage", |app, call| {
                Outcome::Now(app.set_language(call))
            }),
            ("debug", |app, call| Outcome::Now(app.debug(call))),
            ("about", |app, call| Outcome::Now(app.about(call))),
            ("registerExtension", App::register_extension),
            ("updateAJAXHeader", |app, call| {
                Outcome::Now(app.update_header(call))
            }),
            ("removeAJAXHeader", |app, call| {
                Outcome::Now(app.remove_header(call))
            }),
        ];
        for (name, handler) in commands {
            let weak = Rc::downgrade(&app);
            app.plugin.on_command(name, Access::Public, move |call| {
                let Some(app) = weak.upgrade() else { return };
                match handler(&app, &call) {
                    Outcome::Now(Ok(value)) if value.is_undefined() => call.reply.resolve(&[]),
                    Outcome::Now(Ok(value)) => call.reply.resolve(&[value]),
                    Outcome::Now(Err(reason)) => call.reply.reject(&[reason]),
                    Outcome::Later => {}
                }
            });
        }
        app.plugin.ready();
        app
    }

    /// The header (name, value) pairs set through `App.updateAJAXHeader` (and not removed), as
    /// they are now: WebChatService reads them again whenever [`App::ajax_headers_version`]
    /// moved, before its next input, so a change reaches its next request.
    pub fn ajax_headers(&self) -> Vec<(String, String)> {
        self.headers.borrow().clone()
    }

    /// Changes whenever `App.updateAJAXHeader` or `App.removeAJAXHeader` runs.
    pub fn ajax_headers_version(&self) -> u32 {
        self.headers_version.get()
    }

    /// The bootstrap, in the documented order.
    pub fn boot(
        &self,
        widgets: &JsValue,
        quick_bus: &JsValue,
        dollar: &JsValue,
        cxbus: &JsValue,
        common: &JsValue,
        run_late: &JsValue,
    ) {
        let main = get(widgets, "main");
        if let Some(debug) = get(&main, "debug").as_bool() {
            self.plugin.shared().set_debug(debug);
        }
        let themes = safe::keys(&get(&main, "themes"));
        self.themes.borrow_mut().extend(themes);
        let theme = get(&main, "theme").as_string().unwrap_or("dark".into());
        let language = get(&main, "lang").as_string().unwrap_or("en".into());
        self.plugin.set_data("theme", theme.into());
        self.plugin.set_data("language", language.into());

        let args = ExtensionArgs {
            dollar: dollar.clone(),
            cxbus: cxbus.clone(),
            common: common.clone(),
            run_late: run_late.clone().dyn_into::<Function>().ok(),
        };
        for (name, extension) in safe::entries(&get(widgets, "extensions")) {
            self.extensions.borrow_mut().push(name.clone());
            if let Ok(extension) = extension.dyn_into::<Function>() {
                call_extension(&extension, &name, &args);
            }
        }
        *self.args.borrow_mut() = Some(args);

        self.plugin.republish("ready", widgets.clone());
        self.plugin.set_data("ready", JsValue::TRUE);
        if let Ok(on_ready) = get(widgets, "onReady").dyn_into::<Function>()
            && let Err(error) = on_ready.call1(&JsValue::UNDEFINED, quick_bus)
        {
            host::report("_genesys.widgets.onReady threw", &error);
        }
    }

    fn get_theme(&self, _: &CommandCall) -> Result<JsValue, JsValue> {
        let theme = self.plugin.data("theme").as_string().unwrap_or_default();
        Ok(["cx-theme-", &theme].concat().into())
    }

    fn set_theme(&self, call: &CommandCall) -> Result<JsValue, JsValue> {
        let theme = get(&call.data, "theme").as_string();
        match theme {
            Some(theme) if self.themes.borrow().contains(&theme) => {
                self.plugin.set_data("theme", theme.clone().into());
                self.plugin.publish("themeChanged", theme_event(&theme));
                Ok(JsValue::UNDEFINED)
            }
            _ => Err(text::INVALID_THEME.into()),
        }
    }

    fn set_language(&self, call: &CommandCall) -> Result<JsValue, JsValue> {
        match get(&call.data, "lang").as_string() {
            Some(lang) if !lang.is_empty() => {
                self.plugin.set_data("language", lang.clone().into());
                self.plugin
                    .publish("languageChanged", JsValue::from_str(&lang));
                Ok(JsValue::UNDEFINED)
            }
            _ => Err(text::INVALID_LANGUAGE.into()),
        }
    }

    fn debug(&self, call: &CommandCall) -> Result<JsValue, JsValue> {
        let enabled = get(&call.data, "enabled");
        let enabled = enabled.as_bool().unwrap_or_else(|| enabled.is_truthy());
        self.plugin.shared().set_debug(enabled);
        Ok(JsValue::UNDEFINED)
    }

    fn about(&self, _: &CommandCall) -> Result<JsValue, JsValue> {
        let about = Object::new();
        crate::runtime::set(&about, "name", &"widgets-rs".into());
        crate::runtime::set(&about, "version", &env!("CARGO_PKG_VERSION").into());
        host::with(|h| h.log(concat!("widgets-rs ", env!("CARGO_PKG_VERSION"))));
        Ok(about.into())
    }

    fn register_extension(&self, call: &CommandCall) -> Outcome {
        if !self.published.get() {
            return Outcome::Now(Err(text::EXTENSION_TOO_EARLY.into()));
        }
        let name = get(&call.data, "name").as_string();
        let extension = get(&call.data, "extension");
        let (Some(name), true) = (name, extension.is_function() || extension.is_string()) else {
            return Outcome::Now(Err(text::EXTENSION_BAD_OPTIONS.into()));
        };
        if self.extensions.borrow().contains(&name) {
            return Outcome::Now(Err(text::extension_taken(&name).into()));
        }
        self.extensions.borrow_mut().push(name.clone());
        if extension.is_function() {
            // Resolved once the extension has been called, so that what it registered is there.
            let run_late = self.args.borrow().as_ref().and_then(|a| a.run_late.clone());
            let Some(run_late) = run_late else {
                return Outcome::Now(Ok(JsValue::UNDEFINED));
            };
            let reply = JsValue::from(call.reply.clone());
            return match run_late.call3(&JsValue::UNDEFINED, &extension, &name.into(), &reply) {
                Ok(_) => Outcome::Later,
                Err(error) => Outcome::Now(Err(error)),
            };
        }
        let url = extension.as_string().unwrap_or_default();
        let reply = call.reply.clone();
        let failure = cxbus_core::load_text::file(&url);
        self.plugin
            .shared()
            .loader
            .load_script(&url, move |loaded| {
                if loaded {
                    reply.resolve(&[]);
                } else {
                    reply.reject(&[failure.into()]);
                }
            });
        Outcome::Later
    }

    fn update_header(&self, call: &CommandCall) -> Result<JsValue, JsValue> {
        // Read first (page getters may run or throw), then store.
        let entries = safe::entries(&get(&call.data, "header"));
        let mut headers = self.headers.borrow_mut();
        for (name, value) in entries {
            let Some(value) = value.as_string() else {
                continue;
            };
            drop_header(&mut headers, &name);
            headers.push((name, value));
        }
        self.headers_version
            .set(self.headers_version.get().wrapping_add(1));
        Ok(JsValue::UNDEFINED)
    }

    /// Removes only the headers named in `header` (or `headers`): one name, an array of names,
    /// or an object whose keys are the names (updateAJAXHeader's shape). Names match in any
    /// case; nothing named removes nothing.
    fn remove_header(&self, call: &CommandCall) -> Result<JsValue, JsValue> {
        // Read first (page getters may run or throw), then change the store.
        let mut names = header_names(&get(&call.data, "header"));
        names.extend(header_names(&get(&call.data, "headers")));
        let mut headers = self.headers.borrow_mut();
        for name in &names {
            drop_header(&mut headers, name);
        }
        drop(headers);
        self.headers_version
            .set(self.headers_version.get().wrapping_add(1));
        Ok(JsValue::UNDEFINED)
    }
}

/// Removes header `name` (any case) from `headers`.
fn drop_header(headers: &mut Vec<(String, String)>, name: &str) {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
}

/// The header names `App.removeAJAXHeader` was given in one option.
fn header_names(value: &JsValue) -> Vec<String> {
    if let Some(name) = value.as_string() {
        vec![name]
    } else if safe::is_array(value) {
        safe::items(value)
            .iter()
            .filter_map(JsValue::as_string)
            .collect()
    } else {
        safe::keys(value)
    }
}

fn theme_event(theme: &str) -> JsValue {
    let data = Object::new();
    crate::runtime::set(&data, "theme", &theme.into());
    data.into()
}

/// Calls a configured extension as `fn($, CXBus, Common)` (those registered through
/// `App.registerExtension` go through the shim's `runLate`, which adds `Cookies` and `URI`).
/// One that throws is reported, not fatal.
fn call_extension(extension: &Function, name: &str, args: &ExtensionArgs) {
    if let Err(error) =
        extension.call3(&JsValue::UNDEFINED, &args.dollar, &args.cxbus, &args.common)
    {
        host::report(&["extension '", name, "' threw"].concat(), &error);
    }
}

/// "App" is the second name a fresh bus registers, so it cannot be taken; if the impossible
/// happens, run on with a plugin under another name rather than abort the page.
fn unreachable_plugin(shared: &Rc<Shared>) -> PluginHandle {
    let mut n = 0u32;
    loop {
        n = n.wrapping_add(1);
        if let Some(plugin) = PluginHandle::register(shared, &["App", &n.to_string()].concat()) {
            return plugin;
        }
    }
}
