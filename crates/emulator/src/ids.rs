//! Random identifiers and secrets handed to customers.

use rand::Rng;

const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A random seed for the model's derived ids.
pub fn seed() -> u64 {
    rand::rng().random()
}

/// A GMS-style chat id such as `00048aAPEQJ8000U` (16 alphanumerics).
pub fn chat_id() -> String {
    let mut rng = rand::rng();
    let tail: String = (0..12)
        .map(|_| char::from(ALPHANUMERIC[rng.random_range(0..ALPHANUMERIC.len())]))
        .collect();
    format!("0004{tail}")
}

/// Lower-case hex of `bytes` random bytes (a GMS `secureKey` uses 8).
pub fn hex(bytes: usize) -> String {
    let mut rng = rand::rng();
    (0..bytes)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

/// A GMS `userId` such as `007555677B20000A` (16 upper-case hex digits).
pub fn user_id() -> String {
    hex(8).to_ascii_uppercase()
}

/// A GMS `alias` such as `117`.
pub fn alias() -> String {
    rand::rng().random_range(100..1000u32).to_string()
}

/// A random uuid-shaped id (version 4 layout).
pub fn uuid() -> String {
    let h = hex(16);
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_documented_shapes() {
        assert_eq!(chat_id().len(), 16);
        assert!(chat_id().starts_with("0004"));
        assert_eq!(hex(8).len(), 16);
        let user = user_id();
        assert!(
            user.chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        assert_eq!(uuid().len(), 36);
        assert_ne!(uuid(), uuid());
        let alias: u32 = alias().parse().unwrap();
        assert!((100..1000).contains(&alias));
    }
}
