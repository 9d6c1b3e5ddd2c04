//! `print.html` as a document: paper size and type size of the PDF that
//! Chromium prints from it, the cover, the one table of controls without a
//! statement, and every in-page link landing on an anchor that exists.
//!
//! The PDF checks need Chromium and poppler-utils (`pdfinfo`, `pdftohtml`);
//! under `CI=true` they must be installed (`.ci/run` installs them).
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// Every `href="#…"` of `html` whose target is no `id` of the page.
fn missing_anchors(html: &str) -> Vec<String> {
    let ids: HashSet<String> = attribute_values(html, "id")
        .into_iter()
        .map(unescape)
        .collect();
    let mut missing: Vec<String> = attribute_values(html, "href")
        .into_iter()
        .filter_map(|h| h.strip_prefix('#'))
        .map(|h| {
            let raw = unescape(h);
            percent_decode(&raw)
        })
        .filter(|target| !ids.contains(target))
        .collect();
    missing.sort();
    missing.dedup();
    missing
}

/// `%xx` escapes decoded (links are percent-encoded, ids are not).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn every_in_page_link_of_print_lands_on_an_anchor_that_exists() {
    // The example: bodies, components, the clauses and the SoA.
    let print = read(example_site(), "print.html");
    assert_eq!(missing_anchors(&print), Vec::<String>::new());
    assert!(
        print.contains("href=\"#clauses.html--clause-9.2.2\""),
        "clause links are anchors of the print"
    );
    assert!(print.contains("id=\"clauses.html--clause-9.2.2\""));

    // A placeholder link, a link to the top of another page, to a clause
    // and to a heading, written in bodies.
    let book = fixture("minimal");
    edit(book.path(), "content/policies/access-control.md", |t| {
        t.replace("clas", "clauses: [\"9.2\"]\nclas")
            + "\n## Reviews\n\nA [placeholder](#), [the audit](clause:9.2), [reviews](#reviews), [the backup](../procedures/backup.md#) and [home](../index.md).\n"
    });
    let site = book.path().join("site");
    let run = build(book.path(), &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let print = read(&site, "print.html");
    assert_eq!(missing_anchors(&print), Vec::<String>::new());
    assert!(
        print.contains("<a href=\"#policies/access-control.html\">placeholder</a>"),
        "a placeholder leads to the top of its document"
    );
    assert!(print.contains("<a href=\"#clauses.html--clause-9.2\">the audit</a>"));
    assert!(print.contains("<a href=\"#policies/access-control.html--reviews\">reviews</a>"));
    assert!(print.contains("<a href=\"#procedures/backup.html\">the backup</a>"));

    // A starter handbook: most controls without a statement.
    let (_tmp, dir) = starter();
    let site = dir.join("site");
    let run = build(&dir, &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        missing_anchors(&read(&site, "print.html")),
        Vec::<String>::new()
    );
}

