//! The built example handbook checked by real validators: the Nu HTML
//! Checker (every page, the stylesheets and the icon) and axe-core in
//! headless Chromium (one page of each kind, and the open search results, in
//! the light and the dark colour scheme).
//!
//! `.ci/run` installs them: `npm ci --prefix .ci/validators` (the versions
//! are pinned in its `package-lock.json`), Java and Chromium from Debian. In
//! CI (`CI=true`) a missing tool fails these tests; elsewhere they skip,
//! saying so on stderr. Links are checked by `tests/example.rs`.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use common::chrome::{eval, open, wait_for};
use common::*;
use headless_chrome::Tab;
use headless_chrome::protocol::cdp::Emulation;
use serde_json::Value;

const INSTALL: &str = "run `npm ci --ignore-scripts --prefix .ci/validators` (as `.ci/run` does)";

/// A file that `npm ci --prefix .ci/validators` installs.
fn installed(rel: &str) -> Option<PathBuf> {
    let path = repo().join(".ci/validators/node_modules").join(rel);
    required(
        path.is_file().then_some(path.clone()),
        &format!("{} is missing", path.display()),
        INSTALL,
    )
}

#[test]
fn nu_html_checker_reports_no_errors() {
    let Some(java) = required(
        on_path("java"),
        "Java is not installed: the Nu HTML Checker cannot run",
        "install it (apt-get install default-jre-headless)",
    ) else {
        return;
    };
    let Some(jar) = installed("vnu-jar/build/dist/vnu.jar") else {
        return;
    };
    let site = example_site();
    let mut files = html_files(site);
    assert!(files.len() > 200, "{} pages", files.len());
    let pages = files.len();
    files.extend([
        "static/style.css".to_owned(),
        "static/highlight.css".to_owned(),
        "static/favicon.svg".to_owned(),
    ]);

    // One JVM for every file; paths relative to the site name the messages.
    let out = Command::new(java)
        .arg("-jar")
        .arg(&jar)
        .args([
            "--errors-only",
            "--also-check-css",
            "--also-check-svg",
            "--format",
            "json",
        ])
        .args(&files)
        .current_dir(site)
        .output()
        .expect("run java");
    // The report goes to stderr.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: Value = serde_json::from_str(stderr.trim()).unwrap_or_else(|e| {
        panic!(
            "the Nu HTML Checker did not report JSON ({e}; exit {:?}):\n{stderr}",
            out.status.code()
        )
    });
    let root = format!("file:{}/", site.display());
    let messages: Vec<String> = report["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            let url = m["url"].as_str().unwrap_or("?");
            let file = url.strip_prefix(&root).unwrap_or(url);
            let line = m["firstLine"].as_u64().or(m["lastLine"].as_u64());
            format!(
                "{file}:{}:{}: {}: {}\n    {}",
                line.unwrap_or(0),
                m["firstColumn"].as_u64().unwrap_or(0),
                m["type"].as_str().unwrap_or("?"),
                m["message"].as_str().unwrap_or("?"),
                m["extract"].as_str().unwrap_or("").replace('\n', " "),
            )
        })
        .collect();
    assert!(
        messages.is_empty(),
        "the Nu HTML Checker reports {} errors:\n{}",
        messages.len(),
        messages.join("\n")
    );
    assert!(out.status.success(), "vnu.jar exited {:?}", out.status);
    eprintln!("Nu HTML Checker: 0 errors in {pages} pages, the stylesheets and favicon.svg");
}

/// One page of each kind, one with highlighted code, one in another
/// language with callouts, the risk register, and the onboarding pages (a
/// reading list with its checkboxes, everyone's list, an onboarding pack,
/// the status page), the clauses page and the changes page.
const PAGES: [&str; 18] = [
    "index.html",
    "policies/access-control.html",
    "policies/acceptable-use.html",
    "controls/5.15.html",
    "guidance/5.15.html",
    "roles/ciso.html",
    "soa.html",
    "procedures/restore-test.html",
    "lisbon/regras-do-escritorio.html",
    "reading/index.html",
    "reading/engineer.html",
    "reading/print/engineer.html",
    "status.html",
    "risks.html",
    "risks/R-05.html",
    "treatment-plan.html",
    "clauses.html",
    "changes.html",
];

