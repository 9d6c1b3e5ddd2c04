//! Measures save-to-reload latency of `ismsbook serve` in headless Chromium.
//!
//! `cargo run --release --example serve-bench -- HANDBOOK_DIR [EDITS] [POLICY_FILE]`
//!
//! Starts `target/release/ismsbook serve` on a copy of the handbook, opens a
//! policy page, then edits the policy file EDITS times (default 20). Each
//! edit writes a marker; the latency is from just before the write to the
//! end of DOMContentLoaded of the page that reloaded itself, both read from
//! the same system clock (`performance.timeOrigin` in the page).
#![allow(clippy::unwrap_used)] // A benchmark fails loudly.

#[path = "../tests/common/chrome.rs"]
mod chrome;
#[path = "release_serve.rs"]
mod release_serve;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrome::{eval, wait_for};

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let source = PathBuf::from(
        args.get(1)
            .expect("usage: serve-bench HANDBOOK_DIR [EDITS] [POLICY_FILE]"),
    );
    let edits: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(20);
    let work = release_serve::copy_handbook(&source, "ismsbook-serve-bench");
    let policy_rel = args.get(3).cloned().unwrap_or_else(|| {
        let names = release_serve::names(&work.join("content/policies"));
        format!("policies/{}", names[0])
    });
    let policy = work.join("content").join(&policy_rel);
    let page = policy_rel.trim_end_matches(".md").to_owned() + ".html";

    let (mut child, url) = release_serve::start(&work, Stdio::inherit());

    let browser = chrome::launch(PathBuf::from("/usr/bin/chromium"));
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("{url}{page}")).unwrap();
    wait_for(&tab, "document.readyState === 'complete'");
    std::thread::sleep(Duration::from_millis(500));

    let original = std::fs::read_to_string(&policy).unwrap();
    let mut latencies = Vec::with_capacity(edits);
    for i in 0..edits {
        let marker = format!("serve-bench-marker-{i}");
        let before = now_ms();
        std::fs::write(&policy, format!("{original}\n\n{marker}\n")).unwrap();
        wait_for(
            &tab,
            &format!(
                "document.readyState === 'complete' && document.body.textContent.includes('{marker}')"
            ),
        );
        let loaded = eval(
            &tab,
            "performance.timeOrigin + performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd",
        )
        .as_f64()
        .unwrap();
        latencies.push(loaded - before);
        if std::env::var_os("SERVE_BENCH_DEBUG").is_some() {
            let origin = eval(&tab, "performance.timeOrigin").as_f64().unwrap();
            eprintln!(
                "write→navigation start {:.0} ms, navigation start→DOMContentLoaded {:.0} ms",
                origin - before,
                loaded - origin
            );
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::write(&policy, original);
    let _ = std::fs::remove_dir_all(&work);

    latencies.sort_by(f64::total_cmp);
    let pick = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    println!(
        "{}: {} edits of {policy_rel}: save-to-reload p50 {:.0} ms, p90 {:.0} ms, min {:.0} ms, max {:.0} ms",
        source.display(),
        latencies.len(),
        pick(0.5),
        pick(0.9),
        latencies[0],
        latencies[latencies.len() - 1]
    );
}
