//! Headless Chromium for tests and benchmarks (through `headless_chrome`).
#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;

/// Starts Chromium headless, without the sandbox (the tests run as root in
/// CI) and without its background connections (this machine has no internet).
pub fn launch(chromium: PathBuf) -> Browser {
    let args: Vec<&std::ffi::OsStr> = [
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
    ]
    .iter()
    .map(std::ffi::OsStr::new)
    .collect();
    let options = LaunchOptions::default_builder()
        .path(Some(chromium))
        .sandbox(false)
        .window_size(Some((1280, 900)))
        .args(args)
        .idle_browser_timeout(Duration::from_secs(300))
        .build()
        .unwrap();
    Browser::new(options).unwrap()
}

/// The value of a JavaScript expression in the page.
pub fn eval(tab: &Tab, js: &str) -> Value {
    tab.evaluate(js, false)
        .unwrap()
        .value
        .unwrap_or(Value::Null)
}

/// Waits (up to a minute) until `js` evaluates to true.
pub fn wait_for(tab: &Tab, js: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok(r) = tab.evaluate(js, false)
            && r.value == Some(Value::Bool(true))
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting for `{js}` on {}", tab.get_url());
}

/// Opens `url` and waits until it has loaded and its search box is shown.
pub fn open(tab: &Tab, url: &str) {
    tab.navigate_to(url).unwrap();
    let url = serde_json::to_string(url).unwrap();
    wait_for(
        tab,
        &format!(
            "location.href === {url} && document.readyState === 'complete' && !document.querySelector('[data-search]').hidden"
        ),
    );
}
