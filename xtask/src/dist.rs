//! `cargo xtask dist`: build the release bundle into `dist/` and report its size.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::setup::{self, WASM_TARGET};
use crate::util::{Res, cargo, cmd, fail, note, rel, root, run, step, target_dir};

/// Gzip budget for everything a page downloads from `dist/`, bus alone (issue 2).
pub(crate) const BUS_BUDGET_GZIP_BYTES: u64 = 60 * 1024;
/// Gzip budget once the chat plugin (WebChatService) ships in the bundle too, with every
/// transport built so far in the one file: GMS REST and Genesys Cloud came to 102.5 KB (bus +
/// chat with GMS alone was 89.5 KB before the session seam, 91.7 KB after it), with GMS CometD
/// too 110.6 KB. Splitting the bundle so that a page downloads only its own transport is issue
/// 13's, with its 82 KB goal; until then this budget is the measured size plus a little, so
/// growth still fails the tests.
pub(crate) const BUS_AND_CHAT_BUDGET_GZIP_BYTES: u64 = 112 * 1024;

/// wasm-opt feature flags for wasm-bindgen's stripped output (see shared toolchain notes).
const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-call-indirect-overlong",
];

/// The `dist/` folder.
pub(crate) fn dist_dir() -> PathBuf {
    root().join("dist")
}

/// What goes into the bundle.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bundle {
    /// The shipped bundle: the bus and the built-in chat plugin.
    Full,
    /// The bus alone (`widgets` without its `chat` feature), to check the bus's own budget.
    BusOnly,
}

/// Whether being over the gzip budget is an error (in `cargo xtask test`) or only reported.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Budget {
    /// Print the verdict; building over budget still succeeds (`dist`, `demo`, `bench`).
    Report,
    /// Fail when over budget (`test`), so a size regression cannot land unnoticed.
    Enforce,
}

/// Builds the shipped `dist/` from scratch and prints the size table.
pub(crate) fn run_dist() -> Res {
    build(Bundle::Full, Budget::Report)
}

/// `cargo xtask dist --bus-only`: builds `dist/` with the bus alone and prints its size against
/// the bus's own budget. Run `cargo xtask dist` again for the shipped bundle.
pub(crate) fn run_dist_bus_only() -> Res {
    build(Bundle::BusOnly, Budget::Report)
}

/// Builds `dist/` as `bundle` and fails if it is over its gzip budget.
pub(crate) fn run_dist_within_budget(bundle: Bundle) -> Res {
    build(bundle, Budget::Enforce)
}

fn build(bundle: Bundle, budget: Budget) -> Res {
    let root = root();
    for (path, who) in [
        ("crates/widgets/Cargo.toml", "the `widgets` crate"),
        ("bus-shim/src/main.js", "the JS entry bus-shim/src/main.js"),
    ] {
        if !root.join(path).exists() {
            return fail(format!(
                "{who} does not exist yet ({path} is missing), so there is no bundle to build.\n\
                 It is being written as part of the bus runtime; pull and retry."
            ));
        }
    }
    setup::wasm_target()?;
    let Some(wasm_bindgen) = setup::wasm_bindgen()? else {
        return fail(
            "no crate depends on wasm-bindgen, so the bundle cannot be built. \
             The `widgets` crate should depend on it.",
        );
    };
    setup::npm_packages("bus-shim")?;

    step("building wasm bundle (cargo, profile `bundle`)");
    let mut c = cargo();
    c.args([
        "build",
        "-p",
        "widgets",
        "--target",
        WASM_TARGET,
        "--profile",
        "bundle",
    ]);
    if bundle == Bundle::BusOnly {
        c.arg("--no-default-features");
    }
    run(
        c,
        "The widgets crate did not compile for wasm; see the errors above.",
    )?;
    let wasm = target_dir().join(WASM_TARGET).join("bundle/widgets.wasm");
    if !wasm.is_file() {
        return fail(format!(
            "cargo succeeded but {} is missing. Does crates/widgets set `crate-type = [\"cdylib\"]` \
             and keep the library name `widgets`?",
            rel(&wasm)
        ));
    }

    step("generating JS bindings (wasm-bindgen)");
    let gen_dir = root.join("bus-shim/gen");
    let mut c = cmd(&wasm_bindgen);
    c.arg(&wasm)
        .args(["--target", "web", "--out-dir"])
        .arg(&gen_dir)
        .args([
            "--out-name",
            "widgets",
            "--no-typescript",
            "--remove-name-section",
            "--remove-producers-section",
        ]);
    run(c, "wasm-bindgen failed; see its message above.")?;

    let dist = dist_dir();
    if dist.exists()
        && let Err(e) = std::fs::remove_dir_all(&dist)
    {
        return fail(format!("cannot clear {}: {e}", dist.display()));
    }
    if let Err(e) = std::fs::create_dir_all(&dist) {
        return fail(format!("cannot create {}: {e}", dist.display()));
    }

    step("optimising wasm (wasm-opt -Oz, npm binaryen)");
    let mut c = cmd(root.join("bus-shim/node_modules/.bin/wasm-opt"));
    c.arg("-Oz")
        .args(WASM_OPT_FEATURES)
        .arg(gen_dir.join("widgets_bg.wasm"))
        .arg("-o")
        .arg(dist.join("widgets.wasm"));
    run(
        c,
        "wasm-opt failed. If it is missing, delete bus-shim/node_modules and run `cargo xtask setup`.",
    )?;

    step("bundling widgets.min.js (esbuild)");
    let mut c = cmd(root.join("bus-shim/node_modules/.bin/esbuild"));
    c.arg("bus-shim/src/main.js").args([
        "--bundle",
        "--format=iife",
        "--minify",
        "--target=es2019",
        "--log-override:empty-import-meta=silent",
        "--outfile=dist/widgets.min.js",
    ]);
    run(c, "esbuild failed; see its message above.")?;

    step("copying TypeScript declarations");
    let dts = root.join("bus-shim/widgets.d.ts");
    if dts.is_file() {
        if let Err(e) = std::fs::copy(&dts, dist.join("widgets.d.ts")) {
            return fail(format!("cannot copy {}: {e}", rel(&dts)));
        }
        note("dist/widgets.d.ts");
    } else {
        note("bus-shim/widgets.d.ts is missing; skipped");
    }

    let within = print_sizes_for(bundle)?;
    if budget == Budget::Enforce && !within {
        return fail(
            "the bundle is over its gzip budget (table above). Shrink it before landing: \
             `twiggy top` on a `wasm-bindgen --keep-debug` build shows what is big.",
        );
    }
    Ok(())
}

