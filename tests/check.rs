//! `ismsbook check`: the lints, the three output formats, the exit codes and
//! `[check]` in book.toml, on real handbooks in temporary folders.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::Path;

use common::*;

/// `ismsbook check .` run inside `dir`, so files show as `content/…`.
fn check(dir: &Path, args: &[&str]) -> Run {
    ismsbook()
        .current_dir(dir)
        .args(["check", ".", "--today", TODAY])
        .args(args)
        .output()
        .expect("run ismsbook")
        .into()
}

/// The (rule, file, line, severity) of each diagnostic `check --format json` prints.
fn found(dir: &Path, args: &[&str]) -> Vec<(String, String, u64, String)> {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let run = check(dir, &all);
    assert!(!run.stdout.is_empty(), "no JSON; stderr:\n{}", run.stderr);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The minimal fixture with `[check]` settings appended to its book.toml.
fn handbook(check_table: &str) -> tempfile::TempDir {
    let book = fixture("minimal");
    edit(book.path(), "book.toml", |t| format!("{t}\n{check_table}"));
    book
}

/// The minimal fixture, quiet about the 91 controls it leaves out.
fn small() -> tempfile::TempDir {
    handbook("[check]\nallow = [\"control-without-statement\", \"clause-without-document\"]\n")
}

#[test]
fn each_lint_fires_where_its_problem_is() {
    let book = small();
    let r = book.path();
    // review-overdue: the date has passed.
    edit(r, "content/policies/access-control.md", |t| {
        t.replace("review: 2027-01-01", "review: 2026-06-30")
    });
    // control-not-implemented, evidence-missing (one missing, one present).
    write(
        r,
        "content/controls/8.28.md",
        "---\napplicable: true\njustification: \"We write software.\"\nstatus: planned\nevidence:\n  - {title: \"Secure coding standard\", link: \"../evidence/standard.pdf\"}\n  - {title: \"Review log\", link: \"../evidence/missing.pdf#page=2\"}\n  - {title: \"Wiki\", link: \"https://wiki.example/x\"}\n---\nRead the [rules](../policies/secure-development.md#rules).\n",
    );
    write(r, "content/evidence/standard.pdf", "%PDF-1.4");
    // role-without-assignee, policy-owner-vacant, policy-without-audience.
    write(
        r,
        "content/roles/auditor.md",
        "---\ntitle: Internal Auditor\n---\nAudits.\n",
    );
    write(
        r,
        "content/policies/audit.md",
        "---\ntitle: Internal Audit Policy\nowner: auditor\ncontrols: [\"5.35\"]\n---\n## Scope\n\nSee [scope](#scope), [nothing](#nope) and [access](policy:access-control#purpos).\n",
    );

    let mut got = found(r, &[]);
    got.sort();
    let want = [
        ("broken-anchor", "content/policies/audit.md", 8),
        ("broken-anchor", "content/policies/audit.md", 8),
        ("control-not-implemented", "content/controls/8.28.md", 4),
        ("evidence-missing", "content/controls/8.28.md", 7),
        ("policy-owner-vacant", "content/policies/audit.md", 3),
        ("policy-without-audience", "content/policies/audit.md", 2),
        (
            "policy-without-controls",
            "content/policies/secure-development.md",
            6,
        ),
        ("review-due", "content/policies/secure-development.md", 4),
        ("review-overdue", "content/policies/access-control.md", 7),
        ("role-without-assignee", "content/roles/auditor.md", 3),
    ];
    let want: Vec<(String, String, u64, String)> = want
        .iter()
        .map(|(rule, file, line)| (rule.to_string(), file.to_string(), *line, "warning".into()))
        .collect();
    assert_eq!(got, want);

    // The messages say what to do, and suggest the heading meant.
    let run = check(r, &[]);
    assert!(
        run.stdout.contains(
            "no heading `#purpos` in policies/access-control.md; did you mean `#purpose`?"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("evidence `../evidence/missing.pdf#page=2` does not exist"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 0, "warnings alone pass");
}

#[test]
fn controls_without_a_statement_are_listed_by_file() {
    let book = fixture("minimal");
    let got = found(book.path(), &[]);
    let gaps: Vec<_> = got
        .iter()
        .filter(|d| d.0 == "control-without-statement")
        .collect();
    // The fixture has statements for 5.15 and 7.12 only.
    assert_eq!(gaps.len(), 91);
    assert!(gaps.iter().any(|d| d.1 == "content/controls/5.1.md"));
    assert!(!gaps.iter().any(|d| d.1 == "content/controls/5.15.md"));
}

#[test]
fn the_example_handbook_shows_only_its_deliberate_warnings() {
    let mut got: Vec<(String, String)> = found(&repo(), &[])
        .into_iter()
        .map(|(rule, file, _, severity)| (rule, severity + " " + &file))
        .collect();
    got.sort();
    let count = |rule: &str| got.iter().filter(|d| d.0 == rule).count();
    // One review overdue and one due soon, on purpose; the statements
    // whose status is planned or not implemented, as a real SoA has; one
    // risk acceptance expired and one treatment action overdue, on purpose.
    assert_eq!(count("review-overdue"), 1, "{got:?}");
    assert_eq!(count("review-due"), 1, "{got:?}");
    assert_eq!(count("control-not-implemented"), 9, "{got:?}");
    assert!(got.contains(&(
        "risk-acceptance-expired".into(),
        "warning content/risks/R-03.md".into()
    )));
    assert!(got.contains(&(
        "risk-action-overdue".into(),
        "warning content/risks/R-05.md".into()
    )));
    assert_eq!(got.len(), 13, "nothing else: {got:?}");
    assert!(got.iter().all(|d| d.1.starts_with("warning ")));
}

/// A handbook with warnings in two files and an error (a denied lint):
/// lints run once the handbook links, so errors that stop linking come alone.
fn one_of_each() -> tempfile::TempDir {
    let book = handbook(
        "[check]\nallow = [\"control-without-statement\", \"clause-without-document\"]\ndeny = [\"review-due\"]\n",
    );
    edit(book.path(), "content/policies/access-control.md", |t| {
        t.replace("review: 2027-01-01", "review: 2026-06-30")
    });
    book
}

#[test]
fn human_format_shows_the_source_line_grouped_by_file_with_a_summary() {
    let book = one_of_each();
    let run = check(book.path(), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "\
content/policies/access-control.md:7:9: warning[review-overdue]: review of `access-control` was due on 2026-06-30, 147 days ago: review it and set the next date
  |
7 | review: 2026-06-30
  |         ^

content/policies/secure-development.md:4:9: error[review-due]: review of `secure-development` is due on 2026-12-01, in 7 days
  |
4 | review: 2026-12-01
  |         ^

content/policies/secure-development.md:6:1: warning[policy-without-controls]: `secure-development` addresses no Annex A control: list them under `controls`, or name the policy in a statement's `policies`
  |
6 | ---
  | ^

1 error, 2 warnings in 9 files
"
    );
}

#[test]
fn json_format_is_one_array() {
    let book = one_of_each();
    let run = check(book.path(), &["--format", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        r#"[
  {
    "severity": "warning",
    "rule": "review-overdue",
    "file": "content/policies/access-control.md",
    "line": 7,
    "column": 9,
    "message": "review of `access-control` was due on 2026-06-30, 147 days ago: review it and set the next date"
  },
  {
    "severity": "error",
    "rule": "review-due",
    "file": "content/policies/secure-development.md",
    "line": 4,
    "column": 9,
    "message": "review of `secure-development` is due on 2026-12-01, in 7 days"
  },
  {
    "severity": "warning",
    "rule": "policy-without-controls",
    "file": "content/policies/secure-development.md",
    "line": 6,
    "column": 1,
    "message": "`secure-development` addresses no Annex A control: list them under `controls`, or name the policy in a statement's `policies`"
  }
]
"#
    );
    assert_eq!(run.stderr, "1 error, 2 warnings in 9 files\n");
}

#[test]
fn github_format_is_workflow_annotations() {
    let book = one_of_each();
    let run = check(book.path(), &["--format", "github"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "\
::warning file=content/policies/access-control.md,line=7,col=9,title=review-overdue::review of `access-control` was due on 2026-06-30, 147 days ago: review it and set the next date
::error file=content/policies/secure-development.md,line=4,col=9,title=review-due::review of `secure-development` is due on 2026-12-01, in 7 days
::warning file=content/policies/secure-development.md,line=6,col=1,title=policy-without-controls::`secure-development` addresses no Annex A control: list them under `controls`, or name the policy in a statement's `policies`
"
    );
}

#[test]
fn exit_codes_follow_errors_and_deny_warnings() {
    // Warnings only: 0; with --deny-warnings: 1.
    let book = small();
    assert_eq!(check(book.path(), &[]).code, 0);
    assert_eq!(check(book.path(), &["--deny-warnings"]).code, 1);
    // Clean: 0 even with --deny-warnings.
    let clean = handbook(
        "[check]\nallow = [\"control-without-statement\", \"clause-without-document\", \"review-due\", \"policy-without-controls\"]\n",
    );
    let run = check(clean.path(), &["--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.stdout,
        "0 errors, 0 warnings in 9 files: the handbook is clean\n"
    );
    // No book.toml: 2.
    let empty = tempfile::tempdir().unwrap();
    let run = check(empty.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no book.toml"), "{}", run.stderr);
}

#[test]
fn check_writes_nothing() {
    let book = small();
    let before = tree::list(book.path());
    check(book.path(), &[]);
    assert_eq!(tree::list(book.path()), before);
}

#[test]
fn check_finds_what_only_rendering_shows() {
    // A template that fails at render time, not when it compiles.
    let book = small();
    let r = book.path();
    edit(r, "book.toml", |t| {
        t.replace("[check]", "[output.html]\ntheme = \"mytheme\"\n\n[check]")
    });
    write(
        r,
        "mytheme/templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.no_such_field.deeper }}\n{% endblock content %}\n",
    );
    let run = check(r, &["--format", "github"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("::error file=mytheme/templates/page.html,line=3,col=")
            && run.stdout.contains("title=template::"),
        "{}",
        run.stdout
    );
}

#[test]
fn denied_lints_are_errors_for_check_and_build() {
    let book = handbook(
        "[check]\nallow = [\"control-without-statement\", \"clause-without-document\"]\ndeny = [\"review-due\"]\n",
    );
    let got = found(book.path(), &[]);
    assert!(got.contains(&(
        "review-due".into(),
        "content/policies/secure-development.md".into(),
        4,
        "error".into()
    )));
    assert_eq!(check(book.path(), &[]).code, 1);
    let out = tempfile::tempdir().unwrap();
    let run = build(book.path(), &out.path().join("site"));
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "secure-development.md:4:9: error[review-due]: review of `secure-development` is due"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn allowed_lints_are_silent_and_the_review_window_is_set_in_days() {
    let book = handbook(
        "[check]\nallow = [\"control-without-statement\", \"clause-without-document\", \"policy-without-controls\"]\nreview-warning-days = 5\n",
    );
    // secure-development is due in 7 days: outside a 5-day window.
    assert_eq!(found(book.path(), &[]), vec![]);
    // The site agrees: no "due soon" badge.
    let out = tempfile::tempdir().unwrap();
    let run = build(book.path(), &out.path().join("site"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let policy = read(&out.path().join("site"), "policies/secure-development.html");
    assert!(!policy.contains("due in 7 days"), "{policy}");
}

#[test]
fn check_settings_are_validated() {
    for (table, message, line) in [
        (
            "[check]\nallow = [\"review-overdu\"]\n",
            "[check] allow: no lint is called `review-overdu`; did you mean `review-overdue`?",
            6,
        ),
        (
            "[check]\ndeny = [\"broken-link\"]\n",
            "[check] deny: `broken-link` is an error, not a lint: it cannot be changed",
            6,
        ),
        (
            "[check]\nallow = [\"review-due\"]\ndeny = [\"review-due\"]\n",
            "[check]: `review-due` is both allowed and denied",
            6,
        ),
        ("[check]\nreview-warning-days = -3\n", "invalid value", 6),
    ] {
        let book = handbook(table);
        let run = check(book.path(), &["--format", "github"]);
        assert_eq!(run.code, 1, "{table}: {}", run.stderr);
        assert!(
            run.stdout
                .contains(&format!("::error file=book.toml,line={line},")),
            "{table}: {}",
            run.stdout
        );
        assert!(run.stdout.contains(message), "{table}: {}", run.stdout);
    }
}

#[test]
fn build_mentions_warnings_without_listing_them() {
    let book = small();
    let out = tempfile::tempdir().unwrap();
    let run = build(book.path(), &out.path().join("site"));
    assert_eq!(run.code, 0);
    assert!(
        run.stderr
            .contains("(2 warnings: `ismsbook check` lists them)"),
        "{}",
        run.stderr
    );
}
