//! Reading multipart uploads (GMS `file`, v3 `images`) into text fields plus one file.

use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::http::StatusCode;

use crate::form::FormFields;

/// A file part.
#[derive(Debug)]
pub struct UploadedFile {
    /// The file name the browser sent.
    pub name: String,
    /// The part's content type (`application/octet-stream` if none).
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A parsed upload.
#[derive(Debug)]
pub struct Upload {
    /// The text parts.
    pub fields: FormFields,
    /// The first part that carried a file name (or was named `file`).
    pub file: Option<UploadedFile>,
}

/// Why an upload could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// The body was larger than the server accepts.
    #[error("upload too large")]
    TooLarge,
    /// Not a multipart body, or a broken one.
    #[error("malformed multipart body")]
    Malformed,
}

/// Reads every part of a multipart body.
pub async fn read(multipart: Result<Multipart, MultipartRejection>) -> Result<Upload, UploadError> {
    let mut multipart = multipart.map_err(|_| UploadError::Malformed)?;
    let mut pairs = Vec::new();
    let mut file = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(UploadError::TooLarge);
            }
            Err(_) => return Err(UploadError::Malformed),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_owned();
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(UploadError::TooLarge);
            }
            Err(_) => return Err(UploadError::Malformed),
        };
        if file.is_none() && (file_name.is_some() || name == "file") {
            file = Some(UploadedFile {
                name: file_name.unwrap_or(name),
                content_type,
                bytes: bytes.to_vec(),
            });
        } else {
            pairs.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    Ok(Upload {
        fields: FormFields::from_pairs(pairs),
        file,
    })
}

/// The request body limit for upload routes: one file at the limit plus room for the other parts.
pub fn body_limit(limits: &crate::model::FileLimits) -> usize {
    limits.max_file_size + 64 * 1024
}
