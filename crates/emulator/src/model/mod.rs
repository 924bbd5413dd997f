//! The protocol-neutral conversation model.
//!
//! One [`Conversation`] holds the parties, the transcript, typing state, user data and files of a chat.
//! The GMS, Genesys Cloud and Engage v3 layers are views of it, and the agent API drives it from the
//! other side. Nothing here does I/O or reads the clock: every operation takes `now_ms`, so the model is
//! tested natively and deterministically.

mod conversation;
mod files;
mod party;

pub use conversation::{
    CLIENT, Conversation, Credentials, Event, EventKind, MemberChange, ModelError, Protocol,
};
pub use files::{FileError, FileLimits, FileStore, StoredFile};
pub use party::{Party, PartyId, PartyState, Role};

/// A uuid-shaped id derived from a seed and a counter (splitmix64), so the model needs no randomness.
pub(crate) fn derived_uuid(seed: u64, counter: u64) -> String {
    let a = splitmix64(seed ^ counter.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let b = splitmix64(a ^ counter);
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}
