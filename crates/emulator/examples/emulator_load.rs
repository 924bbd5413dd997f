//! Load benchmark: N simulated GMS customers, each polling `refresh` and sending a message every
//! 2 s, against an in-process emulator (or `--addr` on loopback), for a bounded time. Prints
//! throughput and p50/p99/max latency.
//!
//! `cargo run --release -p emulator --example emulator-load -- --sessions 1000 --seconds 20`

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

struct Options {
    sessions: usize,
    seconds: u64,
    send_ms: u64,
    poll_ms: u64,
    addr: Option<SocketAddr>,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        sessions: 1000,
        seconds: 20,
        send_ms: 2000,
        poll_ms: 1000,
        addr: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag}: not a number: {value}"))
        };
        match flag.as_str() {
            "--sessions" => o.sessions = usize::try_from(number()?).map_err(|e| e.to_string())?,
            "--seconds" => o.seconds = number()?,
            "--send-ms" => o.send_ms = number()?.max(1),
            "--poll-ms" => o.poll_ms = number()?.max(1),
            "--addr" => {
                let addr: SocketAddr = value
                    .parse()
                    .map_err(|_| format!("--addr: not HOST:PORT: {value}"))?;
                if !addr.ip().is_loopback() {
                    return Err("--addr must be a loopback address".into());
                }
                o.addr = Some(addr);
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(o)
}

/// Latencies in microseconds plus the count of failed requests, per simulated customer.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    failures: usize,
    sent: usize,
}

async fn timed(tally: &mut Tally, request: reqwest::RequestBuilder) -> Option<Value> {
    let started = Instant::now();
    let result = async { request.send().await.ok()?.json::<Value>().await.ok() }.await;
    tally
        .latencies_us
        .push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
    if result.as_ref().is_none_or(|b| b["statusCode"] != 0) {
        tally.failures += 1;
    }
    result
}

async fn customer(
    http: reqwest::Client,
    base: Arc<String>,
    n: usize,
    o: Arc<Options>,
    deadline: Instant,
) -> Tally {
    let mut tally = Tally::default();
    let nickname = format!("load-{n}");
    let Some(started) = timed(
        &mut tally,
        http.post(format!("{base}/"))
            .form(&[("nickname", nickname.as_str())]),
    )
    .await
    else {
        return tally;
    };
    let text = |key: &str| started[key].as_str().unwrap_or_default().to_owned();
    let (chat_id, user_id, secure_key, alias) = (
        text("chatId"),
        text("userId"),
        text("secureKey"),
        text("alias"),
    );
    let mut position = 2u64;
    let mut next_send = Instant::now() + Duration::from_millis(o.send_ms);
    let mut poll = tokio::time::interval(Duration::from_millis(o.poll_ms));
    while Instant::now() < deadline {
        poll.tick().await;
        let keys = [
            ("userId", user_id.as_str()),
            ("secureKey", &secure_key),
            ("alias", &alias),
        ];
        if Instant::now() >= next_send {
            next_send += Duration::from_millis(o.send_ms);
            let form: Vec<(&str, &str)> = keys
                .iter()
                .copied()
                .chain([("message", "load test"), ("messageType", "text")])
                .collect();
            timed(
                &mut tally,
                http.post(format!("{base}/{chat_id}/send")).form(&form),
            )
            .await;
            tally.sent += 1;
        }
        let pos = position.to_string();
        let form: Vec<(&str, &str)> = keys
            .iter()
            .copied()
            .chain([("transcriptPosition", pos.as_str()), ("message", "")])
            .collect();
        if let Some(body) = timed(
            &mut tally,
            http.post(format!("{base}/{chat_id}/refresh")).form(&form),
        )
        .await
        {
            position = body["nextPosition"].as_u64().unwrap_or(position);
        }
    }
    tally
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[rank.min(sorted.len() - 1)]) / 1000.0
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let o = Arc::new(options()?);
    let (addr, _server) = match o.addr {
        Some(addr) => (addr, None),
        None => {
            let config = emulator::Config {
                port: 0,
                mounts: Vec::new(),
                ..emulator::Config::default()
            };
            let server = emulator::Server::start(config).await?;
            (server.addr(), Some(server))
        }
    };
    let base = Arc::new(format!("http://{addr}/genesys/2/chat/load"));
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()?;
    println!(
        "emulator-load: {} sessions for {} s against {addr} (send every {} ms, poll every {} ms)",
        o.sessions, o.seconds, o.send_ms, o.poll_ms
    );
    let began = Instant::now();
    let deadline = began + Duration::from_secs(o.seconds);
    let ramp = Duration::from_millis(o.send_ms);
    let tasks: Vec<_> = (0..o.sessions)
        .map(|n| {
            let (http, base, o) = (http.clone(), Arc::clone(&base), Arc::clone(&o));
            let delay = ramp.mul_f64(n as f64 / o.sessions.max(1) as f64);
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                customer(http, base, n, o, deadline).await
            })
        })
        .collect();
    let mut all = Vec::new();
    let (mut failures, mut sent) = (0, 0);
    for task in tasks {
        let tally = task.await?;
        all.extend(tally.latencies_us);
        failures += tally.failures;
        sent += tally.sent;
    }
    let elapsed = began.elapsed().as_secs_f64();
    all.sort_unstable();
    println!(
        "requests:   {} ({} failed), {} messages sent",
        all.len(),
        failures,
        sent
    );
    println!(
        "throughput: {:.0} requests/s, {:.0} messages/s",
        all.len() as f64 / elapsed,
        sent as f64 / elapsed
    );
    println!(
        "latency ms: p50 {:.2}  p99 {:.2}  max {:.2}",
        percentile(&all, 0.50),
        percentile(&all, 0.99),
        percentile(&all, 1.0)
    );
    Ok(())
}
