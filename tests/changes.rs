//! What changed since the last audit (`changes.html`, `[audit] since`,
//! `--since`) and the footer of a page with uncommitted edits, on fixture
//! handbooks with a real git history built in temporary folders.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// Runs git in `dir` as `author`, dated `date` (author and committer), so
/// the history is the same on every run.
fn git(dir: &Path, author: &str, date: &str, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", &format!("user.name={author}")])
        .args(["-c", "user.email=people@example.com"])
        .args(["-c", "init.defaultBranch=main"])
        .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
        .args(args)
        .env("GIT_AUTHOR_DATE", format!("{date}T10:00:00Z"))
        .env("GIT_COMMITTER_DATE", format!("{date}T10:00:00Z"))
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

/// The minimal fixture with a history: audited at tag `v2025.1`, then a
/// policy edited (with a revision entry), a page added, a procedure
/// renamed and a guidance file removed.
fn audited_handbook() -> tempfile::TempDir {
    let book = fixture("minimal");
    let root = book.path();
    git(root, "Aoife Brennan", "2026-01-05", &["init", "-q"]);
    git(root, "Aoife Brennan", "2026-01-05", &["add", "."]);
    git(
        root,
        "Aoife Brennan",
        "2026-01-05",
        &["commit", "-q", "-m", "First handbook"],
    );
    edit(root, "content/roles/engineer.md", |t| {
        t + "\nWrites code.\n"
    });
    git(
        root,
        "Aoife Brennan",
        "2026-01-15",
        &["commit", "-qam", "Engineer's duties"],
    );
    git(
        root,
        "Aoife Brennan",
        "2026-01-15",
        &["tag", "-a", "v2025.1", "-m", "Audited"],
    );

    edit(root, "content/policies/access-control.md", |t| {
        t.replace(
            "\nversion: \"1.0\"\n",
            "\nversion: \"2.0\"\napproved: {by: \"Jane Doe (CEO)\", date: 2026-02-21}\n",
        )
        .replace(
            "change: \"First issue\"}",
            "change: \"First issue\"}\n  - {version: \"2.0\", date: 2026-02-20, author: \"Tomasz Wren\", change: \"Quarterly access reviews\", approved: {by: \"Jane Doe (CEO)\", date: 2026-02-21}}",
        )
            + "\nAccess is reviewed every quarter.\n"
    });
    write(
        root,
        "content/isms/objectives.md",
        "---\ntitle: Security objectives 2026\n---\nFewer incidents.\n",
    );
    git(root, "Tomasz Wren", "2026-03-01", &["add", "."]);
    git(
        root,
        "Tomasz Wren",
        "2026-03-01",
        &["commit", "-qm", "Quarterly access reviews <v2>"],
    );

    git(
        root,
        "Tomasz Wren",
        "2026-04-01",
        &[
            "mv",
            "content/procedures/backup.md",
            "content/procedures/backups.md",
        ],
    );
    edit(root, "content/index.md", |t| {
        t.replace("procedures/backup.md", "procedures/backups.md")
    });
    git(
        root,
        "Tomasz Wren",
        "2026-04-01",
        &["rm", "-q", "content/guidance/5.15.md"],
    );
    git(
        root,
        "Tomasz Wren",
        "2026-04-01",
        &["commit", "-qam", "Backups renamed; 5.15 guidance dropped"],
    );
    write(
        root,
        "book.toml",
        &(std::fs::read_to_string(root.join("book.toml")).unwrap()
            + "\n[audit]\nsince = \"v2025.1\"\n"),
    );
    book
}

/// The part of `html` from the element with `id` to the end of its section.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// The `<li class="change">` that names `path`.
fn change<'a>(html: &'a str, path: &str) -> &'a str {
    let at = html
        .find(&format!("<code class=\"change-path\">{path}</code>"))
        .or_else(|| html.find(&format!("{path}</p>")))
        .or_else(|| html.find(&format!("{path} ")))
        .unwrap_or_else(|| panic!("{path} not listed in {html}"));
    let start = html[..at].rfind("<li class=\"change\">").unwrap();
    let rest = &html[at..];
    let end = [
        rest.find("\n<li class=\"change\">"),
        rest.find("\n</ul>\n</section>"),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(rest.len());
    &html[start..at + end]
}

