//! The crate's one error type, for browser calls that can fail. None of these reach customer
//! code: the glue reports them to the console (with debug on) and carries on.

use thiserror::Error;

/// A browser facility the glue needs is missing or refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WebError {
    /// No `window` (a worker, or a test harness without DOM).
    #[error("no window object")]
    NoWindow,
    /// `localStorage` is disabled or full.
    #[error("local storage is unavailable")]
    NoStorage,
}
