//! Measures search in headless Chromium on a built handbook.
//!
//! `cargo run --release --example search-bench -- SITE_DIR [http|file]`
//!
//! For each query, on a freshly loaded page with the browser cache off:
//! the time from the input event to the first results on screen (measured
//! in the page with `performance.now()`), and the bytes of search code and
//! index the page had loaded by then (the scripts in the page when the
//! results appeared, sized from the files on disk; Resource Timing has no
//! entries for `file://`). Then the same query again on a warm page.
#![allow(clippy::unwrap_used)] // A benchmark fails loudly.

#[path = "../tests/common/chrome.rs"]
mod chrome;
#[path = "../tests/common/http.rs"]
mod http;

use std::path::{Path, PathBuf};

use chrome::{eval, wait_for};
use headless_chrome::Tab;

const QUERIES: &[&str] = &[
    "password",
    "5.15",
    "A.9.2.3",
    "crypt",
    "backup restore",
    "supplier risk",
    "encryption policy",
    "procedure",
];

/// (ms to first results, bytes loaded by then, number of results)
fn measure(tab: &Tab, site: &Path, query: &str) -> (f64, u64, u64) {
    eval(
        tab,
        "(() => { const i = document.getElementById('search-input'); i.value = ''; i.focus(); return true; })()",
    );
    tab.send_character(query).unwrap();
    let q = serde_json::to_string(query).unwrap();
    wait_for(
        tab,
        &format!("document.getElementById('search-results').getAttribute('data-query') === {q}"),
    );
    let ms: f64 = eval(
        tab,
        "Number(document.getElementById('search-results').getAttribute('data-ms'))",
    )
    .as_f64()
    .unwrap();
    let names = eval(
        tab,
        "JSON.stringify(Array.from(document.scripts).slice(0, Number(document.getElementById('search-results').getAttribute('data-scripts'))).map(s => s.src).filter(s => s))",
    );
    let names: Vec<String> = serde_json::from_str(names.as_str().unwrap()).unwrap();
    if std::env::var_os("SEARCH_BENCH_DEBUG").is_some() {
        eprintln!("{names:?}");
    }
    let bytes = names
        .iter()
        .filter(|n| n.contains("/search/") || n.ends_with("search.js") || n.contains("search.js?"))
        .filter_map(|n| {
            let path = n
                .split("://")
                .nth(1)?
                .split_once('/')?
                .1
                .split('?')
                .next()?;
            let file = if n.starts_with("file://") {
                PathBuf::from(format!("/{path}"))
            } else {
                site.join(path)
            };
            std::fs::metadata(file).ok().map(|m| m.len())
        })
        .sum();
    let count = eval(
        tab,
        "document.querySelectorAll('#search-results [role=option]').length",
    )
    .as_u64()
    .unwrap();
    (ms, bytes, count)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let site = PathBuf::from(
        args.get(1)
            .expect("usage: search-bench SITE_DIR [http|file]"),
    );
    let mode = args.get(2).map_or("http", String::as_str);
    let base = match mode {
        "file" => format!(
            "file://{}/",
            std::fs::canonicalize(&site).unwrap().display()
        ),
        _ => http::serve_dir(&site),
    };
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .expect("Chromium is needed: apt-get install chromium");
    let browser = chrome::launch(chromium);
    let tab = browser.new_tab().unwrap();
    tab.call_method(headless_chrome::protocol::cdp::Network::Enable {
        max_total_buffer_size: None,
        max_resource_buffer_size: None,
        max_post_data_size: None,
        report_direct_socket_traffic: None,
        enable_durable_messages: None,
    })
    .unwrap();
    tab.call_method(headless_chrome::protocol::cdp::Network::SetCacheDisabled {
        cache_disabled: true,
    })
    .unwrap();

    println!(
        "| query | cold: ms to first results | cold: kB loaded before them | warm: ms | results |"
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    let (mut cold_ms, mut warm_ms, mut kb) = (Vec::new(), Vec::new(), Vec::new());
    for query in QUERIES {
        tab.navigate_to(&format!("{base}index.html")).unwrap();
        wait_for(
            &tab,
            "document.readyState === 'complete' && !!document.querySelector('[data-search]') && !document.querySelector('[data-search]').hidden",
        );
        let (cold, bytes, count) = measure(&tab, &site, query);
        let (warm, _, _) = measure(&tab, &site, query);
        println!(
            "| `{query}` | {cold:.0} | {:.0} | {warm:.0} | {count} |",
            bytes as f64 / 1024.0
        );
        cold_ms.push(cold);
        warm_ms.push(warm);
        kb.push(bytes as f64 / 1024.0);
    }
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "\n{mode}: cold median {:.0} ms, max {:.0} ms; warm median {:.0} ms; loaded before first results: median {:.0} kB, max {:.0} kB",
        median(&cold_ms),
        max(&cold_ms),
        median(&warm_ms),
        median(&kb),
        max(&kb)
    );
}