#[test]
fn controls_without_a_statement_are_one_compact_table() {
    let (_tmp, dir) = starter();
    let site = dir.join("site");
    let run = build(&dir, &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let print = read(&site, "print.html");
    let statements = std::fs::read_dir(dir.join("content/controls"))
        .unwrap()
        .count();
    let gaps = 93 - statements;
    // One document per statement, and no page that only says "No statement".
    let part = &print
        [print.find("id=\"part-controls\"").unwrap()..print.find("id=\"part-guidance\"").unwrap()];
    assert_eq!(
        part.matches("<article class=\"print-doc\"").count(),
        statements,
        "{part}"
    );
    assert!(!part.contains("No statement"), "{part}");
    let table = &part[part.find("id=\"part-gaps\"").unwrap()..];
    assert!(table.contains(&format!(
        "These {gaps} Annex A controls have no implementation statement yet"
    )));
    assert_eq!(table.matches("<tr id=\"controls/").count(), gaps);
    assert!(table.contains("<tr id=\"controls/8.24.html\"><td class=\"id\">8.24</td><td><a href=\"#guidance/8.24.html\">Use of cryptography</a></td><td>Technological</td></tr>"), "{table}");
    // The SoA still links each control to its place.
    assert!(print.contains("<a href=\"#controls/8.24.html\">8.24</a> Use of cryptography"));
}

#[test]
fn the_cover_names_the_organisation_build_commit_and_contents() {
    let print = read(example_site(), "print.html");
    let start = print.find("<header class=\"print-cover\">").unwrap();
    let cover = &print[start..start + print[start..].find("</header>").unwrap()];
    assert!(
        cover.contains("<div><dt>Organisation</dt><dd>Kestrel Ledger Ltd</dd></div>"),
        "{cover}"
    );
    assert!(cover.contains(&format!(
        "<div><dt>Built</dt><dd><time datetime=\"{TODAY}\">{TODAY}</time></dd></div>"
    )));
    let head = Command::new("git")
        .current_dir(repo())
        .args(["log", "-1", "--format=%h %cs", "--", "content"])
        .output()
        .ok()
        .filter(|o| o.status.success());
    match head {
        // The commit that was checked out: the newest of the whole history.
        Some(_) => assert!(
            cover.contains("<div><dt>Git commit</dt><dd><code>"),
            "{cover}"
        ),
        None => assert!(cover.contains("Not in a git repository")),
    }
    // The table of contents: every part, each policy, by anchors.
    for anchor in [
        "#index.html",
        "#clauses.html",
        "#part-policies",
        "#policies/backup.html",
        "#soa.html",
        "#risks.html",
        "#treatment-plan.html",
        "#part-controls",
        "#part-guidance",
        "#part-roles",
        "#part-pages",
    ] {
        assert!(
            cover.contains(&format!("href=\"{anchor}\"")),
            "{anchor} in {cover}"
        );
    }
    // Clauses 4–10 are printed, with their readiness.
    let clauses = &print[print
        .find("<section class=\"print-part\" id=\"clauses.html\"")
        .unwrap()..];
    assert!(clauses.contains("required items of documented information are present"));
    assert!(clauses.contains("<h4 id=\"clauses.html--clause-9.2-heading\"><span class=\"clause-id\">Clause 9.2</span> Internal audit</h4>"));
}

/// The PDF Chromium prints from `page`, into `dir`.
fn print_to_pdf(chromium: &Path, page: &Path, dir: &Path) -> PathBuf {
    let pdf = dir.join("handbook.pdf");
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success() && pdf.is_file(), "chromium printed no PDF");
    pdf
}

/// What a PDF is: its page count, page size in points, and how many
/// characters are set in each font size (points, to a third of one).
struct Pdf {
    pages: usize,
    size: (f64, f64),
    chars_by_size: BTreeMap<u32, usize>,
}

impl Pdf {
    /// Reads `pdf` with pdfinfo and pdftohtml (`-xml -zoom 3`: every
    /// `fontspec` size is the size on the page, transformed, times 3).
    fn read(pdfinfo: &Path, pdftohtml: &Path, pdf: &Path) -> Pdf {
        let info = Command::new(pdfinfo).arg(pdf).output().unwrap();
        let info = String::from_utf8_lossy(&info.stdout).into_owned();
        let field = |name: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(str::trim)
                .unwrap_or_else(|| panic!("no {name} in {info}"))
                .to_owned()
        };
        let pages = field("Pages:").parse().unwrap();
        let size = field("Page size:");
        let mut dims = size.split_whitespace();
        let w: f64 = dims.next().unwrap().parse().unwrap();
        dims.next();
        let h: f64 = dims.next().unwrap().parse().unwrap();

