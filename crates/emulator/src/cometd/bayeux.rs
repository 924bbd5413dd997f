//! The Bayeux 1.0 server core, pure and clock-free: the registry of clients (handshake, connect,
//! subscribe, unsubscribe, disconnect), their message queues and the replies with their advice.
//! Times are passed in as milliseconds so the long-poll decisions are testable without waiting;
//! the async layer in `transport.rs` does the holding.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Value, json};
use tokio::sync::watch;

/// Connection types the server offers in the handshake.
pub const CONNECTION_TYPES: [&str; 3] = ["websocket", "long-polling", "callback-polling"];

/// The error text of a message from a client the server does not know.
pub const UNKNOWN_CLIENT: &str = "402::Unknown client";

/// One Bayeux client.
#[derive(Debug)]
pub struct Client {
    /// Subscribed channels (exact names or `/x/*`, `/x/**` patterns).
    pub subscriptions: BTreeSet<String>,
    /// The chat this client follows, if any.
    pub chat: Option<Binding>,
    queue: Vec<Value>,
    last_seen_ms: u64,
    connected_once: bool,
    wake: watch::Sender<u64>,
}

/// A chat followed by a client: conversation changes are pushed to it from `cursor` on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The conversation id.
    pub chat_id: String,
    /// The service channel the chat was asked on (`/service/chatV2/{name}`).
    pub channel: String,
    /// The next transcript index to push.
    pub cursor: u64,
    /// The end of the chat has been pushed.
    pub ended_sent: bool,
}

/// What a `/meta/connect` should do.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectPlan {
    /// Answer after holding at most `hold_ms` for messages (0: at once); `reply` goes last.
    Hold {
        /// The client.
        client_id: String,
        /// Longest hold.
        hold_ms: u64,
        /// The connect reply.
        reply: Value,
    },
    /// Unknown client: answer this at once.
    Refuse(Value),
}

/// Every live client, by id.
#[derive(Debug)]
pub struct Registry {
    clients: HashMap<String, Client>,
    timeout_ms: u64,
    issued: u64,
}

impl Registry {
    /// An empty registry whose connects are held for at most `timeout_ms`.
    pub fn new(timeout_ms: u64) -> Self {
        Registry {
            clients: HashMap::new(),
            timeout_ms,
            issued: 0,
        }
    }

    /// The advice every successful reply carries.
    pub fn advice(&self) -> Value {
        json!({"reconnect": "retry", "interval": 0, "timeout": self.timeout_ms})
    }

    /// Clients silent for longer than this are forgotten (a held connect counts as heard).
    fn expiry_ms(&self) -> u64 {
        self.timeout_ms.saturating_mul(2).saturating_add(30_000)
    }

    /// `/meta/handshake`: a new client. Also forgets clients that went silent.
    pub fn handshake(&mut self, message: &Value, client_id: String, now_ms: u64) -> Value {
        let expiry = self.expiry_ms();
        self.clients
            .retain(|_, c| now_ms.saturating_sub(c.last_seen_ms) <= expiry);
        self.issued = self.issued.wrapping_add(1);
        let (wake, _) = watch::channel(0);
        self.clients.insert(
            client_id.clone(),
            Client {
                subscriptions: BTreeSet::new(),
                chat: None,
                queue: Vec::new(),
                last_seen_ms: now_ms,
                connected_once: false,
                wake,
            },
        );
        let mut reply = base_reply(message);
        reply["version"] = json!("1.0");
        reply["minimumVersion"] = json!("1.0");
        reply["supportedConnectionTypes"] = json!(CONNECTION_TYPES);
        reply["clientId"] = json!(client_id);
        reply["successful"] = json!(true);
        reply["advice"] = self.advice();
        reply
    }

