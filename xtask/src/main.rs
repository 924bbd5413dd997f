//! The project's task runner, run as `cargo xtask <task>` from anywhere in the repository.
//!
//! - `setup`: install what is missing (wasm target, wasm-bindgen-cli at the Cargo.lock version,
//!   Debian Chromium when root, npm packages in `bus-shim/` and `tests/`).
//! - `dist [--only NAME | --bus-only]`: build the shim and the bundles into `dist/` and print what
//!   a page downloads for each configuration against its budget.
//! - `test`: fmt, clippy, cargo test, dist, emulator build, TypeScript check, browser suite.
//! - `demo [--port N] [--static]`: build `dist/` and serve the demo site on localhost.
//! - `bench [emulator]`: browser benchmarks (bus vs pure-JS bus, chat start-up and restore), or
//!   the emulator's load benchmark.

mod bench;
mod demo;
mod dist;
mod setup;
mod short_names;
mod test;
mod util;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  setup            install what is missing (wasm target, wasm-bindgen-cli, Chromium, npm packages)
  dist             build dist/: the shim and one bundle per configuration (bus, gms, cometd,
                   cloud, v3, all), and print each configuration's download against its budget
  dist --only NAME one bundle only (--bus-only: the bus alone), faster while working on it
  test             run every test: fmt, clippy, cargo test, dist, types, browser suite
  demo [--port N] [--static]
                   build dist/ and serve the demo site (default port 8080);
                   --static serves files only, without the chat emulator
  bench            browser benchmarks: our bus vs a minimal pure-JS bus, WebChatService start-up
                   and a 2,000-message restore against the emulator, then the bundle size
  bench emulator   the emulator's load benchmark (1,000 simulated customers, p50/p99)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str);
    let rest = args.get(1..).unwrap_or(&[]);
    let result = match task {
        Some("setup") => setup::all(),
        Some("dist") if rest.iter().any(|a| a == "--bus-only") => dist::run_dist_only("bus"),
        Some("dist") if rest.first().map(String::as_str) == Some("--only") => {
            dist::run_dist_only(rest.get(1).map_or("", String::as_str))
        }
        Some("dist") => dist::run_dist(),
        Some("test") => test::run_all(),
        Some("demo") => demo::run_demo(rest),
        Some("bench") => bench::run_bench(rest),
        Some("help" | "-h" | "--help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => util::fail(format!("unknown task `{other}`.\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nerror: {e}");
            ExitCode::FAILURE
        }
    }
}
