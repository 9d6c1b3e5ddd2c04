//! Writers' mistakes, as a policy owner makes them: each one reported in
//! the same run as the others, at its place, with the fix in the message.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::Path;

use common::*;

/// `ismsbook check` run inside `dir` (so files show as `content/…`), with
/// every error as `file:line:col rule: message`.
fn errors(dir: &Path) -> Vec<String> {
    let run = ismsbook()
        .current_dir(dir)
        .args(["check", ".", "--today", TODAY, "--format", "json"])
        .output()
        .expect("run ismsbook");
    let run = Run::from(run);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let list: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    list.as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            format!(
                "{}:{}:{} {}: {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["rule"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// The minimal fixture, quiet about the 91 controls it leaves out.
fn small() -> tempfile::TempDir {
    let book = fixture("minimal");
    edit(book.path(), "book.toml", |t| {
        format!(
            "{t}\n[check]\nallow = [\"control-without-statement\", \"clause-without-document\"]\n"
        )
    });
    book
}

const POLICY: &str = "content/policies/access-control.md";

#[test]
fn three_independent_mistakes_in_one_file_are_all_reported_in_one_run() {
    let book = small();
    edit(book.path(), POLICY, |t| {
        t.replace("approver: ciso", "aprover: ciso")
            .replace("classification: internal", "clasification: internal")
            .replace("effective: 2026-01-01", "effective: 15/03/2026")
            .replace("review: 2027-01-01", "review: 2027-3-15")
    });
    assert_eq!(
        errors(book.path()),
        [
            format!("{POLICY}:4:1 front-matter: unknown field `aprover`: did you mean `approver`?"),
            format!(
                "{POLICY}:6:12 front-matter: `effective`: `15/03/2026` is not a date: write it YYYY-MM-DD"
            ),
            format!(
                "{POLICY}:7:9 front-matter: `review`: `2027-3-15` is not a date: write it YYYY-MM-DD"
            ),
            format!(
                "{POLICY}:8:1 front-matter: unknown field `clasification`: did you mean `classification`?"
            ),
        ]
    );
}

#[test]
fn book_toml_problems_are_all_reported_with_the_key_meant() {
    let book = fixture("minimal");
    write(
        book.path(),
        "book.toml",
        "[book]\ntitle = \"T\"\norganisation = \"Fixture Ltd\"\n\n[build]\nbuild_dir = \"site\"\n\n\
         [check]\nallow = [\"control-without-statment\"]\n",
    );
    assert_eq!(
        errors(book.path()),
        [
            "book.toml:6:1 config: unknown field `build_dir`: did you mean `build-dir`?",
            "book.toml:9:11 config: [check] allow: no lint is called `control-without-statment`; \
             did you mean `control-without-statement`?",
        ],
        "`organisation` is read as `organization`"
    );
}

#[test]
fn typed_links_with_a_misspelt_type_are_errors_that_name_the_type_meant() {
    let book = small();
    write(
        book.path(),
        "content/procedures/links.md",
        "---\ntitle: Links\n---\nSee [](polcy:access-control), [](controls:5.15) and\n\
         [the policy](Policy:access-control); [mail](mailto:a@b.example), [call](tel:+44).\n",
    );
    let file = "content/procedures/links.md";
    assert_eq!(
        errors(book.path()),
        [
            format!(
                "{file}:4:5 broken-link: link `polcy:access-control` has an unknown type `polcy:`; \
                 did you mean `policy:access-control`?"
            ),
            format!(
                "{file}:4:31 broken-link: link `controls:5.15` has an unknown type `controls:`; \
                 did you mean `control:5.15`?"
            ),
            format!(
                "{file}:5:1 broken-link: link `Policy:access-control`: typed links are written in \
                 lower case: `policy:access-control`"
            ),
        ]
    );
}

#[test]
fn root_absolute_links_resolve_from_the_content_folder_and_html_links_name_the_md() {
    let book = small();
    write(
        book.path(),
        "content/procedures/links.md",
        "---\ntitle: Links\n---\n[Policy](/policies/access-control.md#purpose) and \
         [backup](backup.html).\n\n[gone](/policies/gone.md)\n",
    );
    let file = "content/procedures/links.md";
    assert_eq!(
        errors(book.path()),
        [
            format!(
                "{file}:4:51 broken-link: link `backup.html` names the page that ismsbook makes; \
                 link to its Markdown file instead: `backup.md`"
            ),
            format!(
                "{file}:6:1 broken-link: link to a missing document `policies/gone.md` \
                 (content/policies/gone.md does not exist)"
            ),
        ]
    );
    edit(book.path(), file, |t| {
        t.replace("backup.html", "backup.md")
            .replace("[gone](/policies/gone.md)", "")
    });
    let out = tempfile::tempdir().unwrap();
    let run = build(book.path(), &out.path().join("site"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&out.path().join("site"), "procedures/links.html");
    assert!(
        page.contains(r#"href="../policies/access-control.html#purpose""#),
        "{page}"
    );
}

#[test]
fn yaml_that_cannot_be_read_says_why_and_how_to_write_it() {
    let book = small();
    edit(book.path(), POLICY, |t| {
        t.replace(
            "title: Access Control Policy",
            "title: Access control: who gets what",
        )
        .replace("history:\n  - {", "history:\n\t- {")
    });
    assert_eq!(
        errors(book.path()),
        [
            format!(
                "{POLICY}:2:22 front-matter: a value that contains `: ` must be in quotes: write \
                 `title: \"Access control: who gets what\"`"
            ),
            format!(
                "{POLICY}:12:1 front-matter: a tab: YAML indents with spaces only; replace the tab \
                 with spaces"
            ),
        ]
    );
}

#[test]
fn a_file_in_a_misspelt_kind_folder_is_told_which_folder_it_belongs_in() {
    let book = small();
    write(
        book.path(),
        "content/policy/backup.md",
        "---\ntitle: Backup Policy\naudience: all\n---\nText.\n",
    );
    let run = check_in(book.path());
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains(
            "content/policy/backup.md:3:1: error[front-matter]: unknown field `audience`; a plain \
             page takes `title`, `weight`, `owner`, `version`, `review`, `clauses`, `language`, \
             `updated`, `extra`\n  |\n3 | audience: all\n  | ^\n  = help: \
             files in `policy/` are read as plain pages. The folders `policies/` policies, \
             `controls/` control statements, `guidance/` ISO/IEC 27002 guidance, `roles/` roles, \
             `risks/` risks hold their own kinds; did you mean `policies/`? Move the file to \
             `policies/backup.md`.\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_file_without_front_matter_is_shown_the_block_to_start_it_with() {
    let book = small();
    write(
        book.path(),
        "content/policies/backup.md",
        "# Backup Policy\n\nWe back up daily.\n",
    );
    let run = check_in(book.path());
    let expected = [
        "content/policies/backup.md:1:1: error[front-matter]: this file has no front matter: the \
         block between `---` lines at its top that gives its title and fields",
        "  |",
        "1 | # Backup Policy",
        "  | ^",
        "  = help: a policy starts with a block like this one:",
        "          ---",
        "          title: Backup Policy",
        "          owner: ROLE-ID",
        "          ---",
    ]
    .join("\n");
    assert!(run.stdout.contains(&expected), "{}", run.stdout);
}

#[test]
fn ids_take_letters_of_any_script_and_a_bad_file_name_is_blamed_not_the_title() {
    let book = small();
    write(
        book.path(),
        "content/policies/datenschutz-übersicht.md",
        "---\ntitle: Datenschutz\nowner: ciso\naudience: all\ncontrols: [\"5.34\"]\n---\nText.\n",
    );
    write(
        book.path(),
        "content/roles/data protection.md",
        "---\ntitle: Data Protection Officer\nassignees: [A]\n---\nText.\n",
    );
    assert_eq!(
        errors(book.path()),
        [
            "content/roles/data protection.md:1:1 invalid-id: the file name `data protection.md` gives \
          the id `data protection`: the id `data protection` can only have letters, digits, `-`, \
          `_` and `.` (it names a page); rename the file, or give it `id: data-protection` in the \
          front matter"
        ]
    );
    std::fs::remove_file(book.path().join("content/roles/data protection.md")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build(book.path(), &out.path().join("site"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        out.path()
            .join("site/policies/datenschutz-übersicht.html")
            .is_file()
    );
}

#[test]
fn evidence_written_as_plain_text_is_its_title() {
    let book = small();
    edit(book.path(), "content/controls/5.15.md", |t| {
        t.replace(
            "  - {title: \"Quarterly access review\", location: \"Jira SEC\"}",
            "  - Quarterly access review minutes",
        )
    });
    let out = tempfile::tempdir().unwrap();
    let run = build(book.path(), &out.path().join("site"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        read(&out.path().join("site"), "controls/5.15.html")
            .contains("Quarterly access review minutes")
    );
}

#[test]
fn a_duplicate_id_is_blamed_on_the_file_that_took_it_and_names_the_other() {
    let book = small();
    // Sorted by name, `access-control-v2.md` comes first: still the new
    // file, which sets `id:`, is the one reported.
    write(
        book.path(),
        "content/policies/access-control-v2.md",
        "---\ntitle: Access Control v2\nid: access-control\nowner: ciso\n---\nText.\n",
    );
    assert_eq!(
        errors(book.path()),
        [
            "content/policies/access-control-v2.md:3:5 duplicate-id: duplicate policy id \
          `access-control`: content/policies/access-control.md has it already; give this file \
          another `id:`"
        ]
    );
}

#[test]
fn an_unclosed_if_in_a_theme_names_the_tag_and_its_line() {
    let book = small();
    let built_in =
        std::fs::read_to_string(repo().join("themes/default/templates/policy.html")).unwrap();
    let first_line_end = built_in.find('\n').unwrap() + 1;
    let broken = format!(
        "{}{{% if policy.version %}}\n{}",
        &built_in[..first_line_end],
        &built_in[first_line_end..]
    );
    write(book.path(), "themes/default/templates/policy.html", &broken);
    let errors = errors(book.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("themes/default/templates/policy.html:")
            && errors[0].contains(
                "template: template error: `{% if %}` opened on line 2 is not closed: add `{% endif %}`"
            ),
        "{errors:?}"
    );
}

#[test]
fn problems_are_listed_with_control_ids_in_numeric_order() {
    let book = small();
    for id in ["8.34", "8.4", "5.10", "5.9"] {
        write(
            book.path(),
            &format!("content/controls/{id}.md"),
            "---\njustification: \"Needed.\"\nstatus: planned\n---\nText.\n",
        );
    }
    let run = check_in(book.path());
    let order: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("control-not-implemented"))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "content/controls/5.9.md",
            "content/controls/5.10.md",
            "content/controls/8.4.md",
            "content/controls/8.34.md"
        ]
    );
}

#[test]
fn github_annotations_for_files_not_yet_written_carry_no_file() {
    let book = fixture("minimal");
    let run: Run = ismsbook()
        .current_dir(book.path())
        .args(["check", ".", "--today", TODAY, "--format", "github"])
        .output()
        .unwrap()
        .into();
    assert!(
        run.stdout.contains(
            "::warning title=control-without-statement::content/controls/5.1.md: 5.1 Policies for \
             information security has no implementation statement"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("file=content/controls/5.1.md"));
}

#[test]
fn commands_run_in_a_subfolder_find_book_toml_above() {
    let book = small();
    let run: Run = ismsbook()
        .current_dir(book.path().join("content/policies"))
        .args(["check", "--today", TODAY])
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("0 errors, "), "{}", run.stdout);
    edit(book.path(), POLICY, |t| {
        t.replace("owner: ciso", "owner: cisoo")
    });
    let run: Run = ismsbook()
        .current_dir(book.path().join("content/policies"))
        .args(["check", "--today", TODAY])
        .output()
        .unwrap()
        .into();
    assert!(
        run.stdout.contains(
            "../../content/policies/access-control.md:3:8: error[unknown-role]: owner: no role has \
             the id `cisoo`; did you mean `ciso`?"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_failed_build_prints_its_errors_and_only_counts_the_warnings() {
    // 91 controls without a statement, and more warnings.
    let book = fixture("minimal");
    write(
        book.path(),
        "themes/default/templates/soa.html",
        "{% extends \"base.html\" %}{% block content %}{{ missing_value.x }}{% endblock content %}",
    );
    let out = tempfile::tempdir().unwrap();
    let run = build(book.path(), &out.path().join("site"));
    assert_eq!(run.code, 1);
    assert!(!run.stderr.contains("warning["), "{}", run.stderr);
    assert!(run.stderr.contains("error[template]"), "{}", run.stderr);
    let last = run.stderr.trim_end().lines().last().unwrap_or("");
    assert!(
        last.starts_with("error: 1 error found; nothing was written (and ")
            && last.ends_with(" warnings: `ismsbook check` lists them)"),
        "{}",
        run.stderr
    );
}
