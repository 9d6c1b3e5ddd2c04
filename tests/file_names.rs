//! Content files with any name link correctly: every link is built from
//! percent-encoded path segments, and a file name that reads as a URL
//! scheme (`javascript:…`) cannot become a link that runs code.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::Path;

use common::*;

/// Odd file names, and how a writer links to each from the top folder.
pub const ODD: [(&str, &str); 9] = [
    ("my notes.md", "my%20notes.md"),
    ("100%.md", "100%25.md"),
    ("what?.md", "what%3F.md"),
    ("a#b.md", "a%23b.md"),
    ("back\\slash.md", "back%5Cslash.md"),
    ("\"quoted\".md", "%22quoted%22.md"),
    ("it's.md", "it's.md"),
    ("über straße.md", "<über straße.md>"),
    ("dossier été/ça.md", "dossier%20%C3%A9t%C3%A9/%C3%A7a.md"),
];

/// The minimal fixture with a page for each odd name (titled after its
/// index), a page linking to all of them, and an attacker's file name.
fn odd_handbook() -> tempfile::TempDir {
    let book = fixture("minimal");
    let mut links = String::from("---\ntitle: Links\n---\n");
    for (i, (name, link)) in ODD.iter().enumerate() {
        write(
            book.path(),
            &format!("content/{name}"),
            &format!("---\ntitle: Odd {i}\n---\n## Part\n\nText of odd page {i}.\n"),
        );
        let part = match link.strip_prefix('<') {
            Some(inner) => format!("<{}#part>", inner.trim_end_matches('>')),
            None => format!("{link}#part"),
        };
        links.push_str(&format!("- [{i}]({link})\n- [{i} part]({part})\n"));
    }
    write(book.path(), "content/links.md", &links);
    write(book.path(), "content/files/plan (v2) #1.txt", "plan");
    links.push_str("- [plan](files/plan%20(v2)%20%231.txt)\n");
    write(book.path(), "content/links.md", &links);
    write(
        book.path(),
        "content/javascript:alert(document.domain).md",
        "---\ntitle: Click me\n---\nHello.\n",
    );
    book
}

/// Every page of the site, by its path (a `\\` in a name kept as it is).
fn pages(site: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(site)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e.path().strip_prefix(site).unwrap();
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            parts.join("/")
        })
        .collect();
    out.sort();
    out
}

/// Every `href` and `src` of every page, with the page it is on.
fn all_links(site: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for page in pages(site) {
        let html = read(site, &page);
        for name in ["href", "src"] {
            for value in attribute_values(&html, name) {
                out.push((page.clone(), unescape(value)));
            }
        }
    }
    out
}

/// The site file a relative link from `page` leads to.
fn target(site: &Path, page: &str, link: &str) -> std::path::PathBuf {
    let path = link.split('#').next().unwrap();
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .unwrap();
    let dir = Path::new(page).parent().unwrap();
    site.join(dir).join(decoded.as_ref())
}

#[test]
fn a_file_name_that_reads_as_a_scheme_never_becomes_a_scheme() {
    let book = odd_handbook();
    let site = book.path().join("out");
    let run = build(book.path(), &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        site.join("javascript:alert(document.domain).html")
            .is_file()
    );

    let contents = read(&site, "contents.html");
    assert!(
        contents.contains(r#"href="./javascript:alert(document.domain).html""#),
        "{contents}"
    );
    for (page, link) in all_links(&site) {
        let scheme = link
            .split_once(':')
            .map(|(s, _)| s.to_ascii_lowercase())
            .filter(|s| !s.contains(['/', '#', '?']));
        assert_ne!(scheme.as_deref(), Some("javascript"), "{page}: {link}");
    }
    let mut in_search = 0;
    for chunk in std::fs::read_dir(site.join("search/d")).unwrap() {
        let text = std::fs::read_to_string(chunk.unwrap().path()).unwrap();
        assert!(!text.contains("\"javascript:"), "{text}");
        in_search += text
            .matches("\"./javascript:alert(document.domain).html\"")
            .count();
    }
    assert_eq!(in_search, 1, "the page is in the search index once");
}

#[test]
fn every_link_of_the_site_leads_to_a_file_whatever_its_name() {
    let book = odd_handbook();
    let site = book.path().join("out");
    let run = build(book.path(), &site);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let mut checked = 0;
    for (page, link) in all_links(&site) {
        let external = link.starts_with("http:") || link.starts_with("https:");
        if external || link.starts_with('#') || link.starts_with("mailto:") {
            continue;
        }
        assert!(
            target(&site, &page, &link).is_file(),
            "{page}: `{link}` leads to no file"
        );
        checked += 1;
    }
    assert!(checked > 1000, "{checked} links checked");

    // The page of links points at each odd page (and its heading).
    let links = read(&site, "links.html");
    for (i, (name, _)) in ODD.iter().enumerate() {
        let page = name.trim_end_matches(".md");
        let hrefs: Vec<String> = attribute_values(&links, "href")
            .into_iter()
            .map(unescape)
            .filter(|h| target(&site, "links.html", h) == site.join(format!("{page}.html")))
            .collect();
        assert_eq!(
            hrefs.len(),
            2,
            "odd page {i} ({name}) is linked twice: {hrefs:?}"
        );
        assert!(hrefs[1].ends_with("#part"), "{hrefs:?}");
        assert!(
            !hrefs[0].contains([' ', '"', '\'', '\\', '?']) && hrefs[0].is_ascii(),
            "{hrefs:?} is percent-encoded"
        );
    }
}

#[test]
fn the_print_page_links_odd_names_to_their_anchors() {
    let book = odd_handbook();
    let site = book.path().join("out");
    let run = build(book.path(), &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let print = read(&site, "print.html");
    let ids: std::collections::HashSet<String> = attribute_values(&print, "id")
        .into_iter()
        .map(unescape)
        .collect();
    let mut anchors = 0;
    for link in attribute_values(&print, "href").into_iter().map(unescape) {
        if let Some(fragment) = link.strip_prefix('#') {
            if fragment.is_empty() || fragment == "main" {
                continue;
            }
            assert!(ids.contains(fragment), "print.html: no id for `{link}`");
            anchors += 1;
        } else if !link.contains(':') || link.starts_with("./") {
            assert!(
                target(&site, "print.html", &link).is_file(),
                "print.html: `{link}` leads to no file"
            );
        }
    }
    assert!(anchors > 100, "{anchors} anchors");
    for i in 0..ODD.len() {
        assert!(print.contains(&format!("Text of odd page {i}.")));
    }
}
