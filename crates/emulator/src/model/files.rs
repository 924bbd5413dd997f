//! Files attached to a conversation, and the limits that apply to uploads.

use std::sync::Arc;

use super::PartyId;

/// Upload limits, as GMS `file/limits` reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLimits {
    /// Most files a session may hold.
    pub max_files: usize,
    /// Largest single file, in bytes.
    pub max_file_size: usize,
    /// Largest total of all files, in bytes.
    pub max_total_size: usize,
    /// Allowed extensions, lower case, without the dot.
    pub file_types: Vec<String>,
    /// Whether an agent must be connected before uploading.
    pub need_agent: bool,
    /// How often one file may be downloaded.
    pub download_attempts: u32,
}

impl Default for FileLimits {
    fn default() -> Self {
        FileLimits {
            max_files: 3,
            max_file_size: 2 * 1024 * 1024,
            max_total_size: 5 * 1024 * 1024,
            file_types: ["jpg", "jpeg", "png", "gif", "pdf", "txt", "doc", "docx"]
                .into_iter()
                .map(String::from)
                .collect(),
            need_agent: false,
            download_attempts: 10,
        }
    }
}

impl FileLimits {
    /// The GMS `upload-file-types` value: extensions joined by `;`.
    pub fn file_types_joined(&self) -> String {
        self.file_types.join(";")
    }
}

/// Why an upload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// The session already holds the most files allowed.
    #[error("too many files: at most {max} per session")]
    TooManyFiles {
        /// The limit.
        max: usize,
    },
    /// The file alone is larger than allowed.
    #[error("file too large: {size} bytes, at most {max}")]
    FileTooLarge {
        /// Size of the refused file.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// All files together would be larger than allowed.
    #[error("total size exceeded: at most {max} bytes per session")]
    TotalSizeExceeded {
        /// The limit.
        max: usize,
    },
    /// The extension is not in the allowed list.
    #[error("file type not allowed: {name}")]
    TypeNotAllowed {
        /// Name of the refused file.
        name: String,
    },
    /// An agent must be connected first.
    #[error("no agent connected to receive the file")]
    NeedAgent,
    /// No such file in this session.
    #[error("unknown file: {0}")]
    UnknownFile(String),
}

/// One stored file.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// Id, unique within the session.
    pub id: String,
    /// Original file name.
    pub name: String,
    /// MIME type given at upload.
    pub content_type: String,
    /// The bytes (shared, so downloads do not copy under the lock).
    pub bytes: Arc<[u8]>,
    /// Who uploaded it.
    pub uploaded_by: PartyId,
    /// Whether it was deleted.
    pub deleted: bool,
    /// How often it was downloaded.
    pub downloads: u32,
}

/// The files of one conversation.
#[derive(Debug, Clone, Default)]
pub struct FileStore {
    /// The limits in force.
    pub limits: FileLimits,
    files: Vec<StoredFile>,
    next_id: u64,
}

impl FileStore {
    /// An empty store with these limits.
    pub fn new(limits: FileLimits) -> Self {
        FileStore {
            limits,
            files: Vec::new(),
            next_id: 1,
        }
    }

    /// Files not deleted.
    pub fn live(&self) -> impl Iterator<Item = &StoredFile> {
        self.files.iter().filter(|f| !f.deleted)
    }

    /// Number of files not deleted.
    pub fn used_files(&self) -> usize {
        self.live().count()
    }

    /// Total bytes of files not deleted.
    pub fn used_total_size(&self) -> usize {
        self.live().map(|f| f.bytes.len()).sum()
    }