    /// `/meta/connect`: the first connect of a client answers at once, later ones are held for
    /// the shorter of the server's timeout and the client's advised one.
    pub fn connect(&mut self, message: &Value, now_ms: u64) -> ConnectPlan {
        let advice = self.advice();
        let timeout_ms = self.timeout_ms;
        let Some((id, client)) = self.known(message) else {
            return ConnectPlan::Refuse(unknown_client(message));
        };
        client.last_seen_ms = now_ms;
        let first = !std::mem::replace(&mut client.connected_once, true);
        let asked = message
            .pointer("/advice/timeout")
            .and_then(Value::as_u64)
            .unwrap_or(timeout_ms);
        let hold_ms = if first { 0 } else { asked.min(timeout_ms) };
        let mut reply = base_reply(message);
        reply["clientId"] = json!(id);
        reply["successful"] = json!(true);
        reply["advice"] = advice;
        ConnectPlan::Hold {
            client_id: id,
            hold_ms,
            reply,
        }
    }

    /// `/meta/subscribe` and `/meta/unsubscribe`; `subscription` may be one name or a list.
    pub fn subscription(&mut self, message: &Value, subscribe: bool, now_ms: u64) -> Value {
        let Some((id, client)) = self.known(message) else {
            return unknown_client(message);
        };
        client.last_seen_ms = now_ms;
        let names: Vec<String> = match message.get("subscription") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
            _ => Vec::new(),
        };
        let mut reply = base_reply(message);
        reply["clientId"] = json!(id);
        reply["subscription"] = message.get("subscription").cloned().unwrap_or(Value::Null);
        if names.is_empty() || names.iter().any(|n| !n.starts_with('/')) {
            reply["successful"] = json!(false);
            reply["error"] = json!("403::Invalid subscription");
            return reply;
        }
        for name in names {
            if subscribe {
                client.subscriptions.insert(name);
            } else {
                client.subscriptions.remove(&name);
            }
        }
        reply["successful"] = json!(true);
        reply
    }

    /// `/meta/disconnect`: forgets the client and wakes its held connect.
    pub fn disconnect(&mut self, message: &Value) -> Value {
        let Some((id, _)) = self.known(message) else {
            return unknown_client(message);
        };
        if let Some(client) = self.clients.remove(&id) {
            client.wake.send_modify(|v| *v = v.wrapping_add(1));
        }
        let mut reply = base_reply(message);
        reply["clientId"] = json!(id);
        reply["successful"] = json!(true);
        reply
    }

    /// The id of the client a message comes from, when the server knows it; refreshes its
    /// last-seen stamp.
    pub fn touch(&mut self, message: &Value, now_ms: u64) -> Option<String> {
        let (id, client) = self.known(message)?;
        client.last_seen_ms = now_ms;
        Some(id)
    }

    fn known(&mut self, message: &Value) -> Option<(String, &mut Client)> {
        let id = message.get("clientId")?.as_str()?;
        let client = self.clients.get_mut(id)?;
        Some((id.to_owned(), client))
    }

    /// A client by id.
    pub fn client(&self, id: &str) -> Option<&Client> {
        self.clients.get(id)
    }

    /// A client by id, to change.
    pub fn client_mut(&mut self, id: &str) -> Option<&mut Client> {
        self.clients.get_mut(id)
    }

    /// Queues `message` for client `id` and wakes its held connect.
    pub fn deliver(&mut self, id: &str, message: Value) {
        if let Some(client) = self.clients.get_mut(id) {
            client.queue.push(message);
            client.wake.send_modify(|v| *v = v.wrapping_add(1));
        }
    }

    /// Wakes client `id`'s held connect so that it looks again at what it follows (a chat it
    /// was just attached to).
    pub fn wake(&mut self, id: &str) {
        if let Some(client) = self.clients.get_mut(id) {
            client.wake.send_modify(|v| *v = v.wrapping_add(1));
        }
    }

    /// Queues `data` on `channel` for every other client subscribed to it; returns how many.
    pub fn broadcast(&mut self, from: &str, channel: &str, data: &Value) -> usize {
        let targets: Vec<String> = self
            .clients
            .iter()
            .filter(|(id, c)| {
                id.as_str() != from && c.subscriptions.iter().any(|s| matches(s, channel))
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in &targets {
            self.deliver(id, json!({"channel": channel, "data": data}));
        }
        targets.len()
    }

    /// Takes everything queued for client `id`.
    pub fn drain(&mut self, id: &str) -> Vec<Value> {
        self.clients
            .get_mut(id)
            .map(|c| std::mem::take(&mut c.queue))
            .unwrap_or_default()
    }

    /// A receiver woken whenever something is queued for client `id` or it goes away; `None`
    /// for an unknown client.
    pub fn watch(&self, id: &str) -> Option<watch::Receiver<u64>> {
        self.clients.get(id).map(|c| c.wake.subscribe())
    }

    /// Forgets every client (they must handshake again); returns how many there were.
    pub fn forget_all(&mut self) -> usize {
        let n = self.clients.len();
        for (_, client) in self.clients.drain() {
            client.wake.send_modify(|v| *v = v.wrapping_add(1));
        }
        n
    }

    /// How many clients are live.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.clients.len()
    }
}

