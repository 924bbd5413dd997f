//! Typed `_genesys.widgets.webchat` configuration for the three transports.
//!
//! [`WebChatConfig::parse`] never panics: a bad object yields a [`CoreError`] whose message names
//! the key at fault. The glue converts the JS object to a [`Json`] first; functions (the
//! async callbacks of Engage v3) do not survive that conversion, so the glue reports their presence
//! through `transport.async` flags it keeps itself.

use crate::error::CoreError;
use crate::json::{Json, Object, number_text};

/// Default `ajaxTimeout` in milliseconds.
pub const DEFAULT_AJAX_TIMEOUT_MS: u64 = 3000;
/// Default `pollExceptionLimit`.
pub const DEFAULT_POLL_EXCEPTION_LIMIT: u32 = 5;
/// Default `restoreTimeout` in milliseconds.
pub const DEFAULT_RESTORE_TIMEOUT_MS: u64 = 60_000;
/// Default `outbox.timeout` in milliseconds: how long a queued message may wait for the server.
pub const DEFAULT_OUTBOX_TIMEOUT_MS: u64 = 300_000;
/// Default Genesys Cloud `transport.maxMessagePageSize`.
pub const DEFAULT_MAX_MESSAGE_PAGE_SIZE: u32 = 100;

/// The `transport.type` of Engage v3.
pub const ENGAGE_V3_TYPE: &str = "pureengage-v3-rest";
/// The `transport.type` of Genesys Cloud guest chat.
pub const CLOUD_TYPE: &str = "purecloud-v2-sockets";

/// Connection options shared by every transport, plus the transport-specific part.
#[derive(Debug, Clone, PartialEq)]
pub struct WebChatConfig {
    /// Top-level `userData`, sent with every startChat (the command's userData is merged over it).
    pub user_data: Object,
    /// `ajaxTimeout`: how long the glue lets a request run before giving up.
    pub ajax_timeout_ms: u64,
    /// `pollExceptionLimit`: consecutive failed polls before `chatServerWentOffline`.
    pub poll_exception_limit: u32,
    /// `restoreTimeout`: how old a stored session may be and still be restored.
    pub restore_timeout_ms: u64,
    /// Which protocol to speak, and its options.
    pub transport: TransportConfig,
    /// `outbox`: whether messages sent while the server is unreachable are queued, and for how
    /// long.
    pub outbox: OutboxConfig,
}

/// `webchat.outbox = {enabled, timeout}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxConfig {
    /// `enabled` (default `true`): `false` rejects a send that cannot reach the server at once,
    /// as the vendor's widgets do.
    pub enabled: bool,
    /// `timeout` in ms: a queued message not delivered by then fails.
    pub timeout_ms: u64,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            timeout_ms: DEFAULT_OUTBOX_TIMEOUT_MS,
        }
    }
}

fn parse_outbox(obj: &Object) -> Result<OutboxConfig, CoreError> {
    let o = match obj.get("outbox") {
        None | Some(Json::Null) => return Ok(OutboxConfig::default()),
        Some(Json::Object(o)) => o,
        Some(_) => return Err(wrong("outbox", "an object")),
    };
    let enabled = match o.get("enabled") {
        None | Some(Json::Null) => true,
        Some(Json::Bool(b)) => *b,
        Some(_) => return Err(wrong("outbox.enabled", "a boolean")),
    };
    let timeout_ms = opt_u64(o, "timeout", "outbox.timeout")?.unwrap_or(DEFAULT_OUTBOX_TIMEOUT_MS);
    Ok(OutboxConfig {
        enabled,
        timeout_ms,
    })
}

/// The transport chosen by `transport.type`.
#[derive(Debug, Clone, PartialEq)]
pub enum TransportConfig {
    /// No `transport.type`: GMS Chat API v2 (REST, or CometD when `cometD.enabled`).
    Gms(GmsConfig),
    /// `pureengage-v3-rest`.
    EngageV3(EngageV3Config),
    /// `purecloud-v2-sockets`.
    Cloud(CloudConfig),
}

