//! `cargo xtask bench`: our bus against a minimal pure-JS bus, in one headless Chromium run.

use crate::util::{Res, step};

/// Not assigned yet.
pub(crate) fn run_bench() -> Res {
    step("bench: not yet");
    Ok(())
}
