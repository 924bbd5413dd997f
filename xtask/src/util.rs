//! Small helpers shared by the tasks: paths, step banners, running commands, errors.

use std::ffi::OsStr;
use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// A task failure: a message that says what went wrong and what to do about it.
#[derive(Debug)]
pub(crate) struct Failure(pub(crate) String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Result of a task step.
pub(crate) type Res<T = ()> = Result<T, Failure>;

/// Builds a [`Failure`] from anything printable.
pub(crate) fn fail<T>(msg: impl Into<String>) -> Res<T> {
    Err(Failure(msg.into()))
}

/// The repository root (the parent of `xtask/`), whatever the current directory is.
pub(crate) fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` when set, else `<root>/target`.
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => root().join("target"),
    }
}

/// Prints a step banner such as `==> building wasm bundle`.
pub(crate) fn step(msg: impl fmt::Display) {
    println!("==> {msg}");
}

/// Prints an indented note under the current step.
pub(crate) fn note(msg: impl fmt::Display) {
    println!("    {msg}");
}

/// The `cargo` that runs us (so the same toolchain is used), or `cargo` from PATH.
pub(crate) fn cargo() -> Command {
    let bin = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(bin);
    cmd.current_dir(root());
    cmd
}

/// A command run from the repository root.
pub(crate) fn cmd(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root());
    cmd
}

/// Renders a command line for messages.
pub(crate) fn render(cmd: &Command) -> String {
    let mut out = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        let arg = arg.to_string_lossy();
        out.push(' ');
        if arg.contains(' ') || arg.is_empty() {
            out.push('\'');
            out.push_str(&arg);
            out.push('\'');
        } else {
            out.push_str(&arg);
        }
    }
    out
}

/// Runs a command with inherited output and no stdin (CI has none).
/// On failure the error names the command and adds `hint`.
pub(crate) fn run(cmd: Command, hint: &str) -> Res {
    run_inner(cmd, hint, false).map(|_| ()).map_err(|(e, _)| e)
}

/// Like [`run`], but also returns the command's stdout (which is still echoed line by line as it
/// arrives), so test counts can be read from it.
pub(crate) fn run_tee(cmd: Command, hint: &str) -> (Res, String) {
    match run_inner(cmd, hint, true) {
        Ok(out) => (Ok(()), out),
        Err((e, out)) => (Err(e), out),
    }
}

fn run_inner(mut cmd: Command, hint: &str, tee: bool) -> Result<String, (Failure, String)> {
    let line = render(&cmd);
    note(format!("$ {line}"));
    cmd.stdin(Stdio::null());
    if tee {
        cmd.stdout(Stdio::piped());
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            let msg = format!("could not start `{line}`: {e}.\n{hint}");
            return Err((Failure(msg), String::new()));
        }
    };
    let mut captured = String::new();
    if let Some(stdout) = child.stdout.take() {
        let mut out = std::io::stdout();
        for l in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = writeln!(out, "{l}");
            captured.push_str(&l);
            captured.push('\n');
        }
    }
    match child.wait() {
        Ok(s) if s.success() => Ok(captured),
        Ok(s) => {
            let code = s.code().map_or_else(
                || "killed by a signal".to_string(),
                |c| format!("exit code {c}"),
            );
            Err((
                Failure(format!("`{line}` failed ({code}).\n{hint}")),
                captured,
            ))
        }
        Err(e) => Err((
            Failure(format!("`{line}` did not finish: {e}.\n{hint}")),
            captured,
        )),
    }
}

/// Runs a command quietly and returns its trimmed stdout when it succeeds.
pub(crate) fn capture(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Looks a program up on PATH.
pub(crate) fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Whether we run as root (needed for `apt-get install`).
pub(crate) fn is_root() -> bool {
    capture(Command::new("id").arg("-u")).as_deref() == Some("0")
}

/// Modification time of a file, if it exists.
pub(crate) fn mtime(path: &Path) -> Option<SystemTime> {
    path.metadata().and_then(|m| m.modified()).ok()
}

/// Formats a duration as `12.3s`.
pub(crate) fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

/// Times a closure.
pub(crate) fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// A path relative to the root, for messages.
pub(crate) fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}
