//! The Bayeux connection: handshake, subscribe, the connect loop, and what happens when it
//! breaks. Over long-polling every batch is an `Io::Http` `POST` (a connect may be held up to
//! the advised `timeout`); over a WebSocket every batch is a frame and a watchdog notices a
//! silent socket (the connect's, or `ajaxTimeout` for a handshake: what waits for it then ends
//! `Unreachable`). A failed connect reports `disconnected` once (and `connectionPending`,
//! `chatServerWentOffline` after `pollExceptionLimit` failures in a row) and retries every
//! [`RETRY_MS`] with the same client id; a `402` makes a fresh handshake. The first connect that
//! succeeds after trouble reports `reconnected` (and `chatServerBackOnline`) and replays with
//! `requestNotifications` from the first index not seen. A WebSocket that never opened falls back
//! to long-polling.

use super::CometSession;
use super::bayeux::{self, Advice, Carrier, Incoming, Outcome};
use crate::drive::SocketAction;
use crate::http::{HttpOutcome, ajax_error};
use crate::json::Json;
use crate::session::{Io, Link as LinkEvent, SessionEvent, SocketEvent};

/// Delay before a failed connect or handshake is tried again.
pub const RETRY_MS: u64 = 1000;
/// How much longer than the advised `timeout` a connect may take before it counts as lost.
pub const GRACE_MS: u64 = 10_000;

/// Where the link is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Nothing open (no chat, or it ended).
    Idle,
    /// A handshake is under way (or the socket it goes over is opening).
    Handshaking,
    /// Handshaken: publishes go out at once and a connect is (about to be) outstanding.
    Open,
    /// Broken; try again at `until`.
    Waiting {
        /// When to retry.
        until: u64,
    },
}

/// The WebSocket, when that is the carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Socket {
    Closed,
    Opening,
    Open { heard: u64 },
}

/// What a long-polling request carried.
#[derive(Debug, Clone, PartialEq)]
pub enum Carried {
    /// A handshake of link generation `.0`.
    Handshake(u64),
    /// A connect of link generation `.0`.
    Connect(u64),
    /// A publish with this id.
    Publish(String),
    /// The subscribe after a handshake.
    Subscribe,
    /// A disconnect; its answer does not matter.
    Disconnect,
}

/// The connection's state.
#[derive(Debug)]
pub struct Link {
    /// Where it is.
    pub state: State,
    /// How messages travel.
    carrier: Carrier,
    client_id: Option<String>,
    advice: Advice,
    socket: Socket,
    socket_ever_opened: bool,
    /// Bumped by every handshake and stop, so late answers of an older link are ignored.
    generation: u64,
    /// When a connect was sent, while it is outstanding.
    connect_since: Option<u64>,
    /// Over a WebSocket, when an unanswered handshake is given up (`ajaxTimeout` after it was
    /// sent): a socket that stays open but silent must not hold the operations queued behind
    /// the handshake forever (over long-polling the request's own timeout does this).
    handshake_until: Option<u64>,
    /// When to send the next connect (the advised `interval` after the last).
    next_connect: Option<u64>,
    /// The next connect is the first since a handshake or a reconnect: it asks the server to
    /// answer at once (`advice.timeout: 0`), so a working link is known without waiting.
    fresh: bool,
    failures: u32,
    /// The link is known to be down: the next connect that works replays.
    pub disconnected: bool,
    /// `disconnected` was published, so `reconnected` is owed (not after a restore that found
    /// the server down: `restoredOffline` said it, and `chatServerBackOnline` answers it).
    announced: bool,
    /// `chatServerWentOffline` was reported (or a restore found the server down).
    pub offline: bool,
    /// A `requestNotifications` must be sent once connected.
    pub replay_due: bool,
}

impl Link {
    /// A link that has not started.
    pub fn new(carrier: Carrier, advice: Advice) -> Self {
        Self {
            state: State::Idle,
            carrier,
            client_id: None,
            advice,
            socket: Socket::Closed,
            socket_ever_opened: false,
            generation: 0,
            connect_since: None,
            handshake_until: None,
            next_connect: None,
            fresh: true,
            failures: 0,
            disconnected: false,
            announced: false,
            offline: false,
            replay_due: false,
        }
    }

