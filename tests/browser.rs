//! The example handbook in a real browser (headless Chromium): pages, and
//! search as a reader uses it, from `file://` and over HTTP.
//!
//! In CI (`CI=true`) Chromium must be installed (`.ci/run` installs it) and
//! these tests fail without it; on a laptop without Chromium they skip,
//! saying so on stderr.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::{Path, PathBuf};

use common::chrome::{eval, open, wait_for};
use common::*;
use headless_chrome::{Browser, Tab};
use serde_json::Value;

fn site() -> &'static Path {
    example_site()
}

fn browser(chromium: PathBuf) -> Browser {
    common::chrome::launch(chromium)
}

#[derive(Debug)]
struct Hit {
    kind: String,
    title: String,
    href: String,
    snippet: String,
}

/// Types `query` into the search box and returns the results shown for it.
fn search(tab: &Tab, query: &str) -> Vec<Hit> {
    search_as(tab, query, false)
}

/// Types `query` key by key (as a person does), then returns the results.
fn search_typed(tab: &Tab, query: &str) -> Vec<Hit> {
    search_as(tab, query, true)
}

fn search_as(tab: &Tab, query: &str, key_by_key: bool) -> Vec<Hit> {
    eval(
        tab,
        "(() => { const i = document.getElementById('search-input'); i.value = ''; i.focus(); return true; })()",
    );
    if key_by_key {
        tab.type_str(query).unwrap();
    } else {
        tab.send_character(query).unwrap();
    }
    let wanted = serde_json::to_string(query).unwrap();
    wait_for(
        tab,
        &format!(
            "document.getElementById('search-results').getAttribute('data-query') === {wanted}"
        ),
    );
    // Snippets arrive after the titles; wait for them.
    wait_for(
        tab,
        "Array.from(document.querySelectorAll('#search-results [role=option]')).every(li => li.hasAttribute('data-snippet'))",
    );
    let json = eval(
        tab,
        "JSON.stringify(Array.from(document.querySelectorAll('#search-results [role=option]')).map(li => ({kind: li.querySelector('.sr-kind').textContent, title: li.querySelector('.sr-title').textContent, href: li.getAttribute('href'), snippet: li.querySelector('.sr-snippet').innerHTML})))",
    );
    let list: Vec<Value> = serde_json::from_str(json.as_str().unwrap()).unwrap();
    list.into_iter()
        .map(|v| Hit {
            kind: v["kind"].as_str().unwrap().to_owned(),
            title: v["title"].as_str().unwrap().to_owned(),
            href: v["href"].as_str().unwrap().to_owned(),
            snippet: v["snippet"].as_str().unwrap().to_owned(),
        })
        .collect()
}

/// Chooses `value` in the search filter `name` (kind, theme, status, owner).
fn set_filter(tab: &Tab, name: &str, value: &str) {
    eval(
        tab,
        &format!(
            "(() => {{ const s = document.querySelector('select[data-filter={name}]'); s.value = '{value}'; s.dispatchEvent(new Event('change')); return true; }})()"
        ),
    );
}

/// The searches every reader relies on, against one page of the site.
fn check_searches(tab: &Tab) {
    // Control ids in every spelling: the control first, then its guidance.
    let hits = search(tab, "5.15");
    assert!(hits[0].href.ends_with("controls/5.15.html"), "{hits:?}");
    assert_eq!(hits[0].kind, "Annex A control");
    assert_eq!(hits[0].title, "5.15 Access control");
    assert!(hits[1].href.ends_with("guidance/5.15.html"), "{hits:?}");
    let hits = search(tab, "A.5.15");
    assert!(hits[0].href.ends_with("controls/5.15.html"), "{hits:?}");

    // A 2013 id leads to its 2022 successor.
    let hits = search(tab, "A.9.2.3");
    assert!(hits[0].href.ends_with("controls/8.2.html"), "{hits:?}");

    // Prefixes match as you type; the match is highlighted in the snippet.
    let hits = search_typed(tab, "passw");
    assert!(!hits.is_empty());
    assert!(hits.iter().take(3).any(|h| h.kind == "Policy"), "{hits:?}");
    assert!(
        hits.iter()
            .any(|h| h.snippet.to_lowercase().contains("<mark>passw")),
        "{hits:?}"
    );

    // Role assignees, accent-insensitive.
    let hits = search(tab, "ines carvalho");
    assert_eq!(hits[0].kind, "Role", "{hits:?}");
    assert!(hits[0].href.ends_with("roles/dpo.html"), "{hits:?}");

    // Title hits rank above body hits.
    let hits = search(tab, "backup");
    assert!(hits[0].href.ends_with("policies/backup.html"), "{hits:?}");

    // Risks, by id and by what is at risk.
    let hits = search(tab, "R-05");
    assert!(hits[0].href.ends_with("risks/R-05.html"), "{hits:?}");
    assert_eq!(hits[0].kind, "Risk");
    let hits = search(tab, "passkeys");
    assert!(
        hits.iter()
            .take(3)
            .any(|h| h.href.ends_with("risks/R-07.html")),
        "{hits:?}"
    );

    // English stemming: a plural finds the singular.
    let hits = search(tab, "encrypting ");
    assert!(
        hits.iter()
            .any(|h| h.snippet.to_lowercase().contains("<mark>encrypt")),
        "{hits:?}"
    );
}

