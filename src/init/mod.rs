//! `ismsbook init`: scaffold a new handbook that builds cleanly.
//!
//! The starter files live in `src/init/starter/` as real Markdown and TOML,
//! compiled in with `include_str!`. A few placeholders (`{{title}}`,
//! `{{review}}`, ...) are filled in when they are written, each escaped for
//! where it stands: inside a quoted TOML or YAML string, or in Markdown text.
//! The policy's review date is a year after today, so a new handbook has no
//! review warning.
//!
//! `init` never replaces anything. It first checks every path it would write,
//! and if any exists it writes nothing at all. Files are created with
//! `create_new`, and if writing fails half-way, what was created is removed
//! again. With `--theme` the built-in theme is copied to `themes/default`,
//! and `book.toml` names that folder.

use std::path::{Path, PathBuf};

use crate::catalog;
use crate::config::FILE_NAME;
use crate::content::meta::Date;
use crate::fs::{self, FsError};
use crate::theme;

/// The starter files: (path in the new handbook, template text).
const STARTER: [(&str, &str); 10] = [
    (FILE_NAME, include_str!("starter/book.toml")),
    (".gitignore", include_str!("starter/gitignore")),
    ("content/index.md", include_str!("starter/index.md")),
    (
        "content/policies/information-security.md",
        include_str!("starter/policies/information-security.md"),
    ),
    (
        "content/controls/5.1.md",
        include_str!("starter/controls/5.1.md"),
    ),
    (
        "content/controls/5.2.md",
        include_str!("starter/controls/5.2.md"),
    ),
    (
        "content/controls/5.15.md",
        include_str!("starter/controls/5.15.md"),
    ),
    (
        "content/roles/information-security-manager.md",
        include_str!("starter/roles/information-security-manager.md"),
    ),
    (
        "content/roles/top-management.md",
        include_str!("starter/roles/top-management.md"),
    ),
    (
        "content/risks/R-01.md",
        include_str!("starter/risks/R-01.md"),
    ),
];

/// The title used when none is given.
pub const DEFAULT_TITLE: &str = "Information Security Handbook";

/// The organisation used when none is given: a placeholder to replace.
pub const DEFAULT_ORGANIZATION: &str = "Your Organisation";

/// What to create.
#[derive(Debug, Clone)]
pub struct Options {
    /// The handbook folder; created when missing.
    pub dir: PathBuf,
    /// Copy the built-in theme to `themes/default` and use it.
    pub theme: bool,
    /// `[book] title`.
    pub title: String,
    /// `[book] organization`.
    pub organization: String,
    /// The day the handbook is started: the first history entry, and a year
    /// before the policy's review.
    pub today: Date,
}

/// What `init` wrote.
#[derive(Debug, Clone)]
pub struct Created {
    /// Every file written, relative to the handbook folder, in the order written.
    pub files: Vec<PathBuf>,
    /// The copied theme folder, relative to the handbook folder.
    pub theme: Option<PathBuf>,
    /// How many Annex A controls still have no statement.
    pub controls_without_statement: usize,
    /// How many roles were written (nobody holds them yet).
    pub roles: usize,
}

/// Why `init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The handbook folder is a file.
    #[error("{} is not a folder", .0.display())]
    NotAFolder(PathBuf),
    /// Some of the files `init` would write are already there.
    #[error(
        "{}; nothing was written. `ismsbook init` only starts new handbooks: choose a new or empty folder",
        existing(dir, paths)
    )]
    Exists {
        /// The handbook folder.
        dir: PathBuf,
        /// The paths in it that are in the way, relative to it.
        paths: Vec<PathBuf>,
    },
    /// The review date would be past the last date there is.
    #[error("cannot set a review date a year after {0}")]
    Date(Date),
    /// Writing failed; whatever had been created was removed again.
    #[error("{0}; nothing was kept")]
    Io(#[from] FsError),
}

fn existing(dir: &Path, paths: &[PathBuf]) -> String {
    let shown: Vec<String> = paths
        .iter()
        .map(|p| dir.join(p).display().to_string())
        .collect();
    match shown.as_slice() {
        [one] => format!("{one} already exists"),
        few if few.len() <= 3 => format!("{} already exist", few.join(", ")),
        many => format!(
            "{} and {} other files already exist",
            many[..3].join(", "),
            many.len() - 3
        ),
    }
}

