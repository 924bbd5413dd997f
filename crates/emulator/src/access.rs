//! Who may use the emulator while it runs on a tester's machine.
//!
//! - The chat protocols are open cross-origin (customer pages live on other origins by design),
//!   but without credentials unless `--cors-credentials` says so, so no other web page can ride
//!   on cookies.
//! - The agent and fault APIs (`/emulator/api/…`) need the per-run token in the
//!   [`TOKEN_HEADER`] header. They send no CORS headers, so only pages the emulator serves itself
//!   (the agent console) can read `GET /emulator/api/token`, and only under a loopback `Host`
//!   (which defeats DNS rebinding). `/emulator/api/health` stays open: it tells nothing.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer};

use crate::state::Shared;

/// The request header that carries the per-run token of the agent and fault APIs.
pub const TOKEN_HEADER: &str = "x-emulator-token";

/// A fresh random token for one run.
pub fn new_token() -> String {
    crate::ids::hex(16)
}

/// CORS for the chat protocols: any origin, every method and header, credentials only when
/// `credentials` is set.
pub fn protocol_cors(credentials: bool) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods(AllowMethods::mirror_request())
        .allow_headers(AllowHeaders::mirror_request())
        .allow_credentials(credentials)
        .expose_headers([HeaderName::from_static("content-disposition")])
        .max_age(Duration::from_secs(600))
}

/// Whether the `Host` header names this machine's loopback (any port).
fn loopback_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Where the console reads the token.
pub const TOKEN_PATH: &str = "/emulator/api/token";

/// `GET /emulator/api/token`: the token, for same-origin requests under a loopback `Host` only.
pub async fn token(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site != "same-origin" && site != "none");
    if !(app.config.allow_remote || loopback_host(&headers)) || cross_site {
        return forbidden("the token is only given to pages this emulator serves");
    }
    axum::Json(json!({"token": app.config.api_token})).into_response()
}

/// Guards `/emulator/api/…`: the health check is open, the token endpoint checks for itself,
/// everything else needs the token.
pub async fn guard_api(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path == "/emulator/api/health" || path == TOKEN_PATH {
        return next.run(request).await;
    }
    let headers = request.headers();
    let given = headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok());
    let host_ok = app.config.allow_remote || loopback_host(headers);
    if !host_ok || given != Some(app.config.api_token.as_str()) {
        return forbidden(
            "missing or wrong x-emulator-token (GET /emulator/api/token from the console)",
        );
    }
    next.run(request).await
}

fn forbidden(why: &str) -> Response {
    (StatusCode::FORBIDDEN, axum::Json(json!({"error": why}))).into_response()
}
