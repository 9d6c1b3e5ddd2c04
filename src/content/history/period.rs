//! What changed in the content folder since a tag, branch, commit or date:
//! worked out from the one `git log` already read.
//!
//! A date takes the commits made on that day or later. A tag, branch or
//! commit takes the commits that `HEAD` reaches and it does not
//! (`git log SINCE..HEAD`): its ancestors are found by following parents
//! in the log, so merged branches count right whatever their dates.

use std::fmt;

use super::{Commit, Committed, Log, Pending, Touch};
use crate::content::meta::Date;

/// Where a period starts, as written in `[audit] since` or `--since`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// A day: the commits made on it or later.
    Date(Date),
    /// A tag, branch or commit (4 or more hex digits of its hash).
    Rev(String),
}

impl Since {
    /// Reads `2025-06-30` as a date, anything else as a tag, branch or
    /// commit. A date of the right shape that does not exist, and text
    /// that git refuses as a name, are refused.
    pub fn parse(text: &str) -> Result<Since, String> {
        let t = text.trim();
        let dated = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
        if dated && t.bytes().filter(u8::is_ascii_digit).count() == 8 {
            return Date::parse(t).map(Since::Date);
        }
        if t.is_empty() {
            return Err("write a tag (v2025.1), a commit or a date (YYYY-MM-DD)".to_owned());
        }
        let refused = t.starts_with('-')
            || t.contains("..")
            || t.chars()
                .any(|c| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c));
        if refused {
            return Err(format!(
                "`{t}` cannot name a tag, branch or commit: write a tag (v2025.1), a commit hash or a date (YYYY-MM-DD)"
            ));
        }
        Ok(Since::Rev(t.to_owned()))
    }
}

impl fmt::Display for Since {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Since::Date(d) => write!(f, "{d}"),
            Since::Rev(r) => f.write_str(r),
        }
    }
}

/// Why a period could not be worked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodError {
    /// The content folder is not in a git repository, or git is missing.
    NoGit,
    /// No tag, branch or commit of that name is in the history of `HEAD`.
    NotFound(String),
    /// Several commits start with that hash.
    Ambiguous(String),
}

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodError::NoGit => f.write_str(
                "the content folder is not in a git repository, or git is not installed",
            ),
            PeriodError::NotFound(rev) => write!(
                f,
                "no tag, branch or commit `{rev}` in the history of the checked-out commit: check its spelling with `git tag`, and fetch tags and full history if this is a shallow clone (`git fetch --tags --unshallow`)"
            ),
            PeriodError::Ambiguous(rev) => write!(
                f,
                "`{rev}` starts the hashes of several commits: write more of the hash"
            ),
        }
    }
}

/// A resolved period: which commits of the log are in it.
#[derive(Debug, Clone)]
pub struct Period {
    /// Where it starts, as asked.
    pub since: Since,
    /// The first day it covers: the date, or the date of the tag's commit.
    pub start: Date,
    /// The commit it starts after (for a tag, branch or commit).
    pub boundary: Option<Commit>,
    /// Per commit of the log, whether it is in the period.
    inside: Vec<bool>,
}

/// How a file changed over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    /// It did not exist at the start.
    Added,
    /// It existed and still does under the same name, with other content.
    Changed,
    /// It exists under another name (and may have changed too).
    Renamed,
    /// It existed at the start and no longer does.
    Removed,
}

/// One file that changed over a period.
#[derive(Debug, Clone)]
pub struct FileChange {
    /// Its content path now (for a removed file, its last one).
    pub path: String,
    /// Its path at the start of the period, when different.
    pub previous: Option<String>,
    /// How it changed.
    pub status: FileStatus,
    /// The commits of the period that touched it, newest first.
    pub commits: Vec<Commit>,
    /// What the working copy holds that is not committed, if anything.
    pub pending: Option<Pending>,
}

impl Committed {
    /// The commits since `since`; an error when it cannot be found.
    pub fn period(&self, since: &Since) -> Result<Period, PeriodError> {
        let log = &*self.log;
        if !log.repository {
            return Err(PeriodError::NoGit);
        }
        match since {
            Since::Date(start) => Ok(Period {
                since: since.clone(),
                start: *start,
                boundary: None,
                inside: log.commits.iter().map(|c| c.date >= *start).collect(),
            }),
            Since::Rev(rev) => {
                let at = log.find(rev)?;
                let mut inside = vec![true; log.commits.len()];
                let mut stack = vec![at];
                while let Some(c) = stack.pop() {
                    if std::mem::replace(&mut inside[c as usize], false) {
                        stack.extend(&log.parents[c as usize]);
                    }
                }
                let boundary = log.commits[at as usize].clone();
                Ok(Period {
                    since: since.clone(),
                    start: boundary.date,
                    boundary: Some(boundary),
                    inside,
                })
            }
        }
    }