#[test]
fn changes_since_a_tag_lists_what_was_added_edited_renamed_and_removed() {
    let book = audited_handbook();
    let site = book.path().join("site");
    let run = build(book.path(), &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&site, "changes.html");
    assert!(page.contains("since <code>v2025.1</code>"), "{page}");
    assert!(page.contains("of <time datetime=\"2026-01-15\">2026-01-15</time>"));
    // Before the tag: not listed.
    assert!(!page.contains("roles/engineer.md"), "{page}");
    assert!(!page.contains("First handbook"));
    assert!(
        page.contains(
            "<strong>5</strong> documents or files changed, in <strong>2</strong> commits"
        ),
        "{page}"
    );

    let policies = section(&page, "changes-policies");
    let policy = change(policies, "policies/access-control.md");
    assert!(policy.contains("badge-changed\">Changed</span> <a href=\"policies/access-control.html\">Access Control Policy</a>"), "{policy}");
    assert!(policy.contains("<td><time datetime=\"2026-03-01\">2026-03-01</time></td><td>Tomasz Wren</td><td>Quarterly access reviews &lt;v2&gt;</td>"), "{policy}");
    assert!(
        policy
            .contains("Version 2.0 · approved by Jane Doe (CEO) on <time datetime=\"2026-02-21\">"),
        "{policy}"
    );
    assert!(policy.contains("<li>Version 2.0, <time datetime=\"2026-02-20\">2026-02-20</time>, Tomasz Wren: Quarterly access reviews (approved by Jane Doe (CEO)"), "{policy}");
    assert!(
        !policy.contains("First issue"),
        "entries before the period are left out: {policy}"
    );

    let pages = section(&page, "changes-pages");
    let added = change(pages, "isms/objectives.md");
    assert!(added.contains("badge-added\">Added</span> <a href=\"isms/objectives.html\">Security objectives 2026</a>"), "{added}");
    let renamed = change(pages, "procedures/backups.md");
    assert!(
        renamed.contains("badge-renamed\">Renamed</span> <a href=\"procedures/backups.html\">"),
        "{renamed}"
    );
    assert!(
        renamed.contains("(was <code>procedures/backup.md</code>)"),
        "{renamed}"
    );
    assert!(renamed.contains("Backups renamed; 5.15 guidance dropped"));
    let home = change(pages, "index.md");
    assert!(home.contains("badge-changed"), "{home}");

    let guidance = section(&page, "changes-guidance");
    let removed = change(guidance, "guidance/5.15.md");
    assert!(
        removed.contains("badge-removed\">Removed</span> guidance/5.15.md"),
        "{removed}"
    );
    assert!(
        !removed.contains("<a href"),
        "a removed document has no link: {removed}"
    );

    // Reachable from the clauses page and the home page.
    assert!(read(&site, "clauses.html").contains("href=\"changes.html\""));
    let home = read(&site, "index.html");
    assert!(home.contains("<a href=\"changes.html\"><span class=\"status-value\">5</span> <span class=\"status-label\">documents changed since v2025.1</span></a>"), "{home}");
    assert!(
        home.contains("<a href=\"clauses.html\"><span class=\"status-value\">"),
        "{home}"
    );
}