        let xml = Command::new(pdftohtml)
            .args(["-xml", "-i", "-q", "-zoom", "3", "-stdout"])
            .arg(pdf)
            .output()
            .unwrap();
        let xml = String::from_utf8_lossy(&xml.stdout).into_owned();
        let mut sizes: BTreeMap<String, u32> = BTreeMap::new();
        for spec in xml.split("<fontspec ").skip(1) {
            let value = |name: &str| {
                let at = spec.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                spec[at..at + spec[at..].find('"').unwrap()].to_owned()
            };
            sizes.insert(value("id"), value("size").parse().unwrap());
        }
        let mut chars_by_size: BTreeMap<u32, usize> = BTreeMap::new();
        for text in xml.split("<text ").skip(1) {
            let at = text.find("font=\"").unwrap() + 6;
            let font = &text[at..at + text[at..].find('"').unwrap()];
            let body = &text[text.find('>').unwrap() + 1..text.find("</text>").unwrap()];
            let mut n = 0;
            let mut in_tag = false;
            for c in body.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag && !c.is_whitespace() => n += 1,
                    _ => {}
                }
            }
            *chars_by_size.entry(sizes[font]).or_default() += n;
        }
        Pdf {
            pages,
            size: (w, h),
            chars_by_size,
        }
    }

    /// The size most characters are set in (the body text), in points.
    fn body(&self) -> f64 {
        let (size, _) = self.chars_by_size.iter().max_by_key(|(_, n)| **n).unwrap();
        f64::from(*size) / 3.0
    }

    /// The smallest size any character is set in, in points.
    fn smallest(&self) -> f64 {
        f64::from(*self.chars_by_size.keys().next().unwrap()) / 3.0
    }

    /// The share of characters set at `points` or larger.
    fn share_at_least(&self, points: f64) -> f64 {
        let total: usize = self.chars_by_size.values().sum();
        let big: usize = self
            .chars_by_size
            .iter()
            .filter(|(s, _)| f64::from(**s) / 3.0 >= points - 0.01)
            .map(|(_, n)| n)
            .sum();
        big as f64 / total as f64
    }
}

/// Chromium, pdfinfo and pdftohtml, or None (the test skips) outside CI.
fn printing_tools() -> Option<(PathBuf, PathBuf, PathBuf)> {
    let chromium = chromium()?;
    let install = "install poppler-utils (apt-get install poppler-utils)";
    let pdfinfo = required(on_path("pdfinfo"), "pdfinfo is not installed", install)?;
    let pdftohtml = required(on_path("pdftohtml"), "pdftohtml is not installed", install)?;
    Some((chromium, pdfinfo, pdftohtml))
}

#[test]
fn the_printed_pdf_is_a4_with_body_text_of_at_least_10_pt() {
    let Some((chromium, pdfinfo, pdftohtml)) = printing_tools() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let pdf = print_to_pdf(&chromium, &example_site().join("print.html"), tmp.path());
    let pdf = Pdf::read(&pdfinfo, &pdftohtml, &pdf);
    let (w, h) = pdf.size;
    assert!(
        (w - 595.3).abs() < 1.5 && (h - 841.9).abs() < 1.5,
        "A4 is 595 × 842 pt, not {w} × {h}"
    );
    // Nothing wider than the page: Chromium would shrink all of it.
    assert!(
        pdf.body() >= 10.0,
        "body text at {} pt: {:?}",
        pdf.body(),
        pdf.chars_by_size
    );
    assert!(pdf.share_at_least(10.0) > 0.85, "{:?}", pdf.chars_by_size);
    assert!(
        pdf.smallest() >= 6.9,
        "smallest text at {} pt",
        pdf.smallest()
    );
    eprintln!(
        "example: {} A4 pages, body {:.2} pt, smallest {:.2} pt, {:.0} % of characters at 10 pt or more",
        pdf.pages,
        pdf.body(),
        pdf.smallest(),
        pdf.share_at_least(10.0) * 100.0
    );
}

#[test]
fn print_paper_letter_prints_letter_and_a_starter_fits_its_pages() {
    let Some((chromium, pdfinfo, pdftohtml)) = printing_tools() else {
        return;
    };
    let (tmp, dir) = starter();
    edit(&dir, "book.toml", |t| {
        t.replace("[output.html]", "[output.html]\nprint-paper = \"letter\"")
    });
    let site = dir.join("site");
    let run = build(&dir, &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = print_to_pdf(&chromium, &site.join("print.html"), tmp.path());
    let pdf = Pdf::read(&pdfinfo, &pdftohtml, &pdf);
    let (w, h) = pdf.size;
    assert!(
        (w - 612.0).abs() < 1.5 && (h - 792.0).abs() < 1.5,
        "Letter is 612 × 792 pt, not {w} × {h}"
    );
    assert!(
        pdf.body() >= 10.0,
        "body text at {} pt: {:?}",
        pdf.body(),
        pdf.chars_by_size
    );
    // 90 controls without a statement take a table, not a page each.
    assert!(pdf.pages < 60, "{} pages", pdf.pages);
    eprintln!(
        "starter: {} Letter pages, body {:.2} pt",
        pdf.pages,
        pdf.body()
    );
}
