//! GMS file uploads: the limits the server reports (`file/limits`) and the check made against
//! them before any byte is sent. A refusal mimics the server's own 400 answer, so customer code
//! sees the same "AJAX Response Object" either way.

use crate::command::FileInfo;
use crate::http::concat;
use crate::json;
use crate::json::Json;
use crate::texts;

/// Upload limits reported by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLimits {
    /// Files per session.
    pub max_files: u64,
    /// Bytes per file.
    pub max_file_size: u64,
    /// Bytes per session.
    pub max_total_size: u64,
    /// Files already uploaded.
    pub used_files: u64,
    /// Bytes already uploaded.
    pub used_total_size: u64,
    /// Allowed extensions, lower-case; empty means any.
    pub file_types: Vec<String>,
}

impl Default for FileLimits {
    /// The GMS server defaults: 3 files, 2 MiB per file, 5 MiB in total.
    fn default() -> Self {
        Self {
            max_files: 3,
            max_file_size: 2 * 1024 * 1024,
            max_total_size: 5 * 1024 * 1024,
            used_files: 0,
            used_total_size: 0,
            file_types: Vec::new(),
        }
    }
}

/// Reads the limits from `messages[0].userData` of a `file/limits` answer.
pub fn parse_limits(ud: &Json) -> FileLimits {
    let num = |k: &str| match ud.get(k) {
        Some(Json::Number(f)) => Some(f.max(0.0) as u64),
        Some(Json::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let d = FileLimits::default();
    FileLimits {
        max_files: num("upload-max-files").unwrap_or(d.max_files),
        max_file_size: num("upload-max-file-size").unwrap_or(d.max_file_size),
        max_total_size: num("upload-max-total-size").unwrap_or(d.max_total_size),
        used_files: num("used-upload-max-files").unwrap_or(0),
        used_total_size: num("used-upload-max-total-size").unwrap_or(0),
        file_types: ud
            .get("upload-file-types")
            .and_then(Json::as_str)
            .map(|s| {
                s.split([':', ';', ',', ' '])
                    .map(|t| t.trim().trim_start_matches('.').to_ascii_lowercase())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Checks files against the server's limits; the error mimics the server's 400 answer so customer
/// code sees the same "AJAX Response Object" either way.
pub fn check_limits(limits: &FileLimits, files: &[FileInfo]) -> Result<(), Json> {
    let error = |code: u16, message: &str| {
        let body = json!({"errors": [{"code": code, "message": message}]});
        // The texts have no characters JSON escapes, so the server's text is spelled out here.
        let code = code.to_string();
        let text = concat(&[
            r#"{"errors":[{"code":"#,
            &code,
            r#","message":""#,
            message,
            r#""}]}"#,
        ]);
        json!({"readyState": 4, "status": 400, "statusText": "error",
               "responseText": text, "responseJSON": body})
    };
    if limits.used_files.saturating_add(files.len() as u64) > limits.max_files {
        return Err(error(201, texts::TOO_MANY_FILES));
    }
    let total = files.iter().fold(0u64, |sum, f| sum.saturating_add(f.size));
    if files.iter().any(|f| f.size > limits.max_file_size)
        || limits.used_total_size.saturating_add(total) > limits.max_total_size
    {
        return Err(error(202, texts::FILE_TOO_LARGE));
    }
    if !limits.file_types.is_empty() {
        let allowed = |f: &FileInfo| {
            f.name.rsplit_once('.').is_some_and(|(_, ext)| {
                limits
                    .file_types
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(ext))
            })
        };
        if !files.iter().all(allowed) {
            return Err(error(203, texts::FILE_TYPE_NOT_ALLOWED));
        }
    }
    Ok(())
}
