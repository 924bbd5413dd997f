//! Every reason a command can be rejected, and the exact texts customers see.
//!
//! The texts are a compatibility contract (see `shared/spec/cxbus.md`): customer code compares
//! them verbatim, so they are produced here and nowhere else.
//!
//! The texts are joined from `&str` pieces (`text()`), not formatted: the bundle then links no
//! `core::fmt` for them (docs/size.md). `Display` prints the same text.

use std::fmt;

/// Why the bus rejected a command before (or instead of) running its handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// A before-hook returned a non-object, or the payload was not an object.
    Cancelled,
    /// The target plugin is ready but has no handler of that name.
    NoSuchCommand,
    /// The target plugin is not registered and could not be loaded.
    PluginNotLoaded,
    /// A private command was called by a plugin other than its owner.
    AccessDenied {
        /// The plugin that owns the command.
        owner: String,
        /// Extra words before the final period, such as `" in Non-Async mode"`.
        qualifier: String,
    },
}

/// Why `registerPlugin` returned `false`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterError {
    /// Names are case-sensitive and unique.
    NameTaken(String),
    /// `registerMaster().lock()` is in force.
    Locked(String),
    /// The empty string is not a plugin name.
    EmptyName,
    /// A `.` would let a plugin publish events that look like another's
    /// (`registerPlugin('App.data').republish('ready')` would fake `App.data.ready`).
    DottedName(String),
}

impl Rejection {
    /// The text customers see.
    pub fn text(&self) -> String {
        match self {
            Rejection::Cancelled => "Command was cancelled by a 'before' function.".to_owned(),
            Rejection::NoSuchCommand => "Command does not exist".to_owned(),
            Rejection::PluginNotLoaded => {
                "Could not load plugin file in given location. Check your plugins path option."
                    .to_owned()
            }
            Rejection::AccessDenied { owner, qualifier } => [
                "Access Denied to private command. Only ",
                owner,
                " is allowed to invoke this command",
                qualifier,
                ".",
            ]
            .concat(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl std::error::Error for Rejection {}

impl RegisterError {
    /// The text of the debug log line.
    pub fn text(&self) -> String {
        match self {
            RegisterError::NameTaken(name) => {
                ["plugin name \"", name, "\" is already registered"].concat()
            }
            RegisterError::Locked(name) => {
                ["plugin registration is locked; \"", name, "\" was refused"].concat()
            }
            RegisterError::EmptyName => "plugin name must not be empty".to_owned(),
            RegisterError::DottedName(name) => {
                ["plugin name \"", name, "\" must not contain '.'"].concat()
            }
        }
    }
}

impl fmt::Display for RegisterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl std::error::Error for RegisterError {}

/// Texts of `loadPlugin` and `loadFile` rejections.
pub mod load_text {
    /// `loadPlugin` could not fetch or run the plugin's file.
    pub fn plugin_file(file: &str) -> String {
        ["Could not load plugin file: ", file].concat()
    }
    /// `loadFile` could not fetch or run the file.
    pub fn file(url: &str) -> String {
        ["Could not load file: ", url].concat()
    }
    /// `loadModule` of a name that is not registered and whose file did not register it.
    pub fn module(name: &str) -> String {
        ["Could not load module: ", name].concat()
    }
}
