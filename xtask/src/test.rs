//! `cargo xtask test`: every test, in order, stopping at the first failure.

use std::path::PathBuf;
use std::time::Duration;

use crate::dist;
use crate::setup;
use crate::util::{Failure, Res, cargo, cmd, fail, root, run, secs, step, target_dir, timed};

/// One step of the test run.
struct Step {
    name: &'static str,
    rerun: String,
    action: Box<dyn FnOnce(&mut Env) -> Res>,
}

/// Paths found along the way, passed to later steps.
#[derive(Default)]
struct Env {
    chromium: Option<PathBuf>,
    emulator: Option<PathBuf>,
}

fn cargo_step(name: &'static str, args: &'static [&'static str], hint: &'static str) -> Step {
    Step {
        name,
        rerun: format!("cargo {}", args.join(" ")),
        action: Box::new(move |_| {
            let mut c = cargo();
            c.args(args);
            run(c, hint)
        }),
    }
}

/// The browser test files, in a stable order.
fn browser_test_files() -> Res<Vec<PathBuf>> {
    let dir = root().join("tests/browser");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".test.js"))
            })
            .collect(),
        Err(e) => return fail(format!("cannot read {}: {e}", dir.display())),
    };
    files.sort();
    if files.is_empty() {
        return fail("no tests/browser/*.test.js files found");
    }
    Ok(files)
}

/// Runs every step; prints a summary either way.
pub(crate) fn run_all() -> Res {
    let steps = vec![
        Step {
            name: "setup",
            rerun: "cargo xtask setup".into(),
            action: Box::new(|env: &mut Env| {
                setup::rust_components()?;
                setup::npm_packages("tests")?;
                env.chromium = Some(setup::chromium()?);
                Ok(())
            }),
        },
        cargo_step(
            "rustfmt",
            &["fmt", "--all", "--", "--check"],
            "Formatting differs: run `cargo fmt --all` and commit the result.",
        ),
        cargo_step(
            "clippy",
            &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"],
            "Clippy found problems (warnings are errors); fix them and re-run.",
        ),
        cargo_step(
            "cargo test",
            &["test", "--workspace"],
            "A Rust test failed; see the test output above.",
        ),
        Step {
            name: "dist",
            rerun: "cargo xtask dist".into(),
            action: Box::new(|_| dist::run_dist()),
        },
        Step {
            name: "emulator build",
            rerun: "cargo build -p emulator".into(),
            action: Box::new(|env: &mut Env| {
                if !root().join("crates/emulator/Cargo.toml").exists() {
                    step("no crates/emulator yet; skipping its build");
                    return Ok(());
                }
                step("building the emulator (browser tests of the chat start it)");
                let mut c = cargo();
                c.args(["build", "-p", "emulator"]);
                run(c, "The emulator did not build; see the errors above.")?;
                env.emulator = Some(target_dir().join("debug/emulator"));
                Ok(())
            }),
        },
        Step {
            name: "TypeScript check of widgets.d.ts",
            rerun: "tests/node_modules/.bin/tsc -p tests/types --noEmit".into(),
            action: Box::new(|_| {
                step("type-checking bus-shim/widgets.d.ts against tests/types/");
                let mut c = cmd(root().join("tests/node_modules/.bin/tsc"));
                c.args(["-p", "tests/types", "--noEmit"]);
                run(
                    c,
                    "The declarations or the customer-style usage in tests/types/ do not type-check.",
                )
            }),
        },
        Step {
            name: "browser suite",
            rerun: "WIDGETS_DIST=$PWD/dist REPO_ROOT=$PWD node --test --test-concurrency=1 tests/browser/*.test.js"
                .into(),
            action: Box::new(|env: &mut Env| {
                step("running the browser suite (headless Chromium)");
                let files = browser_test_files()?;
                let mut c = cmd("node");
                c.args([
                    "--test",
                    "--test-concurrency=1",
                    "--test-reporter=spec",
                    "--test-timeout=120000",
                ])
                .args(&files)
                .env("WIDGETS_DIST", dist::dist_dir())
                .env("REPO_ROOT", root());
                if let Some(chromium) = &env.chromium {
                    c.env("CHROMIUM_PATH", chromium);
                }
                if let Some(emulator) = &env.emulator {
                    c.env("EMULATOR_BIN", emulator);
                }
                run(
                    c,
                    "Browser tests failed; the failing tests and their errors are listed above.",
                )
            }),
        },
    ];

    let total = steps.len();
    let mut env = Env::default();
    let mut done: Vec<(&'static str, Duration)> = Vec::new();
    for (i, s) in steps.into_iter().enumerate() {
        step(format!("[{}/{total}] {}", i + 1, s.name));
        let (result, took) = timed(|| (s.action)(&mut env));
        if let Err(Failure(msg)) = result {
            summary(&done);
            println!("    FAILED  {:<34} {}", s.name, secs(took));
            return fail(format!(
                "test step {}/{total} `{}` failed: {msg}\nRe-run just this step with: {}",
                i + 1,
                s.name,
                s.rerun
            ));
        }
        done.push((s.name, took));
    }
    summary(&done);
    dist::print_sizes()?;
    step("all tests passed");
    Ok(())
}

fn summary(done: &[(&'static str, Duration)]) {
    step("test summary");
    for (name, took) in done {
        println!("    ok      {name:<34} {}", secs(*took));
    }
    let sum: Duration = done.iter().map(|(_, d)| *d).sum();
    println!("    total   {:<34} {}", "", secs(sum));
}
