//! Odd file names in a real browser (headless Chromium): each page is
//! reached from the contents page and from search, from `file://` and over
//! HTTP, and a file name that reads as a scheme opens its page.
//!
//! Skipped without Chromium, except under `CI=true` (see tests/browser.rs).
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use common::chrome::{eval, open, wait_for};
use common::*;
use headless_chrome::Tab;

/// Pages with odd names, titled `Zyx <n>` (a word found only in them).
const NAMES: [&str; 10] = [
    "my notes.md",
    "100%.md",
    "what?.md",
    "a#b.md",
    "back\\slash.md",
    "\"quoted\".md",
    "it's.md",
    "über straße.md",
    "dossier été/ça.md",
    "javascript:alert(document.domain).md",
];

/// Follows the link `selector` (the `n`th match) and returns the heading of
/// the page it opens. A link that ran a script instead would open no page.
fn follow(tab: &Tab, selector: &str, n: usize) -> String {
    let selector = serde_json::to_string(selector).unwrap();
    eval(
        tab,
        &format!(
            "window.__before = location.href; document.querySelectorAll({selector})[{n}].click(); true"
        ),
    );
    wait_for(
        tab,
        "location.href !== window.__before && document.readyState === 'complete'",
    );
    eval(tab, "document.querySelector('h1').textContent")
        .as_str()
        .unwrap()
        .trim()
        .to_owned()
}

fn check_site(tab: &Tab, base: &str) {
    for (i, name) in NAMES.iter().enumerate() {
        // From the contents page, by the link's text.
        open(tab, &format!("{base}contents.html"));
        let index = eval(
            tab,
            &format!(
                "Array.from(document.querySelectorAll('main a')).findIndex(a => a.textContent.trim() === 'Zyx {i}')"
            ),
        );
        let n = index.as_i64().unwrap();
        assert!(n >= 0, "{name}: no link on the contents page");
        assert_eq!(
            follow(tab, "main a", n as usize),
            format!("Zyx {i}"),
            "{name}"
        );

        // From search results, on the page just opened.
        wait_for(tab, "!document.querySelector('[data-search]').hidden");
        eval(
            tab,
            "(() => { const i = document.getElementById('search-input'); i.value = ''; i.focus(); return true; })()",
        );
        tab.send_character(&format!("zyx {i}")).unwrap();
        wait_for(
            tab,
            &format!(
                "Array.from(document.querySelectorAll('#search-results [role=option] .sr-title')).some(t => t.textContent === 'Zyx {i}')"
            ),
        );
        let hit = eval(
            tab,
            &format!(
                "Array.from(document.querySelectorAll('#search-results [role=option]')).findIndex(li => li.querySelector('.sr-title').textContent === 'Zyx {i}')"
            ),
        );
        let hit = hit.as_i64().unwrap() as usize;
        assert_eq!(
            follow(tab, "#search-results [role=option]", hit),
            format!("Zyx {i}"),
            "{name} from search"
        );
    }
}

#[test]
fn pages_with_odd_names_open_from_contents_and_search_on_disk_and_over_http() {
    let Some(chromium) = chromium() else { return };
    let book = fixture("minimal");
    for (i, name) in NAMES.iter().enumerate() {
        write(
            book.path(),
            &format!("content/{name}"),
            &format!("---\ntitle: Zyx {i}\n---\nText.\n"),
        );
    }
    let site = book.path().join("out");
    let run = build(book.path(), &site);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let browser = common::chrome::launch(chromium);
    let tab = browser.new_tab().unwrap();
    check_site(&tab, &format!("file://{}/", site.display()));
    check_site(&tab, &serve_dir(&site));
}
