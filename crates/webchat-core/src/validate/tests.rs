//! Validation tests: every rejection text, per state and per transport.
