//! The example handbook (`content/` + `book.toml`) built by the real binary
//! into a temporary folder, and checked the way a reader would check it.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;

fn site() -> &'static Path {
    example_site()
}

/// The 93 control ids of ISO/IEC 27001:2022 Annex A, from the reference table.
fn control_ids() -> Vec<String> {
    let table =
        std::fs::read_to_string(repo().join("src/catalog/data/iso27001-2022-annex-a.tsv")).unwrap();
    table
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap().to_owned())
        .collect()
}

/// A top-level scalar front-matter field of a content file, as written.
fn field(text: &str, key: &str) -> Option<String> {
    let yaml = text.strip_prefix("---\n")?.split("\n---").next()?;
    yaml.lines().find_map(|l| {
        let v = l.strip_prefix(key)?.strip_prefix(':')?.trim();
        Some(v.trim_matches('"').trim_matches('\'').to_owned())
    })
}

/// A top-level list field (flow `[a, b]` or block `- a`), as written.
fn list_field(text: &str, key: &str) -> Vec<String> {
    let Some(yaml) = text
        .strip_prefix("---\n")
        .and_then(|t| t.split("\n---").next())
    else {
        return Vec::new();
    };
    let lines: Vec<&str> = yaml.lines().collect();
    let Some(start) = lines.iter().position(|l| l.starts_with(&format!("{key}:"))) else {
        return Vec::new();
    };
    let clean = |s: &str| s.trim().trim_matches('"').trim_matches('\'').to_owned();
    let inline = lines[start][key.len() + 1..].trim();
    if let Some(flow) = inline.strip_prefix('[') {
        return flow
            .trim_end_matches(']')
            .split(',')
            .map(clean)
            .filter(|s| !s.is_empty())
            .collect();
    }
    if !inline.is_empty() {
        return vec![clean(inline)];
    }
    lines[start + 1..]
        .iter()
        .take_while(|l| l.starts_with(' ') || l.starts_with('-'))
        .filter_map(|l| l.trim().strip_prefix("- ").map(clean))
        .collect()
}

#[test]
fn every_annex_a_control_has_a_page_linked_to_its_guidance_and_back() {
    let ids = control_ids();
    assert_eq!(ids.len(), 93);
    for id in &ids {
        let control = read(site(), &format!("controls/{id}.html"));
        let guidance = read(site(), &format!("guidance/{id}.html"));
        assert!(
            control.contains(&format!("href=\"../guidance/{id}.html\"")),
            "control {id} links to its guidance"
        );
        assert!(
            guidance.contains(&format!("href=\"../controls/{id}.html\"")),
            "guidance {id} links back to its control"
        );
    }
    let controls = html_files(&site().join("controls"));
    let guidance = html_files(&site().join("guidance"));
    assert_eq!(controls.len(), 94, "93 controls + catalog");
    assert_eq!(guidance.len(), 94, "93 guidance pages + index");
}

/// `text` with each Markdown link `[shown](target)` as its shown text.
fn link_text(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|i| open + i) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|i| close + i) else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..close]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn soa_page_and_csv_have_93_rows_that_agree_with_the_statements() {
    let html = read(site(), "soa.html");
    assert_eq!(html.matches("<tr id=\"c-").count(), 93);
    assert!(html.contains("href=\"soa.csv\""), "SoA links its CSV");

    let mut csv = csv::Reader::from_path(site().join("soa.csv")).unwrap();
    let headers = csv.headers().unwrap().clone();
    assert_eq!(&headers[0], "Control");
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 93);
    let raw = std::fs::read(site().join("soa.csv")).unwrap();
    assert!(raw.windows(2).any(|w| w == b"\r\n"), "RFC 4180 line ends");

    for (row, id) in rows.iter().zip(control_ids()) {
        assert_eq!(&row[0], id);
        let statement =
            std::fs::read_to_string(repo().join(format!("content/controls/{id}.md"))).unwrap();
        let applicable = field(&statement, "applicable").as_deref() != Some("false");
        assert_eq!(
            &row[3],
            if applicable { "Yes" } else { "No" },
            "{id} applicable"
        );
        let expected_status = match field(&statement, "status").as_deref() {
            None => "Not applicable",
            Some("implemented") => "Implemented",
            Some("partial") => "Partial",
            Some("planned") => "Planned",
            Some("not-implemented") => "Not implemented",
            Some(other) => panic!("{id}: unexpected status {other}"),
        };
        assert_eq!(&row[5], expected_status, "{id} status");
        // Links in a justification (`[R-05](risk:R-05)`) are plain text in the CSV.
        let justification = link_text(&field(&statement, "justification").unwrap());
        assert_eq!(&row[4], justification.as_str(), "{id} justification");
        // The HTML row shows the same status.
        let start = html.find(&format!("<tr id=\"c-{id}\">")).unwrap();
        let html_row = &html[start..start + html[start..].find("</tr>").unwrap()];
        assert!(
            html_row.contains(&format!(">{expected_status}</span>")),
            "{id}: {html_row}"
        );
    }
}

