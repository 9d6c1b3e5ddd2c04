//! `ismsbook init`: the scaffold builds and checks without errors, nothing
//! is ever overwritten, and `--theme` copies a theme that renders the same.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::Path;

use common::tree::list;
use common::*;

/// `ismsbook init DIR --today TODAY` plus `args`.
fn init(dir: &Path, args: &[&str]) -> Run {
    ismsbook()
        .arg("init")
        .arg(dir)
        .args(["--today", TODAY])
        .args(args)
        .output()
        .expect("run ismsbook")
        .into()
}

/// The diagnostics of `ismsbook check --format json` in `dir`: (severity, rule, file).
fn check(dir: &Path) -> Vec<(String, String, String)> {
    let run: Run = ismsbook()
        .current_dir(dir)
        .args(["check", ".", "--format", "json", "--today", TODAY])
        .output()
        .expect("run ismsbook")
        .into();
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let field = |k: &str| d[k].as_str().unwrap().to_owned();
            (field("severity"), field("rule"), field("file"))
        })
        .collect()
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    list(dir)
        .into_iter()
        .filter(|rel| dir.join(rel).is_file())
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

#[test]
fn init_output_builds_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my-isms");
    let run = init(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("ismsbook serve"), "{}", run.stderr);
    assert!(run.stderr.contains("ismsbook check"), "{}", run.stderr);
    assert!(run.stderr.contains("cd "), "{}", run.stderr);

    let written: Vec<String> = list(&dir)
        .into_iter()
        .filter(|rel| dir.join(rel).is_file())
        .collect();
    assert_eq!(
        written,
        [
            ".gitignore",
            "book.toml",
            "content/controls/5.1.md",
            "content/controls/5.15.md",
            "content/controls/5.2.md",
            "content/index.md",
            "content/policies/information-security.md",
            "content/risks/R-01.md",
            "content/roles/information-security-manager.md",
            "content/roles/top-management.md",
        ]
        .map(|p| p.replace('/', std::path::MAIN_SEPARATOR_STR))
    );
    // A review a year from today: no review warning on the first day.
    let policy = read(&dir, "content/policies/information-security.md");
    assert!(policy.contains("\nreview: 2027-11-24\n"), "{policy}");
    assert!(read(&dir, ".gitignore").contains("/book/"));

    let site = tmp.path().join("site");
    let run = build(&dir, &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("error"), "{}", run.stderr);
    let home = read(&site, "index.html");
    assert!(
        home.contains("Your Organisation"),
        "organisation placeholder"
    );
    assert!(home.contains(r#"href="policies/information-security.html""#));
    let policy = read(&site, "policies/information-security.html");
    assert!(policy.contains("Information Security Policy"));
    assert!(policy.contains(r#"href="../roles/information-security-manager.html""#));
    for control in ["5.1", "5.2", "5.15"] {
        let page = read(&site, &format!("controls/{control}.html"));
        assert!(
            page.contains(r#"href="../policies/information-security.html""#),
            "{control} links its policy"
        );
        assert!(!page.contains("No statement"), "{control} has a statement");
    }
    for role in ["information-security-manager", "top-management"] {
        let page = read(&site, &format!("roles/{role}.html"));
        assert!(page.contains("Information Security Policy"), "{role}");
    }
    let soa = read(&site, "soa.csv");
    for control in ["5.1,", "5.2,", "5.15,"] {
        let row = soa.lines().find(|l| l.starts_with(control)).unwrap();
        let risks = if control == "5.15," { "R-01" } else { "" };
        // Then the evidence and the last change.
        assert!(
            row.contains(&format!(
                ",Partial,Information Security Manager,Information Security Policy,{risks},"
            )) || row.contains(&format!(
                ",Partial,Top Management,Information Security Policy,{risks},"
            )),
            "{row}"
        );
    }
    // The starter risk, on the default matrix written out in book.toml.
    assert!(read(&dir, "book.toml").contains("\n[risk]\n"));
    let risk = read(&site, "risks/R-01.html");
    assert!(risk.contains(">Medium</span>"), "residual 2 × 4 is medium");
    assert!(risk.contains(">High</span>"), "current 3 × 4 is high");
    let register = read(&site, "risks.html");
    assert!(register.contains(r#"href="risks/R-01.html""#));

    // No errors; warnings only for what a new handbook really lacks.
    let found = check(&dir);
    assert!(found.iter().all(|(severity, ..)| severity == "warning"));
    let mut rules: Vec<&str> = found.iter().map(|(_, rule, _)| rule.as_str()).collect();
    rules.sort();
    rules.dedup();
    assert_eq!(
        rules,
        [
            "clause-without-document",
            "control-without-statement",
            "policy-owner-vacant",
            "role-without-assignee"
        ],
        "{found:?}"
    );
    // The starter policy is the policy of 5.2; its risk gives 8.2, 8.3 and
    // 6.1.3 e; the SoA 6.1.3 d.
    let clauses = found
        .iter()
        .filter(|(_, rule, _)| rule == "clause-without-document")
        .count();
    assert_eq!(clauses, 11, "{found:?}");
    let gaps = found
        .iter()
        .filter(|(_, r, _)| r == "control-without-statement")
        .count();
    assert_eq!(gaps, 90);
}

#[test]
fn init_defaults_to_the_current_folder_and_takes_a_title_and_organisation() {
    let tmp = tempfile::tempdir().unwrap();
    let run: Run = ismsbook()
        .current_dir(tmp.path())
        .args(["init", "--today", TODAY])
        .args(["--title", r#"The "Handbook" \ of <Acme>"#])
        .args(["--organization", "Acme *Widgets* & [Co](javascript:x)"])
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("cd "), "{}", run.stderr);
    assert!(!run.stderr.contains("Your Organisation"), "{}", run.stderr);
    let site = tmp.path().join("site");
    let run = build(tmp.path(), &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = read(&site, "index.html");
    assert!(home.contains("The &quot;Handbook&quot; \\ of &lt;Acme&gt;"));
    // In the home page's text the name stays literal: no emphasis, no link.
    assert!(home.contains("handbook of Acme *Widgets* &amp; [Co](javascript:x)."));
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("book.toml"), "[book]\ntitle = \"Mine\"\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "keep me").unwrap();
    let before = snapshot(dir);
    let run = init(dir, &["--theme"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("book.toml already exists"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(snapshot(dir), before);

    // Any one file in the way stops it too, before anything is written.
    let other = tempfile::tempdir().unwrap();
    let roles = other.path().join("content/roles");
    std::fs::create_dir_all(&roles).unwrap();
    std::fs::write(roles.join("top-management.md"), "mine").unwrap();
    let before = list(other.path());
    let run = init(other.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("top-management.md already exists"),
        "{}",
        run.stderr
    );
    assert_eq!(list(other.path()), before);

    // A file where the handbook folder should be.
    let file = tmp.path().join("notes.txt");
    let run = init(&file, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("is not a folder"), "{}", run.stderr);

    // Bad arguments are exit code 2, and write nothing either.
    let empty = tmp.path().join("empty");
    let run = init(&empty, &["--title", " "]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!empty.exists());
}

#[test]
fn init_theme_copies_the_built_in_theme_and_builds_the_same_site() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain");
    let themed = tmp.path().join("themed");
    assert_eq!(init(&plain, &[]).code, 0);
    let run = init(&themed, &["--theme"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("themes/default"), "{}", run.stderr);

    let theme = themed.join("themes/default");
    for file in [
        "templates/base.html",
        "templates/page.html",
        "static/style.css",
    ] {
        let copied = std::fs::read(theme.join(file)).unwrap();
        let original = std::fs::read(repo().join("themes/default").join(file)).unwrap();
        assert_eq!(copied, original, "{file}");
    }
    let config = read(&themed, "book.toml");
    assert!(
        config
            .lines()
            .any(|l| l.starts_with(r#"theme = "themes/default""#)),
        "{config}"
    );
    assert!(
        !read(&plain, "book.toml")
            .lines()
            .any(|l| l.starts_with("theme")),
        "without --theme the built-in theme is used"
    );

    let (plain_site, themed_site) = (tmp.path().join("a"), tmp.path().join("b"));
    assert_eq!(build(&plain, &plain_site).code, 0);
    assert_eq!(build(&themed, &themed_site).code, 0);
    assert_eq!(snapshot(&plain_site), snapshot(&themed_site));

    // The copy is the theme in use: an edit shows in the site.
    let page = theme.join("templates/base.html");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replacen("<body", "<body data-edited", 1)).unwrap();
    assert_eq!(build(&themed, &themed_site).code, 0);
    assert!(read(&themed_site, "index.html").contains("data-edited"));
}