#[test]
fn search_works_from_disk_and_over_http() {
    let Some(chromium) = chromium() else { return };
    let browser = browser(chromium);
    let tab = browser.new_tab().unwrap();

    open(
        &tab,
        &format!("file://{}", site().join("policies/backup.html").display()),
    );
    check_searches(&tab);

    let base = serve_dir(site());
    open(&tab, &format!("{base}controls/5.1.html"));
    check_searches(&tab);
}

#[test]
fn search_filters_keyboard_and_following_a_result() {
    let Some(chromium) = chromium() else { return };
    let browser = browser(chromium);
    let tab = browser.new_tab().unwrap();
    open(
        &tab,
        &format!("file://{}", site().join("index.html").display()),
    );

    // `/` focuses the search box from anywhere on the page.
    eval(&tab, "document.activeElement.blur(); true");
    tab.press_key("/").unwrap();
    wait_for(&tab, "document.activeElement.id === 'search-input'");

    // Filter by kind: only roles.
    let all = search(&tab, "security");
    assert!(all.iter().any(|h| h.kind != "Role"));
    // Ten results at first; the button below the list shows ten more.
    assert_eq!(all.len(), 10);
    eval(&tab, "document.querySelector('.search-more').click(); true");
    wait_for(
        &tab,
        "document.querySelectorAll('#search-results [role=option]').length === 20 && document.activeElement.id === 'search-input'",
    );
    set_filter(&tab, "kind", "3");
    wait_for(
        &tab,
        "document.querySelector('#search-results [role=option] .sr-kind') && Array.from(document.querySelectorAll('#search-results .sr-kind')).every(k => k.textContent === 'Role')",
    );
    // Only risks.
    set_filter(&tab, "kind", "5");
    let risks = search(&tab, "supplier");
    assert!(!risks.is_empty());
    assert!(risks.iter().all(|h| h.kind == "Risk"), "{risks:?}");
    set_filter(&tab, "kind", "");

    // Filter by status: only partially implemented controls.
    set_filter(&tab, "status", "2");
    let partial = search(&tab, "access");
    assert!(!partial.is_empty());
    for hit in &partial {
        let path = hit.href.split('#').next().unwrap();
        let page = std::fs::read_to_string(site().join(path)).unwrap();
        assert!(
            page.contains("badge-partial"),
            "{} is not partial",
            hit.href
        );
    }
    set_filter(&tab, "status", "");

    // Arrow keys choose, Enter follows, landing on the heading of the hit.
    let hits = search(&tab, "restore test");
    assert!(!hits.is_empty());
    tab.press_key("ArrowDown").unwrap();
    tab.press_key("ArrowDown").unwrap();
    wait_for(
        &tab,
        "document.getElementById('search-input').getAttribute('aria-activedescendant') === 'search-result-1'",
    );
    let expected = hits[1].href.clone();
    tab.press_key("Enter").unwrap();
    wait_for(
        &tab,
        &format!(
            "location.href.endsWith({})",
            serde_json::to_string(expected.trim_start_matches("./")).unwrap()
        ),
    );

    // Escape closes the results.
    open(
        &tab,
        &format!("file://{}", site().join("index.html").display()),
    );
    search(&tab, "policy");
    tab.press_key("Escape").unwrap();
    wait_for(&tab, "document.querySelector('.search-panel').hidden");
}

#[test]
fn pages_open_from_disk_with_their_styles_and_render_on_a_phone() {
    let Some(chromium) = chromium() else { return };
    let browser = browser(chromium);
    let tab = browser.new_tab().unwrap();
    open(
        &tab,
        &format!("file://{}", site().join("controls/5.15.html").display()),
    );
    let h1 = eval(&tab, "document.querySelector('h1').textContent");
    assert_eq!(h1.as_str(), Some("5.15 Access control"));
    // The stylesheet loaded: the header is coloured.
    let bg = eval(
        &tab,
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor",
    );
    assert_ne!(bg.as_str(), Some("rgba(0, 0, 0, 0)"));

    // On a 360 px wide screen nothing scrolls sideways: wide tables scroll
    // inside their own box.
    tab.set_bounds(headless_chrome::types::Bounds::Normal {
        left: None,
        top: None,
        width: Some(360.0),
        height: Some(800.0),
    })
    .unwrap();
    for page in [
        "index.html",
        "policies/access-control.html",
        "controls/5.15.html",
        "soa.html",
        "roles/ciso.html",
        "risks.html",
        "risks/R-05.html",
        "treatment-plan.html",
    ] {
        open(&tab, &format!("file://{}", site().join(page).display()));
        let overflow = eval(
            &tab,
            "document.documentElement.scrollWidth - document.documentElement.clientWidth",
        );
        // What sticks out, to name it if anything does.
        let wide = eval(
            &tab,
            "Array.from(document.querySelectorAll('main *')).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className).join(', ')",
        );
        assert!(
            overflow.as_f64().unwrap() <= 0.0,
            "{page} scrolls sideways by {overflow}: {wide}"
        );
    }
}

