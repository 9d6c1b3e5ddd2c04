//! `ismsbook build -d DEST` never loses a user's files: it replaces only a
//! folder that is absent, empty or an earlier build (`--force` overrides),
//! never the sources, never a file; the previous site stays whole until
//! the new one takes its place, even when the build is killed; and what a
//! killed build leaves behind, the next build removes.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::Path;

use common::*;

/// Every path under `dir` with the text of each file.
fn snapshot(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    tree::list(dir)
        .into_iter()
        .map(|rel| {
            let path = dir.join(&rel);
            let bytes = path.is_file().then(|| std::fs::read(&path).unwrap());
            (rel, bytes)
        })
        .collect()
}

#[test]
fn a_folder_of_someone_elses_files_is_not_replaced_without_force() {
    let book = fixture("minimal");
    let dest = book.path().join("project");
    write(&dest, ".git/HEAD", "ref: refs/heads/main\n");
    write(&dest, "src/main.rs", "fn main() {}\n");
    write(&dest, "CNAME", "isms.example.com\n");
    write(&dest, "notes.txt", "my notes\n");
    let before = snapshot(&dest);

    let run = build(book.path(), &dest);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let folder = dest.display().to_string();
    assert!(
        run.stderr
            .contains(&format!("error: refusing to replace {folder}: it holds "))
            && run.stderr.contains("which ismsbook did not write")
            && run.stderr.contains("--force"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&dest), before, "nothing was touched");

    // Without the hidden folder it still holds files no build writes.
    std::fs::remove_dir_all(dest.join(".git")).unwrap();
    let run = build(book.path(), &dest);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(dest.join("src/main.rs").is_file());

    let run = build_with(book.path(), &dest, &["--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dest.join("index.html").is_file());
    assert!(
        !dest.join("notes.txt").exists(),
        "--force replaces the folder"
    );
}

#[test]
fn a_file_is_never_replaced_by_the_site() {
    let book = fixture("minimal");
    let notes = book.path().join("notes.txt");
    std::fs::write(&notes, "my notes\n").unwrap();
    for args in [&[][..], &["--force"][..]] {
        let run = build_with(book.path(), &notes, args);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("it is a file, not a folder"),
            "{}",
            run.stderr
        );
        assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes\n");
    }
}

#[test]
fn an_empty_folder_and_an_earlier_build_are_replaced() {
    let book = fixture("minimal");
    let dest = book.path().join("site");
    std::fs::create_dir(&dest).unwrap();
    write(book.path(), "content/extra.md", "---\ntitle: Extra\n---\n");
    let run = build(book.path(), &dest);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dest.join("extra.html").exists());
    // A page that the next build no longer writes goes with the old site.
    std::fs::remove_file(book.path().join("content/extra.md")).unwrap();
    let run = build(book.path(), &dest);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!dest.join("extra.html").exists());

    // A build with a theme of its own (no generator tag) is recognised too.
    write(
        book.path(),
        "themes/default/templates/index.html",
        "<!DOCTYPE html><html lang=\"en\"><title>Own</title><p>Own home page</p></html>",
    );
    for _ in 0..2 {
        let run = build(book.path(), &dest);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }

    // What a user adds to a built site makes it theirs.
    write(&dest, ".nojekyll", "");
    let run = build(book.path(), &dest);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(".nojekyll"), "{}", run.stderr);
    assert!(dest.join(".nojekyll").exists());
}

#[test]
fn the_site_is_never_built_inside_the_content_or_theme_folder() {
    let book = fixture("minimal");
    write(book.path(), "themes/default/static/extra.css", "p {}");
    for (dest, folder) in [
        ("content/site", "content"),
        ("content", "content"),
        ("themes/default/site", "theme"),
    ] {
        let before = snapshot(&book.path().join("content"));
        let run = build(book.path(), &book.path().join(dest));
        assert_eq!(run.code, 1, "{dest}: {}", run.stderr);
        if dest != "content" {
            assert!(
                run.stderr
                    .contains(&format!("it is inside the {folder} folder")),
                "{dest}: {}",
                run.stderr
            );
        }
        assert_eq!(snapshot(&book.path().join("content")), before);
        assert!(!book.path().join(dest).join("index.html").exists());
    }
}