    /// The client id (empty before the handshake).
    pub fn client(&self) -> &str {
        self.client_id.as_deref().unwrap_or_default()
    }

    /// The next time the link needs [`CometSession::timeout`].
    pub fn deadline(&self) -> Option<u64> {
        let waiting = match self.state {
            State::Waiting { until } => Some(until),
            _ => None,
        };
        let watchdog = match (self.carrier, self.socket, self.connect_since) {
            (Carrier::WebSocket, Socket::Open { heard }, Some(_)) => Some(
                heard
                    .saturating_add(self.advice.timeout_ms)
                    .saturating_add(GRACE_MS),
            ),
            _ => None,
        };
        [waiting, watchdog, self.handshake_until, self.next_connect]
            .into_iter()
            .flatten()
            .min()
    }
}

impl CometSession {
    /// Sends a batch over the carrier.
    pub(super) fn transmit(&mut self, batch: Vec<Json>, carried: Carried) {
        match self.link.carrier {
            Carrier::WebSocket => {
                if matches!(self.link.socket, Socket::Open { .. }) {
                    let frame = SocketAction::SendJson(Json::Array(batch));
                    self.out.io(Io::Socket(frame));
                } else if let Carried::Publish(id) = carried {
                    let error = ajax_error(&HttpOutcome::NetworkError);
                    self.unanswered(&[id], &error);
                }
            }
            Carrier::LongPolling => {
                let timeout = match carried {
                    Carried::Connect(_) => self.link.advice.timeout_ms.saturating_add(GRACE_MS),
                    _ => self.ajax_timeout_ms,
                };
                let request = bayeux::request(&self.comet_url, batch, timeout);
                let id = self.out.http(request);
                self.sent.push((id, carried));
            }
        }
    }

    /// Starts a fresh handshake (forgetting the client id).
    pub(super) fn start_handshake(&mut self, now: u64) {
        self.link.generation = self.link.generation.wrapping_add(1);
        self.link.fresh = true;
        self.link.client_id = None;
        self.link.connect_since = None;
        self.link.handshake_until = None;
        self.link.next_connect = None;
        self.link.state = State::Handshaking;
        match (self.link.carrier, self.link.socket) {
            (Carrier::WebSocket, Socket::Closed) => self.open_socket(),
            (Carrier::WebSocket, Socket::Opening) => {}
            _ => self.send_handshake(now),
        }
    }

    fn send_handshake(&mut self, now: u64) {
        if self.link.carrier == Carrier::WebSocket {
            self.link.handshake_until = Some(now.saturating_add(self.ajax_timeout_ms));
        }
        let id = self.next_id();
        let message = bayeux::handshake(&id, self.link.carrier);
        self.transmit(vec![message], Carried::Handshake(self.link.generation));
    }

    fn open_socket(&mut self) {
        let url = bayeux::socket_url(&self.comet_url);
        self.link.socket = Socket::Opening;
        self.out.io(Io::Socket(SocketAction::Open { url }));
    }

    fn send_connect(&mut self, now: u64) {
        let Some(client) = self.link.client_id.clone() else {
            return;
        };
        self.link.connect_since = Some(now);
        self.link.next_connect = None;
        let id = self.next_id();
        let mut message = bayeux::connect(&id, &client, self.link.carrier);
        if std::mem::take(&mut self.link.fresh)
            && let Json::Object(m) = &mut message
        {
            m.insert("advice", crate::json!({"timeout": 0}));
        }
        self.transmit(vec![message], Carried::Connect(self.link.generation));
    }

    /// Lets go of the link: a best-effort `/meta/disconnect`, then nothing open.
    pub(super) fn stop(&mut self) {
        if self.link.state == State::Open
            && let Some(client) = self.link.client_id.clone()
        {
            let id = self.next_id();
            self.transmit(vec![bayeux::disconnect(&id, &client)], Carried::Disconnect);
        }
        if self.link.socket != Socket::Closed {
            self.out.io(Io::Socket(SocketAction::Close));
            self.link.socket = Socket::Closed;
        }
        let carrier = self.link.carrier;
        let generation = self.link.generation.wrapping_add(1);
        self.link = Link::new(carrier, self.link.advice);
        self.link.generation = generation;
    }

