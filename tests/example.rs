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

/// Policy id → (title, audience as written), from the example's sources.
fn audiences() -> BTreeMap<String, (String, Vec<String>)> {
    let mut audiences = BTreeMap::new();
    for entry in std::fs::read_dir(repo().join("content/policies")).unwrap() {
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
    audiences
}

fn role_ids() -> Vec<String> {
    let mut roles: Vec<String> = std::fs::read_dir(repo().join("content/roles"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    roles.sort();
    roles
}

/// The policies whose audience is `all` or names `role` (None: `all` only).
fn expected_list(role: Option<&str>) -> BTreeSet<String> {
    audiences()
        .into_iter()
        .filter(|(_, (_, aud))| aud.iter().any(|a| a == "all" || Some(a.as_str()) == role))
        .map(|(id, _)| id)
        .collect()
}

/// The `data-policy` ids of a reading-list page, in order.
fn checklist(page: &str) -> Vec<String> {
    attribute_values(page, "data-policy")
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[test]
fn role_reading_lists_hold_exactly_the_policies_addressed_to_them() {
    let everyone = expected_list(None);
    assert!(everyone.len() >= 5, "everyone reads {everyone:?}");
    for role in role_ids() {
        let expected = expected_list(Some(&role));
        // The role page's section.
        let page = read(site(), &format!("roles/{role}.html"));
        let list_start = page
            .find("Onboarding reading list")
            .expect("reading list section");
        let section =
            &page[list_start..page[list_start..].find("</section>").unwrap() + list_start];
        let shown: BTreeSet<String> = attribute_values(section, "href")
            .into_iter()
            .filter_map(|h| h.strip_prefix("../policies/"))
            .map(|h| h.trim_end_matches(".html").to_owned())
            .collect();
        assert_eq!(shown, expected, "reading list of {role}");
        assert!(section.contains(&format!(r#"href="../reading/{role}.html""#)));
        assert!(section.contains(&format!(r#"href="../reading/print/{role}.html""#)));

        // The checklist: everyone's policies first, then the role's own.
        let list = checklist(&read(site(), &format!("reading/{role}.html")));
        assert_eq!(
            list.iter().cloned().collect::<BTreeSet<_>>(),
            expected,
            "{role}"
        );
        assert_eq!(list.len(), expected.len(), "{role}: no policy twice");
        let first_own = list
            .iter()
            .position(|p| !everyone.contains(p))
            .unwrap_or(list.len());
        assert!(
            list[..first_own].iter().all(|p| everyone.contains(p)),
            "{role}: {list:?}"
        );
        assert!(
            list[first_own..].iter().all(|p| !everyone.contains(p)),
            "{role}: {list:?}"
        );
        // A list of its own: every role reads something everyone does not.
        assert!(first_own < list.len(), "{role} has no policy of its own");
    }
    let hub = checklist(&read(site(), "reading/index.html"));
    assert_eq!(hub.into_iter().collect::<BTreeSet<_>>(), everyone);
}

#[test]
fn reading_lists_csv_has_one_row_per_role_and_policy() {
    let raw = std::fs::read(site().join("reading-lists.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(raw.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "Role",
            "Role id",
            "Policy id",
            "Title",
            "Version",
            "Minutes",
            "URL"
        ]
    );
    let mut by_role: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let audiences = audiences();
    for row in reader.records() {
        let row = row.unwrap();
        let (role, policy) = (row[1].to_owned(), row[2].to_owned());
        assert_eq!(row[3], audiences[&policy].0, "title of {policy}");
        let source =
            std::fs::read_to_string(repo().join(format!("content/policies/{policy}.md"))).unwrap();
        assert_eq!(
            Some(row[4].to_owned()),
            field(&source, "version"),
            "{policy}"
        );
        assert!(row[5].parse::<u32>().unwrap() >= 1);
        assert_eq!(row[6], format!("policies/{policy}.html"));
        assert!(site().join(&row[6]).is_file());
        if role.is_empty() {
            assert_eq!(&row[0], "Everyone");
        }
        by_role.entry(role).or_default().insert(policy);
    }
    // Everyone's rows once; each role's rows are its own policies.
    let everyone = expected_list(None);
    assert_eq!(by_role.remove(""), Some(everyone.clone()));
    for role in role_ids() {
        let own: BTreeSet<String> = expected_list(Some(&role))
            .difference(&everyone)
            .cloned()
            .collect();
        assert_eq!(by_role.remove(&role).unwrap_or_default(), own, "{role}");
    }
    assert!(by_role.is_empty(), "{by_role:?}");
}

#[test]
fn onboarding_packs_hold_each_policy_in_full_and_a_sign_off_line_for_it() {
    for role in role_ids() {
        let pack = read(site(), &format!("reading/print/{role}.html"));
        let expected = expected_list(Some(&role));
        let (doc, sheet) = pack.split_at(
            pack.find(r#"id="signoff-heading""#)
                .expect("sign-off sheet"),
        );
        for policy in &expected {
            // Its full text, under the anchor the list links to.
            assert!(
                doc.contains(&format!(
                    r#"<article class="print-doc" id="policies/{policy}.html">"#
                )),
                "{role}: {policy}"
            );
            assert!(
                doc.contains(&format!(r##"href="#policies/{policy}.html""##)),
                "{role}: {policy}"
            );
            let source =
                std::fs::read_to_string(repo().join(format!("content/policies/{policy}.md")))
                    .unwrap();
            let title = field(&source, "title").unwrap();
            let version = field(&source, "version").unwrap();
            assert!(
                sheet.contains(&format!(
                    "<td>{title}</td><td>{version}</td><td class=\"blank\"></td>"
                )),
                "{role}: sign-off row for {policy}"
            );
        }
        assert_eq!(
            doc.matches(r#"<article class="print-doc""#).count(),
            expected.len()
        );
        for line in ["<dt>Name</dt>", "<dt>Signature</dt>", "<dt>Date</dt>"] {
            assert!(sheet.contains(line), "{role}: {line}");
        }
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
fn home_offers_every_reading_list_and_a_compact_status() {
    let home = read(site(), "index.html");
    let picker = &home[home
        .find(r#"<ul class="role-picker">"#)
        .expect("role picker")..];
    let picker = &picker[..picker.find("</ul>").unwrap()];
    let mut links = attribute_values(picker, "href");
    assert_eq!(links.remove(0), "reading/index.html");
    let roles: Vec<String> = role_ids()
        .iter()
        .map(|r| format!("reading/{r}.html"))
        .collect();
    assert_eq!(
        links.into_iter().collect::<BTreeSet<_>>(),
        roles.iter().map(String::as_str).collect()
    );
    // The status: small cards, each leading to what it counts.
    let cards = &home[home
        .find(r#"<ul class="status-cards">"#)
        .expect("status cards")..];
    let cards = &cards[..cards.find("</section>").unwrap()];
    for (name, url) in [
        ("controls", "soa.html"),
        ("gaps", "status.html#gaps"),
        ("reviews", "status.html#reviews"),
        ("policies", "policies/index.html"),
        ("roles", "roles/index.html"),
    ] {
        let at = cards
            .find(&format!("status-card status-{name}"))
            .unwrap_or_else(|| panic!("{name} card"));
        assert!(
            cards[at..].contains(&format!(r#"<a href="{url}">"#)),
            "{name} card links to {url}"
        );
    }
    // physical-security's review (2026-10-31) has passed on 2026-11-24.
    assert!(cards.contains("status-reviews status-alert"), "{cards}");
    assert!(
        cards.contains("policy review overdue · 1 due in 30 days"),
        "{cards}"
    );
    // Long lists live on the status page, not on the home page.
    assert!(!home.contains("<caption>Overdue</caption>"));
    assert!(!home.contains(r#"class="inline-list gaps""#));
}

#[test]
fn status_page_lists_gaps_and_reviews_relative_to_today() {
    let status = read(site(), "status.html");
    let overdue = &status[status
        .find("<caption>Overdue</caption>")
        .expect("overdue table")..];
    let overdue = &overdue[..overdue.find("</table>").unwrap()];
    assert!(
        overdue.contains("policies/physical-security.html"),
        "{overdue}"
    );
    assert!(overdue.contains("Overdue by 24 days"));
    let soon = &status[status
        .find("<caption>Due in the next 30 days</caption>")
        .expect("due-soon table")..];
    assert!(soon[..soon.find("</table>").unwrap()].contains("policies/supplier-security.html"));
    assert!(status.contains(r#"<h2 id="gaps">"#));
    assert!(status.contains("Every Annex A control has an implementation statement."));
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
