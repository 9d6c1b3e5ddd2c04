//! The commits that changed each file of the content folder, from git.
//!
//! One `git log` for the whole folder, newest commit first, read while the
//! files are loaded. Every commit is kept once (date, short hash, author,
//! subject), and each file keeps the list of commits that changed it: its
//! last change is the first of them. Pages show the last change as "last
//! changed", and a risk page shows its whole history. Nothing when the
//! folder is not in a git repository or git is not installed; pages then
//! show the `updated` date of their front matter, or none.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::meta::Date;

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

/// The git history of the content folder: per file, the commits that
/// changed it, newest first. Cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct Committed(Arc<Log>);

#[derive(Debug, Default)]
struct Log {
    /// Every commit, newest first.
    commits: Vec<Commit>,
    /// Content path (`policies/backup.md`) → indexes into `commits`, newest first.
    files: FxHashMap<String, Vec<u32>>,
}

impl Committed {
    /// The date of the last commit that changed the file at content path `rel`.
    pub fn get(&self, rel: &str) -> Option<&Date> {
        self.commits(rel).next().map(|c| &c.date)
    }

    /// The commits that changed the file at `rel`, newest first.
    pub fn commits(&self, rel: &str) -> impl Iterator<Item = &Commit> {
        self.0
            .files
            .get(rel)
            .into_iter()
            .flatten()
            .map(|&i| &self.0.commits[i as usize])
    }

    /// Whether the file at `rel` has been committed.
    pub fn contains_key(&self, rel: &str) -> bool {
        self.0.files.contains_key(rel)
    }

    /// Number of files with a history.
    pub fn len(&self) -> usize {
        self.0.files.len()
    }

    /// Whether no file has a history (not in git, or nothing committed).
    pub fn is_empty(&self) -> bool {
        self.0.files.is_empty()
    }
}

/// Separates the fields of a commit's header line.
const FIELD: char = '\u{1f}';

/// The history of every committed file under `src`: one `git log`.
pub fn last_commits(src: &Path) -> Committed {
    let output = Command::new("git")
        .arg("-C")
        .arg(src)
        .args([
            "-c",
            "core.quotepath=off",
            "log",
            "--format=%x00%cs%x1f%h%x1f%an%x1f%s",
            "--name-only",
            "--no-renames",
            "--relative",
            "--",
            ".",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match output {
        Ok(out) if out.status.success() => parse(&String::from_utf8_lossy(&out.stdout)),
        _ => Committed::default(),
    }
}

/// Reads `git log --format=%x00%cs%x1f%h%x1f%an%x1f%s --name-only` output, newest first.
fn parse(log: &str) -> Committed {
    let mut parsed = Log::default();
    for commit in log.split('\0').skip(1) {
        let mut lines = commit.lines();
        let Some(header) = lines.next() else {
            continue;
        };
        let mut fields = header.splitn(4, FIELD);
        let Some(date) = fields.next().and_then(|d| Date::parse(d.trim()).ok()) else {
            continue;
        };
        let mut field = || fields.next().unwrap_or("").trim().to_owned();
        let (hash, author, subject) = (field(), field(), field());
        let Ok(index) = u32::try_from(parsed.commits.len()) else {
            break;
        };
        let mut touched = false;
        for file in lines.map(str::trim).filter(|l| !l.is_empty()) {
            parsed.files.entry(file.to_owned()).or_default().push(index);
            touched = true;
        }
        if touched {
            parsed.commits.push(Commit {
                date,
                hash,
                author,
                subject,
            });
        }
    }
    Committed(Arc::new(parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_keeps_its_commits_newest_first() {
        let log = "\x002026-11-20\x1fa1b2c3d\x1fAoife Brennan\x1fRaise R-05 after the fraud attempt\n\npolicies/a.md\n\
                   \x00 2026-10-01\x1f0f0f0f0\x1fTomasz Wren\x1fFirst register\n\npolicies/a.md\nrisks/R-05.md\n";
        let c = parse(log);
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
    }

    #[test]
    fn a_commit_without_files_or_with_a_bad_date_is_skipped() {
        let log = "\x00not-a-date\x1fx\x1fy\x1fz\n\na.md\n\x002026-01-02\x1fh\x1fA\x1fS\n";
        let c = parse(log);
        assert!(c.is_empty());
    }

    #[test]
    fn a_folder_outside_git_has_no_dates() {
        let dir = tempfile::tempdir().unwrap();
        assert!(last_commits(dir.path()).is_empty());
    }
}