    /// Every file added, changed, renamed or removed in `period`, by path,
    /// with the commits that did it; then the files with edits not yet
    /// committed. A file added and removed within the period is left out:
    /// it was there neither at the start nor now.
    pub fn changes(&self, period: &Period) -> Vec<FileChange> {
        let log = &*self.log;
        // Path now → (path at the start, None if added; removed since; commits).
        let mut open: Vec<Tracked> = Vec::new();
        let mut by_path: rustc_hash::FxHashMap<String, usize> = Default::default();
        let oldest_first = (0..log.commits.len()).rev().filter(|&i| period.inside[i]);
        for i in oldest_first {
            for touch in &log.touches[i] {
                let (path, tracked) = match touch {
                    Touch::Added(p) => {
                        let t = match by_path.get(p) {
                            // Removed, then added again: the same document changed.
                            Some(&t) if open[t].removed => t,
                            _ => new_tracked(&mut open, None),
                        };
                        open[t].removed = false;
                        (p, t)
                    }
                    Touch::Changed(p) => {
                        let t = match by_path.get(p) {
                            Some(&t) => t,
                            None => new_tracked(&mut open, Some(p.clone())),
                        };
                        (p, t)
                    }
                    Touch::Removed(p) => {
                        let t = match by_path.get(p) {
                            Some(&t) => t,
                            None => new_tracked(&mut open, Some(p.clone())),
                        };
                        open[t].removed = true;
                        (p, t)
                    }
                    Touch::Renamed(from, to) => {
                        let t = match by_path.remove(from) {
                            Some(t) => t,
                            None => new_tracked(&mut open, Some(from.clone())),
                        };
                        (to, t)
                    }
                };
                by_path.insert(path.clone(), tracked);
                if open[tracked].commits.last() != Some(&(i as u32)) {
                    open[tracked].commits.push(i as u32);
                }
            }
        }
        let mut changes: Vec<FileChange> = by_path
            .into_iter()
            .filter_map(|(path, t)| {
                let tracked = &open[t];
                let status = match (&tracked.origin, tracked.removed) {
                    (None, true) => return None,
                    (None, false) => FileStatus::Added,
                    (Some(_), true) => FileStatus::Removed,
                    (Some(o), false) if *o != path => FileStatus::Renamed,
                    (Some(_), false) => FileStatus::Changed,
                };
                let previous = tracked.origin.clone().filter(|o| *o != path);
                let commits = tracked
                    .commits
                    .iter()
                    .rev()
                    .map(|&c| log.commits[c as usize].clone())
                    .collect();
                let pending = self.pending(&path);
                Some(FileChange {
                    path,
                    previous,
                    status,
                    commits,
                    pending,
                })
            })
            .collect();
        for (rel, pending) in self.all_pending() {
            if changes.iter().any(|c| c.path == rel) {
                continue;
            }
            let status = match pending {
                Pending::New => FileStatus::Added,
                Pending::Edited => FileStatus::Changed,
                Pending::Deleted => FileStatus::Removed,
            };
            changes.push(FileChange {
                path: rel.to_owned(),
                previous: None,
                status,
                commits: Vec::new(),
                pending: Some(pending),
            });
        }
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        changes
    }
}

/// A file followed through a period.
struct Tracked {
    /// Its path at the start; None when it was added in the period.
    origin: Option<String>,
    /// Whether it is gone at the end.
    removed: bool,
    /// The commits that touched it, oldest first.
    commits: Vec<u32>,
}

fn new_tracked(open: &mut Vec<Tracked>, origin: Option<String>) -> usize {
    open.push(Tracked {
        origin,
        removed: false,
        commits: Vec::new(),
    });
    open.len() - 1
}

