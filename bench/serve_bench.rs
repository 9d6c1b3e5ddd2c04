//! Measures save-to-paint latency of `ismsbook serve` in headless Chromium.
//!
//! `cargo run --release --example serve-bench -- HANDBOOK_DIR [EDITS] [POLICY_FILE] [--every MS]`
//!
//! Starts `target/release/ismsbook serve` on a copy of the handbook, opens a
//! policy page and waits until the first search index is in, then edits the
//! policy's body EDITS times (default 50), one save every MS milliseconds
//! (default 2000; 300 is an editor that auto-saves). Saves keep their
//! schedule: a save is not put off because the previous one is still on its
//! way to the screen, unless it has not arrived at all yet.
//!
//! Each save writes a new marker. Its latency runs from just before the
//! write to the first paint of the page showing that marker: the
//! `first-contentful-paint` of a page that reloaded itself, or the
//! `ismsbook-updated` mark the reload script sets once a page it updated
//! in place has painted; both on the same system clock
//! (`performance.timeOrigin` in the page). `SERVE_BENCH_DEBUG=1` splits each
//! into write → navigation start → first paint.
#![allow(clippy::unwrap_used)] // A benchmark fails loudly.

#[path = "../tests/common/chrome.rs"]
mod chrome;
#[path = "release_serve.rs"]
mod release_serve;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrome::{eval, wait_for};

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let every = match args.iter().position(|a| a == "--every") {
        Some(i) => {
            let ms = args.get(i + 1).and_then(|v| v.parse().ok()).unwrap();
            args.drain(i..=i + 1);
            ms
        }
        None => 2000,
    };
    let source = PathBuf::from(
        args.first()
            .expect("usage: serve-bench HANDBOOK_DIR [EDITS] [POLICY_FILE] [--every MS]"),
    );
    let edits: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(50);
    let work = release_serve::copy_handbook(&source, "ismsbook-serve-bench");
    let policy_rel = args.get(2).cloned().unwrap_or_else(|| {
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
    // The first build's search index and print.html are made after it is
    // served; measuring starts once they are in.
    wait_for(
        &tab,
        "(() => { const r = new XMLHttpRequest(); r.open('HEAD', '/print.html', false); r.send(); return r.status === 200; })()",
    );
    std::thread::sleep(Duration::from_millis(1500));

    let original = std::fs::read_to_string(&policy).unwrap();
    let mut latencies = Vec::with_capacity(edits);
    let start = Instant::now();
    for i in 0..edits {
        let due = Duration::from_millis(every * i as u64);
        if let Some(wait) = due.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
        let marker = format!("serve-bench-marker-{i}");
        let before = now_ms();
        std::fs::write(&policy, format!("{original}\n\n{marker}\n")).unwrap();
        // A reloaded page's first paint, or the mark of a page updated in
        // place once painted: whichever is later is this save's.
        let painted_js = "performance.timeOrigin + Math.max(\
             ...performance.getEntriesByName('first-contentful-paint').map(e => e.startTime),\
             ...performance.getEntriesByName('ismsbook-updated').map(e => e.startTime))";
        wait_for(
            &tab,
            &format!(
                "document.readyState === 'complete' && document.body.textContent.includes('{marker}') \
                 && {painted_js} > {before}"
            ),
        );
        let painted = eval(&tab, painted_js).as_f64().unwrap();
        latencies.push(painted - before);
        if std::env::var_os("SERVE_BENCH_DEBUG").is_some() {
            let origin = eval(&tab, "performance.timeOrigin").as_f64().unwrap();
            eprintln!(
                "write→navigation start {:.0} ms, navigation start→first paint {:.0} ms",
                origin - before,
                painted - origin
            );
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::write(&policy, original);
    let _ = std::fs::remove_dir_all(&work);

    latencies.sort_by(f64::total_cmp);
    let pick = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    println!(
        "{}: {} saves of {policy_rel}, {every} ms apart: save-to-paint p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms, min {:.0} ms, max {:.0} ms",
        source.display(),
        latencies.len(),
        pick(0.5),
        pick(0.9),
        pick(0.99),
        latencies[0],
        latencies[latencies.len() - 1]
    );
}
