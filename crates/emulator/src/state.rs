//! State shared by every request handler.

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tokio::sync::watch;

use crate::auto_agent::AutoAgentSettings;
use crate::config::Config;
use crate::faults::FaultState;
use crate::store::Store;

/// Everything a handler may need.
#[derive(Debug)]
pub struct AppState {
    /// Static configuration.
    pub config: Config,
    /// Live conversations.
    pub store: Store,
    /// Auto-agent settings, changeable at run time.
    pub auto_agent: RwLock<AutoAgentSettings>,
    /// Fault injection state.
    pub faults: Mutex<FaultState>,
    /// Bayeux clients of the CometD endpoint.
    pub comet: crate::cometd::Clients,
    /// Bumped to make every open WebSocket (and held CometD long-poll) drop.
    pub websocket_drops: watch::Sender<u64>,
    /// The method, path and headers of the last protocol requests (`recorder`).
    pub requests: crate::recorder::RequestLog,
}

/// The handle handlers receive.
pub type Shared = Arc<AppState>;

impl AppState {
    /// Fresh state for a configuration.
    pub fn new(config: Config) -> Self {
        let auto_agent = RwLock::new(config.auto_agent.clone());
        let faults = Mutex::new(FaultState::from_settings(
            &config.faults,
            crate::clock::now_ms(),
        ));
        let (websocket_drops, _) = watch::channel(0);
        let comet = crate::cometd::Clients::new(config.comet_timeout_ms);
        AppState {
            config,
            store: Store::default(),
            auto_agent,
            faults,
            comet,
            websocket_drops,
            requests: Default::default(),
        }
    }

    /// A copy of the current auto-agent settings.
    pub fn auto_agent_settings(&self) -> AutoAgentSettings {
        self.auto_agent
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Runs `f` on the fault state under its lock.
    pub fn with_faults<R>(&self, f: impl FnOnce(&mut FaultState) -> R) -> R {
        f(&mut self.faults.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Drops every open WebSocket; returns how many were open.
    pub fn drop_websockets(&self) -> usize {
        let open = self.websocket_drops.receiver_count();
        self.websocket_drops
            .send_modify(|generation| *generation += 1);
        open
    }
}
