//! What a reader sees in pages built from the minimal fixture: escaping,
//! link rewriting, review dates, reproducibility.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::Path;

use common::*;

fn built(edit: impl FnOnce(&Path)) -> (tempfile::TempDir, std::path::PathBuf) {
    let book = fixture("minimal");
    edit(book.path());
    let dest = book.path().join("out");
    let run = build(book.path(), &dest);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (book, dest)
}

#[test]
fn front_matter_values_are_html_escaped() {
    let (_book, site) = built(|r| {
        let p = r.join("content/policies/access-control.md");
        let text = std::fs::read_to_string(&p).unwrap();
        let text = text
            .replace(
                "title: Access Control Policy",
                "title: \"<script>alert(1)</script> & Co\"",
            )
            .replace("version: \"1.0\"", "version: \"<b>2</b>\"");
        std::fs::write(&p, text).unwrap();
    });
    let page = read(&site, "policies/access-control.html");
    assert!(
        !page.contains("<script>alert(1)</script>"),
        "raw script in output"
    );
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; Co")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"),
        "escaped title"
    );
    assert!(!page.contains("<b>2</b>"));
    // Listed elsewhere too, still escaped.
    let role = read(&site, "roles/ciso.html");
    assert!(!role.contains("<script>alert(1)"));
}

