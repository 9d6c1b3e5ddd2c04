//! Stage 4: the output folder, replaced whole or not at all.
//!
//! A build writes into a fresh staging folder beside the destination; only
//! when every page has been written is it swapped into place. A failed
//! build leaves the previous site untouched, and a reader never sees a
//! half-written one.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::fs::{self, FsError};

/// Somewhere rendered files go, addressed by `/`-separated site paths.
pub trait Output: Sync {
    /// Stores one file of the site.
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), FsError>;

    /// Starts a file that is written piece by piece (a page too large to
    /// hold whole). It is stored when [`Stream::finish`] is called; by
    /// default the pieces are gathered and given to [`Output::write`].
    fn stream<'a>(&'a self, rel: &str) -> Result<Box<dyn Stream + 'a>, FsError> {
        Ok(Box::new(Gathered {
            out: self,
            rel: rel.to_owned(),
            bytes: Vec::new(),
        }))
    }
}

/// A file of the site being written in pieces, in order.
pub trait Stream {
    /// Appends a piece.
    fn push(&mut self, bytes: &[u8]) -> Result<(), FsError>;
    /// Stores the file. A stream dropped without it leaves no complete file.
    fn finish(self: Box<Self>) -> Result<(), FsError>;
}

/// The default [`Stream`]: the pieces gathered, then written whole.
struct Gathered<'a, O: Output + ?Sized> {
    out: &'a O,
    rel: String,
    bytes: Vec<u8>,
}

impl<O: Output + ?Sized> Stream for Gathered<'_, O> {
    fn push(&mut self, bytes: &[u8]) -> Result<(), FsError> {
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<(), FsError> {
        self.out.write(&self.rel, &self.bytes)
    }
}

/// An output that keeps nothing (`ismsbook check` renders to see that it can).
#[derive(Debug, Default, Clone, Copy)]
pub struct Discard;

impl Output for Discard {
    fn write(&self, _rel: &str, _bytes: &[u8]) -> Result<(), FsError> {
        Ok(())
    }

    fn stream<'a>(&'a self, _rel: &str) -> Result<Box<dyn Stream + 'a>, FsError> {
        Ok(Box::new(Discard))
    }
}

impl Stream for Discard {
    fn push(&mut self, _bytes: &[u8]) -> Result<(), FsError> {
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<(), FsError> {
        Ok(())
    }
}

/// A site being written to disk.
#[derive(Debug)]
pub struct Site {
    destination: PathBuf,
    staging: tempfile::TempDir,
    /// The site being replaced, if there is one: a file that comes out the
    /// same is linked from it instead of written again.
    previous: Option<PathBuf>,
}

impl Site {
    /// Starts a site that will replace `destination` when committed.
    pub fn create(destination: &Path) -> Result<Site, FsError> {
        let parent = match destination.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = destination
            .file_name()
            .map_or_else(|| "book".into(), |n| n.to_string_lossy().into_owned());
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}.building-"))
            .tempdir_in(&parent)
            .map_err(|source| FsError {
                action: "cannot create a staging folder in",
                path: parent.clone(),
                source,
            })?;
        Ok(Site {
            destination: destination.to_path_buf(),
            staging,
            previous: destination.is_dir().then(|| destination.to_path_buf()),
        })
    }

    /// The staging folder (where files are being written).
    pub fn staging(&self) -> &Path {
        self.staging.path()
    }

    /// Creates the folders that the given site paths live in.
    pub fn create_folders<'a>(
        &self,
        rels: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), FsError> {
        let folders: BTreeSet<&str> = rels
            .into_iter()
            .filter_map(|r| r.rsplit_once('/').map(|(d, _)| d))
            .collect();
        for folder in folders {
            fs::create_dir_all(&self.staging.path().join(folder))?;
        }
        Ok(())
    }

    /// Copies a file from disk into the site.
    pub fn copy(&self, rel: &str, from: &Path) -> Result<(), FsError> {
        fs::copy(from, &self.staging.path().join(rel))
    }

    /// Moves the finished site into place, replacing the previous one.
    pub fn commit(self) -> Result<(), FsError> {
        let staging = self.staging.keep();
        let destination = &self.destination;
        if !destination.exists() {
            return fs::rename(&staging, destination);
        }
        let parent = staging.parent().unwrap_or(Path::new("."));
        let old = tempfile::Builder::new()
            .prefix(".book.previous-")
            .tempdir_in(parent)
            .map_err(|source| FsError {
                action: "cannot create a folder in",
                path: parent.to_path_buf(),
                source,
            })?
            .keep();
        let old_site = old.join("site");
        fs::rename(destination, &old_site)?;
        if let Err(e) = fs::rename(&staging, destination) {
            // Put the previous site back; the new one stays in its staging folder.
            let _ = std::fs::rename(&old_site, destination);
            return Err(e);
        }
        fs::remove_dir_all(&old)
    }
}

