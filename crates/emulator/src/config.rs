//! Server configuration and the command-line parser.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use crate::auto_agent::AutoAgentSettings;
use crate::error::EmulatorError;
use crate::faults::{FailKind, FaultSettings};
use crate::model::FileLimits;

/// The command-line help.
pub const USAGE: &str = "\
usage: emulator [--host 127.0.0.1] [--port 8080] [--mount PREFIX=DIR]... [--no-auto-agent]
                [--agent-delay-ms 300] [--reply-delay-ms 300] [--api-key KEY] [--service NAME]...
                [--max-message-chars 10000] [--idle-timeout-secs 1800] [--heartbeat-secs 10]
                [--comet-timeout-ms 30000]
                [--fail-next N] [--fail-kind http|status1] [--fail-status 503] [--latency-ms MS]
                [--offline-secs T] [--reject-new-chats] [--api-token TOKEN]
                [--cors-credentials] [--allow-remote]";

/// A static directory served under a URL prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// URL prefix, starting and ending with `/` (`/` serves the site root).
    pub prefix: String,
    /// Directory on disk.
    pub dir: PathBuf,
}

impl Mount {
    /// A mount, normalising the prefix to `/…/`.
    pub fn new(prefix: &str, dir: impl Into<PathBuf>) -> Self {
        let trimmed = prefix.trim_matches('/');
        let prefix = if trimmed.is_empty() {
            "/".to_owned()
        } else {
            format!("/{trimmed}/")
        };
        Mount {
            prefix,
            dir: dir.into(),
        }
    }
}

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind (default 127.0.0.1).
    pub host: IpAddr,
    /// Port to bind; 0 picks a free one (default 8080).
    pub port: u16,
    /// Static directories (default `/` → `demo-site/`, `/dist/` → `dist/`).
    pub mounts: Vec<Mount>,
    /// Auto-agent behaviour.
    pub auto_agent: AutoAgentSettings,
    /// When set, GMS requires header `apikey` and v3 header `x-api-key` to equal it.
    pub api_key: Option<String>,
    /// When non-empty, GMS service names other than these get error 306.
    pub services: Vec<String>,
    /// Longest GMS and v3 message, in characters (GMS error 204 above it).
    pub max_message_chars: usize,
    /// Upload limits for new sessions.
    pub file_limits: FileLimits,
    /// Sessions untouched for this long are forgotten.
    pub idle_timeout_ms: u64,
    /// Interval of Genesys Cloud WebSocket heartbeats.
    pub heartbeat_ms: u64,
    /// Longest hold of a CometD `/meta/connect` (the advised `timeout`).
    pub comet_timeout_ms: u64,
    /// Faults in force at start.
    pub faults: FaultSettings,
    /// The token the agent and fault APIs require (random per run unless `--api-token`).
    pub api_token: String,
    /// Chat protocols answer cross-origin requests with credentials (`--cors-credentials`).
    pub cors_credentials: bool,
    /// Listening beyond loopback is allowed (`--allow-remote`).
    pub allow_remote: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8080,
            mounts: vec![Mount::new("/", "demo-site"), Mount::new("/dist/", "dist")],
            auto_agent: AutoAgentSettings::default(),
            api_key: None,
            services: Vec::new(),
            max_message_chars: 10_000,
            file_limits: FileLimits::default(),
            idle_timeout_ms: 30 * 60 * 1000,
            heartbeat_ms: 10_000,
            comet_timeout_ms: 30_000,
            faults: FaultSettings::default(),
            api_token: crate::access::new_token(),
            cors_credentials: false,
            allow_remote: false,
        }
    }
}

/// The Genesys Cloud message body limit, in characters.
pub const CLOUD_MAX_BODY_CHARS: usize = 4000;

