//! Hostile input: huge, deep, odd or malicious files give a clear error or a
//! clean build, never a panic, a hang or exhausted memory.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::Path;

use common::*;

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Builds the minimal fixture with `edit` applied; returns the run and the site.
fn build_with(edit: impl FnOnce(&Path)) -> (Run, tempfile::TempDir) {
    let book = fixture("minimal");
    edit(book.path());
    let run = build(book.path(), &book.path().join("out"));
    assert!(!run.stderr.contains("panicked"), "panic:\n{}", run.stderr);
    (run, book)
}

/// The build succeeds.
fn builds(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let (run, book) = build_with(edit);
    assert_eq!(run.code, 0, "{}", run.stderr);
    book
}

/// The build fails with `message` at `file:line`.
fn fails(edit: impl FnOnce(&Path), file: &str, line: usize, message: &str) {
    let (run, _) = build_with(edit);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let at = format!("{file}:{line}:");
    assert!(
        run.stderr
            .lines()
            .any(|l| l.contains(&at) && l.contains(message)),
        "expected `{at} ... {message}` in:\n{}",
        run.stderr
    );
}

const PAGE: &str = "---\ntitle: Odd page\n---\n";

#[test]
fn a_10_mb_file_builds() {
    let book = builds(|r| {
        let para = "Access is reviewed every quarter by the owner of each system. ".repeat(16);
        let mut body = String::from(PAGE);
        while body.len() < 10 * 1024 * 1024 {
            body.push_str("## Section\n\n");
            body.push_str(&para);
            body.push_str("\n\n");
        }
        write(r, "content/big.md", body);
    });
    let page = read(&book.path().join("out"), "big.html");
    assert!(page.len() > 10 * 1024 * 1024);
}

#[test]
fn ten_thousand_deep_markdown_nesting_builds() {
    builds(|r| {
        let quotes = format!("{PAGE}{} deep\n", ">".repeat(10_000));
        write(r, "content/quotes.md", quotes);
        let mut list = String::from(PAGE);
        for depth in 0..10_000 {
            list.push_str(&"  ".repeat(depth));
            list.push_str("- item\n");
        }
        write(r, "content/list.md", list);
        let brackets = format!("{PAGE}{}x{}\n", "[".repeat(10_000), "]".repeat(10_000));
        write(r, "content/brackets.md", brackets);
    });
}

#[test]
fn ten_thousand_deep_yaml_nesting_is_an_error() {
    fails(
        |r| {
            let yaml = format!(
                "---\ntitle: Deep\nextra:\n  x: {}{}\n---\n",
                "[".repeat(10_000),
                "]".repeat(10_000)
            );
            write(r, "content/deep.md", yaml);
        },
        "content/deep.md",
        4,
        "recursion limit exceeded",
    );
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let book = builds(|r| {
        write(r, "content/bom.md", format!("\u{feff}{PAGE}Text.\n"));
    });
    assert!(read(&book.path().join("out"), "bom.html").contains("Odd page"));
}

#[test]
fn crlf_line_endings_build_and_errors_keep_their_lines() {
    builds(|r| {
        write(
            r,
            "content/crlf.md",
            "---\r\ntitle: Windows\r\n---\r\n## Heading\r\n\r\nText.\r\n",
        );
    });
    fails(
        |r| {
            write(
                r,
                "content/policies/crlf.md",
                "---\r\ntitle: Windows\r\nowner: nobody\r\n---\r\nText.\r\n",
            );
        },
        "content/policies/crlf.md",
        3,
        "no role has the id `nobody`",
    );
}

#[test]
fn an_empty_file_is_an_error_that_says_what_is_missing() {
    fails(
        |r| write(r, "content/empty.md", ""),
        "content/empty.md",
        1,
        "front matter",
    );
}

#[test]
fn a_file_that_is_only_front_matter_builds() {
    let book = builds(|r| write(r, "content/only.md", "---\ntitle: Only front matter\n---"));
    assert!(read(&book.path().join("out"), "only.html").contains("Only front matter"));
}

#[test]
fn a_front_matter_block_never_closed_is_an_error() {
    fails(
        |r| {
            write(
                r,
                "content/open.md",
                "---\ntitle: Open\n\nNo closing line.\n",
            )
        },
        "content/open.md",
        1,
        "never closed",
    );
}

