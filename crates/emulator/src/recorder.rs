//! What the chat protocols were sent: the method, path and headers of the last requests, so that
//! tests can see which headers a client put on which call (`App.updateAJAXHeader` reaching the
//! next poll). Read with `GET /emulator/api/requests` (oldest first), emptied with `DELETE`;
//! both behind the run's token like the rest of the agent API, since the headers may carry keys.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::state::Shared;

/// How many requests are kept; older ones are forgotten first.
const KEPT: usize = 1_000;

/// One request as it arrived.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
}

/// The last [`KEPT`] protocol requests.
#[derive(Debug, Default)]
pub struct RequestLog(Mutex<VecDeque<Recorded>>);

impl RequestLog {
    fn push(&self, entry: Recorded) {
        let mut log = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if log.len() >= KEPT {
            log.pop_front();
        }
        log.push_back(entry);
    }

    /// `{requests: [{method, path, headers: {name: value}}]}`, oldest first; header names are
    /// lower case (as HTTP/1.1 servers see them), a repeated header's values joined by `, `.
    fn to_json(&self) -> Value {
        let log = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let requests: Vec<Value> = log
            .iter()
            .map(|r| {
                let mut headers = Map::new();
                for (name, value) in &r.headers {
                    let joined = match headers.get(name).and_then(Value::as_str) {
                        Some(before) => format!("{before}, {value}"),
                        None => value.clone(),
                    };
                    headers.insert(name.clone(), Value::String(joined));
                }
                json!({"method": r.method, "path": r.path, "headers": headers})
            })
            .collect();
        json!({ "requests": requests })
    }

    fn clear(&self) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// Middleware on the protocol routes: records the request, then passes it on unchanged.
pub async fn record(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    app.requests.push(Recorded {
        method: request.method().as_str().to_owned(),
        path: request.uri().path().to_owned(),
        headers,
    });
    next.run(request).await
}

/// `GET` and `DELETE /emulator/api/requests` (guarded by the API token with the agent API).
pub fn routes() -> Router<Shared> {
    Router::new().route(
        "/emulator/api/requests",
        get(|State(app): State<Shared>| async move { axum::Json(app.requests.to_json()) }).delete(
            |State(app): State<Shared>| async move {
                app.requests.clear();
                axum::Json(json!({ "cleared": true }))
            },
        ),
    )
}
