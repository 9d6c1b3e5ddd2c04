//! Helpers shared by the integration tests: run the real binary on real
//! handbooks in temporary folders.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (holds the example handbook).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The date every test builds against, so review badges are stable.
pub const TODAY: &str = "2026-11-24";

/// The ismsbook binary under test.
pub fn ismsbook() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ismsbook"));
    cmd.env_remove("SOURCE_DATE_EPOCH");
    cmd
}

/// Result of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// `ismsbook build DIR -d DEST --today TODAY`.
pub fn build(dir: &Path, dest: &Path) -> Run {
    build_with(dir, dest, &[])
}

/// `ismsbook build DIR -d DEST --today TODAY ARGS…`.
pub fn build_with(dir: &Path, dest: &Path, args: &[&str]) -> Run {
    ismsbook()
        .arg("build")
        .arg(dir)
        .arg("-d")
        .arg(dest)
        .args(["--today", TODAY])
        .args(args)
        .output()
        .expect("run ismsbook")
        .into()
}

/// A new handbook made by `ismsbook init`, as `p` in a temporary folder.
pub fn starter() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let run: Run = ismsbook()
        .arg("init")
        .arg(&dir)
        .args(["--today", TODAY])
        .output()
        .expect("run ismsbook")
        .into();
    assert_eq!(run.code, 0, "{}", run.stderr);
    (tmp, dir)
}

/// The example handbook built once per test binary, into a folder of
/// Cargo's target directory named after the binary: a static is never
/// dropped, so a temporary folder would be left behind by every run, and
/// the next run builds over this one instead.
pub fn example_site() -> &'static Path {
    static SITE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    SITE.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        let binary = exe.file_stem().unwrap().to_string_lossy();
        let name = binary.split('-').next().unwrap_or("tests").to_owned();
        let dest = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("example-site-{name}"));
        let run = build(&repo(), &dest);
        assert_eq!(run.code, 0, "example must build cleanly:\n{}", run.stderr);
        dest
    })
}

/// A temporary copy of a fixture handbook under `tests/fixtures/`.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/fixtures").join(name), tmp.path());
    tmp
}

/// Writes `text` to `rel` under `root`, creating its folders.
pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Rewrites the file at `rel` under `root` with `f`.
pub fn edit(root: &Path, rel: &str, f: impl FnOnce(String) -> String) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, f(text)).unwrap();
}

/// `ismsbook check .` run inside `dir`, human format.
pub fn check_in(dir: &Path) -> Run {
    ismsbook()
        .current_dir(dir)
        .args(["check", ".", "--today", TODAY])
        .output()
        .expect("run ismsbook")
        .into()
}

/// Reads a file of a built site.
pub fn read(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// All `.html` files under `dir`, as paths relative to it.
pub fn html_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "html") {
                let rel = path.strip_prefix(root).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The values of every `name="..."` attribute in `html`.
pub fn attribute_values<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            let start = i + needle.len();
            html[start..].find('"').map(|end| &html[start..start + end])
        })
        .collect()
}

/// Unescapes the few entities that appear in attribute values.
pub fn unescape(value: &str) -> String {
    value
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// The Chromium binary, or None (the caller skips) outside CI. Under
/// `CI=true` a missing Chromium fails the test.
pub fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| on_path(name));
    required(
        found,
        "Chromium is not installed: browser tests cannot run",
        "install it (apt-get install chromium) to run browser tests",
    )
}

/// `name` as found on `PATH`.
pub fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// What a test needs, or None (the caller returns) when it is missing
/// outside CI, after saying so on stderr. Under `CI=true` a missing tool
/// fails the test: CI installs everything (`.ci/run`).
pub fn required<T>(found: Option<T>, missing: &str, install: &str) -> Option<T> {
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {missing}; {install}"
        );
        eprintln!("SKIPPED: {missing}; {install}");
    }
    found
}

pub mod chrome;
pub mod http;
pub mod tree;
#[allow(unused_imports)] // Not every test file copies trees.
pub use tree::copy_tree;
pub mod server;
#[allow(unused_imports)] // Not every test file serves over HTTP.
pub use http::serve_dir;
