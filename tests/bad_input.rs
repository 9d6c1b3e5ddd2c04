//! Bad input: every problem is reported as `path:line:col: error[rule]: message`,
//! all of them in one run, with exit code 1 and the previous site untouched.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::Path;

use common::*;

/// Copies the minimal fixture, applies `edit`, builds over an existing site
/// and checks the failure: exit 1, each expected `file:line: ... message`,
/// and the old site still in place with no staging folder left behind.
fn fails_with(edit: impl FnOnce(&Path), expected: &[(&str, usize, &str, &str)]) -> String {
    let book = fixture("minimal");
    edit(book.path());
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    std::fs::create_dir(&dest).unwrap();
    std::fs::write(dest.join("previous.html"), "previous build").unwrap();

    let run = build(book.path(), &dest);
    assert_eq!(run.code, 1, "exit code; stderr:\n{}", run.stderr);
    for (file, line, rule, message) in expected {
        let found = run.stderr.lines().any(|l| {
            l.contains(&format!("{file}:{line}:"))
                && l.contains(&format!(": error[{rule}]: "))
                && l.contains(message)
        });
        assert!(
            found,
            "expected `{file}:{line}: ... error[{rule}]: ... {message}` in:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(
        read(&dest, "previous.html"),
        "previous build",
        "old site intact"
    );
    assert!(!dest.join("index.html").exists(), "nothing new written");
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no staging folder left: {leftovers:?}");
    run.stderr
}

fn edit_file(root: &Path, rel: &str, f: impl FnOnce(String) -> String) {
    let path = root.join("content").join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, f(text)).unwrap();
}