/// Writes a new handbook into `options.dir`, or nothing at all.
pub fn init(options: &Options) -> Result<Created, InitError> {
    let dir = &options.dir;
    if dir.exists() && !dir.is_dir() {
        return Err(InitError::NotAFolder(dir.clone()));
    }
    let files = files(options)?;
    let paths: Vec<PathBuf> = in_the_way(dir, files.iter().map(|(rel, _)| rel.as_path()));
    if !paths.is_empty() {
        return Err(InitError::Exists {
            dir: dir.clone(),
            paths,
        });
    }
    let mut made = Made::default();
    for (rel, bytes) in &files {
        if let Err(e) = made.file(dir, rel, bytes) {
            made.undo();
            return Err(e.into());
        }
    }
    let count = |folder: &str| {
        STARTER
            .iter()
            .filter(|(rel, _)| rel.starts_with(folder))
            .count()
    };
    Ok(Created {
        files: files.into_iter().map(|(rel, _)| rel).collect(),
        theme: options.theme.then(|| PathBuf::from(theme::DEFAULT_DIR)),
        controls_without_statement: catalog::catalog().controls.len() - count("content/controls/"),
        roles: count("content/roles/"),
    })
}

/// Every file of the new handbook: its path in the handbook folder and its bytes.
pub fn files(options: &Options) -> Result<Vec<(PathBuf, Vec<u8>)>, InitError> {
    let review = options
        .today
        .0
        .checked_add(jiff::Span::new().years(1))
        .map(Date)
        .map_err(|_| InitError::Date(options.today))?;
    let theme_line = if options.theme {
        format!(
            "theme = \"{}\"      # the theme folder: edit its templates and stylesheet",
            theme::DEFAULT_DIR
        )
    } else {
        format!(
            "# theme = \"{}\"    # a folder of templates/ and static/ that replace the built-in ones",
            theme::DEFAULT_DIR
        )
    };
    let values = |name: &str| -> Option<String> {
        Some(match name {
            "title" => quoted(&options.title),
            "organization" => quoted(&options.organization),
            "organization_md" => markdown(&options.organization),
            "today" => options.today.to_string(),
            "review" => review.to_string(),
            "theme" => theme_line.clone(),
            "risk" => crate::risk::default_table("top-management"),
            _ => return None,
        })
    };
    let mut files: Vec<(PathBuf, Vec<u8>)> = STARTER
        .iter()
        .map(|(rel, text)| (PathBuf::from(rel), fill(text, &values).into_bytes()))
        .collect();
    if options.theme {
        let root = Path::new(theme::DEFAULT_DIR);
        files.extend(
            theme::built_in_files()
                .into_iter()
                .map(|(rel, bytes)| (root.join(rel), bytes.to_vec())),
        );
    }
    Ok(files)
}

/// `template` with each `{{name}}` replaced by `value(name)`; unknown
/// placeholders are left as they are.
fn fill(template: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let name = &rest[start + 2..start + 2 + len];
        out.push_str(&rest[..start]);
        match value(name) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[start..start + len + 4]),
        }
        rest = &rest[start + len + 4..];
    }
    out.push_str(rest);
    out
}

/// `text` for the inside of a double-quoted string, in TOML and in YAML alike.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `text` as literal Markdown inside a sentence: characters that would
/// start emphasis, links, code or HTML are escaped.
fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~'
        ) {
            out.push('\\');
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

/// The paths among `rels` (and their folders) that already exist in `dir`
/// as something `init` cannot use: any file it would write, and anything
/// but a folder where it needs a folder.
fn in_the_way<'a>(dir: &Path, rels: impl Iterator<Item = &'a Path>) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = Vec::new();
    for rel in rels {
        let mut folder = PathBuf::new();
        let parents: Vec<_> = rel
            .parent()
            .into_iter()
            .flat_map(Path::components)
            .collect();
        for part in parents {
            folder.push(part);
            let path = dir.join(&folder);
            if path.symlink_metadata().is_ok() && !path.is_dir() && !found.contains(&folder) {
                found.push(folder.clone());
            }
        }
        if dir.join(rel).symlink_metadata().is_ok() {
            found.push(rel.to_path_buf());
        }
    }
    found
}