impl TransportConfig {
    /// The transport's name in messages: its `transport.type`, or GMS's flavour.
    pub fn name(&self) -> &'static str {
        match self {
            TransportConfig::Gms(g) if g.comet.is_some() => "GMS CometD",
            TransportConfig::Gms(_) => "GMS REST",
            TransportConfig::EngageV3(_) => ENGAGE_V3_TYPE,
            TransportConfig::Cloud(_) => CLOUD_TYPE,
        }
    }
}

/// GMS Chat API v2 options.
#[derive(Debug, Clone, PartialEq)]
pub struct GmsConfig {
    /// `dataURL`, without a trailing slash.
    pub data_url: String,
    /// `apikey`, sent as the `apikey` header.
    pub apikey: Option<String>,
    /// `endpoint`.
    pub endpoint: Option<String>,
    /// `enableCustomHeader`: attach `_genesys.widgets.main.header` to every request.
    pub enable_custom_header: bool,
    /// `xhrFields.withCredentials`.
    pub with_credentials: bool,
    /// `cometD`, when enabled.
    pub comet: Option<CometConfig>,
}

/// The CometD flavour of GMS v2.
#[derive(Debug, Clone, PartialEq)]
pub struct CometConfig {
    /// `cometD.cometURL`.
    pub comet_url: String,
    /// `cometD.channel`.
    pub channel: Option<String>,
    /// `cometD.websocketEnabled`.
    pub websocket_enabled: bool,
}

/// Engage v3 options.
#[derive(Debug, Clone, PartialEq)]
pub struct EngageV3Config {
    /// `transport.dataURL`.
    pub data_url: String,
    /// `transport.endpoint`.
    pub endpoint: String,
    /// `transport.headers`, including `x-api-key`.
    pub headers: Vec<(String, String)>,
    /// `transport.async.enabled` (or the documented `enable`).
    pub async_enabled: bool,
}

/// Genesys Cloud guest chat options.
#[derive(Debug, Clone, PartialEq)]
pub struct CloudConfig {
    /// `transport.dataURL`, the regional API base.
    pub data_url: String,
    /// `transport.deploymentKey`.
    pub deployment_key: String,
    /// `transport.orgGuid`.
    pub org_guid: String,
    /// `transport.pagination`.
    pub pagination: bool,
    /// `transport.maxMessagePageSize`.
    pub max_message_page_size: u32,
    /// `transport.interactionData.routing`.
    pub routing: CloudRouting,
}

/// `transport.interactionData.routing` for Genesys Cloud.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CloudRouting {
    /// `targetType`, normally "QUEUE".
    pub target_type: String,
    /// `targetAddress`, the queue name.
    pub target_address: String,
    /// `priority`.
    pub priority: Option<i64>,
    /// `skills`.
    pub skills: Vec<String>,
    /// `language`.
    pub language: Option<String>,
}

impl WebChatConfig {
    /// Parses `_genesys.widgets.webchat`.
    pub fn parse(value: &Json) -> Result<Self, CoreError> {
        let obj = value.as_object().ok_or(CoreError::ConfigNotObject)?;
        let user_data = match obj.get("userData") {
            None | Some(Json::Null) => Object::new(),
            Some(Json::Object(m)) => m.clone(),
            Some(_) => return Err(wrong("userData", "an object")),
        };
        let ajax_timeout_ms =
            opt_u64(obj, "ajaxTimeout", "ajaxTimeout")?.unwrap_or(DEFAULT_AJAX_TIMEOUT_MS);
        let poll_exception_limit = opt_u64(obj, "pollExceptionLimit", "pollExceptionLimit")?
            .map_or(DEFAULT_POLL_EXCEPTION_LIMIT, |n| {
                u32::try_from(n).unwrap_or(u32::MAX)
            });
        let restore_timeout_ms =
            opt_u64(obj, "restoreTimeout", "restoreTimeout")?.unwrap_or(DEFAULT_RESTORE_TIMEOUT_MS);
        let transport = match obj.get("transport") {
            None | Some(Json::Null) => TransportConfig::Gms(parse_gms(obj)?),
            Some(Json::Object(t)) => parse_transport(obj, t)?,
            Some(_) => return Err(wrong("transport", "an object")),
        };
        Ok(Self {
            user_data,
            ajax_timeout_ms,
            poll_exception_limit,
            restore_timeout_ms,
            transport,
            outbox: parse_outbox(obj)?,
        })
    }
}