#[test]
fn the_fixture_itself_builds_cleanly() {
    let book = fixture("minimal");
    let out = tempfile::tempdir().unwrap();
    let run = build(book.path(), &out.path().join("site"));
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn invalid_yaml_names_its_line() {
    fails_with(
        |r| {
            edit_file(r, "policies/access-control.md", |t| {
                t.replace(
                    "controls: [\"5.15\", \"A.5.18\"]",
                    "controls: [\"5.15\", \"A.5.18\"\nfoo: : bar",
                )
            })
        },
        &[(
            "policies/access-control.md",
            10,
            "front-matter",
            "invalid front matter in `controls`: did not find expected ',' or ']'",
        )],
    );
}

#[test]
fn missing_required_field_is_named() {
    fails_with(
        |r| {
            edit_file(r, "roles/ciso.md", |t| {
                t.replace("title: Chief Information Security Officer\n", "")
            })
        },
        &[(
            "roles/ciso.md",
            2,
            "front-matter",
            "`title` is missing: add a line `title: …` to the front matter",
        )],
    );
}

#[test]
fn unknown_field_is_named_at_its_line() {
    fails_with(
        |r| {
            edit_file(r, "policies/access-control.md", |t| {
                t.replace("version:", "colour: red\nversion:")
            })
        },
        &[(
            "policies/access-control.md",
            5,
            "front-matter",
            "unknown field `colour`",
        )],
    );
}

#[test]
fn unknown_control_id_suggests_the_nearest() {
    fails_with(
        |r| {
            edit_file(r, "policies/access-control.md", |t| {
                t.replace("\"A.5.18\"", "\"5.38\"")
            })
        },
        &[(
            "policies/access-control.md",
            10,
            "unknown-control",
            "unknown Annex A control `5.38`; did you mean 5.37",
        )],
    );
}

#[test]
fn a_2013_id_names_its_2022_successor() {
    fails_with(
        |r| {
            edit_file(r, "policies/access-control.md", |t| {
                t.replace("\"A.5.18\"", "\"A.9.2.3\"")
            })
        },
        &[(
            "policies/access-control.md",
            10,
            "unknown-control",
            "ISO/IEC 27001:2013 control id (Management of privileged access rights); Annex A of 2022 replaces it with 8.2 (Privileged access rights)",
        )],
    );
}

#[test]
fn unquoted_decimal_id_is_refused_not_truncated() {
    fails_with(
        |r| {
            edit_file(r, "policies/access-control.md", |t| {
                t.replace("controls: [\"5.15\", \"A.5.18\"]", "controls: [5.15, 5.10]")
            })
        },
        &[(
            "policies/access-control.md",
            10,
            "front-matter",
            "put ids and versions in quotes",
        )],
    );
}

#[test]
fn reference_to_a_missing_policy() {
    fails_with(
        |r| {
            edit_file(r, "controls/5.15.md", |t| {
                t.replace("policies: [access-control]", "policies: [acess-control]")
            })
        },
        &[(
            "controls/5.15.md",
            6,
            "unknown-policy",
            "no policy has the id `acess-control`; did you mean `access-control`?",
        )],
    );
}

#[test]
fn reference_to_a_role_that_does_not_exist() {
    fails_with(
        |r| {
            edit_file(r, "policies/access-control.md", |t| {
                t.replace("owner: ciso", "owner: nobody")
            })
        },
        &[(
            "policies/access-control.md",
            3,
            "unknown-role",
            "owner: no role has the id `nobody`",
        )],
    );
}

#[test]
fn body_link_to_a_missing_policy_names_the_body_line() {
    fails_with(
        |r| {
            edit_file(r, "procedures/backup.md", |t| {
                t.replace("[](policy:secure-development)", "[](policy:secure-dev)")
            })
        },
        &[(
            "procedures/backup.md",
            7,
            "broken-link",
            "broken link `policy:secure-dev`",
        )],
    );
}

#[test]
fn relative_link_to_a_missing_document() {
    fails_with(
        |r| {
            edit_file(r, "procedures/backup.md", |t| {
                t.replace("../index.md", "../missing.md")
            })
        },
        &[(
            "procedures/backup.md",
            7,
            "broken-link",
            "link to a missing document `../missing.md`",
        )],
    );
}

#[test]
fn duplicate_ids_name_both_files() {
    fails_with(
        |r| {
            write(
                r,
                "content/roles/security-lead.md",
                "---\ntitle: Security lead\nid: ciso\n---\n",
            )
        },
        &[(
            "roles/security-lead.md",
            3,
            "duplicate-id",
            "duplicate role id `ciso`: content/roles/ciso.md has it already; give this file another `id:`",
        )],
    );
}

#[test]
fn statement_for_a_control_that_does_not_exist() {
    fails_with(
        |r| {
            write(
                r,
                "content/controls/9.1.md",
                "---\njustification: x\nstatus: implemented\n---\n",
            )
        },
        &[(
            "controls/9.1.md",
            1,
            "unknown-control",
            "unknown Annex A control `9.1`",
        )],
    );
}

#[test]
fn not_applicable_control_needs_a_justification() {
    fails_with(
        |r| {
            edit_file(r, "controls/7.12.md", |t| {
                t.replace(
                    "justification: \"No cabling is operated by the company.\"\n",
                    "",
                )
            })
        },
        &[(
            "controls/7.12.md",
            3,
            "invalid-statement",
            "not applicable needs a justification",
        )],
    );
}

#[test]
fn bad_date_is_refused() {
    fails_with(
        |r| {
            edit_file(r, "policies/access-control.md", |t| {
                t.replace("review: 2027-01-01", "review: 2027-02-30")
            })
        },
        &[(
            "policies/access-control.md",
            7,
            "front-matter",
            "`2027-02-30` is not a real date",
        )],
    );
}

#[test]
fn non_utf8_file_names_its_line() {
    let stderr = fails_with(
        |r| {
            let mut bytes = std::fs::read(r.join("content/roles/engineer.md")).unwrap();
            bytes.extend_from_slice(b"\nCaf\xe9 duty\n");
            std::fs::write(r.join("content/roles/engineer.md"), bytes).unwrap();
        },
        &[("roles/engineer.md", 8, "not-utf8", "not valid UTF-8")],
    );
    // Files that reference the unreadable role are not reported as well.
    assert_eq!(stderr.matches(": error[").count(), 1, "{stderr}");
}

#[test]
fn template_error_names_the_template_and_line() {
    fails_with(
        |r| {
            std::fs::write(
                r.join("book.toml"),
                "[book]\ntitle = \"T\"\norganization = \"O\"\n[output.html]\ntheme = \"mytheme\"\n",
            )
            .unwrap();
            write(
                r,
                "mytheme/templates/page.html",
                "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title </h1>\n{% endblock content %}\n",
            );
        },
        &[(
            "mytheme/templates/page.html",
            3,
            "template",
            "template error",
        )],
    );
}

#[test]
fn all_problems_of_a_run_are_reported_together() {
    let stderr = fails_with(
        |r| {
            edit_file(r, "policies/access-control.md", |t| {
                t.replace("owner: ciso", "owner: nobody")
            });
            edit_file(r, "controls/5.15.md", |t| {
                t.replace("status: implemented", "status: done")
            });
            write(r, "content/guidance/5.99.md", "---\n---\n");
        },
        &[
            (
                "policies/access-control.md",
                3,
                "unknown-role",
                "no role has the id `nobody`",
            ),
            (
                "controls/5.15.md",
                4,
                "front-matter",
                "unknown variant `done`",
            ),
            (
                "guidance/5.99.md",
                1,
                "unknown-control",
                "unknown Annex A control `5.99`",
            ),
        ],
    );
    assert!(stderr.contains("3 errors found"), "{stderr}");
}

#[test]
fn unknown_book_toml_key_is_named() {
    fails_with(
        |r| {
            std::fs::write(
                r.join("book.toml"),
                "[book]\ntitle = \"T\"\norganization = \"O\"\nsrcdir = \"x\"\n",
            )
            .unwrap()
        },
        &[("book.toml", 4, "config", "unknown field `srcdir`")],
    );
}

#[test]
fn missing_book_toml_exits_2() {
    let empty = tempfile::tempdir().unwrap();
    let run = build(empty.path(), &empty.path().join("out"));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no book.toml"), "{}", run.stderr);
}

#[test]
fn building_over_the_sources_is_refused() {
    let book = fixture("minimal");
    let run = build(book.path(), book.path());
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("refusing to build into"),
        "{}",
        run.stderr
    );
    assert!(book.path().join("content/index.md").exists());
}

