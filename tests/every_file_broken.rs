//! No input makes ismsbook panic: the example handbook with each of its files
//! broken in turn, or removed, is reported as diagnostics, never a crash.
//! And the reported crashes of reporting lines, as regression tests.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::Path;
use std::sync::Mutex;

use common::*;

/// A private copy of the example handbook.
fn example_copy() -> tempfile::TempDir {
    let book = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("book.toml"), book.path().join("book.toml")).unwrap();
    copy_tree(&repo().join("content"), &book.path().join("content"));
    copy_tree(&repo().join("themes"), &book.path().join("themes"));
    book
}

/// What a case does to one file of the content folder.
#[derive(Debug, Clone, Copy)]
enum Break {
    /// A field no kind of document has, first in the front matter.
    MisspeltField,
    /// Front matter that is not YAML.
    InvalidYaml,
    /// The file is gone.
    Removed,
}

impl Break {
    fn apply(self, path: &Path, original: &str) {
        match self {
            Break::MisspeltField => {
                let rest = original.strip_prefix("---\n").unwrap_or(original);
                std::fs::write(path, format!("---\nmisspelt_field: x\n{rest}")).unwrap();
            }
            Break::InvalidYaml => {
                let rest = original.strip_prefix("---\n").unwrap_or(original);
                std::fs::write(path, format!("---\ntitle: [unclosed\n{rest}")).unwrap();
            }
            Break::Removed => std::fs::remove_file(path).unwrap(),
        }
    }
}

/// What went wrong with one case, if anything.
fn run_case(book: &Path, rel: &str, how: Break) -> Option<String> {
    let path = book.join("content").join(rel);
    let original = std::fs::read_to_string(&path).unwrap();
    how.apply(&path, &original);
    let run = check_in(book);
    std::fs::write(&path, &original).unwrap();
    let all = format!("{}{}", run.stdout, run.stderr);
    let problem = if run.code == 101 || all.contains("panicked") {
        Some("panicked".to_owned())
    } else {
        match how {
            Break::Removed if run.code == 0 => None,
            Break::Removed if run.code == 1 && run.stdout.contains("error[") => None,
            Break::Removed => Some(format!("exit {} without an error", run.code)),
            _ if run.code != 1 => Some(format!("exit {}, expected 1", run.code)),
            _ if !run
                .stdout
                .lines()
                .any(|l| l.starts_with(&format!("content/{rel}:")) && l.contains("error[")) =>
            {
                Some("no error names the broken file".to_owned())
            }
            _ => None,
        }
    };
    problem.map(|p| format!("{rel} ({how:?}): {p}\n{all}"))
}

#[test]
fn each_file_of_the_example_broken_or_removed_is_reported_without_a_panic() {
    let content = repo().join("content");
    let mut cases: Vec<(String, Break)> = Vec::new();
    for rel in tree::list(&content) {
        if !content.join(&rel).is_file() {
            continue;
        }
        let rel = rel.replace('\\', "/");
        if rel.ends_with(".md") {
            cases.push((rel.clone(), Break::MisspeltField));
            // Roles and policies are what other files point at by id.
            if rel.starts_with("roles/") || rel.starts_with("policies/") {
                cases.push((rel.clone(), Break::InvalidYaml));
            }
        }
        cases.push((rel, Break::Removed));
    }
    assert!(cases.len() > 250, "the example has its ~130 files");

    // Two workers, each with its own copy, breaking and restoring one file at a time.
    let queue = Mutex::new(cases.into_iter());
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let book = example_copy();
                loop {
                    let Some((rel, how)) = queue.lock().unwrap().next() else {
                        break;
                    };
                    if let Some(f) = run_case(book.path(), &rel, how) {
                        failures.lock().unwrap().push(f);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} cases failed; the first:\n{}",
        failures.len(),
        failures.first().map_or("", String::as_str)
    );
}

/// `check` and `build` of `dir`: both exit 1, name `message`, never panic.
fn check_and_build_report(dir: &Path, message: &str) {
    let checked = check_in(dir);
    let built = build(dir, &dir.join("book"));
    for (command, run) in [("check", &checked), ("build", &built)] {
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(!all.contains("panicked"), "{command} panicked:\n{all}");
        assert_eq!(run.code, 1, "{command}:\n{all}");
        assert!(
            all.contains(message),
            "{command}: no `{message}` in:\n{all}"
        );
    }
}

#[test]
fn a_role_reporting_to_a_role_that_does_not_exist_is_an_error_not_a_crash() {
    let (_tmp, dir) = starter();
    std::fs::write(
        dir.join("content/roles/engineer.md"),
        "---\ntitle: \"Engineer\"\nreports_to: cto\n---\nBuilds things.\n",
    )
    .unwrap();
    check_and_build_report(&dir, "no role has the id `cto`");
}

#[test]
fn a_misspelt_field_in_a_role_others_report_to_is_an_error_not_a_crash() {
    let (_tmp, dir) = starter();
    let boss = dir.join("content/roles/top-management.md");
    let text = std::fs::read_to_string(&boss).unwrap();
    std::fs::write(&boss, text.replacen("title:", "titel:", 1)).unwrap();
    // Sorted by title, the role `y-engineer` reports to comes last: the
    // information security manager, who reports to the broken role, first.
    for (id, front_matter) in [
        ("y-engineer", "title: Y engineer\nreports_to: z-lead"),
        ("z-lead", "title: Z lead"),
    ] {
        std::fs::write(
            dir.join(format!("content/roles/{id}.md")),
            format!("---\n{front_matter}\n---\nWork.\n"),
        )
        .unwrap();
    }
    check_and_build_report(&dir, "titel");
}

#[test]
fn a_reporting_loop_is_reported_once_at_its_first_role() {
    let (_tmp, dir) = starter();
    for (id, front_matter) in [
        ("a-lead", "title: A lead\nreports_to: c-lead"),
        ("b-lead", "title: B lead\nreports_to: a-lead"),
        ("c-lead", "title: C lead\nreports_to: b-lead"),
        ("d-lead", "title: D lead\nreports_to: c-lead"),
    ] {
        std::fs::write(
            dir.join(format!("content/roles/{id}.md")),
            format!("---\n{front_matter}\n---\nWork.\n"),
        )
        .unwrap();
    }
    let run = check_in(&dir);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let loops: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("error[reporting-loop]"))
        .collect();
    assert_eq!(
        loops,
        [
            "content/roles/a-lead.md:1:1: error[reporting-loop]: reporting line loops: a-lead → c-lead → b-lead → a-lead"
        ],
        "{}",
        run.stdout
    );
}