    /// Whether the link still has something to carry.
    fn needed(&self) -> bool {
        self.keys.is_some() || !self.pending.is_empty() || !self.queued.is_empty()
    }

    /// A long-polling request finished.
    pub(super) fn answered(&mut self, carried: Carried, outcome: &HttpOutcome, now: u64) {
        let messages = match outcome {
            HttpOutcome::Response { status, body } if *status < 500 => {
                bayeux::messages(body.json.as_ref())
            }
            _ => Vec::new(),
        };
        if messages.is_empty() {
            let error = ajax_error(outcome);
            return match carried {
                Carried::Handshake(g) | Carried::Connect(g) if g == self.link.generation => {
                    self.link_failed(&error, now);
                }
                Carried::Publish(id) => self.unanswered(&[id], &error),
                _ => {}
            };
        }
        if let Carried::Handshake(g) | Carried::Connect(g) = carried
            && g != self.link.generation
        {
            return;
        }
        self.receive(&messages, now);
    }

    /// Messages from the server, in order.
    fn receive(&mut self, messages: &[Json], now: u64) {
        for message in messages {
            let incoming = bayeux::classify(message, &self.channel);
            if matches!(incoming, Incoming::Handshake(_) | Incoming::Connect(_)) {
                self.link.advice = bayeux::advice(message, self.link.advice);
            }
            match incoming {
                Incoming::Handshake(Some(client)) if self.link.state == State::Handshaking => {
                    self.handshaken(client, now);
                }
                Incoming::Handshake(None) if self.link.state == State::Handshaking => {
                    let error = ajax_error(&HttpOutcome::NetworkError);
                    self.link_failed(&error, now);
                }
                Incoming::Connect(outcome) if self.link.state == State::Open => {
                    self.link.connect_since = None;
                    match outcome {
                        Outcome::Ok => self.connected(now),
                        Outcome::Rehandshake => self.rehandshake(now),
                        Outcome::Failed => {
                            let error = ajax_error(&HttpOutcome::NetworkError);
                            self.link_failed(&error, now);
                        }
                    }
                }
                Incoming::Subscription(Outcome::Rehandshake) if self.link.state == State::Open => {
                    self.rehandshake(now);
                }
                Incoming::Published { id, outcome } if outcome != Outcome::Ok => {
                    let error = ajax_error(&HttpOutcome::NetworkError);
                    self.unanswered(&[id.unwrap_or_default()], &error);
                    if outcome == Outcome::Rehandshake && self.link.state == State::Open {
                        self.rehandshake(now);
                    }
                }
                Incoming::Data { id, data } => self.data(id, &data),
                _ => {}
            }
        }
    }

    /// The handshake succeeded: subscribe, send what waited (and a due replay), start connecting.
    fn handshaken(&mut self, client: String, now: u64) {
        self.link.handshake_until = None;
        self.link.client_id = Some(client.clone());
        self.link.state = State::Open;
        let id = self.next_id();
        let subscribe = bayeux::subscribe(&id, &client, &self.channel);
        self.transmit(vec![subscribe], Carried::Subscribe);
        for p in std::mem::take(&mut self.queued) {
            self.publish(p, now);
        }
        if self.link.replay_due && self.link.disconnected {
            // Replayed once the connect shows the server is really back.
        } else if self.link.replay_due {
            self.replay_publish(now);
        }
        self.send_connect(now);
    }

    /// A connect succeeded.
    fn connected(&mut self, now: u64) {
        self.link.failures = 0;
        if self.keys.is_some() {
            // Server traffic: the record's last-activity stamp is refreshed (restoreTimeout).
            self.out.event(SessionEvent::RecordChanged);
        }
        if self.link.disconnected {
            self.link.disconnected = false;
            if std::mem::take(&mut self.link.offline) {
                self.out.event(SessionEvent::Link(LinkEvent::BackOnline));
            }
            if std::mem::take(&mut self.link.announced) {
                self.out.event(SessionEvent::Link(LinkEvent::Reconnected));
            }
            self.link.replay_due = true;
        }
        if self.link.replay_due {
            self.replay_publish(now);
        }
        if !self.needed() {
            return self.stop();
        }
        match self.link.advice.interval_ms {
            0 => self.send_connect(now),
            ms => self.link.next_connect = Some(now.saturating_add(ms)),
        }
    }