impl Config {
    /// Parses command-line arguments (without the program name). `--help` is reported as an error
    /// whose text is [`USAGE`].
    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> Result<Config, EmulatorError> {
        let mut config = Config::default();
        let mut mounts = Vec::new();
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let (flag, inline) = match flag.split_once('=') {
                Some((f, v)) if f.starts_with("--") && f != "--mount" => {
                    (f.to_owned(), Some(v.to_owned()))
                }
                _ => (flag, None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| EmulatorError::InvalidArgument(format!("{flag} needs a value")))
            };
            match flag.as_str() {
                "--host" => config.host = parse(&flag, &value()?)?,
                "--port" => config.port = parse(&flag, &value()?)?,
                "--mount" => {
                    let spec = value()?;
                    let (prefix, dir) = spec.split_once('=').ok_or_else(|| {
                        EmulatorError::InvalidArgument(format!(
                            "--mount expects PREFIX=DIR, got {spec}"
                        ))
                    })?;
                    mounts.push(Mount::new(prefix, dir));
                }
                "--no-auto-agent" => config.auto_agent.enabled = false,
                "--agent-delay-ms" => config.auto_agent.join_delay_ms = parse(&flag, &value()?)?,
                "--reply-delay-ms" => config.auto_agent.reply_delay_ms = parse(&flag, &value()?)?,
                "--api-key" => config.api_key = Some(value()?),
                "--service" => config.services.push(value()?),
                "--max-message-chars" => config.max_message_chars = parse(&flag, &value()?)?,
                "--idle-timeout-secs" => {
                    config.idle_timeout_ms = parse::<u64>(&flag, &value()?)?.saturating_mul(1000)
                }
                "--heartbeat-secs" => {
                    config.heartbeat_ms =
                        parse::<u64>(&flag, &value()?)?.max(1).saturating_mul(1000)
                }
                "--comet-timeout-ms" => {
                    config.comet_timeout_ms = parse::<u64>(&flag, &value()?)?.max(1)
                }
                "--fail-next" => config.faults.fail_next = Some(parse(&flag, &value()?)?),
                "--fail-kind" => {
                    config.faults.fail_kind = Some(match value()?.as_str() {
                        "http" => FailKind::Http,
                        "status1" => FailKind::Status1,
                        other => {
                            return Err(EmulatorError::InvalidArgument(format!(
                                "--fail-kind expects http or status1, got {other}"
                            )));
                        }
                    })
                }
                "--fail-status" => {
                    let status: u16 = parse(&flag, &value()?)?;
                    if !(500..=599).contains(&status) {
                        return Err(EmulatorError::InvalidArgument(format!(
                            "--fail-status must be 500-599, got {status}"
                        )));
                    }
                    config.faults.fail_status = Some(status);
                }
                "--latency-ms" => config.faults.latency_ms = Some(parse(&flag, &value()?)?),
                "--offline-secs" => config.faults.offline_seconds = Some(parse(&flag, &value()?)?),
                "--reject-new-chats" => config.faults.reject_new_chats = Some(true),
                "--api-token" => config.api_token = value()?,
                "--cors-credentials" => config.cors_credentials = true,
                "--allow-remote" => config.allow_remote = true,
                "--help" | "-h" => return Err(EmulatorError::InvalidArgument(USAGE.to_owned())),
                other => {
                    return Err(EmulatorError::InvalidArgument(format!(
                        "unknown flag {other}"
                    )));
                }
            }
        }
        if !mounts.is_empty() {
            config.mounts = mounts;
        }
        if !config.host.is_loopback() && !config.allow_remote {
            return Err(EmulatorError::InvalidArgument(format!(
                "--host {} is not loopback: anyone on the network could read every transcript; \
                 add --allow-remote if that is really meant",
                config.host
            )));
        }
        Ok(config)
    }
}

fn parse<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, EmulatorError> {
    value
        .parse()
        .map_err(|_| EmulatorError::InvalidArgument(format!("{flag}: cannot parse {value:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<Config, EmulatorError> {
        Config::from_args(s.split_whitespace().map(String::from))
    }

    #[test]
    fn defaults_serve_demo_site_and_dist_on_localhost_8080() {
        let c = args("").unwrap();
        assert_eq!(c.host.to_string(), "127.0.0.1");
        assert_eq!(c.port, 8080);
        assert_eq!(
            c.mounts,
            [Mount::new("/", "demo-site"), Mount::new("/dist/", "dist")]
        );
        assert!(c.auto_agent.enabled);
    }

    #[test]
    fn mounts_replace_the_defaults_and_prefixes_are_normalised() {
        let c = args("--mount /=site --mount pkg=out/pkg").unwrap();
        assert_eq!(
            c.mounts,
            [Mount::new("/", "site"), Mount::new("/pkg/", "out/pkg")]
        );
        assert_eq!(c.mounts[1].prefix, "/pkg/");
    }

    #[test]
    fn flags_take_separate_or_inline_values() {
        let c = args("--port 0 --host=127.0.0.1 --no-auto-agent --agent-delay-ms=5 --api-key k")
            .unwrap();
        assert_eq!(c.port, 0);
        assert!(!c.auto_agent.enabled);
        assert_eq!(c.auto_agent.join_delay_ms, 5);
        assert_eq!(c.api_key.as_deref(), Some("k"));
    }

    #[test]
    fn fault_flags_set_the_start_up_faults() {
        let c = args(
            "--fail-next 2 --fail-kind status1 --latency-ms 30 --offline-secs 4 --reject-new-chats",
        )
        .unwrap();
        assert_eq!(c.faults.fail_next, Some(2));
        assert_eq!(c.faults.fail_kind, Some(FailKind::Status1));
        assert_eq!(c.faults.latency_ms, Some(30));
        assert_eq!(c.faults.offline_seconds, Some(4));
        assert_eq!(c.faults.reject_new_chats, Some(true));
    }

    #[test]
    fn bad_arguments_are_named_in_the_error() {
        assert_eq!(
            args("--port x").unwrap_err().to_string(),
            "invalid argument: --port: cannot parse \"x\""
        );
        assert_eq!(
            args("--bogus").unwrap_err().to_string(),
            "invalid argument: unknown flag --bogus"
        );
        assert_eq!(
            args("--port").unwrap_err().to_string(),
            "invalid argument: --port needs a value"
        );
        assert!(args("--fail-status 404").is_err());
        assert!(args("--mount nodir").is_err());
    }
}
