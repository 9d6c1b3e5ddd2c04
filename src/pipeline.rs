//! The build, stage by stage.
//!
//! 1. [`Config`]: read `book.toml`.
//! 2. [`content::load`]: read and parse every file of the content folder.
//! 3. [`handbook::link`]: resolve every reference into one [`Handbook`],
//!    rendering Markdown bodies with their links; reject it if anything is
//!    wrong. [`handbook::audit`] then adds the warnings (lints).
//! 4. [`Theme::load`]: compile the templates (at the same time as 2–3).
//! 5. [`render::render`]: render every page into a staging [`Site`]; at the
//!    same time [`search::build`] and [`search::write`] add the search index.
//! 6. [`Site::commit`]: swap the staging folder into place.
//!
//! Problems from stages 2–5 are collected, not fatal one by one, so a run
//! reports all of them; the previous site is only replaced by a clean build.
//! [`check`] runs the same stages and writes nothing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{Config, ConfigError};
use crate::content::history::Since;
use crate::content::{self, meta::Date};
use crate::diagnostics::{Diagnostic, Diagnostics, Rule};
use crate::fs::{self, FsError};
use crate::handbook::{self, Handbook};
use crate::render;
use crate::search;
use crate::site::{self, Discard, Found, Output, Site};
use crate::theme::{self, Theme};

/// Why a build did not produce a site.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// `book.toml` is missing or unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The sources have problems; nothing was written.
    #[error("{} error{} in the handbook", .0.error_count(), if .0.error_count() == 1 { "" } else { "s" })]
    Problems(Diagnostics),
    /// Writing the site failed.
    #[error(transparent)]
    Io(#[from] FsError),
    /// The date could not be worked out.
    #[error("{0}")]
    Date(String),
    /// The output folder would overwrite the sources.
    #[error("refusing to build into {}: it holds the handbook's own files; choose another output folder", .0.display())]
    UnsafeDestination(PathBuf),
    /// The output folder is inside the content or theme folder, which the
    /// next build would read.
    #[error(
        "refusing to build into {}: it is inside the {} folder, so the next build would read \
         the site as its own files; choose an output folder outside it",
        .0.display(),
        .1
    )]
    InsideSources(PathBuf, &'static str),
    /// The output path is a file.
    #[error("refusing to build into {}: it is a file, not a folder; choose another output folder", .0.display())]
    NotAFolder(PathBuf),
    /// The output folder holds what ismsbook did not write.
    #[error(
        "refusing to replace {}: it holds {}, which ismsbook did not write; choose a new or \
         empty folder, or give --force to replace the folder and everything in it",
        .folder.display(),
        .found.display()
    )]
    Occupied {
        /// The output folder.
        folder: PathBuf,
        /// The first thing found in it that a build does not write.
        found: PathBuf,
    },
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct Report {
    /// The output folder.
    pub destination: PathBuf,
    /// Files written.
    pub files: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// The warnings found on the way.
    pub warnings: Diagnostics,
}

/// The content of a handbook, linked and audited.
#[derive(Debug)]
pub struct Loaded {
    /// The handbook; None when it has errors.
    pub handbook: Option<Handbook>,
    /// Its errors and warnings.
    pub diagnostics: Diagnostics,
    /// How many files the content folder holds.
    pub files: usize,
}

/// A handbook ready to render: theme, handbook and the warnings found.
#[derive(Debug)]
pub struct Prepared {
    /// The compiled theme.
    pub theme: Theme,
    /// The linked handbook.
    pub handbook: Handbook,
    /// Warnings (lints); any error would have stopped preparation.
    pub warnings: Diagnostics,
}

/// The date reviews are measured against: `--today`, else
/// `SOURCE_DATE_EPOCH` (for reproducible builds), else the clock (UTC).
pub fn today(flag: Option<Date>) -> Result<Date, BuildError> {
    if let Some(d) = flag {
        return Ok(d);
    }
    let utc = |ts: jiff::Timestamp| Date(jiff::tz::TimeZone::UTC.to_datetime(ts).date());
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| jiff::Timestamp::from_second(s).ok())
            .map(utc)
            .ok_or_else(|| {
                BuildError::Date(format!(
                    "SOURCE_DATE_EPOCH must be a number of seconds since 1970, not `{v}`"
                ))
            }),
        Err(_) => Ok(utc(jiff::Timestamp::now())),
    }
}

