//! The crate's one error type, for browser calls that can fail. None of these reach customer
//! code: the glue reports them to the console (with debug on) and carries on.

use std::fmt;

/// A browser facility the glue needs is missing or refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebError {
    /// No `window` (a worker, or a test harness without DOM).
    NoWindow,
    /// `localStorage` is disabled or full.
    NoStorage,
}

impl WebError {
    /// The message (what `Display` prints): a static text, no formatting (docs/size.md).
    pub fn text(&self) -> &'static str {
        match self {
            WebError::NoWindow => "no window object",
            WebError::NoStorage => "local storage is unavailable",
        }
    }
}

impl fmt::Display for WebError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

impl std::error::Error for WebError {}
