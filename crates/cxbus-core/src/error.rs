//! Every reason a command can be rejected, and the exact texts customers see.
//!
//! The texts are a compatibility contract (see `shared/spec/cxbus.md`): customer code compares
//! them verbatim, so they are produced here and nowhere else.

use thiserror::Error;

/// Why the bus rejected a command before (or instead of) running its handler.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Rejection {
    /// A before-hook returned a non-object, or the payload was not an object.
    #[error("Command was cancelled by a 'before' function.")]
    Cancelled,
    /// The target plugin is ready but has no handler of that name.
    #[error("Command does not exist")]
    NoSuchCommand,
    /// The target plugin is not registered and could not be loaded.
    #[error("Could not load plugin file in given location. Check your plugins path option.")]
    PluginNotLoaded,
    /// A private command was called by a plugin other than its owner.
    #[error(
        "Access Denied to private command. Only {owner} is allowed to invoke this command{qualifier}."
    )]
    AccessDenied {
        /// The plugin that owns the command.
        owner: String,
        /// Extra words before the final period, such as `" in Non-Async mode"`.
        qualifier: String,
    },
}

/// Why `registerPlugin` returned `false`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegisterError {
    /// Names are case-sensitive and unique.
    #[error("plugin name \"{0}\" is already registered")]
    NameTaken(String),
    /// `registerMaster().lock()` is in force.
    #[error("plugin registration is locked; \"{0}\" was refused")]
    Locked(String),
    /// The empty string is not a plugin name.
    #[error("plugin name must not be empty")]
    EmptyName,
    /// A `.` would let a plugin publish events that look like another's
    /// (`registerPlugin('App.data').republish('ready')` would fake `App.data.ready`).
    #[error("plugin name \"{0}\" must not contain '.'")]
    DottedName(String),
}

/// Texts of `loadPlugin` and `loadFile` rejections.
pub mod load_text {
    /// `loadPlugin` could not fetch or run the plugin's file.
    pub fn plugin_file(file: &str) -> String {
        format!("Could not load plugin file: {file}")
    }
    /// `loadFile` could not fetch or run the file.
    pub fn file(url: &str) -> String {
        format!("Could not load file: {url}")
    }
    /// `loadModule` of a name that is not registered and whose file did not register it.
    pub fn module(name: &str) -> String {
        format!("Could not load module: {name}")
    }
}