fn parse_transport(top: &Object, t: &Object) -> Result<TransportConfig, CoreError> {
    match t.get("type") {
        None | Some(Json::Null) => Ok(TransportConfig::Gms(parse_gms(top)?)),
        Some(Json::String(s)) if s == ENGAGE_V3_TYPE => Ok(TransportConfig::EngageV3(parse_v3(t)?)),
        Some(Json::String(s)) if s == CLOUD_TYPE => Ok(TransportConfig::Cloud(parse_cloud(t)?)),
        Some(Json::String(s)) => Err(CoreError::UnknownTransport(s.clone())),
        Some(_) => Err(wrong("transport.type", "a string")),
    }
}

fn parse_gms(obj: &Object) -> Result<GmsConfig, CoreError> {
    let comet = match obj.get("cometD") {
        Some(Json::Object(c)) if opt_bool(c, "enabled", "cometD.enabled")?.unwrap_or(false) => {
            Some(CometConfig {
                comet_url: req_str(c, "cometURL", "cometD.cometURL")?,
                channel: opt_str(c, "channel", "cometD.channel")?,
                websocket_enabled: opt_bool(c, "websocketEnabled", "cometD.websocketEnabled")?
                    .unwrap_or(true),
            })
        }
        None | Some(Json::Null) | Some(Json::Object(_)) => None,
        Some(_) => return Err(wrong("cometD", "an object")),
    };
    // With CometD enabled the dataURL is ignored, so it is only required without it.
    let data_url = if comet.is_some() {
        opt_str(obj, "dataURL", "dataURL")?.unwrap_or_default()
    } else {
        req_str(obj, "dataURL", "dataURL")?
    };
    let with_credentials = match obj.get("xhrFields") {
        Some(Json::Object(x)) => {
            opt_bool(x, "withCredentials", "xhrFields.withCredentials")?.unwrap_or(false)
        }
        None | Some(Json::Null) => false,
        Some(_) => return Err(wrong("xhrFields", "an object")),
    };
    Ok(GmsConfig {
        data_url: data_url.trim_end_matches('/').to_owned(),
        apikey: opt_str(obj, "apikey", "apikey")?,
        endpoint: opt_str(obj, "endpoint", "endpoint")?,
        enable_custom_header: opt_bool(obj, "enableCustomHeader", "enableCustomHeader")?
            .unwrap_or(false),
        with_credentials,
        comet,
    })
}

fn parse_v3(t: &Object) -> Result<EngageV3Config, CoreError> {
    let headers = match t.get("headers") {
        Some(Json::Object(h)) => h
            .iter()
            .filter_map(|(k, v)| match v {
                Json::String(s) => Some((k.clone(), s.clone())),
                Json::Number(n) => Some((k.clone(), number_text(*n))),
                _ => None,
            })
            .collect::<Vec<_>>(),
        None | Some(Json::Null) => Vec::new(),
        Some(_) => return Err(wrong("transport.headers", "an object")),
    };
    if !headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("x-api-key") && !v.is_empty())
    {
        return Err(CoreError::MissingKey("transport.headers['x-api-key']"));
    }
    let async_enabled = match t.get("async") {
        Some(Json::Object(a)) => opt_bool(a, "enabled", "transport.async.enabled")?
            .or(opt_bool(a, "enable", "transport.async.enable")?)
            .unwrap_or(false),
        None | Some(Json::Null) => false,
        Some(_) => return Err(wrong("transport.async", "an object")),
    };
    Ok(EngageV3Config {
        data_url: req_str(t, "dataURL", "transport.dataURL")?
            .trim_end_matches('/')
            .to_owned(),
        endpoint: req_str(t, "endpoint", "transport.endpoint")?,
        headers,
        async_enabled,
    })
}

