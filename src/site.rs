//! Stage 4: the output folder, replaced whole or not at all.
//!
//! A build writes into a fresh staging folder beside the destination; only
//! when every page has been written is it swapped into place, on Linux in
//! one atomic exchange. A failed build leaves the previous site untouched,
//! and a reader never sees a half-written one, or none at all.
//!
//! Only a destination that is absent, empty or an earlier build is replaced
//! ([`inspect`]); the folders a killed build leaves beside it are removed
//! by the next one.

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

/// What is at an output folder's place, as far as replacing it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Nothing: the site is created there.
    Nothing,
    /// An empty folder, or a site that an earlier build wrote: replaced.
    Site,
    /// A file, not a folder: never replaced.
    File,
    /// A folder with something ismsbook does not write (the first such
    /// path found), or a symbolic link: replaced only when forced.
    Other(PathBuf),
}

/// What is at `destination`.
///
/// An earlier build is recognised by what every build writes, whatever
/// the theme and the content: `index.html`, `soa.csv` (which starts with
/// its header), `controls/5.1.html` and the `static/` folder. And by what
/// no build writes: a name starting with `.` (`.git`, `.nojekyll`; hidden
/// files of the content and the theme are never published) or a symbolic
/// link, anywhere in it.
pub fn inspect(destination: &Path) -> Found {
    let Ok(meta) = std::fs::symlink_metadata(destination) else {
        return Found::Nothing;
    };
    if meta.file_type().is_symlink() {
        return Found::Other(destination.to_path_buf());
    }
    if !meta.is_dir() {
        return Found::File;
    }
    let mut top: Vec<PathBuf> = std::fs::read_dir(destination)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    if top.is_empty() {
        return Found::Site;
    }
    let file = |rel: &str| destination.join(rel).is_file();
    let soa = std::fs::read(destination.join(crate::handbook::urls::SOA_CSV)).is_ok_and(|b| {
        let text = b.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&b);
        text.starts_with(b"Control,Title,")
    });
    let built = file("index.html")
        && file("controls/5.1.html")
        && soa
        && destination.join("static").is_dir();
    if !built {
        // Name what is there, a hidden entry (`.git`) first.
        top.sort_by_key(|p| (!hidden(p), p.clone()));
        return Found::Other(top.swap_remove(0));
    }
    let foreign = walkdir::WalkDir::new(destination)
        .min_depth(1)
        .into_iter()
        .find_map(|e| match e {
            Ok(e) if hidden(e.path()) || e.path_is_symlink() => Some(e.into_path()),
            Ok(_) => None,
            Err(e) => Some(e.path().unwrap_or(destination).to_path_buf()),
        });
    match foreign {
        Some(path) => Found::Other(path),
        None => Found::Site,
    }
}

/// Whether a file's name starts with `.`.
fn hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// A site being written to disk.
#[derive(Debug)]
pub struct Site {
    destination: PathBuf,
    staging: tempfile::TempDir,
    /// Held while the site is built, so that another build does not take
    /// the staging folder for a killed build's leftover.
    _lock: Option<std::fs::File>,
    /// The site being replaced, if there is one: a file that comes out the
    /// same is linked from it instead of written again.
    previous: Option<PathBuf>,
}

/// The marks of the folders a build makes beside its destination.
const BUILDING: &str = "building-";
const PREVIOUS: &str = "previous-";

impl Site {
    /// Starts a site that will replace `destination` when committed, after
    /// removing what killed builds left beside it.
    pub fn create(destination: &Path) -> Result<Site, FsError> {
        let parent = match destination.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = destination
            .file_name()
            .map_or_else(|| "book".into(), |n| n.to_string_lossy().into_owned());
        remove_leftovers(&parent, &name);
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}.{BUILDING}"))
            .tempdir_in(&parent)
            .map_err(|source| FsError {
                action: "cannot create a staging folder in",
                path: parent.clone(),
                source,
            })?;
        Ok(Site {
            destination: destination.to_path_buf(),
            _lock: lock(staging.path()),
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

    /// Moves the finished site into place, replacing the previous one: on
    /// Linux both are exchanged in one step, elsewhere (or where the file
    /// system cannot) the previous site is moved aside first. Either way
    /// the previous site is then removed.
    pub fn commit(self) -> Result<(), FsError> {
        let staging = self.staging.keep();
        let destination = &self.destination;
        if std::fs::symlink_metadata(destination).is_err() {
            return fs::rename(&staging, destination);
        }
        if exchange(&staging, destination)? {
            // The staging folder now holds the previous site.
            let _ = std::fs::remove_dir_all(&staging);
            return Ok(());
        }
        let parent = staging.parent().unwrap_or(Path::new("."));
        let name = destination
            .file_name()
            .map_or_else(|| "book".into(), |n| n.to_string_lossy().into_owned());
        let old = tempfile::Builder::new()
            .prefix(&format!(".{name}.{PREVIOUS}"))
            .tempdir_in(parent)
            .map_err(|source| FsError {
                action: "cannot create a folder in",
                path: parent.to_path_buf(),
                source,
            })?
            .keep();
        let _old_lock = lock(&old);
        let old_site = old.join("site");
        fs::rename(destination, &old_site)?;
        if let Err(e) = fs::rename(&staging, destination) {
            // Put the previous site back; the new one stays in its staging folder.
            let _ = std::fs::rename(&old_site, destination);
            return Err(e);
        }
        // What cannot be removed now, the next build removes.
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    }
}

/// Exchanges two folders in one step (`renameat2` with `RENAME_EXCHANGE`);
/// false where that is not supported, so the caller renames twice.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<bool, FsError> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS | rustix::io::Errno::OPNOTSUPP) => {
            Ok(false)
        }
        Err(e) => Err(FsError {
            action: "cannot move into place",
            path: b.to_path_buf(),
            source: e.into(),
        }),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> Result<bool, FsError> {
    Ok(false)
}

/// An exclusive lock on a folder, held while the returned file is open;
/// None where locks are not supported.
#[cfg(unix)]
fn lock(dir: &Path) -> Option<std::fs::File> {
    let file = std::fs::File::open(dir).ok()?;
    rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive).ok()?;
    Some(file)
}