#[test]
fn typed_links_with_empty_text_show_the_target_title() {
    let (_book, site) = built(|_| {});
    let home = read(&site, "index.html");
    assert!(
        home.contains(r#"<a href="policies/access-control.html">Access Control Policy</a>"#),
        "{home}"
    );
    let policy = read(&site, "policies/access-control.html");
    assert!(policy.contains(r#"<a href="../controls/5.15.html">5.15 Access control</a>"#));
    assert!(policy.contains(r#"<a href="../roles/ciso.html">CISO</a>"#));
}

#[test]
fn relative_markdown_links_point_at_pages() {
    let (_book, site) = built(|_| {});
    let home = read(&site, "index.html");
    assert!(home.contains(r#"<a href="procedures/backup.html">backup procedure</a>"#));
    let page = read(&site, "procedures/backup.html");
    assert!(page.contains(r#"<a href="../index.html">home</a>"#));
}

#[test]
fn relations_declared_on_either_side_show_on_both() {
    let (_book, site) = built(|_| {});
    // The policy declares A.5.18; the statement of 5.15 declares the policy.
    let c518 = read(&site, "controls/5.18.html");
    assert!(
        c518.contains("../policies/access-control.html"),
        "policy side"
    );
    let policy = read(&site, "policies/access-control.html");
    assert!(policy.contains("../controls/5.18.html"));
    assert!(policy.contains("../controls/5.15.html"));
    // Controls without a statement are shown as gaps.
    assert!(c518.contains("Gap: no implementation statement"));
    let status = read(&site, "status.html");
    assert!(status.contains("Controls with no statement yet"));
    assert!(status.contains(r#"<a href="controls/5.18.html">5.18 Access rights</a>"#));
    let home = read(&site, "index.html");
    assert!(home.contains(r#"<span class="status-value">91</span> <span class="status-label">controls without a statement</span>"#), "{home}");
}

#[test]
fn role_pages_show_ownership_and_reading_list() {
    let (_book, site) = built(|_| {});
    let ciso = read(&site, "roles/ciso.html");
    assert!(ciso.contains("Dana Reyes"));
    let reading = &ciso[ciso.find("Onboarding reading list").unwrap()..];
    let reading = &reading[..reading.find("</section>").unwrap()];
    assert!(reading.contains("access-control.html"));
    assert!(
        !reading.contains("secure-development.html"),
        "audience is engineers only"
    );
    let engineer = read(&site, "roles/engineer.html");
    assert!(engineer.contains("Secure Development Policy"));
    assert!(
        engineer.contains(r#"href="../roles/ciso.html""#),
        "reports to"
    );
}

#[test]
fn review_dates_follow_today_then_source_date_epoch() {
    let book = fixture("minimal");
    let dest = book.path().join("out");
    // secure-development is due 2026-12-01.
    let run = build(book.path(), &dest);
    assert_eq!(run.code, 0);
    assert!(read(&dest, "status.html").contains("Due in 7 days"));

    // 2026-12-05T00:00:00Z: four days overdue.
    let run: Run = ismsbook()
        .args(["build"])
        .arg(book.path())
        .arg("-d")
        .arg(&dest)
        .env("SOURCE_DATE_EPOCH", "1796428800")
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let status = read(&dest, "status.html");
    assert!(status.contains("Overdue by 4 days"), "{status}");
    assert!(status.contains("built 2026-12-05"));
}

#[test]
fn builds_are_reproducible() {
    let book = fixture("minimal");
    let (a, b) = (book.path().join("a"), book.path().join("b"));
    assert_eq!(build(book.path(), &a).code, 0);
    assert_eq!(build(book.path(), &b).code, 0);
    for rel in html_files(&a) {
        assert_eq!(read(&a, &rel), read(&b, &rel), "{rel}");
    }
    assert_eq!(read(&a, "soa.csv"), read(&b, "soa.csv"));
}

#[test]
fn a_partial_theme_falls_back_to_the_built_in_templates() {
    let (_book, site) = built(|r| {
        std::fs::write(
            r.join("book.toml"),
            "[book]\ntitle = \"T\"\norganization = \"O\"\n[output.html]\ntheme = \"brand\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(r.join("brand/templates")).unwrap();
        std::fs::write(
            r.join("brand/templates/page.html"),
            "{% extends \"base.html\" %}{% block content %}<h1 class=\"branded\">{{ page.title }}</h1>{% endblock content %}",
        )
        .unwrap();
    });
    assert!(read(&site, "procedures/backup.html").contains("class=\"branded\""));
    assert!(read(&site, "soa.html").contains("Statement of Applicability"));
    assert!(site.join("static/style.css").is_file());
}

#[test]
fn a_partial_theme_with_its_own_stylesheet_keeps_the_built_in_rest() {
    // A theme folder with only static/style.css: every template comes from
    // the built-in theme, the stylesheet from the folder.
    let (_book, site) = built(|r| {
        std::fs::write(
            r.join("book.toml"),
            "[book]\ntitle = \"T\"\norganization = \"O\"\n[output.html]\ntheme = \"brand\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(r.join("brand/static")).unwrap();
        std::fs::write(
            r.join("brand/static/style.css"),
            "body { color: rebeccapurple }",
        )
        .unwrap();
    });
    assert_eq!(
        read(&site, "static/style.css"),
        "body { color: rebeccapurple }"
    );
    assert!(site.join("static/search.js").is_file());
    assert!(read(&site, "index.html").contains("static/style.css"));
}

#[test]
fn additional_css_is_copied_and_linked_after_the_theme() {
    let (_book, site) = built(|r| {
        let toml = std::fs::read_to_string(r.join("book.toml")).unwrap();
        std::fs::write(
            r.join("book.toml"),
            format!("{toml}\n[output.html]\nadditional-css = [\"brand/colours.css\"]\n"),
        )
        .unwrap();
        std::fs::create_dir_all(r.join("brand")).unwrap();
        std::fs::write(r.join("brand/colours.css"), ":root { --accent: #7a1f5c; }").unwrap();
    });
    assert_eq!(
        read(&site, "static/extra/colours.css"),
        ":root { --accent: #7a1f5c; }"
    );
    let page = read(&site, "policies/access-control.html");
    let theme = page.find("../static/style.css").unwrap();
    let extra = page.find("../static/extra/colours.css").unwrap();
    assert!(theme < extra, "linked after the theme's stylesheet");
}

#[test]
fn a_missing_additional_css_file_is_an_error_in_book_toml() {
    let book = fixture("minimal");
    let toml = std::fs::read_to_string(book.path().join("book.toml")).unwrap();
    std::fs::write(
        book.path().join("book.toml"),
        format!("{toml}\n[output.html]\nadditional-css = [\"nope.css\"]\n"),
    )
    .unwrap();
    let run = build(book.path(), &book.path().join("out"));
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("book.toml:6:20: error[config]: additional-css:")
            && run.stderr.contains("nope.css does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn raw_html_in_bodies_is_sanitised_unless_allowed() {
    let hostile = "\n<script>alert('x')</script>\n\n<p onmouseover=\"steal()\">Hover</p>\n\n<iframe src=\"https://evil.example/\"></iframe>\n";
    let add = |r: &Path| {
        let p = r.join("content/procedures/backup.md");
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, text + hostile).unwrap();
    };
    let (_book, site) = built(add);
    let page = read(&site, "procedures/backup.html");
    assert!(!page.contains("alert('x')"), "script removed");
    assert!(!page.contains("onmouseover"), "event handler removed");
    assert!(!page.contains("<iframe"), "iframe removed");
    assert!(page.contains(">Hover</p>"), "harmless HTML kept");

    let (_book, site) = built(|r| {
        add(r);
        let toml = std::fs::read_to_string(r.join("book.toml")).unwrap();
        std::fs::write(
            r.join("book.toml"),
            toml + "[output.html]\nallow-raw-html = true\n",
        )
        .unwrap();
    });
    assert!(
        read(&site, "procedures/backup.html").contains("<script>alert('x')</script>"),
        "opted out"
    );
}

#[test]
fn javascript_links_in_markdown_are_refused() {
    let book = fixture("minimal");
    let p = book.path().join("content/procedures/backup.md");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text + "\n[click](javascript:alert(1))\n").unwrap();
    let run = build(book.path(), &book.path().join("out"));
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("procedures/backup.md:9:1: error[unsafe-link]: `javascript:` links"),
        "{}",
        run.stderr
    );
}

#[test]
fn pages_show_when_their_source_last_changed_from_front_matter_or_git() {
    let book = fixture("minimal");
    let r = book.path();
    let git = |args: &[&str], date: &str| {
        let ok = std::process::Command::new("git")
            .current_dir(r)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
            .args(args)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    // Outside git: no date unless the front matter gives one.
    let out = r.join("out");
    assert_eq!(build(r, &out).code, 0);
    assert!(!read(&out, "policies/access-control.html").contains("last changed"));

    git(&["init", "-q"], "2026-01-01T00:00:00Z");
    git(&["add", "."], "2026-01-01T00:00:00Z");
    git(&["commit", "-q", "-m", "first"], "2026-03-04T10:00:00Z");
    let p = r.join("content/roles/ciso.md");
    std::fs::write(&p, std::fs::read_to_string(&p).unwrap() + "\nMore.\n").unwrap();
    git(&["commit", "-q", "-am", "second"], "2026-09-30T10:00:00Z");
    let p = r.join("content/procedures/backup.md");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        text.replacen("weight: 1", "weight: 1\nupdated: 2026-10-15", 1),
    )
    .unwrap();

    assert_eq!(build(r, &out).code, 0);
    let changed = |page: &str| {
        let html = read(&out, page);
        let at = html.find("last changed <time datetime=\"").map(|i| i + 29);
        at.map(|i| html[i..i + 10].to_owned())
    };
    assert_eq!(
        changed("policies/access-control.html").as_deref(),
        Some("2026-03-04")
    );
    assert_eq!(changed("roles/ciso.html").as_deref(), Some("2026-09-30"));
    assert_eq!(changed("controls/5.15.html").as_deref(), Some("2026-03-04"));
    // The front matter wins over git.
    assert_eq!(
        changed("procedures/backup.html").as_deref(),
        Some("2026-10-15")
    );
}

#[test]
fn code_blocks_are_highlighted_and_unknown_languages_build_plain() {
    let (_book, site) = built(|r| {
        let p = r.join("content/procedures/backup.md");
        let text = std::fs::read_to_string(&p).unwrap();
        let blocks = "\n```yaml\nbackup-tier: gold # <b>not bold</b>\n```\n\n```nosuchlang\nkeep <this> & that\n```\n";
        std::fs::write(&p, text + blocks).unwrap();
    });
    let page = read(&site, "procedures/backup.html");
    assert!(
        page.contains(r#"<pre class="hl-code" tabindex="0"><code class="language-yaml">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<span class="hl-entity hl-name hl-tag hl-yaml">backup-tier</span>"#),
        "{page}"
    );
    assert!(page.contains("&lt;b&gt;not bold&lt;/b&gt;") && !page.contains("<b>not bold"));
    assert!(
        page.contains(
            "<pre><code class=\"language-nosuchlang\">keep &lt;this&gt; &amp; that\n</code></pre>"
        ),
        "{page}"
    );
    assert!(page.contains(r#"<link rel="stylesheet" href="../static/highlight.css">"#));

    let css = read(&site, "static/highlight.css");
    for scheme in [
        "@media not all and (prefers-color-scheme: dark)",
        ":root[data-theme=\"light\"] .hl-code {",
        "@media (prefers-color-scheme: dark)",
        ":root[data-theme=\"dark\"] .hl-code {",
        "@media print",
    ] {
        assert!(css.contains(scheme), "{scheme}");
    }
}

#[test]
fn a_theme_shapes_the_print_page_by_part_and_by_kind() {
    // print/policy.html replaces how each policy is printed; a print.html
    // that leaves out `print.roles` prints no roles, and a forged marker in
    // the title stays text.
    let (_book, site) = built(|r| {
        std::fs::write(
            r.join("book.toml"),
            "[book]\ntitle = \"<!--ismsbook:print:policies-->\"\norganization = \"O\"\n[output.html]\ntheme = \"brand\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(r.join("brand/templates/print")).unwrap();
        std::fs::write(
            r.join("brand/templates/print/policy.html"),
            "<section class=\"printed-policy\" id=\"{{ anchor }}\">{{ policy.title }}</section>\n",
        )
        .unwrap();
        std::fs::write(
            r.join("brand/templates/print.html"),
            "{% extends \"base.html\" %}{% block content %}<h1>{{ site.title }}</h1>{{ print.policies | safe }}<div id=\"after\"></div>{% endblock content %}",
        )
        .unwrap();
    });
    let print = read(&site, "print.html");
    let policies = print.matches("class=\"printed-policy\"").count();
    let sources = std::fs::read_dir(site.parent().unwrap().join("content/policies"))
        .unwrap()
        .count();
    assert_eq!(policies, sources, "one fragment per policy:\n{print}");
    assert!(print.contains("id=\"policies/access-control.html\""));
    assert!(print.contains("&lt;!--ismsbook:print:policies--&gt;"));
    assert!(!print.contains("id=\"roles/"), "roles left out:\n{print}");
    assert!(print.find("printed-policy").unwrap() < print.find("id=\"after\"").unwrap());
}

#[test]
fn an_error_in_a_print_template_names_its_file_and_line() {
    let book = fixture("minimal");
    std::fs::write(
        book.path().join("book.toml"),
        "[book]\ntitle = \"T\"\norganization = \"O\"\n[output.html]\ntheme = \"brand\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(book.path().join("brand/templates/print")).unwrap();
    std::fs::write(
        book.path().join("brand/templates/print/role.html"),
        "<article>\n{{ role.no_such_field }}\n</article>\n",
    )
    .unwrap();
    let dest = book.path().join("out");
    let run = build(book.path(), &dest);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("brand/templates/print/role.html:2:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("print.html"), "{}", run.stderr);
    assert!(!dest.exists(), "nothing written");
}

#[cfg(unix)]
#[test]
fn a_rebuild_leaves_unchanged_pages_as_they_were() {
    // Unchanged pages are the same files (same inode, same modification
    // time), so a sync to a web server skips them; an edited page is new.
    use std::os::unix::fs::MetadataExt;
    let book = fixture("minimal");
    let dest = book.path().join("out");
    assert_eq!(build(book.path(), &dest).code, 0);
    let stamp = |rel: &str| {
        let m = std::fs::metadata(dest.join(rel)).unwrap();
        (m.ino(), m.modified().unwrap())
    };
    let (procedure, policy) = (
        stamp("procedures/backup.html"),
        stamp("policies/access-control.html"),
    );
    let source = book.path().join("content/policies/access-control.md");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, format!("{text}\nA new closing line.\n")).unwrap();
    assert_eq!(build(book.path(), &dest).code, 0);
    assert_eq!(stamp("procedures/backup.html"), procedure);
    assert_ne!(stamp("policies/access-control.html").0, policy.0);
    assert!(read(&dest, "policies/access-control.html").contains("A new closing line."));
}

#[test]
fn a_document_in_another_language_is_marked_and_the_interface_is_not() {
    let (_book, site) = built(|r| {
        edit(r, "content/policies/secure-development.md", |t| {
            t.replacen("---\n", "---\nlanguage: de\n", 1).replace(
                "title: Secure Development Policy",
                "title: Richtlinie zur sicheren Entwicklung",
            )
        });
    });
    let page = read(&site, "policies/secure-development.html");
    assert!(page.contains(r#"<html lang="de">"#), "{page}");
    assert!(page.contains(r#"<header class="site-header" lang="en">"#));
    assert!(page.contains(r#"<footer class="site-footer" lang="en">"#));
    assert!(
        page.contains(r#"<div lang="en">"#),
        "the metadata is in the book's language"
    );
    // Pages in the book's language carry no extra attributes.
    let other = read(&site, "policies/access-control.html");
    assert!(other.contains(r#"<html lang="en">"#));
    assert!(!other.contains(r#"<header class="site-header" lang="#));
    // Lists that name it mark its title; so does the print page.
    let list = read(&site, "reading/engineer.html");
    assert!(
        list.contains(r#"lang="de">Richtlinie zur sicheren Entwicklung</a>"#),
        "{list}"
    );
    let print = read(&site, "print.html");
    assert!(print.contains(r#"<h1 lang="de">Richtlinie zur sicheren Entwicklung</h1>"#));
    let pack = read(&site, "reading/print/engineer.html");
    assert!(pack.contains(r#"<h1 lang="de">Richtlinie zur sicheren Entwicklung</h1>"#));
}

#[test]
fn github_alerts_are_callouts_in_pages_and_print() {
    let (_book, site) = built(|r| {
        edit(r, "content/policies/access-control.md", |t| {
            t + "\n> [!WARNING]\n> Never share your *password*.\n\n> [!NOTE]\n> Ask the [](role:ciso).\n"
        });
    });
    let page = read(&site, "policies/access-control.html");
    assert!(
        page.contains("<div class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Warning</p>\n<p>Never share your <em>password</em>.</p>\n</div>"),
        "{page}"
    );
    assert!(page.contains(
        r#"<p>Ask the <a href="../roles/ciso.html">Chief Information Security Officer</a>.</p>"#
    ));
    for printed in ["print.html", "reading/print/index.html"] {
        let print = read(&site, printed);
        assert!(
            print.contains("<div class=\"callout callout-warning\" role=\"note\">"),
            "{printed}"
        );
        assert!(
            print.contains("<p class=\"callout-title\">Note</p>"),
            "{printed}"
        );
    }
}

#[test]
fn reading_lists_csv_quotes_fields_and_starts_urls_at_the_site_url() {
    let (_book, site) = built(|r| {
        edit(r, "book.toml", |t| {
            t + "\n[output.html]\nsite-url = \"/isms/\"\n"
        });
        edit(r, "content/policies/access-control.md", |t| {
            t.replace(
                "title: Access Control Policy",
                "title: \"Access, \\\"Control\\\" Policy\"",
            )
        });
    });
    let raw = read(&site, "reading-lists.csv");
    assert!(raw.contains("\r\n"));
    let mut reader = csv::Reader::from_reader(raw.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(
        rows,
        [
            [
                "Everyone",
                "",
                "access-control",
                "Access, \"Control\" Policy",
                "1.0",
                "1",
                "/isms/policies/access-control.html"
            ],
            // A role's rows are its own policies: everyone's are the rows
            // above, once, not once per role.
            [
                "Software Engineer",
                "engineer",
                "secure-development",
                "Secure Development Policy",
                "",
                "1",
                "/isms/policies/secure-development.html"
            ],
        ]
    );
}

#[test]
fn reading_lists_say_so_when_no_policy_names_their_audience() {
    let (_book, site) = built(|r| {
        edit(r, "content/policies/access-control.md", |t| {
            t.replace("audience: all\n", "")
        });
    });
    let hub = read(&site, "reading/index.html");
    assert!(hub.contains("No policy is on this list yet"), "{hub}");
    assert!(!hub.contains("data-policy="));
    let ciso = read(&site, "reading/ciso.html");
    assert!(ciso.contains("No policy is on this list yet"));
    let role = read(&site, "roles/ciso.html");
    assert!(role.contains("No policy names this role, or everyone, in its audience."));
    let pack = read(&site, "reading/print/ciso.html");
    assert!(pack.contains("No policy is on this list yet"));
    // The engineer's own policy is still there, under the role.
    let engineer = read(&site, "reading/engineer.html");
    assert!(engineer.contains(r#"<h2 id="own-heading">For the role Software Engineer</h2>"#));
    assert!(!engineer.contains("everyone-heading"));
}

#[test]
fn a_reading_list_without_javascript_is_a_plain_list_of_links() {
    let (_book, site) = built(|_| {});
    let list = read(&site, "reading/engineer.html");
    // No checkbox in the page itself: static/reading.js adds them.
    assert!(!list.contains("checkbox"), "{list}");
    assert!(list.contains(r#"<script src="../static/reading.js" defer></script>"#));
    assert!(list.contains(r#"<div class="reading-status" data-reading-status hidden>"#));
    assert!(list.contains(
        r#"<li data-policy="access-control" data-edition="1.0"><a href="../policies/access-control.html">Access Control Policy</a> <span class="note">version 1.0 · about 1 min</span></li>"#
    ), "{list}");
    // No version: the effective date, else nothing, is the edition.
    assert!(list.contains(r#"<li data-policy="secure-development" data-edition="">"#));
    // Nothing in the script sends anything anywhere.
    let script = read(&site, "static/reading.js");
    for call in [
        "fetch(",
        "XMLHttpRequest",
        "sendBeacon",
        "WebSocket",
        "http",
    ] {
        assert!(!script.contains(call), "{call}");
    }
}

#[test]
fn a_reading_list_too_long_to_print_whole_gets_its_list_and_sheet() {
    let (_book, site) = built(|r| {
        for i in 0..101 {
            write(
                r,
                &format!("content/policies/p{i:03}.md"),
                &format!(
                    "---\ntitle: Policy {i:03}\nowner: ciso\nversion: \"1.{i}\"\naudience: all\n---\nRead me.\n"
                ),
            );
        }
    });
    // Everyone's pack holds them all: too many to print in full.
    let pack = read(&site, "reading/print/index.html");
    assert!(
        pack.contains("This list holds 102 policies, more than the 100 a pack prints in full"),
        "{pack}"
    );
    assert!(!pack.contains(r#"<article class="print-doc""#));
    // The list leads to the policies' pages; the sheet still lists them all.
    assert!(pack.contains(r#"<a href="../../policies/p000.html">Policy 000</a>"#));
    assert_eq!(
        pack.matches(r#"<td class="blank"></td><td class="blank"></td>"#)
            .count(),
        102
    );
    // A role's pages do not repeat 102 policies: they name everyone's list,
    // and keep the role's own (the engineer's secure development policy).
    for page in ["reading/engineer.html", "roles/engineer.html"] {
        let html = read(&site, page);
        assert!(
            html.contains("Everyone’s 102 policies (about 102 minutes) come first"),
            "{page}"
        );
        assert!(!html.contains("p000.html"), "{page}");
        assert!(html.contains("secure-development.html"), "{page}");
    }
    let engineer = read(&site, "reading/print/engineer.html");
    assert!(
        !engineer.contains("more than the 100"),
        "its own list prints whole"
    );
    assert!(engineer.contains(r#"<article class="print-doc""#));
    assert!(engineer.contains("And everyone’s 102 policies, signed on"));
    assert_eq!(
        engineer
            .matches(r#"<td class="blank"></td><td class="blank"></td>"#)
            .count(),
        1
    );
}
