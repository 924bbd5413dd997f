//! The CXBus plugin message bus as plain Rust, with no browser in it.
//!
//! Plugins register by name, expose commands, publish events and keep data. The bus decides
//! where every command goes (run, buffer until `ready()`, load the plugin, or reject with the
//! exact compatibility text) and queues the work; the host glue runs the queue and calls user
//! code with no borrow held. Payloads are opaque host values, never copied or serialised.
//!
//! ```
//! use cxbus_core::{Access, Bus, DataLabel, Host, Sent, Task};
//!
//! struct Test;
//! impl Host for Test {
//!     type Value = &'static str;
//!     type Callback = &'static str;
//!     type Reply = u32;
//!     fn same_value(a: &&'static str, b: &&'static str) -> bool { a == b }
//!     fn label(v: &&'static str) -> DataLabel { DataLabel::Text(v.to_string()) }
//! }
//!
//! let mut bus = Bus::<Test>::new();
//! let caller = bus.register("Caller").unwrap();
//! let greeter = bus.register("Greeter").unwrap();
//! bus.register_command(greeter, "hello", "hello handler", Access::Public);
//!
//! // Greeter is not ready yet, so the command waits for it.
//! assert_eq!(bus.send(caller, "Greeter.hello".into(), "payload", 1), Sent::Buffered);
//! bus.mark_ready(greeter);
//! match bus.next_task() {
//!     Some(Task::Run { handler, commander, .. }) => {
//!         assert_eq!((handler, commander.as_str()), ("hello handler", "Caller"));
//!     }
//!     _ => unreachable!(),
//! }
//! ```

mod bus;
pub mod deferred;
mod error;
pub mod names;
mod names_map;

pub use bus::{Access, Builtin, Bus, DataEntry, Handler, Host, PluginId, Sent, Task};
pub use error::{RegisterError, Rejection, load_text};
pub use names::DataLabel;
