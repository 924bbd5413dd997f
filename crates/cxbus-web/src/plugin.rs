//! The Rust-side plugin interface, for plugins built into the bundle (App, WebChatService).
//! It is the same bus path as the JavaScript interface, without crossing into JS.

use std::rc::Rc;

use cxbus_core::{Access, PluginId};
use wasm_bindgen::JsValue;

use crate::callback::{Callback, CommandCall};
use crate::deferred::DeferredCell;
use crate::runtime::{PublishMode, Shared};

/// A registered plugin, held by Rust code.
#[derive(Clone)]
pub struct PluginHandle {
    shared: Rc<Shared>,
    id: PluginId,
}

impl PluginHandle {
    /// Registers `name`; `None` if the name is taken.
    pub fn register(shared: &Rc<Shared>, name: &str) -> Option<PluginHandle> {
        let id = shared.register(name)?;
        Some(PluginHandle {
            shared: shared.clone(),
            id,
        })
    }

    /// The bus id.
    pub fn id(&self) -> PluginId {
        self.id
    }

    /// The runtime this plugin lives on.
    pub fn shared(&self) -> &Rc<Shared> {
        &self.shared
    }

    /// Registers a command handler.
    pub fn on_command(&self, name: &str, access: Access, handler: impl Fn(CommandCall) + 'static) {
        self.shared
            .register_command(self.id, name, Callback::Command(Rc::new(handler)), access);
    }

    /// Lists event names in the registry.
    pub fn register_events(&self, names: &[&str]) {
        let names = names.iter().map(|n| (*n).to_owned()).collect();
        self.shared.register_events(self.id, names);
    }

    /// Publishes `<Plugin>.<event>`.
    pub fn publish(&self, event: &str, data: JsValue) {
        self.shared
            .publish(self.id, event, data, PublishMode::Publish);
    }

    /// Publishes and retains `<Plugin>.<event>` for late subscribers.
    pub fn republish(&self, event: &str, data: JsValue) {
        self.shared
            .publish(self.id, event, data, PublishMode::Republish);
    }

    /// Subscribes to a full event name; the handler gets the event's data.
    pub fn subscribe(&self, event: &str, handler: impl Fn(&JsValue) + 'static) {
        self.shared
            .subscribe(self.id, event, Callback::Event(Rc::new(handler)));
    }

    /// Sends a command as this plugin; the returned deferred settles with the outcome.
    pub fn command(&self, name: &str, data: JsValue) -> DeferredCell {
        let reply = DeferredCell::new();
        self.shared.command(self.id, name, data, reply.clone());
        reply
    }

    /// Writes plugin data (publishing the change events when it changed).
    pub fn set_data(&self, key: &str, value: JsValue) {
        self.shared.set_data(self.id, key, value);
    }

    /// Reads plugin data.
    pub fn data(&self, key: &str) -> JsValue {
        self.shared.get_data(self.id, Some(key))
    }

    /// Marks the plugin ready.
    pub fn ready(&self) {
        self.shared.ready(self.id);
    }
}