impl Output for Site {
    /// A file that is byte for byte the same as in the site it replaces is
    /// hard-linked from there: nothing is written, and it keeps its
    /// modification time, so a sync to a web server skips it. Anything that
    /// stops the link (another file system, no hard links) writes it.
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), FsError> {
        let path = self.staging.path().join(rel);
        if let Some(previous) = &self.previous {
            let old = previous.join(rel);
            if unchanged(&old, bytes) && std::fs::hard_link(&old, &path).is_ok() {
                return Ok(());
            }
        }
        fs::write(&path, bytes)
    }

    fn stream<'a>(&'a self, rel: &str) -> Result<Box<dyn Stream + 'a>, FsError> {
        let path = self.staging.path().join(rel);
        let file = fs::create(&path)?;
        Ok(Box::new(FileStream {
            out: std::io::BufWriter::with_capacity(256 * 1024, file),
            path,
        }))
    }
}

/// Whether the file at `path` holds exactly `bytes` (its size is looked at
/// first, so a changed file is rarely read).
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// A file of the staging folder written in pieces.
struct FileStream {
    out: std::io::BufWriter<std::fs::File>,
    path: PathBuf,
}

impl FileStream {
    fn failed(&self, source: std::io::Error) -> FsError {
        FsError {
            action: "cannot write",
            path: self.path.clone(),
            source,
        }
    }
}

impl Stream for FileStream {
    fn push(&mut self, bytes: &[u8]) -> Result<(), FsError> {
        self.out.write_all(bytes).map_err(|e| self.failed(e))
    }

    fn finish(mut self: Box<Self>) -> Result<(), FsError> {
        self.out.flush().map_err(|e| self.failed(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_the_previous_site_and_leaves_no_staging_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("book");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("old.html"), "old").unwrap();

        let site = Site::create(&dest).unwrap();
        site.write("new.html", b"new").unwrap();
        assert!(
            dest.join("old.html").exists(),
            "old site stays until commit"
        );
        site.commit().unwrap();

        assert!(dest.join("new.html").exists());
        assert!(!dest.join("old.html").exists());
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the site remains: {left:?}");
    }

    #[test]
    fn dropping_an_uncommitted_site_keeps_the_old_one() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("book");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("old.html"), "old").unwrap();
        {
            let site = Site::create(&dest).unwrap();
            site.write("new.html", b"new").unwrap();
        }
        assert!(dest.join("old.html").exists());
        assert!(!dest.join("new.html").exists());
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(left.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_that_comes_out_the_same_is_linked_not_written() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("book");
        let first = Site::create(&dest).unwrap();
        first.write("same.html", b"same").unwrap();
        first.write("changed.html", b"old").unwrap();
        first.commit().unwrap();
        let inode = |name: &str| std::fs::metadata(dest.join(name)).unwrap().ino();
        let (same, changed) = (inode("same.html"), inode("changed.html"));

        let second = Site::create(&dest).unwrap();
        second.write("same.html", b"same").unwrap();
        second.write("changed.html", b"new").unwrap();
        second.write("added.html", b"added").unwrap();
        second.commit().unwrap();

        assert_eq!(inode("same.html"), same, "linked from the previous site");
        assert_ne!(inode("changed.html"), changed);
        assert_eq!(std::fs::read(dest.join("changed.html")).unwrap(), b"new");
        assert_eq!(std::fs::read(dest.join("added.html")).unwrap(), b"added");
        assert_eq!(
            std::fs::metadata(dest.join("same.html")).unwrap().nlink(),
            1
        );
    }
}
