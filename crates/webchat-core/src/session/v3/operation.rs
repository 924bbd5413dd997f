//! Opaque `operationId`s: one per request, shaped as the vendor's (10-5-5-5-17 hex characters,
//! transports.md §5). Servers must not read meaning into them; they only need to differ. A
//! splitmix64 sequence seeded from the clock, so the core stays pure and tests are repeatable.

/// Hands out operation ids.
#[derive(Debug, Clone, Default)]
pub struct OperationIds {
    state: u64,
}

impl OperationIds {
    /// A sequence seeded with `seed` (the time the session was made, for instance).
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next id.
    pub fn next_id(&mut self) -> String {
        const GROUPS: [usize; 5] = [10, 5, 5, 5, 17];
        let mut out = String::with_capacity(46);
        let mut word = self.next_word();
        let mut left = 16usize;
        for (i, len) in GROUPS.into_iter().enumerate() {
            if i > 0 {
                out.push('-');
            }
            for _ in 0..len {
                if left == 0 {
                    word = self.next_word();
                    left = 16;
                }
                out.push(char::from(b"0123456789abcdef"[(word & 15) as usize]));
                word >>= 4;
                left -= 1;
            }
        }
        out
    }

    fn next_word(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_shaped_like_the_vendors_and_differ() {
        let mut ids = OperationIds::new(7);
        let a = ids.next_id();
        let b = ids.next_id();
        assert_ne!(a, b);
        let groups: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(groups, [10, 5, 5, 5, 17]);
        assert!(a.bytes().all(|c| c == b'-' || c.is_ascii_hexdigit()));
    }
}