/// Stages 2–3: the content of the handbook configured by `config`, linked
/// and audited.
pub fn load_content(config: &Config, today: Date) -> Loaded {
    let mut diagnostics = Diagnostics::new();
    let content = content::load(&config.src_dir(), &mut diagnostics);
    if !config.src_dir().is_dir() {
        diagnostics.error(
            Rule::Config,
            &config.file(),
            crate::diagnostics::Position::START,
            format!(
                "content folder {} does not exist",
                config.src_dir().display()
            ),
        );
    }
    let files = content.documents.len() + content.assets.len() + content.unreadable.len();
    let handbook = handbook::link(config, &content, today, &mut diagnostics)
        .filter(|_| !diagnostics.has_errors());
    if let Some(h) = &handbook {
        diagnostics.extend(handbook::audit(h, &content));
    }
    Loaded {
        handbook: handbook.filter(|_| !diagnostics.has_errors()),
        diagnostics,
        files,
    }
}

/// Stages 2–4 for a loaded configuration: the theme and the linked
/// handbook, and the problems of both together.
fn load(config: &Config, today: Date) -> (Option<Theme>, Loaded) {
    let ((theme, theme_problems), mut loaded) = rayon::join(
        || {
            let mut d = Diagnostics::new();
            (Theme::load(config, &mut d), d)
        },
        || load_content(config, today),
    );
    loaded.diagnostics.extend(theme_problems);
    (theme, loaded)
}

/// Stages 2–4: what [`write_site`] needs, or every problem found.
pub fn prepare(config: &Config, today: Date) -> Result<Prepared, BuildError> {
    match load(config, today) {
        (
            Some(theme),
            Loaded {
                handbook: Some(handbook),
                diagnostics,
                ..
            },
        ) if !diagnostics.has_errors() => Ok(Prepared {
            theme,
            handbook,
            warnings: diagnostics,
        }),
        (_, loaded) => Err(BuildError::Problems(loaded.diagnostics)),
    }
}

/// What [`check`] found.
#[derive(Debug)]
pub struct Checked {
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
    /// How many files were checked.
    pub files: usize,
}

/// `ismsbook check`: every stage of [`build`] but the writing. The pages are
/// rendered and dropped, so template errors are found too.
pub fn check(root: &Path, today: Date) -> Result<Checked, BuildError> {
    let config = Config::load(root)?;
    let (theme, mut loaded) = load(&config, today);
    if let (Some(theme), Some(handbook)) = (&theme, &loaded.handbook)
        && let Err(problems) = render::render(handbook, theme, &Discard)
    {
        loaded.diagnostics.extend(problems);
    }
    Ok(Checked {
        diagnostics: loaded.diagnostics,
        files: loaded.files,
    })
}

/// Stage 5: every page, `soa.csv`, static files, assets and the search
/// index written into `out`. Returns the number of files.
pub fn write_site(
    handbook: &Handbook,
    theme: &Theme,
    out: &dyn Output,
) -> Result<usize, BuildError> {
    let (pages, index) = rayon::join(
        || render::render(handbook, theme, out),
        || match handbook.config.html.search {
            true => search::write(&search::build(handbook), out),
            false => Ok(0),
        },
    );
    match (pages, index) {
        (Ok(pages), Ok(index)) => Ok(pages + index),
        // Write failures, from both sides, are one problem: the first.
        (pages, index) => {
            let mut failed: Vec<Diagnostic> =
                index.err().map(|e| e.diagnostic()).into_iter().collect();
            let mut problems = Diagnostics::new();
            for d in pages.err().into_iter().flatten() {
                match d.rule {
                    Rule::Io => failed.push(d),
                    _ => problems.push(d),
                }
            }
            Err(BuildError::Problems(match fs::one_write_error(failed) {
                Some(io) => Diagnostics::from_iter([io]),
                None => problems,
            }))
        }
    }
}

/// A failure to write the site, as a problem like any other (`error[io]`).
fn write_failed(e: FsError) -> BuildError {
    BuildError::Problems(Diagnostics::from_iter([e.diagnostic()]))
}

/// Which output folders a build replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Replace {
    /// Only a new or empty folder, or an earlier build ([`site::inspect`]).
    #[default]
    EarlierBuilds,
    /// Any folder but the sources (`--force`).
    AnyFolder,
}

