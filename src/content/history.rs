//! When each file of the content folder was last committed, from git.
//!
//! One `git log` for the whole folder, newest commit first: the first
//! commit that names a file is its last change. Nothing when the folder is
//! not in a git repository or git is not installed; pages then show the
//! `updated` date of their front matter, or none.

use std::path::Path;
use std::process::{Command, Stdio};

use rustc_hash::FxHashMap;

use super::meta::Date;

/// Content path (`policies/backup.md`) → date of the last commit that changed it.
pub type Committed = FxHashMap<String, Date>;

/// The last commit date of every committed file under `src`.
pub fn last_commits(src: &Path) -> Committed {
    let output = Command::new("git")
        .arg("-C")
        .arg(src)
        .args([
            "-c",
            "core.quotepath=off",
            "log",
            "--format=%x00%cs",
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

/// Reads `git log --format=%x00%cs --name-only` output, newest first.
fn parse(log: &str) -> Committed {
    let mut committed = Committed::default();
    for commit in log.split('\0').skip(1) {
        let mut lines = commit.lines();
        let Some(date) = lines.next().and_then(|d| Date::parse(d.trim()).ok()) else {
            continue;
        };
        for file in lines.map(str::trim).filter(|l| !l.is_empty()) {
            committed.entry(file.to_owned()).or_insert(date);
        }
    }
    committed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_naming_a_file_wins() {
        let log = "\x002026-11-20\n\npolicies/a.md\n\x00 2026-10-01\n\npolicies/a.md\nroles/b.md\n";
        let c = parse(log);
        assert_eq!(c["policies/a.md"].to_string(), "2026-11-20");
        assert_eq!(c["roles/b.md"].to_string(), "2026-10-01");
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn a_folder_outside_git_has_no_dates() {
        let dir = tempfile::tempdir().unwrap();
        assert!(last_commits(dir.path()).is_empty());
    }
}
