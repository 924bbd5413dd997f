//! `cargo xtask setup`: install whatever is missing, idempotently, and fast when all is there.

use std::path::PathBuf;
use std::process::Command;

use crate::util::{
    Res, capture, cargo, cmd, fail, is_root, mtime, note, rel, root, run, step, which,
};

/// The wasm target the bundle is built for.
pub(crate) const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Where Debian's Chromium lives once installed.
const DEBIAN_CHROMIUM: &str = "/usr/bin/chromium";

/// Everything: used by `cargo xtask setup`.
pub(crate) fn all() -> Res {
    rust_components()?;
    wasm_target()?;
    wasm_bindgen()?;
    npm_packages("bus-shim")?;
    npm_packages("tests")?;
    chromium()?;
    step("setup complete");
    Ok(())
}

/// `rustfmt` and `clippy`, which `cargo xtask test` runs.
pub(crate) fn rust_components() -> Res {
    step("checking rustfmt and clippy");
    for (component, sub) in [("rustfmt", "fmt"), ("clippy", "clippy")] {
        if capture(cargo().args([sub, "--version"])).is_some() {
            continue;
        }
        note(format!("{component} is missing, installing it with rustup"));
        let mut c = cmd("rustup");
        c.args(["component", "add", component]);
        run(
            c,
            &format!("Install it by hand with `rustup component add {component}`."),
        )?;
    }
    Ok(())
}

/// `rustup target add wasm32-unknown-unknown` unless the target's std is already in the sysroot.
pub(crate) fn wasm_target() -> Res {
    step(format!("checking the {WASM_TARGET} target"));
    let sysroot = capture(Command::new("rustc").args(["--print", "sysroot"]));
    if let Some(sysroot) = sysroot {
        let lib = PathBuf::from(sysroot).join("lib/rustlib").join(WASM_TARGET);
        if lib.is_dir() {
            note("installed");
            return Ok(());
        }
    }
    let mut c = cmd("rustup");
    c.args(["target", "add", WASM_TARGET]);
    run(
        c,
        &format!("Install the target by hand: `rustup target add {WASM_TARGET}`."),
    )
}

/// The `wasm-bindgen` version pinned in Cargo.lock, if any crate uses it.
fn locked_wasm_bindgen_version() -> Res<Option<String>> {
    let lock_path = root().join("Cargo.lock");
    if !lock_path.exists() {
        // `cargo run` normally writes it; make sure it exists.
        if capture(cargo().args(["generate-lockfile", "--offline"])).is_none() {
            let mut c = cargo();
            c.arg("generate-lockfile");
            run(c, "Cargo could not resolve the workspace dependencies.")?;
        }
    }
    let lock = match std::fs::read_to_string(&lock_path) {
        Ok(s) => s,
        Err(e) => return fail(format!("cannot read Cargo.lock: {e}")),
    };
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            for next in lines.by_ref() {
                if let Some(v) = next.trim().strip_prefix("version = ") {
                    return Ok(Some(v.trim_matches('"').to_string()));
                }
                if next.trim().is_empty() {
                    break;
                }
            }
        }
    }
    Ok(None)
}

/// Where `cargo install` puts binaries.
fn cargo_bin_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return PathBuf::from(home).join("bin");
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    PathBuf::from(home).join(".cargo/bin")
}

/// The installed `wasm-bindgen` binary and its version.
fn installed_wasm_bindgen() -> Option<(PathBuf, String)> {
    let candidates = [
        Some(cargo_bin_dir().join("wasm-bindgen")),
        which("wasm-bindgen"),
    ];
    for bin in candidates.into_iter().flatten() {
        if !bin.is_file() {
            continue;
        }
        if let Some(out) = capture(Command::new(&bin).arg("--version")) {
            // "wasm-bindgen 0.2.130"
            let version = out.split_whitespace().nth(1).unwrap_or("").to_string();
            return Some((bin, version));
        }
    }
    None
}

