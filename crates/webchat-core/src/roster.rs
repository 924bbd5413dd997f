//! Who is in the chat: the participant roster behind getAgents and the connected/disconnected
//! events.

use crate::json;
use crate::json::{Json, Object};

use crate::event::Event;
use crate::message::{Message, SenderType, kind};

/// One participant, as getAgents reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    /// Display name.
    pub name: String,
    /// Role.
    pub kind: SenderType,
    /// Currently connected.
    pub connected: bool,
    /// When they joined (ms).
    pub connected_time: Option<u64>,
    /// When they left (ms).
    pub disconnected_time: Option<u64>,
}

/// Participants keyed by participant id, in order of arrival.
#[derive(Debug, Default, Clone)]
pub struct Roster {
    entries: Vec<(String, Participant)>,
}

impl Roster {
    /// Applies a join or leave message; returns the event to publish (`agentConnected`, ...).
    pub fn apply(&mut self, msg: &Message) -> Option<Event> {
        let joined = match msg.kind.as_str() {
            kind::PARTICIPANT_JOINED => true,
            kind::PARTICIPANT_LEFT => false,
            _ => return None,
        };
        let pid = &msg.from.participant_id;
        let pos = match self.entries.iter().position(|(id, _)| id == pid) {
            Some(p) => p,
            None => {
                self.entries.push((
                    pid.clone(),
                    Participant {
                        name: msg.from.name.clone(),
                        kind: msg.from.kind,
                        connected: false,
                        connected_time: None,
                        disconnected_time: None,
                    },
                ));
                self.entries.len() - 1
            }
        };
        let (_, p) = &mut self.entries[pos];
        if !msg.from.name.is_empty() {
            p.name.clone_from(&msg.from.name);
        }
        p.connected = joined;
        if joined {
            p.connected_time = Some(msg.timestamp);
            p.disconnected_time = None;
        } else {
            p.disconnected_time = Some(msg.timestamp);
        }
        Some(event_for(msg.from.kind, joined))
    }

    /// `{<participantId>: {name, connected, supervisor, connectedTime, disconnectedTime}}` for every
    /// non-client participant.
    pub fn agents_json(&self) -> Json {
        let mut m = Object::new();
        for (id, p) in self
            .entries
            .iter()
            .filter(|(_, p)| p.kind != SenderType::Client)
        {
            m.insert(
                id.as_str(),
                json!({"name": p.name, "connected": p.connected,
                       "supervisor": p.kind == SenderType::Supervisor,
                       "connectedTime": p.connected_time, "disconnectedTime": p.disconnected_time}),
            );
        }
        Json::Object(m)
    }

    /// How many non-client participants are connected.
    pub fn connected_agents(&self) -> usize {
        self.entries
            .iter()
            .filter(|(_, p)| p.kind != SenderType::Client && p.connected)
            .count()
    }

    /// The `{message, agents, numAgentsConnected}` payload of the connected/disconnected events.
    pub fn event_payload(&self, msg: &Message) -> Json {
        json!({"message": msg.to_json(), "agents": self.agents_json(),
               "numAgentsConnected": self.connected_agents()})
    }

    /// When the chat ends while the customer is still marked connected (the customer ended it,
    /// or the server ended it without a ParticipantLeft of the customer): marks them gone and
    /// returns the `clientDisconnected` payload, as a server-ended chat would have published it.
    pub fn client_left(&mut self, now: u64) -> Option<Json> {
        let (pid, p) = self
            .entries
            .iter()
            .find(|(_, p)| p.kind == SenderType::Client && p.connected)?;
        let left = Message {
            index: None,
            id: None,
            kind: kind::PARTICIPANT_LEFT.to_owned(),
            text: String::new(),
            timestamp: now,
            from: crate::message::Sender {
                name: p.name.clone(),
                kind: SenderType::Client,
                participant_id: pid.clone(),
            },
            extra: Object::new(),
        };
        self.apply(&left);
        Some(self.event_payload(&left))
    }

    /// Forgets everyone (a new session).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

fn event_for(who: SenderType, joined: bool) -> Event {
    match (who, joined) {
        (SenderType::Client, true) => Event::ClientConnected,
        (SenderType::Client, false) => Event::ClientDisconnected,
        (SenderType::Supervisor, true) => Event::SupervisorConnected,
        (SenderType::Supervisor, false) => Event::SupervisorDisconnected,
        (SenderType::Bot, true) => Event::BotConnected,
        (SenderType::Bot, false) => Event::BotDisconnected,
        (SenderType::Agent | SenderType::External, true) => Event::AgentConnected,
        (SenderType::Agent | SenderType::External, false) => Event::AgentDisconnected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::test_message;

    #[test]
    fn each_role_joining_and_leaving_names_its_event() {
        let mut r = Roster::default();
        let cases = [
            (SenderType::Client, "clientConnected", "clientDisconnected"),
            (SenderType::Agent, "agentConnected", "agentDisconnected"),
            (
                SenderType::Supervisor,
                "supervisorConnected",
                "supervisorDisconnected",
            ),
            (SenderType::Bot, "botConnected", "botDisconnected"),
        ];
        for (who, on, off) in cases {
            assert_eq!(
                r.apply(&test_message(1, kind::PARTICIPANT_JOINED, who, ""))
                    .map(Event::name),
                Some(on)
            );
            assert_eq!(
                r.apply(&test_message(2, kind::PARTICIPANT_LEFT, who, ""))
                    .map(Event::name),
                Some(off)
            );
        }
        assert_eq!(
            r.apply(&test_message(3, kind::MESSAGE, SenderType::Agent, "x")),
            None
        );
    }

    #[test]
    fn get_agents_is_keyed_by_participant_id_and_skips_the_client() {
        let mut r = Roster::default();
        r.apply(&test_message(
            1,
            kind::PARTICIPANT_JOINED,
            SenderType::Client,
            "",
        ));
        r.apply(&test_message(
            2,
            kind::PARTICIPANT_JOINED,
            SenderType::Supervisor,
            "",
        ));
        let agents = r.agents_json();
        assert_eq!(agents.as_object().map(Object::len), Some(1));
        assert_eq!(agents["Supervisor"]["supervisor"], true);
        assert_eq!(agents["Supervisor"]["connected"], true);
        assert_eq!(agents["Supervisor"]["connectedTime"], 1002);
        assert_eq!(r.connected_agents(), 1);
    }
}