impl Log {
    /// The commit that `rev` names: a branch or tag, else the one commit
    /// whose hash starts with it.
    fn find(&self, rev: &str) -> Result<u32, PeriodError> {
        if let Some((_, at)) = self.refs.iter().find(|(name, _)| &**name == rev) {
            return Ok(*at);
        }
        let hex = rev.len() >= 4 && rev.bytes().all(|b| b.is_ascii_hexdigit());
        if !hex {
            return Err(PeriodError::NotFound(rev.to_owned()));
        }
        let lower = rev.to_ascii_lowercase();
        let mut found = self
            .full
            .iter()
            .enumerate()
            .filter(|(_, h)| h.starts_with(&lower));
        match (found.next(), found.next()) {
            (Some((i, _)), None) => Ok(i as u32),
            (Some(_), Some(_)) => Err(PeriodError::Ambiguous(rev.to_owned())),
            (None, _) => Err(PeriodError::NotFound(rev.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::parse;
    use super::*;

    /// A log of `(hash, parents, refs, date, files)`, newest first, as
    /// `git log -z --name-status` writes it.
    fn log(commits: &[(&str, &str, &str, &str, &[&str])]) -> Committed {
        let pad = |h: &str| format!("{h}{}", "0".repeat(40 - h.len()));
        let mut text = String::new();
        for (hash, parents, refs, date, files) in commits {
            let parents: Vec<String> = parents.split_whitespace().map(pad).collect();
            let header =
                [*date, hash, &pad(hash), &parents.join(" "), refs, "A", hash].join("\u{1f}");
            text.push_str(&format!("\0{header}\0"));
            if !files.is_empty() {
                text.push('\n');
                for f in *files {
                    text.push_str(f);
                    text.push('\0');
                }
            }
        }
        Committed {
            log: Arc::new(parse(&text)),
            pending: Arc::default(),
        }
    }

    fn summary(c: &Committed, since: &str) -> Vec<(String, FileStatus, Option<String>, usize)> {
        let period = c.period(&Since::parse(since).unwrap()).unwrap();
        c.changes(&period)
            .into_iter()
            .map(|f| (f.path, f.status, f.previous, f.commits.len()))
            .collect()
    }

    /// main: a — b(tag v1) — e(merge of d) ; side branch from a: c — d,
    /// with d dated before the tag.
    fn history() -> Committed {
        log(&[
            ("eeee", "bbbb dddd", "HEAD -> main", "2026-05-01", &[]),
            ("dddd", "cccc", "", "2026-01-15", &["M", "keep.md"]),
            (
                "cccc",
                "aaaa",
                "",
                "2026-01-10",
                &["R090", "old.md", "new.md", "D", "gone.md", "A", "temp.md"],
            ),
            ("bbbb", "aaaa", "tag: v1", "2026-02-01", &["A", "base.md"]),
            (
                "aaaa",
                "",
                "",
                "2026-01-01",
                &["A", "keep.md", "A", "old.md", "A", "gone.md"],
            ),
        ])
    }

    #[test]
    fn a_tag_takes_what_head_reaches_and_it_does_not_whatever_the_dates() {
        let c = history();
        assert_eq!(
            summary(&c, "v1"),
            [
                ("gone.md".into(), FileStatus::Removed, None, 1),
                ("keep.md".into(), FileStatus::Changed, None, 1),
                (
                    "new.md".into(),
                    FileStatus::Renamed,
                    Some("old.md".into()),
                    1
                ),
                ("temp.md".into(), FileStatus::Added, None, 1),
            ]
        );
        // By date, the side branch's commits are older than the tag's; the
        // tag's own day counts.
        assert_eq!(
            summary(&c, "2026-02-01"),
            [("base.md".into(), FileStatus::Added, None, 1)]
        );
        let period = c.period(&Since::parse("v1").unwrap()).unwrap();
        assert_eq!(period.start.to_string(), "2026-02-01");
        assert_eq!(period.boundary.unwrap().hash, "bbbb");
    }

    #[test]
    fn a_commit_is_found_by_the_start_of_its_hash() {
        let c = history();
        let by_hash = summary(&c, "cccc");
        assert_eq!(
            by_hash,
            [
                ("base.md".into(), FileStatus::Added, None, 1),
                ("keep.md".into(), FileStatus::Changed, None, 1),
            ]
        );
        assert_eq!(
            c.period(&Since::parse("abcd").unwrap()).unwrap_err(),
            PeriodError::NotFound("abcd".into())
        );
        assert_eq!(
            c.period(&Since::parse("v9").unwrap()).unwrap_err(),
            PeriodError::NotFound("v9".into())
        );
    }

    #[test]
    fn added_then_removed_is_left_out_and_removed_then_added_is_changed() {
        let c = log(&[
            (
                "cccc",
                "bbbb",
                "",
                "2026-03-01",
                &["A", "back.md", "D", "brief.md"],
            ),
            (
                "bbbb",
                "aaaa",
                "",
                "2026-02-01",
                &["D", "back.md", "A", "brief.md"],
            ),
            ("aaaa", "", "tag: v1", "2026-01-01", &["A", "back.md"]),
        ]);
        assert_eq!(
            summary(&c, "v1"),
            [("back.md".into(), FileStatus::Changed, None, 2)]
        );
    }

    #[test]
    fn since_reads_dates_and_names() {
        assert!(matches!(Since::parse("2025-06-30"), Ok(Since::Date(_))));
        assert!(Since::parse("2025-02-30").is_err());
        assert_eq!(Since::parse(" v2025.1 "), Ok(Since::Rev("v2025.1".into())));
        assert!(Since::parse("").is_err());
        assert!(Since::parse("--all").is_err());
        assert!(Since::parse("HEAD~3").is_err());
        assert!(Since::parse("a..b").is_err());
    }

    #[test]
    fn without_git_there_is_no_period() {
        let c = Committed::default();
        assert_eq!(
            c.period(&Since::parse("v1").unwrap()).unwrap_err(),
            PeriodError::NoGit
        );
    }
}
