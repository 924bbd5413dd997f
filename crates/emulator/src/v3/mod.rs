//! Engage v3 (stub).
use crate::state::Shared;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
/// Routes.
pub fn routes(_c: &crate::Config) -> Router<Shared> {
    Router::new()
}
/// Injected failure.
pub fn injected_failure(status: StatusCode) -> Response {
    status.into_response()
}
