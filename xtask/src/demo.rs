//! `cargo xtask demo [--port N]`: build `dist/` and serve the demo site on localhost.
//!
//! The emulator (crates/emulator) serves `/` → `demo-site/` and `/dist/` → `dist/`, plus the chat
//! server. Until that crate exists, a tiny std-only static server does the same for the files.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use crate::dist;
use crate::util::{Res, cargo, cmd, fail, root, run, step, target_dir};

/// Options of `cargo xtask demo`.
#[derive(Debug, PartialEq)]
pub(crate) struct DemoOptions {
    /// Port to listen on (default 8080).
    pub(crate) port: u16,
    /// Serve files only, with the built-in server, even when the emulator exists.
    pub(crate) static_only: bool,
}

const DEMO_USAGE: &str = "usage: cargo xtask demo [--port N] [--static]";

/// Parses `--port N` (or `--port=N`) and `--static`.
pub(crate) fn parse_args(args: &[String]) -> Res<DemoOptions> {
    let mut opts = DemoOptions {
        port: 8080,
        static_only: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = if a == "--static" {
            opts.static_only = true;
            continue;
        } else if a == "--port" {
            it.next().cloned()
        } else if let Some(v) = a.strip_prefix("--port=") {
            Some(v.to_string())
        } else {
            return fail(format!("unknown option `{a}`. {DEMO_USAGE}"));
        };
        opts.port = match value.as_deref().map(str::parse::<u16>) {
            Some(Ok(p)) => p,
            _ => {
                return fail(format!(
                    "--port needs a number from 0 to 65535. {DEMO_USAGE}"
                ));
            }
        };
    }
    Ok(opts)
}

/// Builds `dist/` and serves the demo until interrupted.
pub(crate) fn run_demo(args: &[String]) -> Res {
    let DemoOptions { port, static_only } = parse_args(args)?;
    dist::run_dist()?;
    let url = format!("http://127.0.0.1:{port}/");
    if !static_only && root().join("crates/emulator/Cargo.toml").exists() {
        step("building the emulator");
        let mut c = cargo();
        c.args(["build", "-p", "emulator"]);
        run(c, "The emulator did not build; see the errors above.")?;
        banner(&url);
        let mut c = cmd(target_dir().join("debug/emulator"));
        c.args(["--port", &port.to_string()]);
        return run(c, "The emulator stopped with an error.");
    }
    step("serving demo-site/ and dist/ with the built-in static server (no chat server)");
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            return fail(format!(
                "cannot listen on 127.0.0.1:{port}: {e}. Pick another port with `--port N`."
            ));
        }
    };
    let actual = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    banner(&format!("http://127.0.0.1:{actual}/"));
    serve(
        listener,
        &[
            ("/dist/", root().join("dist")),
            ("/", root().join("demo-site")),
        ],
    );
    Ok(())
}

fn banner(url: &str) {
    println!();
    println!("    demo: {url}");
    println!("    agent console (when it exists): {url}agent/");
    println!("    Chat Service JS API: {url}chat-service/");
    println!("    press Ctrl-C to stop");
    println!();
}

/// Serves static files forever, one thread per connection. `mounts` are URL prefix → folder,
/// longest prefix first.
pub(crate) fn serve(listener: TcpListener, mounts: &[(&str, PathBuf)]) {
    let mounts: Vec<(String, PathBuf)> = mounts
        .iter()
        .map(|(p, d)| ((*p).to_string(), d.clone()))
        .collect();
    for stream in listener.incoming().flatten() {
        let mounts = mounts.clone();
        std::thread::spawn(move || {
            let _ = handle(stream, &mounts);
        });
    }
}

fn handle(mut stream: TcpStream, mounts: &[(String, PathBuf)]) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        // Skip headers.
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
                break;
            }
        }
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or("");
        let target = parts.next().unwrap_or("/");
        let path = target.split(['?', '#']).next().unwrap_or("/");
        let (status, ctype, body) = match (method, resolve(path, mounts)) {
            ("GET" | "HEAD", Some(file)) => match std::fs::read(&file) {
                Ok(body) => ("200 OK", content_type(&file), body),
                Err(_) => not_found(),
            },
            ("GET" | "HEAD", None) => not_found(),
            _ => (
                "405 Method Not Allowed",
                "text/plain; charset=utf-8",
                b"method not allowed\n".to_vec(),
            ),
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nConnection: keep-alive\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes())?;
        if method != "HEAD" {
            stream.write_all(&body)?;
        }
        stream.flush()?;
    }
}

fn not_found() -> (&'static str, &'static str, Vec<u8>) {
    (
        "404 Not Found",
        "text/plain; charset=utf-8",
        b"not found\n".to_vec(),
    )
}

/// Maps a URL path to a file under one of the mounts, refusing `..` and hidden tricks.
fn resolve(path: &str, mounts: &[(String, PathBuf)]) -> Option<PathBuf> {
    let decoded = percent_decode(path)?;
    for (prefix, dir) in mounts {
        let Some(rest) = decoded.strip_prefix(prefix.as_str()) else {
            continue;
        };
        let rel = Path::new(rest);
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            return None;
        }
        let mut file = dir.join(rel);
        if file.is_dir() {
            file = file.join("index.html");
        }
        return file.is_file().then_some(file);
    }
    None
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn demo_options_default_to_port_8080_with_the_emulator() {
        let want = DemoOptions {
            port: 8080,
            static_only: false,
        };
        assert_eq!(parse_args(&[]).ok(), Some(want));
    }

    #[test]
    fn demo_options_accept_both_port_spellings_and_static() {
        assert_eq!(
            parse_args(&args(&["--port", "9001"])).ok().map(|o| o.port),
            Some(9001)
        );
        assert_eq!(
            parse_args(&args(&["--port=7"])).ok().map(|o| o.port),
            Some(7)
        );
        let o = parse_args(&args(&["--static", "--port", "1"])).ok();
        assert_eq!(o.map(|o| (o.port, o.static_only)), Some((1, true)));
    }

    #[test]
    fn demo_options_reject_a_missing_port_and_unknown_flags() {
        assert!(parse_args(&args(&["--port"])).is_err());
        assert!(parse_args(&args(&["--port", "x"])).is_err());
        assert!(parse_args(&args(&["--bogus"])).is_err());
    }

    #[test]
    fn resolve_refuses_parent_directories() {
        let mounts = vec![("/".to_string(), root().join("xtask"))];
        assert!(resolve("/../Cargo.toml", &mounts).is_none());
        assert!(resolve("/%2e%2e/Cargo.toml", &mounts).is_none());
        assert!(resolve("/Cargo.toml", &mounts).is_some());
    }

    #[test]
    fn wasm_is_served_as_application_wasm() {
        assert_eq!(
            content_type(Path::new("a/widgets.wasm")),
            "application/wasm"
        );
        assert_eq!(
            content_type(Path::new("widgets.min.js")),
            "text/javascript; charset=utf-8"
        );
    }
}
