//! File-system calls whose errors name the path they failed on.
//!
//! The rest of the crate goes through these helpers instead of `std::fs`, so
//! an I/O failure always tells the user which file or folder was involved.

use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Position, Rule};

/// An I/O failure on a named path.
#[derive(Debug, thiserror::Error)]
#[error("{action} {}: {source}", path.display())]
pub struct FsError {
    /// What was being done ("cannot read", "cannot create folder", ...).
    pub action: &'static str,
    /// The path involved.
    pub path: PathBuf,
    /// The underlying error.
    #[source]
    pub source: io::Error,
}

impl FsError {
    fn new(action: &'static str, path: &Path, source: io::Error) -> Self {
        FsError {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    /// The failure as an `io` diagnostic at its path, saying what to do
    /// when the disk is full.
    pub fn diagnostic(&self) -> Diagnostic {
        let hint = match self.source.kind() {
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
                "; free some space on that disk, then build again"
            }
            io::ErrorKind::PermissionDenied => "; check who may write to that folder",
            _ => "",
        };
        Diagnostic::error(
            Rule::Io,
            &self.path,
            Position::START,
            format!("{}: {}{hint}", self.action, self.source),
        )
    }
}

/// Failures to write the site, as the one diagnostic a user needs: the
/// first by path. A full disk fails every write (and writing stops at the
/// first failure), so one message says it better than hundreds.
pub fn one_write_error(mut failed: Vec<Diagnostic>) -> Option<Diagnostic> {
    failed.sort_by(|a, b| a.file.cmp(&b.file));
    failed.into_iter().next()
}

/// Reads a whole file.
pub fn read(path: &Path) -> Result<Vec<u8>, FsError> {
    std::fs::read(path).map_err(|e| FsError::new("cannot read", path, e))
}

/// Creates a file to write, or empties an existing one.
pub fn create(path: &Path) -> Result<std::fs::File, FsError> {
    std::fs::File::create(path).map_err(|e| FsError::new("cannot write", path, e))
}

/// Writes a whole file, creating it or replacing its contents.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    std::fs::write(path, bytes).map_err(|e| FsError::new("cannot write", path, e))
}

/// Creates a new file with `bytes`, refusing to replace one that exists
/// (even as a dangling symbolic link).
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<(), FsError> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut file| file.write_all(bytes))
        .map_err(|e| FsError::new("cannot create", path, e))
}

/// Creates one folder, whose parent must exist.
pub fn create_dir(path: &Path) -> Result<(), FsError> {
    std::fs::create_dir(path).map_err(|e| FsError::new("cannot create folder", path, e))
}

/// Removes a file.
pub fn remove_file(path: &Path) -> Result<(), FsError> {
    std::fs::remove_file(path).map_err(|e| FsError::new("cannot remove", path, e))
}

/// Removes an empty folder.
pub fn remove_dir(path: &Path) -> Result<(), FsError> {
    std::fs::remove_dir(path).map_err(|e| FsError::new("cannot remove", path, e))
}

/// Creates a folder and its missing parents.
pub fn create_dir_all(path: &Path) -> Result<(), FsError> {
    std::fs::create_dir_all(path).map_err(|e| FsError::new("cannot create folder", path, e))
}

/// Renames a file or folder.
pub fn rename(from: &Path, to: &Path) -> Result<(), FsError> {
    std::fs::rename(from, to).map_err(|e| FsError::new("cannot move into place", to, e))
}

/// Removes a folder and everything in it.
pub fn remove_dir_all(path: &Path) -> Result<(), FsError> {
    std::fs::remove_dir_all(path).map_err(|e| FsError::new("cannot remove", path, e))
}

/// Copies a file.
pub fn copy(from: &Path, to: &Path) -> Result<(), FsError> {
    std::fs::copy(from, to)
        .map(drop)
        .map_err(|e| FsError::new("cannot copy", from, e))
}

/// The absolute, symlink-free form of a path that exists.
pub fn canonicalize(path: &Path) -> Result<PathBuf, FsError> {
    std::fs::canonicalize(path).map_err(|e| FsError::new("cannot resolve", path, e))
}