#[test]
fn the_risk_register_sorts_by_a_column_header() {
    let Some(chromium) = chromium() else { return };
    let browser = browser(chromium);
    let tab = browser.new_tab().unwrap();
    open(
        &tab,
        &format!("file://{}", site().join("risks.html").display()),
    );
    let column = |name: &str| {
        format!(
            "Array.from(document.querySelectorAll('table.risks thead th')).findIndex(th => th.textContent.trim().startsWith('{name}'))"
        )
    };
    let ranks = format!(
        "JSON.stringify(Array.from(document.querySelectorAll('table.risks tbody tr')).map(tr => Number(tr.cells[{}].getAttribute('data-sort'))))",
        column("Residual")
    );
    let ids = "JSON.stringify(Array.from(document.querySelectorAll('table.risks tbody tr')).map(tr => tr.id))";
    let before = eval(&tab, ids);
    // Written in id order; each header is a button once the script runs.
    wait_for(
        &tab,
        "document.querySelectorAll('table.risks thead th button').length === 9",
    );
    let click = |name: &str| {
        eval(
            &tab,
            &format!(
                "document.querySelectorAll('table.risks thead th')[{}].querySelector('button').click(); true",
                column(name)
            ),
        )
    };
    click("Residual");
    click("Residual");
    let sorted: Vec<i64> = serde_json::from_str(eval(&tab, &ranks).as_str().unwrap()).unwrap();
    let mut expected = sorted.clone();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(sorted, expected, "highest residual level first");
    assert_eq!(
        eval(
            &tab,
            &format!(
                "document.querySelectorAll('table.risks thead th')[{}].getAttribute('aria-sort')",
                column("Residual")
            )
        ),
        "descending"
    );
    click("Risk");
    assert_eq!(eval(&tab, ids), before, "back in id order");
}

#[test]
fn the_dark_mode_toggle_follows_the_system_and_remembers_the_choice() {
    let Some(chromium) = chromium() else { return };
    let browser = browser(chromium);
    let tab = browser.new_tab().unwrap();
    let background = "getComputedStyle(document.body).backgroundColor";
    let page = |rel: &str| format!("file://{}", site().join(rel).display());
    open(&tab, &page("index.html"));
    eval(&tab, "localStorage.clear(); true");
    open(&tab, &page("index.html"));
    // Headless Chromium reports a light system preference.
    assert_eq!(eval(&tab, background), "rgb(255, 255, 255)");
    let toggle = "document.querySelector('[data-theme-toggle]')";
    assert_eq!(eval(&tab, &format!("{toggle}.hidden")), false);
    assert_eq!(
        eval(&tab, &format!("{toggle}.getAttribute('aria-pressed')")),
        "false"
    );
    eval(&tab, &format!("{toggle}.click(); true"));
    assert_eq!(eval(&tab, background), "rgb(18, 22, 28)");
    assert_eq!(
        eval(&tab, &format!("{toggle}.getAttribute('aria-pressed')")),
        "true"
    );
    // Another page opens dark, before any script of its own runs.
    open(&tab, &page("policies/access-control.html"));
    assert_eq!(eval(&tab, background), "rgb(18, 22, 28)");
    eval(&tab, &format!("{toggle}.click(); true"));
    assert_eq!(eval(&tab, background), "rgb(255, 255, 255)");
    eval(&tab, "localStorage.clear(); true");
}

#[test]
fn a_served_page_reloads_itself_after_an_edit() {
    let Some(chromium) = chromium() else { return };
    let server = common::server::Server::start();
    let browser = browser(chromium);
    let tab = browser.new_tab().unwrap();
    open(&tab, &format!("{}policies/backup.html", server.url));
    eval(&tab, "window.beforeEdit = true; true");
    let file = server.path("policies/backup.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text + "\n\nWritten while the browser watched: kingfisher-7.\n",
    )
    .unwrap();
    wait_for(
        &tab,
        "document.body.textContent.includes('kingfisher-7') && window.beforeEdit === undefined",
    );
}