#[test]
fn role_reading_lists_hold_exactly_the_policies_addressed_to_them() {
    let dir = repo().join("content/policies");
    let mut audiences: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        audiences.insert(
            id,
            (
                field(&text, "title").unwrap(),
                list_field(&text, "audience"),
            ),
        );
    }
    for entry in std::fs::read_dir(repo().join("content/roles")).unwrap() {
        let role = entry
            .unwrap()
            .path()
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let page = read(site(), &format!("roles/{role}.html"));
        let list_start = page
            .find("Onboarding reading list")
            .expect("reading list section");
        let section =
            &page[list_start..page[list_start..].find("</section>").unwrap() + list_start];
        let shown: BTreeSet<String> = attribute_values(section, "href")
            .into_iter()
            .map(|h| {
                h.trim_start_matches("../policies/")
                    .trim_end_matches(".html")
                    .to_owned()
            })
            .collect();
        let expected: BTreeSet<String> = audiences
            .iter()
            .filter(|(_, (_, aud))| aud.iter().any(|a| a == "all" || *a == role))
            .map(|(id, _)| id.clone())
            .collect();
        assert_eq!(shown, expected, "reading list of {role}");
    }
}

/// Checks every link offline, as `lychee --offline` would: relative links
/// must reach a file of the site (and its anchor); links to other hosts are
/// not followed (the tests have no network), but must be well-formed
/// `http(s)://host/...` or `mailto:address` links.
#[test]
fn every_link_in_the_site_resolves_to_a_file_or_anchor() {
    let root = site();
    let mut broken = Vec::new();
    let mut checked = 0;
    let mut external = BTreeSet::new();
    for rel in html_files(root) {
        let html = read(root, &rel);
        let dir = Path::new(&rel)
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        for value in attribute_values(&html, "href")
            .into_iter()
            .chain(attribute_values(&html, "src"))
        {
            let value = unescape(value);
            if value.contains("://") || value.starts_with("mailto:") {
                if let Some(host) = external_host(&value) {
                    external.insert(host.to_owned());
                } else {
                    broken.push(format!("{rel}: {value} (malformed external link)"));
                }
                continue;
            }
            let (path, fragment) = value.split_once('#').unwrap_or((&value, ""));
            let target = if path.is_empty() {
                PathBuf::from(&rel)
            } else {
                normalise(&dir.join(path))
            };
            checked += 1;
            let file = root.join(&target);
            if !file.is_file() {
                broken.push(format!("{rel}: {value} (no file)"));
                continue;
            }
            if !fragment.is_empty() && target.extension().is_some_and(|e| e == "html") {
                let body = std::fs::read_to_string(&file).unwrap();
                if !body.contains(&format!("id=\"{fragment}\"")) {
                    broken.push(format!("{rel}: {value} (no anchor)"));
                }
            }
        }
    }
    assert!(checked > 5000, "checked {checked} links");
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
    // Its licensed ISO/IEC 27002 copy and its evidence: the fictional
    // company links only hosts under the reserved `.example` domain.
    assert!(!external.is_empty());
    assert!(
        external.iter().all(|h| h.ends_with(".example")),
        "{external:?}"
    );
}