/// Gzip (level 9) size of some bytes.
fn gzip_len(bytes: &[u8]) -> Res<u64> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    let out = enc.write_all(bytes).and_then(|()| enc.finish());
    match out {
        Ok(v) => Ok(v.len() as u64),
        Err(e) => fail(format!("gzip failed: {e}")),
    }
}

/// Files in `dist/` that a page downloads (not type declarations or source maps).
fn downloaded_files(dist: &Path) -> Res<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dist) {
        Ok(e) => e,
        Err(e) => {
            return fail(format!(
                "cannot read {}: {e}. Run `cargo xtask dist` first.",
                dist.display()
            ));
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !(name.ends_with(".d.ts") || name.ends_with(".map"))
        })
        .collect();
    files.sort();
    Ok(files)
}

fn read(path: &Path) -> Res<Vec<u8>> {
    std::fs::read(path).or_else(|e| fail(format!("cannot read {}: {e}", path.display())))
}

/// Prints raw and gzip sizes of every downloaded file in `dist/`, against the shipped budget.
pub(crate) fn print_sizes() -> Res {
    print_sizes_for(Bundle::Full).map(|_| ())
}

/// Prints the size table for `bundle`; returns whether it is within its budget.
fn print_sizes_for(bundle: Bundle) -> Res<bool> {
    let (budget, what) = match bundle {
        Bundle::Full => (BUS_AND_CHAT_BUDGET_GZIP_BYTES, "bus + chat"),
        Bundle::BusOnly => (BUS_BUDGET_GZIP_BYTES, "the bus alone"),
    };
    step("bundle size (what a page downloads)");
    let files = downloaded_files(&dist_dir())?;
    println!("    {:<24} {:>10} {:>10}", "file", "raw B", "gzip -9 B");
    let (mut raw_total, mut gz_total) = (0u64, 0u64);
    for f in &files {
        let bytes = read(f)?;
        let gz = gzip_len(&bytes)?;
        raw_total += bytes.len() as u64;
        gz_total += gz;
        println!("    {:<24} {:>10} {:>10}", rel(f), bytes.len(), gz);
    }
    println!("    {:<24} {:>10} {:>10}", "total", raw_total, gz_total);
    let pct = gz_total as f64 * 100.0 / budget as f64;
    let verdict = if gz_total <= budget {
        "within budget"
    } else {
        "OVER BUDGET"
    };
    println!(
        "    gzip total {:.1} KB of {} KB budget ({pct:.0}%): {verdict}",
        gz_total as f64 / 1024.0,
        budget / 1024
    );
    note(format!(
        "(budget for {what}; `cargo xtask dist --bus-only` checks the bus's own {} KB)",
        BUS_BUDGET_GZIP_BYTES / 1024
    ));
    Ok(gz_total <= budget)
}