/// Builds the handbook at `root` into `destination` (default: its
/// build-dir); `since`, from the command line, wins over `[audit] since`.
pub fn build(
    root: &Path,
    destination: Option<&Path>,
    today: Date,
    since: Option<Since>,
    replace: Replace,
) -> Result<Report, BuildError> {
    let started = Instant::now();
    let config = Config::load(root)?.with_since(since);
    let destination = destination.map_or_else(|| config.build_dir(), Path::to_path_buf);
    check_destination(&config, &destination)?;
    let Prepared {
        theme,
        handbook,
        warnings,
    } = prepare(&config, today)?;

    check_replaceable(&destination, replace)?;
    let site = Site::create(&destination).map_err(write_failed)?;
    let mut folders = render::all_paths(&handbook, &theme);
    folders.extend(search::folders());
    site.create_folders(folders.iter().map(String::as_str))
        .map_err(write_failed)?;
    let files = write_site(&handbook, &theme, &site).map_err(|e| match e {
        // The lints found before are counted with the errors that stopped it.
        BuildError::Problems(mut problems) => {
            problems.extend(warnings.clone());
            BuildError::Problems(problems)
        }
        other => other,
    })?;
    site.commit().map_err(write_failed)?;
    // Freeing every document and page takes tens of milliseconds at 10,000
    // documents: done on the side, it does not hold up the caller (or the
    // exit of `ismsbook build`).
    std::thread::spawn(move || drop((handbook, theme)));
    Ok(Report {
        destination,
        files,
        elapsed: started.elapsed(),
        warnings,
    })
}

/// Refuses an output folder that is, or contains, the sources (replacing
/// it would delete the handbook) or is inside them (the next build would
/// read the site).
fn check_destination(config: &Config, destination: &Path) -> Result<(), BuildError> {
    let absolute = |p: &Path| -> Result<PathBuf, FsError> {
        // The destination may not exist yet: resolve its nearest existing ancestor.
        let mut existing = p.to_path_buf();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.file_name(), existing.parent()) {
                (Some(name), Some(parent)) => {
                    rest.push(name.to_owned());
                    existing = if parent.as_os_str().is_empty() {
                        PathBuf::from(".")
                    } else {
                        parent.to_path_buf()
                    };
                }
                _ => break,
            }
        }
        let mut resolved = fs::canonicalize(&existing)?;
        resolved.extend(rest.iter().rev());
        Ok(resolved)
    };
    let dest = absolute(destination)?;
    let mut protected = vec![absolute(&config.root)?, absolute(&config.src_dir())?];
    if let Some(t) = theme::folder(config) {
        protected.push(absolute(&t)?);
    }
    if protected.iter().any(|p| p.starts_with(&dest)) {
        return Err(BuildError::UnsafeDestination(destination.to_path_buf()));
    }
    let sources = [
        (Some(config.src_dir()), "content"),
        (theme::folder(config), "theme"),
    ];
    for (folder, name) in sources {
        if let Some(folder) = folder
            && dest.starts_with(absolute(&folder)?)
        {
            return Err(BuildError::InsideSources(destination.to_path_buf(), name));
        }
    }
    Ok(())
}

/// Refuses a file, and a folder that holds what a build did not write
/// unless `replace` says any folder will do.
fn check_replaceable(destination: &Path, replace: Replace) -> Result<(), BuildError> {
    match site::inspect(destination) {
        Found::Nothing | Found::Site => Ok(()),
        Found::File => Err(BuildError::NotAFolder(destination.to_path_buf())),
        Found::Other(_) if replace == Replace::AnyFolder => Ok(()),
        Found::Other(found) => Err(BuildError::Occupied {
            folder: destination.to_path_buf(),
            found,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output on a full disk: every write fails.
    struct FullDisk;

    impl Output for FullDisk {
        fn write(&self, rel: &str, _bytes: &[u8]) -> Result<(), FsError> {
            Err(FsError {
                action: "cannot write",
                path: PathBuf::from("book").join(rel),
                source: std::io::Error::new(std::io::ErrorKind::StorageFull, "disk full"),
            })
        }
    }

    #[test]
    fn a_full_disk_is_one_io_error_naming_the_file() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = Config::load(root).unwrap();
        let prepared = prepare(&config, Date::parse("2026-11-24").unwrap()).unwrap();
        let Err(BuildError::Problems(problems)) =
            write_site(&prepared.handbook, &prepared.theme, &FullDisk)
        else {
            panic!("writing to a full disk must fail");
        };
        let problems = problems.into_sorted();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let io = &problems[0];
        assert_eq!(io.rule, Rule::Io);
        assert!(io.file.starts_with("book"), "{io}");
        assert_eq!(
            io.message,
            "cannot write: disk full; free some space on that disk, then build again"
        );
    }
}
