//! `target/release/ismsbook serve` on a copy of a handbook, for the serve
//! benchmarks.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

#[path = "../tests/common/tree.rs"]
mod tree;

/// Copies the handbook at `source` (book.toml, content, themes) into a new
/// temporary folder named after `name`, and returns it.
pub fn copy_handbook(source: &Path, name: &str) -> PathBuf {
    let work = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    std::fs::copy(source.join("book.toml"), work.join("book.toml")).unwrap();
    for dir in ["content", "themes"] {
        if source.join(dir).is_dir() {
            tree::copy_tree(&source.join(dir), &work.join(dir));
        }
    }
    work
}

/// The file names in `dir`, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Starts the release binary serving `work` on a free port; returns it and
/// its URL (`http://127.0.0.1:PORT/`).
pub fn start(work: &Path, stderr: Stdio) -> (Child, String) {
    let exe = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/ismsbook");
    let mut child = Command::new(exe)
        .arg("serve")
        .arg(work)
        .args(["-p", "0"])
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_owned();
    (child, url)
}