#[test]
fn since_on_the_command_line_wins_and_takes_commits_or_dates() {
    let book = audited_handbook();
    let site = book.path().join("site");
    let run = build_with(book.path(), &site, &["--since", "2026-03-15"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&site, "changes.html");
    assert!(
        page.contains(
            "since <time datetime=\"2026-03-15\">2026-03-15</time> (set by <code>--since</code>)"
        ),
        "{page}"
    );
    assert!(page.contains("procedures/backups.md") && page.contains("guidance/5.15.md"));
    assert!(!page.contains("policies/access-control.md"), "{page}");

    // A commit hash: the one of the edit, so only the later commit counts.
    let hash = Command::new("git")
        .current_dir(book.path())
        .args(["rev-parse", "HEAD~1"])
        .output()
        .unwrap();
    let hash = String::from_utf8(hash.stdout).unwrap();
    let run = build_with(book.path(), &site, &["--since", &hash.trim()[..8]]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&site, "changes.html");
    assert!(
        page.contains(
            "<strong>3</strong> documents or files changed, in <strong>1</strong> commit:"
        ),
        "{page}"
    );
}

#[test]
fn an_unknown_since_is_a_warning_at_its_line_and_the_page_says_why() {
    let book = audited_handbook();
    edit(book.path(), "book.toml", |t| {
        t.replace("v2025.1", "v2024.9")
    });
    let run: Run = ismsbook()
        .current_dir(book.path())
        .args(["check", ".", "--today", TODAY])
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 0, "a warning: {}", run.stdout);
    assert!(run.stdout.contains("book.toml:6:9: warning[audit-since-not-found]: [audit] since = \"v2024.9\": no tag, branch or commit `v2024.9`"), "{}", run.stdout);
    let site = book.path().join("site");
    let run = build(book.path(), &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&site, "changes.html");
    assert!(
        page.contains(
            "<strong>The changes cannot be listed:</strong> no tag, branch or commit <code>"
        ) || page.contains(
            "<strong>The changes cannot be listed:</strong> no tag, branch or commit `v2024.9`"
        ),
        "{page}"
    );

    // Denied, it stops the build.
    edit(book.path(), "book.toml", |t| {
        t + "\n[check]\ndeny = [\"audit-since-not-found\"]\n"
    });
    let run = build(book.path(), &site);
    assert_eq!(run.code, 1, "{}", run.stderr);

    // A date that does not exist is a config error.
    let bad = fixture("minimal");
    edit(bad.path(), "book.toml", |t| {
        t + "\n[audit]\nsince = \"2025-02-30\"\n"
    });
    let run = build(bad.path(), &bad.path().join("site"));
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "book.toml:6:9: error[config]: [audit] since: `2025-02-30` is not a real date"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn without_git_or_without_an_audit_the_page_explains() {
    let book = fixture("minimal");
    let site = book.path().join("site");
    let run = build(book.path(), &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&site, "changes.html");
    assert!(
        page.contains("in the 12 months before this build"),
        "{page}"
    );
    assert!(page.contains("No audit is set. To list the changes since your last audit, add <code>[audit]</code> with <code>since = \"v2025.1\"</code>"), "{page}");
    assert!(page.contains("<strong>The changes cannot be listed:</strong> the content folder is not in a git repository, or git is not installed."), "{page}");
    let home = read(&site, "index.html");
    assert!(home.contains("<a href=\"changes.html\"><span class=\"status-value\">—</span> <span class=\"status-label\">documents changed in the last 12 months</span></a>"), "{home}");

    // In git, the last 12 months by default.
    let book = audited_handbook();
    edit(book.path(), "book.toml", |t| {
        t.replace("[audit]\nsince = \"v2025.1\"\n", "")
    });
    let run = build(book.path(), &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&site, "changes.html");
    assert!(
        page.contains("since <time datetime=\"2025-11-24\">2025-11-24</time>"),
        "{page}"
    );
    assert!(
        page.contains("roles/engineer.md") && page.contains("First handbook"),
        "{page}"
    );
}

#[test]
fn a_page_with_uncommitted_edits_says_so_in_its_footer() {
    let book = audited_handbook();
    edit(book.path(), "content/policies/secure-development.md", |t| {
        t + "\nPair on risky changes.\n"
    });
    write(
        book.path(),
        "content/isms/draft.md",
        "---\ntitle: Draft\n---\nNot yet.\n",
    );
    let site = book.path().join("site");
    let run = build(book.path(), &site);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let edited = read(&site, "policies/secure-development.html");
    assert!(edited.contains("last changed <time datetime=\"2026-01-05\">2026-01-05</time> · <strong class=\"uncommitted\">edited since, not yet committed</strong>"), "{edited}");
    let new = read(&site, "isms/draft.html");
    assert!(
        new.contains("<strong class=\"uncommitted\">not yet committed</strong>"),
        "{new}"
    );
    let clean = read(&site, "policies/access-control.html");
    assert!(
        clean.contains("last changed <time datetime=\"2026-03-01\">2026-03-01</time></p>"),
        "{clean}"
    );
    // changes.html lists them too.
    let page = read(&site, "changes.html");
    assert!(change(&page, "isms/draft.md").contains("not yet committed"));
    assert!(
        change(&page, "policies/secure-development.md").contains("edited since, not yet committed")
    );
    // The print's cover says the build has edits not yet committed.
    assert!(read(&site, "print.html").contains(", with edits not yet committed"));
}
