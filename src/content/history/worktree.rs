//! Files of the content folder whose working copy differs from the last
//! commit: one `git status`, run beside `git log`.
//!
//! `git log` cannot say this, and `git status` is cheap (it compares file
//! times with the index, limited to the content folder), so a second
//! process is the simplest correct way: a page edited since its last
//! commit says so instead of showing that commit's date as current.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

/// What the working copy holds that is not committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// A committed file with edits not committed yet (staged or not).
    Edited,
    /// A file never committed (untracked, or only staged).
    New,
    /// A committed file deleted from the working copy.
    Deleted,
}

/// The uncommitted files under `src`, by content path; empty when `src`
/// is not in a git repository.
pub fn read(src: &Path) -> FxHashMap<String, Pending> {
    let Some(prefix) = prefix_in_repository(src) else {
        return FxHashMap::default();
    };
    let output = super::git(src)
        .args([
            "status",
            "--porcelain=v1",
            "-z",
            "--no-renames",
            "--untracked-files=all",
            "--",
            ".",
        ])
        .output();
    match output {
        Ok(out) if out.status.success() => parse(&String::from_utf8_lossy(&out.stdout), &prefix),
        _ => FxHashMap::default(),
    }
}

/// Whether `src` is inside a git repository (a folder above it, or it,
/// holds `.git`).
pub fn in_repository(src: &Path) -> bool {
    prefix_in_repository(src).is_some()
}

/// The path of `src` in its repository (`docs/isms/`, or empty at the
/// top), with `/` separators and a trailing `/`: `git status --porcelain`
/// names files from the top of the repository whatever folder it runs in.
fn prefix_in_repository(src: &Path) -> Option<String> {
    let real = std::fs::canonicalize(src).ok()?;
    let top = real.ancestors().find(|a| a.join(".git").exists())?;
    let rel: PathBuf = real.strip_prefix(top).ok()?.to_path_buf();
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.iter().map(|p| format!("{p}/")).collect())
}

/// Reads `git status --porcelain=v1 -z` output: `XY path` entries, NUL
/// ended. Paths outside `prefix` (none, with the `.` pathspec) are skipped.
fn parse(status: &str, prefix: &str) -> FxHashMap<String, Pending> {
    status
        .split('\0')
        .filter_map(|entry| {
            let (code, path) = (entry.get(..2)?, entry.get(3..)?);
            let rel = path.strip_prefix(prefix)?;
            let pending = match code.as_bytes() {
                [b'?', b'?'] | [b'A', _] => Pending::New,
                [b'D', _] | [_, b'D'] => Pending::Deleted,
                [b'!', b'!'] => return None,
                _ => Pending::Edited,
            };
            Some((rel.to_owned(), pending))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_become_what_pages_show() {
        let out = " M content/a.md\0D  content/sub/b.md\0?? content/new one.md\0AM content/c.md\0MM content/d.md\0 M other/e.md\0";
        let p = parse(out, "content/");
        assert_eq!(p["a.md"], Pending::Edited);
        assert_eq!(p["sub/b.md"], Pending::Deleted);
        assert_eq!(p["new one.md"], Pending::New);
        assert_eq!(p["c.md"], Pending::New);
        assert_eq!(p["d.md"], Pending::Edited);
        assert_eq!(p.len(), 5);
    }
}
