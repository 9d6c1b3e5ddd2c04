//! The auditor's view: clauses 4–10 and their readiness, approvals, and the
//! SoA's evidence, on real handbooks in temporary folders.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::Path;

use common::*;

/// The minimal fixture built, with `edit` applied first; the temporary
/// folder the site is in (kept while it is used), and the site.
fn built(edit_book: impl FnOnce(&Path)) -> (tempfile::TempDir, std::path::PathBuf) {
    let book = fixture("minimal");
    edit_book(book.path());
    let site = book.path().join("site");
    let run = build(book.path(), &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (book, site)
}

/// `check --format json` inside `dir`: (rule, file, message) of each problem.
fn problems(dir: &Path) -> Vec<(String, String, String)> {
    let run: Run = ismsbook()
        .current_dir(dir)
        .args(["check", ".", "--today", TODAY, "--format", "json"])
        .output()
        .unwrap()
        .into();
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["file"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A record page that provides `clauses`, with a review date.
fn record(root: &Path, rel: &str, title: &str, clauses: &str, review: &str) {
    write(
        root,
        rel,
        &format!(
            "---\ntitle: {title}\nowner: ciso\nversion: \"1.0\"\nreview: {review}\nclauses: {clauses}\n---\nText.\n"
        ),
    );
}

#[test]
fn readiness_counts_what_documents_and_the_handbook_provide() {
    let (_out, site) = built(|r| {
        record(
            r,
            "content/isms/scope.md",
            "Scope",
            "[\"4.3\"]",
            "2027-06-01",
        );
        // A bare clause provides the letterless items under it: 9.2 → 9.2.2.
        record(
            r,
            "content/isms/audit.md",
            "Internal audit",
            "[\"9.2\"]",
            "2027-06-01",
        );
        // Past its review date: the item is there but overdue.
        record(
            r,
            "content/isms/review.md",
            "Management review",
            "[\"9.3.3\"]",
            "2026-01-31",
        );
        // A letter names one item only.
        record(
            r,
            "content/isms/register.md",
            "Register",
            "[\"7.5.1 b\"]",
            "2027-06-01",
        );
        edit(r, "content/policies/access-control.md", |t| {
            t.replace("controls:", "clauses: [\"5.2\"]\ncontrols:")
        });
    });
    let page = read(&site, "clauses.html");
    // 16 items: 4.3, 5.2, 9.2.2, 7.5.1 b and the SoA (6.1.3 d) are present,
    // 9.3.3 is overdue, the other 10 are missing.
    assert!(
        page.contains("<strong>5 of 16</strong> required items of documented information are present, <strong>1</strong> with every document past its review date, <strong>10</strong> missing."),
        "{page}"
    );
    let row = |key: &str| {
        let start = page
            .find(&format!(
                "clauses.html#clause-{}\">{key}</a>",
                key.split(' ').next().unwrap()
            ))
            .unwrap_or_else(|| panic!("row {key}"));
        let end = page[start..].find("</tr>").unwrap() + start;
        page[start..end].to_owned()
    };
    assert!(row("9.2.2").contains("badge-present") && row("9.2.2").contains("Internal audit"));
    assert!(row("9.3.3").contains("badge-review-overdue"));
    assert!(
        row("6.1.3 d").contains("Statement of Applicability")
            && row("6.1.3 d").contains("made by the handbook")
    );
    assert!(
        row("6.1.3").contains("badge-missing"),
        "6.1.3 is not provided by 6.1.3 d"
    );
    assert!(row("5.2").contains("Access Control Policy"));
    // Each clause has its place, one click from the table.
    for id in ["4", "4.3", "6.1.2", "9.2.2", "10.2"] {
        assert!(page.contains(&format!("id=\"clause-{id}\"")), "{id}");
    }
    // The record page shows what it is.
    let scope = read(&site, "isms/scope.html");
    assert!(scope.contains("ISO/IEC 27001 clauses"), "{scope}");
    assert!(scope.contains("../clauses.html#clause-4.3"), "{scope}");
}

#[test]
fn a_missing_item_is_a_lint_and_an_annex_a_id_is_not_a_clause() {
    let book = fixture("minimal");
    record(
        book.path(),
        "content/isms/scope.md",
        "Scope",
        "[\"4.3\"]",
        "2027-06-01",
    );
    let found = problems(book.path());
    let missing: Vec<&str> = found
        .iter()
        .filter(|p| p.0 == "clause-without-document")
        .map(|p| p.2.as_str())
        .collect();
    assert_eq!(missing.len(), 14, "{missing:?}");
    assert!(
        missing
            .iter()
            .all(|m| !m.contains("(4.3)") && !m.contains("Statement of Applicability"))
    );
    assert!(missing.contains(
        &"Clause 9.2.2 (Internal audit programme) requires documented information: Audit programme(s) and audit results. No document provides it: add `clauses: [\"9.2.2\"]` to the page or policy that does"
    ));
    assert!(
        found
            .iter()
            .filter(|p| p.0 == "clause-without-document")
            .all(|p| p.1 == "book.toml")
    );

    record(
        book.path(),
        "content/isms/bad.md",
        "Bad",
        "[\"A.5.1\", \"9.4\"]",
        "2027-06-01",
    );
    let errors: Vec<String> = problems(book.path())
        .into_iter()
        .filter(|p| p.0 == "unknown-clause")
        .map(|p| p.2)
        .collect();
    assert_eq!(
        errors,
        [
            "clauses: `A.5.1` is an Annex A control, not a clause: clauses 4–10 are written without `A.` (`9.2`), and controls are listed under `controls`",
            "clauses: no clause `9.4` in ISO/IEC 27001:2022; did you mean Clause 9.3 (Management review)?",
        ]
    );
}

#[test]
fn clause_links_lead_to_the_clause_and_never_to_the_control() {
    let (_out, site) = built(|r| {
        write(
            r,
            "content/procedures/links.md",
            "---\ntitle: Links\n---\nSee [](clause:5.1) and [](control:5.1).\n",
        );
    });
    let page = read(&site, "procedures/links.html");
    assert!(
        page.contains(
            r#"<a href="../clauses.html#clause-5.1">Clause 5.1 Leadership and commitment</a>"#
        ),
        "{page}"
    );
    assert!(
        page.contains(
            r#"<a href="../controls/5.1.html">5.1 Policies for information security</a>"#
        ),
        "{page}"
    );
}

#[test]
fn approvals_show_on_the_policy_the_index_and_its_history() {
    let (_out, site) = built(|r| {
        edit(r, "content/policies/access-control.md", |t| {
            t.replace(
                "controls:",
                "approved: {by: \"Jane Doe (CEO)\", date: 2026-01-05}\ncontrols:",
            )
            .replace(
                "change: \"First issue\"}",
                "change: \"First issue\", approved: {by: \"Jane Doe (CEO)\", date: 2026-01-05}}",
            )
        });
    });
    let index = read(&site, "policies/index.html");
    for header in [
        "Version",
        "Effective",
        "Approver",
        "Approved",
        "Last changed",
        "Next review",
    ] {
        assert!(
            index.contains(&format!("<th scope=\"col\">{header}</th>")),
            "{header}"
        );
    }
    assert!(
        index.contains(r#"Jane Doe (CEO), <time datetime="2026-01-05">2026-01-05</time>"#),
        "{index}"
    );
    let policy = read(&site, "policies/access-control.html");
    assert!(
        policy.contains("<dt>Approved</dt><dd>Jane Doe (CEO), "),
        "{policy}"
    );
    assert_eq!(
        policy.matches("Jane Doe (CEO)").count(),
        2,
        "meta and history"
    );
    let secure = read(&site, "policies/secure-development.html");
    assert!(secure.contains("<dt>Approved</dt><dd><span class=\"none\">Not recorded</span>"));
}

#[test]
fn the_soa_shows_evidence_and_last_change() {
    let (_out, site) = built(|_| {});
    let page = read(&site, "soa.html");
    assert!(page.contains("<th scope=\"col\">Evidence</th>"));
    assert!(page.contains("<li>Quarterly access review</li>"), "{page}");
    let mut csv = csv::Reader::from_path(site.join("soa.csv")).unwrap();
    let headers = csv.headers().unwrap().clone();
    let evidence = headers.iter().position(|h| h == "Evidence").unwrap();
    assert!(headers.iter().any(|h| h == "Last changed"));
    let row = csv
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "5.15")
        .unwrap();
    assert_eq!(&row[evidence], "Quarterly access review");
}