/// The leftover folders a killed build can leave beside `dest`.
fn leftovers(dest: &Path) -> Vec<String> {
    let name = dest.file_name().unwrap().to_string_lossy().into_owned();
    std::fs::read_dir(dest.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")))
        .collect()
}

#[test]
fn what_killed_builds_left_is_removed_by_the_next_build() {
    let book = fixture("minimal");
    let dest = book.path().join("book");
    let run = build(book.path(), &dest);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A staging folder stopped half-way, a previous site not yet removed.
    write(
        &book.path().join(".book.building-a1B2c3"),
        "policies/x.html",
        "<p>",
    );
    std::fs::create_dir_all(book.path().join(".book.building-Zz9999/static")).unwrap();
    tree::copy_tree(&dest, &book.path().join(".book.previous-q7W8e9/site"));
    // Not a build's: other names, or something a build does not write.
    for (folder, file) in [
        (".book.building-mine", "notes.txt"),
        (".book.building-x1y2z3", ".git/HEAD"),
        (".book.previous-k4k4k4", "notes.txt"),
        (".other.building-a1B2c3", "x.html"),
    ] {
        write(&book.path().join(folder), file, "not a build's");
    }

    let run = build(book.path(), &dest);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut left = leftovers(&dest);
    left.sort();
    assert_eq!(
        left,
        [
            ".book.building-mine",
            ".book.building-x1y2z3",
            ".book.previous-k4k4k4"
        ]
    );
    assert!(book.path().join(".other.building-a1B2c3").exists());
}

#[test]
fn init_ignores_the_folders_a_build_makes() {
    let (_tmp, dir) = starter();
    let ignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    for line in ["/book/", "/.book.building-*/", "/.book.previous-*/"] {
        assert!(ignore.lines().any(|l| l == line), "{line} in:\n{ignore}");
    }
}

#[cfg(target_os = "linux")]
/// Builds `book` into `dest` under strace, killed just before its `n`th
/// rename; whether it was killed (a build renames once or twice), or None
/// when strace cannot trace here.
fn build_killed_at_rename(book: &Path, dest: &Path, n: usize) -> Option<bool> {
    let rename = "rename,renameat,renameat2";
    let strace = [
        "-f".to_owned(),
        "-qq".to_owned(),
        "-o".to_owned(),
        "/dev/null".to_owned(),
        format!("--trace={rename}"),
        format!("--inject={rename}:signal=KILL:when={n}"),
    ];
    let run = build_through("strace", &strace, book, dest).ok()?;
    let stderr = String::from_utf8_lossy(&run.stderr);
    let traced = !stderr.contains("ptrace") && !stderr.contains("Operation not permitted");
    // strace ends as its tracee did: killed by the same signal.
    use std::os::unix::process::ExitStatusExt;
    traced.then_some(run.status.signal() == Some(9) || run.status.code() == Some(128 + 9))
}

#[cfg(target_os = "linux")]
#[test]
fn a_build_killed_while_swapping_leaves_a_whole_site() {
    let found = on_path("strace");
    let Some(_) = required(found, "strace is not installed", "apt-get install strace") else {
        return;
    };
    let book = fixture("minimal");
    let dest = book.path().join("book");
    let run = build(book.path(), &dest);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = std::fs::read(dest.join("index.html")).unwrap();
    for n in 1..=3 {
        std::fs::write(
            book.path().join("content/index.md"),
            format!("---\ntitle: Home {n}\n---\nVersion {n}.\n"),
        )
        .unwrap();
        let Some(killed) = build_killed_at_rename(book.path(), &dest, n) else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "strace cannot trace"
            );
            eprintln!("SKIPPED: strace cannot trace here");
            return;
        };
        assert!(killed || n > 1, "the first rename is always reached");
        let index = std::fs::read_to_string(dest.join("index.html"))
            .unwrap_or_else(|e| panic!("no site after a kill at rename {n}: {e}"));
        assert!(index.contains("</html>"), "a whole page");
        assert!(dest.join("soa.csv").is_file() && dest.join("static").is_dir());
    }
    let run = build(book.path(), &dest);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_ne!(std::fs::read(dest.join("index.html")).unwrap(), first);
    assert_eq!(
        leftovers(&dest),
        Vec::<String>::new(),
        "no folder left over"
    );
}

/// `build` with files over 4 kB refused by the system (`ulimit -f`, the
/// signal it sends ignored), as a full disk refuses them.
#[cfg(unix)]
fn build_with_small_file_limit(book: &Path, dest: &Path) -> Run {
    let limit = [
        "-c".to_owned(),
        "trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\"".to_owned(),
    ];
    build_through("sh", &limit, book, dest).unwrap().into()
}

/// `ismsbook build BOOK -d DEST`, run by `program` given `args` first (a
/// tracer, a shell that sets limits).
fn build_through(
    program: &str,
    args: &[String],
    book: &Path,
    dest: &Path,
) -> std::io::Result<std::process::Output> {
    std::process::Command::new(program)
        .args(args)
        .arg(env!("CARGO_BIN_EXE_ismsbook"))
        .arg("build")
        .arg(book)
        .arg("-d")
        .arg(dest)
        .args(["--today", TODAY])
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
}

#[cfg(unix)]
#[test]
fn writes_that_fail_on_every_page_are_one_io_error_and_the_old_site_stays() {
    let book = fixture("minimal");
    let dest = book.path().join("book");
    let run = build(book.path(), &dest);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let before = snapshot(&dest);

    std::fs::write(book.path().join("content/extra.md"), "---\ntitle: X\n---\n").unwrap();
    let run = build_with_small_file_limit(book.path(), &dest);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(": error["))
        .collect();
    assert_eq!(errors.len(), 1, "one error:\n{}", run.stderr);
    let folder = dest.display().to_string();
    assert!(
        errors[0].starts_with(&folder) && errors[0].contains(": error[io]: cannot write: "),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&dest), before, "the old site is intact");
    assert_eq!(leftovers(&dest), Vec::<String>::new());
}