#[test]
fn a_failed_save_shows_a_styled_overlay_at_the_top_of_the_open_page() {
    let Some(chromium) = chromium() else { return };
    let server = common::server::Server::start();
    let browser = browser(chromium);
    let tab = browser.new_tab().unwrap();
    open(&tab, &format!("{}policies/backup.html", server.url));
    // The writer has scrolled down the page they are editing.
    eval(
        &tab,
        "window.scrollTo(0, document.body.scrollHeight); window.beforeSave = true; true",
    );
    let file = server.path("policies/backup.md");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replacen("owner:", "owner: [unclosed\nfoo:", 1)).unwrap();
    wait_for(&tab, "!!document.getElementById('ismsbook-errors')");
    let overlay: Value = serde_json::from_str(
        eval(
            &tab,
            "(() => {
               const host = document.getElementById('ismsbook-errors');
               const panel = host.shadowRoot.querySelector('.panel');
               const box = panel.getBoundingClientRect();
               const style = getComputedStyle(panel);
               return JSON.stringify({
                 samePage: window.beforeSave === true,
                 scrolled: scrollY > 0,
                 top: box.top, height: box.height, width: box.width,
                 viewport: document.documentElement.clientWidth,
                 position: style.position, background: style.backgroundColor,
                 onTop: document.elementFromPoint(innerWidth / 2, 30) === host,
                 text: panel.textContent,
               });
             })()",
        )
        .as_str()
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        overlay["samePage"], true,
        "shown in the open page: {overlay}"
    );
    assert_eq!(overlay["scrolled"], true, "{overlay}");
    assert_eq!(overlay["top"], 0.0, "at the top of the viewport: {overlay}");
    assert_eq!(overlay["width"], overlay["viewport"], "{overlay}");
    assert!(overlay["height"].as_f64().unwrap() > 80.0, "{overlay}");
    assert_eq!(overlay["position"], "fixed", "{overlay}");
    assert_eq!(overlay["background"], "rgb(255, 255, 255)", "{overlay}");
    assert_eq!(overlay["onTop"], true, "nothing covers it: {overlay}");
    let text = overlay["text"].as_str().unwrap();
    assert!(text.contains("The handbook did not build"), "{text}");
    assert!(text.contains("policies/backup.md:"), "{text}");
    assert!(text.contains("last good build"), "{text}");

    // Hidden, it leaves its title line; shown again, the list.
    let toggle = "document.getElementById('ismsbook-errors').shadowRoot.querySelector('button').click(); true";
    let list_shown = "document.getElementById('ismsbook-errors').shadowRoot.querySelector('ul').getClientRects().length > 0";
    eval(&tab, toggle);
    assert_eq!(eval(&tab, list_shown), Value::Bool(false));
    eval(&tab, toggle);
    assert_eq!(eval(&tab, list_shown), Value::Bool(true));

    // The next good build reloads the page, without the overlay.
    std::fs::write(&file, good + "\n\nSaved again, and fixed: heron-3.\n").unwrap();
    wait_for(
        &tab,
        "window.beforeSave === undefined && document.readyState === 'complete' \
         && document.body.textContent.includes('heron-3')",
    );
    assert_eq!(
        eval(&tab, "document.getElementById('ismsbook-errors') === null"),
        Value::Bool(true)
    );
}

#[test]
fn clauses_are_found_as_their_own_kind() {
    let Some(chromium) = chromium() else { return };
    let browser = browser(chromium);
    let tab = browser.new_tab().unwrap();
    open(
        &tab,
        &format!("file://{}", site().join("index.html").display()),
    );
    // A clause number offers the clause, not Annex A 9.x of 2013.
    let hits = search(&tab, "9.2");
    assert_eq!(hits[0].kind, "Clause", "{hits:?}");
    assert_eq!(hits[0].title, "Clause 9.2 Internal audit");
    assert!(
        hits[0].href.ends_with("clauses.html#clause-9.2"),
        "{hits:?}"
    );
    // Clause 5.1 and control 5.1 share a number, not a kind.
    let hits = search(&tab, "5.1");
    let kinds: Vec<(&str, &str)> = hits
        .iter()
        .take(4)
        .map(|h| (h.kind.as_str(), h.title.as_str()))
        .collect();
    assert!(
        kinds.contains(&("Clause", "Clause 5.1 Leadership and commitment")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("Annex A control", "5.1 Policies for information security")),
        "{kinds:?}"
    );
    // By its words too; following the result lands on the clause.
    let hits = search(&tab, "internal audit");
    assert!(
        hits.iter()
            .take(5)
            .any(|h| h.kind == "Clause" && h.title == "Clause 9.2 Internal audit"),
        "{hits:?}"
    );
}