#[test]
fn a_template_that_includes_a_missing_template_is_named() {
    fails_with(
        |r| {
            std::fs::write(
                r.join("book.toml"),
                "[book]\ntitle = \"T\"\norganization = \"O\"\n[output.html]\ntheme = \"mytheme\"\n",
            )
            .unwrap();
            write(
                r,
                "mytheme/templates/page.html",
                "{% extends \"base.html\" %}\n{% block content %}\n{% include \"sidebar.html\" %}\n{% endblock content %}\n",
            );
        },
        &[(
            "mytheme/templates/page.html",
            3,
            "template",
            "Unknown template `sidebar.html`",
        )],
    );
}

#[test]
fn a_missing_theme_folder_is_reported_in_book_toml() {
    fails_with(
        |r| {
            std::fs::write(
                r.join("book.toml"),
                "[book]\ntitle = \"T\"\norganization = \"O\"\n[output.html]\ntheme = \"nowhere\"\n",
            )
            .unwrap()
        },
        &[("book.toml", 5, "config", "theme folder")],
    );
}

#[test]
fn a_language_that_is_not_a_language_tag_is_refused() {
    fails_with(
        |r| {
            edit_file(r, "procedures/backup.md", |t| {
                t.replace("weight: 1", "weight: 1\nlanguage: German")
            })
        },
        &[(
            "procedures/backup.md",
            4,
            "front-matter",
            "`German` is not a language tag: write one such as `de`, `pt-PT` or `ja`",
        )],
    );
}

#[test]
fn a_page_cannot_take_the_path_of_a_reading_list_or_the_status_page() {
    fails_with(
        |r| {
            write(
                r,
                "content/reading/engineer.md",
                "---\ntitle: Mine\n---\nText.\n",
            );
            write(r, "content/status.md", "---\ntitle: Status\n---\nText.\n");
            write(r, "content/reading-lists.csv", "a,b\n");
        },
        &[
            ("reading/engineer.md", 1, "reserved-path", ""),
            ("status.md", 1, "reserved-path", ""),
            ("reading-lists.csv", 1, "reserved-path", ""),
        ],
    );
}