fn parse_cloud(t: &Object) -> Result<CloudConfig, CoreError> {
    let routing = match t.get("interactionData").and_then(|i| i.get("routing")) {
        Some(Json::Object(r)) => CloudRouting {
            target_type: opt_str(
                r,
                "targetType",
                "transport.interactionData.routing.targetType",
            )?
            .unwrap_or_else(|| "QUEUE".to_owned()),
            target_address: req_str(
                r,
                "targetAddress",
                "transport.interactionData.routing.targetAddress",
            )?,
            priority: match r.get("priority") {
                Some(n @ Json::Number(_)) => n.as_i64(),
                None | Some(Json::Null) => None,
                Some(_) => {
                    return Err(wrong(
                        "transport.interactionData.routing.priority",
                        "a number",
                    ));
                }
            },
            skills: match r.get("skills") {
                Some(Json::Array(a)) => a
                    .iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect(),
                None | Some(Json::Null) => Vec::new(),
                Some(_) => {
                    return Err(wrong(
                        "transport.interactionData.routing.skills",
                        "an array",
                    ));
                }
            },
            language: opt_str(r, "language", "transport.interactionData.routing.language")?,
        },
        _ => return Err(CoreError::MissingKey("transport.interactionData.routing")),
    };
    let max = opt_u64(t, "maxMessagePageSize", "transport.maxMessagePageSize")?
        .map_or(DEFAULT_MAX_MESSAGE_PAGE_SIZE, |n| {
            u32::try_from(n).unwrap_or(u32::MAX)
        });
    Ok(CloudConfig {
        data_url: req_str(t, "dataURL", "transport.dataURL")?
            .trim_end_matches('/')
            .to_owned(),
        deployment_key: req_str(t, "deploymentKey", "transport.deploymentKey")?,
        org_guid: req_str(t, "orgGuid", "transport.orgGuid")?,
        pagination: opt_bool(t, "pagination", "transport.pagination")?.unwrap_or(true),
        max_message_page_size: max,
        routing,
    })
}

fn wrong(key: &'static str, expected: &'static str) -> CoreError {
    CoreError::WrongType { key, expected }
}

fn req_str(obj: &Object, name: &str, key: &'static str) -> Result<String, CoreError> {
    match opt_str(obj, name, key)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(CoreError::MissingKey(key)),
    }
}

fn opt_str(obj: &Object, name: &str, key: &'static str) -> Result<Option<String>, CoreError> {
    match obj.get(name) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(wrong(key, "a string")),
    }
}

fn opt_bool(obj: &Object, name: &str, key: &'static str) -> Result<Option<bool>, CoreError> {
    match obj.get(name) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(wrong(key, "a boolean")),
    }
}

