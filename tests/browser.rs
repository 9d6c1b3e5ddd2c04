//! The example handbook in a real browser (headless Chromium): pages, and
//! search as a reader uses it, from `file://` and over HTTP.
//!
//! In CI (`CI=true`) Chromium must be installed (`.ci/run` installs it) and
//! these tests fail without it; on a laptop without Chromium they skip,
//! saying so on stderr.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::chrome::{eval, open, wait_for};
use common::*;
use headless_chrome::protocol::cdp::Emulation;
use headless_chrome::{Browser, Tab};
use serde_json::Value;

fn site() -> &'static Path {
    example_site()
}

/// The URL of `rel` of the example site, opened from disk.
fn from_disk(rel: &str) -> String {
    format!("file://{}", site().join(rel).display())
}

/// A browser with a tab showing `rel` of the example site from disk; None
/// where Chromium is not installed (outside CI).
fn on_disk(rel: &str) -> Option<(Browser, std::sync::Arc<Tab>)> {
    let browser = browser(chromium()?);
    let tab = browser.new_tab().unwrap();
    open(&tab, &from_disk(rel));
    Some((browser, tab))
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
    shown(tab)
}

/// The results shown in the search panel.
fn shown(tab: &Tab) -> Vec<Hit> {
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

/// Shows more results of the current search until there are `n` or no more.
fn more_results(tab: &Tab, n: usize) -> Vec<Hit> {
    loop {
        let count = eval(
            tab,
            "document.querySelectorAll('#search-results [role=option]').length",
        )
        .as_u64()
        .unwrap() as usize;
        let more = eval(tab, "!document.querySelector('.search-more').hidden") == Value::Bool(true);
        if count >= n || !more {
            break;
        }
        eval(tab, "document.querySelector('.search-more').click(); true");
        wait_for(
            tab,
            &format!("document.querySelectorAll('#search-results [role=option]').length > {count}"),
        );
    }
    shown(tab)
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
    let Some((_browser, tab)) = on_disk("policies/backup.html") else {
        return;
    };
    check_searches(&tab);

    let base = serve_dir(site());
    open(&tab, &format!("{base}controls/5.1.html"));
    check_searches(&tab);
}

#[test]
fn search_filters_keyboard_and_following_a_result() {
    let Some((_browser, tab)) = on_disk("index.html") else {
        return;
    };

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
    open(&tab, &from_disk("index.html"));
    search(&tab, "policy");
    tab.press_key("Escape").unwrap();
    wait_for(&tab, "document.querySelector('.search-panel').hidden");
}

#[test]
fn pages_open_from_disk_with_their_styles_and_render_on_a_phone() {
    let Some((_browser, tab)) = on_disk("controls/5.15.html") else {
        return;
    };
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
        open(&tab, &from_disk(page));
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
    let Some((_browser, tab)) = on_disk("risks.html") else {
        return;
    };
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
    let page = |rel: &str| from_disk(rel);
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
fn a_body_edit_updates_the_open_page_in_place_and_other_edits_reload_it() {
    let Some(chromium) = chromium() else { return };
    let server = common::server::Server::start();
    let browser = browser(chromium);
    let tab = browser.new_tab().unwrap();
    let other = browser.new_tab().unwrap();
    open(&tab, &format!("{}policies/backup.html", server.url));
    open(
        &other,
        &format!("{}policies/access-control.html", server.url),
    );
    // The writer has scrolled down the page they are editing.
    eval(
        &tab,
        "window.scrollTo(0, 600); window.beforeEdit = true; true",
    );
    eval(&other, "window.beforeEdit = true; true");
    let file = server.path("policies/backup.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.clone() + "\n\nWritten while the browser watched: kingfisher-7.\n",
    )
    .unwrap();
    // The new text is shown in the same page, where the writer was.
    wait_for(
        &tab,
        "document.body.textContent.includes('kingfisher-7') \
         && performance.getEntriesByName('ismsbook-updated').length > 0",
    );
    assert_eq!(eval(&tab, "window.beforeEdit === true"), Value::Bool(true));
    assert_eq!(eval(&tab, "scrollY === 600"), Value::Bool(true));
    assert_eq!(
        eval(&tab, "document.title"),
        Value::String("Backup Policy · Kestrel Ledger Ltd".into())
    );
    // The search box of the header still works.
    assert_eq!(
        eval(&tab, "!document.querySelector('[data-search]').hidden"),
        Value::Bool(true)
    );
    // A page the edit did not change is left as it is.
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(
        eval(
            &other,
            "window.beforeEdit === true && performance.getEntriesByName('ismsbook-updated').length === 0"
        ),
        Value::Bool(true)
    );

    // A new title is more than a body edit: both pages reload.
    std::fs::write(
        &file,
        text.replacen(
            "title: \"Backup Policy\"",
            "title: \"Backup and Restore Policy\"",
            1,
        ),
    )
    .unwrap();
    wait_for(
        &tab,
        "window.beforeEdit === undefined && document.readyState === 'complete' \
         && document.title.startsWith('Backup and Restore Policy')",
    );
    wait_for(
        &other,
        "window.beforeEdit === undefined && document.readyState === 'complete'",
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

/// Makes the page's viewport `width` × `height` CSS pixels, as on a phone
/// below 800 px (overlay scroll bars, no zoom).
fn resize(tab: &Tab, width: u32, height: u32) {
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width,
        height,
        device_scale_factor: 1.0,
        mobile: width < 800,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .unwrap();
}

/// The bounding box of the element `selector`: [left, top, right, bottom].
fn rect(tab: &Tab, selector: &str) -> [f64; 4] {
    let json = eval(
        tab,
        &format!(
            "(() => {{ const r = document.querySelector({}).getBoundingClientRect(); return JSON.stringify([r.left, r.top, r.right, r.bottom]); }})()",
            serde_json::to_string(selector).unwrap()
        ),
    );
    serde_json::from_str(json.as_str().unwrap()).unwrap()
}

#[test]
fn the_first_screen_on_a_phone_offers_the_role_picker() {
    let Some(chromium) = chromium() else { return };
    let browser = browser(chromium);
    let tab = browser.new_tab().unwrap();
    resize(&tab, 390, 844);
    open(&tab, &from_disk("index.html"));
    let heading = rect(&tab, "#start-new-heading");
    assert!(
        heading[1] >= 0.0 && heading[3] <= 844.0,
        "heading at {heading:?}"
    );
    // Every choice is on the first screen, and none leaves it sideways.
    let choices = eval(
        &tab,
        "JSON.stringify(Array.from(document.querySelectorAll('.role-picker a')).map(a => { const r = a.getBoundingClientRect(); return [a.getAttribute('href'), r.left, r.right, r.bottom]; }))",
    );
    let choices: Vec<(String, f64, f64, f64)> =
        serde_json::from_str(choices.as_str().unwrap()).unwrap();
    assert!(choices.len() >= 12, "{choices:?}");
    assert_eq!(choices[0].0, "reading/index.html");
    for (href, left, right, bottom) in &choices {
        assert!(
            *left >= 0.0 && *right <= 390.0 && *bottom <= 844.0,
            "{href} at {left}–{right}, bottom {bottom}"
        );
    }
    // The auditors' summary follows right after, and it is short.
    let summary = rect(&tab, ".start-audit");
    assert!(summary[1] < 900.0, "status starts at {}", summary[1]);
    assert!(
        summary[3] - summary[1] < 600.0,
        "status is {} px tall",
        summary[3] - summary[1]
    );
    // Following a choice opens that role's checklist.
    eval(
        &tab,
        "document.querySelector('.role-picker a[href=\"reading/engineer.html\"]').click(); true",
    );
    wait_for(
        &tab,
        "location.href.endsWith('reading/engineer.html') && document.readyState === 'complete'",
    );
    let h1 = eval(&tab, "document.querySelector('h1').textContent");
    assert_eq!(h1.as_str(), Some("Reading list: Software Engineer"));
}

/// The checkboxes of a reading list: policy id → (checked, note).
fn ticks(tab: &Tab) -> BTreeMap<String, (bool, String)> {
    wait_for(
        tab,
        "!document.querySelector('[data-reading-status]').hidden",
    );
    let json = eval(
        tab,
        "JSON.stringify(Array.from(document.querySelectorAll('li[data-policy]')).map(li => [li.getAttribute('data-policy'), li.querySelector('input').checked, li.querySelector('.reading-when').textContent]))",
    );
    let list: Vec<(String, bool, String)> = serde_json::from_str(json.as_str().unwrap()).unwrap();
    list.into_iter().map(|(id, c, n)| (id, (c, n))).collect()
}

fn progress(tab: &Tab) -> String {
    eval(
        tab,
        "document.querySelector('[data-reading-count]').textContent",
    )
    .as_str()
    .unwrap()
    .to_owned()
}

fn tick(tab: &Tab, policy: &str) {
    eval(
        tab,
        &format!("document.querySelector('li[data-policy=\"{policy}\"] input').click(); true"),
    );
}

#[test]
fn reading_list_ticks_survive_a_reload_and_a_new_version_clears_them() {
    let Some(chromium) = chromium() else { return };
    // A copy of the example, to publish a new version of a policy.
    let book = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &book.path().join("content"));
    let settings = std::fs::read_to_string(repo().join("book.toml")).unwrap();
    write(
        book.path(),
        "book.toml",
        &settings.replace("theme = \"themes/default\"", ""),
    );
    let dest = book.path().join("site");
    let run = build(book.path(), &dest);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let browser = browser(chromium);
    let tab = browser.new_tab().unwrap();
    let list = format!("file://{}", dest.join("reading/engineer.html").display());
    open(&tab, &list);
    eval(&tab, "localStorage.clear(); true");
    open(&tab, &list);
    let before = ticks(&tab);
    assert_eq!(before.len(), 12);
    assert!(before.values().all(|(checked, _)| !checked));
    assert_eq!(progress(&tab), "0 of 12 read");
    let checkbox = eval(
        &tab,
        "document.querySelector('li[data-policy=backup] input').getAttribute('aria-label')",
    );
    assert_eq!(checkbox.as_str(), Some("Read: Backup Policy, 2.0"));

    tick(&tab, "backup");
    tick(&tab, "acceptable-use");
    assert_eq!(progress(&tab), "2 of 12 read");

    // A reload keeps them; so does another list that holds the same policy.
    open(&tab, &list);
    let after = ticks(&tab);
    assert!(after["backup"].0 && after["acceptable-use"].0, "{after:?}");
    assert!(after["backup"].1.starts_with("read 20"), "{after:?}");
    assert_eq!(progress(&tab), "2 of 12 read");
    open(
        &tab,
        &format!("file://{}", dest.join("reading/index.html").display()),
    );
    assert!(ticks(&tab)["acceptable-use"].0);
    assert_eq!(progress(&tab), "1 of 8 read");

    // Backup Policy 2.1 is published: it is unread again, the other stays read.
    edit(book.path(), "content/policies/backup.md", |t| {
        t.replace("version: \"2.0\"", "version: \"2.1\"")
    });
    assert_eq!(build(book.path(), &dest).code, 0);
    open(&tab, &list);
    let updated = ticks(&tab);
    assert!(!updated["backup"].0, "{updated:?}");
    assert_eq!(updated["backup"].1, "new version since you read 2.0");
    assert!(updated["acceptable-use"].0);
    assert_eq!(progress(&tab), "1 of 12 read");
    // Unticking forgets it.
    tick(&tab, "acceptable-use");
    open(&tab, &list);
    assert_eq!(progress(&tab), "0 of 12 read");
    eval(&tab, "localStorage.clear(); true");
}

#[test]
fn the_search_panel_stays_on_screen_at_every_width() {
    let Some(chromium) = chromium() else { return };
    let browser = browser(chromium);
    let tab = browser.new_tab().unwrap();
    for width in [360, 390, 600, 768, 900, 1024, 1280] {
        resize(&tab, width, 800);
        open(&tab, &from_disk("policies/backup.html"));
        let hits = search(&tab, "access");
        assert!(!hits.is_empty());
        let w = f64::from(width);
        for part in [
            ".search-panel",
            ".search-filters",
            "#search-results [role=option] .sr-title",
        ] {
            let [left, top, right, _] = rect(&tab, part);
            assert!(
                left >= 0.0 && right <= w && top >= 0.0,
                "{part} at {width} px: {left}–{right}"
            );
        }
        // Just below the search box.
        let input = rect(&tab, "#search-input");
        let panel = rect(&tab, ".search-panel");
        assert!(
            panel[1] >= input[3] - 1.0 && panel[1] - input[3] < 40.0,
            "{width} px: {input:?} {panel:?}"
        );
    }
}

#[test]
fn search_finds_reading_lists_evidence_and_ranks_text_above_attributes() {
    let Some((_browser, tab)) = on_disk("index.html") else {
        return;
    };

    // What new staff type finds the reading lists (everyone's first) and
    // the role pages, whose reading lists they show.
    for query in ["onboarding", "reading list", "new starter"] {
        let hits = search(&tab, query);
        assert_eq!(hits[0].kind, "Reading list", "{query}: {hits:?}");
        assert!(
            hits[0].href.ends_with("reading/index.html"),
            "{query}: {hits:?}"
        );
        let hits = more_results(&tab, 40);
        for (kind, path) in [
            ("Reading list", "reading/engineer.html"),
            ("Role", "roles/engineer.html"),
        ] {
            assert!(
                hits.iter()
                    .any(|h| h.kind == kind && h.href.starts_with(path)),
                "{query}: no {path} in {hits:?}"
            );
        }
    }
    let hits = search(&tab, "onboarding software engineer");
    assert!(hits[0].href.ends_with("reading/engineer.html"), "{hits:?}");

    // Evidence: a location, and a title.
    let hits = search(&tab, "screenlock");
    assert!(hits[0].href.ends_with("controls/7.7.html"), "{hits:?}");
    let hits = search(&tab, "clockoffsethigh");
    assert!(hits[0].href.ends_with("controls/8.17.html"), "{hits:?}");

    // Words in a title or the text rank above the same word as an
    // ISO/IEC 27002 attribute ("#Confidentiality") shared by many pages:
    // a guidance page whose text has no word of that stem (English stems:
    // `integrity` and `integration` are one) matches on the attribute.
    for (query, stem) in [
        ("confidential", "confidenti"),
        ("integrity", "integr"),
        ("availability", "avail"),
    ] {
        search(&tab, query);
        let hits = more_results(&tab, 60);
        let attribute_only = |h: &Hit| {
            if h.kind != "ISO 27002 guidance" {
                return false;
            }
            let path = h.href.split('#').next().unwrap();
            let page = read(site(), path)
                .to_lowercase()
                .replace(&format!("#{stem}"), "");
            !page.contains(stem)
        };
        let first = hits.iter().position(attribute_only).unwrap_or(hits.len());
        assert!(first > 0, "{query}: {hits:?}");
        assert!(
            hits[first..].iter().all(attribute_only),
            "{query}: a page with the word ranks below one with the attribute only: {hits:?}"
        );
    }
    let hits = search(&tab, "confidential");
    assert!(
        hits.iter().take(5).any(|h| h
            .href
            .starts_with("policies/information-classification.html")),
        "{hits:?}"
    );

    // The page language: Portuguese words are not cut by English rules.
    let hits = search(&tab, "cacifo");
    assert!(
        hits[0].href.starts_with("lisbon/regras-do-escritorio.html"),
        "{hits:?}"
    );
}

#[test]
fn search_folds_sharp_s_and_reads_german_and_japanese_pages() {
    let Some(chromium) = chromium() else { return };
    let book = fixture("minimal");
    write(
        book.path(),
        "content/de/datensicherung.md",
        "---\ntitle: Datensicherung\nlanguage: de\n---\nDie Größe der Sicherungen wird täglich geprüft.\n",
    );
    write(
        book.path(),
        "content/ja/kanri.md",
        "---\ntitle: 情報資産の管理\nlanguage: ja\n---\n情報資産の台帳は、情報セキュリティ管理者が四半期ごとに見直す。\n",
    );
    let dest = book.path().join("site");
    let run = build(book.path(), &dest);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&dest, "de/datensicherung.html");
    assert!(page.contains(r#"<html lang="de">"#), "{page}");
    let browser = browser(chromium);
    let tab = browser.new_tab().unwrap();
    open(
        &tab,
        &format!("file://{}", dest.join("index.html").display()),
    );

    // The browser cuts queries as the index does (src/search/tokenize.rs).
    let terms = eval(
        &tab,
        "JSON.stringify(ismsSearch.terms('Die Größe der STRAẞE: A.5.15 情報資産の管理 ガイド 鍵'))",
    );
    assert_eq!(
        terms.as_str().unwrap(),
        r#"["die","grosse","der","strasse","5.15","情報","報資","資産","産の","の管","管理","ガイ","イド","鍵"]"#
    );
    let hits = search(&tab, "grosse ");
    assert!(hits[0].href.ends_with("de/datensicherung.html"), "{hits:?}");
    assert!(hits[0].snippet.contains("<mark>Größe</mark>"), "{hits:?}");
    // German stemming: the singular finds the plural.
    let hits = search(&tab, "sicherung ");
    assert!(hits[0].href.ends_with("de/datensicherung.html"), "{hits:?}");
    let hits = search(&tab, "台帳");
    assert!(hits[0].href.ends_with("ja/kanri.html"), "{hits:?}");
    assert!(hits[0].snippet.contains("<mark>台帳</mark>"), "{hits:?}");
    let hits = search(&tab, "セキュリティ");
    assert!(hits[0].href.ends_with("ja/kanri.html"), "{hits:?}");
}

#[test]
fn clauses_are_found_as_their_own_kind() {
    let Some((_browser, tab)) = on_disk("index.html") else {
        return;
    };
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