#[test]
fn axe_finds_no_serious_or_critical_violations() {
    let Some(chromium) = chromium() else { return };
    let Some(axe) = installed("axe-core/axe.min.js") else {
        return;
    };
    let axe = std::fs::read_to_string(axe).unwrap();
    let site = example_site();
    let browser = common::chrome::launch(chromium);
    let tab = browser.new_tab().unwrap();
    // axe takes a few seconds on the long pages of a busy machine.
    tab.set_default_timeout(Duration::from_secs(120));

    let mut failures = Vec::new();
    let mut checked = 0;
    for scheme in ["light", "dark"] {
        tab.call_method(Emulation::SetEmulatedMedia {
            media: None,
            features: Some(vec![Emulation::MediaFeature {
                name: "prefers-color-scheme".into(),
                value: scheme.into(),
            }]),
        })
        .unwrap();
        for page in PAGES {
            open(&tab, &format!("file://{}", site.join(page).display()));
            assert_eq!(
                eval(
                    &tab,
                    &format!("matchMedia('(prefers-color-scheme: {scheme})').matches")
                ),
                Value::Bool(true)
            );
            failures.extend(run_axe(&tab, &axe, &format!("{page} ({scheme})")));
            checked += 1;
        }

        // The heat maps: every cell with risks is a link whose name says
        // what is in it, the drawing's text is hidden from screen readers
        // (the links and the tables below say it), and the counts and level
        // names read on their cells' colours.
        open(
            &tab,
            &format!("file://{}", site.join("risks.html").display()),
        );
        let report = eval(
            &tab,
            r#"JSON.stringify(Array.from(document.querySelectorAll('svg.heatmap-svg')).map(svg => {
                const label = document.getElementById(svg.getAttribute('aria-labelledby'));
                const links = Array.from(svg.querySelectorAll('a'));
                const loose = Array.from(svg.querySelectorAll('text')).filter(t => !t.closest('a') && !t.closest('[aria-hidden=true]'));
                const targets = links.filter(a => !document.getElementById(a.getAttribute('href').slice(1)));
                const luminance = hex => { const c = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16) / 255).map(v => v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)); return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
                const contrast = Array.from(svg.querySelectorAll('rect')).map(r => { const t = r.parentNode.querySelector('text'); const [a, b] = [luminance(r.getAttribute('fill')), luminance(t.getAttribute('fill'))].sort((x, y) => y - x); return (a + 0.05) / (b + 0.05); });
                return { label: label && label.textContent, links: links.length, named: links.filter(a => /^\d+ \S.* risks? at likelihood \d+ \(.+\), impact \d+ \(.+\)$/.test(a.getAttribute('aria-label'))).length, loose: loose.length, broken: targets.length, minContrast: Math.min.apply(null, contrast) };
            }))"#,
        );
        let maps: Vec<Value> = serde_json::from_str(report.as_str().unwrap()).unwrap();
        assert_eq!(maps.len(), 2, "current and residual");
        for map in &maps {
            let label = map["label"].as_str().unwrap_or("");
            assert!(label.contains("risks by likelihood and impact"), "{map}");
            assert!(map["links"].as_u64().unwrap() > 0, "{map}");
            assert_eq!(
                map["named"], map["links"],
                "every cell link is named: {map}"
            );
            assert_eq!(map["loose"], 0, "no text read twice: {map}");
            assert_eq!(map["broken"], 0, "every cell leads to its risks: {map}");
            assert!(map["minContrast"].as_f64().unwrap() >= 4.5, "{map}");
        }
        checked += 1;

        // The search results, open, as a reader sees them after typing.
        open(
            &tab,
            &format!("file://{}", site.join("index.html").display()),
        );
        eval(&tab, "document.activeElement.blur(); true");
        tab.press_key("/").unwrap();
        wait_for(&tab, "document.activeElement.id === 'search-input'");
        tab.send_character("access").unwrap();
        wait_for(
            &tab,
            "document.getElementById('search-results').getAttribute('data-query') === 'access' && !document.querySelector('.search-panel').hidden",
        );
        wait_for(
            &tab,
            "Array.from(document.querySelectorAll('#search-results [role=option]')).every(li => li.hasAttribute('data-snippet')) && !document.querySelector('.search-more').hidden",
        );
        // One result chosen with the arrow keys, as a reader does.
        tab.press_key("ArrowDown").unwrap();
        wait_for(
            &tab,
            "document.getElementById('search-input').getAttribute('aria-activedescendant') === 'search-result-0'",
        );
        failures.extend(run_axe(
            &tab,
            &axe,
            &format!("search results for `access` ({scheme})"),
        ));
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "axe-core finds {} serious or critical violations:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    eprintln!("axe-core: no serious or critical violations in {checked} page states");
}

/// Injects axe-core into the page and runs it; returns the serious and
/// critical violations, described. Lesser ones are printed, not failed.
fn run_axe(tab: &Tab, axe: &str, label: &str) -> Vec<String> {
    tab.evaluate(axe, false).unwrap();
    let result = tab
        .evaluate(
            "axe.run(document, { resultTypes: ['violations'] }).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, url: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary}))}))))",
            true,
        )
        .unwrap();
    let Some(Value::String(json)) = result.value else {
        panic!("axe.run failed on {label}: {:?}", result.description);
    };
    let violations: Vec<Value> = serde_json::from_str(&json).unwrap();
    let mut failures = Vec::new();
    for v in violations {
        let impact = v["impact"].as_str().unwrap_or("?");
        let mut text = format!(
            "{label}: [{impact}] {}: {}\n    {}",
            v["id"].as_str().unwrap_or("?"),
            v["help"].as_str().unwrap_or("?"),
            v["url"].as_str().unwrap_or(""),
        );
        for n in v["nodes"].as_array().into_iter().flatten() {
            text.push_str(&format!(
                "\n    - {}\n      {}\n      {}",
                n["target"].as_str().unwrap_or("?"),
                n["html"].as_str().unwrap_or(""),
                n["summary"]
                    .as_str()
                    .unwrap_or("")
                    .replace('\n', "\n      "),
            ));
        }
        if matches!(impact, "serious" | "critical") {
            failures.push(text);
        } else {
            eprintln!("note: {text}");
        }
    }
    failures
}
