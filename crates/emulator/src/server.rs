//! Starting the server: the router (protocols with CORS, the token-guarded agent API, static
//! mounts; see `access`), fault injection and the idle-expiry sweeper.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower_http::services::ServeDir;

use crate::clock::now_ms;
use crate::config::Config;
use crate::error::EmulatorError;
use crate::faults::Verdict;
use crate::state::{AppState, Shared};
use crate::{access, agent_api, cloud, cometd, gms, recorder, v3};

/// The emulator server.
#[derive(Debug)]
pub struct Server;

/// A started server. Dropping it (or calling [`RunningServer::shutdown`]) stops it.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    api_token: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
    sweeper: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Binds, starts serving in the background and returns at once. Must run inside a tokio runtime.
    pub async fn start(config: Config) -> Result<RunningServer, EmulatorError> {
        let requested = SocketAddr::new(config.host, config.port);
        let listener =
            TcpListener::bind(requested)
                .await
                .map_err(|source| EmulatorError::Bind {
                    addr: requested,
                    source,
                })?;
        let addr = listener.local_addr()?;
        let api_token = config.api_token.clone();
        let app: Shared = Arc::new(AppState::new(config));
        let router = router(&app);
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                eprintln!("emulator: server error: {e}");
            }
        });
        let sweeper = tokio::spawn(sweep_idle_sessions(Arc::clone(&app)));
        Ok(RunningServer {
            addr,
            api_token,
            shutdown: Some(shutdown),
            task: Some(task),
            sweeper,
        })
    }
}

impl RunningServer {
    /// The bound address (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The token the agent and fault APIs require in the `x-emulator-token` header.
    pub fn api_token(&self) -> &str {
        &self.api_token
    }

    /// `http://HOST:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and stops the server task. Connections already open (such as
    /// Cloud WebSockets) end when their clients close them or the runtime shuts down.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
        self.sweeper.abort();
    }
}

fn router(app: &Shared) -> Router {
    let protocols = Router::new()
        .merge(gms::routes(&app.config))
        .merge(cloud::routes())
        .merge(cometd::routes())
        .merge(v3::routes(&app.config))
        .layer(middleware::from_fn_with_state(
            Arc::clone(app),
            inject_faults,
        ))
        .layer(middleware::from_fn_with_state(
            Arc::clone(app),
            recorder::record,
        ))
        .layer(access::protocol_cors(app.config.cors_credentials));
    let agent = agent_api::routes()
        .merge(cometd::fault_routes())
        .merge(recorder::routes())
        .route(access::TOKEN_PATH, axum::routing::get(access::token))
        .layer(middleware::from_fn_with_state(
            Arc::clone(app),
            access::guard_api,
        ));
    let mut router = Router::new().merge(protocols).merge(agent);
    for mount in &app.config.mounts {
        let files = ServeDir::new(&mount.dir);
        router = if mount.prefix == "/" {
            router.fallback_service(files)
        } else {
            router.nest_service(mount.prefix.trim_end_matches('/'), files)
        };
    }
    router.with_state(Arc::clone(app))
}

/// Applies the fault state to a protocol request: latency first, then failure or pass.
async fn inject_faults(State(app): State<Shared>, request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let (latency_ms, verdict) = app.with_faults(|f| f.judge(now_ms()));
    if latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(latency_ms)).await;
    }
    let path = request.uri().path().to_owned();
    let failure = match verdict {
        Verdict::Pass if app.with_faults(|f| f.drops_send_replies()) => {
            return drop_send_reply(&app, request, next).await;
        }
        Verdict::Pass => return next.run(request).await,
        Verdict::FailHttp(status) => {
            Some(StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE))
        }
        Verdict::FailStatus1 if path.starts_with("/genesys/") => None,
        Verdict::FailStatus1 | Verdict::Offline => Some(StatusCode::SERVICE_UNAVAILABLE),
    };
    if path.starts_with(cometd::PATH) {
        cometd::injected_failure(failure.unwrap_or(StatusCode::SERVICE_UNAVAILABLE))
    } else if path.starts_with("/genesys/") {
        gms::injected_failure(failure)
    } else if path.starts_with("/nexus/") {
        v3::injected_failure(failure.unwrap_or(StatusCode::SERVICE_UNAVAILABLE))
    } else if path.starts_with("/api/") {
        cloud::injected_failure(failure.unwrap_or(StatusCode::SERVICE_UNAVAILABLE))
    } else {
        failure
            .unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
            .into_response()
    }
}

/// The `dropSendReplies` fault: a customer message is stored as usual, but instead of its answer
/// the client gets a connection cut after the status line (a `fetch` sees a network error).
async fn drop_send_reply(app: &Shared, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let send = parts.method == Method::POST && is_customer_send(parts.uri.path(), &bytes);
    let poll = is_poll(&parts.method, parts.uri.path());
    let request = Request::from_parts(parts, axum::body::Body::from(bytes));
    if poll && app.with_faults(|f| f.reverses_polls()) {
        return reverse_poll(app, next.run(request).await).await;
    }
    if !send || !app.with_faults(|f| f.take_send_reply_drop()) {
        return next.run(request).await;
    }
    let stored = next.run(request).await;
    drop(stored);
    // The status line and a first piece go out, then the connection breaks: a browser does not
    // silently retry a request that got an answer started (it does when nothing came back).
    let piece = futures::stream::once(async { Ok(axum::body::Bytes::from_static(b"{\"status")) });
    let cut = futures::stream::once(async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::other("reply dropped"))
    });
    let mut response = Response::new(axum::body::Body::from_stream(futures::StreamExt::chain(
        piece, cut,
    )));
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}

/// A poll: GMS `…/refresh`, Engage v3 `GET …/messages`.
fn is_poll(method: &Method, path: &str) -> bool {
    (path.starts_with("/genesys/") && path.ends_with("/refresh"))
        || (*method == Method::GET && path.starts_with("/nexus/") && path.ends_with("/messages"))
}

/// The `reversePolls` fault: a poll answer with two or more messages comes back with them in
/// reverse order (GMS `messages`, Engage v3 `data.messages`); one with fewer is left alone and
/// does not count.
async fn reverse_poll(app: &Shared, response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 << 20).await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let mut value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(_) => return Response::from_parts(parts, axum::body::Body::from(bytes)),
    };
    let list = if value.get("data").is_some() {
        value.pointer_mut("/data/messages")
    } else {
        value.get_mut("messages")
    };
    let Some(serde_json::Value::Array(messages)) = list else {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    };
    if messages.len() < 2 {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    }
    messages.reverse();
    app.with_faults(|f| f.take_reverse_poll());
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(value.to_string()))
}

/// A customer chat message: GMS `…/send`, a CometD long-polling batch publishing `sendMessage`
/// (over a WebSocket, `cometd::transport` cuts the socket instead), a Cloud member message, an
/// Engage v3 `Text` message.
fn is_customer_send(path: &str, body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    (path.starts_with(cometd::PATH) && cometd::publishes_send(&text))
        || (path.starts_with("/genesys/") && path.ends_with("/send"))
        || (path.starts_with("/api/") && path.ends_with("/messages"))
        || (path.starts_with("/nexus/")
            && path.ends_with("/messages")
            && (text.contains("data%5Btype%5D=Text") || text.contains("data[type]=Text")))
}

async fn sweep_idle_sessions(app: Shared) {
    let idle_ms = app.config.idle_timeout_ms;
    let every = Duration::from_millis((idle_ms / 4).clamp(100, 30_000));
    loop {
        tokio::time::sleep(every).await;
        app.store.expire_idle(now_ms(), idle_ms);
    }
}
