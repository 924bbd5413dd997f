//! `cargo xtask bench`: measurements, never assertions.
//!
//! - `cargo xtask bench`: in one headless Chromium run, our bus against a minimal pure-JS bus,
//!   then WebChatService against the chat-server emulator over GMS REST, Genesys Cloud, GMS
//!   CometD (long-polling and WebSocket) and Engage v3 (agent
//!   message to customer `messageReceived` latency, script start to `WebChatService.ready`,
//!   restoring a 2,000-message chat after a reload, the connection coming back to the last
//!   message queued in the outbox delivered), then the gzip size of `dist/`. A transport
//!   the runtime cannot chat over yet is printed as `cloud: unavailable (<reason>)`, not a
//!   failure. The browser side is `tests/bench/run.js` (Playwright), with the baseline bus in
//!   `tests/bench/js-bus.js` and the chat part in `tests/bench/chat.js`.
//! - `cargo xtask bench emulator`: the emulator's own load benchmark (`emulator-load` example,
//!   release build, 1,000 simulated GMS customers for 20 s).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::dist;
use crate::setup;
use crate::util::{Res, cargo, cmd, fail, note, render, root, run, step, target_dir};

/// The sub-benchmarks, for messages.
const KINDS: &str = "`cargo xtask bench` (browser: bus and WebChatService) or `cargo xtask bench emulator` (emulator load)";

/// How long the emulator may take to print its address.
const EMULATOR_START_TIMEOUT: Duration = Duration::from_secs(15);

/// Runs the benchmark named after `bench` (`xtask bench [browser|emulator]`; none: browser).
pub(crate) fn run_bench(args: &[String]) -> Res {
    match args.first().map(String::as_str) {
        None | Some("browser") => run_browser(),
        Some("emulator") => run_emulator_load(),
        Some(other) => fail(format!("unknown benchmark `{other}`; use {KINDS}.")),
    }
}

/// Builds `dist/` and the emulator, runs the browser benchmark against a fresh emulator, then
/// prints the bundle size.
fn run_browser() -> Res {
    setup::npm_packages("tests")?;
    let chromium = setup::chromium()?;
    dist::run_dist()?;
    // A release build, so that the chat figures measure the runtime rather than a debug server
    // (the debug emulator takes about 100 ms to serialise a 2,000-message transcript).
    step("building the emulator, release (the WebChatService benchmarks chat with it)");
    let mut c = cargo();
    c.args(["build", "--release", "-p", "emulator"]);
    run(c, "The emulator did not build; see the errors above.")?;
    let emulator = Emulator::start(&target_dir().join("release/emulator"))?;
    note(format!(
        "emulator (release build, --no-auto-agent) at {}",
        emulator.url
    ));

    step(
        "benchmarking the bus against tests/bench/js-bus.js, then WebChatService over GMS REST, Genesys Cloud, GMS CometD and Engage v3 (headless Chromium)",
    );
    let mut c = cmd("node");
    c.arg("tests/bench/run.js")
        .env("WIDGETS_DIST", dist::dist_dir())
        .env("REPO_ROOT", root())
        .env("CHROMIUM_PATH", chromium)
        .env("EMULATOR_URL", &emulator.url);
    let result = run(
        c,
        "The benchmark did not finish; its error is above. Run `cargo xtask test` first to check the bundle works.",
    );
    drop(emulator);
    result?;
    dist::print_sizes()
}

/// The emulator's load benchmark, in release mode.
fn run_emulator_load() -> Res {
    step("emulator load benchmark: 1000 GMS customers for 20 s (release build)");
    let mut c = cargo();
    c.args([
        "run",
        "--release",
        "-p",
        "emulator",
        "--example",
        "emulator-load",
        "--",
        "--sessions",
        "1000",
        "--seconds",
        "20",
    ]);
    run(c, "The emulator load benchmark failed; its error is above.")
}

/// A running emulator on 127.0.0.1 with a free port; killed when dropped.
struct Emulator {
    child: Child,
    url: String,
}

impl Emulator {
    fn start(bin: &Path) -> Res<Self> {
        let mut c = cmd(bin);
        c.args(["--host", "127.0.0.1", "--port", "0", "--no-auto-agent"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped());
        let line = render(&c);
        note(format!("$ {line}"));
        let mut child = match c.spawn() {
            Ok(child) => child,
            Err(e) => return fail(format!("could not start `{line}`: {e}")),
        };
        // Read the address line, then keep draining stdout so the emulator never blocks on it.
        let (tx, rx) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            std::thread::spawn(move || {
                for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if let Some(url) = l.strip_prefix("emulator listening on ") {
                        let _ = tx.send(url.trim().to_string());
                    }
                }
            });
        }
        let mut emulator = Emulator {
            child,
            url: String::new(),
        };
        match rx.recv_timeout(EMULATOR_START_TIMEOUT) {
            Ok(url) => {
                emulator.url = url;
                Ok(emulator)
            }
            Err(_) => fail(format!(
                "`{line}` did not print `emulator listening on URL` within {} s (its errors, if any, are above).",
                EMULATOR_START_TIMEOUT.as_secs()
            )),
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