#[test]
fn a_billion_laughs_document_is_refused_without_exhausting_memory() {
    let mut yaml = String::from(
        "---\ntitle: Laughs\nextra:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        yaml.push_str(&format!(
            "  {name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    yaml.push_str("---\n");
    fails(
        |r| write(r, "content/laughs.md", &yaml),
        "content/laughs.md",
        3,
        "repetition limit exceeded",
    );
}

#[test]
fn tabs_in_yaml_are_an_error_at_their_line() {
    fails(
        |r| {
            write(
                r,
                "content/tabs.md",
                "---\ntitle: Tabs\nextra:\n\tkey: value\n---\n",
            )
        },
        "content/tabs.md",
        4,
        "tab",
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_the_content_folder_is_an_error() {
    fails(
        |r| {
            std::fs::create_dir_all(r.join("content/loop")).unwrap();
            std::os::unix::fs::symlink("..", r.join("content/loop/again")).unwrap();
        },
        "content/loop/again",
        1,
        "loops back",
    );
}

#[test]
fn script_in_a_title_or_body_never_reaches_the_page_as_a_script() {
    let book = builds(|r| {
        write(
            r,
            "content/xss.md",
            "---\ntitle: \"</title><script>alert(1)</script>\"\n---\n<script>alert(2)</script>\n\n<img src=x onerror=alert(3)>\n\n<a href=\"javascript:alert(4)\">a</a>\n",
        );
    });
    let site = book.path().join("out");
    let page = read(&site, "xss.html");
    for bad in ["<script>alert", "onerror", "javascript:"] {
        assert!(!page.contains(bad), "{bad} reached the page:\n{page}");
    }
    assert!(
        page.contains("&lt;script&gt;alert(1)"),
        "title shown as text"
    );
    // The title is also in the contents list (the search data holds it as a
    // JSON string in a script file, where markup is inert; search.js escapes
    // it before showing it).
    assert!(!read(&site, "contents.html").contains("<script>alert(1)"));
}

#[test]
fn links_that_run_code_are_refused_however_they_are_spelled() {
    fails(
        |r| {
            write(
                r,
                "content/tab.md",
                format!("{PAGE}[x](<java\tscript:alert(1)>)\n"),
            )
        },
        "content/tab.md",
        4,
        "`javascript:` links can run code",
    );
    fails(
        |r| {
            write(
                r,
                "content/controls/5.1.md",
                "---\napplicable: true\njustification: \"Policies.\"\nstatus: implemented\nevidence:\n  - {title: \"Click\", link: \"JavaScript:alert(1)\"}\n---\n",
            )
        },
        "content/controls/5.1.md",
        6,
        "evidence link: `javascript:` links can run code",
    );
}

#[test]
fn raw_html_nested_50_000_deep_is_refused_where_it_gets_too_deep() {
    // 550 kB: sanitising it took 17.6 s, and again on every save in `serve`.
    fails(
        |r| {
            let deep = format!(
                "{PAGE}{}x{}\n",
                "<div>".repeat(50_000),
                "</div>".repeat(50_000)
            );
            write(r, "content/deep.md", deep);
        },
        "content/deep.md",
        4,
        "error[raw-html-too-complex]: elements nest more than 256 deep here",
    );
    fails(
        |r| {
            let attributes: String = (0..50_000).map(|i| format!(" a{i}=x")).collect();
            write(
                r,
                "content/wide.md",
                format!("{PAGE}<div{attributes}>x</div>\n"),
            );
        },
        "content/wide.md",
        4,
        "error[raw-html-too-complex]: this tag has more than 512 attributes",
    );
    // Deep Markdown alone is not sanitised, and raw HTML a little nested is.
    let book = builds(|r| {
        let quotes = format!("{PAGE}{} deep\n", ">".repeat(300));
        write(r, "content/quotes.md", quotes);
        let divs = format!("{PAGE}{}x{}\n", "<div>".repeat(200), "</div>".repeat(200));
        write(r, "content/divs.md", divs);
    });
    let divs = read(&book.path().join("out"), "divs.html");
    assert_eq!(divs.matches("<div>").count(), 200);
}