/// What one run has created so far, to remove if a later step fails.
#[derive(Default)]
struct Made {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

impl Made {
    fn file(&mut self, dir: &Path, rel: &Path, bytes: &[u8]) -> Result<(), FsError> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            self.folder(parent)?;
        }
        fs::create_new(&path, bytes)?;
        self.files.push(path);
        Ok(())
    }

    fn folder(&mut self, path: &Path) -> Result<(), FsError> {
        if path.as_os_str().is_empty() || path.is_dir() {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            self.folder(parent)?;
        }
        fs::create_dir(path)?;
        self.dirs.push(path.to_path_buf());
        Ok(())
    }

    /// Removes what was created, newest first. Best effort: the error that
    /// stopped `init` is the one worth reporting.
    fn undo(self) {
        for file in self.files.iter().rev() {
            let _ = fs::remove_file(file);
        }
        for dir in self.dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn options(dir: &Path) -> Options {
        Options {
            dir: dir.to_path_buf(),
            theme: false,
            title: DEFAULT_TITLE.to_owned(),
            organization: DEFAULT_ORGANIZATION.to_owned(),
            today: Date::parse("2026-11-24").unwrap(),
        }
    }

    #[test]
    fn every_placeholder_is_filled() {
        for theme in [false, true] {
            let opts = Options {
                theme,
                ..options(Path::new("x"))
            };
            for (rel, bytes) in files(&opts).unwrap() {
                if rel.starts_with(theme::DEFAULT_DIR) {
                    continue;
                }
                let text = String::from_utf8(bytes).unwrap();
                assert!(!text.contains("{{"), "{}: {text}", rel.display());
            }
        }
    }

    #[test]
    fn review_is_a_year_on_even_from_a_leap_day() {
        let text = |today: &str| {
            let opts = Options {
                today: Date::parse(today).unwrap(),
                ..options(Path::new("x"))
            };
            let files = files(&opts).unwrap();
            let (_, policy) = files
                .iter()
                .find(|(rel, _)| rel.ends_with("information-security.md"))
                .unwrap();
            String::from_utf8(policy.clone()).unwrap()
        };
        assert!(text("2026-11-24").contains("\nreview: 2027-11-24\n"));
        assert!(text("2028-02-29").contains("\nreview: 2029-02-28\n"));
        let last = Options {
            today: Date::parse("9999-06-01").unwrap(),
            ..options(Path::new("x"))
        };
        assert!(matches!(files(&last), Err(InitError::Date(_))));
    }

    #[test]
    fn values_are_escaped_for_where_they_stand() {
        assert_eq!(quoted(r#"A "B" \ C"#), r#"A \"B\" \\ C"#);
        assert_eq!(quoted("a\u{7}b"), "a\\u0007b");
        assert_eq!(markdown("*Acme* <b>&</b>"), r"\*Acme\* \<b\>\&\</b\>");
        let filled = fill("{{a}} {{b}} {{a", &|n| {
            (n == "a").then(|| "{{b}}".to_owned())
        });
        assert_eq!(filled, "{{b}} {{b}} {{a", "one pass, unknown names kept");
    }

    #[test]
    fn names_everything_in_the_way_and_writes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("content"), "a file").unwrap();
        std::fs::write(tmp.path().join(".gitignore"), "x").unwrap();
        let err = init(&options(tmp.path())).unwrap_err();
        let InitError::Exists { paths, .. } = &err else {
            panic!("{err}");
        };
        assert_eq!(
            paths,
            &[PathBuf::from(".gitignore"), PathBuf::from("content")]
        );
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(left.len(), 2);
    }

    #[test]
    fn a_failed_write_removes_what_it_created() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("new");
        let mut made = Made::default();
        made.file(&dir, Path::new("a/b.md"), b"x").unwrap();
        // A file where a folder is needed stops the next write.
        assert!(made.file(&dir, Path::new("a/b.md/c.md"), b"x").is_err());
        made.undo();
        assert!(!dir.exists());
    }
}
