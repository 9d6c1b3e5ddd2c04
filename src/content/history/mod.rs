//! The git history of the content folder, and what is not committed yet.
//!
//! One `git log` of everything reachable from `HEAD`, read while the files
//! are loaded, lists each commit once (dates, hashes, parents, the refs
//! that point at it, author, subject) with the content files it added,
//! changed, renamed or removed (`--name-status -M --relative`). From it:
//!
//! - per file, the commits that changed it, newest first, following it
//!   through renames: the first is shown as "last changed", and a risk
//!   page lists them all;
//! - what changed in a period ([`period`]): since a tag, branch, commit
//!   or date, worked out from the same log (the parents give the commits
//!   that a tag's commit does not reach), so no second `git log` is run.
//!
//! Beside it, at the same time, one `git status` of the content folder
//! ([`worktree`]) finds the files with edits not yet committed, so a page
//! does not show an old commit date as if it were current. Both are
//! read-only, local and never ask for a password. Nothing when the folder
//! is not in a git repository or git is not installed: pages then show the
//! `updated` date of their front matter, or none.

pub mod period;
mod worktree;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::meta::Date;
pub use period::{FileChange, FileStatus, Period, PeriodError, Since};
pub use worktree::Pending;

/// One commit that changed some content files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commit {
    /// Commit date.
    pub date: Date,
    /// Abbreviated hash.
    pub hash: String,
    /// Author name.
    pub author: String,
    /// First line of the message.
    pub subject: String,
}

/// How one commit touched one file (`--name-status`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Touch {
    /// Added (`A`).
    Added(String),
    /// Changed (`M`, or `T`: its type changed).
    Changed(String),
    /// Removed (`D`).
    Removed(String),
    /// Renamed, perhaps changed too (`R`): from, to.
    Renamed(String, String),
}

/// The git history of the content folder: per file, the commits that
/// changed it, newest first, and the files with edits not yet committed.
/// Cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct Committed {
    log: Arc<Log>,
    pending: Arc<FxHashMap<String, Pending>>,
}

/// Every commit reachable from `HEAD`, children before parents (as
/// `git log` lists them).
#[derive(Debug, Default)]
struct Log {
    /// Whether the folder is in a git repository that git could read.
    repository: bool,
    /// Every commit, newest first.
    commits: Vec<Commit>,
    /// Full hash of each commit.
    full: Vec<Box<str>>,
    /// Parents of each commit (indexes into `commits`).
    parents: Vec<Vec<u32>>,
    /// Branches and tags, with the commit each points at.
    refs: Vec<(Box<str>, u32)>,
    /// The content files each commit touched.
    touches: Vec<Vec<Touch>>,
    /// Content path (`policies/backup.md`) → indexes into `commits`,
    /// newest first, across renames.
    files: FxHashMap<String, Vec<u32>>,
}

impl Committed {
    /// The date of the last commit that changed the file at content path `rel`.
    pub fn get(&self, rel: &str) -> Option<&Date> {
        self.commits(rel).next().map(|c| &c.date)
    }

    /// The commits that changed the file at `rel`, newest first (under its
    /// earlier names too).
    pub fn commits(&self, rel: &str) -> impl Iterator<Item = &Commit> {
        self.log
            .files
            .get(rel)
            .into_iter()
            .flatten()
            .map(|&i| &self.log.commits[i as usize])
    }

    /// Whether the file at `rel` has been committed.
    pub fn contains_key(&self, rel: &str) -> bool {
        self.log.files.contains_key(rel)
    }

    /// Number of files with a history.
    pub fn len(&self) -> usize {
        self.log.files.len()
    }

    /// Whether no file has a history (not in git, or nothing committed).
    pub fn is_empty(&self) -> bool {
        self.log.files.is_empty()
    }

    /// The checked-out commit (`HEAD`), if any.
    pub fn head(&self) -> Option<&Commit> {
        self.log.commits.first()
    }

    /// Whether the content folder is in a git repository that could be read.
    pub fn is_repository(&self) -> bool {
        self.log.repository
    }

    /// What the working copy holds for `rel` that is not committed, if anything.
    pub fn pending(&self, rel: &str) -> Option<Pending> {
        self.pending.get(rel).copied()
    }

    /// Every file with uncommitted edits, by path.
    pub fn all_pending(&self) -> impl Iterator<Item = (&str, Pending)> {
        self.pending.iter().map(|(rel, &p)| (rel.as_str(), p))
    }

    /// Records that `rel` was edited after git was read (by `serve`): it
    /// now differs from what was committed, or is new. Returns whether that
    /// changed what is known of it.
    pub fn mark_edited(&mut self, rel: &str) -> bool {
        if !self.log.repository {
            return false;
        }
        let before = self.pending(rel);
        let state = match (self.contains_key(rel), before) {
            (_, Some(Pending::New)) | (false, _) => Pending::New,
            (true, _) => Pending::Edited,
        };
        if before == Some(state) {
            return false;
        }
        Arc::make_mut(&mut self.pending).insert(rel.to_owned(), state);
        true
    }

