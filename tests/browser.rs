//! The example handbook in a real browser (headless Chromium).
//!
//! In CI (`CI=true`) Chromium must be installed (`.ci/run` installs it) and
//! these tests fail without it; on a laptop without Chromium they skip,
//! saying so on stderr.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// The Chromium binary, or None (test skipped) outside CI.
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        });
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but Chromium is not installed: browser tests cannot run"
        );
        eprintln!(
            "SKIPPED: Chromium not found; install it (apt-get install chromium) to run browser tests"
        );
    }
    found
}

fn headless(chromium: &Path, args: &[&str]) -> std::process::Output {
    let profile = tempfile::tempdir().unwrap();
    Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn pages_open_from_disk_with_their_styles_and_render_on_a_phone() {
    let Some(chromium) = chromium() else { return };
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("book");
    assert_eq!(build(&repo(), &site).code, 0);

    // The DOM after loading from file:// has the handbook's content.
    let url = format!("file://{}", site.join("controls/5.15.html").display());
    let dom = headless(&chromium, &["--dump-dom", &url]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<h1><span class=\"control-id\">5.15</span> Access control</h1>"),
        "{dom}"
    );

    // A 375 px wide screenshot of each main page is produced.
    for page in [
        "index.html",
        "policies/access-control.html",
        "controls/5.15.html",
        "soa.html",
    ] {
        let png = out.path().join(page.replace('/', "-") + ".png");
        let url = format!("file://{}", site.join(page).display());
        let run = headless(
            &chromium,
            &[
                "--window-size=375,900",
                &format!("--screenshot={}", png.display()),
                &url,
            ],
        );
        assert!(
            png.is_file(),
            "{page}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        assert!(bytes.len() > 10_000, "{page}: screenshot has content");
    }
}