/// A non-negative number; fractional values are truncated, numeric strings accepted.
fn opt_u64(obj: &Object, name: &str, key: &'static str) -> Result<Option<u64>, CoreError> {
    let bad = || wrong(key, "a non-negative number");
    match obj.get(name) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Number(f)) if f.is_finite() && *f >= 0.0 => Ok(Some(*f as u64)),
        Some(Json::String(s)) => s.trim().parse::<u64>().map(Some).map_err(|_| bad()),
        Some(_) => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn no_transport_type_means_gms_with_documented_defaults() {
        let c = WebChatConfig::parse(&json!({"dataURL": "http://h/genesys/2/chat/cs/"})).unwrap();
        assert_eq!(c.ajax_timeout_ms, 3000);
        assert_eq!(c.poll_exception_limit, 5);
        assert_eq!(c.restore_timeout_ms, 60_000);
        let TransportConfig::Gms(g) = c.transport else {
            panic!("not gms")
        };
        assert_eq!(g.data_url, "http://h/genesys/2/chat/cs");
        assert!(!g.enable_custom_header && !g.with_credentials && g.comet.is_none());
    }

    #[test]
    fn gms_options_are_read() {
        let c = WebChatConfig::parse(&json!({
            "dataURL": "u", "apikey": "k", "endpoint": "e", "enableCustomHeader": true,
            "xhrFields": {"withCredentials": true}, "ajaxTimeout": 5000, "pollExceptionLimit": 2,
            "restoreTimeout": 1000, "userData": {"a": 1}
        }))
        .unwrap();
        assert_eq!(
            (
                c.ajax_timeout_ms,
                c.poll_exception_limit,
                c.restore_timeout_ms
            ),
            (5000, 2, 1000)
        );
        assert_eq!(c.user_data.get("a"), Some(&json!(1)));
        let TransportConfig::Gms(g) = c.transport else {
            panic!("not gms")
        };
        assert_eq!(g.apikey.as_deref(), Some("k"));
        assert_eq!(g.endpoint.as_deref(), Some("e"));
        assert!(g.enable_custom_header && g.with_credentials);
    }

    #[test]
    fn missing_data_url_names_the_key() {
        let e = WebChatConfig::parse(&json!({})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid webchat configuration: missing required `dataURL`"
        );
    }

    #[test]
    fn wrong_types_name_the_key_and_never_panic() {
        let e = WebChatConfig::parse(&json!({"dataURL": 7})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid webchat configuration: `dataURL` must be a string"
        );
        let e = WebChatConfig::parse(&json!({"dataURL": "u", "ajaxTimeout": -1})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid webchat configuration: `ajaxTimeout` must be a non-negative number"
        );
        let e = WebChatConfig::parse(&json!({"dataURL": "u", "userData": [1]})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid webchat configuration: `userData` must be an object"
        );
        assert_eq!(
            WebChatConfig::parse(&json!("x")).unwrap_err().to_string(),
            "invalid webchat configuration: expected an object"
        );
    }

    #[test]
    fn unknown_transport_type_is_named() {
        let e =
            WebChatConfig::parse(&json!({"transport": {"type": "carrier-pigeon"}})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid webchat configuration: unknown transport type 'carrier-pigeon'"
        );
    }

    #[test]
    fn engage_v3_needs_api_key_and_reads_async() {
        let c = WebChatConfig::parse(&json!({"transport": {
            "type": "pureengage-v3-rest", "dataURL": "https://n/v3/chat/sessions", "endpoint": "ep",
            "headers": {"x-api-key": "k"}, "async": {"enabled": true}
        }}))
        .unwrap();
        let TransportConfig::EngageV3(v) = c.transport else {
            panic!("not v3")
        };
        assert!(v.async_enabled);
        assert_eq!(v.endpoint, "ep");
        let e = WebChatConfig::parse(&json!({"transport": {
            "type": "pureengage-v3-rest", "dataURL": "d", "endpoint": "ep"
        }}))
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid webchat configuration: missing required `transport.headers['x-api-key']`"
        );
    }

    #[test]
    fn cloud_reads_routing_and_pagination_defaults() {
        let c = WebChatConfig::parse(&json!({"transport": {
            "type": "purecloud-v2-sockets", "dataURL": "https://api.x", "deploymentKey": "d",
            "orgGuid": "o", "interactionData": {"routing": {"targetType": "QUEUE",
            "targetAddress": "Support", "priority": 2, "skills": ["A"]}}
        }}))
        .unwrap();
        let TransportConfig::Cloud(cl) = c.transport else {
            panic!("not cloud")
        };
        assert!(cl.pagination);
        assert_eq!(cl.max_message_page_size, 100);
        assert_eq!(cl.routing.target_address, "Support");
        assert_eq!(cl.routing.priority, Some(2));
        assert_eq!(cl.routing.skills, vec!["A".to_owned()]);
    }

    #[test]
    fn comet_enabled_does_not_require_data_url() {
        let c = WebChatConfig::parse(
            &json!({"cometD": {"enabled": true, "cometURL": "http://g/genesys/cometd"}}),
        )
        .unwrap();
        let TransportConfig::Gms(g) = c.transport else {
            panic!("not gms")
        };
        assert_eq!(
            g.comet.map(|c| c.comet_url).as_deref(),
            Some("http://g/genesys/cometd")
        );
    }
}