/// Whether subscription `pattern` covers `channel` (`/a/*` one segment, `/a/**` any depth).
pub fn matches(pattern: &str, channel: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix("/**") {
        return channel
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/') && rest.len() > 1);
    }
    if let Some(prefix) = pattern.strip_suffix("/*") {
        return channel
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'));
    }
    pattern == channel
}

/// `{channel, id}` echoed from a request (the id only when it had one).
pub fn base_reply(message: &Value) -> Value {
    let mut reply = json!({"channel": message.get("channel").cloned().unwrap_or(Value::Null)});
    if let Some(id) = message.get("id") {
        reply["id"] = id.clone();
    }
    reply
}

/// The reply to a message from a client the server does not know.
pub fn unknown_client(message: &Value) -> Value {
    let mut reply = base_reply(message);
    reply["successful"] = json!(false);
    reply["error"] = json!(UNKNOWN_CLIENT);
    reply["advice"] = json!({"reconnect": "handshake", "interval": 0});
    if let Some(id) = message.get("clientId") {
        reply["clientId"] = id.clone();
    }
    reply
}

/// A failed reply with a Bayeux error text such as `400::Bad message`.
pub fn failure(message: &Value, error: &str) -> Value {
    let mut reply = base_reply(message);
    reply["successful"] = json!(false);
    reply["error"] = json!(error);
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handshake(r: &mut Registry, id: &str, now: u64) -> Value {
        r.handshake(
            &json!({"channel": "/meta/handshake", "version": "1.0", "id": "1",
                    "supportedConnectionTypes": ["long-polling"]}),
            id.into(),
            now,
        )
    }

    fn connect(id: &str) -> Value {
        json!({"channel": "/meta/connect", "clientId": id, "connectionType": "long-polling", "id": "2"})
    }

    #[test]
    fn a_handshake_issues_the_client_id_with_the_advice_and_echoes_the_message_id() {
        let mut r = Registry::new(30_000);
        let reply = handshake(&mut r, "c1", 0);
        assert_eq!(reply["successful"], true);
        assert_eq!(reply["clientId"], "c1");
        assert_eq!(reply["id"], "1");
        assert_eq!(reply["version"], "1.0");
        assert_eq!(
            reply["advice"],
            json!({"reconnect": "retry", "interval": 0, "timeout": 30000})
        );
        assert_eq!(
            reply["supportedConnectionTypes"],
            json!(["websocket", "long-polling", "callback-polling"])
        );
    }

    #[test]
    fn the_first_connect_answers_at_once_and_later_ones_hold_for_the_timeout() {
        let mut r = Registry::new(30_000);
        handshake(&mut r, "c1", 0);
        let ConnectPlan::Hold { hold_ms, reply, .. } = r.connect(&connect("c1"), 10) else {
            panic!("held");
        };
        assert_eq!(hold_ms, 0);
        assert_eq!(reply["advice"]["timeout"], 30000);
        let ConnectPlan::Hold { hold_ms, .. } = r.connect(&connect("c1"), 20) else {
            panic!("held");
        };
        assert_eq!(hold_ms, 30_000);
        let mut shorter = connect("c1");
        shorter["advice"] = json!({"timeout": 5000});
        let ConnectPlan::Hold { hold_ms, .. } = r.connect(&shorter, 30) else {
            panic!("held");
        };
        assert_eq!(hold_ms, 5_000);
        let mut longer = connect("c1");
        longer["advice"] = json!({"timeout": 90_000});
        assert!(matches!(
            r.connect(&longer, 40),
            ConnectPlan::Hold {
                hold_ms: 30_000,
                ..
            }
        ));
    }

    #[test]
    fn an_unknown_client_gets_402_with_advice_to_handshake_again() {
        let mut r = Registry::new(30_000);
        let ConnectPlan::Refuse(reply) = r.connect(&connect("ghost"), 0) else {
            panic!("refused");
        };
        assert_eq!(reply["successful"], false);
        assert_eq!(reply["error"], "402::Unknown client");
        assert_eq!(reply["advice"]["reconnect"], "handshake");
        let sub = json!({"channel": "/meta/subscribe", "clientId": "ghost", "subscription": "/a"});
        assert_eq!(r.subscription(&sub, true, 0)["error"], UNKNOWN_CLIENT);
    }

    #[test]
    fn a_disconnected_client_is_unknown_afterwards_and_its_held_connect_wakes() {
        let mut r = Registry::new(30_000);
        handshake(&mut r, "c1", 0);
        let wake = r.watch("c1").unwrap();
        let reply = r.disconnect(&json!({"channel": "/meta/disconnect", "clientId": "c1"}));
        assert_eq!(reply["successful"], true);
        assert!(wake.has_changed().unwrap_or(true));
        assert!(matches!(
            r.connect(&connect("c1"), 1),
            ConnectPlan::Refuse(_)
        ));
    }

    #[test]
    fn silent_clients_are_forgotten_at_the_next_handshake() {
        let mut r = Registry::new(1_000);
        handshake(&mut r, "old", 0);
        handshake(&mut r, "new", 40_000);
        assert!(r.client("old").is_none());
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn subscriptions_route_broadcasts_to_other_subscribers_with_wildcards() {
        let mut r = Registry::new(30_000);
        handshake(&mut r, "a", 0);
        handshake(&mut r, "b", 0);
        let sub = |id: &str, s: &str| json!({"channel": "/meta/subscribe", "clientId": id, "subscription": s});
        assert_eq!(
            r.subscription(&sub("a", "/chat/*"), true, 0)["successful"],
            true
        );
        assert_eq!(
            r.subscription(&sub("b", "/chat/*"), true, 0)["successful"],
            true
        );
        assert_eq!(r.broadcast("a", "/chat/room", &json!("hi")), 1);
        assert!(r.drain("a").is_empty());
        assert_eq!(
            r.drain("b"),
            vec![json!({"channel": "/chat/room", "data": "hi"})]
        );
        assert_eq!(
            r.subscription(&sub("b", "/chat/*"), false, 0)["successful"],
            true
        );
        assert_eq!(r.broadcast("a", "/chat/room", &json!("hi")), 0);
        assert_eq!(
            r.subscription(&sub("b", "nope"), true, 0)["successful"],
            false
        );
    }

    #[test]
    fn channel_patterns_follow_bayeux_wildcards() {
        assert!(matches("/a/*", "/a/b"));
        assert!(!matches("/a/*", "/a/b/c"));
        assert!(matches("/a/**", "/a/b/c"));
        assert!(!matches("/a/**", "/a"));
        assert!(matches("/a", "/a"));
        assert!(!matches("/a", "/ab"));
    }
}
