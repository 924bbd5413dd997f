//! `cargo xtask bench`: our bus against a minimal pure-JS bus, in one headless Chromium run.
//!
//! The browser side is `tests/bench/run.js` (Playwright) with the baseline in
//! `tests/bench/js-bus.js`. It prints medians and ratios; nothing is asserted.

use crate::dist;
use crate::setup;
use crate::util::{Res, cmd, root, run, step};

/// Builds `dist/`, runs the browser benchmark, then prints the bundle size.
pub(crate) fn run_bench() -> Res {
    setup::npm_packages("tests")?;
    let chromium = setup::chromium()?;
    dist::run_dist()?;
    step("benchmarking the bus against tests/bench/js-bus.js (headless Chromium)");
    let mut c = cmd("node");
    c.arg("tests/bench/run.js")
        .env("WIDGETS_DIST", dist::dist_dir())
        .env("REPO_ROOT", root())
        .env("CHROMIUM_PATH", chromium);
    run(
        c,
        "The benchmark did not finish; its error is above. Run `cargo xtask test` first to check the bundle works.",
    )?;
    dist::print_sizes()
}