#[cfg(not(unix))]
fn lock(_dir: &Path) -> Option<std::fs::File> {
    None
}

/// Removes the staging and previous-site folders that killed builds of
/// `name` left in `parent`: only folders named as a build names them
/// (`.NAME.building-XXXXXX`, `.NAME.previous-XXXXXX`), that hold nothing a
/// build would not write, and that no running build holds.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name
            .strip_prefix('.')
            .and_then(|f| f.strip_prefix(name))
            .and_then(|f| f.strip_prefix('.'))
        else {
            continue;
        };
        let mark = [BUILDING, PREVIOUS]
            .into_iter()
            .find(|m| rest.strip_prefix(m).is_some_and(is_random_suffix));
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if mark.is_none() || !is_dir {
            continue;
        }
        // A previous-site folder holds the site as `site`.
        let site = match mark == Some(PREVIOUS) {
            true => path.join("site"),
            false => path.clone(),
        };
        let only_site = mark != Some(PREVIOUS)
            || std::fs::read_dir(&path).is_ok_and(|d| d.flatten().all(|e| e.file_name() == "site"));
        let looks_built = !site.exists() || leftover_staging(&site);
        #[cfg(unix)]
        let free = lock(&path).is_some();
        #[cfg(not(unix))]
        let free = true;
        if only_site && looks_built && free {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Six letters and digits, as the staging folders' names end.
fn is_random_suffix(s: &str) -> bool {
    s.len() == 6 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether a folder is what a build stopped half-way leaves: folders and
/// files as a build writes them (no hidden name, no symbolic link), if any.
fn leftover_staging(dir: &Path) -> bool {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .all(|e| {
            e.is_ok_and(|e| {
                !e.path_is_symlink() && !e.file_name().to_string_lossy().starts_with('.')
            })
        })
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
        fs::write(&path, bytes).map_err(|e| self.named(rel, e))
    }

    fn stream<'a>(&'a self, rel: &str) -> Result<Box<dyn Stream + 'a>, FsError> {
        let path = self.staging.path().join(rel);
        let file = fs::create(&path).map_err(|e| self.named(rel, e))?;
        Ok(Box::new(FileStream {
            out: std::io::BufWriter::with_capacity(256 * 1024, file),
            path: self.destination.join(rel),
        }))
    }
}

impl Site {
    /// A failure on the staging copy of `rel`, named as the user knows the
    /// file: in the destination (the staging folder is beside it, on the
    /// same disk, and is gone once the build stops).
    fn named(&self, rel: &str, e: FsError) -> FsError {
        FsError {
            path: self.destination.join(rel),
            ..e
        }
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

    #[test]
    fn a_running_builds_staging_folder_is_not_taken_for_a_leftover() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("book");
        let first = Site::create(&dest).unwrap();
        first.write("a.html", b"a").unwrap();
        let second = Site::create(&dest).unwrap();
        assert!(first.staging().join("a.html").exists(), "still there");
        drop(second);
        first.commit().unwrap();
        assert!(dest.join("a.html").exists());
    }

    #[test]
    fn inspect_tells_a_site_from_other_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("book");
        assert_eq!(inspect(&dest), Found::Nothing);
        std::fs::create_dir(&dest).unwrap();
        assert_eq!(inspect(&dest), Found::Site, "empty");
        std::fs::write(dest.join("index.html"), "x").unwrap();
        assert_eq!(inspect(&dest), Found::Other(dest.join("index.html")));
        std::fs::create_dir_all(dest.join("controls")).unwrap();
        std::fs::create_dir_all(dest.join("static")).unwrap();
        std::fs::write(dest.join("controls/5.1.html"), "x").unwrap();
        std::fs::write(dest.join("soa.csv"), "\u{feff}Control,Title,Theme\r\n").unwrap();
        assert_eq!(inspect(&dest), Found::Site);
        std::fs::write(dest.join("static/.htaccess"), "x").unwrap();
        assert_eq!(inspect(&dest), Found::Other(dest.join("static/.htaccess")));
        let file = tmp.path().join("notes.txt");
        std::fs::write(&file, "x").unwrap();
        assert_eq!(inspect(&file), Found::File);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn commit_exchanges_the_sites_in_one_step() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("x"), "a").unwrap();
        std::fs::write(b.join("x"), "b").unwrap();
        assert!(exchange(&a, &b).unwrap(), "tmpfs and ext4 support it");
        assert_eq!(std::fs::read(a.join("x")).unwrap(), b"b");
        assert_eq!(std::fs::read(b.join("x")).unwrap(), b"a");
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