    /// Checks an upload against the limits without storing it.
    pub fn check(&self, name: &str, size: usize, agent_connected: bool) -> Result<(), FileError> {
        let limits = &self.limits;
        if limits.need_agent && !agent_connected {
            return Err(FileError::NeedAgent);
        }
        let extension = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase());
        let allowed = extension.is_some_and(|ext| limits.file_types.contains(&ext));
        if !allowed {
            return Err(FileError::TypeNotAllowed {
                name: name.to_owned(),
            });
        }
        if self.used_files() >= limits.max_files {
            return Err(FileError::TooManyFiles {
                max: limits.max_files,
            });
        }
        if size > limits.max_file_size {
            return Err(FileError::FileTooLarge {
                size,
                max: limits.max_file_size,
            });
        }
        if self.used_total_size() + size > limits.max_total_size {
            return Err(FileError::TotalSizeExceeded {
                max: limits.max_total_size,
            });
        }
        Ok(())
    }

    /// Stores a file that passed [`FileStore::check`]; returns its id.
    pub(crate) fn insert(
        &mut self,
        name: &str,
        content_type: &str,
        bytes: Arc<[u8]>,
        by: PartyId,
    ) -> String {
        let id = self.next_id.to_string();
        self.next_id += 1;
        self.files.push(StoredFile {
            id: id.clone(),
            name: name.to_owned(),
            content_type: content_type.to_owned(),
            bytes,
            uploaded_by: by,
            deleted: false,
            downloads: 0,
        });
        id
    }

    /// A live file by id.
    pub fn get(&self, id: &str) -> Option<&StoredFile> {
        self.live().find(|f| f.id == id)
    }

    /// Counts a download and returns the file.
    pub(crate) fn download(&mut self, id: &str) -> Result<StoredFile, FileError> {
        let file = self
            .files
            .iter_mut()
            .find(|f| f.id == id && !f.deleted)
            .ok_or_else(|| FileError::UnknownFile(id.to_owned()))?;
        file.downloads += 1;
        Ok(file.clone())
    }

    /// Marks a file deleted; returns its name.
    pub(crate) fn delete(&mut self, id: &str) -> Result<String, FileError> {
        let file = self
            .files
            .iter_mut()
            .find(|f| f.id == id && !f.deleted)
            .ok_or_else(|| FileError::UnknownFile(id.to_owned()))?;
        file.deleted = true;
        Ok(file.name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> FileStore {
        FileStore::new(FileLimits::default())
    }

    #[test]
    fn a_small_allowed_file_passes() {
        assert_eq!(store().check("photo.PNG", 10, false), Ok(()));
    }

    #[test]
    fn an_unlisted_extension_is_refused() {
        assert_eq!(
            store().check("run.exe", 10, false),
            Err(FileError::TypeNotAllowed {
                name: "run.exe".into()
            })
        );
        assert!(matches!(
            store().check("noextension", 1, false),
            Err(FileError::TypeNotAllowed { .. })
        ));
    }

    #[test]
    fn a_file_over_the_single_limit_is_refused() {
        let max = FileLimits::default().max_file_size;
        assert_eq!(
            store().check("a.txt", max + 1, false),
            Err(FileError::FileTooLarge { size: max + 1, max })
        );
    }

    #[test]
    fn the_fourth_file_is_refused_and_deleting_frees_a_slot() {
        let mut s = store();
        for n in 0..3 {
            s.check("a.txt", 1, false).unwrap();
            s.insert(&format!("{n}.txt"), "text/plain", Arc::from(&b"x"[..]), 1);
        }
        assert_eq!(
            s.check("a.txt", 1, false),
            Err(FileError::TooManyFiles { max: 3 })
        );
        s.delete("1").unwrap();
        assert_eq!(s.check("a.txt", 1, false), Ok(()));
    }

    #[test]
    fn the_total_size_limit_counts_live_files() {
        let mut s = store();
        let two_mib = 2 * 1024 * 1024;
        s.insert("a.txt", "text/plain", Arc::from(vec![0u8; two_mib]), 1);
        s.insert("b.txt", "text/plain", Arc::from(vec![0u8; two_mib]), 1);
        assert_eq!(
            s.check("c.txt", two_mib, false),
            Err(FileError::TotalSizeExceeded {
                max: 5 * 1024 * 1024
            })
        );
    }

    #[test]
    fn need_agent_refuses_uploads_before_an_agent_joins() {
        let mut s = store();
        s.limits.need_agent = true;
        assert_eq!(s.check("a.txt", 1, false), Err(FileError::NeedAgent));
        assert_eq!(s.check("a.txt", 1, true), Ok(()));
    }
}