/// The host (or mail domain) of a well-formed external link, else None.
fn external_host(link: &str) -> Option<&str> {
    if link.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    if let Some(address) = link.strip_prefix("mailto:") {
        let (user, domain) = address.split('?').next()?.split_once('@')?;
        return (!user.is_empty() && domain.contains('.')).then_some(domain);
    }
    let rest = link
        .strip_prefix("https://")
        .or_else(|| link.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    let valid = host.contains('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    valid.then_some(host)
}

fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                assert!(out.pop(), "link climbs out of the site: {}", path.display());
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn no_page_requests_another_host() {
    for rel in html_files(site()) {
        let html = read(site(), &rel);
        for tag in ["<script", "<link", "<img", "<iframe"] {
            for (i, _) in html.match_indices(tag) {
                let end = html[i..].find('>').unwrap() + i;
                let element = &html[i..end];
                assert!(!element.contains("://"), "{rel}: {element}");
            }
        }
    }
}

#[test]
fn home_shows_status_and_reviews_relative_to_today() {
    let home = read(site(), "index.html");
    assert!(home.contains("Reviews overdue"));
    // physical-security's review (2026-10-31) has passed on 2026-11-24.
    let overdue = &home[home
        .find("<caption>Overdue</caption>")
        .expect("overdue table")..];
    let overdue = &overdue[..overdue.find("</table>").unwrap()];
    assert!(
        overdue.contains("policies/physical-security.html"),
        "{overdue}"
    );
    assert!(overdue.contains("Overdue by 24 days"));
    let soon = &home[home
        .find("<caption>Due in the next 30 days</caption>")
        .expect("due-soon table")..];
    assert!(soon[..soon.find("</table>").unwrap()].contains("policies/supplier-security.html"));
}

#[test]
fn policy_page_shows_metadata_controls_and_history() {
    let page = read(site(), "policies/access-control.html");
    for expected in [
        "Owner",
        "Approver",
        "Version",
        "Effective",
        "Next review",
        "Classification",
        "Audience",
        "Revision history",
        "Annex A controls addressed",
    ] {
        assert!(page.contains(expected), "policy page shows {expected}");
    }
    assert!(
        page.contains("href=\"../roles/ciso.html\""),
        "owner is a role link"
    );
    assert!(
        page.contains("href=\"../controls/5.15.html\""),
        "addresses 5.15"
    );
}

#[test]
fn control_page_shows_everything_an_auditor_asks_for() {
    let page = read(site(), "controls/5.15.html");
    for expected in [
        "Access control",
        "Applicable",
        "Justification",
        "Status",
        "Owner",
        "Implementation",
        "Evidence",
        "ISO/IEC 27001:2013 predecessors",
        "A.9.1.1",
        "ISO/IEC 27002:2022 guidance for 5.15",
    ] {
        assert!(page.contains(expected), "control page shows {expected}");
    }
    let new_in_2022 = read(site(), "controls/5.7.html");
    assert!(new_in_2022.contains("New in the 2022 edition"));
    let not_applicable = read(site(), "controls/8.30.html");
    assert!(not_applicable.contains("badge-not-applicable"));
}

#[test]
fn guidance_pages_show_attributes_our_guidance_and_the_licensed_copy() {
    let page = read(site(), "guidance/5.15.html");
    assert!(page.contains("#Preventive"));
    assert!(page.contains("Our implementation guidance"));
    assert!(page.contains("https://standards.kestrel-ledger.example/iso27002-2022/5.15"));
    let without = read(site(), "guidance/6.2.html");
    assert!(without.contains("No organisation-specific guidance"));
}

#[test]
fn plain_pages_keep_their_path_and_are_listed() {
    let contents = read(site(), "contents.html");
    assert!(contents.contains("href=\"procedures/restore-test.html\""));
    assert!(site().join("scope.html").is_file());
    assert!(site().join("404.html").is_file());
}

#[test]
fn pages_do_not_grow_with_the_number_of_documents() {
    // The navigation is the same fixed set of section links on every page.
    let a = read(site(), "controls/5.1.html");
    let b = read(site(), "roles/ciso.html");
    let nav = |h: &str| {
        h[h.find("<nav class=\"site-nav\"").unwrap()..h.find("</nav>").unwrap()]
            .replace("../", "")
            .replace(" aria-current=\"page\"", "")
    };
    assert_eq!(nav(&a), nav(&b));
    assert_eq!(nav(&a).matches("<li>").count(), 9);
}

#[test]
fn print_html_holds_every_document_once_with_in_page_links() {
    let site = example_site();
    let print = read(site, "print.html");
    let anchors = |prefix: &str| -> Vec<String> {
        print
            .match_indices(&format!("id=\"{prefix}"))
            .map(|(i, _)| {
                let rest = &print[i + 4..];
                rest[..rest.find('"').unwrap()].to_owned()
            })
            .filter(|id| !id.contains("--"))
            .collect()
    };
    let once = |what: &str, ids: Vec<String>, expected: usize| {
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{what}: an anchor twice");
        assert_eq!(ids.len(), expected, "{what}: {ids:?}");
    };
    let files = |dir: &str| {
        std::fs::read_dir(repo().join("content").join(dir))
            .unwrap()
            .count()
    };
    once("policies", anchors("policies/"), files("policies"));
    once("controls", anchors("controls/"), 93);
    once("guidance", anchors("guidance/"), 93);
    once("roles", anchors("roles/"), files("roles"));
    once("procedures", anchors("procedures/"), files("procedures"));
    for page in [
        "index.html",
        "scope.html",
        "risk-methodology.html",
        "soa.html",
    ] {
        once(page, anchors(page), 1);
    }
    // The parts come in reading order.
    let at = |id: &str| print.find(&format!("id=\"{id}\"")).unwrap();
    assert!(at("index.html") < at("part-policies"));
    assert!(at("part-policies") < at("soa.html"));
    assert!(at("soa.html") < at("part-controls"));
    assert!(at("part-controls") < at("part-guidance"));
    assert!(at("part-guidance") < at("part-roles"));
    // Bodies link into the page, and their heading ids are unique to it.
    assert!(print.contains("href=\"#roles/ciso.html\""));
    assert!(print.contains("id=\"policies/access-control.html--purpose\""));
    assert!(
        !print.contains("href=\"../"),
        "no link relative to another page"
    );
}