    /// The server no longer knows our client id: handshake again, then replay.
    fn rehandshake(&mut self, now: u64) {
        self.link.replay_due = self.keys.is_some();
        self.start_handshake(now);
    }

    /// The link broke (a connect or handshake failed, the socket closed or went silent).
    fn link_failed(&mut self, error: &Json, now: u64) {
        if matches!(self.link.state, State::Idle | State::Waiting { .. }) {
            return;
        }
        self.link.connect_since = None;
        self.link.handshake_until = None;
        self.link.next_connect = None;
        if self.link.carrier == Carrier::WebSocket {
            // Whatever was published on the socket will not be answered.
            let ids: Vec<String> = self.pending.iter().map(|p| p.id.clone()).collect();
            self.unanswered(&ids, error);
            if self.link.socket != Socket::Closed {
                self.out.io(Io::Socket(SocketAction::Close));
                self.link.socket = Socket::Closed;
            }
        }
        self.fail_queued(error);
        if self.keys.is_none() {
            return self.stop();
        }
        self.link.failures = self.link.failures.saturating_add(1);
        self.link.replay_due = true;
        if !self.link.disconnected {
            self.link.disconnected = true;
            self.link.announced = true;
            self.out.event(SessionEvent::Link(LinkEvent::Disconnected));
        }
        if self.link.failures >= self.poll_limit && !self.link.offline {
            self.link.offline = true;
            self.out.event(SessionEvent::Link(LinkEvent::Offline));
        }
        self.link.state = State::Waiting {
            until: now.saturating_add(RETRY_MS),
        };
    }

    /// The link's deadline passed.
    pub(super) fn timeout(&mut self, now: u64) {
        match self.link.state {
            State::Waiting { until } if until <= now => self.retry(now),
            State::Handshaking if self.link.handshake_until.is_some_and(|at| at <= now) => {
                let error = ajax_error(&HttpOutcome::Timeout);
                self.link_failed(&error, now);
            }
            State::Open => {
                if self.link.next_connect.is_some_and(|at| at <= now) {
                    self.send_connect(now);
                } else if self.link.deadline().is_some_and(|at| at <= now)
                    && self.link.carrier == Carrier::WebSocket
                {
                    let error = ajax_error(&HttpOutcome::Timeout);
                    self.link_failed(&error, now);
                }
            }
            _ => {}
        }
    }

    /// Tries again after a failure: connect with the same client id, or handshake.
    fn retry(&mut self, now: u64) {
        if self.link.client_id.is_none() {
            return self.start_handshake(now);
        }
        self.link.state = State::Open;
        self.link.fresh = true;
        match self.link.carrier {
            Carrier::WebSocket => self.open_socket(),
            Carrier::LongPolling => self.send_connect(now),
        }
    }

    /// Something happened to the WebSocket.
    pub(super) fn socket_event(&mut self, event: SocketEvent, now: u64) {
        if self.link.carrier != Carrier::WebSocket {
            return;
        }
        match (event, self.link.socket) {
            (SocketEvent::Opened, Socket::Opening) => {
                self.link.socket = Socket::Open { heard: now };
                self.link.socket_ever_opened = true;
                match self.link.state {
                    State::Handshaking => self.send_handshake(now),
                    State::Open => self.send_connect(now),
                    _ => {}
                }
            }
            (SocketEvent::Frame(body), Socket::Open { .. }) => {
                self.link.socket = Socket::Open { heard: now };
                let messages = bayeux::messages(body.json.as_ref());
                self.receive(&messages, now);
            }
            (SocketEvent::Closed { .. }, Socket::Opening | Socket::Open { .. }) => {
                self.link.socket = Socket::Closed;
                if !self.link.socket_ever_opened && self.link.state == State::Handshaking {
                    // No WebSocket here (a proxy, a server without it): long-poll instead.
                    self.link.carrier = Carrier::LongPolling;
                    return self.start_handshake(now);
                }
                let error = ajax_error(&HttpOutcome::NetworkError);
                self.link_failed(&error, now);
            }
            _ => {}
        }
    }
}