    /// Records that `rel` was deleted after git was read (by `serve`).
    pub fn mark_deleted(&mut self, rel: &str) {
        if !self.log.repository {
            return;
        }
        let pending = Arc::make_mut(&mut self.pending);
        match self.log.files.contains_key(rel) {
            true => pending.insert(rel.to_owned(), Pending::Deleted),
            false => pending.remove(rel),
        };
    }
}

/// Separates the fields of a commit's header.
const FIELD: char = '\u{1f}';

/// The history of every committed file under `src`: one `git log`, with
/// one `git status` beside it.
pub fn last_commits(src: &Path) -> Committed {
    let (log, pending) = rayon::join(|| read_log(src), || worktree::read(src));
    let repository = log.repository;
    Committed {
        log: Arc::new(log),
        pending: Arc::new(if repository {
            pending
        } else {
            Default::default()
        }),
    }
}

/// A git command run in `src`: read-only, never prompting, without the
/// user's pager or colours.
fn git(src: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(src)
        .args(["-c", "core.quotepath=off", "-c", "color.ui=false"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn read_log(src: &Path) -> Log {
    let output = git(src)
        .args([
            "log",
            "HEAD",
            "--format=%x00%cs%x1f%h%x1f%H%x1f%P%x1f%D%x1f%an%x1f%s",
            "--name-status",
            "-M",
            "--relative",
            "-z",
        ])
        .output();
    match output {
        Ok(out) if out.status.success() => parse(&String::from_utf8_lossy(&out.stdout)),
        // A repository without a commit yet: `HEAD` does not resolve.
        Ok(_) if worktree::in_repository(src) => Log {
            repository: true,
            ..Log::default()
        },
        _ => Log::default(),
    }
}

/// Reads the `git log` output of [`read_log`]. With `-z`, every field is
/// followed by a NUL: a commit is `NUL header NUL`, then `status NUL path
/// NUL` (two paths for a rename) per file, then an empty field before the
/// next commit's header.
fn parse(log: &str) -> Log {
    let mut parsed = Log {
        repository: true,
        ..Log::default()
    };
    let mut hashes: FxHashMap<&str, u32> = FxHashMap::default();
    let mut parent_hashes: Vec<Vec<&str>> = Vec::new();
    let mut fields = log.split('\0').peekable();
    while let Some(field) = fields.next() {
        if !field.contains(FIELD) {
            continue; // the empty field before a header
        }
        let mut header = field.trim_start_matches('\n').splitn(7, FIELD);
        let mut next = || header.next().unwrap_or("").trim();
        let (date, hash, full, parents, refs, author, subject) =
            (next(), next(), next(), next(), next(), next(), next());
        let Ok(date) = Date::parse(date) else {
            continue;
        };
        let Ok(index) = u32::try_from(parsed.commits.len()) else {
            break;
        };
        let mut touches = Vec::new();
        while let Some(status) = fields.next_if(|f| !f.is_empty() && !f.contains(FIELD)) {
            let mut path = || fields.next().unwrap_or("").to_owned();
            let touch = match status.trim_start_matches('\n').as_bytes().first() {
                Some(b'A') => Touch::Added(path()),
                Some(b'M' | b'T') => Touch::Changed(path()),
                Some(b'D') => Touch::Removed(path()),
                Some(b'R') => {
                    let from = path();
                    Touch::Renamed(from, path())
                }
                Some(b'C') => {
                    let _from = path();
                    Touch::Added(path())
                }
                _ => {
                    path();
                    continue;
                }
            };
            touches.push(touch);
        }
        hashes.insert(full, index);
        parent_hashes.push(parents.split_whitespace().collect());
        parsed.full.push(full.into());
        parsed
            .refs
            .extend(ref_names(refs).map(|name| (name.into(), index)));
        parsed.touches.push(touches);
        parsed.commits.push(Commit {
            date,
            hash: hash.to_owned(),
            author: author.to_owned(),
            subject: subject.to_owned(),
        });
    }
    parsed.parents = parent_hashes
        .iter()
        .map(|ps| ps.iter().filter_map(|p| hashes.get(p).copied()).collect())
        .collect();
    parsed.files = per_file(&parsed.touches);
    parsed
}

/// The names in `%D`: `HEAD -> main, tag: v2025.1, origin/main`.
fn ref_names(decorations: &str) -> impl Iterator<Item = &str> {
    decorations
        .split(", ")
        .map(|d| {
            let d = d.trim();
            let d = d.strip_prefix("HEAD -> ").unwrap_or(d);
            d.strip_prefix("tag: ").unwrap_or(d)
        })
        .filter(|d| !d.is_empty() && *d != "HEAD")
}

/// Per file as it is named now, the commits that touched it, newest first.
/// Commits come newest first, so a rename is met before the commits under
/// the old name: from then on they count for the new one. A file's history
/// starts where it was added: an older file of the same name was another.
fn per_file(touches: &[Vec<Touch>]) -> FxHashMap<String, Vec<u32>> {
    let mut files: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    // Path in older commits → the file it is now; None: an unrelated older file.
    let mut now: FxHashMap<String, Option<String>> = FxHashMap::default();
    for (index, touched) in touches.iter().enumerate() {
        let index = index as u32;
        for touch in touched {
            let path = match touch {
                Touch::Added(p) | Touch::Changed(p) | Touch::Removed(p) => p,
                Touch::Renamed(_, to) => to,
            };
            let current = match now.get(path) {
                Some(None) => continue,
                Some(Some(current)) => current.clone(),
                None => path.clone(),
            };
            let list = files.entry(current.clone()).or_default();
            if list.last() != Some(&index) {
                list.push(index);
            }
            match touch {
                Touch::Added(p) => {
                    now.insert(p.clone(), None);
                }
                Touch::Renamed(from, to) => {
                    now.insert(to.clone(), None);
                    now.insert(from.clone(), Some(current));
                }
                Touch::Changed(_) | Touch::Removed(_) => {}
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A commit as `git log -z` writes it, with its touched files.
    fn commit(header: &str, files: &[&str]) -> String {
        let mut out = format!("\0{header}\0");
        if !files.is_empty() {
            out.push('\n');
            for f in files {
                out.push_str(f);
                out.push('\0');
            }
        }
        out
    }

    fn header(
        date: &str,
        hash: &str,
        parents: &str,
        refs: &str,
        author: &str,
        subject: &str,
    ) -> String {
        let full = format!("{hash}{}", "0".repeat(40 - hash.len()));
        let parents: Vec<String> = parents
            .split_whitespace()
            .map(|p| format!("{p}{}", "0".repeat(40 - p.len())))
            .collect();
        [date, hash, &full, &parents.join(" "), refs, author, subject].join("\u{1f}")
    }

    #[test]
    fn each_file_keeps_its_commits_newest_first() {
        let log = commit(
            &header(
                "2026-11-20",
                "a1b2c3d",
                "0f0f0f0",
                "HEAD -> main",
                "Aoife Brennan",
                "Raise R-05 after the fraud attempt",
            ),
            &["M", "policies/a.md"],
        ) + &commit(
            &header(
                "2026-10-01",
                "0f0f0f0",
                "",
                "tag: v1",
                "Tomasz Wren",
                "First register",
            ),
            &["A", "policies/a.md", "A", "risks/R-05.md"],
        );
        let c = Committed {
            log: Arc::new(parse(&log)),
            pending: Arc::default(),
        };
        assert_eq!(c.get("policies/a.md").unwrap().to_string(), "2026-11-20");
        assert_eq!(c.get("risks/R-05.md").unwrap().to_string(), "2026-10-01");
        assert_eq!(c.len(), 2);
        let a: Vec<&str> = c
            .commits("policies/a.md")
            .map(|c| c.subject.as_str())
            .collect();
        assert_eq!(a, ["Raise R-05 after the fraud attempt", "First register"]);
        let first = c.commits("risks/R-05.md").next().unwrap();
        assert_eq!(
            (first.hash.as_str(), first.author.as_str()),
            ("0f0f0f0", "Tomasz Wren")
        );
        assert_eq!(c.commits("missing.md").count(), 0);
        assert_eq!(c.log.parents, [vec![1], vec![]]);
        let refs: Vec<(&str, u32)> = c.log.refs.iter().map(|(n, i)| (&**n, *i)).collect();
        assert_eq!(refs, [("main", 0), ("v1", 1)]);
    }

    #[test]
    fn a_renamed_file_keeps_its_history_and_a_new_file_of_an_old_name_starts_afresh() {
        let log = commit(
            &header("2026-03-01", "ccc", "bbb", "", "A", "New b"),
            &["A", "b.md"],
        ) + &commit(
            &header("2026-02-01", "bbb", "aaa", "", "A", "Rename"),
            &["R095", "b.md", "c.md"],
        ) + &commit(
            &header("2026-01-01", "aaa", "", "", "A", "Start"),
            &["A", "b.md"],
        );
        let files = parse(&log).files;
        assert_eq!(files["c.md"], [1, 2]);
        assert_eq!(files["b.md"], [0]);
    }

    #[test]
    fn a_commit_without_files_is_kept_for_its_parents_and_a_bad_date_is_skipped() {
        let log = commit(&header("not-a-date", "x", "", "", "y", "z"), &["A", "a.md"])
            + &commit(&header("2026-01-02", "h", "", "", "A", "S"), &[]);
        let parsed = parse(&log);
        assert!(parsed.files.is_empty());
        assert_eq!(parsed.commits.len(), 1);
    }

    #[test]
    fn a_folder_outside_git_has_no_dates() {
        let dir = tempfile::tempdir().unwrap();
        let c = last_commits(dir.path());
        assert!(c.is_empty());
        assert!(!c.is_repository());
    }
}
