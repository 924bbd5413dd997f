//! `cargo xtask test`: every test, in order, stopping at the first failure.

use std::path::PathBuf;
use std::time::Duration;

use crate::dist;
use crate::setup;
use crate::util::{
    Failure, Res, cargo, cmd, fail, root, run, run_tee, secs, step, target_dir, timed,
};

/// One step of the test run.
struct Step {
    name: &'static str,
    rerun: String,
    action: Box<dyn FnOnce(&mut Env) -> Res>,
}

/// Paths and counts found along the way, passed to later steps.
#[derive(Default)]
struct Env {
    chromium: Option<PathBuf>,
    emulator: Option<PathBuf>,
    /// Tests run so far: (passed, failed).
    counts: (u64, u64),
}

impl Env {
    fn add(&mut self, (passed, failed): (u64, u64)) {
        self.counts.0 += passed;
        self.counts.1 += failed;
    }
}

/// Sums `test result: ok. N passed; M failed; ...` lines of `cargo test`.
fn cargo_test_counts(out: &str) -> (u64, u64) {
    let mut counts = (0, 0);
    for line in out.lines().filter(|l| l.starts_with("test result:")) {
        counts.0 += number_before(line, " passed");
        counts.1 += number_before(line, " failed");
    }
    counts
}

/// Reads node's closing `ℹ pass N` / `ℹ fail N` (spec reporter) or `# pass N` (TAP) lines.
fn node_test_counts(out: &str) -> (u64, u64) {
    let mut counts = (0, 0);
    for line in out.lines() {
        let rest = line
            .strip_prefix("ℹ ")
            .or_else(|| line.strip_prefix("# "))
            .unwrap_or("");
        if let Some(n) = rest.strip_prefix("pass ") {
            counts.0 = n.trim().parse().unwrap_or(0);
        } else if let Some(n) = rest.strip_prefix("fail ") {
            counts.1 = n.trim().parse().unwrap_or(0);
        }
    }
    counts
}

/// The number just before `word` in `line` (`"3 passed"` → 3), or 0.
fn number_before(line: &str, word: &str) -> u64 {
    let Some(end) = line.find(word) else {
        return 0;
    };
    let head = &line[..end];
    let start = head
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    head[start..].parse().unwrap_or(0)
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
        Step {
            name: "cargo test",
            rerun: "cargo test --workspace".into(),
            action: Box::new(|env: &mut Env| {
                let mut c = cargo();
                c.args(["test", "--workspace"]);
                let (res, out) = run_tee(c, "A Rust test failed; see the test output above.");
                env.add(cargo_test_counts(&out));
                res
            }),
        },
        Step {
            name: "dist, every bundle (size budgets)",
            rerun: "cargo xtask dist".into(),
            action: Box::new(|_| dist::run_dist_within_budget()),
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
                let (res, out) = run_tee(
                    c,
                    "Browser tests failed; the failing tests and their errors are listed above.",
                );
                env.add(node_test_counts(&out));
                res
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
            closing_line(env.counts);
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
    closing_line(env.counts);
    Ok(())
}

/// The plain closing line CI reads: Rust and browser tests together.
fn closing_line((passed, failed): (u64, u64)) {
    println!("tests: {passed} passed, {failed} failed");
}

fn summary(done: &[(&'static str, Duration)]) {
    step("test summary");
    for (name, took) in done {
        println!("    ok      {name:<34} {}", secs(*took));
    }
    let sum: Duration = done.iter().map(|(_, d)| *d).sum();
    println!("    total   {:<34} {}", "", secs(sum));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_test_counts_sum_every_result_line() {
        let out = "running 3 tests\ntest result: ok. 3 passed; 0 failed; 1 ignored; 0 measured\n\
                   test result: FAILED. 10 passed; 2 failed; 0 ignored\n";
        assert_eq!(cargo_test_counts(out), (13, 2));
    }

    #[test]
    fn node_test_counts_read_spec_and_tap_summaries() {
        assert_eq!(node_test_counts("ℹ tests 5\nℹ pass 4\nℹ fail 1\n"), (4, 1));
        assert_eq!(node_test_counts("# tests 2\n# pass 2\n# fail 0\n"), (2, 0));
        assert_eq!(node_test_counts("nothing here"), (0, 0));
    }
}
