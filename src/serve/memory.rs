//! The site held in memory while serving: written by a rebuild, then
//! published whole, so a reader never sees a half-built site.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::diagnostics::Diagnostic;
use crate::fs::FsError;
use crate::site::Output;

/// The files of one build, by site path.
pub type Files = HashMap<String, Arc<[u8]>>;

/// An [`Output`] that collects files in memory.
#[derive(Debug, Default)]
pub struct Memory {
    files: Mutex<Files>,
    /// The paths whose bytes a write changed, in the order written.
    changed: Mutex<Vec<String>>,
}

impl Memory {
    /// Starts from the files of a previous build (a partial rebuild then
    /// replaces only what it writes).
    pub fn from(files: Files) -> Memory {
        Memory {
            files: Mutex::new(files),
            changed: Mutex::default(),
        }
    }

    /// The files written.
    pub fn into_files(self) -> Files {
        self.files.into_inner().unwrap_or_else(|p| p.into_inner())
    }

    /// The files, and the paths whose bytes differ from what the memory
    /// started from.
    pub fn into_changes(self) -> (Files, Vec<String>) {
        let Memory { files, changed } = self;
        (
            files.into_inner().unwrap_or_else(|p| p.into_inner()),
            changed.into_inner().unwrap_or_else(|p| p.into_inner()),
        )
    }
}

impl Output for Memory {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), FsError> {
        let mut files = self.files.lock().unwrap_or_else(|p| p.into_inner());
        if files.get(rel).is_some_and(|old| **old == *bytes) {
            return Ok(());
        }
        files.insert(rel.to_owned(), Arc::from(bytes));
        drop(files);
        let mut changed = self.changed.lock().unwrap_or_else(|p| p.into_inner());
        changed.push(rel.to_owned());
        Ok(())
    }
}

/// What the server shows: the last good site, and the errors of the last
/// build if it failed.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    /// The last site that built.
    pub files: Arc<Files>,
    /// Problems of the last build; empty when it succeeded.
    pub errors: Arc<Vec<Diagnostic>>,
    /// Which build `files` came from.
    pub build: Build,
    /// The build from which [`Snapshot::changed`] is complete: a page of
    /// that build or a later one is current unless its path is listed.
    /// Every build that was more than body edits moves it on.
    pub since: u64,
    /// The pages that body edits changed since build [`Snapshot::since`].
    pub changed: Arc<std::collections::BTreeSet<String>>,
}

/// Names a published site, so a page can tell whether it shows the newest:
/// the server's start time and a count of the sites it published. A page
/// from a server that restarted, or from an older site, names another build.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Build {
    /// When the server started (ms since the Unix epoch).
    pub server: u64,
    /// 1 for the first site that built, 0 while none has.
    pub number: u64,
}

/// How many changed pages a snapshot lists before it gives up and has
/// every page reload.
const MAX_TRACKED: usize = 1000;

impl Snapshot {
    /// Records what the build just numbered changed: `pages`, or (None)
    /// possibly any page.
    pub fn track(&mut self, pages: Option<Vec<String>>) {
        match pages {
            Some(pages) if self.changed.len() + pages.len() <= MAX_TRACKED => {
                Arc::make_mut(&mut self.changed).extend(pages);
            }
            _ => {
                self.since = self.build.number;
                self.changed = Arc::default();
            }
        }
    }
}

impl Build {
    /// Whether a site has been built at all.
    pub fn exists(self) -> bool {
        self.number > 0
    }
}

impl std::fmt::Display for Build {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:x}-{}", self.server, self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_file_is_stored_whole_when_finished_and_not_before() {
        let memory = Memory::default();
        let mut stream = memory.stream("print.html").unwrap();
        stream.push(b"<p>one</p>").unwrap();
        stream.push(b"<p>two</p>").unwrap();
        stream.finish().unwrap();
        let mut unfinished = memory.stream("half.html").unwrap();
        unfinished.push(b"<p>half</p>").unwrap();
        drop(unfinished);
        let files = memory.into_files();
        assert_eq!(&*files["print.html"], b"<p>one</p><p>two</p>");
        assert!(!files.contains_key("half.html"));
    }

    #[test]
    fn only_writes_that_change_a_file_are_changes() {
        let mut before = Files::new();
        before.insert("a.html".to_owned(), Arc::from(&b"same"[..]));
        before.insert("b.html".to_owned(), Arc::from(&b"old"[..]));
        let memory = Memory::from(before);
        memory.write("a.html", b"same").unwrap();
        memory.write("b.html", b"new").unwrap();
        memory.write("c.html", b"added").unwrap();
        let (files, changed) = memory.into_changes();
        assert_eq!(changed, ["b.html", "c.html"]);
        assert_eq!(&*files["b.html"], b"new");
    }
}