/// Installs wasm-bindgen-cli at exactly the Cargo.lock version, unless it is already there.
/// Returns the binary, or `None` when no crate depends on wasm-bindgen yet.
pub(crate) fn wasm_bindgen() -> Res<Option<PathBuf>> {
    step("checking wasm-bindgen-cli");
    let Some(want) = locked_wasm_bindgen_version()? else {
        note("no crate depends on wasm-bindgen yet; nothing to install");
        return Ok(None);
    };
    if let Some((bin, have)) = installed_wasm_bindgen() {
        if have == want {
            note(format!("{} {have} (matches Cargo.lock)", bin.display()));
            return Ok(Some(bin));
        }
        note(format!(
            "{} is {have}, Cargo.lock wants {want}; reinstalling",
            bin.display()
        ));
    }
    step(format!(
        "installing wasm-bindgen-cli {want} (about 3 minutes on 2 cores, once per machine)"
    ));
    let hint = format!(
        "Install it by hand with `cargo install wasm-bindgen-cli --version {want}`; \
         it must match the wasm-bindgen crate version in Cargo.lock exactly."
    );
    let mut c = cargo();
    c.args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &want,
        "--force",
        "--locked",
    ]);
    if run(c, &hint).is_err() {
        // The CLI's own lock file can pin a dependency version the registry no longer offers
        // (yanked); the CLI version itself stays exact either way.
        note("`--locked` install failed; retrying with freshly resolved dependencies");
        let mut c = cargo();
        c.args(["install", "wasm-bindgen-cli", "--version", &want, "--force"]);
        run(c, &hint)?;
    }
    match installed_wasm_bindgen() {
        Some((bin, have)) if have == want => Ok(Some(bin)),
        Some((bin, have)) => fail(format!(
            "after installing, {} reports version {have}, not {want}. \
             Is another wasm-bindgen earlier on PATH?",
            bin.display()
        )),
        None => fail(format!(
            "wasm-bindgen-cli installed but no `wasm-bindgen` binary found in {}",
            cargo_bin_dir().display()
        )),
    }
}

/// The Chromium to drive: `$CHROMIUM_PATH`, else Debian's, installed with apt when we are root.
pub(crate) fn chromium() -> Res<PathBuf> {
    step("checking Chromium");
    if let Some(p) = std::env::var_os("CHROMIUM_PATH") {
        let p = PathBuf::from(p);
        if p.is_file() {
            note(format!("using $CHROMIUM_PATH = {}", p.display()));
            return Ok(p);
        }
        return fail(format!(
            "CHROMIUM_PATH is set to {} but no such file exists. Unset it or point it at a Chromium binary.",
            p.display()
        ));
    }
    let debian = PathBuf::from(DEBIAN_CHROMIUM);
    if debian.is_file() {
        note(format!("{DEBIAN_CHROMIUM} is installed"));
        return Ok(debian);
    }
    if !is_root() {
        return fail(format!(
            "{DEBIAN_CHROMIUM} is missing and we are not root, so it cannot be installed here.\n\
             Run `sudo apt-get update && sudo apt-get install -y chromium chromium-driver`, \
             or set CHROMIUM_PATH to a Chromium binary."
        ));
    }
    step("installing Debian Chromium (apt-get)");
    let hint =
        "Install it by hand: `apt-get update && apt-get install -y chromium chromium-driver`.";
    let mut c = cmd("apt-get");
    c.arg("update").env("DEBIAN_FRONTEND", "noninteractive");
    run(c, hint)?;
    let mut c = cmd("apt-get");
    c.args(["install", "-y", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive");
    run(c, hint)?;
    if debian.is_file() {
        Ok(debian)
    } else {
        fail(format!(
            "apt-get finished but {DEBIAN_CHROMIUM} is still missing. {hint}"
        ))
    }
}

/// `npm ci` (or `npm install` without a lock) in `dir` when node_modules is missing or stale.
pub(crate) fn npm_packages(dir: &str) -> Res {
    let dir_path = root().join(dir);
    step(format!("checking npm packages in {dir}/"));
    if which("npm").is_none() || which("node").is_none() {
        return fail(
            "node and npm are needed (for esbuild, binaryen, Playwright and TypeScript) but are not on PATH.\n\
             Install Node.js 20 or newer, e.g. `apt-get install -y nodejs npm`.",
        );
    }
    let lock = dir_path.join("package-lock.json");
    let manifest = dir_path.join("package.json");
    // npm writes this marker on every install; it is our "installed at" timestamp.
    let marker = dir_path.join("node_modules/.package-lock.json");
    let installed = mtime(&marker);
    let newest_input = [mtime(&lock), mtime(&manifest)].into_iter().flatten().max();
    let fresh = match (installed, newest_input) {
        (Some(i), Some(n)) => i >= n,
        (Some(_), None) => true,
        (None, _) => false,
    };
    if fresh {
        note("up to date");
        return Ok(());
    }
    let mut c = cmd("npm");
    c.current_dir(&dir_path)
        .args(if lock.exists() {
            &["ci"][..]
        } else {
            &["install"][..]
        })
        .args(["--no-audit", "--no-fund"])
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    run(
        c,
        &format!(
            "npm could not install the packages of {}. Check the npm registry is reachable, \
             then retry `cargo xtask setup`.",
            rel(&dir_path)
        ),
    )
}
